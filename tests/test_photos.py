"""Photos as cameras make them: HEIC published as JPEG, originals no wider than 2560 px, no EXIF/GPS in
any file, and each photo encoded once (``image_cache``): an unrelated edit encodes nothing, in
``build`` and in ``serve``'s session. The counts are of the real encoder's calls."""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image
from sitemaker import NOW, article, build_site, make_site

from civicpress import images
from civicpress.image_cache import ImageCache
from civicpress.images import MAX_WIDTH
from civicpress.options import BuildOptions
from civicpress.rebuild.session import BuildSession


@functools.cache  # seconds to make (noise, HEIF encoding); bytes, so every test may share them
def camera_jpeg(size: tuple[int, int] = (3000, 2000), seed: int = 40) -> bytes:
    """A photo as a camera writes it: grainy, with EXIF (maker, GPS)."""
    image = Image.blend(Image.new("RGB", size, (30, 120, 200)), Image.effect_noise(size, seed).convert("RGB"), 0.3)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=_gps_exif())
    return out.getvalue()


@functools.cache
def phone_heic(size: tuple[int, int] = (1200, 900)) -> bytes:
    from pillow_heif import register_heif_opener

    register_heif_opener()
    image = Image.blend(Image.new("RGB", size, (200, 60, 30)), Image.effect_noise(size, 30).convert("RGB"), 0.3)
    out = io.BytesIO()
    image.save(out, "HEIF", exif=_gps_exif().tobytes(), quality=60)
    return out.getvalue()


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "居民的手机"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (39.0, 54.0, 27.0)
    return exif


def exif_of(path: Path) -> dict[int, Any]:
    with Image.open(path) as image:
        return dict(image.getexif())


@pytest.fixture
def encodes(monkeypatch: pytest.MonkeyPatch) -> Callable[[], int]:
    """How many times the image encoder ran since the last call (wraps ``images._encode``)."""
    calls: list[int] = []
    real = images._encode

    def counted(*args: Any, **kwargs: Any) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(images, "_encode", counted)

    def taken() -> int:
        count = len(calls)
        calls.clear()
        return count

    return taken


def photo_site(tmp_path: Path) -> Path:
    return make_site(tmp_path, {
        "content/events/a.md": article("重阳节", body="![老人合影](images/a.jpg)\n\n![手机照片](images/IMG_0002.HEIC)"),
        "content/events/b.md": article("扭秧歌", body="正文。"),
        "content/events/images/a.jpg": camera_jpeg((3200, 2400)),
        "content/events/images/IMG_0002.HEIC": phone_heic(),
    })


def test_heic_is_published_as_jpeg_and_originals_are_at_most_2560_wide_without_exif(tmp_path: Path) -> None:
    site = photo_site(tmp_path)
    build_site(site)
    out = tmp_path / "output"
    folder = out / "events" / "images"
    assert not list(folder.glob("*.HEIC")) and not list(folder.glob("*.heic"))
    with Image.open(folder / "IMG_0002.jpg") as heic:
        assert heic.format == "JPEG" and heic.size == (1200, 900)
    with Image.open(folder / "a.jpg") as big:
        assert big.size == (MAX_WIDTH, 1920)
    published = sorted(folder.iterdir())
    assert {p.name for p in published} >= {"a-480w.jpg", "a-1440w.jpg", "IMG_0002-960w.jpg"}
    for path in published:
        assert exif_of(path) == {}, path.name
        assert b"Exif" not in path.read_bytes()[:65536], path.name
    page = (out / "events/2022/a/index.html").read_text(encoding="utf-8")
    assert 'src="../../images/IMG_0002.jpg" width="1200" height="900"' in page
    assert "HEIC" not in page


def test_an_unrelated_edit_encodes_no_photo_again_in_build(tmp_path: Path, encodes: Callable[[], int]) -> None:
    site = photo_site(tmp_path)
    build_site(site)
    first = encodes()
    assert first >= 6  # two originals and their narrower copies
    before = {p.name: p.read_bytes() for p in (tmp_path / "output/events/images").iterdir()}
    (site / "content/events/b.md").write_text(article("扭秧歌", body="正文改了。"), encoding="utf-8")
    result = build_site(site)
    assert result.rendered > 0 and encodes() == 0
    shutil_rmtree(tmp_path / "output")  # a full build into an empty folder takes them from the cache too
    build_site(site)
    assert encodes() == 0
    after = {p.name: p.read_bytes() for p in (tmp_path / "output/events/images").iterdir()}
    assert after == before  # byte for byte what was encoded


def test_a_changed_photo_alone_is_encoded_again(tmp_path: Path, encodes: Callable[[], int]) -> None:
    site = photo_site(tmp_path)
    build_site(site)
    encodes()
    (site / "content/events/images/a.jpg").write_bytes(camera_jpeg((3200, 2400), seed=60))
    build_site(site)
    assert encodes() == 4  # a.jpg at 2560 and its three copies; the HEIC not again


