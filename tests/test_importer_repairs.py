"""Each repair of the importer on its own, the byte-shift repair on damage we make ourselves,
and the property that clean Simplified text passes through every repair unchanged."""

from __future__ import annotations

import random

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from civicpress.errors import Location
from civicpress.importer.article import escape_text, summary, yaml_scalar
from civicpress.importer.boilerplate import Metadata, strip
from civicpress.importer.cleaning import clean
from civicpress.importer.hanzi_frequency import RANKED
from civicpress.importer.mojibake import mark_lost_characters, repair_text
from civicpress.importer.paragraphs import rejoin
from civicpress.importer.pinyin_marks import remove, strip_notes
from civicpress.importer.punctuation import normalise_text
from civicpress.importer.repair_log import Line, RepairLog
from civicpress.importer.simplify import convert, to_simplified
from civicpress.importer.structure import Heading, ListBlock, Paragraph, Table, parse
from civicpress.importer.terms import suggest_tags
from civicpress.sources import load_yaml

# Sentences of our own, in the register of community reports.
SENTENCES = [
    "社区党委坚持每周召开一次例会，研究解决居民反映的实际问题。",
    "志愿服务队定期走访独居老人，帮助他们购买生活用品。",
    "今年社区新建了两处健身广场，居民晨练有了好去处。",
    "网格员每天巡查楼道，及时清理杂物，消除消防隐患。",
    "居民议事会讨论通过了加装电梯的方案，得到大多数住户支持。",
    "社区卫生服务站为老年人免费测量血压和血糖。",
    "我们把党员分成若干小组，分别联系辖区内的困难家庭。",
    "暑假期间，社区图书室向中小学生开放，每天接待三十多人。",
    "物业公司和业主委员会共同制定了小区停车管理办法。",
    "社区组织开展垃圾分类宣传活动，发放宣传材料一千余份。",
    "退休教师自发组成辅导小组，义务为孩子们补习功课。",
    "社区与辖区企业签订共建协议，联合开展就业培训。",
    "冬季供暖前，工作人员逐户检查暖气管道，确保居民温暖过冬。",
    "为方便居民办事，社区服务大厅实行一窗受理、全程代办。",
    "邻里节期间，各楼栋居民拿出拿手好菜，一起吃百家宴。",
    "社区调解委员会化解邻里纠纷二十余起，促进了社区和谐。",
    "党员先锋岗设在服务大厅门口，随时为群众答疑解惑。",
    "我们坚持把群众满意作为检验工作成效的标准。",
    "社区文艺队在重阳节为老人们表演了秧歌和快板。",
    "新建的便民市场解决了居民买菜难的问题。",
]


def _damaged_decode(data: bytes) -> str:
    """A decoder that prints ``?`` for a byte it cannot use and goes on with the next byte."""
    out: list[str] = []
    index = 0
    while index < len(data):
        if data[index] < 0x80:
            out.append(chr(data[index]))
            index += 1
            continue
        try:
            char = data[index : index + 2].decode("gbk")
            if len(char) == 1 and index + 1 < len(data):
                out.append(char)
                index += 2
                continue
        except UnicodeDecodeError:
            pass
        out.append("?")
        index += 1
    return "".join(out)


def damage(text: str, at: int, mode: str) -> str:
    """Lose the lead byte of character ``at`` (``drop``), or print it as ``?`` (``mark``)."""
    data = text.encode("gbk")
    offset = len(text[:at].encode("gbk"))
    replacement = b"" if mode == "drop" else b"\xff"
    return _damaged_decode(data[:offset] + replacement + data[offset + 1 :])


def _matches(repaired: str, original: str) -> bool:
    """The original, with at most two characters lost to ``□``."""
    return (
        len(repaired) == len(original)
        and 1 <= repaired.count("□") <= 2
        and all(a == b or a == "□" for a, b in zip(repaired, original, strict=True))
    )


def _repair(text: str) -> str:
    repaired, _, _ = repair_text(text)
    return mark_lost_characters(repaired)[0]


# -- 1. byte shift ------------------------------------------------------------------------------


