"""The default theme as the community's portal: contact on every page, data-driven pages, notices,
disclosure and service guides, photos, lists, the internal edition's marks. Built sites, read as HTML.

tests/test_theme_browser.py drives the same pages in Chromium (menus, text size, read-aloud, search).
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import html5lib
import pytest
from sitemaker import article, build_site, make_site

from civicpress.config import load_config
from civicpress.errors import SiteError
from civicpress.pipeline import BuildOptions, build

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
PHONE = "0431-8765 4321"
CONTACT = {"phone": PHONE, "hours": "周一至周五 8:30—17:00", "address": "永丰巷18号"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("portal") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


def html_pages(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*.html") if not p.relative_to(out).as_posix().startswith(("print/", "pagefind/")))


def parse(path: Path) -> html5lib.treebuilders.etree.Element:  # type: ignore[name-defined]
    return html5lib.parse(path.read_text(encoding="utf-8"), namespaceHTMLElements=False)


def texts(element: object) -> str:
    return "".join(element.itertext())  # type: ignore[attr-defined]


# ---------------------------------------------------------------- (1) contact and service


def test_contact_is_read_with_its_tel_form(tmp_path: Path) -> None:
    site = make_site(tmp_path, {}, config={"contact": {**CONTACT, "map": "https://map.example.cn/yf"}})
    contact = load_config(site).contact
    assert (contact.phone, contact.hours, contact.address, contact.map) == (
        PHONE, "周一至周五 8:30—17:00", "永丰巷18号", "https://map.example.cn/yf")
    assert contact.tel == "043187654321"


@pytest.mark.parametrize(("contact", "key"), [
    ({"phone": "请拨打服务电话"}, "phone"),
    ({"map": "http://map.example.cn/"}, "map"),
    ({"fax": "0431-1"}, "fax"),
])
def test_a_bad_contact_value_names_its_line(tmp_path: Path, contact: dict[str, str], key: str) -> None:
    site = make_site(tmp_path, {}, config={"contact": contact})
    with pytest.raises(SiteError) as caught:
        load_config(site)
    finding = caught.value.findings[0]
    assert finding.code in ("config-bad-value", "config-unknown-key")
    assert key in finding.message
    lines = (site / "site_config.yaml").read_text(encoding="utf-8").splitlines()
    assert finding.location is not None and finding.location.line is not None
    assert lines[finding.location.line - 1].strip().startswith(key)


def test_every_page_has_the_tappable_phone(sample: Path) -> None:
    pages = html_pages(sample)
    assert len(pages) > 30
    for path in pages:
        tree = parse(path)
        links = [a for a in tree.iter("a") if a.get("href") == "tel:043187654321"]
        assert len(links) >= 2, path  # in the header and in the footer
        assert texts(links[0]) == PHONE


def test_the_declared_phone_is_no_privacy_finding_but_the_same_number_undeclared_is(tmp_path: Path) -> None:
    files = {"content/news/a.md": article("通知", body=f"咨询电话：{PHONE}。")}
    declared = build_site(make_site(tmp_path / "declared", files, config={"contact": CONTACT}))
    assert declared.pages == 1 and not [f for f in declared.warnings if f.code == "personal-data"]
    with pytest.raises(SiteError) as caught:
        build_site(make_site(tmp_path / "undeclared", files))
    assert "personal-data" in [f.code for f in caught.value.findings]


def test_volunteer_team_pages_say_who_when_and_how_to_join(sample: Path) -> None:
    team = parse(sample / "organisation" / "zhu-lao-fu-wu-dui" / "index.html")
    facts = dict(zip((texts(dt) for dt in team.iter("dt")), (texts(dd) for dd in team.iter("dd")), strict=True))
    assert facts["负责人"] == "社区党委副书记（分管民生）"
    assert facts["联系电话"] == "0431-8765 4322"
    assert facts["服务时间"].startswith("每周二")
    headings = [texts(h) for h in team.iter("h2")]
    assert "如何参加" in headings and "服务内容" in headings
    assert any(a.get("href") == "tel:043187654322" for a in team.iter("a"))
