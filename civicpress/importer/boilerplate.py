"""Repair 4: what content farms and document sites add around a report.

Removed: the ``时间:``/``导语:`` header lines (the date is kept for the front matter), the
"来源于网友上传，不代表本站观点" and "若需要原创文章可咨询客服老师" notices, watermarks and
site names, "本文由…整理/提供", download prompts, and page markers (``第 2 页 共 5 页``,
``- 3 -``, ``2/5``). A phrase inside a paragraph is cut out; a line left empty is dropped.
Runs after the Simplified conversion, so only Simplified spellings are listed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from civicpress.importer.dates import find_date
from civicpress.importer.repair_log import Line, RepairLog

_SEP = r"[，,、；;：:。.！!\s]*"
# Lines removed whole.
_HEADER = re.compile(r"^\s*(?:发布)?(?:时间|日期)\s*[:：]\s*\d{4}\s*[-/.年]")
_LINE_PATTERNS = [
    re.compile(r"^\s*(?:导语|导读|摘要)\s*[:：].*(?:来源|网友|本站|客服|参考)"),
    re.compile(r"^\s*(?:来源|出处|作者|编辑|责任编辑|浏览次数|阅读次数|点击数|字号)\s*[:：].{0,40}$"),
    re.compile(r"^\s*第\s*\d+\s*页\s*[/，,、]?\s*共\s*\d+\s*页\s*$"),
    re.compile(r"^\s*[-—–－]\s*\d{1,3}\s*[-—–－]\s*$"),
    re.compile(r"^\s*\d{1,3}\s*/\s*\d{1,3}\s*$"),
    re.compile(r"^\s*(?:页码|page)\s*[:：]?\s*\d+.*$", re.IGNORECASE),
    re.compile(r"^\s*(?:【(?:打印|关闭|收藏|返回顶部)】\s*)+$"),
    re.compile(r"^.{0,30}(?:https?://|www\.)\S+.{0,30}$", re.IGNORECASE),
]
# Phrases cut out of a line.
_PHRASES = [
    re.compile(rf"(?:本文|此文|一文)?(?:内容)?来源于网友上传{_SEP}(?:不代表本站观点{_SEP})?"),
    re.compile(rf"不代表本站观点{_SEP}"),
    re.compile(rf"若需要原创文章可咨询客服老师{_SEP}(?:欢迎参考{_SEP})?"),
    re.compile(rf"本文由[^，。！\n]{{1,30}}(?:整理|提供|发布|编辑|收集|上传)(?:而成)?{_SEP}"),
    re.compile(rf"(?:版权归原作者所有|如有侵权[^。\n]{{0,20}}删除|仅供参考学习|下载文档到电脑[^。\n]{{0,20}}){_SEP}"),
    re.compile(rf"(?:展开全文|阅读全文|点击下载|免费下载|下载本文档|本文档共\d+页){_SEP}"),
    re.compile(r"第\s*\d+\s*页\s*[/，,]?\s*共\s*\d+\s*页"),
    re.compile(rf"(?:文秘帮|范文网|第一范文网|范文大全|公文易|文档网|百度文库|道客巴巴|豆丁网)(?:整理|收集|提供)?{_SEP}"),
]
_HAS_TEXT = re.compile(r"[\u3400-\u9fff\w]")


def strip(lines: list[Line], log: RepairLog) -> tuple[list[Line], date | None]:
    """Remove the boilerplate; return the lines left and the date of a ``时间:`` line."""
    found: date | None = None
    out: list[Line] = []
    for line in lines:
        text = line.text
        if _HEADER.match(text):
            found = found or find_date(text)
            log.count("boilerplate")
            continue
        if any(pattern.match(text) for pattern in _LINE_PATTERNS):
            log.count("boilerplate")
            continue
        for pattern in _PHRASES:
            text, changes = pattern.subn("", text)
            log.count("boilerplate", changes)
        if text != line.text and not _HAS_TEXT.search(text):
            continue  # nothing but boilerplate on this line
        out.append(replace(line, text=text))
    return out, found