def test_seed_run_is_repaired_as_far_as_its_bytes_allow() -> None:
    damaged = "民需我做、民困我?guī)汀钡墓ぷ骼砟?,充分發(fā)揮"
    repaired, repairs, unrepaired = repair_text(damaged)
    assert repaired == "民需我做、民困我□”的工作理□,充分發(fā)揮"
    assert len(repairs) == 1 and repairs[0].notes == 1 and repairs[0].guesses == ("", "念")
    assert not unrepaired


def test_the_seed_damage_reproduced_from_clean_text() -> None:
    original = "民困我幫”的工作理念,充分發揮"  # the Traditional page the damage happened to
    damaged = damage(original, original.index("幫"), "mark")
    assert damaged == "民困我?汀钡墓ぷ骼砟?,充分發揮"
    assert _repair(damaged) == "民困我□”的工作理□,充分發揮"


@pytest.mark.parametrize("variant", ["simplified", "traditional", "half-width"])
def test_synthetic_byte_shifts_are_repaired(variant: str) -> None:
    s2t = opencc.OpenCC("s2t")
    rng = random.Random(20240601)
    exact = tried = 0
    for sentence in SENTENCES:
        text = s2t.convert(sentence) if variant == "traditional" else sentence
        if variant != "simplified":
            text = text.replace("，", ",").replace("、", ",")
        for mode in ("drop", "mark"):
            at = rng.randrange(len(text) - 4)
            damaged = damage(text, at, mode)
            repaired = _repair(damaged)
            tried += 1
            exact += _matches(repaired, text)
            assert "?" not in repaired or repaired.count("?") < damaged.count("?")
    # Measured: 90% of simplified, 78% of Traditional runs come back exactly; the rest are
    # one character off at the edge of the damage or left as "□", and always flagged.
    assert exact / tried >= 0.75, f"{exact} of {tried}"


def test_utf8_read_as_gbk_is_undone_exactly() -> None:
    garbled = "工作理念".encode().decode("gbk")
    assert repair_text(f"坚持{garbled}与实践相结合")[0] == "坚持工作理念与实践相结合"


def test_a_lone_question_mark_is_a_lost_character_but_a_question_stays() -> None:
    assert mark_lost_characters("综合?务大厅") == ("综合□务大厅", 1)
    assert mark_lost_characters("上门?T测血压")[0] == "上门□测血压"
    assert mark_lost_characters("你们知道吗?") == ("你们知道吗?", 0)
    assert mark_lost_characters("问题是什么?还要做什么") == ("问题是什么?还要做什么", 0)


def test_unrepairable_garbage_is_kept_and_flagged() -> None:
    log = RepairLog()
    lines = [Line(7, "居民ぱ゜ぴ反映")]
    text, _ = clean(lines, log)
    assert text[0].text == "居民ぱ゜ぴ反映"
    assert [flag.line for flag in log.flags] == [7]


# -- 2. pinyin ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "count"),
    [
        ("社區(qū)發(fā)展", "社區發展", 2),
        ("會（huì）議", "會議", 1),
        ("社區（qū ）", "社區", 1),
        ("最後一個字社區(q", "最後一個字社區", 1),
        ("社區qū)建設", "社區建設", 1),
        ("?guī)汀", "?汀", 1),
        ("社区(CPC)委员会", "社区(CPC)委员会", 0),
        ("办法(略)", "办法(略)", 0),
        ("第一(a)项", "第一(a)项", 0),
        # other shapes: a word's syllables together, tone numbers, a space, square brackets
        ("社区（shè qū）工作", "社区工作", 1),
        ("服务中心（zhōng xīn）", "服务中心", 1),
        ("社区(she4 qu1)工作", "社区工作", 1),
        ("社區 (qū)", "社區", 1),
        ("社区[qū]工作", "社区工作", 1),
        ("中心(center)", "中心(center)", 0),  # English, not the reading of 中心
        ("参加(Party)活动", "参加(Party)活动", 0),
        ("人员(an)", "人员(an)", 0),  # not a reading of 员
    ],
)
def test_pinyin_annotations(text: str, expected: str, count: int) -> None:
    assert strip_notes(text) == (expected, count)


def test_pinyin_annotation_broken_over_two_lines() -> None:
    log = RepairLog()
    lines = remove([Line(1, "這是社區(q"), Line(2, "ū)的工作")], log)
    assert [line.text for line in lines] == ["這是社區", "的工作"]
    assert log.counts["pinyin"] == 1


