"""The personal-data scanner: every kind it promises to find, and no false alarm on ordinary text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
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
    for path in sorted((ROOT / "content").rglob("*")):
        if path.suffix in (".md", ".yaml"):
            assert kinds(path.read_text(encoding="utf-8")) == [], path


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="社区党委居民会议召开年月日，。、（）0123456789-", max_size=60))
def test_random_chinese_text_with_dates_and_figures_has_no_id_numbers(text: str) -> None:
    """Only digits with a valid check digit are IDs; a random run of 18 digits rarely is."""
    for hit in scan(text):
        if hit.kind == "id-number":
            assert valid_id_number(hit.value)
