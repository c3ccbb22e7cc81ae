"""The shape of a cleaned report: title, date, headings, paragraphs, lists and tables.

- Title: the first heading-like line (short, not ending a sentence, not numbered), or the
  heading style a Word file gave it; failing that, the file name, else the first sentence.
- Date: the ``时间:`` line of the header, else a date line under the title, else a date line at
  the end (the signature), else the file's own date.
- Headings: numbered lines (:mod:`civicpress.importer.headings`) that read as headings; a
  numbered line that goes on after a short first sentence is a run-in heading and is split.
  Numbered sentences (1. 2. …) in a row are a list. Inline points (一是……) stay paragraphs,
  unless one paragraph strings several short points together: then they become a list.
- Tables: two or more rows in a row written with ``|`` or tabs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from civicpress.importer.boilerplate import Metadata, chrome_score, names_line, vocabulary
from civicpress.importer.dates import find_date, is_date_line
from civicpress.importer.headings import TERMINAL, heading_like, numbering, point
from civicpress.importer.paragraphs import is_table_row, table_cells
from civicpress.importer.repair_log import Line

TITLE_LIMIT = 50
ARTICLE_RANK = 0  # a compilation's articles: above 一、
RUN_IN_LIMIT = 30  # a numbered line's first sentence up to this long is a run-in heading
LIST_ITEM_LIMIT = 120
POINT_ITEM_LIMIT = 40


@dataclass(frozen=True)
class Heading:
    rank: int  # 1 for 一、 … 4 for （1）; a Word or Markdown heading keeps its own level
    text: str
    line: int


@dataclass(frozen=True)
class Paragraph:
    text: str
    line: int
    point: str = ""  # 一是, 二是 … when the paragraph is an inline point


@dataclass(frozen=True)
class ListBlock:
    items: tuple[str, ...]
    ordered: bool
    line: int


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]
    line: int


Block = Heading | Paragraph | ListBlock | Table


@dataclass(frozen=True)
class Report:
    title: str
    date: date | None
    date_source: str  # 时间行 / 标题中 / 标题下 / 文末 / 文件名 / 文件日期 / ""
    blocks: tuple[Block, ...]
    author: str = ""  # from an author line (作者：, a byline, names under the title)
    origin: str = ""  # from a source line (来源：, a journal issue)
    title_lines: tuple[int, ...] = ()  # source lines the title was taken from
    consumed: tuple[int, ...] = ()  # source lines that went into the front matter, not the body
    articles: int = 0  # a compilation: how many articles it holds (0: not a compilation)

    def levels(self) -> dict[int, int]:
        """Heading rank → level from the top (1), for the ranks this report uses."""
        ranks = sorted({block.rank for block in self.blocks if isinstance(block, Heading)})
        return {rank: index + 1 for index, rank in enumerate(ranks)}

    def outline(self) -> list[tuple[int, str]]:
        """(level, text) of every heading, and of every inline point under it (one level down)."""
        levels = self.levels()
        found: list[tuple[int, str]] = []
        current = 0
        for block in self.blocks:
            if isinstance(block, Heading):
                current = levels[block.rank]
                found.append((current, block.text))
            elif isinstance(block, Paragraph) and block.point:
                found.append((current + 1, point_summary(block)))
        return found


def point_summary(paragraph: Paragraph) -> str:
    """``一是高定位，精心打造一流的党委班子。发挥…`` → ``一是高定位，精心打造一流的党委班子``."""
    first = re.split(r"[。！？；]", paragraph.text, maxsplit=1)[0]
    return first if len(first) <= 40 else first[:39] + "…"


def parse(
    lines: list[Line],
    header_date: date | None,
    fallback_title: str,
    file_date: tuple[date, str] | None,
    known_title: str = "",
    metadata: Metadata | None = None,
) -> Report:
    """The report in ``lines``. ``known_title``: a title the source declared (front matter);
    ``metadata``: what the metadata lines said (author, source, and the lines they stood on)."""
    metadata = metadata or Metadata()
    lines = [line for line in lines if line.text.strip()]
    consumed: list[int] = []
    title_lines: list[int]
    stamp: date | None
    lines = _drop_contents_lines(lines, consumed)
    markers = compilation_markers(lines)
    if known_title:
        title, title_lines, lines, stamp = known_title, [], lines, None
    elif len(markers) >= 2:
        title, title_lines, lines, stamp = _compilation_title(lines, markers, fallback_title)
    else:
        title, title_lines, lines, stamp = _title(lines, fallback_title, metadata)
        lines = _drop_duplicates(lines, title, consumed)
    author = metadata.author
    if not _first_of_sections(lines):  # a section's heading (景鸿社区) is not who wrote the report
        lines, author = _byline(lines, author, consumed)
    found, source = (header_date, "时间行") if header_date else (stamp, "标题中") if stamp else (None, "")
    if found is None and lines and is_date_line(lines[0].text):
        found, source = find_date(lines[0].text), "标题下"
        consumed.append(lines[0].number)
        lines = lines[1:]
    if found is None:
        for line in lines[-3:]:
            if is_date_line(line.text):
                found, source = find_date(line.text), "文末"
    if found is None and file_date is not None:
        found, source = file_date
    articles = {line.number for line in markers} if len(markers) >= 2 else set()
    blocks = tuple(_blocks(lines, articles))
    return Report(title, found, source, blocks, author=author, origin=metadata.origin,
                  title_lines=tuple(title_lines), consumed=tuple(consumed), articles=len(articles))


# -- titles -------------------------------------------------------------------------------------

_CN_ORDINAL = "一二三四五六七八九十"
_GENRE = re.compile(r"总结|汇报|材料|事迹|报告|经验|做法|交流|小结|方案|讲话|发言")
_TITLE_PREFIXES = [
    re.compile(rf"^\s*[【\[]?第\s*[{_CN_ORDINAL}\d]+\s*篇[】\]]?\s*[:：.、]?\s*"),
    re.compile(r"^\s*(?:前言|序言|目录)\s*[:：]\s*"),
    re.compile(r"^\s*[-•·*]\s+"),
    re.compile(rf"^\s*篇\s*[{_CN_ORDINAL}\d]+\s*[:：]\s*"),  # 篇一：
    re.compile(r"^\s*(?:精编|精选|最新)\s*"),  # the site's praise of its own copy
    re.compile(r"^\s*#[^#\s]{1,20}#\s*"),  # #全国妇联#: the site's topic tag
]
_TITLE_SUFFIXES = [
    re.compile(rf"\s*[（(【\[]\s*(?:最新|精选|通用|热门)?\s*[\d{_CN_ORDINAL}]+\s*篇\s*[)）】\]]\s*$"),
    re.compile(rf"\s*[【\[]第[\d{_CN_ORDINAL}]+篇[】\]]\s*$"),
    re.compile(r"(?:范文)?\s*[\d]+\s*篇\s*$"),
    re.compile(rf"篇\s*(?:\d{{1,2}}|[{_CN_ORDINAL}])\s*$"),
    re.compile(rf"\s*[（(]\s*[{_CN_ORDINAL}]\s*[)）]\s*$"),
    re.compile(r"\s*[（(]\s*汇总\s*\d+\s*篇\s*[)）]\s*$"),
    re.compile(r"\s*[（(](?:全文完整|完整版|精选|范文|通用|全文)[^（）()]{0,6}[)）]\s*$"),
    re.compile(r"\s*[（(][^（）()]{0,12}(?:风采|专栏|专题|精选)[)）]\s*$"),
    re.compile(r"\s*[（(]\s*\d{1,3}\s*[)）]\s*$"),
    re.compile(r"\.(?:docx?|pdf|txt|wps)\s*(?:VIP)?\s*$", re.IGNORECASE),
    re.compile(r"_第\s*\d+\s*页\s*$"),
    re.compile(r"\s*范文\s*$"),
    re.compile(r"\d{4}\s*(?:[\u4e00-\u9fff]{0,2})大全\s*$"),  # 2023职责大全: the farm's heading of its list
    re.compile(r"\s*[（(]\s*\d{4}\s*年?\s*[)）]\s*$"),  # (2024年): the farm's freshness stamp
    re.compile(r"\s*(?:——|--|－－|—)\s*$"),  # a title leading into its subtitle, which is not there
]
_TWO_TITLES = re.compile(
    r"(\S{4,30}?(?:总结|报告|汇报|材料))\s+\S{4,30}?(?:总结|报告|汇报|材料)(?:[（(][^（）()]*[)）])?"
)
_LEADING_DATE = re.compile(r"^\s*(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)\s+(?=\S)")
_GLUED_TITLE = re.compile(
    r"^([^，。！？；：,.!?;:\s]{4,40}?(?:总结|汇报|材料|报告|小结|计划|方案))(?:范文)?(?:[\d一二三四五六七八九十]+篇)?"
    r"\s*(?=[^\s，。、；：:,;（(]{2})"
    r"|^([^，。！？；：,.!?;:\s]{4,40}?)(?=(?:引言|前言|摘要|导语)\s*[:：])"
)
_FORM_FIELD = re.compile(r"^\s*[\u4e00-\u9fff]{1,4}\s*[:：]\s*\S{0,20}$")  # 姓名：李红: a form field, not a title
_BRACKET_TITLE = re.compile(r"^\s*【([^】]{4,40})】\s*(\S.*)$")


def clean_title(text: str) -> str:
    """A title without the compilation's numbering, the site's counters and its file name tail:
    ``第1篇 2023年社区党建工作总结报告`` → ``2023年社区党建工作总结报告``."""
    text = text.strip()
    text = re.sub(r"(?<=\d{4})\s*年?\s*最新(?=\S)", lambda m: m.group(0).replace("最新", "").strip(), text)
    wrapped = re.fullmatch(r"《([^《》]+)》", text)
    if wrapped:
        text = wrapped.group(1)
    paired = _TWO_TITLES.fullmatch(text)
    if paired:
        text = paired.group(1)  # 垃圾分类工作总结报告 小区垃圾分类工作总结: the page's two names
    changed = True
    while changed:
        before = text
        for pattern in _TITLE_PREFIXES:
            text = pattern.sub("", text, count=1)
        for pattern in _TITLE_SUFFIXES:
            text = pattern.sub("", text, count=1)
        changed = text != before
    return text.strip()


def _title(lines: list[Line], fallback: str, metadata: Metadata) -> tuple[str, list[int], list[Line], date | None]:
    """(title, the lines it came from, the lines left, a date written with it)."""
    best: tuple[float, int, str, str] | None = None  # (score, index, title, rest of its line)
    words = vocabulary(lines)
    skipped = 0
    for index, line in enumerate(lines[: TITLE_LINES + skipped]):
        text = line.text.strip()
        if line.hint == 0 or (line.hint is not None and index == 0):
            return text, [line.number], lines[:index] + lines[index + 1 :], None
        if is_date_line(text):
            continue
        if chrome_score(text, 0, len(lines), words) >= TITLE_CHROME or _LABEL.fullmatch(text):
            skipped += 1
            continue  # the site's, not the report's: look past it
        following = lines[index + 1].number if index + 1 < len(lines) else line.number + 10**6
        over = _over_subtitle(lines, index, metadata) and chrome_score(text, 0, len(lines), words) == 0
        candidate, rest, score = _candidate(line, index - skipped, metadata, following, over)
        if candidate and (best is None or score > best[0]):
            best = (score, index, candidate, rest)
        if not heading_like(text, TITLE_LIMIT + 20) and not rest:
            break  # the body has begun
    named = metadata.document or fallback
    if best is not None and len(best[2]) < SHORT_TITLE and named:
        best = None  # 近日 over a line-broken sentence: the file's own name says more
    if best is not None and named and best[1] == 0 and _first_of_sections(lines):
        best = None  # 景鸿社区 … 码头街社区 …: the first section's heading; the file's name is the title
    if best is not None:
        _, index, title, rest = best
        stamp = None
        leading = _LEADING_DATE.match(title)
        if leading:
            stamp, title = find_date(leading.group(1)), title[leading.end() :].strip()
        line = lines[index]
        # Above the title: the site's lines, and the items of its lists (a report's lists follow its title).
        above = [above for above in lines[:index]
                 if chrome_score(above.text, 0, len(lines), words) > 0 or _TITLE_PREFIXES[2].match(above.text)]
        remaining = [kept for kept in lines[:index] if kept not in above] + lines[index + 1 :]
        if rest:
            remaining.insert(index - len(above), Line(line.number, rest, line.hint))
        title_lines = [above.number for above in above] + ([] if rest else [line.number])
        return title, title_lines, remaining, stamp
    fallback = metadata.document or fallback
    if fallback:
        return fallback, [], lines, None
    first = re.split(r"[。！？]", lines[0].text, maxsplit=1)[0] if lines else ""
    if first and first == lines[0].text.strip() and len(first) <= TITLE_LIMIT:
        return first, [lines[0].number], lines[1:], None  # the first line is all the title there is
    return (first if len(first) <= 30 else first[:29] + "…") or "无标题", [], lines, None


SECTIONS = 3  # this many unnumbered subheadings, the first opening the text: a report in sections


def _first_of_sections(lines: list[Line]) -> bool:
    """The first line opens the first of several sections headed alike (a place, a theme)."""
    heads = unnumbered_headings(lines)
    return 0 in heads and len(heads) >= SECTIONS


def _over_subtitle(lines: list[Line], index: int, metadata: Metadata) -> bool:
    """This line stands over a short heading-like line that stands over a metadata line."""
    if index + 1 >= len(lines):
        return False
    below = lines[index + 1]
    after = lines[index + 2].number if index + 2 < len(lines) else below.number + 10**6
    return heading_like(below.text, TITLE_LIMIT) and numbering(below.text) is None and any(
        below.number < number < after for number in metadata.lines)


SHORT_TITLE = 4  # a title shorter than this yields to the name the file was saved under
TITLE_LINES = 4  # head lines that may hold the title (besides the site's lines skipped)
TITLE_CHROME = 2.5  # a head line with this much evidence of chrome is not a title candidate
_LABEL = re.compile(r"[\u4e00-\u9fffA-Za-z\s]{1,10}[:：]")  # 温馨提示： a label, not a title
_INNER_SENTENCE = re.compile(r"[。！？!?]")
_EXCLAIMED = re.compile(r"(?<=[\u4e00-\u9fff”])[!！?？]$")


def _candidate(
    line: Line, index: int, metadata: Metadata, next_number: int, subtitle_above: bool = False
) -> tuple[str, str, float]:
    """A title this line offers, what remains of the line after it, and how likely it is."""
    text = line.text.strip()
    bracketed = _BRACKET_TITLE.match(text)
    if bracketed:
        headline = bracketed.group(2).strip().lstrip("—-－ ").strip()
        if heading_like(headline, TITLE_LIMIT) and not _SENTENCE_END.search(headline) and len(headline) >= SHORT_TITLE:
            return clean_title(headline), "", 3.0  # 【强国复兴有我·网上展示】…: the column's name before the headline
        return clean_title(bracketed.group(1)), bracketed.group(2), 3.0
    shape = _EXCLAIMED.sub("", text)  # 这组照片暖心了! : a headline may end with its exclamation
    if line.hint is None and numbering(text) is None and heading_like(shape, TITLE_LIMIT + 20) \
            and not _FORM_FIELD.match(clean_title(text)):
        title = clean_title(text)
        if not title or len(title) > TITLE_LIMIT + 10 or _INNER_SENTENCE.search(_EXCLAIMED.sub("", title)):
            return "", "", 0.0
        score = 1.0 - 0.5 * index
        if _GENRE.search(title):
            score += 1.0
        if any(line.number < number < next_number for number in metadata.lines):
            score += 2.0  # the line before a date or source line
        elif subtitle_above:
            score += 2.5  # a title over its subtitle, the two over the date or source line
        if _TITLE_PREFIXES[0].match(text):
            score -= 2.0  # a compilation's article name, not this page's title
        if _TITLE_PREFIXES[2].match(text):
            score -= 2.0  # an item of the site's list (the book's name over its editors and size)
        return title, "", score
    glued = _GLUED_TITLE.match(text)
    if glued and index == 0 and len(text) > 60:
        title = glued.group(1) or glued.group(2)
        rest = text[glued.end() :]
        while rest.startswith(title):
            rest = rest[len(title) :]  # the title written twice
        return clean_title(title), rest.strip(), 0.5
    return "", "", 0.0


def _duplicate(text: str, title: str) -> bool:
    """A repetition of the title: ``某某社区…总结``, ``…总结5篇``, ``…总结篇1``, ``第一篇：…``."""
    if _SENTENCE_END.search(text) or len(text) > TITLE_LIMIT + 20:
        return False
    core = re.sub(r"(?<=[\u4e00-\u9fff])\d{1,2}$", "", clean_title(re.sub(r"^\s*\d{1,2}\s*[.、．]\s*", "", text)))
    if not core:
        return False
    if core == title or (len(core) >= 4 and core in title):
        return True
    if core.startswith(title) and re.match(r"\s*(?:——|--|－－|-|:|：)\s*\S", core[len(title) :]):
        return True  # the title again with its subtitle (…事迹材料--退休不褪色离岗不离党)
    # The title with a counter or a placeholder around it (某某社区…, …5篇), not with more words.
    return title in core and bool(_COUNTERS.fullmatch(core.replace(title, "", 1)))


_COUNTERS = re.compile(r"[\d篇某xX*＊\s（）()【】第一二三四五六七八九十:：]{0,6}")


_SENTENCE_END = re.compile(r"[。！？!?；;，,]")


def _drop_duplicates(lines: list[Line], title: str, consumed: list[int]) -> list[Line]:
    """The title repeated in the head of the text, and a compilation's lone article name there."""
    out: list[Line] = []
    for index, line in enumerate(lines):
        text = line.text.strip()
        if line.hint is None and squash_spaces(_EXCLAIMED.sub("", text)) == squash_spaces(_EXCLAIMED.sub("", title)):
            consumed.append(line.number)  # the title again, anywhere (a picture's caption copied as text)
            continue
        if index < 8 and line.hint is None and (_duplicate(text, title) or (
                _TITLE_PREFIXES[0].match(text) and heading_like(text, TITLE_LIMIT + 20))):
            consumed.append(line.number)
            continue
        out.append(line)
    return out


