"""Photo galleries: ``{{ gallery("images/chongyang") }}`` in an article, and the captions beside the photos.

An event write-up carries a dozen photos; typing a line for each is what editors stopped doing.
``gallery`` lists the photos of one folder (relative to the article, in name order) and writes
them as a Markdown paragraph marked ``{: .gallery}``, which ``markup`` turns into a grid of
thumbnails. A caption file in the folder (``说明.yaml`` or ``captions.yaml``, file name →
caption) gives a photo its caption; a name that is no photo of the folder, or a caption that
is not text, is an error at its line.

The caption files are read with the content (``read_captions``), so that an edit of one is an
edit of the site: the pages are made again, and the files themselves are not published.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from types import MappingProxyType
from urllib.parse import quote

from civicpress.errors import Finding, Findings, Location, SiteError
from civicpress.photo_formats import is_photo
from civicpress.sitefolder import CONTENT_DIR
from civicpress.sources import check_size, decode, load_yaml

CAPTION_FILES = ("说明.yaml", "captions.yaml")
CAPTION_HINT = "说明文件每行写“文件名: 说明文字”，如 01.jpg: 志愿者为老人理发；文件名要与文件夹中的照片完全一致。"
Captions = Mapping[str, Mapping[str, str]]  # folder inside content/ -> photo file name -> caption
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>])")


def is_caption_file(rel: str) -> bool:
    return posixpath.basename(rel) in CAPTION_FILES


def read_captions(site_dir: Path, files: Iterable[str], assets: Iterable[str], findings: Findings) -> Captions:
    """The caption files among ``files`` (paths inside content/), checked against the photos of ``assets``."""
    photos: dict[str, set[str]] = {}
    for rel in assets:
        if is_photo(rel):
            folder, name = posixpath.split(rel)
            photos.setdefault(folder, set()).add(name)
    captions: dict[str, Mapping[str, str]] = {}
    for rel in sorted(files):
        folder = posixpath.dirname(rel)
        try:
            read = _read(site_dir, rel, photos.get(folder, set()))
        except SiteError as exc:
            findings.extend(exc.findings)
            continue
        captions[folder] = MappingProxyType({**captions.get(folder, {}), **read})
    return MappingProxyType(captions)


def _read(site_dir: Path, rel: str, photos: set[str]) -> dict[str, str]:
    location = Location(f"{CONTENT_DIR}/{rel}")
    path = site_dir / CONTENT_DIR / rel
    check_size(path.stat().st_size, location)
    document = load_yaml(decode(path.read_bytes(), location).text, location)
    if document.value is None:
        return {}
    if not isinstance(document.value, dict):
        raise SiteError(Finding("caption-file", "照片说明文件应是“文件名: 说明”的列表", location.at(1), CAPTION_HINT))
    problems = []
    found: dict[str, str] = {}
    for name, caption in document.value.items():
        line = document.line_of(name)
        if str(name) not in photos:
            problems.append(
                Finding("caption-unknown-photo", f"文件夹中没有照片 {name}", location.at(line), CAPTION_HINT)
            )
        elif not isinstance(caption, (str, int, float)) or isinstance(caption, bool):
            problems.append(Finding("caption-file", f"{name} 的说明应是一句文字", location.at(line), CAPTION_HINT))
        else:
            found[str(name)] = " ".join(str(caption).split())
    if problems:
        raise SiteError(*problems)
    return found


def gallery_function(article: str, assets: Iterable[str], captions: Captions) -> Callable[[str], str]:
    """``gallery(folder)`` for the article at ``article`` (a path inside content/): the Markdown of the grid."""
    listed = tuple(assets)

    def gallery(folder: str) -> str:
        if not isinstance(folder, str) or not folder.strip():
            raise ValueError("gallery 需要一个文件夹名，如 {{ gallery(\"images/chongyang\") }}")
        base = posixpath.normpath(posixpath.join(posixpath.dirname(article), folder.strip().strip("/")))
        if base == ".." or base.startswith("../"):
            raise ValueError(f"相册文件夹 {folder} 在 content 文件夹之外")
        names = sorted(posixpath.basename(rel) for rel in listed if posixpath.dirname(rel) == base and is_photo(rel))
        if not names:
            raise ValueError(f"相册文件夹 {folder} 中没有照片（content/{base}/，支持 jpg、png、webp、gif、heic）")
        return gallery_markdown(folder.strip().strip("/"), names, captions.get(base, {}))

    return gallery


def gallery_markdown(folder: str, names: list[str], captions: Mapping[str, str]) -> str:
    """The photos ``names`` of ``folder`` (as the article writes it) as one gallery paragraph.

    Each photo's alt text is its caption, or its place in the gallery; the caption (only a real
    one) goes in the title, which ``markup`` shows under the thumbnail.
    """
    lines = []
    for number, name in enumerate(names, start=1):
        caption = captions.get(name, "")
        alt = _escaped(caption or f"照片 {number}/{len(names)}")
        title = f' "{_escaped(caption)}"' if caption else ""
        lines.append(f"![{alt}]({quote(f'{folder}/{name}')}{title})")  # spaces, brackets: percent-encoded
    return "\n\n" + "\n".join(lines) + "\n{: .gallery }\n\n"


def _escaped(text: str) -> str:
    """Text that Markdown shows as it is, inside ``![…]`` and a ``"…"`` title (which cannot escape ``"``)."""
    quotes = iter("“”" * (text.count('"') // 2 + 1))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", re.sub('"', lambda _: next(quotes), text))
