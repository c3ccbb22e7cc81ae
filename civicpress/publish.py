"""All writes to the output folder.

Files stream into a staging folder beside the output folder (:class:`Staging`); only when the
whole build has succeeded does the pipeline swap it in. A failed build therefore leaves the previous
output byte for byte as it was, and files of deleted pages disappear with the old folder.
"""

from __future__ import annotations

import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from civicpress.errors import Finding, Location, SiteError
from civicpress.model import OutputFile

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class PublishReport:
    files: int
    bytes: int


class Staging:
    """A build's output in the making. ``commit`` swaps it in; ``abort`` throws it away."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self.path = out_dir.parent / f".{out_dir.name}.staging"
        self._old = out_dir.parent / f".{out_dir.name}.old"
        self._written: dict[str, int] = {}
        self._bytes = 0
        for leftover in (self.path, self._old):  # from a build that was killed
            if leftover.exists():
                shutil.rmtree(leftover)
        self.path.mkdir(parents=True)

    def write(self, file: OutputFile) -> None:
        rel = _safe_relative(file.path)
        if rel in self._written:
            raise SiteError.single(
                "duplicate-output",
                f"两个输出文件写到了同一个位置：{rel}",
                None,
                "可能是文章网址与图片或其他页面重名，请修改其中一个的 slug 或文件名。",
            )
        target = self.path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
        self._written[rel] = len(file.data)
        self._bytes += len(file.data)

    def commit(self) -> PublishReport:
        """Swap the staging folder in place of the output folder."""
        if self.out_dir.exists():
            os.replace(self.out_dir, self._old)
        os.replace(self.path, self.out_dir)
        if self._old.exists():
            shutil.rmtree(self._old, ignore_errors=True)
        return PublishReport(len(self._written), self._bytes)

    def abort(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def check_out_dir(out_dir: Path, site_dir: Path) -> None:
    """Refuse an output folder that would replace the site's own files."""
    out, site = out_dir.resolve(), site_dir.resolve()
    own_folders = [site / name for name in ("content", "templates", "static")]
    inside_site_files = any(out == f or f in out.parents for f in own_folders)
    if out == site or out in site.parents or inside_site_files or (out / "site_config.yaml").exists():
        raise SiteError(
            Finding(
                "bad-out-dir",
                f"输出文件夹 {out_dir} 不能是网站文件夹、其上级文件夹，"
                "也不能在 content、templates、static 之内（构建会替换整个输出文件夹）",
                Location(str(out_dir)),
                "请使用单独的输出文件夹，如默认的 output/。",
            )
        )


def _safe_relative(path: str) -> str:
    """A normalised relative POSIX path that stays inside the output folder."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise ValueError(f"unsafe output path: {path!r}")  # a writer bug, not an editor's mistake
    return pure.as_posix()
