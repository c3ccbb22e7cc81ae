"""Files copied as they are: the theme's static files, the site's ``static/`` and content assets.

A file in the site's ``static/`` replaces the theme's file of the same name. Raster images are
not copied as they are: they are published cleaned of metadata (``civicpress.images``), content
images with narrower copies for ``srcset``; ``write_static`` returns what the pages need to know
of them (``images = yield from write_static(...)``).
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

from civicpress.errors import Findings, SiteError
from civicpress.images import (
    WIDTHS,
    ImageInfo,
    is_image,
    is_refused,
    is_svg,
    is_svgz,
    publish_image,
    refused,
    svg_problems,
    svgz_refused,
)
from civicpress.model import OutputFile, Site
from civicpress.sitefolder import CONTENT_DIR, STATIC_DIR
from civicpress.templating import THEME_DIR
from civicpress.writers.protocol import BuildInputs, Made

SITE_STATIC = STATIC_DIR


def write_static(
    site: Site, site_dir: Path, findings: Findings | None = None
) -> Generator[OutputFile, None, dict[str, ImageInfo]]:
    """Every static file and content asset; returns the published images by output path.

    An image that cannot be published is an error in ``findings`` (raised without them).
    """
    files = _sources(site, site_dir)
    content = {url.lstrip("/") for url in site.assets.values()}
    images: dict[str, ImageInfo] = {}
    for rel in sorted(files):
        data = files[rel].read_bytes()
        if not (is_image(rel) or is_refused(rel) or is_svg(rel) or is_svgz(rel)):
            yield OutputFile(rel, data)
            continue
        try:
            info, outputs = _checked(rel, data, _source(files[rel], site_dir, rel), rel in content)
        except SiteError as exc:
            if findings is None:
                raise
            findings.extend(exc.findings)
            continue
        if info is not None:
            images[rel] = info
        yield from outputs
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


def _checked(rel: str, data: bytes, source: str, in_content: bool) -> tuple[ImageInfo | None, list[OutputFile]]:
    """An image or drawing as published (raster images cleaned); raises SiteError when it may not be."""
    if is_svgz(rel):
        raise SiteError(svgz_refused(source))
    if is_refused(rel):
        raise SiteError(refused(source))
    if is_svg(rel):  # published as it is, so one that could run code or fetch anything is refused
        problems = svg_problems(data, source)
        if problems:
            raise SiteError(*problems)
        return None, [OutputFile(rel, data)]
    return publish_image(rel, data, source, widths=WIDTHS if in_content else ())


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
    """Static files and content assets; runs first, for the pages need the images' sizes (``Made``)."""

    name = "static"
    tracks = False

    def expected(self, inputs: BuildInputs) -> int:
        return len(_sources(inputs.site, inputs.site_dir))

    def write(self, inputs: BuildInputs, made: Made, findings: Findings) -> Iterator[OutputFile]:
        made.images.update((yield from write_static(inputs.site, inputs.site_dir, findings)))