_CONTENTS = re.compile(r"^\s*[-•·*]?\s*目\s*录\s*[:：]?\s*$")
_ORGANISATION = re.compile(r"^[^\s—-]\S*(?:社区|街道|居委会|居民委员会|委员会|办事处|党委|党总支|党支部)$")
_JOB_TITLE = re.compile(r"(?:书记|主任|记者|通讯员|社长|站长|委员|主席|干事|社工)$")


def _drop_contents_lines(lines: list[Line], consumed: list[int]) -> list[Line]:
    """A ``目录`` line says nothing by itself (the articles it lists follow)."""
    out = []
    for line in lines:
        if _CONTENTS.match(line.text):
            consumed.append(line.number)
        else:
            out.append(line)
    return out


def _byline(lines: list[Line], author: str, consumed: list[int]) -> tuple[list[Line], str]:
    """Author lines just under the title: names (``陈伟东、孔娜娜``), a position
    (``三圣街道幸福社区党委副书记``), or the name the metadata line already gave."""
    out = list(lines)
    for index, line in enumerate(lines[:3]):
        text = line.text.strip()
        if author and squash_spaces(text) == squash_spaces(author):
            pass
        elif names_line(text) or (len(text) <= 20 and _JOB_TITLE.search(text) and not _SENTENCE_END.search(text)):
            author = author or text
        elif index == 0 and len(text) <= 30 and _ORGANISATION.search(text) and not _SENTENCE_END.search(text):
            author = author or text  # 未央区徐家湾街道西安印象社区 right under the title: who wrote it
        elif _SENTENCE_END.search(text):
            break  # the body has begun: a name further down is the report's
        else:
            continue
        consumed.append(line.number)
        out.remove(line)
    return out, author


