"""Personal data inside attachments: Word, Excel, PDF, CSV and text files (issue 11, item 7).

A phone number in a .csv attachment stopped the public build; the same number in a .docx passed.
Every attachment here is a real file made with the library an office would use (python-docx,
openpyxl, WeasyPrint, pypdf), published beside an article of a small site; the public build must
name the attachment and where in it the number is (paragraph, sheet and cell, page, line), masked.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from sitemaker import NOW, article, build_site, make_site

from civicpress.errors import BuildFailed, Finding, Location
from civicpress.pipeline import BuildOptions, build, check

PHONE = "13812345678"
MASKED = "138******78"
ID = "11010519491231002X"


def docx(*paragraphs: str, table: list[list[str]] | None = None, header: str = "", deleted: str = "") -> bytes:
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    if header:
        document.sections[0].header.paragraphs[0].text = header
    if deleted:  # a tracked deletion: Word no longer shows it, but the file still holds it
        w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
        paragraph = document.add_paragraph("修改后的文字")
        paragraph._p.append(parse_xml(
            f'<w:del xmlns:w="{w}" w:id="1" w:author="a" w:date="2024-01-01T00:00:00Z">'
            f"<w:r><w:delText>{deleted}</w:delText></w:r></w:del>"
        ))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def pdf(*pages: str) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    data: bytes = HTML(string=f'<html lang="zh"><body>{body}</body></html>').write_pdf()
    return data


def site_with(tmp_path: Path, name: str, data: bytes, config: dict[str, object] | None = None) -> Path:
    files: dict[str, str | bytes] = {
        f"content/news/files/{name}": data,
        "content/news/a.md": article("帮扶工作", body=f"详见[附件](files/{name})。"),
    }
    return make_site(tmp_path, files, config)


def refused(tmp_path: Path, name: str, data: bytes) -> list[Finding]:
    site = site_with(tmp_path, name, data)
    out = tmp_path / "out"
    with pytest.raises(BuildFailed) as caught:
        build_site(site, out)
    assert not out.exists()
    assert PHONE not in str(caught.value) and ID not in str(caught.value)  # messages mask the value
    return [f for f in caught.value.findings if f.code == "personal-data"]


CASES = [
    ("名单.docx", lambda: docx("帮扶对象名单", "第二段", f"联系人电话 {PHONE}"), None, "第 3 段", "手机号"),
    ("table.docx", lambda: docx("名单如下", table=[["姓名", "身份证号"], ["王某", ID]]), None, "表格", "身份证号"),
    ("header.docx", lambda: docx("正文", header=f"值班电话 {PHONE}"), None, "页眉", "手机号"),
    ("tracked.docx", lambda: docx("正文", deleted=f"原电话 {PHONE}"), None, "第 2 段", "手机号"),
    ("名单.xlsx", lambda: xlsx({"说明": [["无"]], "名单": [["姓名", "电话"], ["王某", int(PHONE)]]}), None,
     "名单”B2", "手机号"),
    ("report.pdf", lambda: pdf("第一页没有号码。", f"第二页：联系电话 {PHONE}。"), None, "第 2 页", "手机号"),
    ("list.csv", lambda: f"姓名,身份证号\n王某,无\n李某,{ID}\n".encode("gbk"), 3, "", "身份证号"),
    ("note.txt", lambda: "通知\n住在3号楼2单元501室的居民\n".encode(), 2, "", "详细门牌地址"),
]


@pytest.mark.parametrize(("name", "make", "line", "where", "kind"), CASES, ids=[case[0] for case in CASES])
def test_personal_data_in_an_attachment_stops_the_public_build(
    tmp_path: Path, name: str, make: object, line: int | None, where: str, kind: str
) -> None:
    assert callable(make)
    [finding] = refused(tmp_path, name, make())
    assert finding.location == Location(f"content/news/files/{name}", line)
    assert where in finding.message
    assert f"发现{kind}" in finding.message


def test_a_private_name_in_a_spreadsheet_is_found(tmp_path: Path) -> None:
    data = xlsx({"Sheet1": [["序号", "姓名"], [1, "白友盛"]]})
    site = site_with(tmp_path, "a.xlsx", data, {"privacy": {"private_names": ["白友盛"]}})
    with pytest.raises(BuildFailed) as caught:
        build_site(site, tmp_path / "out")
    [finding] = [f for f in caught.value.findings if f.code == "personal-data"]
    assert "B2" in finding.message and "Sheet1" in finding.message


CLEAN = [
    ("clean.docx", lambda: docx("社区开展志愿服务", table=[["项目", "人次"], ["助老", "615"]])),
    ("clean.xlsx", lambda: xlsx({"统计": [["年份", "人次"], [2022, 615], ["2022-11-22", 3500]]})),
    ("clean.pdf", lambda: pdf("2022 年共安置 615 人次，投入资金 3500 万元。")),
    ("clean.csv", lambda: "年份,人次\n2022,615\n".encode()),
]


@pytest.mark.parametrize(("name", "make"), CLEAN, ids=[case[0] for case in CLEAN])
def test_an_attachment_without_personal_data_is_published_as_it_is(tmp_path: Path, name: str, make: object) -> None:
    assert callable(make)
    data = make()
    out = tmp_path / "out"
    result = build_site(site_with(tmp_path, name, data), out)
    assert (out / "news/files" / name).read_bytes() == data
    assert not result.warnings


def test_the_internal_edition_is_not_scanned(tmp_path: Path) -> None:
    site = site_with(tmp_path, "a.docx", docx(f"联系电话 {PHONE}"))
    out = tmp_path / "internal"
    build(BuildOptions(site_dir=site, out_dir=out, now=NOW, edition="internal"))
    assert (out / "news/files/a.docx").exists()


def test_an_allowed_number_in_an_attachment_is_published(tmp_path: Path) -> None:
    allow = {"privacy": {"allow": [{"value": PHONE, "reason": "社区服务电话"}]}}
    out = tmp_path / "out"
    build_site(site_with(tmp_path, "a.docx", docx(f"服务电话 {PHONE}"), allow), out)
    assert (out / "news/files/a.docx").exists()


def test_check_reports_the_attachment_too(tmp_path: Path) -> None:
    site = site_with(tmp_path, "a.xlsx", xlsx({"名单": [["电话"], [PHONE]]}))
    with pytest.raises(BuildFailed) as caught:
        check(BuildOptions(site_dir=site, out_dir=tmp_path / "out", now=NOW))
    assert [f.location for f in caught.value.findings if f.code == "personal-data"] == [
        Location("content/news/files/a.xlsx")
    ]


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(f"电话 {PHONE}"))))
    writer.encrypt("mima")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A .docx of 100 KB that unpacks to more than 100 MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<" + b" " * (101 * 1024 * 1024) + b"/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "make"),
    [("broken.docx", lambda: b"PK\x03\x04 not really a Word file"), ("locked.pdf", encrypted_pdf),
     ("broken.xlsx", lambda: docx("一个改了扩展名的 Word 文件")), ("bomb.docx", zip_bomb)],
    ids=["broken-docx", "encrypted-pdf", "docx-named-xlsx", "zip-bomb"],
)
def test_an_attachment_that_cannot_be_read_is_not_published(tmp_path: Path, name: str, make: object) -> None:
    """What cannot be read cannot be checked: the build stops, naming the file, without a traceback."""
    assert callable(make)
    site = site_with(tmp_path, name, make())
    out = tmp_path / "out"
    with pytest.raises(BuildFailed) as caught:
        build_site(site, out)
    assert [(f.code, f.location) for f in caught.value.findings] == [
        ("attachment-unreadable", Location(f"content/news/files/{name}"))
    ]
    assert caught.value.findings[0].hint
    assert not out.exists()


def test_a_scanned_pdf_without_text_is_published_with_a_warning(tmp_path: Path) -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buffer, "PDF")  # a page that is only a picture
    out = tmp_path / "out"
    result = build_site(site_with(tmp_path, "scan.pdf", buffer.getvalue()), out)
    assert [(f.code, f.location) for f in result.warnings] == [
        ("attachment-no-text", Location("content/news/files/scan.pdf"))
    ]
    assert (out / "news/files/scan.pdf").exists()


def test_an_old_office_file_is_published_with_a_warning(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = build_site(site_with(tmp_path, "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504), out)
    assert [(f.code, f.location) for f in result.warnings] == [
        ("attachment-unchecked", Location("content/news/files/old.doc"))
    ]


def test_what_earlier_builds_read_never_hides_a_change(tmp_path: Path) -> None:
    """The text of attachments is kept between builds: an edited file, or a name added to the
    private list, is still found in the next (incremental) build."""
    import yaml

    site = site_with(tmp_path, "a.xlsx", xlsx({"名单": [["姓名"], ["白友盛"]]}))
    out = tmp_path / "out"
    build_site(site, out)
    config = yaml.safe_load((site / "site_config.yaml").read_text(encoding="utf-8"))
    config["privacy"] = {"private_names": ["白友盛"]}
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildFailed) as caught:
        build_site(site, out)
    assert ["A2" in f.message for f in caught.value.findings if f.code == "personal-data"] == [True]
    config.pop("privacy")
    (site / "site_config.yaml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    (site / "content/news/files/a.xlsx").write_bytes(xlsx({"名单": [["电话"], [PHONE]]}))
    with pytest.raises(BuildFailed) as caught:
        build_site(site, out)
    assert [f.location for f in caught.value.findings if f.code == "personal-data"] == [
        Location("content/news/files/a.xlsx")
    ]
    assert (out / "news/files/a.xlsx").read_bytes() != (site / "content/news/files/a.xlsx").read_bytes()


DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@pytest.mark.skipif(not DEJAVU.is_dir(), reason="needs the DejaVu fonts to make a PDF without Chinese fonts")
def test_a_pdf_whose_font_has_no_unicode_map_is_read_all_the_same(tmp_path: Path) -> None:
    """Made where no Chinese font exists, the PDF's fallback font gives glyph codes, not text, around the digits."""
    config = tmp_path / "fonts.conf"
    config.write_text(f'<?xml version="1.0"?><fontconfig><dir>{DEJAVU}</dir>'
                      f"<cachedir>{tmp_path / 'fc'}</cachedir></fontconfig>", encoding="utf-8")
    made = tmp_path / "made.pdf"
    script = ("import sys; from weasyprint import HTML; "
              f"HTML(string='<html lang=\"zh\"><p>第二页：联系电话 {PHONE}。</p></html>').write_pdf(sys.argv[1])")
    env = {**os.environ, "FONTCONFIG_FILE": str(config)}
    subprocess.run([sys.executable, "-c", script, str(made)], check=True, env=env)
    from pypdf import PdfReader

    assert "\x00" in PdfReader(made).pages[0].extract_text()  # the codes really are there
    [finding] = refused(tmp_path, "report.pdf", made.read_bytes())
    assert finding.location == Location("content/news/files/report.pdf") and "第 1 页" in finding.message
