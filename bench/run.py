#!/usr/bin/env python3
"""Benchmark: build a generated Chinese corpus and report median wall time, CPU and peak memory.

    python bench/run.py --pages 1000 [--runs 5] [--corpus-tool ../shared/bench/make_corpus.py]

The corpus comes from the shared generator (flavor ``civicpress``), wrapped with a
site_config.yaml. Each case runs in a fresh process after one warm-up run; the figures are
medians. The baseline row is a plain loop over the same files (front matter with PyYAML,
Python-Markdown, one Jinja2 template, one file written per page), run in the same command,
so every figure is also given as a ratio against it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOOL = ROOT.parent / "shared" / "bench" / "make_corpus.py"

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


def make_corpus(tool: Path, pages: int, folder: Path, images: bool) -> Path:
    site = folder / f"civicpress-{pages}"
    if not (site / "site_config.yaml").exists():
        command = [sys.executable, str(tool), "--pages", str(pages), "--out", str(site), "--flavor", "civicpress"]
        if not images:
            command.append("--no-images")
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        (site / "site_config.yaml").write_text(SITE_CONFIG, encoding="utf-8")
    return site


def measure(command: list[str], cwd: Path, clean: Path | None) -> tuple[float, float, float]:
    """(wall s, CPU s, peak RSS MB) of one run of ``command`` in a child process."""
    if clean is not None:
        shutil.rmtree(clean, ignore_errors=True)
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([r.returncode, wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024]))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True)
    code, wall, cpu, rss = json.loads(result.stdout.strip().splitlines()[-1])
    if code != 0:
        raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    return wall, cpu, rss


def run_case(name: str, command: list[str], cwd: Path, clean: Path | None, runs: int) -> dict[str, float | str]:
    measure(command, cwd, clean)  # warm-up: file cache, .pyc files
    samples = [measure(command, cwd, clean) for _ in range(runs)]
    return {
        "case": name,
        "wall": statistics.median(s[0] for s in samples),
        "cpu": statistics.median(s[1] for s in samples),
        "rss": max(s[2] for s in samples),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--corpus-tool", type=Path, default=DEFAULT_TOOL)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicpress-bench")
    parser.add_argument("--no-images", action="store_true")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    site = make_corpus(args.corpus_tool, args.pages, args.work, images=not args.no_images)
    out = args.work / f"out-{args.pages}"
    env_python = sys.executable
    cases = [
        ("baseline: plain loop (Markdown + Jinja2)", [env_python, "-c", BASELINE, str(site), str(out)], out),
        ("civicpress build (cold, empty output)", [env_python, str(ROOT / "build.py"), "build", "--site",
                                                   str(site), "--out", str(out), "-q"], out),
        ("civicpress build (output exists)", [env_python, str(ROOT / "build.py"), "build", "--site",
                                              str(site), "--out", str(out), "-q"], None),
    ]
    started = time.perf_counter()
    rows = [run_case(name, command, ROOT, clean, args.runs) for name, command, clean in cases]
    base = float(rows[0]["wall"])
    print(f"\n{args.pages} pages, median of {args.runs} runs after a warm-up ({os.cpu_count()} cores)\n")
    print("| case | wall s | ratio to baseline | CPU s | peak MB |\n|---|---:|---:|---:|---:|")
    for row in rows:
        wall, cpu, rss = float(row["wall"]), float(row["cpu"]), float(row["rss"])
        print(f"| {row['case']} | {wall:.2f} | {wall / base:.2f}× | {cpu:.2f} | {rss:.0f} |")
    print(f"\n(the benchmark took {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