def squash_spaces(text: str) -> str:
    return "".join(text.split())


# -- compilations -------------------------------------------------------------------------------

_MARKERS = [
    re.compile(rf"^\s*[【\[]?第\s*([{_CN_ORDINAL}\d]+)\s*篇[】\]]?\s*[:：.、]?\s*(.*)$"),
    re.compile(rf"^\s*(.{{4,40}}?)\s*[【\[]第([{_CN_ORDINAL}\d]+)篇[】\]]\s*$"),
    re.compile(rf"^\s*(.{{4,40}}?(?:材料|总结|汇报|报告|小结|方案|事迹))\s*篇?\s*([{_CN_ORDINAL}]|\d{{1,2}})\s*$"),
]


def _marker(text: str) -> tuple[str, str] | None:
    """(the article's name, its number) of a line that starts an article of a compilation."""
    if _SENTENCE_END.search(text) or len(text) > TITLE_LIMIT + 20:
        return None
    first = _MARKERS[0].match(text)
    if first:
        return first.group(2).strip(), first.group(1)
    for pattern in _MARKERS[1:]:
        match = pattern.match(text)
        if match:
            return match.group(1).strip(), match.group(2)
    return None


def compilation_markers(lines: list[Line]) -> list[Line]:
    """The lines that start the articles of a compilation (several 第N篇 …, or a contents list
    followed by them); fewer than two: not a compilation. Contents entries (a marker followed by
    another marker) are not counted: the articles themselves follow them."""
    found = [(index, _marker(line.text.strip())) for index, line in enumerate(lines) if line.hint is None]
    marked = [(index, mark) for index, mark in found if mark is not None]
    articles = [lines[index] for index, _ in marked if index + 1 < len(lines)
                and _marker(lines[index + 1].text.strip()) is None]
    numbers = {mark[1] for _, mark in marked}
    return articles if len(numbers) >= 2 and len(articles) >= 2 else []