# -- 3. Traditional → Simplified ----------------------------------------------------------------


def test_traditional_with_the_known_misses() -> None:
    log = RepairLog()
    source = "洋溢著歡樂，成效顯著，著名學者的著作，著力解決，沉著應對，穿著整齊，這是甚麼，「好」。"
    lines = to_simplified([Line(1, source)], log)
    assert lines[0].text == "洋溢着欢乐，成效显著，著名学者的著作，着力解决，沉着应对，穿着整齐，这是什么，“好”。"
    assert log.counts["zhe"] == 5
    assert convert("乾淨的頭髮") == "干净的头发"  # t2s, not tw2sp: no regional rewording


def test_a_simplified_source_keeps_its_zhu() -> None:
    log = RepairLog()
    text = "他著有三部著作，成绩显著，看着我们。"
    assert to_simplified([Line(1, text)], log)[0].text == text
    assert log.total == 0


# -- punctuation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("总书记指出,党的各级", "总书记指出，党的各级"),
        ("党支部,16个党小组", "党支部，16个党小组"),
        ("时间 11:25:00，共1,000人", "时间 11:25:00，共1,000人"),
        ("《永丰----我的家园》", "《永丰——我的家园》"),
        ("网络建设。、先后制订", "网络建设。先后制订"),
        ("社区(居委会)和(1)项", "社区（居委会）和（1）项"),
        ("真的吗?", "真的吗？"),
        ("民困我?的工作", "民困我?的工作"),
        ("好……好…", "好……好……"),
    ],
)
def test_punctuation(text: str, expected: str) -> None:
    assert normalise_text(text)[0] == expected


# -- 4. boilerplate -----------------------------------------------------------------------------


def test_boilerplate_lines_and_phrases() -> None:
    log = RepairLog()
    lines = [
        Line(1, "标题"),
        Line(2, "时间：2022-09-19 11:25:00"),
        Line(3, "导语：标题一文来源于网友上传，不代表本站观点，若需要原创文章可咨询客服老师，欢迎参考。"),
        Line(4, "正文第一句。本文由范文网整理。"),
        Line(5, "第 2 页 共 5 页"),
        Line(6, "- 3 -"),
        Line(7, "2/5"),
        Line(8, "www.example-fanwen.com"),
        Line(9, "接着写第2页共5页下去。"),
    ]
    kept, found = strip(lines, log)
    assert [line.text for line in kept] == ["标题", "正文第一句。", "接着写下去。"]
    assert str(found) == "2022-09-19"
    assert log.counts["boilerplate"] == 8


def _cleaned(texts: list[str]) -> tuple[list[str], Metadata]:
    kept, found = clean([Line(i, t) for i, t in enumerate(texts, 1)], RepairLog())
    return [line.text for line in kept if line.text.strip()], found


def test_paywall_notices_and_links_to_other_articles_leave_the_text() -> None:
    body = "一是社区消防工作机制不畅，公安消防与社区工作配合有待加强，尚未形成工作合力，需要进一步理顺。"
    kept, _ = _cleaned([
        "东风社区消防工作情况通报",
        "一是社区消防工作机制不畅，公安消防与社区 当前隐藏内容免费查看"
        "工作配合有待加强，尚未形成工作合力，需要进一步理顺。",
        "---此处隐藏826字，下载后查看---",
        "二是居民楼道堆放杂物的现象仍然存在，部分小区消防通道被占用，整改还需持续推进。",
        "【上一篇】：东风社区开展重阳节敬老活动",
        "下一篇：社区志愿者走进养老院",
    ])
    assert kept == ["东风社区消防工作情况通报", body,
                    "二是居民楼道堆放杂物的现象仍然存在，部分小区消防通道被占用，整改还需持续推进。"]


