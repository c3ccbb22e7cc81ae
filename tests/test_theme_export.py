"""``theme export``: the default theme copied out for editing, and docs/content/theme.md that cannot drift.

The docs are checked against the templates themselves: Jinja's own parser lists every variable each
template takes from outside, and each must be named in that template's section.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2 import Environment, meta, nodes

from civicpress.cli import main
from civicpress.templating import FILTERS, GLOBALS

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT / "civicpress" / "theme"
DOCS = ROOT / "docs" / "content" / "theme.md"
TEMPLATES = sorted(p.name for p in (THEME / "templates").glob("*.html"))


def theme_tree() -> dict[str, bytes]:
    return {f"{folder}/{p.name}": p.read_bytes()
            for folder in ("templates", "static") for p in sorted((THEME / folder).iterdir()) if p.is_file()}


def files_under(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_export_copies_every_template_and_static_file(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "theme", "export", "我的主题"], cwd=tmp_path,
                          env=env, capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert files_under(tmp_path / "我的主题") == theme_tree()
    assert "docs/content/theme.md" in proc.stdout


def test_an_exported_template_placed_in_the_site_replaces_the_theme(tmp_path: Path) -> None:
    """The point of exporting: a copied, edited template is the one the build uses."""
    from sitemaker import article, build_site, make_site

    assert main(["theme", "export", str(tmp_path / "t")]) == 0
    page = (tmp_path / "t" / "templates" / "page.html").read_text(encoding="utf-8")
    edited = page.replace("{{ content }}", "{{ content }}<p>本站由社区志愿者维护</p>", 1)
    assert edited != page
    site = make_site(tmp_path, {"content/about.md": article("关于我们", None, "社区简介。"),
                                "templates/page.html": edited})
    build_site(site)
    assert "本站由社区志愿者维护" in (tmp_path / "output" / "about" / "index.html").read_text(encoding="utf-8")


def test_a_folder_with_files_is_refused_unless_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "主题"
    (folder / "templates").mkdir(parents=True)
    (folder / "templates" / "base.html").write_text("我改过的", encoding="utf-8")
    (folder / "笔记.txt").write_text("不能丢", encoding="utf-8")
    assert main(["theme", "export", str(folder)]) == 1
    assert "不是空的" in capsys.readouterr().err
    assert (folder / "templates" / "base.html").read_text(encoding="utf-8") == "我改过的"

    assert main(["theme", "export", str(folder), "--force"]) == 0
    assert (folder / "templates" / "base.html").read_bytes() == (THEME / "templates" / "base.html").read_bytes()
    assert (folder / "笔记.txt").read_text(encoding="utf-8") == "不能丢"  # --force writes only the theme's files


def test_never_writes_outside_the_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    folder = tmp_path / "主题"
    folder.mkdir()
    (folder / "templates").symlink_to(outside, target_is_directory=True)
    assert main(["theme", "export", str(folder), "--force"]) == 1
    assert "之外" in capsys.readouterr().err
    assert list(outside.iterdir()) == []
    assert not (folder / "static").exists(), "refused before the first write"


# ---------------------------------------------------------------- docs/content/theme.md


def sections_of_docs() -> dict[str, str]:
    text = DOCS.read_text(encoding="utf-8")
    parts = re.split(r"^### (\S+)\s*$", text, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def outside_names(name: str) -> set[str]:
    """The variables a template takes from its context (Jinja's parser), not its own sets and imports."""
    env = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    env.filters.update({key: function for key, (function, _) in FILTERS.items()})
    tree = env.parse((THEME / "templates" / name).read_text(encoding="utf-8"))
    own: set[str] = set()
    for node in tree.find_all((nodes.Assign, nodes.FromImport, nodes.Macro, nodes.Import)):
        if isinstance(node, nodes.Assign):
            own |= {n.name for n in node.target.find_all(nodes.Name)} | (
                {node.target.name} if isinstance(node.target, nodes.Name) else set())
        elif isinstance(node, nodes.FromImport):
            own |= {alias[1] if isinstance(alias, tuple) else alias for alias in node.names}
        elif isinstance(node, nodes.Macro | nodes.Import):
            own.add(node.name if isinstance(node, nodes.Macro) else node.target)
    return meta.find_undeclared_variables(tree) - own - set(GLOBALS)


def test_every_template_has_a_section_in_the_docs() -> None:
    documented = sections_of_docs()
    assert sorted(documented) == TEMPLATES, "docs/content/theme.md: one ### section per template, no other"


@pytest.mark.parametrize("name", TEMPLATES)
def test_the_docs_name_every_variable_a_template_uses(name: str) -> None:
    section = sections_of_docs()[name]
    missing = sorted(v for v in outside_names(name) if f"`{v}`" not in section)
    assert not missing, f"docs/content/theme.md, ### {name}: 用到的变量没有写 {missing}"


def test_every_filter_and_function_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    missing = [name for name in [*FILTERS, *GLOBALS] if f"`{name}`" not in text]
    assert not missing