def _compilation_title(
    lines: list[Line], markers: list[Line], fallback: str
) -> tuple[str, list[int], list[Line], date | None]:
    """A compilation's title: the line before its contents or first article, else the common
    name of its articles (``社区创城工作汇报材料一/二`` → ``社区创城工作汇报材料``), else the file's."""
    first = lines.index(markers[0])
    entries = [line for line in lines[:first] if _marker(line.text.strip()) is not None]
    lines = [line for line in lines if line not in entries]
    first = lines.index(markers[0])
    names = [(_marker(line.text.strip()) or ("", ""))[0] for line in markers]
    if first > 0 and heading_like(lines[0].text, TITLE_LIMIT + 20) and numbering(lines[0].text) is None:
        return clean_title(lines[0].text), [lines[0].number], lines[1:], None
    if len(set(names)) == 1 and names[0]:
        return clean_title(names[0]), [], lines, None
    return fallback or clean_title(names[0]), [], lines, None


def _cells(text: str) -> tuple[str, ...]:
    return table_cells(text) or (text.strip(),)


def _table_end(lines: list[Line], start: int) -> int:
    """Where the table starting at ``start`` ends: its rows have as many cells as its first (a
    row of another width starts another table), with rules between them."""
    width = next((len(_cells(line.text)) for line in lines[start:] if not _separator(line.text)), 0)
    end = start
    while end < len(lines):
        text = lines[end].text
        if not (_separator(text) or (is_table_row(text) and len(_cells(text)) == width)):
            break
        end += 1
    return end


