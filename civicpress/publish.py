"""All writes to the output folder.

A full build streams every file into a staging folder beside the output folder (:class:`Staging`);
only when the whole build has succeeded does the pipeline swap it in. An incremental build
(:class:`Patch`) stages only the files whose bytes changed and, once the build has succeeded,
moves them into place and deletes the files of pages that are gone. Either way a failed build
leaves the previous output byte for byte as it was.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from civicpress.buildstate import bytes_digest
from civicpress.errors import Finding, Location, SiteError
from civicpress.model import OutputFile

log = logging.getLogger(__name__)

@dataclass(frozen=True)
class PublishReport:
    files: int
    bytes: int


class Staging:
    """A build's output in the making. ``commit`` swaps it in; ``abort`` throws it away."""

    def __init__(self, out_dir: Path, label: str = "staging") -> None:
        self.out_dir = out_dir
        self.path = out_dir.parent / f".{out_dir.name}.{label}"
        self._old = out_dir.parent / (f".{out_dir.name}.old" if label == "staging" else f".{out_dir.name}.{label}-old")
        self._written: dict[str, int] = {}
        self._bytes = 0
        for leftover in (self.path, self._old):  # from a build that was killed
            if leftover.exists():
                shutil.rmtree(leftover)
        self.path.mkdir(parents=True)

    def write(self, file: OutputFile) -> None:
        self.register(file.path, len(file.data), self.stage_bytes(file.path, file.data, bytes_digest(file.data)))

    def stage_bytes(self, path: str, data: bytes, digest: str) -> bool:
        """Put the bytes of ``path`` in the staging folder, if they need writing; True if they were.

        Safe in a worker process: it only writes the file. The parent then calls ``register``.
        """
        target = self.path / _safe_relative(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return True

    def register(self, path: str, size: int, staged: bool) -> None:
        """Count a file of this build (written by ``stage_bytes`` here or in a worker, or left as it is)."""
        self._register(path, size)

    def _register(self, path: str, size: int) -> str:
        rel = _safe_relative(path)
        if rel in self._written:
            raise SiteError.single(
                "duplicate-output",
                f"两个输出文件写到了同一个位置：{rel}",
                None,
                "可能是文章网址与图片或其他页面重名，请修改其中一个的 slug 或文件名。",
            )
        self._written[rel] = size
        self._bytes += size
        return rel

    def keep(self, path: str, size: int) -> None:
        raise RuntimeError(f"a full build makes every file, {path} too")  # only a Patch keeps files

    def source_of(self, path: str) -> Path:
        """Where the file at ``path`` of the new output is now (before the commit)."""
        return self.path / _safe_relative(path)

    def stage_folder(self, path: str) -> Path:
        """A folder to fill (another program's output, the search bundle); it replaces ``path`` at the commit."""
        return self.path / _safe_relative(path)

    def drop_folder(self, path: str) -> None:
        """A folder of the previous output that this build does not make (a full build makes a new folder)."""

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


class Patch(Staging):
    """An incremental build's changes to an existing output folder.

    ``previous`` maps each file the last build wrote to the hash of its bytes. A file written
    with the same bytes, or ``keep``-ed (not made again because its inputs did not change), is
    left where it is; the others are staged. ``commit`` moves the staged files into place and
    deletes the previous files this build did not make. Nothing touches the output folder before.
    """

    def __init__(self, out_dir: Path, previous: Mapping[str, str], label: str = "staging") -> None:
        super().__init__(out_dir, label)
        self._previous = previous
        self._changed: list[str] = []
        self._changed_set: set[str] = set()
        self._folders: list[str] = []
        self._dropped: list[str] = []

    def source_of(self, path: str) -> Path:
        rel = _safe_relative(path)
        return self.path / rel if rel in self._changed_set else self.out_dir / rel

    def stage_folder(self, path: str) -> Path:
        rel = _safe_relative(path)
        self._folders.append(rel)
        return self.path / ".folders" / rel

    def drop_folder(self, path: str) -> None:
        self._dropped.append(_safe_relative(path))

    def stage_bytes(self, path: str, data: bytes, digest: str) -> bool:
        rel = _safe_relative(path)
        if self._previous.get(rel) == digest and (self.out_dir / rel).is_file():
            return False  # the same bytes are in place
        return super().stage_bytes(rel, data, digest)

    def register(self, path: str, size: int, staged: bool) -> None:
        rel = self._register(path, size)
        if staged:
            self._changed.append(rel)
            self._changed_set.add(rel)

    def keep(self, path: str, size: int) -> None:
        self._register(path, size)

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(self._changed)

    def commit(self) -> PublishReport:
        for rel in self._changed:
            target = self.out_dir / rel
            _clear_way(self.out_dir, target)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(self.path / rel, target)
        for rel in self._folders:
            self._swap_folder(rel)
        for rel in self._dropped:
            shutil.rmtree(self.out_dir / rel, ignore_errors=True)
        gone = sorted(set(self._previous) - set(self._written), reverse=True)
        for rel in gone:
            target = self.out_dir / rel
            if target.is_file() or target.is_symlink():
                target.unlink()
            _prune(self.out_dir, target.parent)
        shutil.rmtree(self.path, ignore_errors=True)
        log.debug("%d files changed, %d removed", len(self._changed), len(gone))
        return PublishReport(len(self._written), self._bytes)


    def _swap_folder(self, rel: str) -> None:
        staged, target = self.path / ".folders" / rel, self.out_dir / rel
        if not staged.is_dir():
            return
        old = self.out_dir / f".{PurePosixPath(rel).name}.old"
        shutil.rmtree(old, ignore_errors=True)
        _clear_way(self.out_dir, old)
        if target.exists():
            os.replace(target, old)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        shutil.rmtree(old, ignore_errors=True)


def _clear_way(root: Path, target: Path) -> None:
    """Remove what stands where ``target`` goes: a file where a folder must be, or a folder at its place."""
    for parent in reversed(target.relative_to(root).parents[:-1]):
        blocker = root / parent
        if blocker.is_file() or blocker.is_symlink():
            blocker.unlink()
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)


def _prune(root: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


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


_DOTS = re.compile(r"(^|/)\.\.?(/|$)")


def _safe_relative(path: str) -> str:
    """A normalised relative POSIX path that stays inside the output folder."""
    if path and path[0] != "/" and path[-1] != "/" and "\\" not in path and "//" not in path and not _DOTS.search(path):
        return path  # already normal: the common case, without pathlib's cost
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or "\\" in path:
        raise ValueError(f"unsafe output path: {path!r}")  # a writer bug, not an editor's mistake
    return pure.as_posix()
