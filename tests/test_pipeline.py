"""The whole build of the sample site: golden output, reproducibility, atomic failure."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from civicpress.errors import BuildFailed
from civicpress.pipeline import BuildOptions, build, check, clock
from civicpress.printing.fonts import ROLES, Face, FontBook
from civicpress.printing.pdf import weasyprint_problem

ROOT = Path(__file__).resolve().parent.parent
# The golden output of the sample site, in two parts: what any machine builds alike, and the
# exchange materials' print HTML and PDF, which are laid out and set in the installed fonts.
GOLDEN = ROOT / "tests" / "golden" / "sample"
GOLDEN_PRINT = ROOT / "tests" / "golden" / "sample-print"
FONTS_RECORD = "fonts.json"  # in GOLDEN_PRINT: the fonts it was made with
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build_sample(out: Path, site: Path) -> None:
    build(BuildOptions(site_dir=site, out_dir=out, now=NOW))


def font_dependent(name: str) -> bool:
    """The print HTML (its lines are measured in the fonts) and the PDF (set in them)."""
    return name.startswith("print/") and name.endswith((".html", ".pdf"))


def print_fonts() -> dict[str, str]:
    """Per role (仿宋 body, 黑体 headings …, and the fallback for rare characters): the font file used here."""
    book = FontBook()
    faces: dict[str, Face | None] = {role.name: book.face(role) for role in ROLES.values()}
    faces["fallback"] = book.fallback()

    def described(face: Face | None) -> str:
        if face is None:
            return "none"
        path = Path(face.file.path)
        return f"{face.file.family}: {path.name} #{face.file.index}, {path.stat().st_size} bytes"

    return {name: described(face) for name, face in faces.items()}


@pytest.fixture(scope="module")
def sample_output(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("sample") / "output"
    build_sample(out, sample_site)
    return out


@pytest.fixture(scope="module")
def golden_updated(sample_output: Path, request: pytest.FixtureRequest) -> bool:
    """With ``--update-golden``: both golden folders rewritten from this build, and the fonts recorded."""
    if not request.config.getoption("--update-golden"):
        return False
    for folder in (GOLDEN, GOLDEN_PRINT):
        shutil.rmtree(folder, ignore_errors=True)
    for name, data in tree(sample_output).items():
        target = (GOLDEN_PRINT if font_dependent(name) else GOLDEN) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    record = json.dumps(print_fonts(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    (GOLDEN_PRINT / FONTS_RECORD).write_text(record, encoding="utf-8")
    return True


def compare(expected: dict[str, bytes], actual: dict[str, bytes]) -> None:
    assert sorted(actual) == sorted(expected), "files differ from tests/golden (pytest --update-golden rewrites it)"
    changed = [name for name in expected if expected[name] != actual[name]]
    assert not changed, f"changed files (pytest --update-golden rewrites them): {changed[:10]}"


def test_sample_site_matches_golden_tree(sample_output: Path, golden_updated: bool) -> None:
    """Everything but the font-dependent print files: the same on every machine."""
    actual = {name: data for name, data in tree(sample_output).items() if not font_dependent(name)}
    compare(tree(GOLDEN), actual)


def test_sample_print_matches_golden_where_its_fonts_are_installed(sample_output: Path, golden_updated: bool) -> None:
    """The print HTML and PDF, compared only on a machine with the fonts they were made with."""
    recorded = json.loads((GOLDEN_PRINT / FONTS_RECORD).read_text(encoding="utf-8"))
    here = print_fonts()
    different = [f"{role}: {font} (here: {here.get(role, 'none')})" for role, font in recorded.items()
                 if here.get(role) != font]
    if different:
        pytest.skip("tests/golden/sample-print was made with fonts this machine lacks: " + "; ".join(different)
                    + " (sudo bash scripts/install-fonts.sh installs them)")
    problem = weasyprint_problem()
    if problem:
        pytest.skip(f"no PDF on this machine ({problem}): tests/golden/sample-print holds PDFs")
    actual = {name: data for name, data in tree(sample_output).items() if font_dependent(name)}
    compare({name: data for name, data in tree(GOLDEN_PRINT).items() if name != FONTS_RECORD}, actual)


def test_two_builds_are_byte_identical(sample_output: Path, sample_site: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_sample(again, sample_site)
    assert tree(again) == tree(sample_output)


def test_output_is_the_same_from_another_folder(sample_output: Path, sample_site: Path, tmp_path: Path) -> None:
    """No absolute path of the machine ends up in the output."""
    copy = tmp_path / "elsewhere" / "site"
    shutil.copytree(sample_site / "content", copy / "content")
    shutil.copy(sample_site / "site_config.yaml", copy)
    build_sample(copy / "output", site=copy)
    assert tree(copy / "output") == tree(sample_output)
    for name, data in tree(sample_output).items():
        assert str(sample_site).encode() not in data and str(ROOT).encode() not in data, name


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


def test_check_writes_nothing(sample_site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = check(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    assert result.pages >= 12
    assert not out.exists()


def test_clock_prefers_source_date_epoch() -> None:
    assert clock({"SOURCE_DATE_EPOCH": "1663545600"}) == datetime(2022, 9, 19, tzinfo=timezone.utc)
    assert clock({}).tzinfo is not None
