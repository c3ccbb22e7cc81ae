"""Pictures inside an imported Word file (issue 13): extracted beside the article, placed where they stood,
with their alt text or the 图… caption under them; what cannot be imported is named in the repair log.

Every Word file is a real .docx made with python-docx (with the XML Word writes for charts and embedded
Excel sheets added where python-docx has no call for them), imported through the command line and built.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from PIL import Image
from sitemaker import build_site, make_site

from civicpress.cli import main
from civicpress.importer import import_files, read_inputs

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CHART = (
    f'<w:r xmlns:w="{W}"><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    'wordprocessingDrawing"><wp:extent cx="100" cy="100"/><wp:docPr id="90" name="图表 1"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"/></a:graphic>'
    "</wp:inline></w:drawing></w:r>"
)
EXCEL = (
    f'<w:r xmlns:w="{W}"><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" '
    'Type="Embed" ProgID="Excel.Sheet.12" ShapeID="_x0000_i1025"/></w:object></w:r>'
)


def picture(color: tuple[int, int, int], kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), color).save(buffer, kind)
    return buffer.getvalue()


JPEG = picture((200, 40, 40), "JPEG")
BMP = picture((40, 120, 200), "BMP")
PNG = picture((40, 160, 60), "PNG")


def report_docx(path: Path) -> Path:
    """A 社区 report as editors write one: photos with a caption line, with Word's alt text, in a table."""
    document = Document()
    document.add_heading("幸福里社区重阳节活动总结", level=0)
    document.add_paragraph("2023年10月23日")
    document.add_paragraph("10月23日上午，社区在党群服务中心举办重阳节敬老活动。")
    document.add_picture(io.BytesIO(JPEG))
    document.add_paragraph("图1 志愿者为老人包饺子")
    document.add_paragraph("活动中，志愿者还为老人测量血压。")
    document.add_picture(io.BytesIO(BMP))
    document.inline_shapes[-1]._inline.docPr.set("descr", "社区医生为老人量血压")
    document.add_paragraph("活动统计如下。")
    document.add_paragraph()._p.append(parse_xml(CHART))
    document.add_paragraph("报名情况见下表：")._p.append(parse_xml(EXCEL))
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "合影"
    table.rows[0].cells[1].paragraphs[0].add_run().add_picture(io.BytesIO(PNG))
    document.add_paragraph("社区将把敬老活动常态化。")
    document.save(str(path))
    return path


def imported_article(site: Path, section: str = "events") -> Path:
    [article] = sorted((site / "content" / section).glob("*.md"))
    return article


