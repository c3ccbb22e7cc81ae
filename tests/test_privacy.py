"""The personal-data scanner: every kind it promises to find, and no false alarm on ordinary text."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from civicpress.checks.privacy import _ID_CHECK, _ID_WEIGHTS, luhn, mask, scan, scan_lines, valid_id_number

ROOT = Path(__file__).resolve().parent.parent


def id_number(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return first17 + _ID_CHECK[total % 11]


def card_number(first: str) -> str:
    """Complete ``first`` with the Luhn check digit."""
    for check in "0123456789":
        if luhn(first + check):
            return first + check
    raise AssertionError("unreachable")


VALID_ID = id_number("11010519491231002")  # ends in X
VALID_CARD = card_number("622202020000123456")


def kinds(text: str, names: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    return [(hit.kind, hit.value) for hit in scan(text, names)]


def test_valid_id_number_check_digit_and_birth_date() -> None:
    assert valid_id_number(VALID_ID)
    assert VALID_ID.endswith("X")
    wrong_check = VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1")
    assert not valid_id_number(wrong_check)
    assert not valid_id_number(id_number("11010519491331002"))  # month 13


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"身份证{VALID_ID}。", [("id-number", VALID_ID)]),
        (f"身份证{VALID_ID.lower()}", [("id-number", VALID_ID.lower())]),
        ("电话13812345678。", [("mobile", "13812345678")]),
        ("电话 138 1234 5678", [("mobile", "138 1234 5678")]),
        ("电话138-1234-5678", [("mobile", "138-1234-5678")]),
        ("电话+86 13812345678", [("mobile", "+86 13812345678")]),
        ("座机0571-88886666", [("landline", "0571-88886666")]),
        ("座机(010)62345678", [("landline", "(010)62345678")]),
        ("座机（010）6234 5678", [("landline", "（010）6234 5678")]),
        (f"卡号{VALID_CARD}", [("bank-card", VALID_CARD)]),
        ("住在3号楼2单元501室", [("address", "3号楼2单元501室")]),
        ("住在五栋302室", [("address", "五栋302室")]),
        ("住在12号楼3层301室", [("address", "12号楼3层301室")]),
    ],
)
def test_finds_each_kind(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(text) == expected


def test_private_names_from_the_list() -> None:
    assert kinds("为白友盛捐款", ("白友盛",)) == [("private-name", "白友盛")]
    assert kinds("为白友盛捐款", ()) == []  # a name not on the list cannot be seen


@pytest.mark.parametrize(
    "text",
    [
        "2022-09-19 召开会议，投入资金3500万元，惠及477户。",
        "永丰巷3500延长米柏油路面，3750平方米绿化带。",
        "示例ICP备00000000号-1　示例公网安备00000000000000号",
        "第12345678901234567号文件",  # 17 digits: not an ID
        "订单号 1234567812345678",  # 16 digits failing Luhn
        "1号楼前的广场",  # a building without a flat
        "2019年至2022年共安置615人次",
    ],
)
def test_ordinary_text_is_not_personal_data(text: str) -> None:
    assert kinds(text) == []


def test_one_number_is_reported_once() -> None:
    """An ID number also looks like a card number; it is reported as the ID it is."""
    assert kinds(VALID_ID) == [("id-number", VALID_ID)]


def test_lines_and_masking() -> None:
    text = "第一行\n第二行 13812345678\n"
    [(line, hit)] = list(scan_lines(text))
    assert line == 2
    assert hit.masked == "138******78"
    assert "12345" not in mask(VALID_ID)


def test_no_false_positive_on_the_sample_site() -> None:
    """Nothing but the numbers site_config.yaml publishes on purpose (the office's and the teams' phones)."""
    from civicpress.config import load_config

    declared = {allowed.value for allowed in load_config(ROOT).privacy.allow}
    for path in sorted((ROOT / "content").rglob("*")):
        if path.suffix in (".md", ".yaml"):
            assert [k for k in kinds(path.read_text(encoding="utf-8")) if k[1] not in declared] == [], path


def gb11643_check(first17: str) -> str:
    """The check character as GB 11643-1999 defines it (weights 2^(17-i) mod 11; 10 is written X),
    computed here from the standard, not from the scanner's tables."""
    total = sum(int(digit) * pow(2, 17 - i, 11) for i, digit in enumerate(first17))
    return "10X98765432"[total % 11]


RUNNING_TEXT = st.text(alphabet="社区党委居民会议召开年月日，。、（）0123456789-", max_size=40)


