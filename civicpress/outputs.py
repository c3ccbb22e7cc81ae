"""The one loop over a build's output files: made by the writers, checked, handed on.

    writers (civicpress.writers.registry), in order ─► OutputFile
      ─► finish: its digest, its bytes staged, every check's ``scan`` (in the worker that
         rendered it, for pages) ─► CheckedFile ─► the caller (build, ``check``, ``print``)
      ─► judge: every check over all records, once the files are made

Build, ``check`` and ``print`` differ only in where the bytes go (a staging tree, nowhere) and
what they keep of the records; the checks are the same (civicpress.checks.registry).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Any

from civicpress.checks.protocol import Check
from civicpress.errors import Findings
from civicpress.model import CheckedFile, OutputFile
from civicpress.publish import Staging
from civicpress.rebuild.state import bytes_digest, interned
from civicpress.writers.pages import SEARCH_BODY
from civicpress.writers.protocol import BuildInputs, Made, Writer


class OutputLoop:
    """The files of ``writers``, each checked by ``checks`` and staged into ``staging`` (None: nowhere)."""

    def __init__(self, checks: tuple[Check[Any], ...], staging: Staging | None = None) -> None:
        self.checks = checks
        self.staging = staging

    def files(self, inputs: BuildInputs, writers: Iterable[Writer], findings: Findings
              ) -> Iterator[tuple[OutputFile, CheckedFile]]:
        """Every file of the writers in order, with what checking it found; ``data`` may be empty
        when a worker checked it (its bytes are then staged already)."""
        made = Made()
        for writer in writers:
            for file in writer.write(inputs, made, findings):
                yield file, file.checked or self.finish(file)

    def finish(self, file: OutputFile) -> CheckedFile:
        """Check one file and stage its bytes: pure but for the staged file, so a worker process can do it."""
        digest = bytes_digest(file.data)
        staged = self.staging.stage_bytes(file.path, file.data, digest) if self.staging is not None else False
        return CheckedFile(
            digest=digest,
            size=len(file.data),
            staged=staged,
            indexed=SEARCH_BODY.encode() in file.data,
            checks={check.name: check.dump(check.scan(file.path, file.data)) for check in self.checks},
        )

    def finisher(self) -> Callable[[OutputFile], OutputFile]:
        """``finish`` for the worker processes: only the record of a page travels back, not its bytes."""
        return lambda file: replace(file, data=b"", checked=self.finish(file))

    def judge(self, records: Iterable[tuple[str, Mapping[str, Any]]], present: Iterable[str],
              findings: Findings) -> None:
        """Every check over the records of all files (path, check name -> JSON), in the build's order."""
        kept = [(path, checks) for path, checks in records]
        for check in self.checks:
            if check.quiet_after_errors and findings.errors:
                continue
            read = ((path, check.load(path, checks[check.name])) for path, checks in kept if check.name in checks)
            findings.extend(check.judge(read, present))


def interned_checks(checked: CheckedFile) -> Mapping[str, Any]:
    """A file's check records with their strings interned (kept for 10,000 pages, mostly the same links)."""
    return {name: interned(raw) for name, raw in checked.checks.items()}
