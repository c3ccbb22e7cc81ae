"""Published images kept between builds (``.civicpress-cache/images/``), so that a photo is encoded once.

Decoding a camera's photo and encoding it in four widths takes about a second; an event with
a dozen photos would cost every build (and every save in ``serve``) ten seconds. An entry is
kept by a hash of the source bytes and of everything that shapes the result: the widths, the
largest width, the encoders' settings, the code of ``images`` and of this module, and the
versions of Pillow and pillow-heif. It does not depend on the file's name: a photo renamed or
moved is not encoded again (the names are derived from the path asked for).

Reading and hashing a dozen 5 MB photos still costs a tenth of a second, so a small index
(``stamps.json``) remembers the hash of each source file by its size and modification time,
as the build's own change check trusts them: an unchanged photo is not even read.

Each entry is one file (a JSON header line, then the images' bytes), written to a temporary
file and renamed into place: a killed build leaves no half entry, and a worker writing the same
entry at once writes the same bytes. A damaged or unreadable entry is made again; a cache
that cannot be written only costs time.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from civicpress import images
from civicpress.images import ImageInfo, Variant, variant_path
from civicpress.model import OutputFile

# publish_image's signature: (path, data, source, widths, max_width) -> (info, files)
Publish = Callable[[str, bytes, str, tuple[int, ...], "int | None"], tuple[ImageInfo, list[OutputFile]]]
STAMPS = "stamps.json"


def _code_salt() -> str:
    """What changes the bytes of every entry: the code and the libraries that encode."""
    hasher = hashlib.blake2b(digest_size=8)
    for code in (inspect.getfile(images), __file__):
        hasher.update(Path(code).read_bytes())
    for name in ("pillow", "pillow-heif"):
        try:
            hasher.update(f"{name}={metadata.version(name)}\0".encode())
        except metadata.PackageNotFoundError:
            hasher.update(f"{name}=-\0".encode())
    settings = (images.JPEG_QUALITY, images.WEBP_QUALITY)
    hasher.update(repr(settings).encode())
    return hasher.hexdigest()


class ImageCache:
    """``images.publish_image`` with memory on disk: an image already published is read back, not encoded.

    ``read=False`` (a build asked to make everything anew) encodes every image and writes the
    entries; ``write=False`` (``check``, which writes no file) only reads them. ``publish`` is the
    function that does the work (a test may count its calls).
    """

    def __init__(self, folder: Path, read: bool = True, publish: Publish | None = None, write: bool = True) -> None:
        self.folder = folder
        self.read = read
        self.write = write
        self._publish: Publish = publish or images.publish_image
        self._salt = _code_salt()
        self._stamps = self._read_stamps() if read else {}
        self._seen: dict[str, tuple[int, int, str]] = {}
        self.encoded = 0  # images published anew by this cache object (not read back)

    def publish_file(
        self, path: str, file: Path, source: str, widths: tuple[int, ...], max_width: int | None
    ) -> tuple[ImageInfo, list[OutputFile]]:
        """The image of ``file`` published at ``path`` (``images.publish_image``), from the cache when it can be."""
        stat = file.stat()
        stamp = (stat.st_size, stat.st_mtime_ns)
        known = self._stamps.get(source)
        if known is not None and known[:2] == stamp:
            digest = known[2]
            found = self._load(self._entry(digest, widths, max_width), path)
            if found is not None:
                self._seen[source] = known
                return found
        data = file.read_bytes()
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        self._seen[source] = (*stamp, digest)
        entry = self._entry(digest, widths, max_width)
        found = self._load(entry, path) if self.read else None
        if found is not None:
            return found
        info, files = self._publish(path, data, source, widths, max_width)
        self.encoded += 1
        if self.write:
            self._store(entry, info, files)
        return info, files

    def info_file(
        self, path: str, file: Path, source: str, widths: tuple[int, ...], max_width: int | None
    ) -> ImageInfo | None:
        """What the pages need of the image of ``file`` (its size, its copies), from the header of its
        entry alone, when the file is unchanged since it was published; else None.

        An incremental build that keeps the published files needs no more: the bytes are not read.
        """
        stat = file.stat()
        known = self._stamps.get(source)
        if not self.read or known is None or known[:2] != (stat.st_size, stat.st_mtime_ns):
            return None
        header = self._header(self._entry(known[2], widths, max_width))
        if header is None:
            return None
        self._seen[source] = known
        width, height, variants, _ = header
        return _info(path, width, height, variants)

    def save(self) -> None:
        """Write the index of the source files seen by this build (those no longer there are forgotten)."""
        if not self.write or not self._seen or self._seen == self._stamps:
            return
        path = self.folder / STAMPS
        text = json.dumps({k: list(v) for k, v in sorted(self._seen.items())}, ensure_ascii=False)
        _write_atomically(path, text.encode("utf-8"))

    def _read_stamps(self) -> dict[str, tuple[int, int, str]]:
        try:
            raw = json.loads((self.folder / STAMPS).read_bytes())
            return {str(k): (int(v[0]), int(v[1]), str(v[2])) for k, v in raw.items()}
        except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError):
            return {}

    def _entry(self, digest: str, widths: tuple[int, ...], max_width: int | None) -> Path:
        settings = f"{self._salt}\0{digest}\0{','.join(map(str, widths))}\0{max_width}"
        key = hashlib.blake2b(settings.encode(), digest_size=16).hexdigest()
        return self.folder / key[:2] / f"{key[2:]}.img"

    def _header(self, entry: Path) -> tuple[int, int, list[tuple[int, int]], list[int]] | None:
        """(width, height, the copies' (width, height), the files' sizes) of ``entry``; None when it is not whole."""
        try:
            with open(entry, "rb") as kept:
                line = kept.readline()
                total = os.fstat(kept.fileno()).st_size
            header = json.loads(line)
            sizes = [int(n) for n in header["sizes"]]
            variants = [(int(w), int(h)) for w, h in header["variants"]]
            width, height = int(header["width"]), int(header["height"])
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not line.endswith(b"\n") or len(sizes) != len(variants) + 1 or len(line) + sum(sizes) != total:
            return None
        return width, height, variants, sizes

    def _load(self, entry: Path, path: str) -> tuple[ImageInfo, list[OutputFile]] | None:
        """The published image kept in ``entry``, named for ``path``; None when there is none (or it is damaged)."""
        header = self._header(entry)
        if header is None:
            return None
        try:
            raw = entry.read_bytes()
        except OSError:
            return None
        width, height, variants, sizes = header
        at = total = len(raw) - sum(sizes)
        if total <= 0:
            return None
        info = _info(path, width, height, variants)
        files = []
        for name, size in zip([path, *(v.path for v in info.variants)], sizes, strict=True):
            files.append(OutputFile(name, raw[at : at + size]))
            at += size
        return info, files

    def _store(self, entry: Path, info: ImageInfo, files: list[OutputFile]) -> None:
        header = {
            "width": info.width,
            "height": info.height,
            "variants": [[v.width, v.height] for v in info.variants],
            "sizes": [len(f.data) for f in files],
        }
        _write_atomically(entry, json.dumps(header).encode() + b"\n" + b"".join(f.data for f in files))


def _info(path: str, width: int, height: int, variants: list[tuple[int, int]]) -> ImageInfo:
    """The image published at ``path``: its copies are named after it (``variant_path``)."""
    return ImageInfo(path, width, height, tuple(Variant(variant_path(path, w), w, h) for w, h in variants))


def _write_atomically(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(temporary, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError:
        pass  # a cache that cannot be written only costs time
