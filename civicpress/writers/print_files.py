"""The exchange materials (``print/<name>.html``, ``.pdf``, ``.docx``), laid out by civicpress.printing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from civicpress.errors import Findings
from civicpress.model import OutputFile
from civicpress.printing import print_paths, write_print
from civicpress.writers.protocol import BuildInputs, Made


class PrintWriter:
    """Every material's print page, PDF and Word file.

    A material is laid out and printed again only when one of its files is wanted: its key
    (civicpress.rebuild.keys) is its own content with the fonts and the code, so a save of an
    article it does not show keeps its PDF (WeasyPrint takes about a second a material).
    """

    name = "print"
    tracks = True

    def expected(self, inputs: BuildInputs) -> int:
        return 3 * len(inputs.print_jobs)

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        jobs = [job for job in inputs.print_jobs if any([inputs.wants(path) for path in print_paths(job.name)])]
        if not jobs:
            return
        local = Findings()
        yield from _with_warnings(write_print(jobs, inputs.site, local), local, findings)


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
