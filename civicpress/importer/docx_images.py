"""Pictures inside a Word file, and what else it embeds that an article cannot carry.

Reports from a 社区 are Word files with photos pasted in. For each paragraph (or table row) of
the body, ``embedded`` returns, in document order:

- every picture (DrawingML ``w:drawing`` with ``a:blip``, and the older VML ``w:pict`` with
  ``v:imagedata``): its bytes as a JPEG, PNG, GIF or WebP file (BMP and TIFF are converted to PNG,
  since the site publishes neither), with the alt text Word keeps (``descr``, else ``title``;
  names Word makes up, such as 图片 1 or an automatic description, do not count);
- everything else, as an :class:`Unsupported` with the reason in Chinese, for the repair log:
  charts, SmartArt, text boxes (whose text would otherwise vanish), shapes, embedded Excel
  sheets or equations (OLE objects), Office equations, linked (not embedded) pictures, and
  pictures in formats a browser cannot show (EMF, WMF).

Nothing found is left out silently. A picture's caption (the ``图1 …`` line under it) is found by
the reader (``reading``), which knows the paragraphs around it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "v": "urn:schemas-microsoft-com:vml",
    "o": "urn:schemas-microsoft-com:office:office",
    "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
}
_R_EMBED = f"{{{_NS['r']}}}embed"
_R_LINK = f"{{{_NS['r']}}}link"
_R_ID = f"{{{_NS['r']}}}id"
_KINDS = {f"{{{_NS['w']}}}drawing", f"{{{_NS['w']}}}pict", f"{{{_NS['w']}}}object", f"{{{_NS['m']}}}oMath"}
_FALLBACK = f"{{{_NS['mc']}}}Fallback"

# content type -> the suffix the picture is written with (kept byte for byte)
KEPT = {"image/jpeg": ".jpg", "image/jpg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}
CONVERTED = ("image/bmp", "image/x-bmp", "image/tiff", "image/x-tiff")  # → PNG
VECTOR = ("image/x-emf", "image/emf", "image/x-wmf", "image/wmf")
_GRAPHIC_KINDS = {
    "chart": "图表", "diagram": "SmartArt 图示", "wordprocessingShape": "图形", "wordprocessingGroup": "组合图形",
    "wordprocessingCanvas": "绘图画布", "wordprocessingInk": "墨迹",
}
_OLE_KINDS = (("Excel", "嵌入的 Excel 表格"), ("Equation", "公式"), ("Word", "嵌入的 Word 文档"),
              ("PowerPoint", "嵌入的演示文稿"), ("Visio", "Visio 图"), ("Package", "嵌入的文件"))
# Names Word gives a picture by itself: 图片 1, Picture 3, image1.png, 文本框 2 …
_MADE_UP = re.compile(r"^(?:图片|图像|图形|picture|image|graphic|grafik|文本框|text ?box)\s*\d*(?:\.\w{2,4})?$", re.I)
_AUTOMATIC = ("自动生成", "automatically generated")


@dataclass(frozen=True)
class Picture:
    """A picture of the body: its bytes, the suffix they are written with, and its alt text ("" if none)."""

    data: bytes
    suffix: str
    alt: str


@dataclass(frozen=True)
class Unsupported:
    """Something embedded that the article cannot carry: what it is and what to do, in Chinese."""

    reason: str


def embedded(element: Any, part: Any) -> list[Picture | Unsupported]:
    """The pictures and other embedded things of one body element (``w:p`` or ``w:tr``), in order.

    ``part`` is the document part, whose relationships lead to the pictures' bytes.
    """
    found: list[Picture | Unsupported] = []
    for node in element.iter(*_KINDS):
        if _inside(node, _FALLBACK) or _inside_kind(node):
            continue  # Word's copy for old readers of what the Choice already gave; or inside one counted
        tag = node.tag.rsplit("}", 1)[1]
        if tag == "drawing":
            found += _drawing(node, part)
        elif tag == "pict":
            found += _pict(node, part)
        elif tag == "object":
            found.append(_ole(node))
        else:
            found.append(Unsupported("公式未导入，请在文章中用文字或图片写出"))
    return found


def _inside(node: Any, tag: str) -> bool:
    parent = node.getparent()
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parent.getparent()
    return False


def _inside_kind(node: Any) -> bool:
    """Inside another drawing, picture or object (a picture in a group, an equation in a text box)."""
    parent = node.getparent()
    while parent is not None:
        if parent.tag in _KINDS:
            return True
        parent = parent.getparent()
    return False


def _drawing(node: Any, part: Any) -> list[Picture | Unsupported]:
    properties = node.find(".//wp:docPr", _NS)
    alt = _alt(properties.get("descr", ""), properties.get("title", "")) if properties is not None else ""
    graphic = node.find(".//a:graphicData", _NS)
    uri = graphic.get("uri", "") if graphic is not None else ""
    kind = next((label for key, label in _GRAPHIC_KINDS.items() if uri.endswith("/" + key)), "")
    found: list[Picture | Unsupported] = [_picture(blip, part, alt) for blip in node.iter(f"{{{_NS['a']}}}blip")]
    if node.find(".//wps:txbx", _NS) is not None:
        found.append(Unsupported(f"文本框中的文字未导入：{_text(node)[:30]}"))
    elif kind and not found:
        found.append(Unsupported(f"{kind}未导入，请在 Word 中把它另存为图片，再放到文章旁边"))
    elif not found:
        found.append(Unsupported("嵌入的对象未导入"))
    return found


def _pict(node: Any, part: Any) -> list[Picture | Unsupported]:
    found: list[Picture | Unsupported] = []
    for data in node.iter(f"{{{_NS['v']}}}imagedata"):
        shape = data.getparent()
        alt = _alt(shape.get("alt", "") if shape is not None else "", data.get(f"{{{_NS['o']}}}title", ""))
        found.append(_picture(data, part, alt, _R_ID))
    if node.find(".//v:textbox", _NS) is not None:
        found.append(Unsupported(f"文本框中的文字未导入：{_text(node)[:30]}"))
    elif not found:
        found.append(Unsupported("图形（形状、线条）未导入"))
    return found


def _ole(node: Any) -> Unsupported:
    ole = node.find(".//o:OLEObject", _NS)
    program = ole.get("ProgID", "") if ole is not None else ""
    kind = next((label for key, label in _OLE_KINDS if program.startswith(key)), "嵌入的对象")
    return Unsupported(f"{kind}未导入，请把其中的内容写成表格或文字，或另存为图片后放到文章旁边")


def _picture(blip: Any, part: Any, alt: str, attribute: str = _R_EMBED) -> Picture | Unsupported:
    key = blip.get(attribute)
    if not key:
        if blip.get(_R_LINK):
            return Unsupported("链接到外部文件的图片未导入（文件中只有它的地址），请把图片本身插入 Word 后再导入")
        return Unsupported("图片未导入（文件中找不到它的内容）")
    target = part.related_parts.get(key) if hasattr(part, "related_parts") else None
    if target is None:
        return Unsupported("图片未导入（文件中找不到它的内容）")
    content_type = str(getattr(target, "content_type", "")).lower()
    data: bytes = target.blob
    if content_type in KEPT:
        return Picture(data, KEPT[content_type], alt)
    if content_type in CONVERTED:
        converted = _as_png(data)
        return Picture(converted, ".png", alt) if converted else Unsupported("图片已损坏，未导入")
    if content_type in VECTOR:
        return Unsupported("EMF/WMF 格式的图片网页无法显示，未导入；请在 Word 中右键“另存为图片”（PNG）后放到文章旁边")
    return Unsupported(f"{content_type or '未知'} 格式的图片未导入")


def _as_png(data: bytes) -> bytes | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.save(out, "PNG")
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    return out.getvalue()


def _alt(description: str, title: str) -> str:
    """The alt text Word keeps, unless Word made it up itself."""
    for text in (description, title):
        text = " ".join(text.split())
        if text and not _MADE_UP.match(text) and not any(mark in text.lower() for mark in _AUTOMATIC):
            return text
    return ""


def _text(node: Any) -> str:
    return "".join(t.text or "" for t in node.iter(f"{{{W}}}t")).strip()


# A caption under a picture: 图1 社区志愿者合影, 图 2：…, 图一、…, 图1-2 …
_CAPTION = re.compile(
    r"^\s*图\s*[0-9０-９一二三四五六七八九十]+(?:[-－.．][0-9０-９]+)?\s*[：:、.．]?\s*(?P<text>.*?)\s*$"
)
CAPTION_LIMIT = 60


def caption(text: str) -> str | None:
    """The description of a caption line (``图1 社区志愿者合影`` → 社区志愿者合影), None when it is not one."""
    match = _CAPTION.match(text)
    if match is None or len(text.strip()) > CAPTION_LIMIT or text.rstrip().endswith(("。", "；")):
        return None
    return match.group("text") or text.strip()