@settings(max_examples=300, deadline=None)
@given(
    before=RUNNING_TEXT,
    after=RUNNING_TEXT,
    region=st.integers(110000, 659999),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
    order=st.integers(0, 999),
    wrong=st.sampled_from("0123456789X"),
)
def test_an_id_number_in_running_text_is_found_exactly_when_its_check_digit_is_right(
    before: str, after: str, region: int, born: date, order: int, wrong: str
) -> None:
    """Dates and figures around it do not hide an ID number; one wrong check digit makes it not one."""
    first17 = f"{region:06d}{born:%Y%m%d}{order:03d}"
    right = gb11643_check(first17)
    number = first17 + right
    assert ("id-number", number) in kinds(f"{before}身份证号{number}，{after}")
    assume(wrong != right)
    other = first17 + wrong
    assert ("id-number", other) not in kinds(f"{before}身份证号{other}，{after}")


# ---------------------------------------------------------------- the shortcuts of the scan

# A page as the site writes them: dates, page addresses with long digit runs, the ICP number and
# the ideographic space of the footer. The scan skips what cannot hold a number or an address.
PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><body><ul class="page-list"><li>'
    '<a href="news/2025-12-18-00668/index.html">桃源社区启动电动车充电桩建设</a>'
    '<time datetime="2025-12-18T17:56:00+08:00">2025-12-18</time></li></ul><main>{body}</main>'
    '<footer><p>© 中共永丰社区委员会\u3000永丰社区居民委员会</p>'
    '<a href="https://beian.miit.gov.cn/">示例ICP备12345678号-1</a> 召开座谈会，共3座桥</footer></body></html>'
)


FULLWIDTH_ID = VALID_ID[:17].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + VALID_ID[17]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (f'<img alt="{VALID_ID}" src="a.png">', [("id-number", VALID_ID)]),
        ('<a title="13812345678">电话</a>', [("mobile", "13812345678")]),
        ("电话 138\u30001234\u30005678", [("mobile", "138\u30001234\u30005678")]),
        ("身份证" + FULLWIDTH_ID, [("id-number", FULLWIDTH_ID)]),  # \d is any digit; 1[3-9] of a mobile is not
        ("卡号 " + " ".join(VALID_CARD), [("bank-card", " ".join(VALID_CARD))]),
        ("座机（010）6234 5678", [("landline", "（010）6234 5678")]),
        ("<p>住在3 号楼 2 单元 501 室</p>", [("address", "3 号楼 2 单元 501 室")]),
        ("<p>住在五栋302室</p>", [("address", "五栋302室")]),
        ("<p>为白友盛捐款</p>", [("private-name", "白友盛")]),
        ("<p>2022-09-19 召开会议</p>", []),
    ],
)
def test_personal_data_inside_a_page_is_found(body: str, expected: list[tuple[str, str]]) -> None:
    assert kinds(PAGE.format(body=body), ("白友盛",)) == expected


def test_the_guard_reports_personal_data_in_an_output_page_at_its_line() -> None:
    from civicpress.checks.privacy import PrivacyGuard

    page = PAGE.format(body="\n<p>联系 139-1234-5678</p>\n<p>白友盛 家住 7栋 1201室</p>").encode()
    guard = PrivacyGuard(("白友盛",), ())
    found = [(f.code, f.location.line, f.message) for f in guard.inspect("news/a/index.html", page)]
    assert [(code, line) for code, line, _ in found] == [("personal-data", 2), ("personal-data", 3),
                                                         ("personal-data", 3)]
    assert "139******78" in found[0][2]


def test_the_class_of_other_digits_and_spaces_covers_them_all() -> None:
    """The prefilter turns these into ASCII; one it missed would hide a number written with it."""
    from civicpress.checks.privacy import _OTHER_DIGIT_OR_SPACE

    missed = [hex(c) for c in range(0x80, 0x110000)
              if (chr(c).isdecimal() or chr(c).isspace()) and not _OTHER_DIGIT_OR_SPACE.match(chr(c))]
    assert missed == []
    assert not any(_OTHER_DIGIT_OR_SPACE.match(chr(c)) for c in range(0x80))


def reference_scan(text: str, private_names: tuple[str, ...] = ()) -> list[tuple[str, str, int]]:
    """``scan`` as it was before its shortcuts: every run of digits, every address in the text."""
    from civicpress.checks import privacy as p

    hits: list[tuple[str, str, int]] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, match: re.Match[str]) -> None:
        span = match.span()
        if not any(span[0] < end and start < span[1] for start, end in taken):
            taken.append(span)
            hits.append((kind, match.group(0).strip(), span[0]))

    for run in p._NUMBER_RUN.finditer(text):
        if sum(c.isdigit() for c in run.group(0)) < 7:
            continue
        start, end = max(0, run.start() - 1), min(len(text), run.end() + 1)
        for match in p._ID.finditer(text, start, end):
            if valid_id_number(match.group(0)):
                add("id-number", match)
        for match in p._MOBILE.finditer(text, start, end):
            add("mobile", match)
        for match in p._LANDLINE.finditer(text, start, end):
            add("landline", match)
        for match in p.card_numbers(text, start, end):
            add("bank-card", match)
    for match in p._ADDRESS.finditer(text):
        add("address", match)
    for name in sorted({n for n in private_names if n}, key=len, reverse=True):
        for match in re.finditer(re.escape(name), text):
            add("private-name", match)
    return sorted(hits, key=lambda hit: hit[2])


