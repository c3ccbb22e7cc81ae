"""Publishing survives SIGKILL at any rename: the output folder is always exactly the old site or the new one.

Each case builds a site (the old site, with its saved state), changes it, then runs the next
build in a subprocess (``tests/killpoint.py``) that kills itself right before a rename of a path
in or beside the output folder or of the saved state; and once right after the last rename. A
first run, not killed, lists the renames: each one that publishes or saves state is a kill point,
while of the renames that move a finished search shard into place inside the folder being made
(alike: nothing live changes, the next build starts that folder anew) one, drawn with the case's
name as seed, is. After each kill the output folder is compared,
file by file, with the old site and the new one (a web server may be serving it at that very
moment); then a normal build must publish the new site, leave nothing beside the output folder,
and have saved a state that the build after trusts (it finds nothing to do).
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sitemaker import NOW, article, make_site

from civicpress.cli import main as cli
from civicpress.pipeline import BuildOptions, build
from civicpress.writers import search

KILLPOINT = Path(__file__).resolve().parent / "killpoint.py"
SHARD_PAGES = 4  # 7 articles: two shards of the search index
MATERIAL = "---\ntitle: 交流材料\ndate: 2022-09-19\n---\n社区有志愿者{{ data.stats.volunteers }}人。\n"

Tree = dict[str, bytes]


@dataclass(frozen=True)
class Case:
    command: tuple[str, ...]  # of killpoint.py, before --site and --out
    no_exchange: bool = False  # renameat2 fails with ENOSYS: two renames
    symlink: bool = False  # the output folder is a symbolic link
    change: str = "articles"  # or "material"


CASES = {
    "incremental": Case(("build",)),
    "full": Case(("build", "--no-cache")),
    "two renames": Case(("build",), no_exchange=True),
    "symlinked output": Case(("build",), symlink=True),
    "serve session": Case(("session",)),
    "print": Case(("print",), change="material"),
}


def tree(folder: Path) -> Tree | None:
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def site_files(with_material: bool) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {
        f"content/news/a{n}.md": article(f"第{n}篇", f"2022-09-{n + 10}", f"社区第{n}件事情。") for n in range(6)
    }
    files["content/news/heat.md"] = article("供暖", "2022-10-01", "老楼供暖改造完成。")
    files["content/_data/stats.yaml"] = "volunteers: 120\n"
    if with_material:
        files["content/materials/jiaoliu.md"] = MATERIAL
    return files


def change(site: Path, what: str) -> None:
    """The edit between the old site and the new one: pages changed, gone and new (or a material)."""
    if what == "material":
        (site / "content/_data/stats.yaml").write_text("volunteers: 135\n", encoding="utf-8")
        return
    edited = article("供暖", "2022-10-01", "老楼供暖改造全部完成。")
    (site / "content/news/heat.md").write_text(edited, encoding="utf-8")
    (site / "content/news/a2.md").unlink()
    (site / "content/news/new.md").write_text(article("新文章", "2022-10-02", "新的一件事情。"), encoding="utf-8")


def leftovers(base: Path, out: Path) -> list[str]:
    """What lies beside the output folder but the tree it links to."""
    live = os.path.realpath(out)
    return sorted(p.name for p in base.iterdir() if p.name.startswith(".out.") and os.path.realpath(p) != live)


@dataclass
class World:
    base: Path  # holds site/, out (and www/ for a symbolic link)
    template: Path  # a copy of base as the old build left it
    old: Tree
    new: Tree
    also: tuple[Tree, ...]  # other complete sites that may be live (serve: new pages, old index)

    @property
    def site(self) -> Path:
        return self.base / "site"

    @property
    def out(self) -> Path:
        return self.base / "out"

    def restore(self) -> None:
        shutil.rmtree(self.base)
        shutil.copytree(self.template, self.base, symlinks=True)  # copy2: times kept, the state still matches


def make_world(tmp_path: Path, case: Case) -> World:
    base = tmp_path / "world"
    site = make_site(base, site_files(case.change == "material"))
    out = base / "out"
    if case.symlink:
        (base / "www").mkdir()
        out.symlink_to("www", target_is_directory=True)
    build(BuildOptions(site_dir=site, out_dir=out, now=NOW))
    old = tree(out)
    assert old is not None and "pagefind/1/pagefind-entry.json" in old
    template = tmp_path / "template"
    shutil.copytree(base, template, symlinks=True)
    change(site, case.change)
    fresh = tmp_path / "fresh"
    build(BuildOptions(site_dir=site, out_dir=fresh, now=NOW, cache=False))
    new = tree(fresh)
    assert new is not None and new != old
    also: tuple[Tree, ...] = ()
    if case.command == ("print",):  # only print/ is made again
        new = {**{p: b for p, b in old.items() if not p.startswith("print/")},
               **{p: b for p, b in new.items() if p.startswith("print/")}}
    if case.command == ("session",):  # the pages are published first, the index after the reload
        also = ({**{p: b for p, b in new.items() if not p.startswith("pagefind/")},
                 **{p: b for p, b in old.items() if p.startswith("pagefind/")}},)
    shutil.rmtree(base)
    shutil.copytree(template, base, symlinks=True)
    change(site, case.change)
    shutil.rmtree(template)
    shutil.copytree(base, template, symlinks=True)
    return World(base, template, old, new, also)


def run_killed(world: World, case: Case, kill: int, after: bool, tmp_path: Path) -> tuple[int, list[str]]:
    """Run the build, killed at the ``kill``-th rename (0: never); (exit code, paths renamed if it ended)."""
    count = tmp_path / "count"
    count.unlink(missing_ok=True)
    out = world.out
    watched = [str(out), str(world.base / ".out."), str(world.site / ".civicpress-cache" / "build-"),
               str(world.site / ".civicpress-cache" / "outputs-")]
    command = [sys.executable, str(KILLPOINT), "--kill", str(kill), "--shard-pages", str(SHARD_PAGES),
               "--count", str(count), *(f"--watch={w}" for w in watched)]
    command += ["--after"] if after else []
    command += ["--no-exchange"] if case.no_exchange else []
    command += ["--", *case.command, "--site", str(world.site), "--out", str(out)]
    if case.command[0] != "session":
        command.append("--quiet")
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    _, stderr = process.communicate(timeout=120)
    with_children(process.pid)
    if process.returncode == 0:
        return 0, count.read_text(encoding="utf-8").splitlines()
    assert process.returncode == -signal.SIGKILL, stderr.decode(errors="replace")
    return process.returncode, []


def with_children(group: int) -> None:
    """Kill what the killed build left running (a Pagefind process), so that it writes nothing later."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def check_after_kill(world: World, case: Case, label: str) -> None:
    live = tree(world.out)
    if live is None:  # only between the two renames, and then the old site waits complete
        assert case.no_exchange and not case.symlink, f"{label}: no output folder"
        assert tree(world.base / ".out.old") == world.old, f"{label}: .out.old is not the old site"
    else:
        assert live in (world.old, world.new, *world.also), f"{label}: the output folder is a mix"
    if case.symlink:
        assert world.out.is_symlink(), label
    # The next build cleans up and publishes the new site; the state it leaves is trusted.
    again = [*case.command[:1], "--site", str(world.site), "--out", str(world.out), "--quiet"]
    assert cli(["build" if again[0] == "session" else again[0], *again[1:]]) == 0, label
    assert tree(world.out) == world.new, f"{label}: the build after the kill did not publish the new site"
    assert leftovers(world.base, world.out) == [], label
    if case.command[0] != "print":
        assert build(BuildOptions(site_dir=world.site, out_dir=world.out, now=NOW)).unchanged, label


