"""images: no EXIF/GPS/XMP/comments in any published image, upright, resized, sized on the page."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image, PngImagePlugin
from sitemaker import article, build_site, make_site

from civicpress.errors import BuildFailed, SiteError
from civicpress.images import (
    ImageInfo,
    Variant,
    alt_texts,
    publish_image,
    size_img_tags,
    variant_path,
)

# ---------------------------------------------------------------- what counts as metadata

# JPEG markers that draw the picture; APP1 (EXIF, XMP), APP13 (IPTC), COM and the rest are metadata.
# APP0 is JFIF, APP2 the ICC profile, APP14 Adobe's colour transform.
_JPEG_PICTURE = {0xC0, 0xC1, 0xC2, 0xC4, 0xDB, 0xDD, 0xE0, 0xE2, 0xEE, 0xDA}
_PNG_PICTURE = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
                b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT"}
_WEBP_PICTURE = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}


def metadata_blocks(data: bytes) -> list[str]:
    """The metadata blocks (EXIF, XMP, comments, text) in an image file, read from its bytes.

    Shared with test_output_checks: an empty list for every published image.
    """
    if data[:3] == b"\xff\xd8\xff":
        return _jpeg_blocks(data)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_blocks(data)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp_blocks(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _gif_blocks(data)
    raise AssertionError("not an image the site publishes")


def _jpeg_blocks(data: bytes) -> list[str]:
    found, pos = [], 2
    while pos + 4 <= len(data):
        assert data[pos] == 0xFF, f"bad JPEG marker at {pos}"
        marker = data[pos + 1]
        if marker == 0xD9:
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if marker not in _JPEG_PICTURE:
            found.append(f"JPEG marker {marker:02X} {data[pos + 4 : pos + 10]!r}")
        if marker == 0xDA:  # entropy-coded data: skip to the next marker that is not RSTn or stuffing
            pos += 2 + length
            while pos + 1 < len(data) and not (data[pos] == 0xFF and data[pos + 1] not in range(0xD0, 0xD8)
                                                and data[pos + 1] != 0):
                pos += 1
            continue
        pos += 2 + length
    tail = data[pos + 2 :] if pos + 2 <= len(data) else b""
    if tail.strip(b"\x00"):
        found.append(f"{len(tail)} bytes after the end of the picture")
    return found


def _png_blocks(data: bytes) -> list[str]:
    found, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind not in _PNG_PICTURE:
            found.append(f"PNG chunk {kind.decode('latin-1')}")
        pos += 12 + length
        if kind == b"IEND":
            if data[pos:]:
                found.append("bytes after IEND")
            break
    return found


def _webp_blocks(data: bytes) -> list[str]:
    found, pos = [], 12
    while pos + 8 <= len(data):
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        if kind not in _WEBP_PICTURE:
            found.append(f"WebP chunk {kind.decode('latin-1')}")
        if kind == b"VP8X" and data[pos + 8] & 0x0C:
            found.append("VP8X announces EXIF/XMP")
        pos += 8 + length + (length & 1)
    return found


def _gif_blocks(data: bytes) -> list[str]:
    found = []
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            if data[pos + 1 :]:
                found.append("bytes after the GIF trailer")
            break
        if block == 0x2C:
            local = data[pos + 9]
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
        else:
            label = data[pos + 1]
            if label == 0xFE:
                found.append("GIF comment")
            if label == 0xFF and data[pos + 3 : pos + 14] not in (b"NETSCAPE2.0", b"ANIMEXTS1.0"):
                found.append(f"GIF application block {data[pos + 3 : pos + 14]!r}")
            pos += 2
        while data[pos]:
            pos += 1 + data[pos]
        pos += 1
    return found


# ---------------------------------------------------------------- test images


def quadrants(size: tuple[int, int]) -> Image.Image:
    """Blue, with the top-left quarter red, and grain like a photo's: shows which way it was turned."""
    image = Image.new("RGB", size, (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    return Image.blend(image, Image.effect_noise(size, 40).convert("RGB"), 0.25)


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "居民的手机"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (116.0, 23.0, 17.0)
    return exif


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>39,54.45N</exif:GPSLatitude></x:xmpmeta>'


def phone_jpeg(size: tuple[int, int] = (1600, 1200), orientation: int = 6) -> bytes:
    """A photo as a phone writes it: stored sideways, EXIF with GPS, XMP, a comment, junk after EOI."""
    out = io.BytesIO()
    quadrants(size).save(out, "JPEG", quality=95, exif=gps_exif(orientation), xmp=XMP, comment=b"No. 3, Yongfeng Lane")
    return out.getvalue() + b"MotionPhoto_Data\x00trailer"


def png_with_metadata(orientation: int = 1, size: tuple[int, int] = (1000, 600)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "No. 3, Yongfeng Lane")
    info.add_text("Description", "拍摄于永丰巷 3 号")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode(), zip=True)
    info.add(b"tIME", b"\x07\xe6\x09\x13\x0a\x00\x00")
    out = io.BytesIO()
    quadrants(size).save(out, "PNG", pnginfo=info, exif=gps_exif(orientation))
    return out.getvalue()


def webp_with_metadata(lossless: bool = False) -> bytes:
    out = io.BytesIO()
    quadrants((1000, 600)).save(out, "WEBP", exif=gps_exif(1), xmp=XMP, lossless=lossless, quality=90)
    return out.getvalue()


def animated_gif() -> bytes:
    frames = [Image.new("P", (40, 30), i) for i in range(3)]
    for frame in frames:
        frame.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0] + [0] * 759)
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0,
                   comment=b"home address")
    data = out.getvalue()
    # an XMP application block, as Photoshop writes it, before the trailer
    xmp_block = b"\x21\xff\x0bXMP DataXMP" + bytes([len(XMP)]) + XMP + b"\x00"
    return data[:-1] + xmp_block + b"\x3b"


