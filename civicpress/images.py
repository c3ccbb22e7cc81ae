"""Published images: no metadata, upright, in a few widths, with their sizes known to the pages.

Photos of residents must not tell where they live, so every raster image the site publishes
(content images and those in ``static/``, originals included) leaves here without EXIF, GPS,
XMP, comments or text chunks:

- JPEGs are decoded once, turned upright by their EXIF orientation and re-encoded from their
  pixels (which also drops what phones append after the picture); only the ICC colour profile
  is kept: it describes colours, not people or places.
- PNG and WebP keep their pixels byte for byte and lose every block that does not draw the
  picture (a whitelist: tEXt, iTXt, eXIf, XMP, tIME … go); one whose EXIF says it lies on
  its side is re-encoded upright instead. GIFs and animations are treated the same way.
- Content images (not those of ``static/``) also get narrower copies for ``srcset``
  (``photo.jpg`` → ``photo-480w.jpg``, ``photo-960w.jpg`` …): only widths below the original's,
  and only copies smaller in bytes than it (a flat drawing can grow when smoothed).
- HEIC/HEIF photos (what phones save) are read through pillow-heif and published as JPEG,
  like any JPEG (``photo_formats.published_path`` names the file ``.jpg``).
- Content photos wider than MAX_WIDTH are published at that width: a camera's 4000 px
  original is several megabytes a reader on a phone never needs.
- TIFF and AVIF are refused: the build asks for a JPEG instead.
- SVGs are published as they are, but only when they can neither run code nor fetch anything
  (``svg_problems``): a browser opening one from the site's address would run its scripts with
  the site's origin (stored XSS). Compressed ``.svgz`` is refused.

Fixed encoder settings make the bytes a pure function of the input (Pillow's encoders are
deterministic), so two builds are identical. Nothing is cached between calls here: the
build keeps the results by the hash of the source (``image_cache``).

``size_img_tags`` then gives every ``<img>`` of a rendered page whose file is known here its
``width``/``height`` (no layout jump), ``srcset``/``sizes``, ``decoding`` and ``loading``.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import struct
import warnings
import xml.parsers.expat as expat
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from civicpress.errors import Finding, Location, SiteError, warning
from civicpress.markup import GALLERY_PHOTO
from civicpress.model import OutputFile
from civicpress.photo_formats import PHOTO_SUFFIXES

IMAGE_SUFFIXES = PHOTO_SUFFIXES
# Formats that carry EXIF/GPS which the build does not re-encode: refused with a hint.
REFUSED_SUFFIXES = (".tif", ".tiff", ".avif")
WIDTHS = (480, 960, 1440)
MAX_WIDTH = 2560  # a content photo's published "original": wider than any screen shows it in the article
JPEG_QUALITY = 85
WEBP_QUALITY = 85
# How wide an image shows, for the browser's choice from srcset: the default theme's article column
# (.article { max-width: var(--measure) } = 40em at 17 px = 680 px), else the window less its padding.
SIZES = "(min-width: 45rem) 680px, calc(100vw - 2rem)"
# A gallery's thumbnail: the theme's grid of 2 columns on a phone, 3 from 30rem, in the same column.
GALLERY_SIZES = "(min-width: 45rem) 220px, (min-width: 30rem) 33vw, 50vw"

_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF", "HEIF": "JPEG"}
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")


@dataclass(frozen=True)
class Variant:
    path: str  # inside the output folder: events/images/photo-480w.jpg
    width: int
    height: int


@dataclass(frozen=True)
class ImageInfo:
    """A published image: its path in the output folder, upright size and narrower copies."""

    path: str
    width: int
    height: int
    variants: tuple[Variant, ...] = ()  # narrowest first, all narrower than the image

    def srcset(self, src: str) -> str:
        """``srcset`` for an ``<img src>`` that points at this image, in the same URL style."""
        folder = src.rsplit("/", 1)[0] + "/" if "/" in src else ""
        name = posixpath.basename
        entries = [f"{folder}{quote(name(v.path), safe='-_.~')} {v.width}w" for v in self.variants]
        entries.append(f"{src} {self.width}w")
        return ", ".join(entries)


def is_image(path: str) -> bool:
    """A raster image the build cleans (by file name)."""
    return path.lower().endswith(IMAGE_SUFFIXES)


def is_refused(path: str) -> bool:
    return path.lower().endswith(REFUSED_SUFFIXES)


def refused(source: str) -> Finding:
    return Finding(
        "image-format",
        f"不能发布 {posixpath.splitext(source)[1]} 格式的图片（这种格式常带有拍摄地点等信息，本程序无法清除）",
        Location(source),
        "请用手机或电脑把图片另存为 JPEG（.jpg）或 PNG 格式，再放进 content/ 并修改文章中的文件名。",
    )


def variant_path(path: str, width: int) -> str:
    stem, suffix = posixpath.splitext(path)
    return f"{stem}-{width}w{suffix}"


def publish_image(
    path: str, data: bytes, source: str, widths: tuple[int, ...] = WIDTHS, max_width: int | None = None
) -> tuple[ImageInfo, list[OutputFile]]:
    """The cleaned image at ``path`` and its narrower copies (one per width below its own).

    ``source`` names the file for the editor. An image that cannot be read raises SiteError:
    it is not published, since what cannot be read cannot be cleaned. A still image wider than
    ``max_width`` is published at that width.
    """
    if is_heif(data):
        _register_heif()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # too many pixels, corrupt EXIF: what is dropped anyway
            with Image.open(io.BytesIO(data)) as image:
                kind = _FORMATS.get(image.format or "")
                if kind is None:
                    raise SiteError(_unreadable(source, f"它实际是 {image.format} 格式"))
                if kind == "GIF" or (kind != "JPEG" and getattr(image, "is_animated", False)):
                    return _strip_container(path, data, kind, image.size)
                return _still(path, data, image, kind, widths, max_width)
    except SiteError:
        raise
    except Image.DecompressionBombError:
        raise SiteError(_unreadable(source, "像素太多")) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct.error, EOFError):
        raise SiteError(_unreadable(source, "文件已损坏或不是图片")) from None


def is_heif(data: bytes) -> bool:
    """An ISO media file of the HEIF family (what an iPhone saves), by its ``ftyp`` brand."""
    return data[4:8] == b"ftyp" and data[8:12] in _HEIF_BRANDS


def _register_heif() -> None:
    """Teach Pillow to open HEIF (idempotent); only when a HEIF photo is met, as it loads libheif."""
    from pillow_heif import register_heif_opener

    register_heif_opener()


def _unreadable(source: str, why: str) -> Finding:
    return Finding(
        "image-unreadable",
        f"图片无法读取（{why}），未发布",
        Location(source),
        "用看图软件打开这张图片，另存为 JPEG 或 PNG 后替换它。",
    )


def _still(
    path: str, data: bytes, image: Image.Image, kind: str, widths: tuple[int, ...], max_width: int | None
) -> tuple[ImageInfo, list[OutputFile]]:
    """A still image: JPEG re-encoded; PNG and WebP rewritten without metadata blocks unless
    they must be turned upright or narrowed. Copies narrower than the image, and smaller in bytes, follow."""
    upright = kind != "JPEG" and _orientation(kind, data, image) == 1
    kept = _strip(kind, data) if upright and (max_width is None or image.size[0] <= max_width) else None
    width, height = image.size  # upright when kept (orientation 1)
    if kept is not None and not any(w < width for w in widths):
        return ImageInfo(path, width, height), [OutputFile(path, kept)]
    image.load()
    lossless = kind == "WEBP" and any(chunk == b"VP8L" for chunk, _, _ in _webp_chunks(data))
    ImageOps.exif_transpose(image, in_place=True)
    icc = image.info.get("icc_profile")
    transparency = image.info.get("transparency")
    image.info = {}  # EXIF, XMP, comments, text chunks, dpi: none of it is written
    mode = image.mode
    if max_width is not None and image.size[0] > max_width:
        image = _narrowed(image, max_width, transparency)
    options: dict[str, object] = {}
    if icc:
        options["icc_profile"] = icc
    if kind == "JPEG":
        options.update(quality=JPEG_QUALITY, optimize=True, progressive=True)
    elif kind == "PNG":
        options.update(optimize=True)
        if transparency is not None:
            options["transparency"] = transparency
    else:
        options.update(quality=100 if lossless else WEBP_QUALITY, lossless=lossless, method=4)
    width, height = image.size
    original = kept if kept is not None else _encode(image, kind, options, image.mode != mode)
    files = [OutputFile(path, original)]
    variants = []
    small = _resizable(image, transparency)
    for target in sorted(w for w in widths if w < width):
        target_height = max(1, round(height * target / width))
        resized = small.resize((target, target_height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        encoded = _encode(resized, kind, options, small.mode != mode)
        if len(encoded) >= len(original):
            break  # a flat drawing can grow when smoothed: the original serves every width
        name = variant_path(path, target)
        files.append(OutputFile(name, encoded))
        variants.append(Variant(name, target, target_height))
    return ImageInfo(path, width, height, tuple(variants)), files


def _narrowed(image: Image.Image, width: int, transparency: object) -> Image.Image:
    """``image`` at ``width`` (height in proportion), in a mode that keeps its transparency."""
    height = max(1, round(image.size[1] * width / image.size[0]))
    narrowed = _resizable(image, transparency).resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
    narrowed.info = {}
    return narrowed


def _orientation(kind: str, data: bytes, image: Image.Image) -> int:
    """The EXIF orientation (1 = upright). A PNG's eXIf may follow the pixels: read it from the chunks."""
    if kind == "PNG":
        for chunk, start, end in _png_chunks(data):
            if chunk == b"eXIf":
                exif = Image.Exif()
                exif.load(b"Exif\x00\x00" + data[start + 8 : end - 4])
                return int(exif.get(ExifTags.Base.Orientation, 1))
        return 1
    return int(image.getexif().get(ExifTags.Base.Orientation, 1))


