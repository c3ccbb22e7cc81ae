"""Video in articles: files the site publishes, and videos on the platforms residents use.

- ``![说明](videos/huiyan.mp4)`` (mp4, webm) becomes ``<video controls preload="none">`` in a
  ``<figure>`` with the 说明 as its caption: nothing of the file is loaded until the reader plays
  it. A picture of the same name beside it (``huiyan.jpg``) is its poster (the rendering stage
  adds it: it knows the site's files, this module does not).
- ``{{ video("https://www.bilibili.com/video/BV…", "标题") }}`` in an article: only the hosts in
  ``PLATFORMS`` (哔哩哔哩, 腾讯视频, 央视频, 优酷, 西瓜视频); any other address is refused with
  the line (``VideoRefused``). The call writes a Markdown image titled ``civicpress-video``,
  which the Markdown stage turns into a *facade*: a link to the video's page, styled as a play
  button with the title and the platform's name. The published page asks nothing of the platform
  when it loads (the site's zero-outside-requests rule); the theme's script replaces the facade
  with the platform's player (an ``<iframe>``) only when the reader taps it, and without the
  script the link opens the video's page.

This module never imports the site model: the Markdown stage hands it a link resolver.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor

VIDEO_SUFFIXES = (".mp4", ".webm")
POSTER_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")
FACADE_MARK = "civicpress-video"  # the title video() gives its Markdown image
VIDEO_HINT = (
    "视频请先上传到哔哩哔哩、腾讯视频、央视频、优酷或西瓜视频，再把视频页面的网址写进来，"
    '如 {{ video("https://www.bilibili.com/video/BV1GJ411x7h7", "重阳节文艺汇演") }}；'
    "短视频文件也可以放在文章旁边，写成 ![说明](videos/huiyan.mp4)。"
)


class VideoRefused(ValueError):
    """A ``video()`` address that is not a video page of an allowed platform; ``message`` and ``hint`` in Chinese."""

    def __init__(self, message: str, hint: str = VIDEO_HINT) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class PlatformVideo:
    """A video on a platform: the page a reader can open, and the player the facade loads when tapped."""

    platform: str  # 哔哩哔哩
    page: str  # https://www.bilibili.com/video/BV1GJ411x7h7
    embed: str  # https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&autoplay=1


def _bilibili(path: str, query: Mapping[str, list[str]]) -> tuple[str, str] | None:
    match = re.fullmatch(r"/video/(BV[0-9A-Za-z]{10}|av\d{1,12})/?", path)
    if not match:
        return None
    video = match.group(1)
    part = query.get("p", ["1"])[0]
    part = part if part.isdigit() else "1"
    key = {"bvid": video} if video.startswith("BV") else {"aid": video[2:]}
    page = f"https://www.bilibili.com/video/{video}/" + (f"?p={part}" if part != "1" else "")
    return page, "https://player.bilibili.com/player.html?" + urlencode({**key, "page": part, "autoplay": "1"})


def _tencent(path: str, query: Mapping[str, list[str]]) -> tuple[str, str] | None:
    match = re.fullmatch(r"/x/(?:cover/[0-9a-z]{10,20}/|page/)([0-9a-z]{11})\.html", path)
    vid = match.group(1) if match else query.get("vid", [""])[0]
    if not re.fullmatch(r"[0-9a-z]{11}", vid):
        return None
    return f"https://v.qq.com/x/page/{vid}.html", f"https://v.qq.com/txp/iframe/player.html?vid={vid}&autoplay=1"


def _yangshipin(path: str, query: Mapping[str, list[str]]) -> tuple[str, str] | None:
    vid = query.get("vid", [""])[0]
    if not re.fullmatch(r"[0-9A-Za-z]{6,40}", vid) or not path.startswith("/video"):
        return None
    page = f"https://w.yangshipin.cn/video?type=0&vid={vid}"
    return page, page


def _youku(path: str, _query: Mapping[str, list[str]]) -> tuple[str, str] | None:
    match = re.fullmatch(r"/v_show/id_([0-9A-Za-z=]{10,30})\.html", path)
    if not match:
        return None
    vid = match.group(1)
    return f"https://v.youku.com/v_show/id_{vid}.html", f"https://player.youku.com/embed/{vid}"


def _ixigua(path: str, _query: Mapping[str, list[str]]) -> tuple[str, str] | None:
    match = re.fullmatch(r"/(\d{15,20})/?", path)
    if not match:
        return None
    vid = match.group(1)
    return f"https://www.ixigua.com/{vid}", f"https://www.ixigua.com/iframe/{vid}?autoplay=1"


# platform name -> (hosts it serves video pages from, how a page address becomes (page, player))
Reader = Callable[[str, Mapping[str, list[str]]], "tuple[str, str] | None"]
PLATFORMS: Mapping[str, tuple[tuple[str, ...], Reader]] = {
    "哔哩哔哩": (("www.bilibili.com", "bilibili.com", "m.bilibili.com"), _bilibili),
    "腾讯视频": (("v.qq.com", "m.v.qq.com"), _tencent),
    "央视频": (("w.yangshipin.cn", "yangshipin.cn", "www.yangshipin.cn"), _yangshipin),
    "优酷": (("v.youku.com", "m.youku.com"), _youku),
    "西瓜视频": (("www.ixigua.com", "ixigua.com", "m.ixigua.com"), _ixigua),
}
SHORT_LINKS = ("b23.tv", "url.cn", "v.douyin.com")  # short links hide the video's address


def platform_video(url: str) -> PlatformVideo:
    """The video at ``url`` on an allowed platform; raises VideoRefused naming what is wrong."""
    shown = url if len(url) <= 80 else url[:77] + "…"
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise VideoRefused(f"视频网址 {shown} 不是网址，应以 https:// 开头")
    if host in SHORT_LINKS:
        raise VideoRefused(f"视频网址 {shown} 是短链接，看不出是哪个视频",
                           "请在浏览器中打开这个短链接，再从地址栏复制视频页面的完整网址。")
    for name, (hosts, read) in PLATFORMS.items():
        if host in hosts:
            found = read(unquote(parts.path), parse_qs(parts.query))
            if found is None:
                raise VideoRefused(f"视频网址 {shown} 不是{name}的视频页面",
                                   f"请在{name}打开要放的视频，从地址栏复制视频页面的网址。")
            return PlatformVideo(name, *found)
    names = "、".join(PLATFORMS)
    raise VideoRefused(f"不能嵌入来自 {host} 的视频：只能嵌入{names}的视频")


def video_markdown(url: str, title: str = "") -> str:
    """What ``{{ video(url, title) }}`` writes: a Markdown image the Markdown stage makes a facade of.

    Raises VideoRefused for an address that is not a video page of an allowed platform.
    """
    if not isinstance(url, str):
        raise VideoRefused("video() 的第一项应是视频页面的网址，写在引号里")
    found = platform_video(url)
    text = " ".join(str(title).split()) or f"{found.platform}视频"
    text = re.sub(r"([\\\[\]])", r"\\\1", text)
    return f'![{text}]({found.page} "{FACADE_MARK}")'


def is_video(href: str) -> bool:
    """A link to a video file the site publishes (by its suffix)."""
    parts = urlsplit(href)
    return not parts.scheme and not parts.netloc and unquote(parts.path).lower().endswith(VIDEO_SUFFIXES)


def poster_candidates(path: str) -> tuple[str, ...]:
    """The pictures that would be the poster of the video at ``path`` (same folder and name), in order of preference."""
    stem = posixpath.splitext(path)[0]
    return tuple(stem + suffix for suffix in POSTER_SUFFIXES)


# (href, is_image) -> the URL to write: markup's LinkResolver
Resolve = Callable[[str, bool], str]


class VideoBlocks(Treeprocessor):
    """``<img>`` of a video file → ``<video>``; ``<img title=civicpress-video>`` → the click-to-load facade.

    Runs after the inline patterns and before links are resolved, so a video file is resolved
    here (as a link, not an image: a missing one is named as a video) and never as an image.
    """

    def __init__(self, md: Markdown, resolver: Callable[[], Resolve | None]) -> None:
        super().__init__(md)
        self.resolver = resolver

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for image in [element for element in root.iter("img")]:
            src = image.get("src") or ""
            if image.get("title") == FACADE_MARK:
                self._replace(image, parents, _facade(image, src))
            elif is_video(src):
                resolve = self.resolver()
                url = resolve(src, False) if resolve else src
                self._replace(image, parents, _video(image, url))

    def _replace(self, image: etree.Element, parents: dict[etree.Element, etree.Element],
                 made: etree.Element | None) -> None:
        if made is None:
            return
        parent = parents[image]
        alone = parent.tag == "p" and not (parent.text or "").strip() and len(parent) == 1 and \
            not (image.tail or "").strip()
        if alone and parent in parents:  # the image is its paragraph: the figure takes the paragraph's place
            grand = parents[parent]
            made.tail = parent.tail
            grand[list(grand).index(parent)] = made
            return
        made.tail = image.tail
        if made.tag == "figure":  # inside a line of text a figure may not stand: its first child does
            made = made[0]
            made.tail = image.tail
        parent[list(parent).index(image)] = made


def _facade(image: etree.Element, src: str) -> etree.Element | None:
    try:
        found = platform_video(src)
    except VideoRefused:
        return None  # written by hand with another host: left an image, which the link checks see
    title = image.get("alt") or f"{found.platform}视频"
    figure = etree.Element("figure", {"class": "video video-facade"})
    link = etree.SubElement(figure, "a", {
        "class": "video-play", "href": found.page, "data-embed": found.embed, "data-title": title,
    })
    etree.SubElement(link, "span", {"class": "video-play-icon", "aria-hidden": "true"})
    text = etree.SubElement(link, "span", {"class": "video-play-text"})
    text.text = f"播放视频：{title}"
    note = etree.SubElement(link, "span", {"class": "video-play-note"})
    note.text = f"视频在{found.platform}，点击后才从{found.platform}加载"
    caption = etree.SubElement(figure, "figcaption")
    caption.text = f"{title}（{found.platform}）"
    return figure


def _video(image: etree.Element, url: str) -> etree.Element:
    figure = etree.Element("figure", {"class": "video"})
    video = etree.SubElement(figure, "video", {"controls": "controls", "preload": "none", "src": url})
    video.text = "你的浏览器不能播放这段视频。"  # no link inside: the links stage would resolve it a second time
    alt = (image.get("alt") or "").strip()
    if alt:
        caption = etree.SubElement(figure, "figcaption")
        caption.text = alt
    return figure


_VIDEO_TAG = re.compile(r'<video (?P<attrs>[^>]*?)src="(?P<src>[^"]*)"')


def add_posters(page_html: str, posters: Mapping[str, str]) -> str:
    """Each ``<video src>`` of ``page_html`` whose address is in ``posters`` given that picture as its poster."""
    if not posters or "<video " not in page_html:
        return page_html

    def add(match: re.Match[str]) -> str:
        poster = posters.get(html.unescape(match.group("src")))
        if poster is None or "poster=" in match.group("attrs"):
            return match.group(0)
        return f'{match.group(0)} poster="{html.escape(poster)}"'

    return _VIDEO_TAG.sub(add, page_html)
