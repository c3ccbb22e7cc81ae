"""Fuzzing: whatever an editor (or a damaged file) puts into content/, the build either succeeds
or fails with a SiteError — never another exception, never a hang.

2,000 examples in all (front matter, Markdown, data), each bounded in time. The stages run as
the pipeline runs them (read, assemble, render every page) with one template renderer shared
across examples, since compiling the theme again for each example would only measure Jinja.
"""

from __future__ import annotations

import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicpress.errors import Findings, SiteError
from civicpress.markup import MarkdownRenderer
from civicpress.pipeline import BuildOptions, load
from civicpress.templating import Renderer
from civicpress.writers.pages import PageRenderers, write_pages

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGALRM"), reason="the per-example time limit needs POSIX timers")

NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
SECONDS_PER_EXAMPLE = 5
CONFIG = "title: 测试\nbase_url: https://example.cn/\nsections:\n  - {key: news, title: 新闻}\n"


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )


TOOLS = PageRenderers(Renderer(None), MarkdownRenderer())

# Characters that mean something to YAML, Markdown, Jinja or HTML, and Chinese text.
SYNTAX = [*"-:#*_[](){}<>!|`~>'\"\\&%@,.\n\t ", "{{", "}}", "{%", "%}", "](", "---", "<script>", "javascript:"]
CHINESE = list("社区党委居民志愿服务永丰年月日，。：“”、（）一二三")
text_pieces = st.lists(st.sampled_from(SYNTAX + CHINESE) | st.text(max_size=4), max_size=40).map("".join)


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail an example that runs too long instead of hanging the suite (POSIX timers)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"example took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def build_in_memory(files: dict[str, bytes]) -> None:
    """Read, assemble and render a site made of ``files``; only SiteError may escape."""
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder)
        (site / "site_config.yaml").write_text(CONFIG, encoding="utf-8")
        for rel, data in files.items():
            path = site / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        findings = Findings()
        options = BuildOptions(site_dir=site, out_dir=site / "out", now=NOW)
        with time_limit(SECONDS_PER_EXAMPLE):
            try:
                loaded = load(options, findings).site
                for file in write_pages(loaded, TOOLS, findings):
                    assert isinstance(file.data, bytes)
            except SiteError:
                pass


def page(front: str, body: str) -> bytes:
    return f"---\n{front}\n---\n{body}\n".encode()


@fuzz(700)
@given(front=text_pieces, body=text_pieces)
def test_random_front_matter(front: str, body: str) -> None:
    build_in_memory({"content/news/a.md": page("title: 甲\ndate: 2022-09-19\n" + front, body)})


scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | text_pieces
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text_pieces, inner, max_size=3), max_leaves=8
)
front_keys = st.sampled_from(["title", "date", "tags", "summary", "cover", "draft", "slug", "weight", "extra",
                              "publish_date", "expiry_date", "visibility", "status", "location"])


@fuzz(400)
@given(front=st.dictionaries(front_keys, values, max_size=6), body=text_pieces)
def test_random_typed_front_matter(front: dict[str, object], body: str) -> None:
    dumped = yaml.safe_dump(front, allow_unicode=True)
    other = page("title: 乙\ndate: 2022-1-1", "")
    build_in_memory({"content/news/a.md": page(dumped, body), "content/news/b.md": other})


@fuzz(500)
@given(body=text_pieces, raw=st.binary(max_size=60))
def test_random_markdown_and_broken_bytes(body: str, raw: bytes) -> None:
    build_in_memory(
        {
            "content/news/a.md": page("title: 甲\ndate: 2022-09-19", body),
            "content/news/b.md": b"---\ntitle: \xe4\xb9\x99\ndate: 2022-09-19\n---\n" + raw,
        }
    )


@fuzz(400)
@given(data=text_pieces, raw=st.binary(max_size=40))
def test_random_data_files(data: str, raw: bytes) -> None:
    build_in_memory(
        {
            "content/_data/stats.yaml": data.encode(),
            "content/_data/raw.yaml": raw,
            "content/news/a.md": page("title: 甲\ndate: 2022-09-19", "{{ data.stats }}"),
        }
    )


def test_the_time_limit_fires() -> None:
    """A hanging example fails with TimeoutError instead of hanging the suite."""
    with pytest.raises(TimeoutError), time_limit(1):
        while True:
            pass