def red_at(image: Image.Image, x: int, y: int) -> bool:
    red, _, blue = image.convert("RGB").getpixel((x, y))[:3]  # type: ignore[index]
    return red > 200 and blue < 60


# ---------------------------------------------------------------- publish_image


def test_jpeg_loses_exif_gps_xmp_comment_and_trailer_and_is_turned_upright() -> None:
    data = phone_jpeg()
    assert metadata_blocks(data), "the test photo must carry metadata"
    info, files = publish_image("events/images/p.jpg", data, "content/events/images/p.jpg")
    assert (info.width, info.height) == (1200, 1600)  # orientation 6: stored 1600×1200, shown upright
    assert [f.path for f in files] == ["events/images/p.jpg", "events/images/p-480w.jpg", "events/images/p-960w.jpg"]
    for file in files:
        assert metadata_blocks(file.data) == [], file.path
        assert b"Exif" not in file.data and b"GPS" not in file.data and b"Yongfeng" not in file.data
        image = Image.open(io.BytesIO(file.data))
        assert dict(image.getexif()) == {}
        assert not {"exif", "xmp", "comment"} & set(image.info)
        # stored top-left (red) is shown top-right after a quarter turn clockwise
        assert red_at(image, image.width - 3, 3) and not red_at(image, 3, 3), file.path
    variants = {v.width: (v.path, v.height) for v in info.variants}
    assert variants == {480: ("events/images/p-480w.jpg", 640), 960: ("events/images/p-960w.jpg", 1280)}


def test_same_input_same_bytes() -> None:
    data = phone_jpeg()
    first = publish_image("p.jpg", data, "p.jpg")
    again = publish_image("p.jpg", data, "p.jpg")
    assert first == again


def test_only_widths_narrower_than_the_original() -> None:
    out = io.BytesIO()
    quadrants((500, 300)).save(out, "JPEG", quality=95)
    info, files = publish_image("a/b.JPG", out.getvalue(), "content/a/b.JPG")
    assert [v.width for v in info.variants] == [480]
    assert [f.path for f in files] == ["a/b.JPG", "a/b-480w.JPG"]
    info, files = publish_image("a/b.jpg", out.getvalue(), "content/a/b.jpg", widths=())
    assert info.variants == () and len(files) == 1


def test_png_text_xmp_exif_and_time_chunks_are_dropped() -> None:
    data = png_with_metadata()
    assert {"PNG chunk tEXt", "PNG chunk iTXt", "PNG chunk eXIf", "PNG chunk tIME"} <= set(metadata_blocks(data))
    info, files = publish_image("p.png", data, "content/p.png")
    for file in files:
        assert metadata_blocks(file.data) == [], file.path
        assert "永丰".encode() not in file.data
    original = Image.open(io.BytesIO(data))
    cleaned = Image.open(io.BytesIO(files[0].data))
    assert cleaned.tobytes() == original.tobytes()  # upright PNG: pixels untouched, only chunks dropped
    assert (info.width, info.height) == (1000, 600)


