"""Repair 4: what content farms and document sites add around a report.

Sites differ in their phrases but not in the kind of line they add, so a line is judged by its
evidence, each piece scored (:func:`chrome_score`), and removed when the sum reaches
:data:`THRESHOLD` (tuned on tests/import_corpus/, see bench/import_corpus.py):

- navigation, account and document-site vocabulary (登录、投稿、会员、上传、下载、举报、分享、文档、页…)
  and the site's own voice presenting the text it collected (小编、为您、供大家参考…);
- web addresses and domains in any case, even broken by spaces or dots;
- no sentence punctuation, few characters, a line of symbols and letters (a watermark);
- where it stands: the head and the tail of a text are where sites put their chrome, so evidence
  there weighs more; and how little it shares with the vocabulary of the rest of the text.

A line that reads as the report itself (numbered headings, long sentences) carries negative
evidence; precision comes first, since a removed sentence is lost to the editor.

Metadata lines (``时间:``, ``来源:``, ``作者:``, a journal issue, a date with a time) are not lost:
their date, author and source go to the front matter (:class:`Metadata`). Known notices inside a
paragraph ("来源于网友上传，不代表本站观点") are cut out of it, and anti-scraping noise in front
of a paragraph is dropped. Runs after the Simplified conversion, so only Simplified spellings count.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, replace
from datetime import date

from civicpress.importer.dates import find_date
from civicpress.importer.headings import numbering
from civicpress.importer.repair_log import Line, RepairLog

THRESHOLD = 3.0  # tuned on the odd-numbered half of tests/import_corpus/ (bench/import_corpus.py)
HEAD_LINES = 12  # lines at either end of a text where sites put their chrome
TAIL_LINES = 12
PARAGRAPH_LENGTH = 150  # a line this long with several sentences is a paragraph…
SITE_DENSITY = 0.5  # …unless it has a site's word for every other clause (a notice, not a report)

_SEP = r"[，,、；;：:。.！!\s]*"
# Phrases cut out of a paragraph (the rest of it stays).
_PHRASES = [
    re.compile(rf"(?:本文|此文|一文)?(?:内容)?来源于网友上传{_SEP}(?:不代表本站观点{_SEP})?"),
    re.compile(rf"不代表本站观点{_SEP}"),
    re.compile(rf"若需要原创文章可咨询客服老师{_SEP}(?:欢迎参考{_SEP})?"),
    re.compile(rf"本文由[^，。！\n]{{1,30}}(?:整理|提供|发布|编辑|收集|上传)(?:而成)?{_SEP}"),
    re.compile(rf"(?:版权归原作者所有|如有侵权[^。\n]{{0,20}}删除|仅供参考学习|下载文档到电脑[^。\n]{{0,20}}){_SEP}"),
    re.compile(rf"(?:展开全文|阅读全文|点击下载|免费下载|下载本文档|本文档共\d+页){_SEP}"),
    re.compile(rf"图片来源于网络{_SEP}(?:如有侵权(?:请)?联系删除{_SEP})?"),
    re.compile(r"\s*[\[【(（]\s*本文共?\s*\d+\s*字\s*[\]】)）]"),  # [本文共996字]
    re.compile(r"^\s*(?:文档介绍|文本内容|内容简介|文档简介)\s*[:：]\s*(?=\S)"),
    re.compile(r"第\s*\d+\s*页\s*[/，,]?\s*共\s*\d+\s*页"),
    re.compile(r"\s*(?:当前|以下|剩余)?隐藏内容(?:免费)?查看\s*"),  # a paywall's notice inside a sentence
    re.compile(rf"(?:文秘帮|范文网|第一范文网|范文大全|公文易|文档网|百度文库|道客巴巴|豆丁网)(?:整理|收集|提供)?{_SEP}"),
]
# Page markers and notices: a line that is nothing else.
_PAGE_MARKS = [
    re.compile(r"^\s*(?:导语|导读|摘要)\s*[:：].*(?:来源|网友|本站|客服|参考)"),
    re.compile(r"^\s*(?:【(?:打印|关闭|收藏|返回顶部)】\s*)+$"),
    re.compile(r"^\s*第\s*\d+\s*页\s*[/，,、]?\s*共\s*\d+\s*页\s*$"),
    re.compile(r"^\s*[-—–－]\s*\d{1,3}\s*[-—–－]\s*$"),
    re.compile(r"^\s*\d{1,3}\s*/\s*\d{1,3}\s*$"),
    re.compile(r"^\s*(?:页码|page)\s*[:：]?\s*\d+.*$", re.IGNORECASE),
    # A site's label standing alone over the text it shows.
    re.compile(r"^\s*(?:本文目录导读|目录导读|文本内容|温馨提示|文档名称|文档介绍|文档简介|内容简介|正文|导语|导读|摘要|新闻提要|内容提要)\s*[:：]?\s*$"),
    re.compile(r"^\s*本帖最后由.{1,40}编辑\s*$"),  # a forum's edit notice
    # A paywall's notice where the text was cut: ---此处隐藏513字,下载后查看---
    re.compile(r"^[\s\-—–=*.·…]*(?:此处|以下|剩余|部分)?(?:内容)?(?:已)?隐藏.{0,20}(?:查看|下载|阅读).{0,6}$"),
    # Links to the site's previous and next article: 【上一篇】:调解化干戈…, 下一篇:90后…
    re.compile(r"^\s*[【\[]?\s*(?:上一篇|下一篇|上一条|下一条|上篇|下篇)\s*[】\]]?\s*[:：]?.{0,60}$"),
    re.compile(r"^\s*\d{1,2}\s*[-/月]\s*\d{1,2}\s*日?\s+\d{1,2}:\d{2}(?::\d{2})?\s*$"),  # 01-15 16:58: no year
    re.compile(r"^[\s□■◆◇○●\ufffd]+$"),  # boxes left where a picture or a lost character was
    re.compile(r"^\s*[|｜/\\]+\s*$"),  # a table's border or a separator left alone
    re.compile(r"^\s*\S{1,40}\.(?:png|jpe?g|gif|bmp|webp)\s*$", re.IGNORECASE),  # a picture's name, no picture
    re.compile(r"^\s*(?:文章图片|组图|点击查看大图|查看原图|点击图片查看)\s*\d*\s*$"),  # a picture's placeholder
    re.compile(r"^\s*页\s*[:：]?\s*$|^\s*(?:\[\d{1,3}\]\s*)+$"),  # a forum's pager: 页: [1] [2]
    # A photo's caption without its photo: (通讯员供图), (资料图片), (张三 摄).
    re.compile(r"^[^。！？!?]{0,40}[（(][^（）()]{0,20}(?:供图|摄|资料图片?|图片|配图)\s*[)）]\s*$"),
]
# Words of site navigation, accounts and document sharing, and of a site presenting a text.
_SITE_WORDS = re.compile(
    "登录|注册|投稿|会员|上传|下载|举报|分享|文档|首页|收藏|客服|VIP|版权|侵权|免责声明|推荐阅读|相关推荐|"
    "热榜|浏览|评论|人气|栏目|关键词|资料图片|温馨提示|文本内容|当前位置|阅读|打印|关闭|返回|设为|"
    "加入|进入旧版|网站|本站|付费|权益|申诉|小编|为您|为大家|供大家|供您|参考|借鉴|感谢您|希望对|"
    "喜欢就|复制|整理|精选|范文|写作|珍藏版|未经许可|转载|编辑|二审|三审|视频|网友|English|TOP|"
    r"本帖|扫码|公众号|点击|查看更多|声明|用户|发布于|千字|\d+\s*页|第\s*\d+\s*页|页\)|\.docx?|\.pdf|"
    "导读|图片来源|来说两句|个人观点|本站立场|字号|移动版|资讯|内容页|上传人|文档名称|文档介绍|相关文档|预览|"
    r"页数|格式|文件列表|供图|希望这篇|修改意见|您的需求|欢迎阅读|主编|天气|热线|读完约|本篇文章|排行|推荐|投诉建议|"
    "广告|联系方式|联系我们|二维码|本页|备案|ICP|网安备|"
    r"^\W*\d+\s*字$|\d+(?:\.\d+)?\s*[KM]B|\d{5,}",
    re.IGNORECASE,
)
# The site's own voice presenting the text it collected: at the head or the tail, whatever its length.
_SITE_VOICE = re.compile(
    r"小编|以下是[^。！？]{0,40}?(?:整理|收集|分享)的|(?:供大家|仅供|供您)参考|欢迎(?:大家)?(?:阅读|参考)|"
    r"希望(?:能够|可以)?(?:对您|帮到|帮助到)|希望对(?:大家|您|你)(?:能够)?有所帮助|为(?:大家|您)精心准备|"
    r"感谢您的(?:参阅|阅读)|希望这篇文章|修改意见|(?:大家|您)可以参考|"
    r"(?:以下|下面)(?:是|为)(?:一些|几篇|\d+篇|[一二三四五六七八九十]+篇)[^。！？]{0,30}(?:范文|报告|总结|材料|文章)"
)
_DOMAIN = re.compile(
    r"(?:https?\s*:\s*/\s*/|www\s*\.)|\b[a-z0-9-]{2,}\s*\.\s*(?:com|cn|net|org|cc|top|vip)(?![a-z0-9])", re.IGNORECASE
)
_TABLE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?")
_LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
_SENTENCE_MARK = re.compile(r"[。！？!?；;，,：:]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_HAS_TEXT = re.compile(r"[\u3400-\u9fff\w]")
_SYMBOL = re.compile(r"[!-/:-@\[-`{-~]")
_NUMBERED = re.compile(r"^\s*\d+\s*[.．、]\s*")

# Metadata: "key: value" pairs, a date with a time, a journal issue.
_META_KEYS = (
    "发布时间|发布日期|更新时间|生成日期|时间|日期|来源|出处|作者|责任编辑|责编|编辑|栏目|浏览次数|阅读次数|浏览|点击数|评论|人气|字号|发布于|"
    "发布人|发布者|录入|点击量|点击|阅读量|访问量|审核|打印|字体大小|字体|内容来源|信息来源|文章来源|稿件来源|"
    "关键词|标签|TIME|Time|DATE|Date"
)
_META_PAIR = re.compile(
    rf"(?<![\u4e00-\u9fff])({_META_KEYS})\s*[:：]\s*(.*?)(?=\s*(?<![\u4e00-\u9fff])(?:{_META_KEYS})\s*[:：]|$)"
)
_DATETIME = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
_ISSUE = re.compile(r"^\s*(\S{2,20}?)\s*\d{4}\s*年\s*(?:第\s*)?\d{1,2}\s*期\s*$")
_BYLINE = re.compile(
    r"^\s*((?:[\u4e00-\u9fff]{2,12})?(?:记者|通讯员)\s*[\u4e00-\u9fff ]{2,30}?)\s*(?:文/图|文图|摄)?\s*$"
)
# A credit line with its keys (文/广州日报·新花城记者:陈钧圣 通讯员:天民政): the reporter is the author.
_CREDIT = re.compile(
    r"^\s*(?:文\s*[/｜|]\s*)?[^\s:：。，,]{0,20}?记者\s*[:：]\s*([\u4e00-\u9fff]{2,4}(?:[、 ][\u4e00-\u9fff]{2,4})*)"
    r"(?:\s+(?:通讯员|实习生|摄影|编辑)\s*[:：]?\s*[\u4e00-\u9fff、 ]{2,20})*\s*$"
)
# (曹倩): a reporter's or writer's name alone in brackets under the text.
_BRACKETED_NAME = re.compile(
    r"^[（(]\s*(?!.*(?:完|续|图|摄|稿|注))([\u4e00-\u9fff]{2,4}(?:[、 ][\u4e00-\u9fff]{2,4})*)\s*[)）]$"
)
_REPORTER = re.compile(r"记者\s*([\u4e00-\u9fff]{2,4}(?:[、 ][\u4e00-\u9fff]{2,4})*)\s*$")  # …全媒体记者 丁文尔
_NAMES = re.compile(r"^\s*[\u4e00-\u9fff]{2,3}(?:[、，,\s]+[\u4e00-\u9fff]{2,3})+\s*$")
_NO_NAME = re.compile(r"佚名|匿名|未知|不详|无|admin|管理员", re.IGNORECASE)  # 作者: 佚名 names nobody
_NOT_A_SOURCE = re.compile(r"网友|本站|网络|互联网|投稿|上传|整理")
_BULLET = re.compile(r"^\s*[-•·*]\s+")
_MARKED_BYLINE = re.compile(
    r"^\s*[■□●◆▲★|丨｜]\s*((?:[\u4e00-\u9fff]{2,20}\s+)?"
    r"(?:[\u4e00-\u9fff]{2,4}|[\u4e00-\u9fff](?: [\u4e00-\u9fff]){1,2}))\s*$"
)  # ● 年年, □ 陈 曦 (a two-character name spaced out)
# A newspaper, a site or a station named alone under the date: the source (深圳特区报).
_MEDIUM = re.compile(r"[\u4e00-\u9fff]{2,8}(?:日报|晚报|特区报|时报|报|新闻网|网|电视台|广播电台)$")
_NAME = re.compile(r"[\u4e00-\u9fff]{1,3}")
_PUBLISHED = re.compile(r"发布|发表|更新|上传")
_BRACKETS = re.compile(r"[【\[（(]\s*[】\]）)]")
_BREADCRUMB = re.compile(r"^\s*(?:首页|主页|网站首页|(?:您)?(?:当前|现在)?的?位置)|\S\s*[>›»]\s*\S")
_TRAIL = re.compile(  # 首页 > 养老新闻 > 政策法规 > …: a trail from the site's home, however long
    r"^\s*(?:首页|主页|网站首页|(?:您)?(?:当前|现在)?的?位置)\s*[:：]?\s*(?:[^>›»]{1,20}[>›»]+\s*){2,}"
)
_VALUE_JUNK = re.compile(r"[【】\[\]（）()?？□|｜\s]+")


@dataclass(frozen=True)
class Metadata:
    """What the metadata lines said: date (of a ``时间:`` line or a date line with its time),
    author and source; empty when the text does not say."""

    date: date | None = None
    author: str = ""
    origin: str = ""
    lines: frozenset[int] = frozenset()  # the source lines they stood on
    document: str = ""  # the file name a document site shows (社区服务活动总结.doc), a title's last resort


def strip(lines: list[Line], log: RepairLog) -> tuple[list[Line], date | None]:
    """Remove the chrome; return the lines left and the date of a metadata line (compatibility)."""
    kept, meta = strip_all(lines, log)
    return kept, meta.date


def strip_all(lines: list[Line], log: RepairLog) -> tuple[list[Line], Metadata]:
    """Remove the chrome; return the lines left and what the metadata lines said."""
    content = [index for index, line in enumerate(lines) if line.text.strip()]
    body_words = vocabulary(lines)
    meta = Metadata()
    verdicts: dict[int, float] = {}  # content rank → score of a line still undecided
    texts: dict[int, str] = {}
    removed: set[int] = set()  # content ranks removed
    previews = _previews(lines, content) | _word_column(lines, content)
    values = _bare_key_values(lines, content)  # 来源: on one line, its value on the next
    tails = _watermark_tails(lines, content)
    for rank, index in enumerate(content):
        line = lines[index]
        text = line.text
        at_edge = rank < HEAD_LINES or rank >= len(content) - TAIL_LINES
        if index in previews:
            _drop(line, log)
            log.breaks.add(line.number)
            removed.add(rank)
            continue
        found: Metadata | None
        if index in values.values():
            found = Metadata()  # the value of the key line above, read with it
        elif index in values:
            found = _metadata(text.strip() + lines[values[index]].text.strip())
        else:
            found = _metadata(text) if at_edge else None
        if found is not None:
            meta = _merge(meta, replace(found, lines=frozenset({line.number})))
            _drop(line, log)
            log.breaks.add(line.number)
            removed.add(rank)
            continue
        if any(pattern.match(text) for pattern in _PAGE_MARKS):
            _drop(line, log)
            removed.add(rank)
            continue
        text = _strip_noise(text)
        if index in tails:
            text = tails[index]
            log.count("boilerplate")
        cut = _LONE_BORDER.sub("", text) if len(_PIPES.findall(text)) == 1 else text
        if rank < HEAD_LINES:
            cut = _heading_tags(cut)
        cut, tags = _HTML_TAG.subn(" ", cut)
        if tags:
            cut = re.sub(r" {2,}", " ", cut).strip()
            log.count("boilerplate")
        for pattern in _PHRASES:
            cut, changes = pattern.subn("", cut)
            log.count("boilerplate", changes)
        if rank < HEAD_LINES:
            cut, credit = _dateline(cut, log)
            meta = replace(meta, author=meta.author or credit)
            cut = _preface(cut, log)
        if cut != text and not _HAS_TEXT.search(cut):
            log.dropped.add(line.number)  # nothing but notices on this line (already counted)
            removed.add(rank)
            continue
        texts[rank] = cut
        verdicts[rank] = chrome_score(cut, rank, len(content), body_words)
    _weigh_repeats(verdicts, texts)
    for rank in sorted(verdicts):
        medium = _MEDIUM.match(texts[rank].strip())
        if medium and rank < HEAD_LINES and rank - 1 in removed:
            meta = replace(meta, origin=meta.origin or medium.group(0))
            line = lines[content[rank]]
            _drop(line, log)
            log.breaks.add(line.number)
            removed.add(rank)
            del verdicts[rank]
    chosen = _chrome_runs(verdicts, texts, removed)
    chosen += _trail_columns(texts, lines, content, set(removed) | set(chosen))
    chosen += _sandwiched(texts, set(removed) | set(chosen), len(content), body_words)
    chosen += _links_after_the_end(texts, set(removed) | set(chosen), len(content))
    for rank in chosen:
        line = lines[content[rank]]
        named = _DOCUMENT_NAME.match(texts[rank].strip())
        if named and not meta.document:
            meta = replace(meta, document=named.group(1))
        if texts[rank] == _strip_noise(line.text):
            log.count("boilerplate")  # one removal per line, whatever it took
        log.dropped.add(line.number)
        log.breaks.add(line.number)  # a line of its own: what was around it did not run on through it
        removed.add(rank)
    out: list[Line] = []
    ranks = {index: rank for rank, index in enumerate(content)}
    for index, line in enumerate(lines):
        if not line.text.strip():
            out.append(line)
            continue
        rank = ranks[index]
        if rank in removed:
            continue
        out.append(replace(line, text=texts[rank]) if texts[rank] != line.text else line)
    return out, meta


_DOCUMENT_NAME = re.compile(
    r"^(?:文档名称\s*[:：]\s*)?([^\s.。，,:：]{4,40}?)\.(?:docx?|pdf|wps|pptx?)$", re.IGNORECASE
)
_PIPES = re.compile(r"[|｜]")
_LONE_BORDER = re.compile(r"(?<=\S)\s+[|｜]\s*$")  # a table cell's border left at the end of a line
_PREVIEW_LABEL = re.compile(r"^\s*[^\s:：，。！？,]{0,20}?(?:摘要|提要|导语|导读|简介)\s*[:：]\s*")
PREVIEW_LENGTH = 20


_BARE_KEY = re.compile(r"^\s*(?:来源|出处|作者|责编|责任编辑|编辑)\s*[:：]\s*$")
BARE_VALUE = 12  # the value under a bare key is a name: short, no sentence


def _bare_key_values(lines: list[Line], content: list[int]) -> dict[int, int]:
    """Head lines holding a key alone (``来源:``) → the next line, which holds its value (``钱佳丽``)."""
    found: dict[int, int] = {}
    for rank, index in enumerate(content[:HEAD_LINES]):
        if _BARE_KEY.match(lines[index].text) and rank + 1 < len(content):
            value = lines[content[rank + 1]].text.strip()
            if len(value) <= BARE_VALUE and not _SENTENCE_MARK.search(value):
                found[index] = content[rank + 1]
    return found


# A news dateline in front of the first paragraph: 本网讯（通讯员 牛娟）, 文化艺术报讯(全媒体记者 唐伟).
_DATELINE = re.compile(
    r"^\s*[^\s，。,（(]{0,20}?(?:讯|电)\s*[（(]([^（）()]{2,30})[)）]\s*(?=\S)|^\s*(?:本报|本网|本台|本刊)讯\s*(?=\S)()"
    r"|^\s*[【\[][^】\]\s]{2,20}?讯[】\]]\s*(?=\S)()"
)


def _dateline(text: str, log: RepairLog) -> tuple[str, str]:
    """The paragraph without its dateline, and the credit the dateline gave."""
    match = _DATELINE.match(text)
    if not match:
        return text, ""
    log.count("boilerplate")
    credit = " ".join((match.group(1) or "").split())
    return text[match.end() :], _ONE_REPORTER.sub("", credit)


_ONE_REPORTER = re.compile(r"^(?:记者|通讯员|实习生)\s+(?=[\u4e00-\u9fff]{2,4}$)")  # (记者 张鑫): the name

# A title glued in front of the site's preface (2017社区工作计划范文四篇新的一年即将到来…).
_PREFACE_TITLE = re.compile(
    r"^[^，。！？；：,!?;:\s]{4,40}?(?:总结|汇报|材料|报告|小结|计划|方案)(?:范文)?(?:[\d一二三四五六七八九十]+篇)?"
)
_SENTENCE = re.compile(r"[^。！？!?]*[。！？!?]+")
PREFACE_SENTENCES = 3  # the site's preface is short: its voice comes within this many sentences
PREFACE_REST = 40  # and the report follows it on the same line


def _preface(text: str, log: RepairLog) -> str:
    """A head line that opens with the site presenting the text (…下面小编带来了…，欢迎阅读参考！)
    and goes on with the report: the preface is cut, a title glued in front of it kept."""
    sentences = _SENTENCE.findall(text)[:PREFACE_SENTENCES]
    voiced = [i for i, sentence in enumerate(sentences) if _SITE_VOICE.search(sentence)]
    if not voiced:
        return text
    end = sum(len(sentence) for sentence in sentences[: voiced[-1] + 1])
    rest = _ARTICLE_LABEL.sub("", text[end:]).strip()
    if len(rest) < PREFACE_REST:
        return text  # all preface: the line is judged whole
    log.count("boilerplate")
    title = _PREFACE_TITLE.match(text)
    return f"{title.group(0)} {rest}" if title else rest


_HEAD_TAGS = re.compile(r"^\s*((?:<h[1-3]\b[^<>]{0,200}>[^<>]{1,40}</h[1-3]>\s*)+)(?=[^<\s])")
_TAG_TEXT = re.compile(r">([^<>]*)<")


def _heading_tags(text: str) -> str:
    """A page copied as HTML, its title in heading tags in front of the text on the same line
    (<h1>…党支部</h1><h1>疫情防控纪实</h1> 牌楼镇…): the title in 【】, which the title stage
    takes as a title glued to the text."""
    match = _HEAD_TAGS.match(text)
    if not match:
        return text
    title = "".join(part.strip() for part in _TAG_TEXT.findall(match.group(1)))
    return f"【{title}】{text[match.end():]}" if 4 <= len(title) <= 40 else text


_ARTICLE_LABEL = re.compile(r"^\s*(?:范文|篇)[一二三四五六七八九十\d]+\s*[:：]?")
_HTML_TAG = re.compile(r"</?(?:h[1-6]|p|div|span|br|i|b|u|strong|em|li|ul|ol|table|tr|td|th|font|a)\b[^<>]{0,200}>",
                       re.IGNORECASE)


TAIL_MIN, TAIL_MAX = 6, 40  # the length of a site's name and slogan glued to the end of lines
_TAIL_SITE = re.compile(r"网|站|文库|范文|www|com|cn", re.IGNORECASE)
_TAIL_JUNK = re.compile(r"[A-Za-z0-9]{1,12}$")  # the scraper's marker before it (zzz, DEF168BBB)


def _watermark_tails(lines: list[Line], content: list[int]) -> dict[int, str]:
    """Lines ending in the same site name (…大排查行动。zzz大手笔网—中国第一文化门户网站 and
    编辑:DEF168BBB大手笔网—中国第一文化门户网站) → each line without it: a watermark glued to
    several lines is the site's, whatever its words."""
    ends: dict[str, set[int]] = {}
    for index in content:
        text = lines[index].text.rstrip()
        for length in range(TAIL_MIN, min(TAIL_MAX, len(text) - 1) + 1):
            ends.setdefault(text[-length:], set()).add(index)
    found: dict[int, str] = {}
    for tail in sorted(ends, key=len, reverse=True):
        holders = ends[tail] - found.keys()
        if len(holders) < 2 or not _TAIL_SITE.search(tail) or _SENTENCE_END.search(tail[-1]):
            continue
        if len(_HAN.findall(tail)) < 4 or _SENTENCE_MARK.search(tail):
            continue
        rests = {index: lines[index].text.rstrip()[: -len(tail)] for index in holders}
        if not all(_GLUED.search(rest) for rest in rests.values()):
            continue  # 红星社区新时代文明实践站, 光明社区新时代文明实践站: a list's items, not a watermark
        for index, rest in rests.items():
            found[index] = _TAIL_JUNK.sub("", rest)
    return found


