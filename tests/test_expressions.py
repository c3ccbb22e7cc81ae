"""expressions: data expressions in article text, evaluated in a sandbox."""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from sitemaker import load, make_site

from civicpress.config import freeze
from civicpress.errors import Location
from civicpress.expressions import expand, has_expressions, make_environment, thousands

LOC = Location("content/news/a.md")
DATA = freeze(
    {
        "stats": {"households": 3260, "party_members": {"retired": 56, "active": 120}, "ratio": 0.5},
        "honors": [{"name": "文明社区", "year": 2022}],
    }
)
CONTEXT: dict[str, Any] = {"data": DATA, "page": {"title": "年度总结"}}


@pytest.fixture(scope="module")
def env() -> Any:
    return make_environment()


def run(env: Any, text: str, first_line: int = 10) -> tuple[str, Any]:
    return expand(env, text, CONTEXT, LOC, first_line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("社区共有 {{ data.stats.households }} 户", "社区共有 3260 户"),
        ("退休党员 {{ data.stats.party_members.retired }} 名", "退休党员 56 名"),
        ("{{ data.stats.households | thousands }}", "3,260"),
        ("{{ data.honors[0].name }}（{{ data.honors[0].year }}）", "文明社区（2022）"),
        ("{{ data['stats']['ratio'] * 100 }}%", "50.0%"),
        ("{% if data.stats.households > 3000 %}大社区{% endif %}", "大社区"),
        ("{% for h in data.honors %}- {{ h.name }}\n{% endfor %}", "- 文明社区\n"),
        ("本文：{{ page.title }}", "本文：年度总结"),
        ("第一行\n{{ data.stats.party_members.active }}\n", "第一行\n120\n"),  # trailing newline kept
        ("{% raw %}{{ 原样 }}{% endraw %}", "{{ 原样 }}"),
    ],
)
def test_expressions_evaluate(env: Any, text: str, expected: str) -> None:
    assert run(env, text) == (expected, None)


def test_undefined_key_names_the_file_line(env: Any) -> None:
    # The body starts at file line 10; the expression is on body line 3 → file line 12.
    text = "第一行\n第二行\n共有 {{ data.stats.nope }} 人\n第四行\n"
    result, finding = run(env, text, first_line=10)
    assert result == text  # unchanged: nothing half-evaluated reaches the page
    assert finding.code == "undefined-data"
    assert finding.location == Location(LOC.path, 12)
    assert "nope" in finding.message
    assert finding.is_error


def test_undefined_data_file(env: Any) -> None:
    _, finding = run(env, "a\n{{ data.statz.households }}", first_line=5)
    assert finding.code == "undefined-data"
    assert finding.location == Location(LOC.path, 6)
    assert "statz" in finding.message


def test_undefined_key_inside_if_block(env: Any) -> None:
    text = "第一行\n{% if data.stats.households %}\n有数据\n{{ data.stats.missing }}\n{% endif %}\n"
    _, finding = run(env, text, first_line=7)
    assert finding.code == "undefined-data"
    assert finding.location == Location(LOC.path, 10)


def test_undefined_key_in_the_if_condition(env: Any) -> None:
    text = "第一行\n第二行\n{% if data.stats.missing > 1 %}\n多\n{% endif %}\n"
    _, finding = run(env, text, first_line=7)
    assert finding.code == "undefined-data"
    assert finding.location == Location(LOC.path, 9)


def test_index_out_of_range(env: Any) -> None:
    _, finding = run(env, "{{ data.honors[5].name }}", first_line=3)
    assert finding.code == "undefined-data"
    assert finding.location == Location(LOC.path, 3)


@pytest.mark.parametrize(
    ("text", "body_line"),
    [
        ("第一行\n第二行\n{{ data.stats.households \n", 3),
        ("{{ data.stats.households }}\n{% if data.stats %}\n没有结束\n", 2),  # the unclosed block's line
        ("第一行\n{% endif %}\n", 2),
        ("{{ data.stats..households }}", 1),
    ],
)
def test_syntax_error_names_the_line(env: Any, text: str, body_line: int) -> None:
    result, finding = run(env, text, first_line=20)
    assert result == text
    assert finding.code == "expression-syntax"
    assert finding.location == Location(LOC.path, 20 + body_line - 1)
    assert finding.hint


def test_other_errors_are_findings_not_crashes(env: Any) -> None:
    for text in ("{{ 1 / 0 }}", "{{ data.stats.households + '户' }}", "{{ range(10 ** 9) | list }}"):
        result, finding = run(env, text)
        assert result == text
        assert finding is not None and finding.is_error


SECRET = "civicpress-test-secret-7f3a"


