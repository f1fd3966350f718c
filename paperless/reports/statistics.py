"""The council's activity statistics as CSV and XLSX (pure: takes the figures dict)."""

from __future__ import annotations

import csv
import io

from .questioning import _xlsx_text, csv_safe

DELEGATE_COLUMNS = ("STT", "Đại biểu", "Tổ đại biểu", "Số phiên họp", "Có mặt",
                    "Vắng có lý do", "Vắng không lý do", "Tỷ lệ có mặt (%)",
                    "Số cuộc biểu quyết", "Đã tham gia biểu quyết", "Số lượt phát biểu",
                    "Số câu hỏi chất vấn", "Số ý kiến về dự thảo")
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


OVERSIGHT_COLUMNS = ("Cấp", "Đơn vị", "Đoàn giám sát", "Tiếp xúc cử tri", "Tiếp công dân",
                     "Kiến nghị, đơn thư tiếp nhận", "Đã chuyển", "Trả lời đúng hạn",
                     "Trả lời trễ hạn", "Quá hạn chưa trả lời", "Lời hứa đã thực hiện",
                     "Lời hứa quá hạn")
OVERSIGHT_KEYS = ("supervisions", "voter_meetings", "receptions", "petitions_received",
                  "petitions_forwarded", "petitions_answered_on_time", "petitions_answered_late",
                  "petitions_overdue", "commitments_kept", "commitments_overdue")
OVERSIGHT_LEVELS = (("council", "Hội đồng"), ("committees", "Ban"), ("groups", "Tổ đại biểu"),
                    ("delegates", "Đại biểu"))


def oversight_rows(stats: dict) -> list[list]:
    """Giám sát, tiếp xúc cử tri, tiếp công dân, kiến nghị, lời hứa: one row per unit."""
    figures = stats.get("oversight")
    if not figures:
        return []
    rows = []
    for key, level in OVERSIGHT_LEVELS:
        units = [figures[key]] if key == "council" else figures[key]
        rows += [[level, u["name"], *[u[k] for k in OVERSIGHT_KEYS]] for u in units]
    return rows


def _delegate_values(number: int, d: dict) -> list:
    return [number, d["name"], d["group"], d["sittings"], d["present"], d["excused"],
            d["absent"], d["attendance_rate"], d["votes"], d["votes_taken"], d["speeches"],
            d["questions"], d.get("opinions", 0)]


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
    if stats.get("oversight"):
        row([])
        row(OVERSIGHT_COLUMNS)
        for values in oversight_rows(stats):
            row(values)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(stats: dict) -> bytes:
    """Sheets: Tổng hợp, Chất vấn (by official), Đại biểu, Giám sát, kiến nghị (thi đua)."""
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
    if stats.get("oversight"):
        sheet(wb.create_sheet("Giám sát, kiến nghị"), OVERSIGHT_COLUMNS, oversight_rows(stats),
              (12, 30, 10, 10, 10, 12, 10, 12, 12, 12, 12, 12))
    wb.properties.title = _title(stats)
    wb.properties.creator = "Kỳ họp số"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