_GLUED = re.compile(r"(?:^|[A-Za-z0-9:：。！？!?”」』）)])\s*$")  # glued after a sentence or a marker

_SENTENCE_END = re.compile(r"[。！？!?”」』）)]")


def _previews(lines: list[Line], content: list[int]) -> set[int]:
    """Head lines that a later line repeats whole: the site's preview of the text (its 摘要:, or
    its first page cut off mid-word) standing above the text itself."""
    squashed = {index: "".join(lines[index].text.split()) for index in content}
    found: set[int] = set()
    for rank, index in enumerate(content[:HEAD_LINES]):
        text = _PREVIEW_LABEL.sub("", squashed[index])
        labelled = text != squashed[index]
        if len(text) < PREVIEW_LENGTH or not _SENTENCE_MARK.search(text):
            continue
        if not labelled and text[-1] in "。！？!?”…":
            continue  # a whole sentence said twice is the writer's; a preview is labelled or cut off
        if labelled and text[-1] not in "。！？!?”…":
            found.add(index)  # labelled and cut off mid-sentence: the site's preview, repeated or not
            continue
        if any(_repeats(text, squashed[later], labelled) for later in content[rank + 1 :]):
            found.add(index)
    return found


def _repeats(preview: str, later: str, labelled: bool) -> bool:
    """A preview is the text's beginning cut off; a labelled summary may be taken from anywhere in it."""
    return later != preview and (preview in later if labelled else later.startswith(preview))


