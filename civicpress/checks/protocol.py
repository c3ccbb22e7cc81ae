"""What a check is: the one shape every check of the built files has (links, personal data…).

A check looks at every output file twice:

- ``scan(path, data)`` reads one file and returns a small record. It is pure, so it runs in
  the worker process that rendered the page, and only the record travels back;
- ``judge(records, present)`` sees the records of all files of the build, in the build's
  order (read as it goes: they need not all be in memory at once), and returns the findings.
  ``present`` are files that exist without being scanned
  (the search bundle another program wrote).

``dump`` and ``load`` turn a record into JSON and back: an incremental build keeps the records
of the files it did not make again (civicpress.rebuild.state), under the check's ``name``.
Build, ``check`` and ``print`` run the same checks over their files (civicpress.outputs).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from civicpress.errors import Finding

Record = TypeVar("Record")


class Check(Protocol[Record]):
    @property
    def name(self) -> str:
        """The key of its records in the build state."""
        ...

    @property
    def quiet_after_errors(self) -> bool:
        """Not judged when the build already has errors (its findings would repeat them, less precisely)."""
        ...

    def scan(self, path: str, data: bytes) -> Record:
        """One output file's record: pure, picklable."""
        ...

    def judge(self, records: Iterable[tuple[str, Record]], present: Iterable[str]) -> list[Finding]:
        """The findings over the whole build's records (in the build's order)."""
        ...

    def dump(self, record: Record) -> Any:
        """The record as JSON values."""
        ...

    def load(self, path: str, raw: Any) -> Record:
        """A record read back from ``dump``'s JSON."""
        ...
