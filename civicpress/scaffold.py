"""``new``: a new content file with valid front matter, named by the site's slug rule."""

from __future__ import annotations

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
    path.write_text(TEMPLATE.format(title=quoted, date=today.isoformat()), encoding="utf-8")
    return path