WORD_COLUMN = 4  # this many one-word lines in a row at the head: a keyword list, not a report


def _word_column(lines: list[Line], content: list[int]) -> set[int]:
    """A run of one-word lines at the head (``2023`` ``社区`` ``开展`` ``志愿`` …): a document site's
    keywords, or its title broken into words."""
    found: set[int] = set()
    run: list[int] = []
    for rank, index in enumerate([*content, -1]):
        text = lines[index].text.strip() if index >= 0 else ""
        word = 0 < len(text) <= 4 and _HAS_TEXT.search(text) and not _SENTENCE_MARK.search(text)
        if index >= 0 and word and (run or rank < HEAD_LINES):
            run.append(index)  # a run starts in the head and goes on as long as it goes on
            continue
        if len(run) >= WORD_COLUMN:
            found.update(run)
        if rank >= HEAD_LINES:
            break
        run = []
    return found


def _chrome_runs(scores: dict[int, float], texts: dict[int, str], removed: set[int]) -> list[int]:
    """The lines whose evidence reaches the threshold, their own or with their neighbours':
    chrome comes in runs, so a short line with some evidence of its own counts more beside other
    such lines, and more still beside a line already removed."""
    decided = set(removed)
    chosen: list[int] = []

    def short(rank: int) -> bool:
        return rank in texts and len(texts[rank].strip()) <= 20 and not _SENTENCE_MARK.search(texts[rank])

    changed = True
    while changed:
        changed = False
        for rank, score in sorted(scores.items()):
            if rank in decided:
                continue
            total = score
            if short(rank) and score > 0:
                for near in (rank - 1, rank + 1):
                    if near in decided:
                        total += 1.0
                    elif short(near) and scores.get(near, 0.0) > 0:
                        total += 0.5
            if total >= THRESHOLD:
                decided.add(rank)
                chosen.append(rank)
                changed = True
    return sorted(chosen)


