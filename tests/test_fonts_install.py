"""``fonts``: print fonts into the user's own font folder, from the system's package manager, no root.

Every test points HOME and the XDG folders at tmp: nothing is installed into the real home folder.
The whole path runs for real (apt-get download, dpkg-deb, the copy, fc-cache, fc-list) on a small
Debian font package (fonts-wqy-microhei, 1.6 MB); the print fonts themselves (100 MB) only in the
slow test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from civicpress.errors import SiteError
from civicpress.fonts_install import CONF_NAME, PRINT_FONTS, FontPackage, has_family, install_fonts

ROOT = Path(__file__).resolve().parent.parent
SMALL = FontPackage("fonts-wqy-microhei", ("WenQuanYi Micro Hei",), ("wqy-microhei.ttc",))
needs_apt = pytest.mark.skipif(any(shutil.which(t) is None for t in ("apt-get", "dpkg-deb", "fc-list")),
                               reason="installs from Debian packages (apt-get, dpkg-deb, fontconfig)")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name, folder in (("XDG_DATA_HOME", ".local/share"), ("XDG_CONFIG_HOME", ".config"),
                         ("XDG_CACHE_HOME", ".cache")):
        monkeypatch.setenv(name, str(home / folder))
    bare = os.environ.get("FONTCONFIG_FILE")
    if bare:
        # A machine whose fonts are hidden by its own fontconfig file (fresh-machine.sh does this):
        # keep it, and add the user's folders as the standard configuration reads them.
        conf = tmp_path / "fonts.conf"
        conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                        f'<include>{bare}</include><dir prefix="xdg">fonts</dir>'
                        f'<include ignore_missing="yes" prefix="xdg">fontconfig/conf.d</include></fontconfig>')
        monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return home


@needs_apt
def test_a_font_package_goes_into_the_users_font_folder(home: Path) -> None:
    if has_family("WenQuanYi Micro Hei"):
        pytest.skip("this machine already has the test font system-wide")
    said: list[str] = []
    assert install_fonts(said.append, packages=(SMALL,)) == 1
    installed = home / ".local/share/fonts/civicpress/wqy-microhei.ttc"
    assert installed.is_file() and installed.stat().st_size > 1_000_000
    assert has_family("WenQuanYi Micro Hei")  # fontconfig finds it, for this user
    assert (home / ".config/fontconfig/conf.d" / CONF_NAME).read_bytes() == (
        ROOT / "civicpress/printing" / CONF_NAME).read_bytes()
    assert any("字体已装好" in line for line in said)
    # Again: already there, nothing downloaded or copied.
    again: list[str] = []
    assert install_fonts(again.append, packages=(SMALL,)) == 0
    assert any(line.startswith("已有") for line in again)
    assert sorted(p.name for p in installed.parent.iterdir()) == ["wqy-microhei.ttc"], "only the font files"


@needs_apt
def test_an_unknown_package_is_a_chinese_message(home: Path) -> None:
    with pytest.raises(SiteError) as failed:
        install_fonts(lambda _: None, packages=(FontPackage("civicpress-no-such-font-package", ("No Such",), ()),))
    assert "无法下载软件包 civicpress-no-such-font-package" in failed.value.findings[0].message
    assert not (home / ".local/share/fonts/civicpress").exists()


@pytest.mark.parametrize(("platform", "named"), [("win32", "仿宋（simfang.ttf）"), ("darwin", "华文仿宋")])
def test_windows_and_macos_are_told_which_builtin_fonts_stand_in(platform: str, named: str, home: Path) -> None:
    said: list[str] = []
    assert install_fonts(said.append, platform=platform) == 0
    text = "\n".join(said)
    assert named in text and "不需要另外安装" in text
    assert not any(home.rglob("*")), "nothing written"


def test_without_print_fonts_the_site_builds_and_warns_once_naming_the_command(tmp_path: Path) -> None:
    """A fresh machine (fontconfig sees only DejaVu): the site is built, the PDF step warns once."""
    from civicpress.init_site import init_site

    site = tmp_path / "site"
    init_site(site)
    dejavu = "/usr/share/fonts/truetype/dejavu"
    if not Path(dejavu).is_dir():
        pytest.skip("needs DejaVu to stand for a fresh machine's only fonts")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
                    f"<fontconfig><dir>{dejavu}</dir><cachedir>{tmp_path}/fc-cache</cachedir></fontconfig>")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "FONTCONFIG_FILE": str(conf)}
    proc = subprocess.run([sys.executable, "build.py"], cwd=site, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.count("python build.py fonts") == 1, proc.stderr
    assert "错误" not in proc.stderr
    assert (site / "output" / "index.html").is_file()
    assert (site / "output" / "print" / "jiao-liu-cai-liao.html").is_file()


def test_fonts_command_runs_in_a_process(home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8", "PATH": ""}
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "fonts"], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 1  # no apt-get on this PATH: said in Chinese, no traceback
    assert "无法自动安装字体" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
@needs_apt
def test_the_print_fonts_install_without_root(home: Path) -> None:
    install_fonts(lambda _: None, packages=PRINT_FONTS)
    for package in PRINT_FONTS:
        for family in package.families:
            assert has_family(family), family
