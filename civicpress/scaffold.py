"""``new``: a new content file with valid front matter, named by the site's slug rule."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from civicpress.config import load_config
from civicpress.content import utc_offset
from civicpress.errors import Location, SiteError
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


def new_document(site_dir: Path, section: str, title: str, now: datetime) -> Path:
    """Create ``content/SECTION/<slug>.md`` dated today in the site's timezone.

    Never overwrites an existing file (adds -2, -3 … instead).
    """
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
    while path.exists():
        number += 1
        path = folder / f"{base}-{number}.md"
    quoted = '"' + title.strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
    # A new article is a draft: previewed by serve (marked 草稿), published once the editor says so.
    draft = "status: 草稿           # 审核通过后改为 status: 已审" if config.require_approval else (
        "draft: true            # 草稿：写好后删去这一行才会发布")
    write_new_file(path, TEMPLATE.format(title=quoted, date=today.isoformat(), draft=draft))
    return path


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
