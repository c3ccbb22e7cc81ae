"""The default theme as the community's portal: contact on every page, data-driven pages, notices,
disclosure and service guides, photos, lists, the internal edition's marks. Built sites, read as HTML.

tests/test_theme_browser.py drives the same pages in Chromium (menus, text size, read-aloud, search).
"""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timezone
from pathlib import Path

import html5lib
import pytest
import yaml
from sitemaker import article, build_site, make_site

from civicpress.config import load_config
from civicpress.errors import SiteError
from civicpress.pipeline import BuildOptions, build

NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)
PHONE = "0431-8765 4321"
ROOT_IMAGE = Path(__file__).resolve().parent.parent / "content" / "honors" / "images" / "xianjin-dangwei.png"
CONTACT = {"phone": PHONE, "hours": "周一至周五 8:30—17:00", "address": "永丰巷18号"}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, sample_site: Path) -> Path:
    out = tmp_path_factory.mktemp("portal") / "output"
    build(BuildOptions(site_dir=sample_site, out_dir=out, now=NOW))
    return out


def html_pages(out: Path) -> list[Path]:
    found = out.rglob("*.html")
    return sorted(p for p in found if not p.relative_to(out).as_posix().startswith(("print/", "pagefind/")))


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


# ---------------------------------------------------------------- (2) the stats page from the data it is given

OTHER_STATS = """\
as_of: "2025-12-31"
labels:
  housing: 住房
  housing.buildings: {label: 楼栋, unit: 栋}
  elderly_by_age: {label: 各年龄段老人, note: 按户籍统计。}
  elderly_by_age.age: 年龄段
  elderly_by_age.people: {label: 人数, unit: 人}
residents: 8120
housing:
  buildings: 42
  households: 2650
  lifts:
    installed: 12
elderly_by_age:
  - {age: 60—69岁, people: 820}
  - {age: 70—79岁, people: 510}
  - {age: 80岁以上, people: 190}
shops:
  - {name: 早餐店, count: 4, hours: 6:00—9:30}
  - {name: 药店, count: 2, hours: 8:00—21:00}
"""


def test_the_stats_page_shows_every_figure_of_a_stats_file_with_other_keys(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/_data/stats.yaml": OTHER_STATS}, config={
        "data_pages": [{"data": "stats", "url": "/stats/", "template": "stats.html", "title": "数据统计"}]})
    build_site(site)
    out = tmp_path / "output"
    page = parse(out / "stats" / "index.html")
    main = next(e for e in page.iter("main"))
    groups = {texts(s.find("h2")): s for s in main.iter("section") if s.get("class") == "figure-group"}
    assert list(groups) == ["基本情况", "住房", "shops"]  # the file's order; a key without a label shows the key
    figures = {texts(li.find("span[@class='figure-label']")): texts(li.find("span[@class='figure-value']"))
               for li in main.iter("li") if li.find("span[@class='figure-value']") is not None}
    assert figures == {"residents": "8120", "楼栋": "42栋", "households": "2650", "installed": "12"}
    chart = next(s for s in main.iter("section") if s.get("class") == "chart-block")
    assert texts(chart.find("h2")) == "各年龄段老人"
    assert [texts(th) for th in chart.iter("th")][:2] == ["年龄段", "人数（人）"]
    assert chart.find(".//{http://www.w3.org/2000/svg}svg") is not None and "按户籍统计。" in texts(chart)
    shops = groups["shops"].find(".//table")
    assert [texts(th) for th in shops.find("thead").iter("th")] == ["name", "count", "hours"]
    assert [texts(c) for c in shops.find("tbody").find("tr")] == ["早餐店", "4", "6:00—9:30"]
    home = texts(parse(out / "index.html").find(".//ul[@class='figures']"))
    assert "8120" in home and "42栋" in home  # the home page's figures come from the same file


def test_no_theme_template_names_a_key_of_the_sample_stats() -> None:
    from civicpress.templating import THEME_DIR

    sample_keys = ("party_members", "dibao", "welfare", "members_by_branch", "reemployment", "volunteer_teams.")
    for template in (THEME_DIR / "templates").glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert not [k for k in sample_keys if k in text.split("#}")[-1]], template.name


