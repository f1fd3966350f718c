"""The questioning report (báo cáo kết quả chất vấn) as CSV, XLSX and PDF.

Pure module: it takes a :class:`QuestioningReport` built by the caller (from the
database or anywhere else) and renders bytes.  No Flask, no SQLAlchemy.

All question texts, names and answers are *plain text*.  The PDF escapes them for
reportlab's paragraph mini-markup, the XLSX forces them to string cells (a text
starting with ``=`` never becomes a formula) and the CSV neutralises leading
formula characters (see :func:`csv_safe`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.sax.saxutils import escape

STATES: tuple[str, ...] = (
    "filed",
    "grouped",
    "asked",
    "answered_session",
    "written_pending",
    "written_answered",
    "withdrawn",
)

#: Default Vietnamese labels; callers may pass their own in ``QuestionRow.state_label``.
STATE_LABELS: dict[str, str] = {
    "filed": "Đã đăng ký",
    "grouped": "Đã xếp nhóm",
    "asked": "Đã chất vấn",
    "answered_session": "Đã trả lời tại kỳ họp",
    "written_pending": "Chờ trả lời bằng văn bản",
    "written_answered": "Đã trả lời bằng văn bản",
    "withdrawn": "Đã rút",
}

TITLE = "BÁO CÁO KẾT QUẢ CHẤT VẤN"

COLUMNS: tuple[str, ...] = (
    "STT",
    "Nhóm vấn đề",
    "Lĩnh vực",
    "Đại biểu chất vấn",
    "Người trả lời",
    "Nội dung chất vấn",
    "Tình trạng",
    "Nội dung trả lời",
    "Người đã trả lời",
    "Hạn trả lời bằng văn bản",
    "Ngày trả lời bằng văn bản",
    "Quá hạn",
)

AUTHOR_SEPARATOR = "; "
OVERDUE_YES = "Có"
DATE_FORMAT = "%d/%m/%Y"
DATETIME_FORMAT = "%d/%m/%Y %H:%M"


@dataclass
class QuestionRow:
    number: int  # 1-based order in the report
    group: str  # nhóm vấn đề title, "" if none
    topic: str  # lĩnh vực
    authors: list[str]  # delegates' full names (merged duplicates keep every author)
    official: str  # e.g. "Trần Quốc Bảo — Chủ tịch UBND xã"
    text: str  # the question as filed (plain text)
    state: str  # one of STATES
    state_label: str  # Vietnamese label
    answer_summary: str = ""
    answered_by: str = ""
    written_deadline: date | None = None
    written_answered_on: date | None = None
    overdue: bool = False


@dataclass
class QuestioningReport:
    council: str
    meeting: str
    generated_at: datetime
    rows: list[QuestionRow] = field(default_factory=list)
    time_zone: str = "Asia/Ho_Chi_Minh"  # the council's: "Lập lúc" is read there


@dataclass(frozen=True)
class Summary:
    total: int
    answered_session: int  # answered at the session
    written: int  # to be answered in writing (pending + answered)
    written_pending: int
    written_answered: int
    overdue: int
    withdrawn: int

    def text(self) -> str:
        return (
            f"Tổng số câu hỏi: {self.total}; trả lời tại kỳ họp: {self.answered_session}; "
            f"trả lời bằng văn bản: {self.written} (đã trả lời: {self.written_answered}, "
            f"chưa trả lời: {self.written_pending}); quá hạn: {self.overdue}"
        )


def summarize(report: QuestioningReport) -> Summary:
    rows = report.rows
    states = [r.state for r in rows]
    return Summary(
        total=len(rows),
        answered_session=states.count("answered_session"),
        written=states.count("written_pending") + states.count("written_answered"),
        written_pending=states.count("written_pending"),
        written_answered=states.count("written_answered"),
        overdue=sum(1 for r in rows if r.overdue),
        withdrawn=states.count("withdrawn"),
    )


# --------------------------------------------------------------------------- helpers


def format_date(value: date | None) -> str:
    return value.strftime(DATE_FORMAT) if value else ""


def format_generated(value: datetime, zone: str = "Asia/Ho_Chi_Minh") -> str:
    from paperless.domain import clock

    return clock.local(value, zone).strftime(DATETIME_FORMAT)


def authors_text(row: QuestionRow) -> str:
    return AUTHOR_SEPARATOR.join(row.authors)


def _display_values(row: QuestionRow) -> list[str]:
    """The twelve columns of ``row`` as display strings (CSV form)."""
    return [
        str(row.number),
        row.group,
        row.topic,
        authors_text(row),
        row.official,
        row.text,
        row.state_label,
        row.answer_summary,
        row.answered_by,
        format_date(row.written_deadline),
        format_date(row.written_answered_on),
        OVERDUE_YES if row.overdue else "",
    ]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP "CSV injection").

    Excel evaluates a CSV cell starting with ``= + - @`` (or a tab / CR) as a formula;
    a question text like ``=HYPERLINK(...)`` or even ``- Về việc ...`` would be
    executed or shown as ``#NAME?``.  Such cells get a leading apostrophe.
    """
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_unsafe(value: str) -> str:
    """Inverse of :func:`csv_safe` for round-trip readers."""
    if value.startswith("'") and value[1:].startswith(_FORMULA_START):
        return value[1:]
    return value


