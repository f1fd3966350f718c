"""paperless.reports.questioning: CSV, XLSX and PDF renderings of the questioning report."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from paperless.reports import (
    COLUMNS,
    STATE_LABELS,
    QuestioningReport,
    QuestionRow,
    fonts,
    summarize,
    to_csv,
    to_pdf,
    to_xlsx,
)
from paperless.reports.questioning import csv_unsafe
from tests.tools import need_tool

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "reports"

EXPECTED_HEADER = (
    "STT,Nhóm vấn đề,Lĩnh vực,Đại biểu chất vấn,Người trả lời,Nội dung chất vấn,Tình trạng,"
    "Nội dung trả lời,Người đã trả lời,Hạn trả lời bằng văn bản,Ngày trả lời bằng văn bản,Quá hạn"
)
NASTY = '<script>alert(1)</script> & "quotes"'


def row(number: int, state: str, **kw) -> QuestionRow:
    values = dict(
        number=number,
        group="",
        topic="",
        authors=[],
        official="",
        text="",
        state=state,
        state_label=STATE_LABELS[state],
        answer_summary="",
        answered_by="",
        written_deadline=None,
        written_answered_on=None,
        overdue=False,
    )
    values.update(kw)
    return QuestionRow(**values)


@pytest.fixture
def report() -> QuestioningReport:
    return QuestioningReport(
        council="Hội đồng nhân dân xã Đông Hưng Thuận",
        meeting="Kỳ họp thứ Mười Hai, HĐND xã khóa I, nhiệm kỳ 2021–2026",
        # An instant, read in the council's zone (a naive time would be UTC, as stored).
        generated_at=datetime(2025, 12, 18, 16, 45, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")),
        rows=[
            row(
                1,
                "answered_session",
                group="Quản lý đất đai, xây dựng trái phép",
                topic="Tài nguyên và Môi trường",
                authors=["Nguyễn Thị Hường"],
                official="Trần Quốc Bảo — Chủ tịch UBND xã",
                text="Đề nghị Chủ tịch cho biết tiến độ xử lý các công trình xây dựng "
                "trái phép trên đất nông nghiệp ở ấp Thượng?\nGiải pháp trong năm tới?",
                answer_summary="Đã cưỡng chế 7/12 công trình; phần còn lại hoàn thành "
                "trong quý I năm 2026.",
                answered_by="Trần Quốc Bảo — Chủ tịch UBND xã",
            ),
            row(
                2,
                "answered_session",
                group="Ô nhiễm môi trường, rác thải",
                topic="Môi trường",
                authors=["Lê Văn Đức", "Phạm Thị Ánh Nguyệt"],  # merged duplicate slips
                official="Võ Minh Tuấn — Trưởng phòng Kinh tế",
                text=f"Tình trạng đổ rác trộm ven kênh Ông Lớn — kiến nghị của cử tri: {NASTY}",
                answer_summary="Đã lắp đặt camera giám sát & tăng tần suất thu gom.",
                answered_by="Võ Minh Tuấn — Trưởng phòng Kinh tế",
            ),
            row(
                3,
                "written_pending",
                group="Ô nhiễm môi trường, rác thải",
                topic="Y tế",
                authors=["Đặng Quỳnh Như"],
                official="Hoàng Thị Yến — Trưởng Trạm Y tế xã",
                text="Vì sao trạm y tế thường xuyên thiếu thuốc bảo hiểm y tế?",
                written_deadline=date(2025, 12, 8),
                overdue=True,
            ),
            row(
                4,
                "written_answered",
                group="",
                topic="Giáo dục",
                authors=["Bùi Thế Vĩnh"],
                official="Ngô Thanh Hà — Phó Chủ tịch UBND xã",
                text="Kế hoạch xây dựng thêm phòng học cho Trường Tiểu học Đông Hưng Thuận?",
                answer_summary="Văn bản số 125/UBND-VX: bổ sung 6 phòng học năm 2026.",
                answered_by="Ngô Thanh Hà — Phó Chủ tịch UBND xã",
                written_deadline=date(2026, 1, 7),
                written_answered_on=date(2025, 12, 30),
            ),
            row(
                5,
                "withdrawn",
                topic="Giao thông",
                authors=["Trương Gia Khiêm"],
                official="Trần Quốc Bảo — Chủ tịch UBND xã",
                text='=HYPERLINK("http://evil.example","Bấm vào đây")',
            ),
        ],
    )


def expected_cells(r: QuestionRow) -> list[str]:
    def d(value):
        return value.strftime("%d/%m/%Y") if value else ""

    return [
        str(r.number),
        r.group,
        r.topic,
        "; ".join(r.authors),
        r.official,
        r.text,
        r.state_label,
        r.answer_summary,
        r.answered_by,
        d(r.written_deadline),
        d(r.written_answered_on),
        "Có" if r.overdue else "",
    ]


# ----------------------------------------------------------------------------- CSV


def test_csv_round_trips_every_field(report):
    data = to_csv(report)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == EXPECTED_HEADER
    parsed = list(csv.reader(io.StringIO(text, newline="")))
    assert parsed[0] == list(COLUMNS) == EXPECTED_HEADER.split(",")
    assert len(parsed) == 1 + len(report.rows)
    for got, r in zip(parsed[1:], report.rows, strict=True):
        # the formula-looking text of row 5 is neutralised; csv_unsafe restores it
        assert [csv_unsafe(v) for v in got] == expected_cells(r)
    assert parsed[1:4] == [expected_cells(r) for r in report.rows[:3]]
    assert parsed[2][3] == "Lê Văn Đức; Phạm Thị Ánh Nguyệt"
    assert NASTY in parsed[2][5]
    assert parsed[3][9:] == ["08/12/2025", "", "Có"]
    assert parsed[4][9:11] == ["07/01/2026", "30/12/2025"]


def test_csv_neutralises_formulas(report):
    parsed = list(csv.reader(io.StringIO(to_csv(report).decode("utf-8-sig"), newline="")))
    assert parsed[5][5] == "'" + report.rows[4].text


def test_csv_empty_report_has_header_only(report):
    report.rows = []
    assert to_csv(report).decode("utf-8-sig") == EXPECTED_HEADER + "\r\n"


# ----------------------------------------------------------------------------- XLSX


def _xlsx_table(data: bytes):
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, values in enumerate(rows) if values[0] == "STT")
    return ws, rows, header_at


def test_xlsx_header_and_rows(report):
    data = to_xlsx(report)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "questioning.xlsx").write_bytes(data)
    (ARTIFACTS / "questioning.csv").write_bytes(to_csv(report))
    ws, rows, h = _xlsx_table(data)
    titles = [values[0] for values in rows[:h] if values[0]]
    assert titles[:4] == [
        "BÁO CÁO KẾT QUẢ CHẤT VẤN",
        report.council,
        report.meeting,
        "Lập lúc: 18/12/2025 16:45",
    ]
    assert titles[4].startswith("Tổng số câu hỏi: 5; trả lời tại kỳ họp: 2;")
    assert list(rows[h]) == list(COLUMNS)
    header_cell = ws.cell(row=h + 1, column=1)
    assert header_cell.font.b
    assert ws.freeze_panes == f"A{h + 2}"

    body = rows[h + 1 :]
    assert len(body) == len(report.rows)
    for got, r in zip(body, report.rows, strict=True):
        assert got[0] == r.number
        assert list(got[1:9]) == [
            r.group or None,  # openpyxl reads empty strings back as None
            r.topic or None,
            "; ".join(r.authors),
            r.official,
            r.text,
            r.state_label,
            r.answer_summary or None,
            r.answered_by or None,
        ]
        for got_date, want in ((got[9], r.written_deadline), (got[10], r.written_answered_on)):
            if want is None:
                assert got_date is None
            else:
                assert isinstance(got_date, datetime)  # a real date cell, not text
                assert got_date.date() == want
        assert got[11] == ("Có" if r.overdue else None)


def test_xlsx_cell_types_and_formats(report):
    ws, _rows, h = _xlsx_table(to_xlsx(report))
    deadline = ws.cell(row=h + 1 + 3, column=10)
    assert deadline.is_date and deadline.number_format == "DD/MM/YYYY"
    formula_looking = ws.cell(row=h + 1 + 5, column=6)
    assert formula_looking.data_type == "s"  # text, never a formula
    assert formula_looking.value == report.rows[4].text
    question = ws.cell(row=h + 1 + 1, column=6)
    assert question.alignment.wrap_text
    assert ws.column_dimensions["F"].width >= 40
    assert ws.column_dimensions["A"].width <= 8


def test_xlsx_strips_control_characters(report):
    report.rows[0].text = "Câu hỏi\x00 có\x07 ký tự lạ\tvà tab"
    ws, rows, h = _xlsx_table(to_xlsx(report))
    assert rows[h + 1][5] == "Câu hỏi có ký tự lạ\tvà tab"


# ----------------------------------------------------------------------------- PDF


def _pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() or "" for page in reader.pages)


def _squash(text: str) -> str:
    return " ".join(text.split())


def test_pdf_text_fonts_and_escaping(report):
    data = to_pdf(report)
    reader, text = _pdf_text(data)
    flat = _squash(text)
    assert 1 <= len(reader.pages) <= 3
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    assert "BÁO CÁO KẾT QUẢ CHẤT VẤN" in flat
    assert report.council in flat
    for r in report.rows:
        for name in r.authors:
            assert name in flat, name
    assert "<script>alert(1)</script>" in flat
    assert "&amp;" not in flat and "&lt;" not in flat
    assert "Tổng số câu hỏi: 5" in flat
    assert "quá hạn: 1" in flat
    assert "QUÁ HẠN" in flat
    assert f"Trang 1/{len(reader.pages)}" in flat
    # the font is embedded (TrueType subset), not one of the 14 standard fonts
    fonts_used = {}
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            fonts_used[str(f["/BaseFont"]).split("+")[-1]] = f
    assert set(fonts_used) == {"NotoSans-Regular", "NotoSans-Bold"}
    for f in fonts_used.values():
        assert "/FontFile2" in f["/FontDescriptor"]  # embedded TrueType program


def test_pdf_page_one_render(report):
    data = to_pdf(report)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "questioning.pdf").write_bytes(data)
    need_tool("pdftoppm", "poppler-utils")
    target = ARTIFACTS / "questioning-page1"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(ARTIFACTS / "questioning.pdf"),
            str(target),
        ],
        check=True,
    )
    assert (ARTIFACTS / "questioning-page1.png").stat().st_size > 5000


def test_pdf_long_report_paginates(report):
    long_text = " ".join(["Cử tri phản ánh tình trạng ngập úng kéo dài ở tổ dân phố số 3."] * 120)
    rows = []
    for i in range(1, 41):
        base = report.rows[(i - 1) % 4]
        rows.append(
            row(
                i,
                base.state,
                **{
                    k: getattr(base, k)
                    for k in (
                        "group",
                        "topic",
                        "authors",
                        "official",
                        "answer_summary",
                        "answered_by",
                        "written_deadline",
                        "written_answered_on",
                        "overdue",
                    )
                },
                text=long_text if i == 7 else base.text,
            )
        )
    report.rows = rows
    data = to_pdf(report)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "questioning-long.pdf").write_bytes(data)
    reader, text = _pdf_text(data)
    pages = len(reader.pages)
    assert 4 <= pages <= 20
    flat = _squash(text)
    for n in range(1, pages + 1):
        assert f"Trang {n}/{pages}" in flat
    # the header row repeats at the top of every page, exactly once (no mid-page header)
    for page in reader.pages:
        assert _squash(page.extract_text()).count("Nội dung chất vấn") == 1
    # the over-tall question 7 is printed in full, across pages
    assert flat.count("ngập") == 120  # one per sentence; words never split


def test_pdf_empty_report(report):
    report.rows = []
    reader, text = _pdf_text(to_pdf(report))
    assert len(reader.pages) == 1
    assert "Không có câu hỏi chất vấn." in _squash(text)


def test_missing_fonts_raise_clear_error(report, monkeypatch, tmp_path):
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(RuntimeError, match="fonts-noto-core"):
        to_pdf(report)


def test_font_dir_override(report, monkeypatch, tmp_path):
    for name in (fonts.REGULAR_FILE, fonts.BOLD_FILE):
        shutil.copy(fonts.DEFAULT_FONT_DIR / name, tmp_path / name)
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    assert fonts.font_dir() == tmp_path
    assert to_pdf(report).startswith(b"%PDF")


# ----------------------------------------------------------------------------- summary


def test_summary_counts(report):
    s = summarize(report)
    assert (s.total, s.answered_session, s.written, s.written_pending) == (5, 2, 2, 1)
    assert (s.written_answered, s.overdue, s.withdrawn) == (1, 1, 1)
