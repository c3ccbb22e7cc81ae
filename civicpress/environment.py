"""What a build runs with besides the site: the libraries, Pagefind and the installed fonts.

They shape the output as much as the editor's files do: a new Markdown or WeasyPrint makes
different pages or PDFs, and installing the print fonts (scripts/install-fonts.sh) replaces
the fallback faces. So they are inputs of the change check, at two levels of cost:

- :func:`installed_stamp` (cheap, stat only) for the no-change check (``rebuild.state``): the
  names of the distributions on ``sys.path`` (their ``.dist-info`` folders carry the version)
  and the Pagefind program. Any install or upgrade changes it, and the build then looks closer;
- :func:`library_versions` (``importlib.metadata``, once per process) for the keys of the
  outputs (``rebuild.keys``): only a new version of a library that shapes the output makes
  every output again;
- :func:`font_stamp`: the font files fontconfig lists (path, size, modification time) and its
  configuration, for the keys of the print outputs and, on sites that print, the no-change check.

Light on purpose (standard library only): the no-change check loads it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import sys

from civicpress import __version__

# The distributions whose version changes the bytes of the output (pages, images, PDFs, Word
# files, the search index); a missing one counts as "-".
OUTPUT_LIBRARIES = (
    "Jinja2", "MarkupSafe", "Markdown", "PyYAML", "pypinyin", "nh3", "segno", "pillow",
    "weasyprint", "pydyf", "fonttools", "python-docx", "pagefind", "pagefind_bin_extended", "pagefind_bin",
    "pillow-heif",
)
PAGEFIND_PROGRAMS = ("pagefind_extended", "pagefind")  # on PATH, when the Python packages are absent
FONTCONFIG_FILES = ("/etc/fonts/fonts.conf", "/etc/fonts/conf.d")  # fontconfig's own configuration
FONT_LIST_TIMEOUT = 30


@functools.lru_cache(maxsize=1)
def library_versions() -> tuple[tuple[str, str], ...]:
    """(name, version) of civicpress and of every library in OUTPUT_LIBRARIES, as installed."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    return (("civicpress", __version__), *((name, installed(name)) for name in OUTPUT_LIBRARIES))


def installed_stamp() -> str:
    """A hash of the distributions Python can import and of the Pagefind program; stat and listing only.

    A ``.dist-info`` folder is named after its distribution and version, so an upgrade
    changes the listing even where no file time does.
    """
    hasher = hashlib.blake2b(digest_size=16)
    for entry in sys.path:
        hasher.update(f"{entry}\0{_distributions_in(entry or '.')}\n".encode())
    override = os.environ.get("PAGEFIND_BINARY_PATH", "")
    programs = [override] + [shutil.which(name) or "" for name in PAGEFIND_PROGRAMS]
    hasher.update(repr([(program, _stat(program)) for program in programs]).encode())
    return hasher.hexdigest()


def _distributions_in(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as listing:
            return sorted(e.name for e in listing if e.name.endswith((".dist-info", ".egg-info")))
    except OSError:  # not a folder (a zip file, an import hook), or gone
        return []


def font_stamp() -> str:
    """A hash of the fonts fontconfig offers: every font file it lists, and its configuration.

    Any font installed, removed or replaced changes it, as does a different ``FONTCONFIG_FILE``.
    One ``fc-list`` (some milliseconds); "-" where there is no fontconfig (Windows).
    """
    import subprocess  # here: a site that does not print never pays for loading it

    program = shutil.which("fc-list")
    if program is None:
        return "-"
    try:
        listed = subprocess.run([program, "-f", "%{file}\n"], capture_output=True, timeout=FONT_LIST_TIMEOUT,
                                check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    hasher = hashlib.blake2b(digest_size=16)
    for font in sorted(set(listed.split(b"\n")) - {b""}):
        hasher.update(font + f"\0{_stat(os.fsdecode(font))}\n".encode())
    for config in _fontconfig_files():
        hasher.update(f"{config}\0{_stat(config)}\n".encode())
    return hasher.hexdigest()


def _fontconfig_files() -> list[str]:
    """The configuration that decides which face answers a family name (aliases, directories)."""
    chosen = [os.environ.get(name, "") for name in ("FONTCONFIG_FILE", "FONTCONFIG_PATH")]
    roots = [path for path in chosen if path] or [*FONTCONFIG_FILES, os.path.expanduser("~/.config/fontconfig")]
    paths: list[str] = []
    for root in roots:
        paths.append(root)
        if os.path.isdir(root):
            with os.scandir(root) as listing:
                paths.extend(sorted(entry.path for entry in listing))
    return paths


def _stat(path: str) -> str:
    """Size and modification time (of the file a link points to), or "-"."""
    if not path:
        return "-"
    try:
        info = os.stat(path)
    except OSError:
        return "-"
    return f"{info.st_size}:{info.st_mtime_ns}"