# --------------------------------------------------------------------------- CSV


def to_csv(report: QuestioningReport) -> bytes:
    """UTF-8 CSV **with BOM** (so Excel detects UTF-8), CRLF line ends, Vietnamese header."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in report.rows:
        writer.writerow([csv_safe(v) for v in _display_values(row)])
    return buffer.getvalue().encode("utf-8-sig")


# --------------------------------------------------------------------------- XLSX

# Characters openpyxl refuses (C0 controls except tab/newline/CR); pasted texts may have them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_XLSX_CELL_LIMIT = 32767

#: Column widths in Excel character units, same order as COLUMNS.
XLSX_WIDTHS: tuple[float, ...] = (6, 22, 16, 26, 28, 60, 18, 50, 26, 14, 14, 9)


def _xlsx_text(value: str) -> str:
    value = _ILLEGAL_XML.sub("", value)
    if len(value) > _XLSX_CELL_LIMIT:
        value = value[: _XLSX_CELL_LIMIT - 1] + "…"
    return value


def to_xlsx(report: QuestioningReport) -> bytes:
    """One sheet: title rows, bold header (frozen, filterable), one row per question."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Chất vấn"
    ncols = len(COLUMNS)
    last_col = get_column_letter(ncols)

    def text_cell(r: int, c: int, value: str):
        cell = ws.cell(row=r, column=c)
        cell.value = _xlsx_text(value)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    summary = summarize(report)
    title_lines = [
        (TITLE, Font(bold=True, size=14)),
        (report.council, Font(bold=True, size=12)),
        (report.meeting, Font(size=12)),
        (f"Lập lúc: {format_generated(report.generated_at, report.time_zone)}", Font(italic=True)),
        (summary.text(), Font()),
    ]
    for i, (text, font) in enumerate(title_lines, start=1):
        cell = text_cell(i, 1, text)
        cell.font = font
        ws.merge_cells(f"A{i}:{last_col}{i}")
    header_row = len(title_lines) + 2  # one blank row

    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    header_fill = PatternFill("solid", fgColor="DDE6F0")
    wrap_top = Alignment(wrap_text=True, vertical="top")
    for c, name in enumerate(COLUMNS, start=1):
        cell = text_cell(header_row, c, name)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.border = border
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")

    for offset, row in enumerate(report.rows, start=1):
        r = header_row + offset
        values = [
            row.number,
            row.group,
            row.topic,
            authors_text(row),
            row.official,
            row.text,
            row.state_label,
            row.answer_summary,
            row.answered_by,
            row.written_deadline,
            row.written_answered_on,
            OVERDUE_YES if row.overdue else "",
        ]
        for c, value in enumerate(values, start=1):
            if isinstance(value, str):
                cell = text_cell(r, c, value)
            else:
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, date):
                    cell.number_format = "DD/MM/YYYY"
            cell.alignment = wrap_top
            cell.border = border
        if row.overdue:
            ws.cell(row=r, column=ncols).font = Font(bold=True, color="C00000")

    for c, width in enumerate(XLSX_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    last_row = header_row + max(len(report.rows), 1)
    ws.auto_filter.ref = f"A{header_row}:{last_col}{last_row}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    wb.properties.title = TITLE
    wb.properties.creator = "Kỳ họp số"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def markup(text: str) -> str:
    """Plain text -> reportlab Paragraph markup: escape ``& < >``, keep line breaks."""
    lines = escape(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(lines)


def _numbered_canvas_class(font: str, footer_left: str):
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    class NumberedCanvas(canvas.Canvas):
        """Defers page output so the footer can say "Trang X/Y"."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict] = []

        def showPage(self):  # noqa: N802 (reportlab API)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                width, _height = self._pagesize
                self.setFont(font, 8)
                self.setFillGray(0.35)
                self.drawString(15 * mm, 8 * mm, footer_left)
                self.drawRightString(width - 15 * mm, 8 * mm, f"Trang {self._pageNumber}/{total}")
                super().showPage()
            super().save()

    return NumberedCanvas


def _question_table_base():
    from reportlab.platypus import Table

    class QuestionTable(Table):
        """Keeps rows whole across page breaks unless a row is taller than a page.

        reportlab either never splits rows (a question longer than a page raises
        LayoutError) or, with ``splitInRow``, happily prints a repeated header in the
        middle of a page.  Here: a row that fits on a fresh page moves there whole;
        only an over-tall row is split inside, and only with a useful amount of room.
        """

        page_height: float = 0.0  # set per document by to_pdf
        min_fragment = 60.0  # points: don't start a split row in less room than this

        def split(self, availWidth, availHeight):  # noqa: N803 (reportlab API)
            self._calc(availWidth, availHeight)
            heights = self._rowHeights
            header = sum(heights[: self.repeatRows])
            n, used = 0, 0.0
            while n < len(heights) and used + heights[n] <= availHeight:
                used += heights[n]
                n += 1
            if n == len(heights):
                return [self]
            tall = heights[n] + header > self.page_height
            if tall and availHeight - used >= self.min_fragment:
                parts = self._splitRows(availHeight, doInRowSplit=True)
                if parts:
                    return parts
            return self._splitRows(availHeight, doInRowSplit=False)

    return QuestionTable


#: PDF column titles and widths (points); the 12 data columns folded into 7.
PDF_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 26),
    ("Nhóm vấn đề / Lĩnh vực", 92),
    ("Đại biểu chất vấn", 100),
    ("Người trả lời", 100),
    ("Nội dung chất vấn", 196),
    ("Tình trạng", 92),
    ("Nội dung trả lời", 150),
)


def to_pdf(report: QuestioningReport) -> bytes:
    """A4 landscape PDF with embedded Noto Sans, summary line, table, "Trang X/Y" footer."""
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle

    from .fonts import register_fonts

    regular, bold = register_fonts()
    question_table = _question_table_base()

    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=10.5)
    cell = ParagraphStyle("cell", parent=base, wordWrap=None)
    cell_center = ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER)
    head = ParagraphStyle("head", parent=cell, fontName=bold, alignment=TA_CENTER)
    small = ParagraphStyle("small", parent=cell, fontSize=7.5, leading=9.5, textColor="#444444")
    title = ParagraphStyle(
        "title", parent=base, fontName=bold, fontSize=15, leading=19, alignment=TA_CENTER
    )
    subtitle = ParagraphStyle(
        "subtitle", parent=base, fontName=bold, fontSize=11, leading=14, alignment=TA_CENTER
    )
    meta = ParagraphStyle("meta", parent=base, fontSize=9.5, leading=12, alignment=TA_CENTER)
    summary_style = ParagraphStyle("summary", parent=base, fontSize=9.5, leading=12)
    # several authors: one bullet each, hanging indent, so a wrapped name stays one name
    author_style = ParagraphStyle(
        "author", parent=cell, leftIndent=7, bulletIndent=0, bulletFontName=regular
    )
    overdue_style = ParagraphStyle("overdue", parent=cell, fontName=bold, textColor="#C00000")

    def p(text: str, style=cell) -> Paragraph:
        return Paragraph(markup(text), style)

    def stacked(*parts: tuple[str, ParagraphStyle]) -> list[Paragraph]:
        return [p(text, style) for text, style in parts if text]

    def authors_cell(names: list[str]) -> list[Paragraph]:
        if len(names) == 1:
            return [p(names[0])]
        return [Paragraph(markup(name), author_style, bulletText="•") for name in names]

    summary = summarize(report)
    story: list = [
        Paragraph(markup(TITLE), title),
        Spacer(0, 2 * mm),
    ]
    if report.council:
        story.append(Paragraph(markup(report.council), subtitle))
    if report.meeting:
        story.append(Paragraph(markup(report.meeting), meta))
    story += [
        Paragraph(markup(f"Lập lúc: {format_generated(report.generated_at, report.time_zone)}"), meta),
        Spacer(0, 4 * mm),
        Paragraph(markup(summary.text()), summary_style),
        Spacer(0, 3 * mm),
    ]

    data: list[list] = [[Paragraph(markup(name), head) for name, _w in PDF_COLUMNS]]
    overdue_rows: list[int] = []
    for i, row in enumerate(report.rows, start=1):
        status: list[tuple[str, ParagraphStyle]] = [(row.state_label, cell)]
        if row.written_deadline:
            status.append((f"Hạn: {format_date(row.written_deadline)}", small))
        if row.written_answered_on:
            status.append((f"Đã trả lời ngày: {format_date(row.written_answered_on)}", small))
        if row.overdue:
            status.append(("QUÁ HẠN", overdue_style))
            overdue_rows.append(i)
        answer = stacked(
            (row.answer_summary, cell),
            (f"Người trả lời: {row.answered_by}" if row.answered_by else "", small),
        )
        data.append(
            [
                p(str(row.number), cell_center),
                stacked((row.group, cell), (row.topic, small)),
                authors_cell(row.authors),
                p(row.official),
                p(row.text),
                stacked(*status),
                answer,
            ]
        )
    if not report.rows:
        data.append([p(""), p("Không có câu hỏi chất vấn."), "", "", "", "", ""])

    style = [
        ("FONT", (0, 0), (-1, -1), regular, 8.5),  # else Table emits a Helvetica resource
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDE6F0")),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        *[
            ("BACKGROUND", (0, r), (-1, r), colors.HexColor("#F5F7FA"))
            for r in range(2, len(data), 2)
        ],
        *[("BACKGROUND", (5, r), (5, r), colors.HexColor("#FDECEC")) for r in overdue_rows],
    ]
    if not report.rows:
        style.append(("SPAN", (1, 1), (-1, 1)))
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=landscape(A4),
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=12 * mm,
        bottomMargin=15 * mm,
        title=f"{TITLE} — {report.meeting}" if report.meeting else TITLE,
        author=report.council,
        subject="Báo cáo kết quả chất vấn",
        creator="Kỳ họp số",
        lang="vi",
        initialFontName=regular,  # no stray Helvetica font resource
    )
    # Frame height minus the frame's own 6pt paddings; per call, not a shared global.
    table_class = type("QuestionTable", (question_table,), {"page_height": doc.height - 12})
    table = table_class(
        data,
        colWidths=[w for _n, w in PDF_COLUMNS],
        repeatRows=1,
        splitInRow=1,
        style=TableStyle(style),
        hAlign="CENTER",
    )
    story.append(table)

    footer = f"{TITLE.capitalize()} — {report.meeting}" if report.meeting else TITLE.capitalize()
    if len(footer) > 140:
        footer = footer[:139] + "…"
    doc.build(story, canvasmaker=_numbered_canvas_class(regular, footer))
    return out.getvalue()
