"""Resolutions (nghị quyết): numbering, the "Số:" line and the issuing states. Pure rules.

Decree 30/2020/NĐ-CP and practice: numbers run from 01 each calendar year per council;
an individual resolution reads "Số: 12/NQ-HĐND", a normative one (văn bản quy phạm
pháp luật) "Số: 06/2025/NQ-HĐND". Numbers below 10 are written with a leading zero.
"""

from __future__ import annotations

from datetime import date

KINDS = {"individual": "Nghị quyết cá biệt", "normative": "Nghị quyết quy phạm pháp luật"}

# to_issue → issued (official PDF/A made, number assigned) → signed_by_chair →
# signed (organisation) → archived. Nothing changes after archived.
STATES = {
    "to_issue": "Chờ ban hành",
    "issued": "Đã cấp số, chờ Chủ tịch ký",
    "signed_by_chair": "Chủ tịch đã ký, chờ ký số cơ quan",
    "signed": "Đã ký số cơ quan",
    "archived": "Đã lưu trữ",
}
ORDER = list(STATES)
SIGNED_STATES = frozenset({"signed", "archived"})


class RuleError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def format_number(number: int, year: int, kind: str, *, symbol: str = "NQ-HĐND") -> str:
    """12 → "12/NQ-HĐND"; normative 6 in 2025 → "06/2025/NQ-HĐND"."""
    if kind not in KINDS:
        raise RuleError("invalid_kind", "Loại nghị quyết không hợp lệ.")
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise RuleError("invalid_number", "Số nghị quyết phải là số nguyên dương.")
    if not 1900 <= year <= 9999:
        raise RuleError("invalid_year", "Năm ban hành không hợp lệ.")
    if kind == "normative":
        return f"{number:02d}/{year}/{symbol}"
    return f"{number:02d}/{symbol}"


def number_line(number: int, year: int, kind: str) -> str:
    return f"Số: {format_number(number, year, kind)}"


def next_number(last_issued: int | None) -> int:
    """The counter holds the last number given this year; numbering starts at 1 (shown 01)."""
    return (last_issued or 0) + 1


def numbering_year(issued_on: date) -> int:
    """Numbers run per calendar year of the issue date (not per term or session)."""
    return issued_on.year


def check_transition(current: str, target: str) -> None:
    """Only the next step is allowed; an archived resolution never changes."""
    if current == "archived":
        raise RuleError("archived_immutable",
                        "Nghị quyết đã lưu trữ không thể thay đổi; hãy ban hành văn bản đính "
                        "chính (văn bản mới trỏ tới văn bản cũ).")
    if current not in STATES or target not in STATES:
        raise RuleError("invalid_state", "Trạng thái không hợp lệ.")
    if ORDER.index(target) != ORDER.index(current) + 1:
        raise RuleError("wrong_state",
                        f"Không thể chuyển từ “{STATES[current]}” sang “{STATES[target]}”.")


def place_date_line(place: str, on: date) -> str:
    """ "Tân Phú, ngày 05 tháng 12 năm 2026" — days and months below 10 get a leading 0
    (Decree 30: ngày dưới 10 và tháng 1, 2 ghi thêm số 0)."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def council_header_lines(council_name: str) -> tuple[str, str]:
    """ "Hội đồng nhân dân xã Tân Phú" → ("HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN PHÚ")."""
    name = " ".join(council_name.split())
    prefix = "hội đồng nhân dân"
    if name.lower().startswith(prefix):
        rest = name[len(prefix):].strip()
        return "HỘI ĐỒNG NHÂN DÂN", rest.upper()
    return "HỘI ĐỒNG NHÂN DÂN", name.upper()


def place_name(council_name: str) -> str:
    """ "Hội đồng nhân dân xã Tân Phú" → "Tân Phú" (the place in the date line)."""
    rest = council_header_lines(council_name)[1].title()
    for unit in ("Xã ", "Phường ", "Thị Trấn ", "Tỉnh ", "Thành Phố ", "Đặc Khu "):
        if rest.startswith(unit):
            return rest[len(unit):]
    return rest
