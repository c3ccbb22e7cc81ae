"""The note after an import, in Chinese: what was written, the repairs and their counts, the
lines a human should check (with their line numbers in the original), and the headings found."""

from __future__ import annotations

import unicodedata

from civicpress.importer.batch import Imported, ImportRun
from civicpress.importer.repair_log import REPAIRS

_DATE_SOURCES = {
    "时间行": "来自“时间”行",
    "标题下": "来自标题下的日期",
    "文末": "来自文末落款",
    "标题中": "来自标题中的日期",
    "文件名": "来自文件名",
    "文件日期": "来自文件的修改日期，请核对",
}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def _table(rows: list[tuple[str, str]], header: tuple[str, str]) -> list[str]:
    left = max(_width(r[0]) for r in [header, *rows])
    right = max(_width(r[1]) for r in [header, *rows])
    lines = [f"  {_pad(header[0], left)}  {header[1].rjust(right)}", f"  {'─' * left}  {'─' * right}"]
    lines += [f"  {_pad(a, left)}  {b.rjust(right)}" for a, b in rows]
    return lines


def format_item(item: Imported, dry_run: bool) -> str:
    source = item.source
    lines = [f"导入：{source.name}（{source.encoding.upper()}）"]
    verb = "将写入" if dry_run else "已写入"
    for output in item.outputs:
        if output.skipped:
            lines.append(f"  已导入，跳过：{output.destination.rel}（同一份材料此前已导入为这篇文章，不再重复导入）")
            continue
        lines.append(f"  {verb}：{output.destination.rel}")
        if output.destination.renamed:
            lines.append(f"    （{output.destination.wanted} 已存在，改用 {output.destination.path.name}）")
        if output.pictures:
            folder = output.pictures[0][0].parent
            rel = f"{output.destination.rel.rsplit('/', 1)[0]}/{folder.parent.name}/{folder.name}/"
            lines.append(f"    图片 {len(output.pictures)} 张{verb[0]}写入 {rel}，放在原文中的位置")
    if item.split_note:
        lines.append(f"  {item.split_note}")
    report = item.report
    lines.append(f"  标题：{report.title}")
    when = report.date.isoformat() if report.date else "（未找到，请在文件头中补上 date）"
    lines.append(f"  日期：{when}" + (f"（{_DATE_SOURCES[report.date_source]}）" if report.date_source else ""))
    lines.append("")
    rows = [(label, str(item.log.counts[key])) for key, label in REPAIRS]
    lines += _table(rows, ("修复", "处数"))
    lines.append("")
    if item.log.flags:
        lines.append(f"  需要人工核对的行（{len(item.log.flags)} 处，行号指原文件）：")
        for flag in sorted(item.log.flags, key=lambda f: f.line):
            lines.append(f"  第 {flag.line} 行：{flag.reason}")
            lines.append(f"      {flag.text}")
    else:
        lines.append("  需要人工核对的行：无")
    lines.append("")
    outline = report.outline()
    if outline:
        lines.append("  标题结构：")
        lines += [f"  {'  ' * level}{text}" for level, text in outline]
    else:
        lines.append("  标题结构：未找到小标题")
    return "\n".join(lines)


def format_run(run: ImportRun) -> str:
    parts = [format_item(item, run.dry_run) for item in run.items]
    outputs = [output for item in run.items for output in item.outputs]
    skipped = sum(output.skipped for output in outputs)
    flags = sum(len(item.log.flags) for item in run.items)
    verb = "将导入" if run.dry_run else "已导入"
    tail = f"{verb} {len(outputs) - skipped} 篇文章到栏目 {run.section}"
    tail += f"，{skipped} 篇此前已导入，跳过" if skipped else ""
    tail += (f"，{flags} 处需要人工核对" if flags else "") + "。"
    if run.dry_run:
        tail += "（试运行，没有写入任何文件）"
    return "\n\n".join([*parts, tail])