def _strip(kind: str, data: bytes) -> bytes:
    return _strip_png(data) if kind == "PNG" else _strip_webp(data)


def _resizable(image: Image.Image, transparency: object) -> Image.Image:
    """A mode Pillow resizes smoothly: palettes and 1-bit become RGB(A) or L."""
    if image.mode in ("P", "PA"):
        return image.convert("RGBA" if transparency is not None or image.mode == "PA" else "RGB")
    if image.mode == "1":
        return image.convert("L")
    if image.mode == "LA" or image.mode.startswith("I;16"):
        return image.convert("RGBA" if image.mode == "LA" else "I")
    return image


def _encode(image: Image.Image, kind: str, options: dict[str, object], converted: bool) -> bytes:
    if converted:  # a palette image resized in RGBA: its transparency is the alpha channel now
        options = {k: v for k, v in options.items() if k != "transparency"}
    if kind == "JPEG" and image.mode not in ("L", "RGB", "CMYK"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


# ------------------------------------------------------------------ containers kept byte for byte

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks that draw the picture (still or APNG); everything else (tEXt, zTXt, iTXt, eXIf, tIME …) goes.
_PNG_KEEP = {
    b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB",
    b"bKGD", b"pHYs", b"acTL", b"fcTL", b"fdAT", b"cICP", b"mDCV", b"cLLI",
}
_WEBP_KEEP = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF", b"ICCP"}
_WEBP_METADATA_FLAGS = 0x08 | 0x04  # EXIF, XMP
_GIF_APPLICATIONS = {b"NETSCAPE2.0", b"ANIMEXTS1.0"}  # animation loop count


def _strip_container(
    path: str, data: bytes, kind: str, size: tuple[int, int]
) -> tuple[ImageInfo, list[OutputFile]]:
    strip: Callable[[bytes], bytes] = {"PNG": _strip_png, "WEBP": _strip_webp, "GIF": _strip_gif}[kind]
    return ImageInfo(path, size[0], size[1]), [OutputFile(path, strip(data))]


def _strip_png(data: bytes) -> bytes:
    out = [_PNG_SIGNATURE]
    for kind, start, end in _png_chunks(data):
        if kind in _PNG_KEEP:
            out.append(data[start:end])
    return b"".join(out)


def _png_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    if not data.startswith(_PNG_SIGNATURE):
        raise ValueError("not a PNG")
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise ValueError("truncated PNG chunk")
        yield kind, pos, end
        if kind == b"IEND":
            return
        pos = end
    raise ValueError("PNG without IEND")


def _webp_chunks(data: bytes) -> Iterator[tuple[bytes, int, int]]:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise ValueError("not a WebP")
    pos = 12
    end_of_riff = min(len(data), 8 + struct.unpack("<I", data[4:8])[0])
    while pos + 8 <= end_of_riff:
        kind = data[pos : pos + 4]
        (length,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        end = pos + 8 + length + (length & 1)
        if pos + 8 + length > len(data):
            raise ValueError("truncated WebP chunk")
        yield kind, pos, min(end, len(data))
        pos = end


def _strip_webp(data: bytes) -> bytes:
    body = bytearray(b"WEBP")
    for kind, start, end in _webp_chunks(data):
        if kind not in _WEBP_KEEP:
            continue
        chunk = bytearray(data[start:end])
        if kind == b"VP8X":
            chunk[8] &= ~_WEBP_METADATA_FLAGS & 0xFF
        body += chunk
    return b"RIFF" + struct.pack("<I", len(body)) + bytes(body)


def _strip_gif(data: bytes) -> bytes:
    if data[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF")
    flags = data[10]
    pos = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    out = [data[:pos]]
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:  # trailer: whatever follows it is not part of the picture
            out.append(b"\x3b")
            return b"".join(out)
        if block == 0x2C:  # image: descriptor, local colour table, LZW code size, data sub-blocks
            local = data[pos + 9]
            start = pos
            pos += 10 + (3 << ((local & 7) + 1) if local & 0x80 else 0) + 1
            pos = _gif_sub_blocks(data, pos)
            out.append(data[start:pos])
        elif block == 0x21:
            label = data[pos + 1]
            start = pos
            end = _gif_sub_blocks(data, pos + 2)
            if label in (0xF9, 0x01) or (label == 0xFF and data[pos + 3 : pos + 14] in _GIF_APPLICATIONS):
                out.append(data[start:end])  # graphic control, plain text, animation loop
            pos = end  # comments (0xFE) and other application blocks (XMP …) are dropped
        else:
            raise ValueError("bad GIF block")
    raise ValueError("GIF without trailer")


def _gif_sub_blocks(data: bytes, pos: int) -> int:
    while True:
        if pos >= len(data):
            raise ValueError("truncated GIF")
        size = data[pos]
        pos += 1 + size
        if size == 0:
            return pos


# ------------------------------------------------------------------ <img> tags of rendered pages

_IMG = re.compile(r"<img\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.IGNORECASE)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


def img_attributes(tag: str) -> dict[str, str]:
    """The attributes of one ``<img …>`` tag, names lower-cased (values as written, escaped)."""
    inner = tag[4:-1].rstrip("/")
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(inner):
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs.setdefault(name, value)
    return attrs


def img_tags(page: str) -> Iterator[dict[str, str]]:
    for match in _IMG.finditer(page):
        yield img_attributes(match.group(0))


def size_img_tags(page: str, page_output: str, base_url: str, images: Mapping[str, ImageInfo]) -> str:
    """Add width/height, srcset/sizes, decoding and loading to the page's ``<img>`` of known images.

    ``page_output`` is the page's path in the output folder (relative ``src`` resolve from its
    folder); root-relative and absolute ``src`` are read against ``base_url``. Attributes already
    written (by a template, say) are kept. Every known image but the page's first loads lazily:
    the first is usually the cover, in view at once.
    """
    if not images or "<img" not in page:
        return page
    folder = posixpath.dirname(page_output)
    base_path = urlsplit(base_url).path.rstrip("/") + "/" if base_url else "/"
    first = True

    def add(match: re.Match[str]) -> str:
        nonlocal first
        tag = match.group(0)
        attrs = img_attributes(tag)
        info = images.get(_output_path(attrs.get("src", ""), folder, base_url, base_path))
        if info is None:
            return tag
        extra = []
        if "width" not in attrs and "height" not in attrs:
            extra.append(f'width="{info.width}" height="{info.height}"')
        if info.variants and "srcset" not in attrs:
            extra.append(f'srcset="{info.srcset(attrs["src"])}"')
            if "sizes" not in attrs:
                thumbnail = GALLERY_PHOTO in attrs.get("class", "").split()
                extra.append(f'sizes="{GALLERY_SIZES if thumbnail else SIZES}"')
        if "decoding" not in attrs:
            extra.append('decoding="async"')
        if "loading" not in attrs and not first:
            extra.append('loading="lazy"')
        first = False
        if not extra:
            return tag
        end, space = (-2, " ") if tag.endswith("/>") else (-1, "")
        return f"{tag[:end].rstrip()} {' '.join(extra)}{space}{tag[end:]}"

    return _IMG.sub(add, page)


def _output_path(src: str, folder: str, base_url: str, base_path: str) -> str:
    src = html.unescape(src)
    parts = urlsplit(src)
    path = unquote(parts.path)
    if parts.scheme or parts.netloc:
        if not base_url or not src.startswith(base_url.rstrip("/") + "/"):
            return ""
        return path[len(base_path) :] if path.startswith(base_path) else ""
    if path.startswith("/"):
        return path[len(base_path) :] if path.startswith(base_path) else ""
    return posixpath.normpath(posixpath.join(folder, path))


def alt_texts(page: str) -> list[tuple[str, str]]:
    """(src, alt) of every ``<img>`` in ``page`` (HTML), in order, unescaped."""
    return [(html.unescape(a.get("src", "")), html.unescape(a.get("alt", "")).strip()) for a in img_tags(page)]


def no_alt_warning(source: str, line: int | None, src: str) -> Finding:
    return warning(
        "image-alt",
        f"图片 {src} 没有说明文字（alt）",
        Location(source, line),
        "在方括号里写上图片内容，如 ![社区志愿者为老人理发](images/haircut.jpg)，方便视障居民和搜索。",
    )


# ------------------------------------------------------------------ SVG: no scripts, nothing fetched

SVG_SUFFIX = ".svg"
SVGZ_SUFFIX = ".svgz"
SVG_HINT = (
    "网页中的 SVG 图片不能含有脚本、事件属性（onclick 等）、<foreignObject>、文档类型声明，也不能引用外部网址。"
    "请用绘图软件（如 Inkscape：另存为“优化的 SVG”）去掉这些内容，或把图片另存为 PNG 后替换。"
)
_XHTML = "http://www.w3.org/1999/xhtml"
_SCRIPT_ELEMENTS = {"script", "handler", "listener"}  # SVG 1.1 and SVG Tiny's ways to hold code
_URL_ATTRIBUTES = {"href", "src"}
# Raster pictures embedded in the file: drawn, never run (an embedded SVG or HTML could run).
_SAFE_DATA = re.compile(r"data:image/(?:png|jpe?g|gif|webp)[;,]")
_SCHEME = re.compile(r"[a-z][a-z0-9+.\-]*:")
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_IMAGE_SET = re.compile(r"image-set\(([^)]*)\)", re.IGNORECASE)
_CSS_STRING = re.compile(r"(['\"])(.*?)\1", re.DOTALL)


def is_svg(path: str) -> bool:
    return path.lower().endswith(SVG_SUFFIX)


def is_svgz(path: str) -> bool:
    return path.lower().endswith(SVGZ_SUFFIX)


def svgz_refused(source: str) -> Finding:
    return Finding("svg-unsafe", "不能发布压缩的 SVG 图片（.svgz）：其中的内容无法检查", Location(source),
                   "用绘图软件把它另存为普通的 SVG（.svg）或 PNG，再修改文章中的文件名。")


def svg_problems(data: bytes, source: str) -> list[Finding]:
    """Why the SVG ``data`` (the file ``source``) must not be published, each at its line; [] when safe.

    The file is read with expat, refusing any document type declaration: it is where entities
    (billion laughs, external files) are declared, so none is ever expanded. Each offending element
    is reported once, and what it holds is not looked at further.
    """
    reader = _SvgReader(source)
    try:
        reader.read(data)
    except _Doctype as stop:
        return [_unsafe(source, stop.line, "文档类型声明（<!DOCTYPE>，可以定义实体、读取外部文件）")]
    except expat.ExpatError as exc:
        return [Finding("svg-unreadable", f"SVG 图片无法读取（{expat.ErrorString(exc.code)}），未发布",
                        Location(source, exc.lineno),
                        "用绘图软件或浏览器打开这张图片检查，另存为 UTF-8 编码的 SVG 或 PNG 后替换它。")]
    return reader.problems


class _Doctype(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def _unsafe(source: str, line: int | None, what: str) -> Finding:
    return Finding("svg-unsafe", f"SVG 图片中含有{what}，不能发布", Location(source, line), SVG_HINT)


class _SvgReader:
    """expat's handlers for one SVG: each element's first problem, at the line of its start tag."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Finding] = []
        self._refused_depth = 0  # >0 inside an element already reported
        self._style: tuple[int, list[str]] | None = None  # a <style>: its line and text so far
        self._parser = expat.ParserCreate(namespace_separator=" ")

    def read(self, data: bytes) -> None:
        parser = self._parser
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def doctype(*_: object) -> None:
            raise _Doctype(parser.CurrentLineNumber)

        parser.StartDoctypeDeclHandler = doctype
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._text
        parser.ProcessingInstructionHandler = self._instruction
        parser.Parse(data, True)

    def _report(self, what: str) -> None:
        self.problems.append(_unsafe(self.source, self._parser.CurrentLineNumber, what))

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if self._refused_depth:
            self._refused_depth += 1
            return
        problem = _element_problem(name) or _attributes_problem(attributes)
        if problem:
            self._report(problem)
            self._refused_depth = 1
        elif name.rsplit(" ", 1)[-1].lower() == "style":
            self._style = (self._parser.CurrentLineNumber, [])

    def _end(self, name: str) -> None:
        if self._refused_depth:
            self._refused_depth -= 1
            return
        if self._style is not None and name.rsplit(" ", 1)[-1].lower() == "style":
            line, parts = self._style
            self._style = None
            problem = _css_problem("".join(parts))
            if problem:
                self.problems.append(_unsafe(self.source, line, problem))

    def _text(self, text: str) -> None:
        if self._style is not None and not self._refused_depth:
            self._style[1].append(text)

    def _instruction(self, target: str, _data: str) -> None:
        if target.lower() == "xml-stylesheet":
            self._report("外部样式表（<?xml-stylesheet?>）")


def _element_problem(name: str) -> str:
    namespace, _, local = name.rpartition(" ")
    local = local.lower()
    if local in _SCRIPT_ELEMENTS:
        return f"脚本（<{local}>）"
    if local == "foreignobject":
        return "嵌入的网页内容（<foreignObject>）"
    if namespace == _XHTML:
        return f"网页元素（<{local}>）"
    return ""


def _attributes_problem(attributes: Mapping[str, str]) -> str:
    for name, value in attributes.items():
        local = name.rpartition(" ")[2].lower()
        if local.startswith("on"):
            return f"事件属性 {local}（会运行脚本）"
        plain = _plain(value)
        if any(_plain(part).startswith(("javascript:", "vbscript:")) for part in value.split(";")):
            return "会运行脚本的链接（javascript:）"  # an href, or one of an animation's values="a;b"
        if local in _URL_ATTRIBUTES and _external(value):
            return f"指向外部的地址 {value.strip()[:60]}"
        if local == "style" or "url(" in plain:
            problem = _css_problem(value)
            if problem:
                return problem
    return ""


def _plain(value: str) -> str:
    """A URL as a browser reads it: ASCII whitespace and control characters dropped, lower case."""
    return "".join(c for c in value if c > " " and c != "\x7f").lower().replace("\\", "/")


def _external(url: str) -> bool:
    """Whether ``url`` fetches or runs something from outside the file and the site."""
    plain = _plain(url)
    if plain.startswith("//"):
        return True
    if _SCHEME.match(plain):
        return not _SAFE_DATA.match(plain)
    return False


def _css_problem(css: str) -> str:
    """What in a style sheet (or style attribute) reads from outside: url(), image-set(), @import."""
    css = _CSS_ESCAPE.sub(_css_unescape, css)
    if "@import" in css.lower():
        return "样式中的 @import（从别处读取样式）"
    urls = [m.group(2) for m in _CSS_URL.finditer(css)]
    urls += [m.group(2) for group in _CSS_IMAGE_SET.finditer(css) for m in _CSS_STRING.finditer(group.group(1))]
    for url in urls:
        if _external(url):
            return f"样式中指向外部的地址 url({url.strip()[:60]})"
    return ""


def _css_unescape(match: re.Match[str]) -> str:
    """``\\75 rl(`` is ``url(`` to a browser: escapes are read before looking for URLs."""
    if match.group(1):
        return chr(min(int(match.group(1), 16), 0x10FFFF))
    return match.group(2)
