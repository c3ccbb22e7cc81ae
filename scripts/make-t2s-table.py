"""Write civicpress/theme/static/t2s.js: traditional → simplified characters for the search page's queries.

The table is OpenCC's TSCharacters.txt (Apache-2.0, https://github.com/BYVoid/OpenCC), one character to
its first simplified form. Run from the checkout with the path of that file (and its commit, for the header):

    python scripts/make-t2s-table.py path/to/TSCharacters.txt 5249273a3e5606852f088c9a8b23522145d94f78
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TARGET = Path(__file__).resolve().parent.parent / "civicpress" / "theme" / "static" / "t2s.js"


def pairs(text: str) -> list[tuple[str, str]]:
    found: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, _, values = line.partition("\t")
        first = values.split(" ")[0].strip()
        if len(key) == 1 and len(first) == 1 and key != first:
            found.setdefault(key, first)
    return sorted(found.items())


def script(table: list[tuple[str, str]], commit: str) -> str:
    traditional = "".join(t for t, _ in table)
    simplified = "".join(s for _, s in table)
    return (
        "/* Traditional → simplified characters, for search queries (search.js). Made by scripts/make-t2s-table.py\n"
        f"   from OpenCC's data/dictionary/TSCharacters.txt (commit {commit}; Apache-2.0,\n"
        "   the BYVoid/OpenCC repository on GitHub): each character's first simplified form. Do not edit by hand. */\n"
        f"window.civicpressT2S = {{ traditional: {json.dumps(traditional, ensure_ascii=False)},\n"
        f"  simplified: {json.dumps(simplified, ensure_ascii=False)} }};\n"
    )


def main(argv: list[str]) -> int:
    source, commit = Path(argv[1]), argv[2] if len(argv) > 2 else "unknown"
    table = pairs(source.read_text(encoding="utf-8"))
    tmp = TARGET.with_suffix(".js.tmp")
    tmp.write_text(script(table, commit), encoding="utf-8")
    tmp.replace(TARGET)
    print(f"{len(table)} characters → {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