def test_a_site_name_glued_to_the_end_of_several_lines_is_cut_but_a_lists_common_ending_stays() -> None:
    kept, _ = _cleaned([
        "红星社区开展垃圾分类宣传活动",
        "近日，红星社区组织志愿者开展垃圾分类宣传。qqq好文章网—基层工作者的资料库",
        "活动中，志愿者向居民发放宣传册两百余份，现场解答居民疑问。",
        "责编：ABC123好文章网—基层工作者的资料库",
    ])
    assert kept == ["红星社区开展垃圾分类宣传活动", "近日，红星社区组织志愿者开展垃圾分类宣传。",
                    "活动中，志愿者向居民发放宣传册两百余份，现场解答居民疑问。"]
    items = ["各社区建成的站点如下：", "红星社区新时代文明实践站", "光明社区新时代文明实践站",
             "东风社区新时代文明实践站"]
    kept_lines, _ = strip([Line(i, t) for i, t in enumerate(["社区文明实践站建设情况", *items], 1)], RepairLog())
    assert [line.text for line in kept_lines] == ["社区文明实践站建设情况", *items]


def test_a_columns_name_over_the_article_and_a_menu_item_between_chrome_lines_leave() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 16)]
    kept, _ = _cleaned(["工作动态", "光明社区召开居民议事会", *body, "推荐阅读", "热门排行", "邻里圈", "网站首页"])
    assert kept == ["光明社区召开居民议事会", *body]


def test_a_watermark_word_repeated_on_lines_of_its_own_leaves_a_caption_repeated_stays() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 31)]
    texts = ["光明社区召开居民议事会", *body[:10], "云帆文档", *body[10:20], "云帆文档", *body[20:]]
    kept, _ = strip([Line(i, t) for i, t in enumerate(texts, 1)], RepairLog())
    assert [line.text for line in kept] == ["光明社区召开居民议事会", *body]
    texts = ["光明社区召开居民议事会", *body[:10], "议事会现场", *body[10:20], "议事会现场", *body[20:]]
    kept, _ = strip([Line(i, t) for i, t in enumerate(texts, 1)], RepairLog())
    assert [line.text for line in kept] == texts  # a photo's caption said twice is the writer's


def test_credit_lines_and_cms_keys_go_to_the_front_matter_and_a_list_of_links_after_the_end_leaves() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 4)]
    kept, found = _cleaned(["光明社区召开居民议事会", "- 发布人:webmaster", "- 点击:2048",
                            "2023-05-06 09:10:11  融媒体记者 周小川 编辑:zhangsan", *body,
                            "文/晚报·新闻客户端记者:李大海 通讯员:王小明",
                            "  • 东风社区开展端午节包粽子活动", "  • 西湖街道召开安全生产工作会议"])
    assert kept == ["光明社区召开居民议事会", *body]
    assert str(found.date) == "2023-05-06" and found.author == "周小川"
    assert _cleaned(["标题", *body, "文/晚报记者:李大海 通讯员:王小明"])[1].author == "李大海"
    items = ["社区下一步工作打算如下：", "• 继续推进老旧小区改造；", "• 办好社区老年食堂。"]
    assert _cleaned(["光明社区工作计划", *body, *items])[0][-2:] == items[1:]  # the report's own list stays


def test_a_site_name_alone_at_the_head_and_a_title_of_two_characters_yields_to_the_file_name() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 4)]
    assert _cleaned(["光明社区召开居民议事会", "蓝天学习网", *body])[0] == ["光明社区召开居民议事会", *body]
    lines = [Line(i, t) for i, t in enumerate(["近日", "在全市表彰大会上", "十名社区工作者受到表彰。"], 1)]
    assert parse(lines, None, "十名社区工作者受表彰", None).title == "十名社区工作者受表彰"
    lines = [Line(1, "从军营走出的“小巷总理”——"), Line(2, "魏成明从部队转业后来到社区。")]
    assert parse(lines, None, "", None).title == "从军营走出的“小巷总理”"


def test_page_furniture_of_news_sites_leaves_and_a_bracketed_name_is_the_author() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 4)]
    kept, found = _cleaned([
        "光明社区召开居民议事会", "导语", "首页 > 社区新闻 > 基层治理 > 光明社区召开居民议事会暨“邻里和谐”主题协商会",
        "打印:", "字体:", "文章图片", *body, "(周小川)", "扫描二维码", "网站简介广告服务联系方式法律声明",
    ])
    assert kept == ["光明社区召开居民议事会", *body] and found.author == "周小川"
    assert _cleaned(["标题", *body, "(全文完)"])[0][-1] == "（全文完）"  # not a name: it stays