def in_the_folder_being_made(renamed: str) -> bool:
    """A finished search shard moved into place (``pagefind/.0.pages/pagefind`` → ``pagefind/0``)."""
    return "/pagefind/." in renamed


def kill_points(world: World, case: Case, name: str, tmp_path: Path) -> Iterator[tuple[int, bool]]:
    """(n, after): before each rename that publishes or saves state and one drawn of the alike
    shard renames, in the order of a run; then right after the last rename."""
    world.restore()
    code, renamed = run_killed(world, case, 0, False, tmp_path)
    assert code == 0 and len(renamed) >= 2
    assert tree(world.out) == world.new
    alike = [n for n, path in enumerate(renamed, 1) if in_the_folder_being_made(path)]
    drawn = set(random.Random(name).sample(alike, min(1, len(alike))))
    for kill in range(1, len(renamed) + 1):
        if kill in alike and kill not in drawn:
            continue
        world.restore()
        code, _ = run_killed(world, case, kill, False, tmp_path)
        assert code == -signal.SIGKILL, f"{name}: the run ended before rename {kill} ({renamed[kill - 1]})"
        yield kill, False
    world.restore()
    run_killed(world, case, len(renamed), True, tmp_path)
    yield len(renamed), True


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_a_kill_at_any_rename_leaves_the_old_or_the_new_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setattr(search, "SHARD_PAGES", SHARD_PAGES)
    case = CASES[name]
    world = make_world(tmp_path, case)
    kills = missing = 0
    for kill, after in kill_points(world, case, name, tmp_path):
        missing += not world.out.exists()
        check_after_kill(world, case, f"{name}: killed {'after' if after else 'before'} rename {kill}")
        kills += 1
    assert kills >= 3
    assert missing == (1 if case.no_exchange else 0)  # the fallback was taken, and only it has that moment
