"""data_pages: pages drawn from data files, one per record or one for a whole file (writers/data_pages.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sitemaker import article, build_site, codes, load, make_site

from civicpress.config import DataPageConfig
from civicpress.errors import BuildFailed, Findings, SiteError
from civicpress.sitefolder import CONFIG_FILE
from civicpress.templating import Renderer
from civicpress.writers.data_pages import parent_of, write_data_pages

HONORS = """\
- title: 省文明社区标兵
  level: 省级
  year: 2022
  issuer: 省精神文明建设委员会
  note: 在全省文明社区创建工作中成绩突出。
- title: 区级平安社区
  level: 区级
  year: 2018
- title: 市级先进基层党组织
  slug: xian-jin-dang-zu-zhi
  level: 市级
  year: 2019
"""
ORGANISATION = """\
volunteer_teams:
  - name: 助老服务队
    description: 与空巢、高龄老人结对。
  - name: 环境卫生服务队
    description: 每周清扫楼道和院落。
"""
TIMELINE = """\
- date: "2018-03-05"
  title: 开展学雷锋活动
- date: "2019-06"
  title: 获评市级先进基层党组织
"""
HONOR_PAGES = {"data": "honors", "url": "/honors/:slug/", "template": "honor.html", "title": "title",
               "description": "note"}
TEAM_PAGES = {"data": "organisation.volunteer_teams", "url": "/organisation/:slug/",
              "template": "volunteer-team.html", "title": "name", "description": "description"}
ORG_PAGE = {"data": "organisation", "url": "/organisation/", "template": "organisation.html", "title": "组织机构"}
TIMELINE_PAGE = {"data": "timeline", "url": "/timeline/", "template": "timeline.html", "title": "大事记"}
FILES = {
    "content/_data/honors.yaml": HONORS,
    "content/_data/organisation.yaml": ORGANISATION,
    "content/_data/timeline.yaml": TIMELINE,
    "content/honors/model.md": article("永丰社区被授予“省文明社区标兵”称号", tags=["荣誉"]),
}


def site_with(tmp_path: Path, entries: list[dict[str, Any]], files: dict[str, str] | None = None) -> Path:
    return make_site(tmp_path, {**FILES, **(files or {})}, {"data_pages": entries})


def built(tmp_path: Path, entries: list[dict[str, Any]], files: dict[str, str] | None = None) -> Path:
    site = site_with(tmp_path, entries, files)
    build_site(site)
    return site.parent / "output"


# ---------------------------------------------------------------- config


def test_config_reads_the_entries_with_their_lines(tmp_path: Path) -> None:
    site, findings = load(site_with(tmp_path, [HONOR_PAGES, TIMELINE_PAGE]))
    assert not findings.errors
    first, second = site.config.data_pages
    assert first == DataPageConfig("honors", "/honors/:slug/", "honor.html", "title", "note")
    assert first.per_record and not second.per_record
    assert first.line is not None and second.line is not None and second.line > first.line


@pytest.mark.parametrize(
    ("entry", "code"),
    [
        ({**HONOR_PAGES, "templete": "honor.html"}, "config-unknown-key"),
        ({"data": "honors", "template": "honor.html"}, "config-missing-key"),
        ({"data": "timeline", "url": "/timeline/", "template": "timeline.html"}, "config-missing-key"),
        ({**HONOR_PAGES, "url": "honors/:slug"}, "config-bad-value"),
        ({**HONOR_PAGES, "data": "honors yaml"}, "config-bad-value"),
        ({**HONOR_PAGES, "template": "../honor.html"}, "config-bad-value"),
    ],
)
def test_a_wrong_entry_is_an_error_with_its_line(tmp_path: Path, entry: dict[str, Any], code: str) -> None:
    with pytest.raises(SiteError) as caught:
        load(site_with(tmp_path, [entry]))
    assert codes(caught.value) == [code]
    location = caught.value.findings[0].location
    assert location is not None and location.path == CONFIG_FILE and location.line


def test_the_unknown_key_hint_names_the_close_key(tmp_path: Path) -> None:
    with pytest.raises(SiteError) as caught:
        load(site_with(tmp_path, [{**HONOR_PAGES, "templete": "x.html"}]))
    assert "template" in caught.value.findings[0].hint


# ---------------------------------------------------------------- model


def test_one_page_per_record_with_slugs_from_titles(tmp_path: Path) -> None:
    site, findings = load(site_with(tmp_path, [HONOR_PAGES]))
    assert not findings.errors
    assert [(p.title, p.url) for p in site.data_pages] == [
        ("省文明社区标兵", "/honors/sheng-wen-ming-she-qu-biao-bing/"),
        ("区级平安社区", "/honors/qu-ji-ping-an-she-qu/"),
        ("市级先进基层党组织", "/honors/xian-jin-dang-zu-zhi/"),  # the record's own slug
    ]
    first = site.data_pages[0]
    assert first.output == "honors/sheng-wen-ming-she-qu-biao-bing/index.html"
    assert first.description == "在全省文明社区创建工作中成绩突出。"
    assert site.data_pages[1].description == ""  # no note
    assert first.data is site.data["honors"][0]
    assert site.record_page(site.data["honors"][1]) is site.data_pages[1]
    assert site.record_page({"title": "省文明社区标兵"}) is None  # the record itself, not an equal one


def test_unicode_slug_style_keeps_chinese(tmp_path: Path) -> None:
    site = make_site(tmp_path, FILES, {"data_pages": [HONOR_PAGES], "slug_style": "unicode"})
    model, _ = load(site)
    assert model.data_pages[0].url == "/honors/省文明社区标兵/"


def test_a_list_inside_a_data_file(tmp_path: Path) -> None:
    site, findings = load(site_with(tmp_path, [ORG_PAGE, TEAM_PAGES]))
    assert not findings.errors
    assert [p.url for p in site.data_pages] == ["/organisation/", "/organisation/zhu-lao-fu-wu-dui/",
                                               "/organisation/huan-jing-wei-sheng-fu-wu-dui/"]
    whole = site.data_pages[0]
    assert not whole.per_record and whole.title == "组织机构" and whole.data is site.data["organisation"]


def problems(tmp_path: Path, entries: list[dict[str, Any]], files: dict[str, str] | None = None) -> Findings:
    _, findings = load(site_with(tmp_path, entries, files))
    return findings


def test_missing_data_is_an_error_at_the_config_line(tmp_path: Path) -> None:
    findings = problems(tmp_path, [{**HONOR_PAGES, "data": "honours"}])
    assert codes(findings) == ["data-page-missing"]
    location = findings.errors[0].location
    assert location is not None and location.path == CONFIG_FILE and location.line


def test_per_record_pages_need_a_list_of_records(tmp_path: Path) -> None:
    assert codes(problems(tmp_path, [{**HONOR_PAGES, "data": "organisation"}])) == ["data-page-not-list"]


def test_a_record_without_a_title_is_named(tmp_path: Path) -> None:
    findings = problems(tmp_path, [HONOR_PAGES], {"content/_data/honors.yaml": "- title: 甲\n- level: 省级\n"})
    assert codes(findings) == ["data-page-no-title"]
    assert "第 2 条" in findings.errors[0].message


def test_two_records_with_one_slug_are_an_error(tmp_path: Path) -> None:
    files = {"content/_data/honors.yaml": "- title: 区级平安社区\n  year: 2018\n- title: 区级平安社区\n  year: 2020\n"}
    findings = problems(tmp_path, [HONOR_PAGES], files)
    assert codes(findings) == ["duplicate-url"]
    assert "slug" in findings.errors[0].hint


def test_a_data_page_cannot_take_an_article_or_section_url(tmp_path: Path) -> None:
    files = {"content/honors/qu-ji-ping-an-she-qu.md": article("区级平安社区报道")}
    assert codes(problems(tmp_path, [HONOR_PAGES], files)) == ["duplicate-url"]
    assert codes(problems(tmp_path, [{**TIMELINE_PAGE, "url": "/news/"}])) == ["duplicate-url"]


# ---------------------------------------------------------------- writer


def test_the_built_site_has_a_page_per_record(tmp_path: Path) -> None:
    out = built(tmp_path, [HONOR_PAGES, ORG_PAGE, TEAM_PAGES, TIMELINE_PAGE])
    for path in ["honors/sheng-wen-ming-she-qu-biao-bing", "honors/qu-ji-ping-an-she-qu", "honors/xian-jin-dang-zu-zhi",
                 "organisation", "organisation/zhu-lao-fu-wu-dui", "organisation/huan-jing-wei-sheng-fu-wu-dui",
                 "timeline"]:
        assert (out / path / "index.html").is_file(), path
    honour = (out / "honors/sheng-wen-ming-she-qu-biao-bing/index.html").read_text(encoding="utf-8")
    assert "<h1>省文明社区标兵</h1>" in honour
    assert '<meta name="description" content="在全省文明社区创建工作中成绩突出。">' in honour
    assert "省精神文明建设委员会" in honour
    assert "永丰社区被授予“省文明社区标兵”称号" in honour  # the article that reports it
    assert '<a href="../index.html">返回荣誉表彰</a>' in honour  # the section holds the page


def test_whole_file_pages_are_in_the_navigation(tmp_path: Path) -> None:
    out = built(tmp_path, [ORG_PAGE, TEAM_PAGES, TIMELINE_PAGE])
    home = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="organisation/index.html">组织机构</a>' in home
    assert '<a href="timeline/index.html">大事记</a>' in home
    assert "zhu-lao-fu-wu-dui" not in home.split("</nav>", 1)[0]  # record pages are not in the menu
    team = (out / "organisation/zhu-lao-fu-wu-dui/index.html").read_text(encoding="utf-8")
    assert '<a href="../index.html">返回组织机构</a>' in team
    assert '<a href="../huan-jing-wei-sheng-fu-wu-dui/index.html">环境卫生服务队</a>' in team
    org = (out / "organisation/index.html").read_text(encoding="utf-8")
    assert '<a href="zhu-lao-fu-wu-dui/index.html">助老服务队</a>' in org
    assert 'aria-current="page">组织机构</a>' in org


def test_timeline_groups_by_year_and_writes_partial_dates(tmp_path: Path) -> None:
    html = (built(tmp_path, [TIMELINE_PAGE]) / "timeline/index.html").read_text(encoding="utf-8")
    assert html.index("2018年</h2>") < html.index("2019年</h2>")
    assert '<time datetime="2018-03-05">2018年3月5日</time>' in html
    assert '<time datetime="2019-06">2019年6月</time>' in html


def test_a_missing_template_is_reported_once(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as caught:
        built(tmp_path, [{**HONOR_PAGES, "template": "medal.html"}])
    assert codes(caught.value) == ["template-missing"]
    assert "medal.html" in caught.value.findings[0].message


def test_a_site_template_replaces_the_theme_one(tmp_path: Path) -> None:
    files = {"templates/honor.html": "<p>{{ record.title }}·{{ record.year }}</p>\n"}
    out = built(tmp_path, [HONOR_PAGES], files)
    assert (out / "honors/qu-ji-ping-an-she-qu/index.html").read_text(encoding="utf-8") == "<p>区级平安社区·2018</p>\n"


def test_writer_without_a_disk(tmp_path: Path) -> None:
    site, _ = load(site_with(tmp_path, [HONOR_PAGES, TIMELINE_PAGE]))
    findings = Findings()
    files = list(write_data_pages(site, Renderer(None), findings))
    assert not findings.items
    assert [f.path for f in files] == [p.output for p in site.data_pages]
    assert parent_of(site.data_pages[0], site) == ("荣誉表彰", "/honors/")
    assert parent_of(site.data_pages[-1], site) is None