def _separator(text: str) -> bool:
    """A rule under a table's header: ``|---|:--:|``, ``+----+----+``, ``=====``."""
    return bool(re.fullmatch(r"[\s|+:=\-—]*", text)) and bool(re.search(r"[-=—]{3,}", text))


SUBHEAD_LIMIT = 30  # an unnumbered subheading of a news report is short


def _finished(text: str) -> bool:
    """A paragraph: a line that ends a sentence."""
    text = text.strip()
    return len(text) > SUBHEAD_LIMIT and text[-1] in TERMINAL + "”」』"


def unnumbered_headings(lines: list[Line]) -> set[int]:
    """Indexes of the short lines that stand between paragraphs (or open the text) in a report
    that numbers none of its headings: a news report's subheadings (码头街社区, 请环卫工人吃温情饺子).
    A short line next to other short lines is a verse or a list, not a heading."""
    texts = [line.text.strip() for line in lines]
    if any((numbered := numbering(text)) is not None and heading_like(numbered.rest, TITLE_LIMIT) for text in texts):
        return set()
    found: set[int] = set()
    for index, text in enumerate(texts[:-1]):
        if lines[index].hint is not None or not heading_like(text, SUBHEAD_LIMIT) or is_table_row(text):
            continue
        if (index == 0 or _finished(texts[index - 1])) and _finished(texts[index + 1]):
            found.add(index)
    return found