def test_a_renamed_photo_is_not_encoded_again(tmp_path: Path, encodes: Callable[[], int]) -> None:
    site = photo_site(tmp_path)
    build_site(site)
    encodes()
    os.rename(site / "content/events/images/a.jpg", site / "content/events/images/b.jpg")
    page = site / "content/events/a.md"
    page.write_text(page.read_text(encoding="utf-8").replace("images/a.jpg", "images/b.jpg"), encoding="utf-8")
    build_site(site)
    assert encodes() == 0
    assert (tmp_path / "output/events/images/b-960w.jpg").is_file()


def test_serve_session_rebuild_encodes_no_photo(tmp_path: Path, encodes: Callable[[], int]) -> None:
    site = photo_site(tmp_path)
    session = BuildSession()
    options = BuildOptions(site_dir=site, out_dir=tmp_path / "output", now=NOW)
    session.build(options)
    session.after()
    assert encodes() >= 6
    for text in ("第一次修改。", "第二次修改。"):
        (site / "content/events/b.md").write_text(article("扭秧歌", body=text), encoding="utf-8")
        result = session.build(options)
        session.after()
        assert result.rendered > 0 and encodes() == 0
    session.close(tmp_path / "output")


def test_no_cache_build_encodes_every_photo_again(tmp_path: Path, encodes: Callable[[], int]) -> None:
    from civicpress.pipeline import build

    site = photo_site(tmp_path)
    build_site(site)
    first = encodes()
    (site / "content/events/b.md").write_text(article("扭秧歌", body="又改了。"), encoding="utf-8")
    build(BuildOptions(site_dir=site, out_dir=tmp_path / "output", now=NOW, cache=False))
    assert encodes() == first


def test_a_damaged_cache_entry_is_made_again(tmp_path: Path) -> None:
    calls: list[str] = []

    def publish(path: str, data: bytes, source: str, widths: tuple[int, ...], max_width: int | None) -> Any:
        calls.append(path)
        return images.publish_image(path, data, source, widths, max_width)

    photo = tmp_path / "p.jpg"
    photo.write_bytes(camera_jpeg((1000, 800)))
    cache = ImageCache(tmp_path / "cache", publish=publish)
    info, files = cache.publish_file("x/p.jpg", photo, "content/x/p.jpg", (480,), 2560)
    cache.save()
    again = ImageCache(tmp_path / "cache", publish=publish)
    assert again.publish_file("y/q.jpg", photo, "content/x/p.jpg", (480,), 2560)[1] == [
        type(f)(f.path.replace("x/p", "y/q"), f.data) for f in files
    ]
    assert calls == ["x/p.jpg"]
    for entry in (tmp_path / "cache").rglob("*.img"):
        entry.write_bytes(entry.read_bytes()[:-10])  # cut short, as a full disk would leave it
    assert ImageCache(tmp_path / "cache", publish=publish).publish_file(
        "x/p.jpg", photo, "content/x/p.jpg", (480,), 2560) == (info, files)
    assert calls == ["x/p.jpg", "x/p.jpg"]
    assert not list((tmp_path / "cache").rglob("*.tmp"))


def shutil_rmtree(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def test_check_reads_the_cache_and_writes_nothing(tmp_path: Path, encodes: Callable[[], int]) -> None:
    from civicpress.pipeline import check

    site = photo_site(tmp_path)
    options = BuildOptions(site_dir=site, out_dir=tmp_path / "output", now=NOW)
    check(options)
    assert encodes() >= 6
    assert not (site / ".civicpress-cache" / "images").exists()  # check writes no file
    build_site(site)
    encodes()
    check(options)
    assert encodes() == 0


def test_an_incremental_build_does_not_even_read_unchanged_photos(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site = photo_site(tmp_path)
    build_site(site)
    published = {p.name: p.read_bytes() for p in (tmp_path / "output/events/images").iterdir()}
    read: list[str] = []
    real = ImageCache.publish_file

    def counted(self: ImageCache, path: str, *args: Any) -> Any:
        read.append(path)
        return real(self, path, *args)

    monkeypatch.setattr(ImageCache, "publish_file", counted)
    (site / "content/events/b.md").write_text(article("扭秧歌", body="改了一句。"), encoding="utf-8")
    build_site(site)
    assert read == []
    assert {p.name: p.read_bytes() for p in (tmp_path / "output/events/images").iterdir()} == published
    page = (tmp_path / "output/events/2022/a/index.html").read_text(encoding="utf-8")
    assert 'srcset="../../images/a-480w.jpg 480w' in page  # the sizes still known, from the cache

    (site / "content/events/images/a.jpg").write_bytes(camera_jpeg((3200, 2400), seed=70))  # a photo replaced
    build_site(site)
    assert read == ["events/images/IMG_0002.jpg", "events/images/a.jpg"]  # a new site key: all published again
    assert (tmp_path / "output/events/images/a-960w.jpg").read_bytes() != published["a-960w.jpg"]


def test_a_heic_in_static_is_refused_not_published_under_its_name(tmp_path: Path) -> None:
    from civicpress.errors import BuildFailed

    site = make_site(tmp_path, {"content/events/a.md": article("扭秧歌"), "static/logo.heic": phone_heic((300, 200))})
    with pytest.raises(BuildFailed) as caught:
        build_site(site)
    assert ("image-format", "static/logo.heic") in {(f.code, f.location.path) for f in caught.value.findings}
