"""Slugs, permalinks and relative URLs.

Inside civicpress every URL is a *site path*: it starts with ``/`` and, for a page, ends with
``/`` (``/events/2022/yang-ge/``). Templates and Markdown links turn site paths into what the
HTML carries with :func:`relative_url` (the default: the built folder works from any sub-path
and from ``file://``) or :func:`absolute_url` (base URL + path, for feeds, sitemaps, canonical links).
"""

from __future__ import annotations

import functools
import posixpath
import re
import unicodedata
from datetime import datetime
from urllib.parse import quote

SLUG_STYLES = ("pinyin", "unicode")

_NON_WORD = re.compile(r"[^\w]+", re.UNICODE)
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Characters no Windows file name may hold (the published folder is copied to Windows machines),
# the path separators among them.
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')
_WINDOWS_DEVICES = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(1, 10)), *(f"lpt{n}" for n in range(1, 10))]
)
MAX_SLUG_BYTES = 200  # a folder name; Windows paths end at 260 characters


@functools.lru_cache(maxsize=8192)  # a pure function, called for every tag of every build of serve
def slugify(text: str, style: str = "pinyin") -> str:
    """A URL segment for ``text``.

    ``pinyin``: phrase-aware pinyin without tones (重庆银行 → chong-qing-yin-hang), Latin kept.
    ``unicode``: keep Chinese characters as Hugo does, lower-case Latin, punctuation → ``-``.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if style == "pinyin" and _HAN.search(text):
        from pypinyin import Style, lazy_pinyin  # its dictionaries take 0.1 s to load: only when needed

        # One syllable per Chinese character; runs of other text come back as one item.
        parts: list[str] = lazy_pinyin(text, style=Style.NORMAL, errors=_keep)  # type: ignore[arg-type]  # stub says str; a list is documented
        text = " ".join(parts)
    words = [w for w in _NON_WORD.split(text.lower().replace("_", " ")) if w]
    return "-".join(words)


def _keep(run: str) -> list[str]:
    return [run]


def slug_problem(slug: str) -> str:
    """Why ``slug`` cannot be the name of one folder of the output on every system, in Chinese; "" if it can.

    A slug an editor writes becomes a folder name: a separator or ``..`` would put the page
    elsewhere (outside the output folder even), and Windows refuses some names and characters.
    """
    bad = _NOT_IN_FILE_NAMES.search(slug)
    if bad:
        char = bad.group(0)
        shown = char if char.isprintable() else f"\\x{ord(char):02x}"
        return f"含有字符 {shown}（网址名只能是一个名字，不能含 / \\ : * ? \" < > | 等符号）"
    if slug.startswith("."):
        return "以点开头（.. 表示上一级文件夹，以点开头的文件夹在网站服务器上常被隐藏）"
    if slug.endswith((".", " ")):
        return "以点或空格结尾（Windows 会把它去掉，网址就对不上了）"
    if slug.split(".", 1)[0].strip().lower() in _WINDOWS_DEVICES:
        return "是 Windows 保留的设备名，在 Windows 上不能作文件夹名"
    if len(slug.encode("utf-8")) > MAX_SLUG_BYTES:
        return f"太长（超过 {MAX_SLUG_BYTES} 字节）"
    return ""


def escapes(output: str) -> bool:
    """Whether an output path (``news/a/index.html``) would leave the output folder or is not a plain path."""
    parts = output.split("/")
    return output.startswith("/") or "\\" in output or any(part in ("", ".", "..") for part in parts)


def expand_permalink(pattern: str, *, section: str, slug: str, date: datetime | None) -> str:
    """Fill a permalink pattern such as ``/:section/:year/:month/:slug/``."""
    values = {
        ":section": section,
        ":slug": slug,
        ":year": f"{date.year:04d}" if date else "",
        ":month": f"{date.month:02d}" if date else "",
        ":day": f"{date.day:02d}" if date else "",
    }
    path = re.sub(r":(section|slug|year|month|day)", lambda m: values[m.group(0)], pattern)
    path = re.sub(r"/{2,}", "/", "/" + path.strip("/") + "/")
    return path


def output_path(site_path: str) -> str:
    """Where a site path is written, relative to the output folder."""
    if site_path.endswith("/"):
        return (site_path + "index.html").lstrip("/")
    return site_path.lstrip("/")


def relative_url(from_path: str, to_path: str, *, file_urls: bool = True) -> str:
    """The link from the page at site path ``from_path`` to the site path ``to_path``.

    Both are plain paths (no fragment); the result is percent-encoded. With ``file_urls`` a
    directory link ends in ``index.html``, so the folder also works when opened from disk,
    where no server maps ``dir/`` to ``dir/index.html``.
    """
    from_dir = from_path if from_path.endswith("/") else posixpath.dirname(from_path) + "/"
    target = to_path
    if file_urls and target.endswith("/"):
        target += "index.html"
    rel = posixpath.relpath(target, from_dir)
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return _quote(rel)


def _quote(path: str) -> str:
    return quote(path, safe="/-_.~")


def root_url(base_url: str, to_path: str) -> str:
    """A root-relative URL that respects a base URL's sub-path (``https://x.cn/sq/`` → ``/sq/…``)."""
    prefix = re.sub(r"^[a-z]+://[^/]+", "", base_url).rstrip("/")
    return _quote(prefix + to_path)


def absolute_url(base_url: str, to_path: str) -> str:
    """``base_url`` + site path, percent-encoded, for feeds, sitemaps and canonical links."""
    return base_url.rstrip("/") + _quote(to_path)