def test_a_site_presenting_its_samples_in_its_own_words_leaves() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 4)]
    preface = "总结是对过去工作的回顾。以下是一些社区的工作总结，大家可以参考他们的写作方法。"
    assert _cleaned([preface, *body])[0] == body


def test_titles_after_a_columns_name_or_a_topic_tag_and_the_title_said_again_in_a_block() -> None:
    body = "4月20日，全国妇联发布了10名社区抗疫先锋的先进事迹。"
    lines = [Line(1, "【网上展示】——东风社区获评省三八红旗集体"), Line(2, body)]
    assert parse(lines, None, "", None).title == "东风社区获评省三八红旗集体"
    lines = [Line(1, "【东风社区获评省三八红旗集体】近日，从市妇联传来喜讯，东风社区获评省三八红旗集体。")]
    assert parse(lines, None, "", None).title == "东风社区获评省三八红旗集体"
    texts = ["#妇联#东风社区获评省三八红旗集体", "", body, "#妇联#东风社区获评省三八红旗集体", "",
             "东风社区妇联组织广大妇女开展文明创建、结对帮扶、矛盾调解志愿服务活动。"]
    kept, found = clean([Line(i, t) for i, t in enumerate(texts, 1)], RepairLog())
    report = parse(kept, None, "", None, metadata=found)
    assert report.title == "东风社区获评省三八红旗集体"
    assert [b.text for b in report.blocks if isinstance(b, Paragraph)] == [body, texts[-1]]


def test_unnumbered_subheadings_and_a_report_in_sections_titled_by_its_file() -> None:
    paragraph = "10月13日，社区在会议室举办老年人茶话会，老同志们一起交流了这些年的发展变化，现场一片欢声笑语。"
    texts = ["景鸿社区", paragraph, "唐家、燕山社区", paragraph, "码头街社区", paragraph]
    report = parse([Line(i, t) for i, t in enumerate(texts, 1)], None, "各社区开展重阳节活动", None)
    assert report.title == "各社区开展重阳节活动" and report.author == ""
    assert report.outline() == [(1, "景鸿社区"), (1, "唐家、燕山社区"), (1, "码头街社区")]
    verse = ["有人说", "她们像花", "迎着骄阳盛放", paragraph]
    report = parse([Line(i, t) for i, t in enumerate(["致敬她们", *verse], 1)], None, "", None)
    assert report.outline() == []  # short lines beside short lines: a verse, not headings
    numbered = ["社区工作总结", "一、主要做法", paragraph, "重点工作", paragraph]
    assert parse([Line(i, t) for i, t in enumerate(numbered, 1)], None, "", None).outline() == [(1, "一、主要做法")]


def test_trails_keys_datelines_and_registration_numbers_of_government_and_news_sites() -> None:
    body = [f"第{n}段，社区居民议事会围绕加装电梯、停车管理等事项开展协商，共解决难题{n}件。" for n in range(1, 4)]
    kept, found = _cleaned([
        "民族团结进步", "您当前的位置：晚报网 >> 社区频道 >> 民族团结进步 >> 正文", "光明社区召开居民议事会",
        "来源：晚报 作者：周 川 2024年01月31日 08:21", "字体大小：【", "新闻提要",
        "【光明区融媒体中心讯】" + body[0], *body[1:], "黔公网安备52010202001234号",
    ])
    assert kept == ["光明社区召开居民议事会", *body]
    assert (found.author, found.origin, str(found.date)) == ("周 川", "晚报", "2024-01-31")
    kept, found = _cleaned(["标题", "发布时间：2019-10-28 | 来源：军网 | 作者：佚名", "本报讯（记者 张鑫）" + body[0]])
    assert (kept, found.origin, found.author) == (["标题", body[0]], "军网", "张鑫")
    assert _cleaned(["标题", "编辑：陶倩2021-08-05 10:01内容来源：龙华新闻", *body])[1].origin == "龙华新闻"


