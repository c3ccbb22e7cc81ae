"""Small sites for tests, written from a dict of file contents.

    site = make_site(tmp_path, {"content/events/a.md": article("扭秧歌", "2022-09-19")})
    result = build_site(site)                # the whole pipeline, into site/../output
    site_model, findings = load(site)        # config → content → model, findings kept

Paths are relative to the site folder; ``str`` is written as UTF-8, ``bytes`` as they are.
The default ``site_config.yaml`` has the sections news, events, honors and achievements;
``config`` entries replace its top-level keys (``None`` removes one).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

from civicpress.config import load_config
from civicpress.content import read_content
from civicpress.errors import Findings
from civicpress.model import Site, assemble_site
from civicpress.pipeline import BuildOptions, BuildResult, build

# The one warning that belongs to the machine, not the site: a bare machine has no print fonts.
MACHINE_FONT_WARNING = re.compile(r"警告：没有找到仿宋字体[^\n]*\n(?:[ \t]+提示：[^\n]*\n)?")

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=timezone.utc)
BASE_URL = "https://example.cn/sq/"

DEFAULT_CONFIG: dict[str, Any] = {
    "title": "永丰社区",
    "organization": "永丰社区党委",
    "description": "社区工作成效与活动纪实",
    "base_url": BASE_URL,
    "timezone": "+08:00",
    "sections": [
        {"key": "news", "title": "社区动态"},
        {"key": "events", "title": "活动纪实", "permalink": "/:section/:year/:slug/"},
        {"key": "honors", "title": "荣誉表彰"},
        {"key": "achievements", "title": "工作成效"},
    ],
}


def config_yaml(config: dict[str, Any] | None = None) -> str:
    merged = dict(DEFAULT_CONFIG)
    for key, value in (config or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return yaml.safe_dump(merged, allow_unicode=True, sort_keys=False)


def make_site(tmp_path: Path, files: dict[str, str | bytes], config: dict[str, Any] | None = None) -> Path:
    """Write a site into ``tmp_path/site`` and return its folder.

    A ``site_config.yaml`` in ``files`` replaces the generated one; ``content/`` always exists.
    """
    site = tmp_path / "site"
    (site / "content").mkdir(parents=True, exist_ok=True)
    if "site_config.yaml" not in files:
        (site / "site_config.yaml").write_text(config_yaml(config), encoding="utf-8")
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_bytes(text.encode("utf-8"))
    return site


def article(title: str, date: str | None = "2022-09-19", body: str = "正文。", **fields: Any) -> str:
    """The text of a Markdown file with front matter (``fields`` are dumped as YAML)."""
    front: dict[str, Any] = {"title": title}
    if date is not None:
        front["date"] = date
    front.update(fields)
    header = yaml.safe_dump(front, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return f"---\n{header}---\n{body}\n"


def load(site_dir: Path, *, now: datetime = NOW, drafts: bool = False) -> tuple[Site, Findings]:
    """Config, content and model, as the pipeline loads them; findings are returned, not raised."""
    findings = Findings()
    config = load_config(site_dir)
    content = read_content(site_dir, config, findings)
    site = assemble_site(config, content, findings, now=now, include_drafts=drafts)
    return site, findings


def build_site(
    site_dir: Path, out_dir: Path | None = None, *, now: datetime = NOW, drafts: bool = False, strict: bool = False
) -> BuildResult:
    """Build through the pipeline into ``out_dir`` (default: ``output`` beside the site folder)."""
    out = out_dir if out_dir is not None else site_dir.parent / "output"
    return build(BuildOptions(site_dir=site_dir, out_dir=out, drafts=drafts, strict=strict, now=now))


def codes(findings: Findings | Any) -> list[str]:
    """The codes of a Findings collector or of a SiteError's findings."""
    items = findings.items if isinstance(findings, Findings) else findings.findings
    return [f.code for f in items]
