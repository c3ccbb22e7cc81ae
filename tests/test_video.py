"""Video in articles (issue 13): video files become ``<video controls preload="none">`` with a caption and
a poster beside them; ``{{ video("URL") }}`` takes only the platforms residents use and becomes a facade
that names no outside address the browser would load (the browser test clicks it: test_video_browser).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sitemaker import article, build_site, make_site

from civicpress.errors import BuildFailed, Location
from civicpress.video import VideoRefused, platform_video

MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 8  # the bytes are only copied


def jpeg(width: int = 64, height: int = 36) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (180, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("url", "platform", "embed"),
    [
        ("https://www.bilibili.com/video/BV1GJ411x7h7/?spm_id_from=333.1007", "哔哩哔哩",
         "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=1&autoplay=1"),
        ("https://m.bilibili.com/video/BV1GJ411x7h7?p=2", "哔哩哔哩",
         "https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&page=2&autoplay=1"),
        ("https://v.qq.com/x/cover/mzc00200abcdefg/a0045ab1cde.html", "腾讯视频",
         "https://v.qq.com/txp/iframe/player.html?vid=a0045ab1cde&autoplay=1"),
        ("https://w.yangshipin.cn/video?type=0&vid=y000012abcd", "央视频", "https://w.yangshipin.cn/video?type=0&vid=y000012abcd"),
        ("https://v.youku.com/v_show/id_XNTk1MjQ2NjEyOA==.html", "优酷", "https://player.youku.com/embed/XNTk1MjQ2NjEyOA=="),
        ("https://www.ixigua.com/7123456789012345678", "西瓜视频", "https://www.ixigua.com/iframe/7123456789012345678?autoplay=1"),
    ],
)
def test_the_platforms_residents_use_give_their_player(url: str, platform: str, embed: str) -> None:
    found = platform_video(url)
    assert (found.platform, found.embed) == (platform, embed)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "不能嵌入来自 www.youtube.com 的视频"),
        ("https://evil.example/bilibili.com/video/BV1GJ411x7h7", "不能嵌入来自 evil.example 的视频"),
        ("https://www.bilibili.com.evil.example/video/BV1GJ411x7h7", "不能嵌入来自 www.bilibili.com.evil.example"),
        ("https://b23.tv/abc123", "是短链接"),
        ("https://www.bilibili.com/read/cv123", "不是哔哩哔哩的视频页面"),
        ("javascript:alert(1)", "不是网址"),
    ],
)
def test_other_addresses_are_refused(url: str, message: str) -> None:
    with pytest.raises(VideoRefused) as caught:
        platform_video(url)
    assert message in caught.value.message


def test_a_video_call_becomes_a_facade_that_loads_nothing_from_the_platform(tmp_path: Path) -> None:
    body = '活动现场：\n\n{{ video("https://www.bilibili.com/video/BV1GJ411x7h7", "重阳节文艺汇演") }}\n\n后文。'
    site = make_site(tmp_path, {"content/events/a.md": article("重阳节", body=body)})
    build_site(site, tmp_path / "out")
    page = tmp_path / "out/events/2022/a/index.html"
    html = page.read_text(encoding="utf-8")
    figure = html[html.index('<figure class="video video-facade">'):html.index("</figure>")]
    assert 'href="https://www.bilibili.com/video/BV1GJ411x7h7/"' in figure
    assert 'data-embed="https://player.bilibili.com/player.html?bvid=BV1GJ411x7h7&amp;page=1&amp;autoplay=1"' in figure
    assert "播放视频：重阳节文艺汇演" in figure and "哔哩哔哩" in figure
    assert "<figcaption>重阳节文艺汇演（哔哩哔哩）</figcaption>" in figure
    # nothing in the page makes the browser fetch from another host when it loads
    fetched = re.findall(r'<(?:img|iframe|script|video|audio|source|link)\b[^>]*\b(?:src|href)="(https?:[^"]*)"', html)
    assert [url for url in fetched if "bilibili" in url] == []
    assert "<iframe" not in html


def test_a_video_from_another_host_is_an_error_at_its_line(tmp_path: Path) -> None:
    body = '第一段。\n\n{{ video("https://www.youtube.com/watch?v=dQw4w9WgXcQ") }}'
    text = article("活动", body=body)
    site = make_site(tmp_path, {"content/events/a.md": text})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    [finding] = [f for f in caught.value.findings if f.code == "video-refused"]
    line = next(n for n, row in enumerate(text.split("\n"), 1) if "youtube" in row)
    assert finding.location == Location("content/events/a.md", line)
    assert "www.youtube.com" in finding.message and "哔哩哔哩" in finding.message
    assert "bilibili.com/video" in finding.hint


def test_a_video_file_plays_in_the_page_with_its_caption_and_poster(tmp_path: Path) -> None:
    body = "![重阳节文艺汇演片段](videos/huiyan.mp4)\n\n![](videos/clip.webm)"
    site = make_site(tmp_path, {
        "content/events/a.md": article("重阳节", body=body),
        "content/events/videos/huiyan.mp4": MP4,
        "content/events/videos/huiyan.jpg": jpeg(),
        "content/events/videos/clip.webm": MP4[::-1],
    })
    build_site(site, tmp_path / "out")
    page = tmp_path / "out/events/2022/a/index.html"
    html = page.read_text(encoding="utf-8")
    figure = r'<figure class="video">\s*(<video [^>]*>)[^<]*</video>\s*(<figcaption>[^<]*</figcaption>)?'
    videos = re.findall(figure, html)
    assert videos == [
        ('<video controls preload="none" src="../../videos/huiyan.mp4" poster="../../videos/huiyan.jpg">',
         "<figcaption>重阳节文艺汇演片段</figcaption>"),
        ('<video controls preload="none" src="../../videos/clip.webm">', ""),
    ]
    assert (tmp_path / "out/events/videos/huiyan.mp4").read_bytes() == MP4
    assert (tmp_path / "out/events/videos/huiyan.jpg").exists()
    assert "<img" not in html[html.index('<div class="content"'):html.index("</article>")]


def test_a_missing_video_file_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = article("活动", body="第一段。\n\n![片段](videos/none.mp4)")
    site = make_site(tmp_path, {"content/events/a.md": text})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    [finding] = [f for f in caught.value.findings if f.code == "missing-video"]
    assert finding.location == Location("content/events/a.md", len(text.split("\n")) - 1)
    assert finding.message == "视频 videos/none.mp4 不存在"


def test_the_poster_of_a_video_only_a_draft_shows_is_withheld(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "content/events/a.md": article("草稿", body="![走访](videos/visit.mp4)", draft=True),
        "content/events/videos/visit.mp4": MP4,
        "content/events/videos/visit.jpg": jpeg(),
    })
    build_site(site, tmp_path / "out")
    assert not (tmp_path / "out/events/videos/visit.mp4").exists()
    assert not (tmp_path / "out/events/videos/visit.jpg").exists()