def test_png_with_exif_orientation_is_turned_upright() -> None:
    info, files = publish_image("p.png", png_with_metadata(orientation=6, size=(600, 400)), "content/p.png")
    assert (info.width, info.height) == (400, 600)
    image = Image.open(io.BytesIO(files[0].data))
    assert red_at(image, image.width - 3, 3) and metadata_blocks(files[0].data) == []


def test_palette_png_with_transparency_keeps_it() -> None:
    image = Image.new("P", (800, 100), 0)
    image.putpalette([255, 255, 255, 255, 0, 0] + [0] * 762)
    image.paste(1, (0, 0, 400, 100))
    out = io.BytesIO()
    image.save(out, "PNG", transparency=0, exif=gps_exif(6))
    _, files = publish_image("logo.png", out.getvalue(), "static/logo.png")
    for file in files:
        published = Image.open(io.BytesIO(file.data)).convert("RGBA")
        assert published.getpixel((published.width - 1, published.height // 2))[3] == 0, file.path  # still clear
        assert metadata_blocks(file.data) == []


@pytest.mark.parametrize("lossless", [False, True])
def test_webp_loses_exif_and_xmp(lossless: bool) -> None:
    data = webp_with_metadata(lossless)
    assert "WebP chunk EXIF" in metadata_blocks(data)
    info, files = publish_image("p.webp", data, "content/p.webp")
    assert [v.width for v in info.variants] == [480, 960][: len(info.variants)]
    assert lossless or len(info.variants) == 2
    for file in files:
        assert metadata_blocks(file.data) == [], file.path
        assert Image.open(io.BytesIO(file.data)).size in ((1000, 600), (480, 288), (960, 576))


def test_animated_gif_keeps_its_frames_and_loses_comments_and_xmp() -> None:
    data = animated_gif()
    assert "GIF comment" in metadata_blocks(data)
    info, files = publish_image("a.gif", data, "content/a.gif")
    assert len(files) == 1 and info.variants == () and (info.width, info.height) == (40, 30)
    assert metadata_blocks(files[0].data) == []
    before, after = Image.open(io.BytesIO(data)), Image.open(io.BytesIO(files[0].data))
    assert getattr(after, "n_frames", 1) == getattr(before, "n_frames", 1) == 3
    assert after.info.get("loop") == 0 and "comment" not in after.info


def test_animated_webp_loses_exif() -> None:
    frames = [quadrants((60, 40)), Image.new("RGB", (60, 40), "green")]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100, exif=gps_exif(1), xmp=XMP)
    _, files = publish_image("a.webp", out.getvalue(), "content/a.webp")
    assert metadata_blocks(files[0].data) == [] and b"GPS" not in files[0].data
    assert getattr(Image.open(io.BytesIO(files[0].data)), "n_frames", 1) == 2


def test_a_flat_drawing_gets_no_copy_larger_than_itself() -> None:
    image = Image.new("RGB", (1200, 600), "white")
    image.paste((200, 30, 30), (100, 100, 700, 400))
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    _, files = publish_image("chart.png", out.getvalue(), "content/chart.png")
    assert all(len(f.data) < len(files[0].data) for f in files[1:])


@pytest.mark.parametrize(
    ("data", "why"),
    [(b"\xff\xd8\xff\xe0 not really a jpeg", "broken"), (b"hello", "text"), (zlib.compress(b"x"), "zlib")],
)
def test_an_unreadable_image_is_an_error_naming_the_file(data: bytes, why: str) -> None:
    with pytest.raises(SiteError) as caught:
        publish_image("p.jpg", data, "content/events/p.jpg")
    finding = caught.value.findings[0]
    assert finding.code == "image-unreadable" and str(finding.location) == "content/events/p.jpg"


def test_variant_names() -> None:
    assert variant_path("events/images/秧歌.jpg", 480) == "events/images/秧歌-480w.jpg"
    info = ImageInfo("a/秧歌.jpg", 1000, 500, (Variant("a/秧歌-480w.jpg", 480, 240),))
    src = "../a/%E7%A7%A7%E6%AD%8C.jpg"
    assert info.srcset(src) == f"../a/%E7%A7%A7%E6%AD%8C-480w.jpg 480w, {src} 1000w"


# ---------------------------------------------------------------- <img> tags

IMAGES = {
    "events/images/p.jpg": ImageInfo(
        "events/images/p.jpg", 1200, 1600, (Variant("events/images/p-480w.jpg", 480, 640),)
    ),
    "logo.png": ImageInfo("logo.png", 40, 40),
}


def test_img_tags_get_sizes_srcset_and_lazy_loading_after_the_first() -> None:
    page = (
        '<img class="cover" src="../../images/p.jpg" alt="封面">'
        '<p><img alt="照片" src="../../images/p.jpg" /></p>'
        '<img src="https://other.example/x.jpg" alt="外站">'
    )
    sized = size_img_tags(page, "events/2022/a/index.html", "https://example.cn/sq/", IMAGES)
    first, second, outside = sized.split("<img")[1:]
    assert 'width="1200" height="1600"' in first and 'decoding="async"' in first and "loading" not in first
    assert 'srcset="../../images/p-480w.jpg 480w, ../../images/p.jpg 1200w"' in first and 'sizes="' in first
    assert 'loading="lazy"' in second and second.endswith(" /></p>")
    assert outside == ' src="https://other.example/x.jpg" alt="外站">'


def test_img_tags_with_root_and_absolute_urls_and_own_attributes() -> None:
    page = (
        '<img src="/sq/logo.png" alt="标志" width="20">'
        '<img src="https://example.cn/sq/events/images/p.jpg" alt="照片" loading="eager" sizes="50vw">'
    )
    sized = size_img_tags(page, "404.html", "https://example.cn/sq/", IMAGES)
    logo, photo = sized.split("<img")[1:]
    assert 'width="20"' in logo and "height" not in logo  # the template's own size is kept
    assert 'height="1600"' in photo and 'loading="eager"' in photo and photo.count("sizes=") == 1
    assert "https://example.cn/sq/events/images/p-480w.jpg 480w" in photo


def test_alt_texts() -> None:
    assert alt_texts('<img alt=" " src="a.jpg"><img src="b&amp;c.jpg"><img alt=\'好\' src=c.jpg>') == [
        ("a.jpg", ""), ("b&c.jpg", ""), ("c.jpg", "好")
    ]


# ---------------------------------------------------------------- through the build


def test_build_cleans_every_image_and_sizes_them_on_the_page(tmp_path: Path) -> None:
    body = "开头。\n\n![](images/p.jpg)\n\n中间。\n\n![秧歌队](images/p.jpg)\n\n<img src=\"../../images/p.jpg\">\n"
    site = make_site(tmp_path, {
        "content/events/a.md": article("扭秧歌", body=body, cover="images/p.jpg"),
        "content/events/images/p.jpg": phone_jpeg(),
        "content/events/images/drawing.png": png_with_metadata(),
        "static/logo.png": png_with_metadata(size=(1000, 100)),
    }, config={"allow_html": True})
    result = build_site(site)
    out = tmp_path / "output"
    for path in out.rglob("*"):
        if path.suffix.lower() in (".jpg", ".png", ".webp", ".gif"):
            assert metadata_blocks(path.read_bytes()) == [], path
    assert Image.open(out / "events/images/p.jpg").size == (1200, 1600)
    assert (out / "events/images/p-960w.jpg").exists()
    assert not (out / "logo-480w.png").exists(), "static images are cleaned, not resized"
    html = (out / "events/2022/a/index.html").read_text(encoding="utf-8")
    tags = html.split("<img")[1:]
    assert len(tags) == 4  # the cover, two Markdown images and one written as HTML
    for tag in tags:
        assert 'width="1200" height="1600"' in tag and "p-480w.jpg 480w" in tag and 'decoding="async"' in tag
    assert "loading" not in tags[0] and all('loading="lazy"' in t for t in tags[1:])
    alt = [(f.code, f.location) for f in result.warnings if f.code == "image-alt"]
    lines = sorted(loc.line for _, loc in alt if loc and loc.path == "content/events/a.md" and loc.line)
    assert len(alt) == 2 and lines == [8, 14]  # the front matter takes 6 lines (title, date, cover)


def test_refused_and_unreadable_images_fail_the_build(tmp_path: Path) -> None:
    site = make_site(tmp_path, {
        "content/events/a.md": article("扭秧歌"),
        "content/events/images/scan.TIF": b"II*\x00",
        "content/events/images/IMG_0001.HEIC": b"\x00\x00\x00\x18ftypheic",  # a HEIC cut short
        "content/events/images/broken.jpg": b"\xff\xd8\xff\xe0 broken",
    })
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "old.txt").write_text("old")
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    found = {(f.code, str(f.location)) for f in caught.value.findings}
    assert ("image-format", "content/events/images/scan.TIF") in found
    assert ("image-unreadable", "content/events/images/IMG_0001.HEIC") in found
    assert ("image-unreadable", "content/events/images/broken.jpg") in found
    assert (tmp_path / "output" / "old.txt").read_text() == "old"