def test_pictures_are_written_beside_the_article_where_they_stood(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    source = report_docx(tmp_path / "重阳节.docx")
    assert main(["import", str(source), "--section", "events", "--site", str(site)]) == 0
    out = capsys.readouterr().out
    article = imported_article(site)
    folder = article.parent / "images" / article.stem
    assert sorted(p.name for p in folder.iterdir()) == ["图1.jpg", "图2.png", "图3.png"]
    assert (folder / "图1.jpg").read_bytes() == JPEG  # kept byte for byte
    with Image.open(folder / "图2.png") as converted:  # a BMP, which the site does not publish, as PNG
        assert converted.format == "PNG" and converted.size == (80, 60)
        assert converted.getpixel((5, 5)) == (40, 120, 200)
    assert (folder / "图3.png").read_bytes() == PNG

    body = article.read_text(encoding="utf-8").split("---\n", 2)[2]
    pictures = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", body)
    assert pictures == [
        ("志愿者为老人包饺子", f"images/{article.stem}/图1.jpg"),  # the caption line under it
        ("社区医生为老人量血压", f"images/{article.stem}/图2.png"),  # Word's alt text
        ("", f"images/{article.stem}/图3.png"),
    ]
    order = [body.index(text) for text in (
        "举办重阳节敬老活动", "图1.jpg", "为老人测量血压", "图2.png", "活动统计如下", "报名情况见下表", "图3.png",
        "常态化")]
    assert order == sorted(order)
    assert "图1 志愿者为老人包饺子" not in body  # the caption went into the alt text, not a paragraph of its own
    assert f"图片 3 张已写入 content/events/images/{article.stem}/" in out


def test_nothing_is_dropped_silently(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_site(tmp_path, {})
    source = report_docx(tmp_path / "重阳节.docx")
    assert main(["import", str(source), "--section", "events", "--site", str(site), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"第 9 行：图表未导入，请在 Word 中把它另存为图片", out)
    assert re.search(r"第 10 行：嵌入的 Excel 表格未导入.*\n\s+报名情况见下表", out)
    assert re.search(r"第 11 行：图片没有说明文字", out)  # the picture in the table
    assert not (site / "content" / "events").exists()  # a dry run writes neither article nor pictures
    assert "图片 3 张将写入 content/events/images/" in out


def test_the_imported_article_builds_with_its_pictures(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    import_files(read_inputs([str(report_docx(tmp_path / "重阳节.docx"))]), site, "events")
    result = build_site(site)
    article = imported_article(site)
    [page] = (tmp_path / "output" / "events").glob(f"*/{article.stem}/index.html")
    html = page.read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)" src="../../images/' + article.stem + r'/(%E5%9B%BE\d\.\w+)"', html)
    assert alts == [("志愿者为老人包饺子", "%E5%9B%BE1.jpg"), ("社区医生为老人量血压", "%E5%9B%BE2.png"),
                    ("", "%E5%9B%BE3.png")]
    # the one picture without a description is the build's warning too, at its line of the article
    [warning] = [w for w in result.warnings if w.code == "image-alt"]
    line = article.read_text(encoding="utf-8").split("\n").index(f"![](images/{article.stem}/图3.png)") + 1
    assert (warning.location.path, warning.location.line) == (f"content/events/{article.name}", line)
    assert (tmp_path / "output" / "events" / "images" / article.stem / "图1.jpg").exists()


def test_a_second_import_writes_no_second_copy(tmp_path: Path) -> None:
    site = make_site(tmp_path, {})
    inputs = read_inputs([str(report_docx(tmp_path / "重阳节.docx"))])
    import_files(inputs, site, "events")
    import_files(inputs, site, "events")
    article = imported_article(site)
    assert sorted(p.name for p in (article.parent / "images" / article.stem).iterdir()) == \
        ["图1.jpg", "图2.png", "图3.png"]


def test_split_articles_get_the_pictures_of_their_part(tmp_path: Path) -> None:
    document = Document()
    document.add_heading("社区年度工作总结", level=0)
    document.add_paragraph("2023年12月1日")
    document.add_paragraph("一、党建引领")
    document.add_paragraph("社区党委开展主题党日活动十二次，覆盖党员三百余人。")
    document.add_picture(io.BytesIO(JPEG))
    document.add_paragraph("图1 主题党日")
    document.add_paragraph("二、民生服务")
    document.add_paragraph("社区为老人提供助餐服务，全年服务八千余人次。")
    document.add_picture(io.BytesIO(PNG))
    document.add_paragraph("图2 老年助餐点")
    path = tmp_path / "总结.docx"
    document.save(str(path))
    site = make_site(tmp_path, {})
    run = import_files(read_inputs([str(path)]), site, "news", split_sections=True)
    shown = {}
    for output in run.items[0].outputs:
        text = output.destination.path.read_text(encoding="utf-8")
        shown[output.title] = re.findall(r"!\[([^\]]*)\]\(images/([^)]+)\)", text)
    first, second = (o.destination.path.stem for o in run.items[0].outputs[-2:])
    assert list(shown.values())[-2:] == [[("主题党日", f"{first}/图1.jpg")], [("老年助餐点", f"{second}/图1.png")]]


V = "urn:schemas-microsoft-com:vml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def test_older_and_compatible_pictures_are_found_once(tmp_path: Path) -> None:
    """Word 2003's VML pictures; a picture Word writes twice (mc:Choice and mc:Fallback) counts once;
    a caption in the picture's own paragraph; a linked picture is named, not lost."""
    document = Document()
    document.add_heading("社区老照片整理", level=0)
    document.add_paragraph("2023年5月4日")
    document.add_paragraph("社区档案室整理了建社区以来的老照片。")
    vml_id, _ = document.part.get_or_add_image(io.BytesIO(JPEG))
    document.add_paragraph()._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:v="{V}" xmlns:r="{R}"><w:pict><v:shape alt="1985年的永丰巷">'
        f'<v:imagedata r:id="{vml_id}"/></v:shape></w:pict></w:r>'
    ))
    twice_id, _ = document.part.get_or_add_image(io.BytesIO(PNG))
    paragraph = document.add_paragraph()
    paragraph._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:v="{V}" xmlns:r="{R}" xmlns:mc="{MC}">'
        '<mc:AlternateContent><mc:Choice Requires="wps">'
        f'<w:pict><v:shape><v:imagedata r:id="{twice_id}"/></v:shape></w:pict></mc:Choice>'
        f'<mc:Fallback><w:pict><v:shape><v:imagedata r:id="{twice_id}"/></v:shape></w:pict></mc:Fallback>'
        "</mc:AlternateContent></w:r>"
    ))
    paragraph.add_run("图2 1998年社区居委会挂牌")
    document.add_paragraph()._p.append(parse_xml(
        f'<w:r xmlns:w="{W}" xmlns:v="{V}" xmlns:r="{R}"><w:pict><v:shape>'
        '<v:imagedata r:link="rId999"/></v:shape></w:pict></w:r>'
    ))
    document.add_paragraph("这些照片将在社区文化墙展出。")
    path = tmp_path / "老照片.docx"
    document.save(str(path))
    site = make_site(tmp_path, {})
    run = import_files(read_inputs([str(path)]), site, "news")
    [output] = run.items[0].outputs
    text = output.destination.path.read_text(encoding="utf-8")
    stem = output.destination.path.stem
    assert re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", text) == [
        ("1985年的永丰巷", f"images/{stem}/图1.jpg"), ("1998年社区居委会挂牌", f"images/{stem}/图2.png"),
    ]
    assert "图2 1998" not in text
    assert [(f.line, f.reason[:10]) for f in run.items[0].log.flags] == [(6, "链接到外部文件的图片")]