def _blocks(lines: list[Line], articles: set[int] | None = None) -> list[Block]:
    blocks: list[Block] = []
    subheads = unnumbered_headings(lines)
    index = 0
    while index < len(lines):
        line = lines[index]
        text = line.text.strip()
        if index in subheads:
            blocks.append(Heading(1, text, line.number))
            index += 1
            continue
        if articles and line.number in articles:
            blocks.append(Heading(ARTICLE_RANK, clean_title(text) if _TITLE_PREFIXES[0].match(text) else text,
                                  line.number))
            index += 1
            continue
        # Tables: two rows or more.
        if is_table_row(text) or (_separator(text) and blocks and isinstance(blocks[-1], Table)):
            end = _table_end(lines, index)
            rows = [_cells(lines[i].text) for i in range(index, end) if not _separator(lines[i].text)]
            if len(rows) >= 2:
                blocks.append(Table(tuple(rows), line.number))
                index = end
                continue
        if line.hint is not None:
            blocks.append(Heading(max(line.hint, 1), text, line.number))
            index += 1
            continue
        numbered = numbering(text)
        if numbered is not None:
            if heading_like(numbered.rest, TITLE_LIMIT):
                blocks.append(Heading(numbered.rank, numbered.marker + numbered.rest, line.number))
                index += 1
                continue
            if numbered.rank >= 3:
                items: list[str] = []
                end = index
                while end < len(lines):
                    item = numbering(lines[end].text)
                    if item is None or item.rank != numbered.rank or len(item.rest) > LIST_ITEM_LIMIT:
                        break
                    items.append(item.rest)
                    end += 1
                if len(items) >= 2:
                    blocks.append(ListBlock(tuple(items), True, line.number))
                    index = end
                    continue
            if numbered.rank <= 2 and _ONE_SENTENCE.fullmatch(numbered.rest):
                blocks.append(Heading(numbered.rank, numbered.marker + numbered.rest, line.number))
                index += 1
                continue
            run_in = _RUN_IN.match(numbered.rest)
            if run_in and numbered.rank <= 2 and numbered.rest[run_in.end() :].strip():
                blocks.append(Heading(numbered.rank, numbered.marker + run_in.group(1), line.number))
                blocks.append(Paragraph(numbered.rest[run_in.end() :].strip(), line.number))
                index += 1
                continue
        blocks.extend(_paragraph(text, line.number))
        index += 1
    return blocks


