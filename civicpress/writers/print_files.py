"""The exchange materials (``print/<name>.html``, ``.pdf``, ``.docx``), laid out by civicpress.printing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from civicpress.errors import Findings
from civicpress.model import OutputFile
from civicpress.printing import write_print
from civicpress.writers.protocol import BuildInputs, Made


class PrintWriter:
    """Every material's print page, PDF and Word file; made again by every build (fonts may change)."""

    name = "print"
    tracks = False

    def expected(self, inputs: BuildInputs) -> int:
        return 3 * len(inputs.print_jobs)

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        if not inputs.print_jobs:
            return
        local = Findings()
        yield from _with_warnings(write_print(inputs.print_jobs, inputs.site, local), local, findings)


def _with_warnings(files: Iterator[OutputFile], local: Findings, findings: Findings) -> Iterator[OutputFile]:
    """The files of a writer that reports to ``local``: its warnings travel with its last file.

    (A kept file's warnings are reported again from its record; a warning of the whole writer
    needs a file to travel with.)
    """
    pending: OutputFile | None = None
    for file in files:
        if pending is not None:
            yield pending
        pending = file
    findings.extend(local.errors)
    if pending is None:
        findings.extend(local.warnings)
        return
    yield replace(pending, problems=(*pending.problems, *local.warnings))
