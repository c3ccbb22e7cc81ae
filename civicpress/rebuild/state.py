"""What the previous build made, kept in ``.civicpress-cache/`` so the next build can skip work.

Two files per output folder and edition:

- the *manifest* (small): a fingerprint of every input file's name, size and modification
  time, the time window in which no page's publish or expiry date falls, and the previous
  result. When nothing changed, a build reads only this file and one directory listing per
  folder, and stops (:func:`unchanged_result`);
- the *outputs* (large): for every output file, the key of the inputs it was made from, the
  hash of its bytes, what each check read in it (the links and ids the link check saw…), and
  the warnings found while rendering it. A build renders only the outputs whose key changed, writes only the files
  whose bytes changed, and takes the rest from here.

Both are JSON: the cache sits in the site folder, where a pickle could run code. A damaged,
foreign or outdated cache is ignored: the build then does everything, as on a fresh clone.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from civicpress import __version__
from civicpress.environment import font_stamp, installed_stamp
from civicpress.errors import Finding
from civicpress.sitefolder import CACHE_DIR, CONFIG_FILE, INPUT_FOLDERS

log = logging.getLogger(__name__)

FORMAT = f"civicpress {__version__} state 2"  # a new version or format ignores older caches
MATERIALS_PREFIX = b"content/materials/"  # input_stats lines of the exchange materials
PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the theme and the code: a developer's edit counts


@dataclass(frozen=True)
class OutputRecord:
    """One output file as the previous build left it."""

    key: str  # hash of what it was made from; "" for files regenerated every build
    digest: str  # hash of its bytes
    size: int
    indexed: bool = False  # read by the search index (carries data-pagefind-body)
    problems: tuple[Finding, ...] = ()  # warnings found while making it, reported again when reused
    reads: tuple[str, ...] = ()  # other pages whose text it shows (their sources)
    # What each check (civicpress.checks) read in it, by the check's name, as the check's JSON:
    # a file kept from the previous build is judged again with the others without being read.
    checks: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Manifest:
    inputs: str  # input_fingerprint() of the build
    window: tuple[float, float]  # [from, until): "now" inside it publishes the same pages
    out_stamp: str  # out_stamp() of the output folder the build left
    pages: int
    files: int
    bytes: int
    warnings: tuple[Finding, ...] = ()
    index: str = ""  # digest of the pages the search index was made from ("" = none)


@dataclass
class BuildState:
    """The cache of one output folder and edition: its manifest and its output records."""

    manifest: Manifest | None = None
    outputs: dict[str, OutputRecord] = field(default_factory=dict)
    extra: tuple[str, ...] = ()  # files written by another program (the search bundle)


def input_fingerprint(site_dir: Path, options: Iterable[object], lines: list[bytes] | None = None) -> str:
    """A hash of every input file's path, size and modification time, of the options, and of
    what the build runs with (the installed libraries and Pagefind; the fonts, on a site that prints).

    Stat only, no reading (but one ``fc-list`` on a site that prints): this is the whole cost
    of a build in which nothing changed.
    """
    lines = input_stats(site_dir) if lines is None else lines
    hasher = hashlib.blake2b(digest_size=20)
    hasher.update(repr((FORMAT, *options)).encode())
    for entry_line in lines:
        hasher.update(entry_line)
    hasher.update(installed_stamp().encode())
    if prints(site_dir, lines):
        hasher.update(font_stamp().encode())
    return hasher.hexdigest()


def prints(site_dir: Path, lines: list[bytes]) -> bool:
    """Does the site make exchange materials (whose PDFs depend on the installed fonts)?

    A material in content/materials/, or a booklet in the settings; a mere mention of the word
    counts too: the cost of a wrong "yes" is one ``fc-list``, of a wrong "no" a stale PDF.
    """
    if any(line.startswith(MATERIALS_PREFIX) for line in lines):
        return True
    try:
        return b"booklet" in (site_dir / CONFIG_FILE).read_bytes()
    except OSError:
        return False


def input_stats(site_dir: Path) -> list[bytes]:
    """The stat line of every input file: content/, templates/, static/, the code, site_config.yaml."""
    lines: list[bytes] = []
    for root, label in [*((site_dir / name, name) for name in INPUT_FOLDERS), (PACKAGE_DIR, "<civicpress>")]:
        lines.extend(stat_lines(root, label))
    lines.append(config_line(site_dir))
    return lines


def tree_stats(root: Path, label: str, skip: frozenset[str] = frozenset()) -> bytes:
    """The stat lines of every file under ``root`` but the ``skip`` paths (``label/...``)."""
    return b"".join(line for line in stat_lines(root, label) if line.split(b"\0", 1)[0].decode() not in skip)


def config_line(site_dir: Path) -> bytes:
    config = site_dir / CONFIG_FILE
    return _stat_line(config, CONFIG_FILE) if config.exists() else b"-"


def stat_lines(root: Path, label: str) -> Iterable[bytes]:
    if not root.is_dir():
        yield f"{label} -\n".encode()
        return
    stack = [(str(root), label)]
    while stack:
        folder, rel = stack.pop()
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                if entry.name == CACHE_DIR or entry.name == "__pycache__":
                    continue
                path = f"{rel}/{entry.name}"
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, path))
                    continue
                info = entry.stat(follow_symlinks=False)
                yield f"{path}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_mode}\n".encode()


def _stat_line(path: Path, rel: str) -> bytes:
    info = path.stat()
    return f"{rel}\0{info.st_size}\0{info.st_mtime_ns}\n".encode()


def out_stamp(out_dir: Path) -> str:
    """A hash of the output folder's files (names, sizes, times): a file changed or deleted by hand changes it."""
    if not out_dir.is_dir():
        return "-"
    hasher = hashlib.blake2b(digest_size=20)
    for line in stat_lines(out_dir, "."):
        hasher.update(line)
    return hasher.hexdigest()


