"""The council's activity statistics as CSV and XLSX (pure: takes the figures dict)."""

from __future__ import annotations

import csv
import io

from .questioning import _xlsx_text, csv_safe

DELEGATE_COLUMNS = ("STT", "Đại biểu", "Tổ đại biểu", "Số phiên họp", "Có mặt",
                    "Vắng có lý do", "Vắng không lý do", "Tỷ lệ có mặt (%)",
                    "Số cuộc biểu quyết", "Đã tham gia biểu quyết", "Số lượt phát biểu",
                    "Số câu hỏi chất vấn")
OFFICIAL_COLUMNS = ("Người trả lời", "Chức vụ", "Tổng số câu hỏi", "Trả lời tại kỳ họp",
                    "Đã trả lời bằng văn bản", "Chờ trả lời bằng văn bản (trong hạn)",
                    "Quá hạn", "Chưa trả lời")
OUTCOME_KEYS = ("session", "written", "written_pending", "overdue", "pending")


def summary_rows(stats: dict) -> list[tuple[str, int]]:
    meetings, votes, questions = stats["meetings"], stats["votes"], stats["questions"]
    labels = stats["labels"]
    rows = [("Tổng số kỳ họp", meetings["total"])]
    rows += [(labels["meeting_kinds"].get(k, k), n) for k, n in meetings["by_kind"].items()]
    rows += [("Số phiên họp", meetings["sittings"]),
             ("Số nghị quyết đã ban hành", stats["resolutions"]["issued"]),
             ("Số cuộc biểu quyết", votes["total"]),
             ("Số cuộc biểu quyết được thông qua", votes["passed"]),
             ("Số cuộc bỏ phiếu kín, bầu cử, lấy phiếu tín nhiệm", votes["secret"]),
             ("Tổng số câu hỏi chất vấn", questions["total"])]
    rows += [(labels["outcomes"][k], questions[k]) for k in OUTCOME_KEYS]
    return rows


def _delegate_values(number: int, d: dict) -> list:
    return [number, d["name"], d["group"], d["sittings"], d["present"], d["excused"],
            d["absent"], d["attendance_rate"], d["votes"], d["votes_taken"], d["speeches"],
            d["questions"]]


def _official_values(o: dict) -> list:
    return [o["name"], o["title"], o["total"], *[o[k] for k in OUTCOME_KEYS]]


def _title(stats: dict) -> str:
    return f"THỐNG KÊ HOẠT ĐỘNG — {stats['council']['name']} — {stats['period']['label']}"


def to_csv(stats: dict) -> bytes:
    """UTF-8 with BOM, CRLF: summary, then officials, then one row per delegate."""
    buffer = io.StringIO(newline="")
    w = csv.writer(buffer, lineterminator="\r\n")

    def row(values) -> None:
        w.writerow([csv_safe(v) if isinstance(v, str) else v for v in values])

    row([_title(stats)])
    row([])
    for label, value in summary_rows(stats):
        row([label, value])
    row([])
    row(OFFICIAL_COLUMNS)
    for o in stats["questions"]["by_official"]:
        row(_official_values(o))
    row([])
    row(DELEGATE_COLUMNS)
    for number, d in enumerate(stats["delegates"], start=1):
        row(_delegate_values(number, d))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(stats: dict) -> bytes:
    """Three sheets: Tổng hợp, Chất vấn (by official), Đại biểu."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()

    def sheet(ws, header, rows, widths):
        ws.append([_xlsx_text(h) for h in header])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for values in rows:
            ws.append([_xlsx_text(v) if isinstance(v, str) else v for v in values])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # a name starting with "=" stays text
        for i, width in enumerate(widths):
            ws.column_dimensions[chr(ord("A") + i)].width = width
        ws.freeze_panes = "A2"

    summary = wb.active
    summary.title = "Tổng hợp"
    sheet(summary, (_title(stats), ""), summary_rows(stats), (60, 14))
    sheet(wb.create_sheet("Chất vấn"), OFFICIAL_COLUMNS,
          [_official_values(o) for o in stats["questions"]["by_official"]],
          (28, 30, 12, 12, 12, 14, 10, 12))
    sheet(wb.create_sheet("Đại biểu"), DELEGATE_COLUMNS,
          [_delegate_values(n, d) for n, d in enumerate(stats["delegates"], start=1)],
          (6, 28, 20, 10, 10, 10, 10, 12, 12, 12, 12, 12))
    wb.properties.title = _title(stats)
    wb.properties.creator = "Kỳ họp số"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
