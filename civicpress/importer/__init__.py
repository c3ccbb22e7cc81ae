"""``import``: damaged plain-text reports become clean articles in ``content/``.

    read_inputs(names) ─► [Input]                          bytes of each file (``-``: stdin)
    import_files(inputs, site_dir, section) ─► ImportRun
        reading     .txt (any usual encoding), .md, .docx  ─► lines with their numbers
        cleaning    the repairs, in order, each counted:
                    mojibake → pinyin_marks → simplify → punctuation → boilerplate → paragraphs
        structure   title, date, headings (一、（一）1.（1）), points (一是), lists, tables
        article     front matter + Markdown (redaction stars kept as text)
        files       content/<section>/<slug>.md, never over an existing file
    format_run(run) ─► the Chinese note: repairs, lines to check, headings

Supporting rooms: ``plausibility`` and ``hanzi_frequency`` (does a text read as ordinary
Chinese?), ``headings`` (the numbering of Chinese reports), ``dates``, ``terms`` (tags),
``repair_log`` (what was done and what to check).
"""

from civicpress.importer.batch import Imported, ImportRun, Input, convert, import_files, read_inputs
from civicpress.importer.report import format_run

__all__ = ["ImportRun", "Imported", "Input", "convert", "format_run", "import_files", "read_inputs"]