REPEATED_LENGTH = 20  # a site's name or watermark on a line of its own is short
REPEATED_WEIGHT = 2.5


def _weigh_repeats(verdicts: dict[int, float], texts: dict[int, str]) -> None:
    """A short line with some evidence of its own that stands on its own line more than once
    (a watermark word, the site's name over and under the text) is the site's: a report does
    not say the same short thing twice."""
    counts: dict[str, int] = {}
    for text in texts.values():
        key = "".join(text.split()).lower()
        counts[key] = counts.get(key, 0) + 1
    for rank, score in verdicts.items():
        key = "".join(texts[rank].split()).lower()
        if score > 0 and counts[key] >= 2 and len(key) <= REPEATED_LENGTH and not _SENTENCE_MARK.search(key):
            verdicts[rank] = score + REPEATED_WEIGHT


_LINK_ITEM = re.compile(r"^\s*[•·▪◦‧●\-*]\s*\S")
LINK_ITEMS = 2


def _links_after_the_end(texts: dict[int, str], removed: set[int], total: int) -> list[int]:
    """A bulleted list that ends the text under a line removed as the site's (the article's
    date-and-author line, 相关文章): links to the site's other articles, not the report's list."""
    run: list[int] = []
    rank = total - 1
    while rank in texts and rank not in removed and _LINK_ITEM.match(texts[rank]):
        run.append(rank)
        rank -= 1
    if len(run) >= LINK_ITEMS and rank in removed and rank >= total - TAIL_LINES:
        return sorted(run)
    return []


