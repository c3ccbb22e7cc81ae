#!/usr/bin/env bash
# 安装交流材料（GB/T 9704-2012 排版）所用的免费替代字体（Debian/Ubuntu，需要 root）：
#   仿宋_GB2312 → FandolFang，楷体_GB2312 → FandolKai，宋体 → FandolSong，
#   方正小标宋简体 → Noto Serif CJK SC Bold，黑体 → Noto Sans CJK SC，生僻字 → Noto Serif CJK SC。
# Fandol 字体只在 texlive-lang-chinese 软件包里：只下载这个包、解出四款字体，不安装整个 TeX Live。
# 另写一个 fontconfig 文件，把公文字体名映射到替代字体；装有正式字体的电脑仍优先用正式字体。
# 已经装好时一秒内结束，可以反复运行。
set -euo pipefail

FONT_DIR=/usr/local/share/fonts/fandol
CONF=/etc/fonts/conf.d/64-civicpress-gbt9704.conf
HERE="$(cd "$(dirname "$0")" && pwd)"

have_family() { fc-list ":family=$1" family 2>/dev/null | grep -q .; }

fandol_ok() { for f in FandolFang FandolKai FandolSong FandolHei; do have_family "$f" || return 1; done; }

if fandol_ok && have_family "Noto Serif CJK SC" && have_family "Noto Sans CJK SC" \
        && cmp -s "$HERE/../civicpress/printing/64-civicpress-gbt9704.conf" "$CONF" \
        && ldconfig -p | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then
    echo "字体已安装：FandolFang/Kai/Song/Hei，Noto Serif/Sans CJK SC。"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "需要 root 权限安装字体：sudo $0" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt_install() {
    apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1 \
        || { apt-get update >/dev/null && apt-get install -y --no-install-recommends "$@" >/dev/null; }
}

if ! command -v fc-cache >/dev/null; then apt_install fontconfig; fi
# WeasyPrint (the PDF renderer) needs Pango and HarfBuzz's subsetter
if ! ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || ! ldconfig -p | grep -q 'libharfbuzz-subset.so.0'; then
    echo "安装 WeasyPrint 所需的系统库（Pango、HarfBuzz）..."
    apt_install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
fi
if ! have_family "Noto Serif CJK SC" || ! have_family "Noto Sans CJK SC"; then
    echo "安装 fonts-noto-cjk ..."
    apt_install fonts-noto-cjk
fi

if ! fandol_ok; then
    echo "从 texlive-lang-chinese 中取出 Fandol 字体 ..."
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    chmod 755 "$work"   # apt's download user must be able to write here
    ( cd "$work" && { apt-get download texlive-lang-chinese >/dev/null 2>&1 \
        || { apt-get update >/dev/null && apt-get download texlive-lang-chinese >/dev/null; }; } )
    dpkg -x "$work"/texlive-lang-chinese_*.deb "$work/x"
    mkdir -p "$FONT_DIR"
    for face in Fang-Regular Kai-Regular Song-Regular Song-Bold Hei-Regular Hei-Bold; do
        find "$work/x" -name "Fandol$face.otf" -exec cp {} "$FONT_DIR/" \;
    done
    chmod 644 "$FONT_DIR"/*.otf
fi

install -m 644 "$HERE/../civicpress/printing/64-civicpress-gbt9704.conf" "$CONF"
fc-cache -f >/dev/null
fandol_ok || { echo "Fandol 字体安装失败" >&2; exit 1; }
echo "字体已安装：$(fc-match -f '%{family[0]}' 仿宋_GB2312)（仿宋_GB2312），$(fc-match -f '%{family[0]}' 楷体_GB2312)（楷体_GB2312），$(fc-match -f '%{family[0]}' 宋体)（宋体），$(fc-match -f '%{family[0]}' 黑体)（黑体），$(fc-match -f '%{family[0]}:%{style[0]}' 方正小标宋简体)（方正小标宋简体）。"
