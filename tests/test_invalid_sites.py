"""Sites with one editor's mistake each (``tests/sites/invalid/<case>/``), and sites that must build.

Each invalid case folder is a complete tiny site plus ``expected.yaml``::

    errors:                       # exactly the error findings of the build
      - code: bad-date            # Finding.code
        path: content/news/a.md   # Location.path
        line: 3                   # Location.line (omitted when the problem has no line)
    warnings: [...]               # optional, same form: exactly the warning findings
    stderr_contains: [...]        # optional: words the printed report must name (a hint, both files)

Every case is built twice: by the real command line in a subprocess (exit code, report, untouched
output folder) and through the Python API (the exact findings). Tests compare codes and locations,
never the wording of messages.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from civicpress.errors import BuildFailed, Finding, SiteError
from civicpress.pipeline import BuildOptions, BuildResult, build


@cache
def repo_root() -> Path:
    """The checkout holding build.py, found from this file so the tests run from any folder."""
    root = Path(__file__).resolve().parent.parent
    assert (root / "build.py").is_file(), f"build.py not found in {root}"
    return root


SITES = repo_root() / "tests" / "sites"
INVALID = SITES / "invalid"
VALID = SITES / "valid"

# A fixed "now" so that what counts as future or expired never depends on the day the tests run.
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)

REQUIRED_CASES = {
    "bad-yaml", "config-bad-yaml", "unknown-config-key", "unknown-front-matter-key", "missing-title",
    "missing-date", "bad-date-chinese", "bad-date-month-13", "duplicate-slug", "broken-link", "missing-image",
    "bad-encoding", "undefined-data", "expression-syntax", "template-syntax", "template-undefined",
    "unknown-section", "front-matter-unclosed", "link-outside-content", "multiple-errors",
}  # fmt: skip
EXPECTED_KEYS = {"errors", "warnings", "stderr_contains"}
FINDING_KEYS = {"code", "path", "line"}

Triple = tuple[str, str, int | None]  # (code, path, line)


# ---------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Expected:
    errors: list[Triple]
    warnings: list[Triple]
    stderr_contains: list[str]


def case_names() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def _triples(entries: list[dict[str, Any]] | None) -> list[Triple]:
    return [(e["code"], e["path"], e.get("line")) for e in entries or []]


def load_expected(case: str) -> Expected:
    raw = yaml.safe_load((INVALID / case / "expected.yaml").read_text(encoding="utf-8"))
    return Expected(_triples(raw.get("errors")), _triples(raw.get("warnings")), raw.get("stderr_contains") or [])


def ordered(triples: list[Triple]) -> list[Triple]:
    # Lines may be None (a folder, a whole file); sort them before line 1 without comparing None to int.
    return sorted(triples, key=lambda t: (t[1], t[2] or 0, t[0]))


def triple(finding: Finding) -> Triple:
    location = finding.location
    return (finding.code, location.path if location else "", location.line if location else None)


def where(t: Triple) -> str:
    """How the report names the place: ``path:line: `` (the trailing ": " so line 3 never matches 31)."""
    _, path, line = t
    return f"{path}:{line}: " if line else f"{path}: "


def run_build(site: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as an editor runs it from the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["SOURCE_DATE_EPOCH"] = str(int(NOW.timestamp()))
    env["PYTHONIOENCODING"] = "utf-8"  # pipes otherwise use the machine's locale encoding
    site_arg = site.relative_to(repo_root()) if site.is_relative_to(repo_root()) else site
    command = [sys.executable, "build.py", "build", "--site", str(site_arg), "--out", str(out), *extra]
    return subprocess.run(
        command, cwd=repo_root(), env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


def fill_sentinel(out: Path) -> None:
    """An output folder from an earlier build, so a failed build has something to destroy."""
    (out / "news" / "old").mkdir(parents=True)
    (out / "index.html").write_bytes("<!doctype html><p>上次成功构建的首页</p>\n".encode())
    (out / "news" / "old" / "index.html").write_bytes(b"\x00sentinel\xff")


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None) for p in sorted(folder.rglob("*"))
    }


def assert_no_traceback(proc: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr


# ---------------------------------------------------------------- the case folders themselves


def test_every_required_case_exists() -> None:
    assert set(case_names()) >= REQUIRED_CASES


@pytest.mark.parametrize("case", case_names())
def test_expected_file_is_well_formed(case: str) -> None:
    # A typo in expected.yaml would silently test nothing.
    raw = yaml.safe_load((INVALID / case / "expected.yaml").read_text(encoding="utf-8"))
    assert set(raw) <= EXPECTED_KEYS
    assert (INVALID / case / "site_config.yaml").is_file()
    for entry in (raw.get("errors") or []) + (raw.get("warnings") or []):
        assert set(entry) <= FINDING_KEYS and {"code", "path"} <= set(entry), entry
        assert entry.get("line") is None or (isinstance(entry["line"], int) and entry["line"] >= 1), entry
        assert (INVALID / case / entry["path"]).exists(), entry
    errors = load_expected(case).errors
    if case.startswith("multiple-"):
        assert len(errors) >= 3 and len({path for _, path, _ in errors}) == len(errors)
    else:
        assert len(errors) == 1, "one mistake per case"


# ---------------------------------------------------------------- invalid sites: command line


@dataclass(frozen=True)
class CliRun:
    proc: subprocess.CompletedProcess[str]
    out: Path
    before: dict[str, bytes | None]
    site: Path


def _cli_run(site: Path, tmp: Path) -> CliRun:
    out = tmp / "out"
    fill_sentinel(out)
    before = snapshot(out)
    return CliRun(run_build(site, out), out, before, site)


@pytest.fixture(scope="module")
def cli_runs(tmp_path_factory: pytest.TempPathFactory, copy_site: Callable[[Path], Path]) -> dict[str, CliRun]:
    """Every case (a copy: a build writes its cache into the site) built once by the real command line,
    a few processes at a time.

    Each run is mostly interpreter start-up, so running them side by side keeps this file fast.
    """
    folders = {case: (copy_site(INVALID / case), tmp_path_factory.mktemp(case)) for case in case_names()}
    with ThreadPoolExecutor(max_workers=max(4, os.cpu_count() or 1)) as pool:
        futures = {case: pool.submit(_cli_run, *places) for case, places in folders.items()}
        return {case: future.result() for case, future in futures.items()}


@pytest.mark.parametrize("case", case_names())
def test_cli_reports_every_error_and_leaves_output_alone(case: str, cli_runs: dict[str, CliRun]) -> None:
    expected = load_expected(case)
    run = cli_runs[case]
    proc = run.proc

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_no_traceback(proc)
    assert "错误" in proc.stderr
    for error in expected.errors:
        assert where(error) + "错误" in proc.stderr, (error, proc.stderr)
    for warning in expected.warnings:
        assert where(warning) + "警告" in proc.stderr, (warning, proc.stderr)
    for text in expected.stderr_contains:
        assert text in proc.stderr
    assert snapshot(run.out) == run.before
    assert [p.name for p in run.out.parent.iterdir()] == ["out"], "no staging folder may be left beside the output"
    assert not (run.site / "output").exists()


# ---------------------------------------------------------------- invalid sites: Python API


@pytest.mark.parametrize("case", case_names())
def test_api_raises_exactly_the_expected_findings(case: str, tmp_path: Path,
                                                  copy_site: Callable[[Path], Path]) -> None:
    expected = load_expected(case)
    out = tmp_path / "out"
    fill_sentinel(out)
    before = snapshot(out)

    with pytest.raises(SiteError) as failed:
        build(BuildOptions(site_dir=copy_site(INVALID / case), out_dir=out, now=NOW))

    findings = failed.value.findings
    assert ordered([triple(f) for f in findings if f.is_error]) == ordered(expected.errors)
    assert ordered([triple(f) for f in findings if not f.is_error]) == ordered(expected.warnings)
    assert all(f.message and f.code for f in findings)
    assert snapshot(out) == before
    # Checked last, so the findings above are verified whatever the class: one exception type tells
    # an API caller "the site has errors", whichever stage (config, content, rendering) found them.
    assert isinstance(failed.value, BuildFailed), type(failed.value)


# ---------------------------------------------------------------- sites that must build

BODY_TEXT = ("社区召开居民议事会，讨论加装电梯事宜。", "会议由社区党委书记主持。")
ARTICLE = "content/news/yi-shi-hui.md"
ARTICLE_HTML = "news/yi-shi-hui/index.html"
# (site, the warnings its build must give): GBK is read but worth a warning; a BOM and CRLF are normal.
VALID_SITES = [
    ("gbk-file", [("encoding-not-utf8", ARTICLE, None)]),
    ("utf8-bom-crlf", []),
]
VALID_IDS = [site for site, _ in VALID_SITES]


def test_valid_sites_are_saved_as_editors_save_them() -> None:
    # The point of these sites is their bytes: make sure nothing (an editor, git) normalised them.
    gbk = (VALID / "gbk-file" / ARTICLE).read_bytes()
    assert b"\r\n" in gbk and BODY_TEXT[0].encode("gbk") in gbk
    bom = (VALID / "utf8-bom-crlf" / ARTICLE).read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf") and b"\r\n" in bom and b"\n" not in bom.replace(b"\r\n", b"")
    bad = (INVALID / "bad-encoding" / "content" / "news" / "a.md").read_bytes()
    assert b"caf\xe9 au lait" in bad


@pytest.mark.parametrize(("site", "warnings"), VALID_SITES, ids=VALID_IDS)
def test_valid_site_builds_with_readable_text(site: str, warnings: list[Triple], tmp_path: Path,
                                              copy_site: Callable[[Path], Path]) -> None:
    out = tmp_path / "out"
    proc = run_build(copy_site(VALID / site), out)

    assert proc.returncode == 0, proc.stderr
    assert_no_traceback(proc)
    html = (out / ARTICLE_HTML).read_text(encoding="utf-8")
    for text in BODY_TEXT:
        assert text in html
    assert "居民议事会" in html  # the title, from the front matter
    assert "\ufeff" not in html and "\r" not in html
    for warning in warnings:
        assert where(warning) + "警告" in proc.stderr, proc.stderr
    if not warnings:
        assert "警告" not in proc.stderr, proc.stderr


@pytest.mark.parametrize(("site", "warnings"), VALID_SITES, ids=VALID_IDS)
def test_valid_site_warnings_through_api(site: str, warnings: list[Triple], tmp_path: Path,
                                         copy_site: Callable[[Path], Path]) -> None:
    result: BuildResult = build(BuildOptions(site_dir=copy_site(VALID / site), out_dir=tmp_path / "out", now=NOW))
    assert ordered([triple(f) for f in result.warnings]) == ordered(warnings)


@pytest.mark.parametrize(("site", "warnings"), VALID_SITES, ids=VALID_IDS)
def test_strict_turns_the_encoding_warning_into_failure(site: str, warnings: list[Triple], tmp_path: Path,
                                                        copy_site: Callable[[Path], Path]) -> None:
    out = tmp_path / "out"
    fill_sentinel(out)
    before = snapshot(out)

    proc = run_build(copy_site(VALID / site), out, "--strict")

    assert_no_traceback(proc)
    if warnings:
        assert proc.returncode == 1, proc.stderr
        assert snapshot(out) == before
    else:
        assert proc.returncode == 0, proc.stderr