SANDWICH_LENGTH = 8
_TRAIL_STEP = re.compile(r"\s*[>›»]+\s*")


def _trail_columns(texts: dict[int, str], lines: list[Line], content: list[int], removed: set[int]) -> list[int]:
    """A head line that names a step of the site's trail (构筑中华民族共有精神家园 over
    您当前的位置:云南网 >> 民族频道 >> 构筑中华民族共有精神家园 >> 正文): the column's name."""
    steps: set[str] = set()
    for rank in removed:
        if rank < HEAD_LINES and _TRAIL.match(lines[content[rank]].text):
            steps.update(step.strip() for step in _TRAIL_STEP.split(lines[content[rank]].text))
    return [rank for rank, text in texts.items()
            if rank < HEAD_LINES and rank not in removed and text.strip() in steps and len(text.strip()) >= 2]


def _sandwiched(texts: dict[int, str], removed: set[int], total: int, vocabulary: dict[str, int]) -> list[int]:
    """A short tail line between lines removed as chrome, sharing no words with the report
    (推荐阅读 / 读特热榜 / IN视频 / 鹏友圈 / 首页): one more item of the site's menu. Only in the
    tail: at the head, the title may be that short, between the site's lines and the date."""
    found: list[int] = []
    for rank in sorted(texts):
        text = texts[rank].strip()
        if rank in removed or rank < total - TAIL_LINES or len(text) > SANDWICH_LENGTH:
            continue
        if _SENTENCE_MARK.search(text) or _overlap(text, vocabulary) > 0:
            continue
        if rank - 1 in removed and (rank + 1 in removed or rank == total - 1):
            found.append(rank)
    return found


