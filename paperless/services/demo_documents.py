"""The demo's draft resolution as the Văn phòng writes it: a Word file in the Decree 30
layout, with the fields the system fills when it issues (see paperless.pdf.official.FIELDS).

Times New Roman 14 (13 in the header), A4, margins 20/15/30/20 mm (top/right/left/bottom);
LibreOffice renders Times New Roman with its metric twin Liberation Serif.
"""

from __future__ import annotations

import io

BUDGET_TITLE = "Về dự toán ngân sách nhà nước xã năm 2027"

BUDGET_BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
    "Căn cứ Luật Ngân sách nhà nước ngày 25 tháng 6 năm 2015;",
    "Căn cứ Nghị định số 163/2016/NĐ-CP ngày 21 tháng 12 năm 2016 của Chính phủ quy định "
    "chi tiết thi hành một số điều của Luật Ngân sách nhà nước;",
]
BUDGET_CONSIDERING = (
    "Xét Tờ trình số 145/TTr-UBND ngày 20 tháng 11 năm 2026 của Ủy ban nhân dân xã về dự toán "
    "ngân sách nhà nước năm 2027; Báo cáo thẩm tra của Ban Kinh tế - Xã hội Hội đồng nhân dân "
    "xã; ý kiến thảo luận của đại biểu Hội đồng nhân dân xã tại kỳ họp.")
BUDGET_ARTICLES = [
    ("Điều 1. Phê chuẩn dự toán ngân sách nhà nước năm 2027 như sau:", [
        "1. Tổng thu ngân sách nhà nước trên địa bàn xã: 18.520 triệu đồng, trong đó thu ngân "
        "sách xã được hưởng theo phân cấp: 12.340 triệu đồng.",
        "2. Tổng chi ngân sách xã: 15.780 triệu đồng, gồm chi đầu tư phát triển 4.200 triệu "
        "đồng, chi thường xuyên 11.264 triệu đồng và dự phòng ngân sách 316 triệu đồng.",
        "3. Bội chi ngân sách xã: không.",
    ]),
    ("Điều 2. Tổ chức thực hiện", [
        "1. Giao Ủy ban nhân dân xã tổ chức thực hiện Nghị quyết này; điều hành thu, chi ngân "
        "sách chặt chẽ, tiết kiệm, đúng quy định của Luật Ngân sách nhà nước.",
        "2. Giao Thường trực Hội đồng nhân dân, các Ban của Hội đồng nhân dân, các Tổ đại biểu "
        "và đại biểu Hội đồng nhân dân xã giám sát việc thực hiện Nghị quyết này.",
    ]),
    ("Điều 3. Hiệu lực thi hành", ["{{CONG_THUC_KET_THUC}}"]),
]


def _short_rule(paragraph, width_cm: float, column_cm: float) -> None:
    """A short centred line under a heading: a bottom border on an indented empty paragraph."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    side = max((column_cm - width_cm) / 2, 0)
    fmt = paragraph.paragraph_format
    fmt.left_indent, fmt.right_indent = Cm(side), Cm(side)
    fmt.space_before, fmt.space_after = Pt(0), Pt(0)
    fmt.line_spacing = Pt(2)
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                       ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def _no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    props.append(borders)


def resolution_docx(title: str = BUDGET_TITLE, bases: list[str] | None = None,
                    considering: str = BUDGET_CONSIDERING,
                    articles: list[tuple[str, list[str]]] | None = None) -> bytes:
    """A draft resolution (.docx) with the system's fields: {{CO_QUAN_1}}, {{CO_QUAN_2}},
    {{SO}}, {{DIA_DANH_NGAY}}, {{CO_QUAN_IN_HOA}}, {{KHOA_KY_HOP}}, {{CONG_THUC_KET_THUC}},
    {{NOI_NHAN}}, {{CHU_TICH}}."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    bases = BUDGET_BASES if bases is None else bases
    articles = BUDGET_ARTICLES if articles is None else articles
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia",
        "Times New Roman")
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)

    def para(container, text: str = "", *, bold=False, italic=False, size=14,
             align=WD_ALIGN_PARAGRAPH.CENTER, before=0, after=0, indent=False,
             underline=False):
        p = container.add_paragraph()
        p.alignment = align
        fmt = p.paragraph_format
        fmt.space_before, fmt.space_after = Pt(before), Pt(after)
        if indent:
            fmt.first_line_indent = Cm(1.27)
            fmt.line_spacing = 1.15
        if text:
            run = p.add_run(text)
            run.bold, run.italic, run.underline = bold, italic, underline
            run.font.size = Pt(size)
        return p

    header = doc.add_table(rows=1, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    _no_borders(header)
    left, right = header.rows[0].cells
    widths = (Cm(6.0), Cm(10.5))
    for column, cell, width in zip(header.columns, (left, right), widths, strict=True):
        column.width = cell.width = width  # LibreOffice reads the grid, Word the cells
    left.paragraphs[0].text = ""
    first = left.paragraphs[0]
    first.alignment = WD_ALIGN_PARAGRAPH.CENTER
    first.add_run("{{CO_QUAN_1}}").font.size = Pt(13)
    para(left, "{{CO_QUAN_2}}", bold=True, size=13)
    _short_rule(para(left), 1.8, 6.0)
    para(left, "Số: {{SO}}", size=13, before=6)
    top = right.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = top.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    run.bold, run.font.size = True, Pt(13)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    _short_rule(para(right), 5.9, 10.5)
    para(right, "{{DIA_DANH_NGAY}}", italic=True, size=14, before=6)

    para(doc, "NGHỊ QUYẾT", bold=True, before=18)
    para(doc, title, bold=True)
    _short_rule(para(doc), 3.0, 16.5)
    para(doc, "{{CO_QUAN_IN_HOA}}", bold=True, before=12)
    para(doc, "{{KHOA_KY_HOP}}", bold=True, after=12)
    for text in bases:
        para(doc, text, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=3)
    para(doc, considering, italic=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=3)
    para(doc, "QUYẾT NGHỊ:", bold=True, before=9, after=9)
    for heading, clauses in articles:
        para(doc, heading, bold=True, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=3)
        for clause in clauses:
            para(doc, clause, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, after=3)

    para(doc, "", after=6)
    closing = doc.add_table(rows=1, cols=2)
    closing.autofit = False
    _no_borders(closing)
    recipients, signer = closing.rows[0].cells
    for column, cell, width in zip(closing.columns, (recipients, signer), (Cm(8.0), Cm(8.5)),
                                   strict=True):
        column.width = cell.width = width
    head = recipients.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.LEFT
    run = head.add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    para(recipients, "{{NOI_NHAN}}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    top = signer.paragraphs[0]
    top.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = top.add_run("TM. HỘI ĐỒNG NHÂN DÂN")
    run.bold, run.font.size = True, Pt(14)
    para(signer, "CHỦ TỊCH", bold=True)
    for _ in range(4):  # the signature place: the chair's image and the council's seal
        para(signer, "")
    para(signer, "{{CHU_TICH}}", bold=True)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