def test_one_line_paragraphs_under_headings_of_one_width_are_not_hard_wrapped() -> None:
    heads = ["强化宣传教育，增强民族意识", "搭建交流平台，增进相互理解", "开展志愿服务，促进社会和谐"]
    paragraphs = [f"第{n}段，东方社区结合自身实际，充分利用社区公告栏、电子显示屏、微信公众号等多种渠道开展宣传教育，"
                  f"邀请各民族居民积极参与{'，' * n}增强对中华民族的认同感和归属感。" for n in range(1, 4)]
    texts = [text for pair in zip(heads, paragraphs, strict=True) for text in pair]
    assert _rejoin("\n".join(texts)) == texts
    report = parse([Line(i, t) for i, t in enumerate(texts, 1)], None, "东方社区民族团结进步创建工作", None)
    assert report.title == "东方社区民族团结进步创建工作" and [h for _, h in report.outline()] == heads


def test_a_headline_with_its_exclamation_and_its_copies_under_the_pictures() -> None:
    title = "记者走进这个退役军人服务站，这组照片暖心了！"
    body = "近日，我们走访了星火社区的退役军人服务站，服务站内设有茶吧、书吧和会议室。"
    texts = [title, body, title, "服务站门口", body.replace("近日", "当天"), title,
             "星火社区的老兵们常来这里看书喝茶。"]
    report = parse([Line(i, t) for i, t in enumerate(texts, 1)], None, "", None)
    assert report.title == title and report.consumed == (3, 6)


def test_an_organisation_under_the_title_is_its_author_but_not_further_down() -> None:
    body = "社区党委坚持每月召开一次党员大会，组织学习十二次，走访群众三百户。"
    report = parse([Line(i, t) for i, t in enumerate(["社区工作总结", "红星街道光明社区", body], 1)], None, "", None)
    assert report.author == "红星街道光明社区"
    texts = ["民族团结创建总结", "编织民族团结纽带", "创建和谐民族社区", body]
    report = parse([Line(i, t) for i, t in enumerate(texts, 1)], None, "", None)
    assert report.author == "" and "创建和谐民族社区" in [b.text for b in report.blocks if isinstance(b, Paragraph)]


def test_a_box_before_a_spaced_name_is_a_byline() -> None:
    kept, found = _cleaned(["□ 王 芳", "社区治理是国家治理的基础，社区工作者是社区治理的骨干力量。"])
    assert kept == ["社区治理是国家治理的基础，社区工作者是社区治理的骨干力量。"] and found.author == "王 芳"


def test_a_labelled_preview_cut_off_mid_sentence_leaves_even_when_not_repeated() -> None:
    preview = "社区工作总结提要：一年来，社区在街道党工委和办事处的正确领导下，扎实推进各项工作，取得了"
    report = ["一、加强党建引领", "社区党委坚持每月召开一次党员大会，组织学习十二次。"]
    kept, _ = _cleaned(["社区工作总结", preview, *report])
    assert kept == ["社区工作总结", *report]


def test_titles_in_html_heading_tags_and_under_a_sites_list() -> None:
    text = ('<h1 class="t"> 东风社区党支部</h1><h1 class="t">抗洪救灾纪实</h1> '
            "东风社区党支部在抗洪救灾中冲在前、干在前，用实际行动赢得了群众的信任和支持。")
    kept, found = _cleaned([text])
    report = parse([Line(1, kept[0])], None, "", None, metadata=found)
    assert report.title == "东风社区党支部抗洪救灾纪实"
    assert isinstance(report.blocks[0], Paragraph) and report.blocks[0].text.startswith("东风社区党支部在抗洪救灾中")
    texts = ["- 社区治理创新案例汇编报告", "- 张三 李四主编", "- 12345字", "- 2024-12-23 17:53:27",
             "老旧小区改造中的居民参与研究——以两个社区为例", "作者：王五 赵六",
             "一、引言", "老旧小区改造涉及每家每户的切身利益，居民诉求多样，协调难度大。"]
    kept, found = _cleaned(texts)
    lines = [Line(texts.index(t) + 1, t) for t in kept]
    report = parse(lines, found.date, "", None, metadata=found)
    assert report.title == "老旧小区改造中的居民参与研究——以两个社区为例"
    assert not any("汇编" in block.text for block in report.blocks if isinstance(block, Paragraph))


# -- 5. re-joining ------------------------------------------------------------------------------


