"""The event sites of bench/run.py's photos case: three articles, one an event with 12 camera photos.

    make_event_site(work, photos=True)   # content/events/chongyang/01.jpg … 12.jpg, 4000×3000, EXIF with GPS
    make_event_site(work, photos=False)  # the same articles, without the gallery line and the photos

The photos are made with Pillow, grainy enough (noise blended into a scene, quality 92) to weigh what
a camera's JPEG weighs (several MB each), and carry EXIF with GPS as a phone's do. Both sites are kept
in ``work`` for the next run; the edited article (news, as bench/run.py edits it) is kept as
generated in PRISTINE.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

PHOTOS = 12
SIZE = (4000, 3000)
PRISTINE = ".edited-article.orig"  # as bench/run.py names it

SITE_CONFIG = """title: 幸福社区通讯
description: 社区活动纪实
base_url: https://example.org/
sections:
  - {key: news, title: 社区新闻}
  - {key: events, title: 活动风采}
"""

NEWS = """---
title: 社区召开居民议事会
date: 2024-10-08
---
10月8日，社区召开居民议事会，讨论老旧小区加装电梯和停车位划分的问题。

## 一、议事过程

居民代表、物业和社区干部坐在一起，逐条商量。
"""

EVENT = """---
title: 重阳节敬老活动纪实
date: 2024-10-11
tags: [养老服务, 节日活动]
---
重阳节当天，社区志愿者为辖区老人理发、义诊、包饺子。

## 活动照片
{gallery}
"""

OTHER = """---
title: 消防安全演练
date: 2024-09-20
---
社区组织居民开展消防安全演练，教大家使用灭火器。
"""


def camera_photo(path: Path, seed: int) -> None:
    """A 4000×3000 JPEG as a camera writes it: a scene under grain, EXIF with maker and GPS."""
    from PIL import ExifTags, Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", SIZE, (rng.randint(90, 160), rng.randint(150, 200), 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 1800, SIZE[0], SIZE[1]), fill=(rng.randint(100, 200), rng.randint(120, 170), 90))
    for _ in range(40):
        x, y, h = rng.randint(0, SIZE[0]), rng.randint(1500, 2800), rng.randint(300, 700)
        draw.rectangle((x - 90, y - h, x + 90, y), fill=tuple(rng.randint(30, 230) for _ in range(3)))
    grain = Image.effect_noise(SIZE, 60).convert("RGB")
    image = Image.blend(image, grain, 0.22)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Camera"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    image.save(path, "JPEG", quality=92, exif=exif)


def make_event_site(work: Path, photos: bool) -> Path:
    """The event site (with or without its photos), generated on first use and kept."""
    site = work / ("event-12-photos" if photos else "event-no-photos")
    marker = site / ".complete"
    if not marker.exists():
        shutil.rmtree(site, ignore_errors=True)
        (site / "content/news").mkdir(parents=True)
        (site / "content/events").mkdir(parents=True)
        (site / "site_config.yaml").write_text(SITE_CONFIG, encoding="utf-8")
        (site / "content/news/yi-shi-hui.md").write_text(NEWS, encoding="utf-8")
        (site / "content/events/xiao-fang.md").write_text(OTHER, encoding="utf-8")
        gallery = '\n{{ gallery("chongyang") }}\n' if photos else ""
        (site / "content/events/chong-yang.md").write_text(EVENT.format(gallery=gallery), encoding="utf-8")
        if photos:
            folder = site / "content/events/chongyang"
            folder.mkdir()
            for number in range(1, PHOTOS + 1):
                camera_photo(folder / f"{number:02d}.jpg", number)
        (site / PRISTINE).write_bytes((site / "content/news/yi-shi-hui.md").read_bytes())
        marker.touch()
    return site


def photo_megabytes(site: Path) -> float:
    return sum(p.stat().st_size for p in (site / "content").rglob("*.jpg")) / 1024 / 1024
