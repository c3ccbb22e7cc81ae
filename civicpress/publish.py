"""All writes to the output folder, and the one step that decides which site is live.

Every build makes a complete new tree beside the output folder (``.output.staging``) and
nothing touches the live output before the commit, so a failed build leaves it byte for byte as
it was. A full build writes every file into the tree (:class:`Staging`); an incremental build
(:class:`Patch`) writes the files whose bytes changed and hard-links the others from the live
output (copies them where the file system refuses links). The commit then makes the new tree
live in one step (:func:`swap_in`), because a web server may be serving the folder meanwhile:

- Linux: ``renameat2(RENAME_EXCHANGE)`` exchanges the two folders at once;
- an output folder that is a symbolic link: the new tree goes to the slot it does not point to
  (``.output.site-1`` or ``-2``) and a new link replaces the old one in one rename;
- elsewhere (Windows, macOS, file systems without the exchange): two renames, output →
  ``.output.old`` then the new tree → output. Between the two there is no output folder; a
  build killed there leaves ``.output.old`` complete, and the next start renames it back.

The old tree is then removed (a big one by a process of its own, which the build does not wait
for). Whatever a killed build left beside the output folder is removed (or, for ``.output.old``,
restored) by :func:`recover` at the next start.

Linking costs about 0.4 s at 10,000 pages, mostly for the folders: a build links on a thread
while Pagefind indexes (``start_linking``), and ``serve`` links the next build's tree between
saves (:func:`make_ready`), so that a save waits only for the files it changed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from civicpress.errors import Finding, Location, SiteError
from civicpress.rebuild.state import LINK_SLOTS, SIDE_LABELS, bytes_digest, side_path
from civicpress.sitefolder import CONFIG_FILE, INPUT_FOLDERS

if TYPE_CHECKING:
    from civicpress.model import OutputFile

log = logging.getLogger(__name__)

STAGING, INDEX, OLD, TRASH, LINK, NEXT = SIDE_LABELS  # the folders beside the output folder, by role
# A replaced site of more files than this is removed by a process of its own, as ``git gc --auto``
# works: removing 30,000 files and 10,000 folders takes a second the editor need not wait for.
REMOVE_LATER_FILES = 5000
DELETING = "deleting"  # ``.output.deleting-<token>``: a replaced site being removed in the background


@dataclass(frozen=True)
class PublishReport:
    files: int
    bytes: int


class PublishFailed(SiteError):
    """The new tree was complete but could not be made live; the output folder is as it was."""


Prepare = Callable[[Path, PublishReport], None]  # called with the complete new tree, just before the swap


class Staging:
    """A build's output in the making, as a complete tree. ``commit`` makes it live; ``abort`` throws it away."""

    def __init__(self, out_dir: Path, label: str = STAGING) -> None:
        self.out_dir = out_dir
        self.path = side_path(out_dir, label)
        self._written: dict[str, int] = {}
        self._carried: list[str] = []
        self._bytes = 0
        self.replaced: Path | None = None  # the old output, after a commit that did not discard it
        self._linking: threading.Thread | None = None
        self._linked: set[str] = set()  # linked by that thread
        self._link_error: list[OSError] = []
        remove(self.path)  # from a build that was killed
        self.path.mkdir(parents=True)

    def write(self, file: OutputFile) -> None:
        self.register(file.path, len(file.data), self.stage_bytes(file.path, file.data, bytes_digest(file.data)))

    def stage_bytes(self, path: str, data: bytes, digest: str) -> bool:
        """Put the bytes of ``path`` in the new tree, if they need writing; True if they were.

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

    def carry(self, path: str) -> None:
        """A file of the live output that the new tree has as it is, not counted (the search bundle: Pagefind's)."""
        self._carried.append(_safe_relative(path))

    def source_of(self, path: str) -> Path:
        """Where the file at ``path`` of the new output is now (before the commit)."""
        return self.path / _safe_relative(path)

    def stage_folder(self, path: str) -> Path:
        """A folder of the new tree for another program to fill (the search bundle)."""
        return self.path / _safe_relative(path)

    def report(self) -> PublishReport:
        return PublishReport(len(self._written), self._bytes)

    def unchanged(self) -> Iterable[str]:
        """The files of the new tree that are those of the live output."""
        return self._carried

    def start_linking(self) -> None:
        """Link the unchanged files known so far on a thread, while Pagefind indexes: a core is idle then.

        ``commit`` waits for it and links the rest.
        """
        paths = list(self.unchanged())
        self._linked = set(paths)

        def link() -> None:
            try:
                link_tree(self.out_dir, self.path, paths)
            except OSError as exc:
                self._link_error.append(exc)

        self._linking = threading.Thread(target=link, name="civicpress-link", daemon=True)
        self._linking.start()

    def _finish_linking(self) -> None:
        if self._linking is not None:
            self._linking.join()
            self._linking = None
        if self._link_error:
            raise self._link_error[0]
        link_tree(self.out_dir, self.path, (rel for rel in self.unchanged() if rel not in self._linked))

    def commit(self, prepare: Prepare | None = None, discard: bool = True) -> PublishReport:
        """Complete the new tree, call ``prepare`` on it, and make it live in one step.

        The old output is then removed, or with ``discard`` False left in ``replaced`` for the
        caller to remove later (``serve`` does so after the browser reloaded). Raises
        PublishFailed, with the output folder as it was, when the file system refuses.
        """
        try:
            self._finish_linking()
        except FileNotFoundError as exc:
            self.abort()
            raise _changed_meanwhile(self.out_dir, exc) from exc
        except OSError as exc:  # a full disk, a file that cannot be read
            self.abort()
            raise _publish_failed(self.out_dir, exc) from exc
        try:
            if prepare is not None:
                prepare(self.path, self.report())
            old = swap_in(self.path, self.out_dir)
        except OSError as exc:
            self.abort()
            raise _publish_failed(self.out_dir, exc) from exc
        if old is not None:
            self.replaced = _to_trash(old, self.out_dir)
            if discard:
                self.discard()
        return self.report()

    def discard(self) -> None:
        """Remove the output this commit replaced (a big one in the background)."""
        old, self.replaced = self.replaced, None
        if old is None:
            return
        try:
            if len(self._written) + len(self._carried) > REMOVE_LATER_FILES:
                remove_later(old, self.out_dir)
            else:
                remove(old)
        except OSError as exc:  # the site is published; the next build removes it (recover)
            log.warning("无法删除替换下来的旧网站 %s：%s", old, exc)

    def replaced_as_ready(self) -> None:
        """``serve``: keep the output this commit replaced as ``.output.next``, for ``make_ready`` to update."""
        old, self.replaced = self.replaced, None
        if old is None:
            return
        ready = side_path(self.out_dir, NEXT)
        if os.path.lexists(ready):
            remove_later(ready, self.out_dir)
        os.replace(old, ready)

    def abort(self) -> None:
        if self._linking is not None:
            self._linking.join()
            self._linking = None
        remove(self.path)


class Patch(Staging):
    """An incremental build: the files whose bytes changed are written, the others linked from the live output.

    ``previous`` maps each file the last build wrote to the hash of its bytes. A file written
    with the same bytes, or ``keep``-ed (not made again because its inputs did not change), is
    linked at the commit; the others are written now. Files of the live output that this build
    neither makes, keeps nor carries are not in the new tree.
    """

    def __init__(self, out_dir: Path, previous: Mapping[str, str], label: str = STAGING,
                 ready: frozenset[str] = frozenset()) -> None:
        """``ready``: the files of a copy of the live tree made beforehand (``make_ready``), to start from."""
        super().__init__(out_dir, label)
        self._previous = previous
        self._changed: list[str] = []
        self._changed_set: set[str] = set()
        self._ready = ready
        self._folders: list[str] = []
        if ready:
            os.rmdir(self.path)
            os.replace(side_path(out_dir, NEXT), self.path)

    def source_of(self, path: str) -> Path:
        rel = _safe_relative(path)
        return self.path / rel if rel in self._changed_set else self.out_dir / rel

    def stage_bytes(self, path: str, data: bytes, digest: str) -> bool:
        rel = _safe_relative(path)
        if self._previous.get(rel) == digest and (self.out_dir / rel).is_file():
            return False  # the same bytes are live: linked at the commit
        if rel in self._ready:  # a link to the live file: writing into it would change the live site
            os.unlink(self.path / rel)
        return super().stage_bytes(rel, data, digest)

    def stage_folder(self, path: str) -> Path:
        self._folders.append(_safe_relative(path))
        return super().stage_folder(path)

    def register(self, path: str, size: int, staged: bool) -> None:
        rel = self._register(path, size)
        if staged:
            self._changed.append(rel)
            self._changed_set.add(rel)

    def keep(self, path: str, size: int) -> None:
        self._register(path, size)

    def carry_all(self, but: str) -> None:
        """Carry every file of the live output except those in the folder ``but`` (``build.py print``)."""
        root = str(self.out_dir)
        for folder, folders, files in os.walk(root):
            rel = os.path.relpath(folder, root).replace(os.sep, "/")
            if rel == but:
                folders.clear()
                continue
            prefix = "" if rel == "." else rel + "/"
            self._carried.extend(prefix + name for name in sorted(files))

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(self._changed)

    def unchanged(self) -> Iterable[str]:
        ready = self._ready
        yield from (rel for rel in self._written if rel not in self._changed_set and rel not in ready)
        yield from (rel for rel in self._carried if rel not in ready)

    def commit(self, prepare: Prepare | None = None, discard: bool = True) -> PublishReport:
        if self._ready:
            self._drop_unmade()
        return super().commit(prepare, discard)

    def _drop_unmade(self) -> None:
        """Started from a copy of the live tree: remove its files that this build neither made, kept nor carried."""
        wanted = {*self._written, *self._carried}
        folders = tuple(f"{folder}/" for folder in self._folders)  # made anew, whole
        for rel in sorted(self._ready - wanted, reverse=True):
            if rel.startswith(folders):
                continue
            target = self.path / rel
            target.unlink(missing_ok=True)
            _prune(self.path, target.parent)


def make_ready(out_dir: Path, files: Iterable[str]) -> frozenset[str]:
    """``serve``, between saves: a copy of the live tree (hard links) for the next build to start from.

    The next build then writes only its changed files: no folder to make for every page while
    the editor waits. A tree already at ``.output.next`` (the one the last commit replaced:
    ``replaced_as_ready``) is brought up to date, which is cheaper than linking a new one. The
    caller must make sure the live output does not change meanwhile.
    """
    ready = side_path(out_dir, NEXT)
    paths = list(files)
    if ready.is_dir():
        link_tree(out_dir, ready, _out_of_date(ready, out_dir, paths))
    else:
        ready.mkdir(parents=True)
        link_tree(out_dir, ready, paths)
    return frozenset(paths)


def _out_of_date(ready: Path, live: Path, paths: list[str]) -> list[str]:
    """Remove from ``ready`` the files not in ``paths`` and those that are not the live ones; what to link."""
    wanted = set(paths)
    root = str(ready)
    for folder, _, names in os.walk(root, topdown=False):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        for name in names:
            if prefix + name not in wanted:
                os.unlink(os.path.join(folder, name))
        if rel != ".":
            with contextlib.suppress(OSError):  # not empty
                os.rmdir(folder)
    missing = []
    for rel in paths:
        target = f"{root}/{rel}"
        try:
            if os.lstat(target).st_ino == os.lstat(live / rel).st_ino:
                continue  # the live file itself
            os.unlink(target)
        except FileNotFoundError:
            pass
        missing.append(rel)
    return missing


def discard_ready(out_dir: Path) -> None:
    """Remove the copy ``make_ready`` made, if any, without waiting for it."""
    ready = side_path(out_dir, NEXT)
    if ready.is_dir():
        remove_later(ready, out_dir)


def _prune(root: Path, folder: Path) -> None:
    """Remove ``folder`` and its parents up to ``root`` while they are empty."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


def link_tree(source: Path, target: Path, paths: Iterable[str]) -> None:
    """Hard-link each of ``paths`` from the folder ``source`` into ``target`` (copy where links are refused)."""
    made = {""}
    linking = True  # a file system without hard links (FAT) refuses them all: stop trying
    for rel in paths:
        parent = rel.rpartition("/")[0]
        if parent not in made:
            os.makedirs(target / parent, exist_ok=True)
            made.add(parent)
        if linking:
            try:
                os.link(source / rel, target / rel)
                continue
            except FileNotFoundError:
                raise
            except OSError:
                linking = False
        shutil.copy2(source / rel, target / rel)


# ---------------------------------------------------------------- the one step


def swap_in(tree: Path, out_dir: Path) -> Path | None:
    """Make the folder ``tree`` the output folder; where the old output now is (None: there was none).

    Only the last rename or exchange changes which site is live; see the module's docstring.
    """
    if out_dir.is_symlink():
        return _switch_link(tree, out_dir)
    if not out_dir.exists():
        os.replace(tree, out_dir)
        return None
    if exchange(tree, out_dir):
        return tree  # the old output is where the new tree was
    old = side_path(out_dir, OLD)
    os.replace(out_dir, old)  # from here until the next rename there is no output folder (recover)
    try:
        os.replace(tree, out_dir)
    except OSError:
        os.replace(old, out_dir)
        raise
    return old


def _switch_link(tree: Path, link: Path) -> Path | None:
    """The output folder is a symbolic link: point it to ``tree``, moved to a free slot; the old slot (if ours)."""
    live = os.path.realpath(link)
    slots = [side_path(link, name) for name in LINK_SLOTS]
    slot = next(s for s in slots if os.path.realpath(s) != live)
    remove(slot)
    os.replace(tree, slot)
    temporary = side_path(link, LINK)
    remove(temporary)
    os.symlink(slot.name, temporary, target_is_directory=True)
    os.replace(temporary, link)
    ours = [s for s in slots if os.path.realpath(s) == live]
    return ours[0] if ours else None  # a folder the link pointed to before civicpress did is left alone


RENAME_EXCHANGE = 2  # linux/fs.h
AT_FDCWD = -100
_UNSUPPORTED = (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV)


def exchange(first: Path, second: Path) -> bool:
    """Exchange two paths atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False where unsupported.

    The kernel or the file system may lack it (ENOSYS, EINVAL: old kernels, some network file
    systems); the caller then falls back to two renames.
    """
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSUPPORTED:
        log.debug("renameat2 unsupported here (%s): two renames", errno.errorcode.get(code, code))
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2 (glibc 2.28+), looked up once; None on other systems."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


# ---------------------------------------------------------------- what a killed build left


def recover(out_dir: Path) -> None:
    """Before a build: undo or finish what a build killed while publishing left beside the output folder.

    ``.output.old`` with no output folder: killed between the two renames; the old site comes
    back (it was renamed whole, so it is complete). Everything else there is removed; a big
    replaced site whose background removal was stopped is handed to a new remover.
    """
    old = side_path(out_dir, OLD)
    if old.is_dir() and not os.path.lexists(out_dir):
        os.replace(old, out_dir)
        log.warning("上次生成在替换输出文件夹时中断，已恢复原来的 %s", out_dir)
    for label in SIDE_LABELS:
        remove(side_path(out_dir, label))
    live = os.path.realpath(out_dir)
    for name in LINK_SLOTS:
        slot = side_path(out_dir, name)
        if os.path.lexists(slot) and os.path.realpath(slot) != live:
            remove(slot)
    for path in _pending_removals(out_dir):  # its remover was stopped (or still runs: two do no harm)
        _spawn_remover(path)


def _pending_removals(out_dir: Path) -> list[Path]:
    prefix = side_path(out_dir, DELETING).name + "-"
    try:
        with os.scandir(out_dir.parent) as entries:
            return [Path(entry.path) for entry in entries if entry.name.startswith(prefix)]
    except FileNotFoundError:
        return []


def remove_later(path: Path, out_dir: Path) -> None:
    """Rename ``path`` out of the way and remove it in a process of its own, which the build does not wait for."""
    pending = side_path(out_dir, f"{DELETING}-{secrets.token_hex(4)}")
    os.replace(path, pending)
    _spawn_remover(pending)


def _spawn_remover(path: Path) -> None:
    code = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
    detached = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
    try:
        subprocess.Popen(
            [sys.executable, "-c", code, str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=not detached, creationflags=detached, close_fds=True,
        )
    except OSError:
        shutil.rmtree(path, ignore_errors=True)


def remove(path: Path) -> None:
    """Remove the folder, file or link at ``path``, if there is one."""
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.is_dir():
        shutil.rmtree(path)


def _to_trash(old: Path, out_dir: Path) -> Path:
    """Move the replaced output to ``.output.trash``: ``.output.old`` must only ever name a complete site."""
    trash = side_path(out_dir, TRASH)
    try:
        if os.path.lexists(trash):  # serve: an older replaced tree not yet removed
            remove_later(trash, out_dir)
        os.replace(old, trash)
    except OSError:
        return old  # removed where it is: the output folder is live, so recover never restores it
    return trash


def _publish_failed(out_dir: Path, exc: OSError) -> PublishFailed:
    return PublishFailed(
        Finding(
            "publish-failed",
            f"无法替换输出文件夹 {out_dir}：{exc.strerror or exc}。网站已生成，但输出文件夹保持上一次的样子",
            Location(str(out_dir)),
            "请关闭正在使用其中文件的程序（资源管理器窗口、网站服务器、杀毒软件扫描），然后重新生成。",
        )
    )


def _changed_meanwhile(out_dir: Path, exc: FileNotFoundError) -> PublishFailed:
    return PublishFailed(
        Finding(
            "publish-failed",
            f"生成过程中输出文件夹 {out_dir} 中的文件被删除或移动了：{exc.filename}。输出文件夹保持上一次的样子",
            Location(str(out_dir)),
            "请不要在生成时修改输出文件夹，重新生成即可。",
        )
    )


def check_out_dir(out_dir: Path, site_dir: Path) -> None:
    """Refuse an output folder that would replace the site's own files."""
    out, site = out_dir.resolve(), site_dir.resolve()
    own_folders = [site / name for name in INPUT_FOLDERS]
    inside_site_files = any(out == f or f in out.parents for f in own_folders)
    if out == site or out in site.parents or inside_site_files or (out / CONFIG_FILE).exists():
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