def _rejoin(text: str) -> list[str]:
    return [line.text for line in rejoin([Line(i, t) for i, t in enumerate(text.split("\n"), 1)], RepairLog())]


def test_rejoin_by_indentation() -> None:
    text = "标题\n　　第一段很长，被折成\n了两行。\n　　第二段。\n一、小标题\n　　一是第一点。"
    assert _rejoin(text) == ["标题", "第一段很长，被折成了两行。", "第二段。", "一、小标题", "一是第一点。"]


def test_rejoin_by_width_and_mended_words() -> None:
    text = (
        "标题\n"
        "社区居民委员会今年组织了多次文明创建活动，参与的居民很多，\n"
        "也得到了上级部门的充分肯定和表扬，大家都很高兴，因为\n"
        "下一步要继续做好。\n"
        "\n"
        "他们开通了 Web-\n"
        "site 和 WeChat\n"
        "account。"
    )
    assert _rejoin(text) == [
        "标题",
        "社区居民委员会今年组织了多次文明创建活动，参与的居民很多，也得到了上级部门的充分肯定和表扬，大家都很高兴，"
        "因为下一步要继续做好。",
        "他们开通了 Website 和 WeChat account。",
    ]


def test_rejoin_by_blank_lines() -> None:
    text = "标题\n\n第一段第一行\n第一段第二行。\n\n第二段。"
    assert _rejoin(text) == ["标题", "第一段第一行第一段第二行。", "第二段。"]


# -- structure ----------------------------------------------------------------------------------


def test_heading_levels_start_where_the_report_starts() -> None:
    texts = ["报告", "2022年9月19日", "（一）第一部分", "1.做法一", "（二）第二部分：具体内容。后面还有话。", "落款"]
    lines = [Line(i, t) for i, t in enumerate(texts, 1)]
    report = parse(lines, None, "", None)
    assert report.title == "报告" and str(report.date) == "2022-09-19"
    assert report.outline() == [(1, "（一）第一部分"), (2, "1.做法一"), (1, "（二）第二部分")]
    assert isinstance(report.blocks[-2], Paragraph) and report.blocks[-2].text == "具体内容。后面还有话。"


def test_numbered_sentences_become_a_list_and_points_stay_paragraphs() -> None:
    lines = [Line(i, t) for i, t in enumerate([
        "标题", "1.组织学习十二次。", "2.走访群众三百户。",
        "一是高定位，精心打造一流的党委班子。发挥社区党组织领导核心作用，班子建设是关键，这一点大家都有共识。",
        "主要做法：一是抓学习；二是抓服务；三是抓考核。",
    ], 1)]
    blocks = parse(lines, None, "", None).blocks
    assert isinstance(blocks[0], ListBlock) and blocks[0].ordered and blocks[0].items[1] == "走访群众三百户。"
    assert isinstance(blocks[1], Paragraph) and blocks[1].point == "一是"
    assert isinstance(blocks[2], Paragraph) and blocks[2].text == "主要做法："
    assert isinstance(blocks[3], ListBlock) and blocks[3].items == ("一是抓学习；", "二是抓服务；", "三是抓考核。")
    assert not any(isinstance(b, Heading) for b in blocks)


# -- 6. the article -----------------------------------------------------------------------------


def test_text_is_escaped_for_markdown() -> None:
    log = RepairLog()
    assert escape_text("被誉为“**模式”，*市", log) == "被誉为“\\*\\*模式”，\\*市"
    assert log.counts["redaction"] == 2
    assert escape_text("# 不是标题 {{ data.x }} <b> [链接]") == "\\# 不是标题 \\{\\{ data.x \\}\\} &lt;b> \\[链接\\]"


@pytest.mark.parametrize(
    "value", ["文明社区交流材料", "标题: 有冒号", "“引号”开头", "'单引号'", "yes", "1.10", "- 列表", "#号"]
)
def test_yaml_scalars_read_back_as_written(value: str) -> None:
    assert load_yaml(f"k: {yaml_scalar(value)}", Location("x")).value == {"k": value}


def test_summary_is_cut_at_a_sentence_end() -> None:
    first = "第一句话说明了情况。" * 5 + "第二句话很长" * 20 + "。"
    report = parse([Line(1, "标题"), Line(2, first)], None, "", None)
    assert summary(report, 60) == "第一句话说明了情况。" * 5