TEXT_PIECES = [
    "1", "3", "8", "0", "5", "9", "13812345678", VALID_ID, VALID_CARD, "X", "-", " ", "\u3000", "\xa0", "\n", "(",
    ")", "（", "）", "+86", "0571-", "８", "١", "号楼", "栋", "幢", "座", "单元", "层", "楼", "室", "号", "户", "三",
    "十", "白友盛", "年", "，", "2025-12-18-00668", "<p>", "3栋5栋7室",
]


@settings(max_examples=1500, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TEXT_PIECES), max_size=30))
def test_the_scan_agrees_with_the_reference(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert [(h.kind, h.value, h.start) for h in scan(text, ("白友盛",))] == reference_scan(text, ("白友盛",))


# ---------------------------------------------------------------- bank cards stand alone (issue 11, item 7)

FILE_NAME = "r88567-2022-11-22-00014.md"  # its 18 digits pass the Luhn check


def test_the_file_name_of_the_report_is_luhn_valid() -> None:
    """The case is real only while the digits of the name pass Luhn: else any detector passes it."""
    assert luhn(re.sub(r"\D", "", FILE_NAME))


@pytest.mark.parametrize(
    "text",
    [
        f"详见[附件]({FILE_NAME})。",
        f"[附件](files/{FILE_NAME.removeprefix('r')})",  # digits right after a folder, before .md
        f'<a href="../news/{FILE_NAME.removesuffix(".md")}/">报告</a>',
        f"https://example.cn/sq/news/{FILE_NAME.removesuffix('.md')}/",
        f"下载 {FILE_NAME.removesuffix('.md')}_final.pdf",
        f"?id={card_number('622202020000123456')}&page=2",  # a query parameter, not a card
    ],
)
def test_digits_of_a_file_name_or_web_address_are_not_a_bank_card(text: str) -> None:
    assert kinds(text) == []


def date_run(prefix: str) -> str:
    """``prefix`` (a date with a serial) completed with digits to a Luhn-valid run of 18 digits."""
    digits = re.sub(r"\D", "", prefix)
    tail = card_number(digits + "0" * (17 - len(digits)))[len(digits) :]
    return f"{prefix}-{tail}"


@pytest.mark.parametrize("text", [date_run("2022-11-22-00014"), date_run("88567-2022-11-22"),
                                  date_run("2023 12 01 3")])
def test_a_date_like_run_is_not_a_bank_card(text: str) -> None:
    assert luhn(re.sub(r"\D", "", text))
    assert kinds(f"编号 {text} 已归档") == []


CARD_19 = card_number("622202020000123456")


@pytest.mark.parametrize(
    "written",
    [
        CARD_19,
        " ".join(CARD_19[i : i + 4] for i in range(0, 19, 4)),  # 6222 0202 0000 1234 56x
        "-".join(CARD_19[i : i + 4] for i in range(0, 19, 4)),
        f"{CARD_19[:6]} {CARD_19[6:]}",  # 6 + 13, as some banks print it
        "\u3000".join(CARD_19[i : i + 4] for i in range(0, 19, 4)),
    ],
)
@pytest.mark.parametrize("around", ["卡号{}。", "卡号：{}", "卡号:{}.", "（{}）", "{}", "账户 {} 户名王某",
                                    "2022-11-22 {}"])
def test_a_real_card_number_in_text_is_still_found(written: str, around: str) -> None:
    assert kinds(around.format(written)) == [("bank-card", written)]


def test_a_page_linking_a_report_named_with_digits_builds(tmp_path: Path) -> None:
    """The issue's case end to end: an article links a report whose file name is such a number."""
    from sitemaker import article, build_site, make_site

    files = {
        f"content/news/{FILE_NAME}": article("第十四次居民议事会纪要"),
        "content/news/a.md": article("议事会", body=f"纪要见[这里]({FILE_NAME})。"),
    }
    out = tmp_path / "out"
    build_site(make_site(tmp_path, files), out)
    assert FILE_NAME.removesuffix(".md") in (out / "news/a/index.html").read_text(encoding="utf-8")
