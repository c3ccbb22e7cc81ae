"""``fonts``: the free print fonts in the user's own font folder, without administrator rights.

The exchange materials are set in 仿宋_GB2312, 楷体_GB2312, 宋体, 黑体 and 方正小标宋简体; where those
are missing, free stand-ins (civicpress/printing/64-civicpress-gbt9704.conf maps the names):

    FandolFang / FandolKai / FandolSong / FandolHei   from Debian's texlive-lang-chinese
    Noto Serif CJK SC, Noto Sans CJK SC               from Debian's fonts-noto-cjk

Linux (Debian, Ubuntu): ``apt-get download`` fetches the package as the system's package manager
verifies it (no root needed), ``dpkg-deb -x`` unpacks it into a temporary folder, and only the font
files are copied to ``$XDG_DATA_HOME/fonts/civicpress`` (``~/.local/share/fonts``); the name map goes to
``$XDG_CONFIG_HOME/fontconfig/conf.d``. macOS ships 华文仿宋, 华文楷体, 宋体-简 and 黑体-简, and Windows
ships 仿宋, 楷体, 黑体 and 宋体: there the command says which ones stand in.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

from civicpress.errors import SiteError

CONF_NAME = "64-civicpress-gbt9704.conf"


@dataclass(frozen=True)
class FontPackage:
    package: str  # Debian package name
    families: tuple[str, ...]  # font families it brings (checked with fc-list before and after)
    files: tuple[str, ...]  # font file names to take out of it; nothing else is copied


PRINT_FONTS = (
    FontPackage("texlive-lang-chinese", ("FandolFang", "FandolKai", "FandolSong", "FandolHei"),
                tuple(f"Fandol{face}.otf" for face in
                      ("Fang-Regular", "Kai-Regular", "Song-Regular", "Song-Bold", "Hei-Regular", "Hei-Bold"))),
    FontPackage("fonts-noto-cjk", ("Noto Serif CJK SC", "Noto Sans CJK SC"),
                ("NotoSerifCJK-Regular.ttc", "NotoSerifCJK-Bold.ttc", "NotoSansCJK-Regular.ttc",
                 "NotoSansCJK-Bold.ttc")),
)

WINDOWS_FONTS = (("仿宋_GB2312", "仿宋（simfang.ttf）"), ("楷体_GB2312", "楷体（simkai.ttf）"),
                 ("黑体", "黑体（simhei.ttf）"), ("宋体", "宋体（simsun.ttc）"),
                 ("方正小标宋简体", "宋体加粗（正式公文请另装方正小标宋简体）"))
MACOS_FONTS = (("仿宋_GB2312", "华文仿宋"), ("楷体_GB2312", "华文楷体"), ("黑体", "黑体-简"), ("宋体", "宋体-简"),
               ("方正小标宋简体", "宋体-简加粗（正式公文请另装方正小标宋简体）"))

Say = Callable[[str], None]


def font_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    data = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".local" / "share")
    return Path(data) / "fonts" / "civicpress"


def conf_dir(environ: dict[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME") or str(Path(env.get("HOME", str(Path.home()))) / ".config")
    return Path(config) / "fontconfig" / "conf.d"


def install_fonts(say: Say, packages: tuple[FontPackage, ...] = PRINT_FONTS, platform: str = sys.platform) -> int:
    """Install what is missing; returns how many font files were copied. Raises SiteError when it cannot."""
    if platform.startswith("win"):
        _explain(say, "Windows", WINDOWS_FONTS)
        return 0
    if platform == "darwin":
        _explain(say, "macOS", MACOS_FONTS)
        return 0
    for tool in ("apt-get", "dpkg-deb", "fc-list", "fc-cache"):
        if shutil.which(tool) is None:
            raise SiteError.single(
                "fonts-no-apt", f"这台电脑上没有 {tool}，无法自动安装字体", None,
                "自动安装只支持 Debian、Ubuntu 等用 apt 的系统。其他系统请用系统的软件管理器安装 "
                "Noto Serif CJK SC、Noto Sans CJK SC（通常叫 noto-cjk 或 google-noto-cjk-fonts）。",
            )
    copied = 0
    target = font_dir()
    for package in packages:
        missing = [family for family in package.families if not has_family(family)]
        if not missing:
            say(f"已有：{'、'.join(package.families)}")
            continue
        say(f"下载 {package.package}（系统软件源中的软件包，只取出其中的字体文件）……")
        copied += _install_package(package, target)
    _install_conf()
    if copied:
        subprocess.run(["fc-cache", "-f", str(target)], check=False, capture_output=True)
    still = [f for p in packages for f in p.families if not has_family(f)]
    if still:
        custom = os.environ.get("FONTCONFIG_FILE")
        hint = (f"环境变量 FONTCONFIG_FILE 指向 {custom}，它可能不读取 {target.parent}；请在其中加入 "
                f"<dir>{target.parent}</dir> 后重试。" if custom else
                f"请检查 {target} 中的文件，并运行 fc-cache -f 后重试。")
        raise SiteError.single("fonts-not-found", f"字体装好后仍找不到：{'、'.join(still)}", None, hint)
    say(f"字体已装好，放在 {target}（只有当前用户可用，不需要管理员权限）。"
        "再运行 python build.py，交流材料的 PDF 会换用这些字体重新排版。")
    return copied


def has_family(family: str) -> bool:
    listed = subprocess.run(["fc-list", f":family={family}", "family"], capture_output=True, text=True, check=False)
    return bool(listed.stdout.strip())


def _install_package(package: FontPackage, target: Path) -> int:
    with tempfile.TemporaryDirectory(prefix="civicpress-fonts-") as work_dir:
        work = Path(work_dir)
        work.chmod(0o755)  # run as root, apt downloads as its own user, who must be able to write here
        fetched = subprocess.run(["apt-get", "download", package.package], cwd=work, capture_output=True,
                                 text=True, check=False)
        debs = sorted(work.glob(f"{package.package}_*.deb"))
        if fetched.returncode != 0 or not debs:
            raise SiteError.single(
                "fonts-download", f"无法下载软件包 {package.package}：{_last_line(fetched.stderr)}", None,
                "请检查网络；软件源列表过旧时请管理员运行 sudo apt-get update，然后重新运行 python build.py fonts。",
            )
        unpacked = work / "x"
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(unpacked)], check=True, capture_output=True)
        found = {path.name: path for path in unpacked.rglob("*") if path.name in package.files}
        if not found:
            raise SiteError.single("fonts-not-in-package", f"软件包 {package.package} 中没有需要的字体文件", None,
                                   "可能是系统版本不同，请告知 civicpress 的维护者。")
        target.mkdir(parents=True, exist_ok=True)
        for name, path in sorted(found.items()):
            _copy_atomically(path, target / name)
        return len(found)


def _install_conf() -> None:
    folder = conf_dir()
    folder.mkdir(parents=True, exist_ok=True)
    data = (files("civicpress") / "printing" / CONF_NAME).read_bytes()
    path = folder / CONF_NAME
    if not path.is_file() or path.read_bytes() != data:
        temporary = path.with_name(f".{CONF_NAME}.new")
        temporary.write_bytes(data)
        os.replace(temporary, path)


def _copy_atomically(source: Path, destination: Path) -> None:
    temporary = destination.with_name(f".{destination.name}.new")
    shutil.copyfile(source, temporary)
    os.chmod(temporary, 0o644)
    os.replace(temporary, destination)


def _explain(say: Say, system: str, table: tuple[tuple[str, str], ...]) -> None:
    say(f"{system} 自带可以代替公文字体的字体，不需要另外安装：")
    for official, builtin in table:
        say(f"  {official} → {builtin}")
    say("电脑上装有正式的公文字体（如 仿宋_GB2312、方正小标宋简体）时，交流材料会优先使用它们。")


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "原因不明"