def _drop(line: Line, log: RepairLog) -> None:
    log.count("boilerplate")
    log.dropped.add(line.number)


def chrome_score(text: str, rank: int, total: int, vocabulary: dict[str, int]) -> float:
    """How strongly a line reads as a site's chrome rather than the report (higher: chrome).

    Only a line with evidence of its own (a site's words, an address, a line without Chinese)
    scores above zero: position, shape and vocabulary weigh that evidence, they never make it,
    so a title or a short heading that shares few words with the body stays."""
    stripped = text.strip()
    if _TABLE_RULE.fullmatch(stripped):
        return 0.0  # the rule under a table's header
    han = len(_HAN.findall(stripped))
    marks = len(_SENTENCE_MARK.findall(stripped))
    own = 0.0
    words = {m.group(0).lower() for m in _SITE_WORDS.finditer(stripped)}
    own += 1.0 * len(words)
    # The site's voice ends the line it stands in (its preface); text glued after it is the report's.
    last = re.split(r"(?<=[。！？!?])(?=.)", stripped)[-1]
    voice = bool(_SITE_VOICE.search(last)) and (rank < HEAD_LINES or rank >= total - TAIL_LINES)
    if voice:
        own += 3.0
    if _DOMAIN.search(stripped):
        own += 3.0
    if _TRAIL.match(stripped):
        own += 3.0  # 您当前的位置：云南网 >> 民族频道 >> …: a trail of two steps or more from the site's home
    elif _BREADCRUMB.search(stripped) and len(stripped) <= 40:
        own += 2.0
    if _menu(stripped):
        own += 3.0
    if rank <= 1 and _COLUMN.fullmatch(stripped):
        own += 2.5  # the site's column above the article
    if _SITE_NAME.fullmatch(stripped):
        own += 1.5  # a site's name on its own (思而思学网): still needs its place and its words
    if han == 0:
        own += 3.0 if len(_SYMBOL.findall(stripped)) >= 3 else 1.5  # a watermark, a counter, a Latin word
    if own == 0:
        return 0.0
    score = own
    if own <= 1 and marks == 0 and len(stripped) <= 40 and _GENRE_END.search(stripped):
        score -= 2.0  # …工作总结范文: a title, whatever the site added to it
    # The shape of a report's lines: sentences, numbered headings.
    if marks == 0 and len(stripped) <= 8:
        score += 0.5
    if numbering(stripped) is not None and han >= 4 and not words:
        score -= 3.0
    if marks >= 3 and len(stripped) >= PARAGRAPH_LENGTH and not voice and not _DOMAIN.search(stripped) \
            and len(words) < marks * SITE_DENSITY:
        return 0.0  # a paragraph of sentences with a site's word here and there is the report's
    if marks >= 3 and len(stripped) >= 60 and not voice:
        score -= 1.5 if words else 3.0
    # Where it stands: sites put chrome at the head and the tail of a page.
    score += 0.5 if rank < HEAD_LINES or rank >= total - TAIL_LINES else -1.0
    # Little in common with the rest of the text.
    if han >= 4 and _overlap(stripped, vocabulary) < 0.25:
        score += 1.0
    return score


