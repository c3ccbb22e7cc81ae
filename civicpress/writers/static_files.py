"""Files copied as they are: the theme's static files, the site's ``static/`` and content assets.

A file in the site's ``static/`` replaces the theme's file of the same name. Raster images are
not copied as they are: they are published cleaned of metadata (``civicpress.images``), content
images no wider than ``MAX_WIDTH`` and with narrower copies for ``srcset``, HEIC photos as JPEG;
an image published by an earlier build is taken from the cache (``image_cache``).
``write_static`` returns what the pages need to know of them (``images = yield from write_static(...)``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import replace
from pathlib import Path

from civicpress.errors import Findings, SiteError
from civicpress.image_cache import ImageCache
from civicpress.images import (
    MAX_WIDTH,
    WIDTHS,
    ImageInfo,
    is_image,
    is_refused,
    is_svg,
    is_svgz,
    refused,
    svg_problems,
    svgz_refused,
)
from civicpress.model import OutputFile, Site
from civicpress.photo_formats import is_converted
from civicpress.sitefolder import CACHE_DIR, CONTENT_DIR, STATIC_DIR
from civicpress.templating import THEME_DIR
from civicpress.writers.protocol import BuildInputs, Made

SITE_STATIC = STATIC_DIR
IMAGE_CACHE = f"{CACHE_DIR}/images"


def write_static(
    site: Site, site_dir: Path, findings: Findings | None = None, cache: ImageCache | None = None,
    wanted: Callable[[str], bool] | None = None,
) -> Generator[OutputFile, None, dict[str, ImageInfo]]:
    """Every static file and content asset; returns the published images by output path.

    An image that cannot be published is an error in ``findings`` (raised without them). A
    published image depends on nothing but the site's files and code (``reads=()``): with
    ``wanted`` (an incremental build), an image whose files the last build made from the same
    inputs is not even read; only its size and copies are taken from the cache, for the pages.
    ``cache``: where published images are kept; by default the site's ``.civicpress-cache/images/``,
    only read (``check`` writes no file).
    """
    cache = cache or ImageCache(site_dir / IMAGE_CACHE, write=False)
    files = _sources(site, site_dir)
    content = {url.lstrip("/") for url in site.assets.values()}
    images: dict[str, ImageInfo] = {}
    for rel in sorted(files):
        if not (is_image(rel) or is_refused(rel) or is_svg(rel) or is_svgz(rel)):
            yield OutputFile(rel, files[rel].read_bytes())
            continue
        source = _source(files[rel], site_dir, rel)
        widths, max_width = (WIDTHS, MAX_WIDTH) if rel in content else ((), None)
        todo: set[str] | None = None  # the files of the image to make again; None: all of them
        if wanted is not None and is_image(rel):
            kept = cache.info_file(rel, files[rel], source, widths, max_width)
            if kept is not None:
                todo = {path for path in (kept.path, *(v.path for v in kept.variants)) if wanted(path)}
                if not todo:  # the last build's files stay: only their sizes are needed
                    images[rel] = kept
                    continue
        try:
            info, outputs = _checked(rel, files[rel], source, cache, widths, max_width)
        except SiteError as exc:
            if findings is None:
                raise
            findings.extend(exc.findings)
            continue
        if info is not None:
            images[rel] = info
            outputs = [replace(f, reads=()) for f in outputs if todo is None or f.path in todo]
        yield from outputs
    cache.save()
    return images


def _sources(site: Site, site_dir: Path) -> dict[str, Path]:
    """Output path -> the file it is published from: the theme's, the site's static/, content assets."""
    files: dict[str, Path] = {}
    for root in (THEME_DIR / "static", site_dir / SITE_STATIC):
        for rel in _files(root):
            files[rel] = root / rel
    for rel, url in site.assets.items():
        files[url.lstrip("/")] = site_dir / CONTENT_DIR / rel
    return files


def _checked(
    rel: str, file: Path, source: str, cache: ImageCache, widths: tuple[int, ...], max_width: int | None
) -> tuple[ImageInfo | None, list[OutputFile]]:
    """An image or drawing as published (raster images cleaned); raises SiteError when it may not be."""
    if is_svgz(rel):
        raise SiteError(svgz_refused(source))
    if is_refused(rel) or is_converted(rel):  # a HEIC of static/: content photos alone are renamed .jpg
        raise SiteError(refused(source))
    if is_svg(rel):  # published as it is, so one that could run code or fetch anything is refused
        data = file.read_bytes()
        problems = svg_problems(data, source)
        if problems:
            raise SiteError(*problems)
        return None, [OutputFile(rel, data)]
    return cache.publish_file(rel, file, source, widths, max_width)


def _source(path: Path, site_dir: Path, rel: str) -> str:
    """The file as the editor knows it: content/…, static/… or the theme's."""
    try:
        return path.relative_to(site_dir).as_posix()
    except ValueError:
        return f"theme/static/{rel}"


def _files(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            path = Path(dirpath) / name
            if name.startswith(".") or path.is_symlink():
                continue
            found.append(path.relative_to(root).as_posix())
    return sorted(found)


class StaticWriter:
    """Static files and content assets; runs first, for the pages need the images' sizes (``Made``).

    Only its images are tracked (``reads=()``, ``wanted`` obeyed): the other files are cheap to copy.
    """

    name = "static"
    tracks = False

    def expected(self, inputs: BuildInputs) -> int:
        return len(_sources(inputs.site, inputs.site_dir))

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        made.images.update((yield from write_static(inputs.site, inputs.site_dir, findings, inputs.image_cache,
                                                    inputs.wanted)))
