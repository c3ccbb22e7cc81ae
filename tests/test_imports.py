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
    "figures": 1,  # stats.yaml → labelled figures grouped by its structure: imports nothing of civicpress
    "graphics": 1,  # data → SVG (charts, QR codes): imports nothing of civicpress
    "options": 1,  # what a build is asked to do: light, so an unchanged build loads nothing else
    "progress": 1,  # the build's phases and their counts, told by the pipeline, shown by the command line
    "photo_formats": 1,  # which files are photos and the name each is published under (HEIC → .jpg)
    # The rebuild package wraps the stages from the outside, so its modules sit at different
    # layers (a dotted key: the longest listed prefix of a module names its layer).
    "rebuild": 0,  # the package itself: a docstring, no imports (the command line's shortcut passes it)
    "rebuild.state": 1,  # the previous build's manifest and output records (.civicpress-cache/)
    "rebuild.unchanged": 1.5,  # the "nothing changed" shortcut: options and rebuild.state only
    "sources": 2,
    "fields": 2,  # the one reader of every YAML mapping an editor writes (config, front matter, materials)
    "attachment_links": 2.5,  # attachments' kinds and sizes, the front matter's attachments: list, the 附件 block
    "config": 3,
    "video": 3.5,  # video files and platform facades: markup turns them into HTML, articles call video()
    "galleries": 3.5,  # gallery(): the photos of a folder as a gallery paragraph; their caption files
    "content": 4,
    "markup": 4,
    "editions": 4.5,
    "expressions": 4.75,  # the sandbox and what it sees: the edition decides private() and internal
    "model": 5,
    "images": 5.5,
    "image_cache": 5.6,  # published images kept on disk by the hash of their source and settings
    "rebuild.memos": 5.8,  # serve's memory around content, model and markup: above them, below the writers
    "templating": 6,
    "rendering": 6,  # the body-rendering stage: Markdown + link resolution → HTML, toc, problems
    "printing": 6.5,  # the exchange materials' layout; the print writer publishes them
    "checks": 6.5,  # a Check protocol (checks.protocol), each check one module, the registry
    "writers": 7,  # a Writer protocol (writers.protocol), each output one module, the registry
    "publish": 7,
    "rebuild.keys": 7,  # the key of each output: what an incremental build makes again
    "outputs": 7.5,  # the one loop over output files: writers → checks → staging
    "rebuild.links": 7.5,  # serve's link check with a memory of the files it judged
    "pipeline": 8,
    "rebuild.session": 8.5,  # serve's builds: the pipeline given what the builds before kept
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


def room_of(module: str) -> str:
    """The LAYERS key of ``civicpress.x.y``: the longest listed prefix (``rebuild.state``, ``writers``).

    A package listed whole is one room: its modules share its layer and may import each other.
    A package whose modules are listed one by one (``rebuild.*``) spans layers: a module of it
    that is not listed has no layer yet.
    """
    parts = module.split(".")
    assert parts[0] == "civicpress", module
    names = parts[1:]
    for end in range(len(names), 0, -1):
        key = ".".join(names[:end])
        if key in LAYERS:
            split = any(other.startswith(key + ".") for other in LAYERS)
            assert end == len(names) or not split, f"{module} has no layer: its package spans layers, add it to LAYERS"
            return key
    raise AssertionError(f"{module} has no layer: add it to LAYERS and to ARCHITECTURE.md")


def layer_of(module: str) -> float:
    """The layer of ``civicpress.x.y``; the package ``civicpress`` itself only carries its docstring and version."""
    return -1 if module == "civicpress" else LAYERS[room_of(module)]


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
    own_room = room_of(module) if module != "civicpress" else module
    for imported in imports_of(path):
        if imported != "civicpress" and room_of(imported) == own_room:
            continue  # inside one room (a package's own modules)
        assert layer_of(imported) < own, f"{module} (layer {own}) imports {imported} (layer {layer_of(imported)})"


@pytest.mark.parametrize("room", ["writers", "checks"])
def test_a_writer_or_check_imports_only_the_protocol_of_its_room(room: str) -> None:
    """Each output (each check) is one module: it knows the protocol, not the others; the registry knows all."""
    for path in (PACKAGE / room).glob("*.py"):
        if path.stem in ("registry", "__init__"):
            continue
        for imported in imports_of(path):
            if imported.startswith(f"civicpress.{room}."):
                scanners = {"civicpress.checks.privacy", "civicpress.checks.attachments"}  # not checks: their tools
                allowed = {f"civicpress.{room}.protocol"} | (scanners if room == "checks" else set())
                assert imported in allowed, f"{path.name} imports {imported}"


def test_build_py_uses_only_the_cli() -> None:
    assert imports_of(ROOT / "build.py") == {"civicpress.cli"}


def test_no_utils_module() -> None:
    names = {p.stem for p in MODULES}
    assert not names & {"utils", "helpers", "misc", "common"}
