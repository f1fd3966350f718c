"""Báo cáo kết quả giải quyết kiến nghị cử tri (the report on voters' petitions heard at a
session) as PDF and CSV. Pure: takes a PetitionReport, returns bytes."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from .questioning import _numbered_canvas_class, csv_safe, format_date, markup

TITLE = "BÁO CÁO KẾT QUẢ GIẢI QUYẾT KIẾN NGHỊ CỬ TRI"
COLUMNS = ("STT", "Nội dung kiến nghị", "Lĩnh vực", "Tổ đại biểu", "Tiếp nhận",
           "Cơ quan giải quyết", "Hạn trả lời", "Ngày trả lời", "Tình trạng", "Kết quả trả lời")


@dataclass
class PetitionRow:
    number: int
    text: str
    field: str  # label
    group: str
    received: str  # "dd/mm/yyyy, place"
    body: str
    deadline: date | None
    answered_on: date | None
    state: str  # received | pending | overdue | on_time | late
    state_label: str
    answer: str = ""


@dataclass
class PetitionReport:
    council: str
    meeting: str
    generated_on: date
    rows: list[PetitionRow] = field(default_factory=list)


def summary_text(report: PetitionReport) -> str:
    states = Counter(r.state for r in report.rows)
    answered = states["on_time"] + states["late"]
    return (f"Tổng số kiến nghị: {len(report.rows)}; đã trả lời: {answered} (đúng hạn: "
            f"{states['on_time']}, trễ hạn: {states['late']}); đang giải quyết: "
            f"{states['pending']}; quá hạn chưa trả lời: {states['overdue']}; chưa chuyển: "
            f"{states['received']}")


def _values(row: PetitionRow) -> list[str]:
    return [str(row.number), row.text, row.field, row.group, row.received, row.body,
            format_date(row.deadline), format_date(row.answered_on), row.state_label, row.answer]


def to_csv(report: PetitionReport) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([TITLE])
    writer.writerow([csv_safe(report.council)])
    writer.writerow([csv_safe(report.meeting)])
    writer.writerow([summary_text(report)])
    writer.writerow([])
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow([csv_safe(v) for v in _values(row)])
    return buffer.getvalue().encode("utf-8-sig")


PDF_COLUMNS = (("STT", 32), ("Nội dung kiến nghị", 204), ("Lĩnh vực / Tổ", 96),
               ("Tiếp nhận", 84), ("Cơ quan giải quyết", 100), ("Tình trạng", 100),
               ("Kết quả trả lời", 140))


def to_pdf(report: PetitionReport) -> bytes:
    """A4 landscape, embedded Noto Sans, summary, one row per petition, "Trang X/Y"."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from .fonts import register_fonts

    regular, bold = register_fonts()
    cell = ParagraphStyle("cell", fontName=regular, fontSize=8.5, leading=10.5)
    small = ParagraphStyle("small", parent=cell, fontSize=7.5, leading=9.5, textColor="#444444")
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=TA_CENTER)
    center = ParagraphStyle("center", parent=cell, alignment=TA_CENTER)
    title = ParagraphStyle("title", parent=cell, fontName=bold, fontSize=15, leading=19,
                           alignment=TA_CENTER)
    meta = ParagraphStyle("meta", parent=cell, fontSize=10, leading=13, alignment=TA_CENTER)
    late = ParagraphStyle("late", parent=cell, fontName=bold, textColor="#C00000")

    def p(text, style=cell):
        return Paragraph(markup(text or ""), style)

    story = [p(TITLE, title), Spacer(0, 2 * mm), p(report.council, meta), p(report.meeting, meta),
             p(f"Ngày lập: {format_date(report.generated_on)}", meta), Spacer(0, 4 * mm),
             p(summary_text(report)), Spacer(0, 3 * mm)]
    data = [[p(name, head) for name, _w in PDF_COLUMNS]]
    for row in report.rows:
        status = [p(row.state_label, late if row.state in ("overdue", "late") else cell)]
        if row.deadline:
            status.append(p(f"Hạn: {format_date(row.deadline)}", small))
        if row.answered_on:
            status.append(p(f"Trả lời ngày: {format_date(row.answered_on)}", small))
        data.append([p(str(row.number), center), p(row.text), [p(row.field), p(row.group, small)],
                     p(row.received), p(row.body or "—"), status, p(row.answer)])
    if not report.rows:
        data.append([p(""), p("Không có kiến nghị cử tri."), "", "", "", "", ""])
    style = [("FONT", (0, 0), (-1, -1), regular, 8.5),
             ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
             ("VALIGN", (0, 0), (-1, -1), "TOP"),
             *[("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F5F7FA"))
               for r in range(2, len(data), 2)]]
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=15 * mm,
                            rightMargin=15 * mm, topMargin=12 * mm, bottomMargin=15 * mm,
                            title=f"{TITLE} — {report.meeting}", author=report.council,
                            creator="Kỳ họp số", lang="vi", initialFontName=regular)
    story.append(Table(data, colWidths=[w for _n, w in PDF_COLUMNS], repeatRows=1,
                       splitInRow=1, style=TableStyle(style), hAlign="CENTER"))
    footer = f"Báo cáo kết quả giải quyết kiến nghị cử tri — {report.meeting}"[:140]
    doc.build(story, canvasmaker=_numbered_canvas_class(regular, footer))
    return out.getvalue()
