"""The compilation of opinions on a draft (tổng hợp ý kiến: PDF and XLSX) and the report on
acceptance and explanation (báo cáo tiếp thu, giải trình: PDF). Pure: data in, bytes out.

`data` is services.opinions.report_data: council, meeting, document, version, agency,
articles [(article, [opinion views])], generated_at.
"""

from __future__ import annotations

import io

from paperless.domain.council_time import format_local
from paperless.reports.questioning import _numbered_canvas_class, _xlsx_text, markup

COMPILATION = "TỔNG HỢP Ý KIẾN ĐẠI BIỂU"
RESPONSE = "BÁO CÁO TIẾP THU, GIẢI TRÌNH Ý KIẾN ĐẠI BIỂU"
COLUMNS = ("STT", "Điều, khoản", "Đại biểu / Tổ", "Đoạn trích", "Nội dung ý kiến",
           "Đề xuất sửa", "Trạng thái", "Trả lời của cơ quan soạn thảo")


def rows(data: dict) -> list[list[str]]:
    out = []
    number = 0
    for article, items in data["articles"]:
        for item in items:
            number += 1
            passage = f"Trang {item['page']}: " if item["page"] else ""
            out.append([str(number), article, "\n".join(item["authors"]),
                        passage + item["quote"], item["text"], item["proposed_wording"],
                        item["status_label"], item["answer"]])
    return out


def _pdf(data: dict, title: str, columns: tuple, widths: tuple, make_row, intro: list[str]) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .fonts import register_fonts

    regular, bold = register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", parent=base, fontName=bold, alignment=TA_CENTER)
    heading = ParagraphStyle("heading", parent=base, fontName=bold, fontSize=15, leading=19,
                             alignment=TA_CENTER)
    meta = ParagraphStyle("meta", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER)
    story: list = [Paragraph(markup(title), heading), Spacer(0, 2 * mm)]
    for line in [data["council"], data["meeting"], *intro,
                 f"Lập lúc: {format_local(data['generated_at'], data.get('council_obj'))}"]:
        if line:
            story.append(Paragraph(markup(line), meta))
    story.append(Spacer(0, 4 * mm))
    table = [[Paragraph(markup(c), head) for c in columns]]
    for row in rows(data):
        table.append([Paragraph(markup(v), base) for v in make_row(row)])
    if len(table) == 1:
        table.append([Paragraph(markup("Không có ý kiến."), base)] + [""] * (len(columns) - 1))
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=12 * mm, bottomMargin=15 * mm,
                            title=f"{title} — {data['document']}", author=data["council"],
                            creator="Kỳ họp số", lang="vi", initialFontName=regular)
    story.append(Table(table, colWidths=list(widths), repeatRows=1, splitInRow=1,
                       style=TableStyle([
                           ("FONT", (0, 0), (-1, -1), regular, 8.5),
                           ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
                           ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
                           ("VALIGN", (0, 0), (-1, -1), "TOP")])))
    footer = f"{title.capitalize()} — {data['document']}"[:140]
    doc.build(story, canvasmaker=_numbered_canvas_class(regular, footer))
    return out.getvalue()


def compilation_pdf(data: dict) -> bytes:
    """For the agency to answer: every opinion by article, with its authors."""
    return _pdf(data, COMPILATION, COLUMNS[:7], (32, 70, 100, 130, 184, 150, 70),
                lambda r: r[:7], [f"Dự thảo: {data['document']} (phiên bản {data['version']})",
                                  f"Cơ quan soạn thảo: {data['agency']}" if data["agency"] else ""])


def response_pdf(data: dict) -> bytes:
    """Each opinion with the agency's answer: tiếp thu (accepted) or giải trình (explained)."""
    return _pdf(data, RESPONSE, (*COLUMNS[:3], COLUMNS[4], COLUMNS[6], COLUMNS[7]),
                (32, 70, 100, 220, 70, 244),
                lambda r: [r[0], r[1], r[2], r[4] + (f"\nĐề xuất: {r[5]}" if r[5] else ""),
                           r[6], r[7]],
                [f"Dự thảo: {data['document']} (phiên bản {data['version']})",
                 f"Cơ quan soạn thảo: {data['agency']}" if data["agency"] else ""])


def compilation_xlsx(data: dict) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Ý kiến"
    for line in (COMPILATION, data["council"], data["meeting"],
                 f"Dự thảo: {data['document']} (phiên bản {data['version']})"):
        ws.append([_xlsx_text(line)])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([])
    ws.append(list(COLUMNS))
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in rows(data):
        ws.append([_xlsx_text(v) for v in row])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    for letter, width in zip("ABCDEFGH", (6, 16, 24, 36, 50, 40, 14, 50), strict=True):
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