# The folders publish.py makes beside the output folder, as ``.output.<label>``: the new tree being
# made (``staging``; ``index`` for serve's search index), the old output between two renames
# (``old``), the replaced output being removed (``trash``), a new symbolic link (``link``), serve's
# copy of the live tree made ready for its next build (``next``). Found at the start of a build,
# one means a build was cut short while publishing (or a preview stopped).
SIDE_LABELS = ("staging", "index", "old", "trash", "link", "next")
LINK_SLOTS = ("site-1", "site-2")  # the trees a symbolically linked output folder points to, in turn


def side_path(out_dir: Path, label: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{label}"


def publish_interrupted(out_dir: Path) -> bool:
    """Whether a build was cut short while publishing: then the pipeline runs, and cleans up (publish.recover)."""
    if any(os.path.lexists(side_path(out_dir, label)) for label in SIDE_LABELS):
        return True
    live = os.path.realpath(out_dir)
    slots = (side_path(out_dir, name) for name in LINK_SLOTS)
    return any(os.path.lexists(slot) and os.path.realpath(slot) != live for slot in slots)


def folder_key(out_dir: Path) -> str:
    """The output folder's absolute path, its parents resolved but not itself: an output folder that
    is a symbolic link stays the same folder when a build switches it to a new tree."""
    absolute = Path(os.path.abspath(out_dir))
    return (absolute.parent.resolve() / absolute.name).as_posix()


def state_files(site_dir: Path, out_dir: Path, edition: str) -> tuple[Path, Path]:
    """(manifest, outputs) of one output folder and edition, inside the site's cache folder."""
    name = hashlib.blake2b(f"{folder_key(out_dir)}\0{edition}".encode(), digest_size=8).hexdigest()
    folder = site_dir / CACHE_DIR
    return folder / f"build-{name}.json", folder / f"outputs-{name}.json"


def read_manifest(path: Path) -> Manifest | None:
    raw = _read_json(path)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        return None
    try:
        return Manifest(
            inputs=str(raw["inputs"]),
            window=(float(raw["window"][0]), float(raw["window"][1])),
            out_stamp=str(raw["out_stamp"]),
            pages=int(raw["pages"]),
            files=int(raw["files"]),
            bytes=int(raw["bytes"]),
            warnings=tuple(Finding.from_json(w) for w in raw["warnings"]),
            index=str(raw.get("index", "")),
        )
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def read_outputs(path: Path) -> tuple[dict[str, OutputRecord], tuple[str, ...]] | None:
    """The output records: a header line, then one JSON line per output file.

    The links of one page mostly repeat those of every other (the navigation): they are
    interned, so 10,000 pages hold one copy of each.
    """
    try:
        with path.open(encoding="utf-8") as lines:
            header = json.loads(next(lines))
            if not isinstance(header, dict) or header.get("format") != FORMAT:
                return None
            outputs = dict(_record(json.loads(line)) for line in lines)
        return outputs, tuple(header["extra"])
    except (OSError, StopIteration, KeyError, TypeError, ValueError, IndexError):
        return None


def _record(item: list[Any]) -> tuple[str, OutputRecord]:
    intern = sys.intern
    return item[0], OutputRecord(
        key=item[1],
        digest=item[2],
        size=int(item[3]),
        indexed=bool(item[4]),
        problems=tuple(Finding.from_json(p) for p in item[5]),
        reads=tuple(map(intern, item[6])),
        checks={str(name): interned(raw) for name, raw in item[7].items()},
    )


def interned(raw: Any) -> Any:
    """JSON values with their strings interned: the links of one page mostly repeat every other's."""
    if isinstance(raw, str):
        return sys.intern(raw)
    if isinstance(raw, (list, tuple)):
        return [interned(item) for item in raw]
    if isinstance(raw, dict):
        return {sys.intern(str(key)): interned(value) for key, value in raw.items()}
    return raw


def read_state(site_dir: Path, out_dir: Path, edition: str) -> BuildState:
    """The previous build's state, or an empty one when there is none usable."""
    manifest_path, outputs_path = state_files(site_dir, out_dir, edition)
    manifest = read_manifest(manifest_path)
    if manifest is None or manifest.out_stamp != out_stamp(out_dir):
        return BuildState()  # no cache, or the output folder is not the one it describes
    loaded = read_outputs(outputs_path)
    if loaded is None:
        return BuildState()
    return BuildState(manifest, loaded[0], loaded[1])


def write_state(site_dir: Path, out_dir: Path, edition: str, state: BuildState) -> None:
    """Save the state of a successful build; a failure to save only costs the next build time."""
    assert state.manifest is not None
    manifest_path, outputs_path = state_files(site_dir, out_dir, edition)
    manifest = state.manifest
    try:
        manifest_path.parent.mkdir(exist_ok=True)
        _ignore_in_git(manifest_path.parent)
        # The outputs first: a manifest is only trusted beside the outputs it was written with.
        manifest_path.unlink(missing_ok=True)
        _write_records(outputs_path, state)
        _write_json(manifest_path, {
            "format": FORMAT,
            "inputs": manifest.inputs,
            "window": list(manifest.window),
            "out_stamp": manifest.out_stamp,
            "pages": manifest.pages,
            "files": manifest.files,
            "bytes": manifest.bytes,
            "warnings": [w.as_json() for w in manifest.warnings],
            "index": manifest.index,
        })
    except OSError as exc:
        log.warning("无法保存构建缓存 %s：%s（下次构建会慢一些）", manifest_path.parent, exc)


def forget_state(site_dir: Path, out_dir: Path, edition: str) -> None:
    """Drop the cache of this output folder: the next build does everything."""
    for path in state_files(site_dir, out_dir, edition):
        path.unlink(missing_ok=True)


def unchanged_result(site_dir: Path, out_dir: Path, edition: str, options: Iterable[object],
                     now: float) -> Manifest | None:
    """The previous build's manifest when nothing it depends on changed since; else None."""
    manifest = read_manifest(state_files(site_dir, out_dir, edition)[0])
    if manifest is None or not manifest.window[0] <= now < manifest.window[1]:
        return None
    if publish_interrupted(out_dir):
        return None
    if manifest.out_stamp != out_stamp(out_dir):
        return None
    if manifest.inputs != input_fingerprint(site_dir, options):
        return None
    return manifest


def bytes_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _ignore_in_git(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# civicpress 的构建缓存，可以随时删除\n*\n", encoding="utf-8")


def _write_records(path: Path, state: BuildState) -> None:
    """One line per output file, written as it goes: no copy of the whole state in memory."""
    temporary = path.with_suffix(".tmp")
    with temporary.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"format": FORMAT, "extra": list(state.extra)}, ensure_ascii=False) + "\n")
        for name, r in sorted(state.outputs.items()):
            item = [name, r.key, r.digest, r.size, r.indexed, [p.as_json() for p in r.problems], r.reads,
                    dict(r.checks)]
            out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
    os.replace(temporary, path)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, value: Any) -> None:
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    os.replace(temporary, path)


def key_of(*parts: object) -> str:
    """A short stable hash of ``parts`` (their ``repr``)."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