_ONE_SENTENCE = re.compile(rf"[^。！？；]{{2,{RUN_IN_LIMIT}}}。")  # 二、加大宣传力度。 : a heading too
_RUN_IN = re.compile(rf"([^。！？：]{{1,{RUN_IN_LIMIT}}})[。：]")
_INLINE_POINT = re.compile(r"(?<=[。；;：:，,])\s*(?=[一二三四五六七八九十]是)|^(?=[一二三四五六七八九十]是)")


def _paragraph(text: str, line: int) -> list[Block]:
    """A paragraph, or an introduction and a list when it strings short points together."""
    starts = [m.start() for m in _INLINE_POINT.finditer(text)]
    if len(starts) >= 2:
        parts = [text[a:b].strip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
        if all(len(part) <= POINT_ITEM_LIMIT for part in parts):
            intro = text[: starts[0]].strip()
            blocks: list[Block] = [Paragraph(intro, line)] if intro else []
            blocks.append(ListBlock(tuple(parts), False, line))
            return blocks
    return [Paragraph(text, line, point(text) or "")]


def split(report: Report) -> tuple[Report | None, list[Report]]:
    """One report per top-level section (titled by its heading without the numbering), and
    the text before the first section (or None). No top-level heading: nothing to split."""
    levels = report.levels()
    preamble: list[Block] = []
    sections: list[tuple[str, list[Block]]] = []
    for block in report.blocks:
        if isinstance(block, Heading) and levels[block.rank] == 1:
            numbered = numbering(block.text)
            sections.append((numbered.rest if numbered else block.text, []))
        elif sections:
            sections[-1][1].append(block)
        else:
            preamble.append(block)
    if not sections:
        return None, [report]
    parts = [Report(title, report.date, report.date_source, tuple(blocks)) for title, blocks in sections]
    intro = Report(report.title, report.date, report.date_source, tuple(preamble)) if preamble else None
    return intro, parts