_SITE_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]{2,8}(?:网|网站|文库|资料库|文秘网|学习网)")
_COLUMN = re.compile(r"[\u4e00-\u9fff]{0,4}(?:要闻|动态|新闻|资讯|快讯|公告|头条|时政|播报|专栏|项目)")
_GENRE_END = re.compile(r"(?:总结|汇报|材料|报告|小结|计划|方案|事迹)(?:范文)?$")
_MENU_ITEM = re.compile(r"[\u4e00-\u9fff]{2,5}")
MENU_ITEMS = 4


def _menu(text: str) -> bool:
    """Words between single spaces: a site's menu (首页 旅游资讯 线路攻略 景点大全 …)."""
    if "  " in text or "\u3000" in text:
        return False  # wide gaps align a table's cells
    items = text.split(" ")
    words = [item for item in items if _MENU_ITEM.fullmatch(item)]
    return len(words) >= MENU_ITEMS and len(words) >= 0.6 * len(items)


def vocabulary(lines: list[Line]) -> dict[str, int]:
    """Character pairs of the text and how many lines have each: the body's vocabulary."""
    counts: dict[str, int] = {}
    for line in lines:
        for pair in _pairs(line.text):
            counts[pair] = counts.get(pair, 0) + 1
    return counts


def _pairs(text: str) -> set[str]:
    runs = re.findall(r"[\u3400-\u9fff]+", text)
    return {run[i : i + 2] for run in runs for i in range(len(run) - 1)}


def _overlap(text: str, vocabulary: dict[str, int]) -> float:
    """The share of a line's character pairs that other lines use too."""
    pairs = _pairs(text)
    if not pairs:
        return 1.0
    return sum(1 for pair in pairs if vocabulary.get(pair, 0) >= 2) / len(pairs)


def _strip_noise(text: str) -> str:
    """Anti-scraping noise before a paragraph: ``' d5 }3 ^7 F! K& H( o ?% j 为了…`` → ``为了…``."""
    first = _HAN.search(text)
    if first is None or first.start() == 0:
        return text
    head = text[: first.start()]
    if len(_SYMBOL.findall(head)) >= 4 and not _LATIN_WORD.search(head):
        return text[first.start() :]
    return text


def _metadata(text: str) -> Metadata | None:
    """The date, author and source of a metadata line or a site's form; None when the line is
    something else."""
    found = _pairs_metadata(text)
    return found if found is not None else _form(_BULLET.sub("", text.strip()))