# -- clean text passes through unchanged ---------------------------------------------------------

_T2S = opencc.OpenCC("t2s")
_COMMON = [c for c in RANKED[:1500] if _T2S.convert(c) == c and c not in "著"]
_clause = st.text(alphabet=st.sampled_from(_COMMON), min_size=2, max_size=12)
_sentence = st.builds(
    lambda clauses, end: "，".join(clauses) + end,
    st.lists(_clause, min_size=1, max_size=4),
    # not "X：“好。”": a line "来源：…" or "作者：…" is metadata, not body text
    st.sampled_from(["。", "！", "；", "，“好。”"]),
)
_paragraph = st.builds("".join, st.lists(_sentence, min_size=1, max_size=4))


@settings(max_examples=60, deadline=None, derandomize=True)  # the same examples in CI; seeds 1–6 pass too
@given(st.lists(_paragraph, min_size=1, max_size=5))
def test_clean_simplified_text_passes_through_unchanged(paragraphs: list[str]) -> None:
    log = RepairLog()
    lines = [Line(i, text) for i, text in enumerate(paragraphs, start=1)]
    cleaned, found = clean(lines, log)
    assert [line.text for line in cleaned] == paragraphs
    assert found == Metadata() and log.total == 0 and not log.flags


@settings(max_examples=60, deadline=None)
@given(_paragraph)
def test_clean_text_survives_the_byte_shift_repair(paragraph: str) -> None:
    assert repair_text(paragraph) == (paragraph, [], False)


# -- tables -----------------------------------------------------------------------------------------

_TABLES = """社区服务统计
一、服务情况
全年服务情况如下表。
项目 | 数量
志愿者 | 120人
服务时长 | 5600小时

| 项目 | 2022年 | 2023年 |

| 志愿者人数 | 80 | 120 |

| 服务时长 | 4000 | 5600 |

服务项目    次数
理发    24
义诊　　12
以上数据由社区统计。
"""


def test_two_column_blank_line_separated_and_space_aligned_tables() -> None:
    log = RepairLog()
    lines = [Line(i, text) for i, text in enumerate(_TABLES.split("\n"), start=1)]
    cleaned, found = clean(lines, log)
    report = parse(cleaned, found.date, "", None, metadata=found)
    tables = [b.rows for b in report.blocks if isinstance(b, Table)]
    assert tables == [
        (("项目", "数量"), ("志愿者", "120人"), ("服务时长", "5600小时")),  # two columns, one bar
        (("项目", "2022年", "2023年"), ("志愿者人数", "80", "120"), ("服务时长", "4000", "5600")),  # blank lines
        (("服务项目", "次数"), ("理发", "24"), ("义诊", "12")),  # aligned with spaces
    ]
    paragraphs = [b.text for b in report.blocks if isinstance(b, Paragraph)]
    assert paragraphs == ["全年服务情况如下表。", "以上数据由社区统计。"]


def test_a_sentence_with_a_bar_or_wide_spaces_is_no_table() -> None:
    log = RepairLog()
    text = ["社区开展活动", "编者按  社会力量参与养老服务业发展，面临许可难、用地难等问题。",
            "活动分为上午和下午两场 | 居民踊跃参加，现场气氛热烈。"]
    cleaned, found = clean([Line(i, t) for i, t in enumerate(text, start=1)], log)
    report = parse(cleaned, found.date, "", None, metadata=found)
    assert not [b for b in report.blocks if isinstance(b, Table)]


# -- tags -------------------------------------------------------------------------------------------


def test_tags_are_segmented_nouns_and_never_a_persons_name() -> None:
    text = ("红星社区推进垃圾分类，王建国书记带领志愿者宣传垃圾分类知识。王建国说，垃圾分类要从娃娃抓起。"
            "社区设置垃圾分类投放点12个，志愿者每天值守。王建国还组织志愿者上门宣传。")
    tags = suggest_tags(text)
    assert tags[:2] == ["垃圾分类", "志愿者"]  # 垃圾 + 分类 written together: one term
    assert "王建国" not in tags and "社区" not in tags
    assert suggest_tags(text) == tags  # the same text, the same tags
