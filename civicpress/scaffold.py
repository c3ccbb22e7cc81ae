"""``new``: a new content file with valid front matter, named by the site's slug rule.

With ``--photos 文件夹`` the photos of that folder (as a phone or camera names them, in name
order) are copied next to the new article as ``images/<article>/01.jpg, 02.jpg …`` and the
article shows them with a ``{{ gallery(…) }}`` line; a ``说明.yaml`` lists them for captions.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from civicpress.config import load_config
from civicpress.content import utc_offset
from civicpress.errors import Location, SiteError
from civicpress.galleries import CAPTION_FILES
from civicpress.photo_formats import is_photo
from civicpress.sitefolder import CONTENT_DIR
from civicpress.urls import slugify

TEMPLATE = """---
title: {title}
date: {date}
summary: ""
tags: []
{draft}
---

在这里写正文。段落之间空一行。

## 一、小标题

这里写第一部分的内容。
"""


GALLERY_TEXT = """
## 活动照片

{{{{ gallery("{folder}") }}}}
"""
CAPTIONS_TEXT = """# 照片说明：每行写“文件名: 说明文字”，去掉行首的 # 才会显示；不写说明的照片也会显示在相册里。
"""
PHOTOS_HINT = "用法：python build.py new events \"活动标题\" --photos 照片文件夹（文件夹里放 jpg、png 或 heic 照片）"


def new_document(site_dir: Path, section: str, title: str, now: datetime, photos: Path | None = None) -> Path:
    """Create ``content/SECTION/<slug>.md`` dated today in the site's timezone.

    Never overwrites an existing file (adds -2, -3 … instead). With ``photos``, a folder, its
    photos are copied to ``content/SECTION/images/<slug>/`` and the article shows them as a gallery.
    """
    chosen = photo_files(photos) if photos is not None else []
    config = load_config(site_dir)
    today = now.astimezone(utc_offset(config.timezone)).date()
    if config.section(section) is None:
        keys = "、".join(s.key for s in config.sections) or "（无）"
        raise SiteError.single(
            "unknown-section",
            f"没有名为 {section} 的栏目",
            Location("site_config.yaml"),
            f"可用的栏目有：{keys}",
        )
    if not title.strip():
        raise SiteError.single("missing-title", "标题不能为空", None, '用法：python build.py new events "活动标题"')
    folder = site_dir / CONTENT_DIR / section
    folder.mkdir(parents=True, exist_ok=True)
    base = slugify(title, config.slug_style) or "article"
    path, number = folder / f"{base}.md", 1
    while path.exists() or (chosen and (folder / "images" / path.stem).exists()):
        number += 1
        path = folder / f"{base}-{number}.md"
    quoted = '"' + title.strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
    # A new article is a draft: previewed by serve (marked 草稿), published once the editor says so.
    draft = "status: 草稿           # 审核通过后改为 status: 已审" if config.require_approval else (
        "draft: true            # 草稿：写好后删去这一行才会发布")
    text = TEMPLATE.format(title=quoted, date=today.isoformat(), draft=draft)
    if chosen:
        gallery = f"images/{path.stem}"
        copy_photos(chosen, folder / gallery)
        text += GALLERY_TEXT.format(folder=gallery)
    try:
        write_new_file(path, text)
    except BaseException:
        if chosen:
            shutil.rmtree(folder / f"images/{path.stem}", ignore_errors=True)
        raise
    return path


def photo_files(folder: Path) -> list[Path]:
    """The photos of ``folder`` in name order; SiteError when it is not a folder of photos."""
    if not folder.is_dir():
        raise SiteError.single("photos-missing", f"找不到照片文件夹 {folder}", None, PHOTOS_HINT)
    found = sorted((p for p in folder.iterdir() if p.is_file() and is_photo(p.name) and not p.name.startswith(".")),
                   key=lambda p: p.name)
    if not found:
        raise SiteError.single("photos-missing", f"文件夹 {folder} 里没有照片（jpg、jpeg、png、webp、gif、heic）", None,
                               PHOTOS_HINT)
    return found


def copy_photos(photos: list[Path], target: Path) -> None:
    """``photos`` copied into the new folder ``target`` as 01.jpg, 02.heic … (safe in any URL), with a
    commented caption file naming each original; the folder appears whole or not at all."""
    width = max(2, len(str(len(photos))))
    temporary = target.with_name(f".{target.name}.new-{os.getpid()}")
    temporary.mkdir(parents=True)
    try:
        lines = [CAPTIONS_TEXT]
        for number, photo in enumerate(photos, start=1):
            suffix = photo.suffix.lower().replace(".jpeg", ".jpg")
            name = f"{number:0{width}d}{suffix}"
            shutil.copyfile(photo, temporary / name)
            lines.append(f"# {name}: （原文件名 {photo.name}）\n")
        (temporary / CAPTION_FILES[0]).write_text("".join(lines), encoding="utf-8")
        os.rename(temporary, target)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise


def write_new_file(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (temp file, then one rename), never over an existing file.

    A power cut leaves no half article; a file that appeared meanwhile is kept (FileExistsError).
    """
    temporary = path.with_name(f".{path.name}.new-{os.getpid()}")
    temporary.write_bytes(text.encode("utf-8"))
    try:
        try:
            os.link(temporary, path)  # atomic and refuses to replace: the file is whole or absent
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links (FAT on a USB stick)
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
