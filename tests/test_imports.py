"""The package's modules import only downwards, as ARCHITECTURE.md draws the layers.

A lower layer never imports a higher one and siblings of one layer never import each other,
so each room can be read, tested and replaced on its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "civicpress"

# module (dotted, without "civicpress.") -> layer; a module imports only lower layers.
LAYERS: dict[str, float] = {
    "errors": 0,
    "sitefolder": 0,  # the one declaration of the site folder's layout
    "environment": 0.5,  # the libraries, Pagefind and fonts a build runs with: inputs of the change check
    "urls": 1,
    "graphics": 1,  # data → SVG (charts, QR codes): imports nothing of civicpress
    "options": 1,  # what a build is asked to do: light, so an unchanged build loads nothing else
    "buildstate": 1,  # the previous build's manifest and output records (.civicpress-cache/)
    "unchanged": 1.5,  # the "nothing changed" shortcut: options and buildstate only
    "sources": 2,
    "fields": 2,  # the one reader of every YAML mapping an editor writes (config, front matter, materials)
    "config": 3,
    "content": 4,
    "markup": 4,
    "expressions": 4,
    "editions": 4.5,
    "model": 5,
    "images": 5.5,
    "templating": 6,
    "writers": 7,
    "printing": 7,
    "checks": 7,
    "publish": 7,
    "incremental": 7,  # the key of each output: what an incremental build makes again
    "pipeline": 8,
    "scaffold": 8,
    "init_site": 8,  # init: a new site folder from the starter files (package data)
    "fonts_install": 8,  # fonts: the free print fonts into the user's own font folder
    "theme_export": 8,  # theme export: the default theme copied out for editing
    "deploy": 8,  # deploy: upload the built site (SFTP or a folder), only what changed
    "importer": 9,
    "serve": 9,
    "cli": 10,
    "__main__": 11,  # python -m civicpress: the command line
}


def layer_of(module: str) -> float:
    """The layer of ``civicpress.x.y``: a package's modules share the package's layer."""
    parts = module.split(".")
    assert parts[0] == "civicpress", module
    if len(parts) == 1:
        return -1  # the package itself only carries its docstring and version
    name = parts[1]
    assert name in LAYERS, f"civicpress.{name} has no layer: add it to LAYERS and to ARCHITECTURE.md"
    return LAYERS[name]


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return {name for name in found if name.split(".")[0] == "civicpress"}


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_module_imports_only_lower_layers(path: Path) -> None:
    module = module_name(path)
    own = layer_of(module)
    own_room = module.split(".")[:2]
    for imported in imports_of(path):
        if imported.split(".")[:2] == own_room:
            continue  # inside one room (a package's own modules)
        assert layer_of(imported) < own, f"{module} (layer {own}) imports {imported} (layer {layer_of(imported)})"


def test_writers_do_not_import_each_other() -> None:
    for path in (PACKAGE / "writers").glob("*.py"):
        for imported in imports_of(path):
            assert not imported.startswith("civicpress.writers."), f"{path.name} imports {imported}"


def test_build_py_uses_only_the_cli() -> None:
    assert imports_of(ROOT / "build.py") == {"civicpress.cli"}


def test_no_utils_module() -> None:
    names = {p.stem for p in MODULES}
    assert not names & {"utils", "helpers", "misc", "common"}