def _numbers(value: object) -> int:
    if isinstance(value, dict):
        return sum(_numbers(v) for v in value.values())
    return int(isinstance(value, int))


def test_the_sample_stats_page_labels_every_number(sample: Path, sample_site: Path) -> None:
    stats = yaml.safe_load((sample_site / "content" / "_data" / "stats.yaml").read_text(encoding="utf-8"))
    numbers = sum(_numbers(v) for k, v in stats.items() if k not in ("labels", "key_figures"))
    main = parse(sample / "stats" / "index.html").find(".//main")
    labels = [texts(e) for e in main.iter("span") if e.get("class") == "figure-label"]
    assert len(labels) == numbers > 20 and all(not label.isascii() for label in labels)
    values = [texts(e) for e in main.iter("span") if e.get("class") == "figure-value"]
    assert "3500延长米" in values and "491人" in values


# ---------------------------------------------------------------- (4) the internal edition, marked

INTERNAL_TITLE = "困难家庭走访名单汇总"


def readable(path: Path) -> str:
    """A file's text as a search engine or a reader would get it: Pagefind's gzipped index files unpacked."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    # The index holds Chinese a character at a time (writers/search.py: han_spaced); the results show it joined.
    return HAN_SPACE.sub("", data.decode("utf-8", errors="replace"))


HAN_SPACE = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("editions")
    files = {
        "content/news/visits.md": article(INTERNAL_TITLE, body="走访困难家庭，逐户登记需求。" * 5,
                                          visibility="internal", tags=["走访慰问"]),
        "content/news/open.md": article("社区服务大厅延长办公时间", body="服务大厅延长办公时间。" * 5,
                                        tags=["走访慰问"]),
    }
    site = make_site(tmp, files)
    public, internal = tmp / "public", tmp / "internal"
    build(BuildOptions(site_dir=site, out_dir=public, now=NOW))
    build(BuildOptions(site_dir=site, out_dir=internal, now=NOW, edition="internal"))
    return public, internal


def test_no_public_file_holds_the_internal_page(editions: tuple[Path, Path]) -> None:
    public, internal = editions
    url = "news/visits"
    assert (internal / url / "index.html").is_file()
    # the search test below can see the page: in the internal edition's index it is there
    assert any(INTERNAL_TITLE in readable(p) for p in internal.rglob("*.pf_fragment"))
    files = [p for p in public.rglob("*") if p.is_file()]
    assert any(p.suffix == ".pf_fragment" for p in files)  # the search index is among them
    for path in files:
        text = readable(path)
        assert INTERNAL_TITLE not in text and url not in text, path
    assert "社区服务大厅延长办公时间" in readable(public / "atom.xml")


def test_every_internal_page_is_marked_and_kept_from_search_engines(editions: tuple[Path, Path]) -> None:
    public, internal = editions
    pages = list(internal.glob("**/*.html"))
    assert len(pages) > 5
    for path in pages:
        if path.relative_to(internal).as_posix().startswith(("print/", "pagefind/")):
            continue
        tree = parse(path)
        band = tree.find(".//p[@class='internal-band']")
        assert band is not None and "内部资料" in texts(band), path
        robots = [m.get("content") for m in tree.iter("meta") if m.get("name") == "robots"]
        assert robots == ["noindex, nofollow"], path
    assert readable(internal / "robots.txt") == "User-agent: *\nDisallow: /\n"
    assert not (internal / "sitemap.xml").exists()
    home = parse(public / "index.html")
    assert home.find(".//p[@class='internal-band']") is None
    assert not [m for m in home.iter("meta") if m.get("name") == "robots"]
    assert "Allow: /" in readable(public / "robots.txt")


# ---------------------------------------------------------------- (6) notices, disclosure, service guides


def list_items(path: Path) -> list[object]:
    return list(parse(path).iterfind(".//ul[@class='page-list']/li"))


def test_notices_show_their_validity_pinned_first_and_expired_marked(sample: Path) -> None:
    items = list_items(sample / "notices" / "index.html")
    assert len(items) == 4
    first = texts(items[0]).strip()
    assert first.startswith("置顶关于2022—2023年度供暖费收缴工作的通知") and "有效期至2022年10月31日" in first
    assert "已过期" not in first  # valid beyond the site's newest page
    water = next(i for i in items if "停水" in texts(i))
    assert "有效期至2022年9月15日" in texts(water) and "已过期" in texts(water)  # the site has newer pages
    assert water.find(".//span[@data-valid-until='2022-09-15']") is not None  # site.js checks against today
    dates = [texts(i.find("time")) for i in items]
    assert dates[1:] == sorted(dates[1:], reverse=True)  # after the pinned one, newest first
    page = texts(parse(sample / "notices" / "water-outage" / "index.html").find(".//p[@class='meta']"))
    assert "发布机构：永丰社区居民委员会" in page and "已过期" in page


def test_disclosure_lists_show_document_number_and_issuer(sample: Path) -> None:
    for section, number in (("party-affairs", "永社党〔2022〕11号"), ("community-affairs", "永社居〔2022〕7号")):
        items = list_items(sample / section / "index.html")
        assert len(items) == 3
        assert all(i.find(".//span[@class='doc-number']") is not None for i in items)
        assert all(texts(i.find(".//span[@class='issuer']")).startswith(("中共永丰社区委员会", "永丰社区居民委员会"))
                   for i in items)
        assert any(texts(i.find(".//span[@class='doc-number']")) == number for i in items)
    meta = texts(parse(sample / "party-affairs" / "dues-2022h1" / "index.html").find(".//p[@class='meta']"))
    assert "文号：永社党〔2022〕11号" in meta and "2022年7月15日" in meta


def test_a_bad_validity_date_names_its_line(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/news/a.md": article("通知", valid_until="下个月底")})
    with pytest.raises(SiteError) as caught:
        build_site(site)
    finding = next(f for f in caught.value.findings if f.code == "bad-date")
    assert finding.location is not None and finding.location.path == "content/news/a.md"
    assert finding.location.line == 4


def test_service_guides_come_from_the_data_file(sample: Path, sample_site: Path) -> None:
    guides = yaml.safe_load((sample_site / "content" / "_data" / "services.yaml").read_text(encoding="utf-8"))
    index = parse(sample / "services" / "index.html")
    links = {texts(a): a.get("href") for a in index.iterfind(".//ul[@class='guide-list']/li/a")}
    assert sorted(links) == sorted(g["title"] for g in guides)
    assert [texts(h) for h in index.iterfind(".//section[@class='guide-group']/h2")] == list(
        dict.fromkeys(g["category"] for g in guides))
    for guide in guides:
        page = parse(sample / "services" / guide["slug"] / "index.html")
        assert texts(page.find(".//h1")) == guide["title"]
        assert [texts(li) for li in page.iterfind(".//ol[@class='checklist']/li")] == guide["materials"]
        facts = dict(zip((texts(dt) for dt in page.iter("dt")), (texts(dd) for dd in page.iter("dd")), strict=True))
        assert facts["在哪里办"] == guide["where"] and facts["什么时间"] == guide["when"]
        assert any(a.get("href") == "tel:043187654321" for a in page.find(".//main").iter("a"))


def test_a_guide_with_only_a_title_builds(tmp_path: Path) -> None:
    site = make_site(tmp_path, {"content/_data/services.yaml": "- {title: 开具证明, slug: zhengming}\n"}, config={
        "data_pages": [
            {"data": "services", "url": "/services/", "template": "services.html", "title": "办事指南"},
            {"data": "services", "url": "/services/:slug/", "template": "service.html", "title": "title"},
        ]})
    build_site(site)
    page = parse(tmp_path / "output" / "services" / "zhengming" / "index.html")
    assert texts(page.find(".//h1")) == "开具证明" and page.find(".//main//ol[@class]") is None


# ---------------------------------------------------------------- (7) photos and the mark


def resolves(page: Path, src: str, out: Path) -> bool:
    return (page.parent / src).resolve().is_file() and (page.parent / src).resolve().is_relative_to(out)


def test_photo_news_on_the_home_page_from_article_covers(sample: Path) -> None:
    home = sample / "index.html"
    photos = parse(home).find(".//section[@class='photo-news']")
    assert photos is not None and texts(photos.find("h2")) == "图片新闻"
    items = list(photos.iterfind(".//li/a"))
    assert len(items) == 3
    for link in items:
        article_page = (home.parent / link.get("href")).resolve()
        cover = parse(article_page).find(".//img[@class='cover']")
        assert cover is not None  # each photo is an article's cover, and leads to it
        assert resolves(home, link.find("img").get("src"), sample)
        assert texts(link.find("span")) == texts(parse(article_page).find(".//h1"))
    assert parse(home).find(".//h1").get("class") == "visually-hidden"  # the masthead is not repeated


def test_lists_show_thumbnails_of_covers(sample: Path) -> None:
    page = sample / "events" / "index.html"
    items = list(parse(page).iterfind(".//ul[@class='page-list']/li"))
    with_thumb = [i for i in items if i.find("img[@class='thumb']") is not None]
    assert 0 < len(with_thumb) < len(items)  # only pages with a cover
    for item in with_thumb:
        img = item.find("img[@class='thumb']")
        assert img.get("alt") == "" and resolves(page, img.get("src"), sample)  # decorative: the title is the link


def test_honours_show_their_certificate_when_the_data_gives_one(sample: Path) -> None:
    wall = parse(sample / "honors" / "index.html")
    cards = list(wall.iterfind(".//li[@class]"))
    honours = [c for c in cards if (c.get("class") or "").startswith("honour ")]
    pictured = [c for c in honours if c.find("img") is not None]
    medals = [c for c in honours if c.find("span[@class='medal']") is not None]
    assert len(pictured) == 3 and len(honours) - len(pictured) == len(medals)
    own_page = sample / "honors" / "sheng-wen-ming-she-qu-biao-bing" / "index.html"
    own = parse(own_page).find(".//figure[@class='honour-figure']")
    assert own is not None and own.find("img").get("alt") == "省文明社区标兵的奖状（牌）"


def test_the_default_mark_is_the_communitys_first_character_and_a_logo_replaces_it(tmp_path: Path) -> None:
    plain = make_site(tmp_path / "plain", {}, config={"title": "幸福里社区"})
    build_site(plain)
    brand = parse(tmp_path / "plain" / "output" / "index.html").find(".//a[@class='brand']")
    mark = brand.find("{http://www.w3.org/2000/svg}svg")
    assert mark is not None and texts(mark) == "幸" and mark.find(".//{http://www.w3.org/2000/svg}path") is None
    logo = make_site(tmp_path / "logo", {"static/images/logo.png": (ROOT_IMAGE).read_bytes()},
                     config={"logo": "/images/logo.png"})
    build_site(logo)
    page = tmp_path / "logo" / "output" / "news" / "index.html"
    img = parse(page).find(".//a[@class='brand']/img")
    assert img is not None and resolves(page, img.get("src"), tmp_path / "logo" / "output")


def test_a_logo_outside_the_site_is_refused(tmp_path: Path) -> None:
    site = make_site(tmp_path, {}, config={"logo": "../../etc/logo.png"})
    with pytest.raises(SiteError) as caught:
        load_config(site)
    assert caught.value.findings[0].code == "config-bad-value" and "logo" in caught.value.findings[0].message


# ---------------------------------------------------------------- (8) lists like government sites


@pytest.fixture(scope="module")
def long_lists(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("lists")
    files = {f"content/news/n{i:02d}.md": article(f"社区动态第{i}篇", f"2022-01-{i:02d}", tags=["便民服务"])
             for i in range(1, 26)}
    files["content/news/pinned.md"] = article("置顶的通知", "2021-12-01", weight=1, tags=["便民服务"])
    build_site(make_site(tmp, files, config={"pagination": 5}))
    return tmp / "output"


def pager_of(path: Path) -> tuple[str, list[tuple[str, str | None, str | None]]]:
    nav = parse(path).find(".//nav[@class='pager']")
    assert nav is not None, path
    links = [(texts(a), a.get("href"), a.get("aria-current")) for a in nav.iter("a")]
    return texts(nav.find("p")), links


def test_numbered_pagination_with_first_last_and_count(long_lists: Path) -> None:
    count, links = pager_of(long_lists / "news" / "index.html")
    assert count == "共 26 条，第 1/6 页"
    assert [text for text, *_ in links] == ["1", "2", "3", "6", "下一页", "尾页"]  # 3 … 6: a gap, not a link
    assert links[0][2] == "page" and dict((t, h) for t, h, _ in links)["尾页"] == "page/6/index.html"
    count, links = pager_of(long_lists / "news" / "page" / "4" / "index.html")
    assert count == "共 26 条，第 4/6 页"
    assert [text for text, *_ in links] == ["首页", "上一页", "1", "2", "3", "4", "5", "6", "下一页", "尾页"]
    hrefs = dict((t, h) for t, h, _ in links)
    assert hrefs["首页"] == "../../index.html" and hrefs["上一页"] == "../3/index.html"
    for text, href, _ in links:  # every number leads to its page
        target = (long_lists / "news" / "page" / "4" / str(href)).resolve()
        assert target.is_file(), text
        if text.isdigit():
            assert f"第 {text}/6 页" in pager_of(target)[0]
    first = parse(long_lists / "news" / "index.html").find(".//ul[@class='page-list']/li")
    assert texts(first).strip().startswith("置顶置顶的通知")


def test_tag_pages_are_paginated(long_lists: Path) -> None:
    tag = next((long_lists / "tags").glob("*/index.html"))
    count, links = pager_of(tag)
    assert count == "共 26 条，第 1/6 页" and ("尾页", "page/6/index.html", None) in links
    last = tag.parent / "page" / "6" / "index.html"
    items = list(parse(last).iterfind(".//ul[@class='page-list']/li"))
    assert len(items) == 1 and "第 6/6 页" in pager_of(last)[0]
    assert texts(parse(last).find(".//h1")).endswith("（第 6 页）")


def test_dates_are_right_aligned_in_lists(long_lists: Path) -> None:
    css = (Path(__file__).resolve().parent.parent / "civicpress" / "theme" / "static" / "style.css").read_text()
    rule = css.split(".page-list time {", 1)[1].split("}", 1)[0]
    assert "margin-left: auto" in rule and "white-space: nowrap" in rule
    item = parse(long_lists / "news" / "page" / "2" / "index.html").find(".//ul[@class='page-list']/li")
    assert item[-1].tag == "time"  # the date comes last in the row, after the title


# ---------------------------------------------------------------- (8b) the by-year archive (by_year: true)


BY_YEAR = [{"key": "events", "title": "活动纪实", "permalink": "/:section/:year/:slug/", "by_year": True},
           {"key": "news", "title": "社区动态"}]


@pytest.fixture(scope="module")
def years(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("years")
    files = {f"content/events/e{i}.md": article(f"二〇二三年第{i}次活动", f"2023-0{i}-15") for i in range(1, 6)}
    files["content/events/old.md"] = article("二〇二一年的活动", "2021-10-01", weight=1)
    files["content/news/n.md"] = article("一条动态", "2023-02-01")
    build_site(make_site(tmp, files, config={"pagination": 2, "sections": BY_YEAR}))
    return tmp / "output"


def year_nav(path: Path) -> list[tuple[str, str | None, str | None]]:
    nav = parse(path).find(".//nav[@class='year-nav']")
    assert nav is not None, path
    assert texts(nav.find("h2")) == "按年份"
    return [(texts(a), a.get("href"), a.get("aria-current")) for a in nav.iter("a")]


def test_each_year_has_its_paginated_list(years: Path) -> None:
    first = years / "events" / "2023" / "index.html"
    assert texts(parse(first).find(".//h1")) == "活动纪实（2023 年）"
    count, links = pager_of(first)
    assert count == "共 5 条，第 1/3 页" and ("尾页", "page/3/index.html", None) in links
    titles = [texts(a) for page in ("index.html", "page/2/index.html", "page/3/index.html")
              for a in parse(years / "events" / "2023" / page).iterfind(".//ul[@class='page-list']//a")]
    assert titles == [f"二〇二三年第{i}次活动" for i in (5, 4, 3, 2, 1)]  # newest first, all five, once
    last = years / "events" / "2023" / "page" / "3" / "index.html"
    assert texts(parse(last).find(".//h1")) == "活动纪实（2023 年，第 3 页）"
    only = [texts(a) for a in parse(years / "events" / "2021" / "index.html").iterfind(".//ul[@class='page-list']//a")]
    assert only == ["二〇二一年的活动"] and not (years / "events" / "2022").exists()
    assert not (years / "news" / "2023").exists()  # only the sections that ask for it


def test_the_section_list_offers_the_years_with_their_counts(years: Path) -> None:
    links = year_nav(years / "events" / "index.html")
    assert [(text, href) for text, href, _ in links] == [
        ("全部（6 篇）", "index.html"), ("2023 年（5 篇）", "2023/index.html"), ("2021 年（1 篇）", "2021/index.html")]
    assert links[0][2] == "true" and [c for *_, c in links[1:]] == [None, None]
    on_year = year_nav(years / "events" / "2023" / "page" / "2" / "index.html")
    assert [current for *_, current in on_year] == [None, "true", None]
    for text, href, _ in on_year:
        assert (years / "events" / "2023" / "page" / "2" / str(href)).resolve().is_file(), text
    assert parse(years / "news" / "index.html").find(".//nav[@class='year-nav']") is None


def test_year_lists_are_in_the_sitemap(years: Path) -> None:
    sitemap = (years / "sitemap.xml").read_text(encoding="utf-8")
    assert "/events/2023/</loc>" in sitemap and "/events/2021/</loc>" in sitemap


def test_the_sample_archives_its_events_by_year(sample: Path, sample_site: Path) -> None:
    nav = year_nav(sample / "events" / "index.html")
    years_listed = sorted(int(text[:4]) for text, *_ in nav[1:])
    dates = [line.split(":", 1)[1].strip()[:4] for md in (sample_site / "content" / "events").glob("*.md")
             for line in md.read_text(encoding="utf-8").splitlines() if line.startswith("date:")]
    assert years_listed == sorted({int(d) for d in dates})
    for year in years_listed:
        assert (sample / "events" / str(year) / "index.html").is_file()


def test_an_article_at_the_address_of_a_year_list_is_refused(tmp_path: Path) -> None:
    sections = [{"key": "events", "title": "活动纪实", "by_year": True}]
    site = make_site(tmp_path, {"content/events/y.md": article("标题", "2023-01-01", slug="2023")},
                     config={"sections": sections})
    with pytest.raises(SiteError) as caught:
        build_site(site)
    finding = next(f for f in caught.value.findings if f.code == "reserved-url")
    assert "2023 年列表" in finding.message and finding.location is not None
    assert finding.location.path == "content/events/y.md"


def test_by_year_must_be_true_or_false(tmp_path: Path) -> None:
    sections = [{"key": "events", "title": "活动纪实", "by_year": "是"}]
    site = make_site(tmp_path, {}, config={"sections": sections})
    with pytest.raises(SiteError) as caught:
        load_config(site)
    assert caught.value.findings[0].code == "config-bad-value" and "by_year" in caught.value.findings[0].message


def test_page_two_of_the_honours_keeps_its_heading(tmp_path: Path) -> None:
    honours = "- {title: 文明社区, year: 2022, level: 市级, issuer: 市文明办}\n"
    files = {f"content/honors/h{i}.md": article(f"荣誉报道第{i}篇", f"2022-0{i}-01") for i in range(1, 4)}
    files["content/_data/honors.yaml"] = honours
    build_site(make_site(tmp_path, files, config={"pagination": 2}))
    second = parse(tmp_path / "output" / "honors" / "page" / "2" / "index.html")
    assert texts(second.find(".//main//h1")) == "荣誉表彰（第 2 页）"
    assert [texts(a) for a in second.iterfind(".//ul[@class='page-list']//a")] == ["荣誉报道第1篇"]
    assert "第 2/2 页" in pager_of(tmp_path / "output" / "honors" / "page" / "2" / "index.html")[0]
