"""model: what is published, where, in which order; summaries, counts, tags, prev/next."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sitemaker import NOW, article, load, make_site

from civicpress.errors import Location
from civicpress.model import READING_SPEED, cut_summary

CST = timezone(timedelta(hours=8))


def rels(pages: tuple) -> list[str]:
    return [p.rel for p in pages]


def section(site, key):  # type: ignore[no-untyped-def]
    return next(s for s in site.sections if s.key == key)


# ---------------------------------------------------------------- ordering


def test_section_order_weight_first_then_newest(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/old.md": article("旧", "2021-01-01"),
            "content/news/new.md": article("新", "2023-01-01"),
            "content/news/mid.md": article("中", "2022-01-01"),
            "content/news/pin2.md": article("置顶二", "2020-01-01", weight=2),
            "content/news/pin1.md": article("置顶一", "2019-01-01", weight=1),
            "content/news/same-b.md": article("同日乙", "2022-06-01"),
            "content/news/same-a.md": article("同日甲", "2022-06-01"),
            "content/news/later.md": article("当天晚些", "2022-06-01 18:00"),
        },
    )
    site, findings = load(site_dir)
    assert findings.items == []
    assert rels(section(site, "news").pages) == [
        "news/pin1.md",
        "news/pin2.md",
        "news/new.md",
        "news/later.md",
        "news/same-a.md",  # same time: by file, so the order never changes between builds
        "news/same-b.md",
        "news/mid.md",
        "news/old.md",
    ]


def test_sections_follow_config_order_and_articles_newest_first(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/achievements/a.md": article("成效", "2022-03-01"),
            "content/news/b.md": article("动态", "2022-01-01", weight=1),
            "content/events/c.md": article("活动", "2022-02-01"),
            "content/about.md": article("关于", None),
            "content/contact.md": article("联系", None),
        },
    )
    site, _ = load(site_dir)
    assert [s.key for s in site.sections] == ["news", "events", "honors", "achievements"]
    assert rels(site.pages) == ["news/b.md", "events/c.md", "achievements/a.md", "about.md", "contact.md"]
    assert [p.rel for p in site.articles()] == ["achievements/a.md", "events/c.md", "news/b.md"]
    assert section(site, "honors").pages == ()


def test_prev_next_within_a_section(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/a.md": article("一", "2022-03-01"),
            "content/news/b.md": article("二", "2022-02-01"),
            "content/news/c.md": article("三", "2022-01-01"),
            "content/events/x.md": article("活动", "2022-02-15"),
            "content/about.md": article("关于", None),
        },
    )
    site, _ = load(site_dir)
    by_rel = site.by_rel

    def neighbours(rel: str) -> tuple[str | None, str | None]:
        newer, older = site.neighbours[by_rel[rel].url]
        return (newer.rel if newer else None, older.rel if older else None)

    assert neighbours("news/a.md") == (None, "news/b.md")
    assert neighbours("news/b.md") == ("news/a.md", "news/c.md")
    assert neighbours("news/c.md") == ("news/b.md", None)
    assert neighbours("events/x.md") == (None, None)  # never across sections
    assert by_rel["about.md"].url not in site.neighbours


# ---------------------------------------------------------------- what is published


def test_drafts_future_and_expired_are_left_out(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/ok.md": article("正常", "2022-01-01"),
            "content/news/draft.md": article("草稿", "2022-01-01", draft=True),
            "content/news/future.md": article("未来", "2030-01-01"),
            "content/news/scheduled.md": article("定时", "2022-01-01", publish_date="2030-01-01"),
            "content/news/published.md": article("已到", "2030-01-01", publish_date="2024-01-01"),
            "content/news/expired.md": article("过期", "2022-01-01", expiry_date="2023-01-01"),
            "content/news/not-yet-expired.md": article("未过期", "2022-01-01", expiry_date="2030-01-01"),
            "content/draft-page.md": article("草稿页", None, draft=True),
        },
    )
    site, findings = load(site_dir)
    assert findings.items == []
    assert sorted(rels(site.pages)) == ["news/not-yet-expired.md", "news/ok.md", "news/published.md"]
    assert set(site.unpublished) == {
        "news/draft.md",
        "news/future.md",
        "news/scheduled.md",
        "news/expired.md",
        "draft-page.md",
    }

    with_drafts, _ = load(site_dir, drafts=True)
    assert "news/expired.md" not in with_drafts.by_rel  # expired stays out even with drafts
    assert set(with_drafts.unpublished) == {"news/expired.md"}
    assert {"news/draft.md", "news/future.md", "news/scheduled.md", "draft-page.md"} <= set(with_drafts.by_rel)
    assert with_drafts.by_rel["news/draft.md"].draft is True


def test_now_decides_future_pages(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {"content/news/a.md": article("定时", "2024-06-01 20:00")})  # 12:00 UTC
    before, _ = load(site_dir, now=datetime(2024, 6, 1, 11, 59, tzinfo=timezone.utc))
    after, _ = load(site_dir, now=datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc))
    assert before.pages == ()
    assert rels(after.pages) == ["news/a.md"]


def test_unpublished_section_intro_and_home_intro(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/_index.md": "---\ntitle: 欢迎来到永丰社区\n---\n社区简介。\n",
            "content/news/_index.md": "---\ntitle: 动态\n---\n栏目简介。\n",
            "content/events/_index.md": "---\ntitle: 活动\ndraft: true\n---\n草稿简介。\n",
        },
    )
    site, _ = load(site_dir)
    assert site.home_intro is not None
    assert site.home_intro.title == "欢迎来到永丰社区"
    assert site.home_intro.body == "社区简介。\n"
    assert site.home_intro.source == "content/_index.md"
    assert site.home_intro.body_line == 4
    assert section(site, "news").intro.body == "栏目简介。\n"
    assert section(site, "events").intro is None
    assert site.pages == ()  # intros are not pages


def test_no_home_intro(tmp_path: Path) -> None:
    site, _ = load(make_site(tmp_path, {"content/news/a.md": article("a")}))
    assert site.home_intro is None


# ---------------------------------------------------------------- URLs


def test_urls_slugs_and_permalinks(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/重庆银行.md": article("重庆银行进社区", "2022-09-19"),
            "content/news/yang-ge.md": article("秧歌", "2022-09-19"),
            "content/news/slug.md": article("自定义", "2022-09-19", slug="my-slug"),
            "content/events/秧歌比赛.md": article("秧歌比赛", "2021-05-04"),
            "content/events/explicit.md": article("明确", "2020-01-02", slug="ming-que"),
            "content/about.md": article("关于我们", None),
        },
    )
    site, _ = load(site_dir)
    urls = {p.rel: p.url for p in site.pages}
    assert urls == {
        "news/重庆银行.md": "/news/chong-qing-yin-hang/",
        "news/yang-ge.md": "/news/yang-ge/",
        "news/slug.md": "/news/my-slug/",  # an explicit slug wins over the file name
        "events/秧歌比赛.md": "/events/2021/yang-ge-bi-sai/",  # date permalink from the config
        "events/explicit.md": "/events/2020/ming-que/",
        "about.md": "/about/",
    }
    page = site.by_rel["events/秧歌比赛.md"]
    assert page.slug == "yang-ge-bi-sai"
    assert page.output == "events/2021/yang-ge-bi-sai/index.html"


def test_full_date_permalink(tmp_path: Path) -> None:
    sections = [{"key": "news", "title": "动态", "permalink": "/:section/:year/:month/:day/:slug/"}]
    site_dir = make_site(tmp_path, {"content/news/a.md": article("a", "2022-9-1")}, {"sections": sections})
    site, _ = load(site_dir)
    assert site.pages[0].url == "/news/2022/09/01/a/"


def test_unicode_slug_style(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {"content/news/重庆银行.md": article("重庆银行")}, {"slug_style": "unicode"})
    site, _ = load(site_dir)
    assert site.pages[0].url == "/news/重庆银行/"


def test_slug_from_title_when_the_file_name_has_none(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {"content/news/（）.md": article("社区新闻")})
    site, _ = load(site_dir)
    assert site.pages[0].url == "/news/she-qu-xin-wen/"


def test_duplicate_url_names_both_files(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/a.md": article("甲", "2022-01-01", slug="same"),
            "content/news/b.md": article("乙", "2022-01-02", slug="same"),
        },
    )
    _, findings = load(site_dir)
    (finding,) = findings.errors
    assert finding.code == "duplicate-url"
    assert "content/news/a.md" in finding.message
    assert "content/news/b.md" in finding.message
    assert finding.location == Location("content/news/b.md", 4)  # the slug line of the second file


def test_duplicate_url_from_pinyin_of_file_names(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {"content/news/长大.md": article("甲"), "content/news/zhang-da.md": article("乙")},
    )
    _, findings = load(site_dir)
    assert [f.code for f in findings.errors] == ["duplicate-url"]
    assert "长大.md" in findings.errors[0].message and "zhang-da.md" in findings.errors[0].message


# ---------------------------------------------------------------- tags


def test_tags_with_homophone_pinyin_get_distinct_slugs(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/a.md": article("甲", "2022-01-01", tags=["党建", "志愿服务"]),
            "content/news/b.md": article("乙", "2022-03-01", tags=["当见"]),
            "content/events/c.md": article("丙", "2022-02-01", tags=["党建"]),
        },
    )
    site, _ = load(site_dir)
    terms = {t.name: t for t in site.tags}
    assert terms["党建"].slug == "dang-jian"
    assert terms["当见"].slug == "dang-jian-2"
    assert terms["党建"].url == "/tags/dang-jian/"
    assert terms["当见"].url == "/tags/dang-jian-2/"
    assert terms["志愿服务"].url == "/tags/zhi-yuan-fu-wu/"
    assert [p.rel for p in terms["党建"].pages] == ["events/c.md", "news/a.md"]  # newest first
    assert len({t.url for t in site.tags}) == len(site.tags)


def test_tag_slugs_are_stable_whichever_page_comes_first(tmp_path: Path) -> None:
    first = make_site(tmp_path / "1", {"content/news/a.md": article("a", tags=["当见", "党建"])})
    second = make_site(tmp_path / "2", {"content/news/a.md": article("a", tags=["党建", "当见"])})
    assert [(t.name, t.slug) for t in load(first)[0].tags] == [(t.name, t.slug) for t in load(second)[0].tags]


def test_tags_of_unpublished_pages_are_not_listed(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {"content/news/a.md": article("a", tags=["秘密"], draft=True)})
    site, _ = load(site_dir)
    assert site.tags == ()


# ---------------------------------------------------------------- summaries and counts


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("第一句。第二句！第三句？第四句。", 100, "第一句。第二句！第三句？第四句。"),
        ("第一句。第二句！第三句？第四句。", 8, "第一句。第二句！"),
        ("第一句。第二句！第三句？第四句。", 11, "第一句。第二句！"),
        ("第一句。第二句！第三句？第四句。", 12, "第一句。第二句！第三句？"),
        ("第一句。第二句！第三句？第四句。", 4, "第一句。"),
        ("他说：“好。”然后走了。", 7, "他说：“好。”"),  # closing quote stays with its sentence
        ("一二三四五六七八九十", 5, "一二三四…"),  # no sentence end: cut with an ellipsis
        ("很长的第一句话没有句号。第二句。", 6, "很长的第一…"),
        ("第一段。\n第二段。", 100, "第一段。"),  # only the first paragraph
        ("", 10, ""),
    ],
)
def test_cut_summary(text: str, limit: int, expected: str) -> None:
    summary = cut_summary(text, limit)
    assert summary == expected
    assert len(summary) <= limit or not text


def test_summary_from_body_or_front_matter(tmp_path: Path) -> None:
    body = "社区召开党员大会。会议总结了上半年工作！部署下半年任务。\n\n第二段。"
    site_dir = make_site(
        tmp_path,
        {
            "content/news/a.md": article("甲", body=body),
            "content/news/b.md": article("乙", body=body, summary="编辑写的摘要"),
            "content/news/c.md": article("丙", body="**加粗**的[链接](a.md)开头。"),
        },
        {"summary_length": 20},
    )
    site, _ = load(site_dir)
    assert site.by_rel["news/a.md"].summary == "社区召开党员大会。会议总结了上半年工作！"
    assert site.by_rel["news/b.md"].summary == "编辑写的摘要"
    assert site.by_rel["news/c.md"].summary == "加粗的链接开头。"


def test_summary_does_not_run_into_a_heading(tmp_path: Path) -> None:
    site_dir = make_site(tmp_path, {"content/news/a.md": article("甲", body="导语。\n\n## 一、主要做法\n\n正文。")})
    site, _ = load(site_dir)
    assert site.pages[0].summary == "导语。"


def test_character_count_and_reading_minutes(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/news/short.md": article("短", body="社区 2022 年 Hello world，好！"),
            "content/news/exact.md": article("整", body="字" * (2 * READING_SPEED)),
            "content/news/over.md": article("多", body="字" * (2 * READING_SPEED + 1)),
            "content/news/markup.md": article("标", body="## 标题\n\n**加粗**[链接](a.md)![图](p.png)"),
        },
    )
    site, _ = load(site_dir)
    short = site.by_rel["news/short.md"]
    assert short.chars == 7  # 社 区 2022 年 Hello world 好: a Latin word or a number counts once
    assert short.reading_minutes == 1
    assert READING_SPEED == 400
    assert site.by_rel["news/exact.md"].chars == 800
    assert site.by_rel["news/exact.md"].reading_minutes == 2
    assert site.by_rel["news/over.md"].reading_minutes == 3
    assert site.by_rel["news/markup.md"].chars == 6  # 标题加粗链接: markup and images are not read


# ---------------------------------------------------------------- the rest of the model


def test_build_date_is_the_newest_article(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {"content/news/a.md": article("a", "2022-01-01"), "content/news/b.md": article("b", "2023-05-06")},
    )
    site, _ = load(site_dir)
    assert site.build_date == datetime(2023, 5, 6, tzinfo=CST)
    empty, _ = load(make_site(tmp_path / "empty", {}))
    assert empty.build_date == datetime(1970, 1, 1, tzinfo=timezone.utc)
    assert site.build_date < NOW


def test_assets_and_page_fields(tmp_path: Path) -> None:
    site_dir = make_site(
        tmp_path,
        {
            "content/events/a.md": article("活动", tags=["党建"], weight=3, extra={"主持人": "王芳"}),
            "content/events/images/p.png": b"\x89PNG",
        },
    )
    site, _ = load(site_dir)
    assert dict(site.assets) == {"events/images/p.png": "/events/images/p.png"}
    page = site.pages[0]
    assert page.source == "content/events/a.md"
    assert page.section == "events"
    assert page.title == "活动"
    assert page.tags == ("党建",)
    assert page.weight == 3
    assert page.extra["主持人"] == "王芳"
    assert page.location("tags") == Location("content/events/a.md", 4)
    assert page.location() == Location("content/events/a.md")
    assert page.body_line == 10  # tags take two lines


def test_section_per_page(tmp_path: Path) -> None:
    sections = [{"key": "news", "title": "动态", "paginate": 3}, {"key": "events", "title": "活动"}]
    site, _ = load(make_site(tmp_path, {}, {"sections": sections, "pagination": 7}))
    assert [(s.key, s.per_page, s.url) for s in site.sections] == [("news", 3, "/news/"), ("events", 7, "/events/")]


def test_related_articles_rank_by_shared_tags_then_date_on_random_sites(tmp_path: Path) -> None:
    """The bit-set ranking of related() agrees with counting shared tags one page at a time."""
    import random

    rng = random.Random(7)
    vocabulary = [f"标签{n}" for n in range(12)]
    files = {}
    for n in range(120):
        tags = rng.sample(vocabulary, rng.choice([0, 1, 2, 3, 5, 9]))
        files[f"content/{rng.choice(['news', 'events'])}/p{n}.md"] = article(
            f"第{n}篇", f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", tags=tags)
    files["content/about.md"] = article("关于", None, tags=["标签1", "标签2"])  # a plain page: never related
    site, _ = load(make_site(tmp_path, files))
    for page in site.pages:
        for limit in (1, 4, 200):
            assert site.related(page, limit) == site._related_by_counting(page, limit), page.source