def _pairs_metadata(text: str) -> Metadata | None:
    """The date, author and source of a metadata line; None when the line is something else."""
    stripped = _BULLET.sub("", text.strip())
    marked = _MARKED_BYLINE.match(stripped)
    if marked:
        return Metadata(author=" ".join(marked.group(1).split()))
    issue = _ISSUE.match(stripped)
    if issue:
        return Metadata(origin=stripped)
    credit = _CREDIT.match(stripped) or _BRACKETED_NAME.match(stripped)
    if credit:
        return Metadata(author=credit.group(1))
    byline = _BYLINE.match(stripped)
    if byline and not _SENTENCE_MARK.search(stripped):
        return Metadata(author=" ".join(byline.group(1).split()))
    pairs = list(_META_PAIR.finditer(stripped))
    stamp = _DATETIME.search(stripped)
    if not pairs and not (stamp and (_TIME.search(stripped) or stamp.start() == 0)):
        return None
    rest = _META_PAIR.sub("", stripped)
    found = find_date(stripped) if stamp else None
    rest = _DATETIME.sub("", rest)
    rest = _BRACKETS.sub("", rest).replace("?", "").strip()
    author, origin = "", ""
    for pair in pairs:
        key, value = pair.group(1), _VALUE_JUNK.sub(" ", pair.group(2)).strip()
        if key == "作者":
            author = _first_name(_DATETIME.sub("", value).strip())  # 辛 欣 2024年01月31日 08:21
            author = "" if _NO_NAME.fullmatch(author) else author
        elif key in ("来源", "出处", "内容来源", "信息来源", "文章来源", "稿件来源") and value \
                and not _NOT_A_SOURCE.search(value) and not _DOMAIN.search(value):
            origin = value
        elif key in ("时间", "日期", "发布时间", "发布日期", "更新时间", "生成日期") and found is None:
            found = find_date(value)
    if not pairs:
        # A date with a time, and perhaps the author's name (2021-06-20 03:29李胜基) or the
        # site's column (2025-12-17 14:42:05年度工作总结) after it.
        rest = _PUBLISHED.sub("", rest).strip()
        if not re.fullmatch(r"[\u4e00-\u9fff]{0,8}", rest):
            return None
        return Metadata(found, rest if len(rest) <= 4 else "")
    if len(rest) > 12 or _SENTENCE_MARK.search(rest):
        return None  # a sentence that mentions a source is not a metadata line
    named = _REPORTER.search(rest)
    return Metadata(found, author or (named.group(1) if named else ""), origin)


_SPACED_KEY = re.compile(r"(?<![\u4e00-\u9fff])(?:[\u4e00-\u9fff] {1,2}){1,4}[\u4e00-\u9fff](?=\s*[:：])")
_FORM_KEY = re.compile(r"(?<![\u4e00-\u9fff])([\u4e00-\u9fff]{2,5})\s*[:：]")
_ADMIN_KEY = re.compile(
    r"索引号|文号|分类|发布机构|生成日期|生效日期|废止日期|关键词|语种|内容概述|名称|浏览|点击|来源|作者|编辑"
)


def _form(text: str) -> Metadata | None:
    """A line of a site's information form (索 引 号: … 生成日期: 2018-01-18 发布机构: …)."""
    keyed = _SPACED_KEY.sub(lambda m: m.group(0).replace(" ", ""), text)
    keys = _FORM_KEY.findall(keyed)
    if len(keys) < 2 or not any(_ADMIN_KEY.search(key) for key in keys) or re.search(r"[。！？!?]", keyed):
        return None
    dated = any("日期" in key or "时间" in key for key in keys)
    return Metadata(find_date(keyed) if dated and _DATETIME.search(keyed) else None)


def _first_name(value: str) -> str:
    """``Anonyme 工作总结`` → ``Anonyme`` (the site's column follows the name); ``王 承`` and
    ``张沁 李艳潇 韩璇`` (names all) stay."""
    tokens = value.split()
    if len(tokens) >= 2 and len(tokens[0]) >= 2 and not all(_NAME.fullmatch(t) for t in tokens[1:]):
        return tokens[0]
    return value


def _merge(first: Metadata, second: Metadata) -> Metadata:
    return Metadata(first.date or second.date, first.author or second.author, first.origin or second.origin,
                    first.lines | second.lines, first.document or second.document)


def names_line(text: str) -> bool:
    """``陈伟东、孔娜娜、张大维`` : a line of authors' names."""
    return bool(_NAMES.match(text)) and not _SENTENCE_MARK.search(text.replace("、", "").replace("，", ""))


_CHUNK = re.compile(r"^\s*(\d{1,3})\s*、\s*")
CHUNK_LENGTH = 100  # a document site's page chunks are long; a numbered item of a report rarely is


def page_chunks(lines: list[Line]) -> list[Line]:
    """Remove the ``1、`` ``2、`` … that document sites put where their pages were cut, often in
    the middle of a sentence: a numbered line after a long line that stops mid-sentence."""
    content = [index for index, line in enumerate(lines) if line.text.strip()]
    cut: set[int] = set()
    for previous, current in itertools.pairwise(content):
        before, text = lines[previous].text.rstrip(), lines[current].text
        marker = _CHUNK.match(text)
        if marker and len(before) >= CHUNK_LENGTH and before[-1] not in "。！？!?；;：:”":
            cut.add(current)
            first = _CHUNK.match(lines[previous].text)
            if marker.group(1) == "2" and first and first.group(1) == "1":
                cut.add(previous)
    return [replace(line, text=_CHUNK.sub("", line.text, count=1)) if index in cut else line
            for index, line in enumerate(lines)]
