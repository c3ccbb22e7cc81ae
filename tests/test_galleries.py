"""Captions and galleries: a photo's caption shown under it, ``{{ gallery(...) }}`` as a grid of linked
thumbnails in name order, captions from the folder's 说明.yaml with file:line errors, and
``new --photos`` copying a phone's photos next to a new article that shows them."""

from __future__ import annotations

import io
import re
from datetime import datetime, timezone
from pathlib import Path

import html5lib
import pytest
from PIL import Image
from sitemaker import NOW, article, build_site, make_site

from civicpress.cli import main
from civicpress.errors import BuildFailed
from civicpress.markup import MarkdownRenderer
from civicpress.options import BuildOptions
from civicpress.rebuild.session import BuildSession


def jpeg(colour: str = "red", size: tuple[int, int] = (800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def render(text: str) -> str:
    return MarkdownRenderer().render(text).html


# ---------------------------------------------------------------- captions


def test_a_lone_photo_with_alt_text_is_a_figure_with_its_caption() -> None:
    html = render("![志愿者为老人理发](a.jpg)")
    assert html == '<figure><img alt="志愿者为老人理发" src="a.jpg"><figcaption>志愿者为老人理发</figcaption></figure>'


def test_the_title_is_the_caption_when_given_and_no_longer_a_tooltip() -> None:
    html = render('![合影](a.jpg "2023年重阳节，全体志愿者合影")')
    assert "<figcaption>2023年重阳节，全体志愿者合影</figcaption>" in html
    assert 'alt="合影"' in html and "title=" not in html


def test_a_linked_lone_photo_keeps_its_link_inside_the_figure() -> None:
    html = render("[![大图](a-small.jpg)](a.jpg)")
    assert html == ('<figure><a href="a.jpg"><img alt="大图" src="a-small.jpg"></a>'
                    "<figcaption>大图</figcaption></figure>")


@pytest.mark.parametrize("text", ["![](a.jpg)", "文字中的图片 ![图标](a.png) 不是插图", "![甲](a.jpg) ![乙](b.jpg)"])
def test_photos_without_alt_or_inside_text_stay_as_they_are(text: str) -> None:
    html = render(text)
    assert "<figure" not in html and html.startswith("<p>")


def test_a_caption_is_escaped() -> None:
    html = render("![<script>alert(1)</script> & 合影](a.jpg)")
    assert "<script" not in html and "&lt;script&gt;" in html


# ---------------------------------------------------------------- galleries


GALLERY_BODY = '活动照片：\n\n{{ gallery("images/chongyang") }}\n\n完。'


def gallery_site(tmp_path: Path, captions: str | None = None, body: str | None = None) -> Path:
    files: dict[str, str | bytes] = {
        "content/events/a.md": article("重阳节", body=body or GALLERY_BODY),
        "content/events/images/chongyang/10.jpg": jpeg("red"),
        "content/events/images/chongyang/02 合影.jpg": jpeg("blue"),
        "content/events/images/chongyang/01.png": jpeg("green"),  # named .png, read for what it is
        "content/events/images/chongyang/readme.txt": "不是照片",
    }
    if captions is not None:
        files["content/events/images/chongyang/说明.yaml"] = captions
    return make_site(tmp_path, files)


def gallery_of(tmp_path: Path) -> list[dict[str, str]]:
    page = (tmp_path / "output/events/2022/a/index.html").read_text(encoding="utf-8")
    tree = html5lib.parse(page, namespaceHTMLElements=False)
    items = []
    for item in tree.findall(".//ul[@class='gallery']/li"):
        link = item.find("figure/a")
        image = item.find("figure/a/img")
        caption = item.find("figure/figcaption")
        assert link is not None and image is not None
        items.append({"href": link.get("href", ""), "src": image.get("src", ""), "alt": image.get("alt", ""),
                      "srcset": image.get("srcset", ""), "caption": "" if caption is None else caption.text or ""})
    return items


def test_gallery_shows_every_photo_of_the_folder_in_name_order_linked_to_itself(tmp_path: Path) -> None:
    site = gallery_site(tmp_path, "10.jpg: 志愿者为老人理发\n")
    build_site(site)
    items = gallery_of(tmp_path)
    assert [item["href"] for item in items] == [
        "../../images/chongyang/01.png", "../../images/chongyang/02%20%E5%90%88%E5%BD%B1.jpg",
        "../../images/chongyang/10.jpg",
    ]
    assert all(item["src"] == item["href"] for item in items)
    assert [item["caption"] for item in items] == ["", "", "志愿者为老人理发"]
    assert [item["alt"] for item in items] == ["照片 1/3", "照片 2/3", "志愿者为老人理发"]
    assert "10-480w.jpg 480w" in items[2]["srcset"]  # the thumbnail loads the small copy
    published = {p.name for p in (tmp_path / "output/events/images/chongyang").iterdir()}
    assert "说明.yaml" not in published and "readme.txt" in published


def test_gallery_captions_keep_markdown_and_quotes_as_text(tmp_path: Path) -> None:
    site = gallery_site(tmp_path, '01.png: 大家说 "好" *真好* [1] (笑)\n')
    build_site(site)
    assert gallery_of(tmp_path)[0]["caption"] == "大家说 “好” *真好* [1] (笑)"


@pytest.mark.parametrize(("captions", "code", "line"), [
    ("01.png: 好\n03.jpg: 没有这张\n", "caption-unknown-photo", 2),
    ("01.png: 好\n10.jpg: [一, 二]\n", "caption-file", 2),
    ("01.png: 好\n  10.jpg: 缩进错了\n", "yaml-syntax", 2),
    ("- 01.png\n", "caption-file", 1),
])
def test_a_bad_caption_file_is_an_error_at_its_line(tmp_path: Path, captions: str, code: str, line: int) -> None:
    site = gallery_site(tmp_path, captions)
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    found = [(f.code, f.location.path, f.location.line) for f in caught.value.findings]
    assert (code, "content/events/images/chongyang/说明.yaml", line) in found


@pytest.mark.parametrize(("call", "words"), [
    ('gallery("images/nothing")', "中没有照片"),
    ('gallery("../../../etc")', "content 文件夹之外"),
])
def test_a_gallery_of_no_photos_is_an_error_at_its_line(tmp_path: Path, call: str, words: str) -> None:
    site = gallery_site(tmp_path, body=f"第一行。\n\n{{{{ {call} }}}}\n")
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    problem = next(f for f in caught.value.findings if f.location.path == "content/events/a.md")
    assert words in problem.message and problem.location.line == 7  # 4 lines of front matter, 2 of text


def test_serve_shows_an_edited_caption_at_the_next_save(tmp_path: Path) -> None:
    site = gallery_site(tmp_path, "01.png: 第一版说明\n")
    session = BuildSession()
    options = BuildOptions(site_dir=site, out_dir=tmp_path / "output", now=NOW)
    session.build(options)
    assert gallery_of(tmp_path)[0]["caption"] == "第一版说明"
    (site / "content/events/images/chongyang/说明.yaml").write_text("01.png: 第二版说明\n", encoding="utf-8")
    session.build(options)
    assert gallery_of(tmp_path)[0]["caption"] == "第二版说明"
    (site / "content/events/images/chongyang/03.jpg").write_bytes(jpeg("white"))  # a photo added
    session.build(options)
    assert len(gallery_of(tmp_path)) == 4
    session.close(tmp_path / "output")


# ---------------------------------------------------------------- new --photos


def test_new_with_photos_copies_them_renamed_and_writes_the_gallery(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    phone = tmp_path / "手机照片"
    phone.mkdir()
    (phone / "IMG_0002.JPG").write_bytes(jpeg("red"))
    (phone / "IMG 0001 (1).jpeg").write_bytes(jpeg("blue"))
    (phone / "备注.txt").write_text("不是照片", encoding="utf-8")
    assert main(["new", "events", "重阳节敬老活动", "--photos", str(phone), "--site", str(site)]) == 0
    text = (site / "content/events/chong-yang-jie-jing-lao-huo-dong.md").read_text(encoding="utf-8")
    assert '{{ gallery("images/chong-yang-jie-jing-lao-huo-dong") }}' in text
    folder = site / "content/events/images/chong-yang-jie-jing-lao-huo-dong"
    assert sorted(p.name for p in folder.iterdir()) == ["01.jpg", "02.jpg", "说明.yaml"]
    assert (folder / "01.jpg").read_bytes() == (phone / "IMG 0001 (1).jpeg").read_bytes()
    assert "IMG_0002.JPG" in (folder / "说明.yaml").read_text(encoding="utf-8")
    assert "已复制 2 张照片" in capsys.readouterr().out

    article_path = site / "content/events/chong-yang-jie-jing-lao-huo-dong.md"
    article_path.write_text(re.sub(r"(?m)^draft: true.*\n", "", text), encoding="utf-8")
    today = datetime.now(timezone.utc)
    build_site(site, now=today.replace(year=today.year + 1))
    page = next((tmp_path / "output/events").glob("*/chong-yang-jie-jing-lao-huo-dong/index.html"))
    assert page.read_text(encoding="utf-8").count('class="gallery-link"') == 2

    assert main(["new", "events", "重阳节敬老活动", "--photos", str(phone), "--site", str(site)]) == 0
    assert (site / "content/events/images/chong-yang-jie-jing-lao-huo-dong-2/02.jpg").is_file()


def test_new_with_a_folder_without_photos_fails_and_writes_nothing(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["new", "events", "标题", "--photos", str(empty), "--site", str(site)]) == 1
    assert "里没有照片" in capsys.readouterr().err
    assert not (site / "content/events").exists() or not any((site / "content/events").iterdir())
