"""The whole build of the sample site: golden output, reproducibility, atomic failure."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from civicpress.errors import BuildFailed
from civicpress.pipeline import BuildOptions, build, check, clock

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "sample"
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_sample(out: Path, site: Path = ROOT) -> None:
    build(BuildOptions(site_dir=site, out_dir=out, now=NOW))


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "output"
    build_sample(out)
    return out


def test_sample_site_matches_golden_tree(sample_output: Path, request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--update-golden"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        shutil.copytree(sample_output, GOLDEN)
    expected, actual = tree(GOLDEN), tree(sample_output)
    assert sorted(actual) == sorted(expected), "files differ from tests/golden (pytest --update-golden rewrites it)"
    changed = [name for name in expected if expected[name] != actual[name]]
    assert not changed, f"changed files (pytest --update-golden rewrites them): {changed[:10]}"


def test_two_builds_are_byte_identical(sample_output: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_sample(again)
    assert tree(again) == tree(sample_output)


def test_output_is_the_same_from_another_folder(sample_output: Path, tmp_path: Path) -> None:
    """No absolute path of the machine ends up in the output."""
    copy = tmp_path / "elsewhere" / "site"
    shutil.copytree(ROOT / "content", copy / "content")
    shutil.copy(ROOT / "site_config.yaml", copy)
    build_sample(copy / "output", site=copy)
    assert tree(copy / "output") == tree(sample_output)
    for name, data in tree(sample_output).items():
        assert str(ROOT).encode() not in data, name


def test_sample_site_has_every_kind_of_page(sample_output: Path) -> None:
    files = set(tree(sample_output))
    for expected in ["index.html", "404.html", "atom.xml", "sitemap.xml", "robots.txt", "favicon.svg",
                     "tags/index.html", "achievements/index.html", "events/index.html", "honors/index.html",
                     "news/index.html", "about/index.html", "events/images/yangge.png"]:
        assert expected in files
    articles = [f for f in files if f.count("/") >= 2 and f.endswith("index.html") and not f.startswith("tags/")]
    assert len(articles) >= 12
    assert not any("national-day-duty" in f for f in files), "the draft must not be published"
    sitemap = (sample_output / "sitemap.xml").read_text(encoding="utf-8")
    for data_page in ("stats/", "organisation/", "timeline/"):  # pages drawn from content/_data
        assert f"https://yongfeng.example.cn/{data_page}</loc>" in sitemap


def test_data_expressions_reach_the_page(sample_output: Path) -> None:
    """A figure comes from content/_data, not from the article's text."""
    import yaml

    stats = yaml.safe_load((ROOT / "content/_data/stats.yaml").read_text(encoding="utf-8"))
    html = (sample_output / "achievements/party-members/index.html").read_text(encoding="utf-8")
    assert f"{stats['party_members']['retired']}" in html
    assert "{{" not in html


def test_failed_build_leaves_output_untouched(sample_output: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "content", site / "content")
    shutil.copy(ROOT / "site_config.yaml", site)
    out = site / "output"
    build_sample(out, site=site)
    before = tree(out)
    article = site / "content/news/party-school-opens.md"
    article.write_text(article.read_text(encoding="utf-8").replace("date:", "date: 2022年9月19日\nx:"),
                       encoding="utf-8")
    (site / "content/news/extra.md").write_text("---\ntitle: 新\ndate: 2022-01-01\n---\n新文章\n", encoding="utf-8")
    with pytest.raises(BuildFailed):
        build_sample(out, site=site)
    assert tree(out) == before
    assert not any(p.name.startswith(".output") for p in site.iterdir()), "staging folder left behind"


def test_check_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = check(BuildOptions(site_dir=ROOT, out_dir=out, now=NOW))
    assert result.pages >= 12
    assert not out.exists()


def test_clock_prefers_source_date_epoch() -> None:
    assert clock({"SOURCE_DATE_EPOCH": "1663545600"}) == datetime(2022, 9, 19, tzinfo=timezone.utc)
    assert clock({}).tzinfo is not None