@pytest.mark.parametrize(
    "text",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ data.stats.__class__ }}",
        "{{ data.__class__.__init__.__globals__ }}",
        "{{ data | attr('__class__') }}",
        "{{ '{0.__class__.__mro__}'.format('') }}",
        "{{ lipsum.__globals__['os'].environ['CIVICPRESS_TEST_SECRET'] }}",
        "{{ cycler.__init__.__globals__.os.environ.CIVICPRESS_TEST_SECRET }}",
        "{{ self._TemplateReference__context }}",
        "{{ namespace.__init__.__globals__ }}",
    ],
)
def test_sandbox_refuses_python_internals(env: Any, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(os.environ, "CIVICPRESS_TEST_SECRET", SECRET)
    result, finding = run(env, "第一行\n" + text, first_line=4)
    assert SECRET not in result
    assert "<class" not in result
    assert finding is not None and finding.is_error
    assert finding.location is not None and finding.location.path == LOC.path


def test_unsafe_finding_has_code_and_line(env: Any) -> None:
    _, finding = run(env, "a\nb\n{{ ''.__class__ }}", first_line=4)
    assert finding.code == "expression-unsafe"
    assert finding.location == Location(LOC.path, 6)


def test_text_without_expressions_is_returned_unchanged_without_templating() -> None:
    class NoTemplating:
        def from_string(self, *args: Any) -> Any:
            raise AssertionError("text without expressions must not be compiled")

    text = "社区共有党员 56 名。{ 单个花括号 } 和 }} 都不是表达式。\n" * 20_000
    result, finding = expand(NoTemplating(), text, CONTEXT, LOC, 1)  # type: ignore[arg-type]
    assert result is text
    assert finding is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("无表达式", False),
        ("{ 单个 }", False),
        ("{{ data.x }}", True),
        ("{% if x %}{% endif %}", True),
    ],
)
def test_has_expressions(text: str, expected: bool) -> None:
    assert has_expressions(text) is expected


def test_markdown_heading_id_is_not_an_expression(env: Any) -> None:
    """``{#id}`` is attr_list's heading-id syntax (an enabled Markdown extension), not a Jinja comment."""
    text = "## 工作成效 {#results}\n\n正文\n"
    assert run(env, text) == (text, None)


def test_heading_id_beside_an_expression(env: Any) -> None:
    text = "## 工作成效 {#results}\n\n共 {{ data.stats.households }} 户\n"
    assert run(env, text) == ("## 工作成效 {#results}\n\n共 3260 户\n", None)


def test_data_is_read_only_in_expressions(env: Any) -> None:
    _, finding = run(env, "{% set _ = data.stats.update({'households': 1}) %}{{ data.stats.households }}")
    assert finding is not None
    assert DATA["stats"]["households"] == 3260


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12345, "12,345"), (1234567.5, "1,234,567.5"), (12, "12"), ("0571", "0571"), (True, "True"), (None, "None")],
)
def test_thousands(value: Any, expected: str) -> None:
    assert thousands(value) == expected


# ---------------------------------------------------------------- through the site model


def test_file_line_of_an_undefined_key_in_an_article(tmp_path: Path) -> None:
    text = "---\ntitle: 年度总结\ndate: 2022-09-19\n---\n第一段。\n\n全年服务 {{ data.stats.visits }} 人次。\n"
    site_dir = make_site(tmp_path, {"content/news/a.md": text, "content/_data/stats.yaml": "households: 3260\n"})
    _, findings = load(site_dir)
    (finding,) = findings.errors
    assert finding.code == "undefined-data"
    # The body starts at line 5; the expression is on body line 3 → line 7 of the file.
    assert finding.location == Location("content/news/a.md", 7)


def test_expressions_are_evaluated_in_the_page_body(tmp_path: Path) -> None:
    text = (
        "---\ntitle: 总结\ndate: 2022-09-19\n---\n"
        "共 {{ data.stats.households | thousands }} 户，{{ page.title }}。\n"
    )
    site_dir = make_site(tmp_path, {"content/news/a.md": text, "content/_data/stats.yaml": "households: 3260\n"})
    site, findings = load(site_dir)
    assert findings.items == []
    assert site.pages[0].body == "共 3,260 户，总结。\n"
    assert site.pages[0].summary == "共 3,260 户，总结。"
    assert isinstance(site.data["stats"], MappingProxyType)


def test_no_filter_gives_different_text_on_each_build(env: Any) -> None:
    """Same input, same bytes: a random pick would change the page at every build."""
    text, problem = run(env, "{{ data.honors | random }}")
    assert problem is not None and problem.location == LOC.at(10)
    assert text == "{{ data.honors | random }}"  # the text is kept, the build reports it
