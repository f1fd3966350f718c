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


# --- the heading and closing of the resolution text (Decree 30 practice) ------------------

_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_UNITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def roman(number: int) -> str:
    """A term's number as councils write it: 12 → "XII" (khóa XII)."""
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 3999:
        raise RuleError("invalid_term_number", "Số khóa phải là số nguyên từ 1 đến 3999.")
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def ordinal_words(number: int) -> str:
    """Session numbers in words, as in "kỳ họp thứ năm": 1 → "nhất", 4 → "tư", 15 → "mười lăm",
    21 → "hai mươi mốt", 24 → "hai mươi tư"; beyond 99 the digits."""
    if number == 1:
        return "nhất"
    if number == 4:
        return "tư"
    if not 1 <= number <= 99:
        return str(number)
    tens, unit = divmod(number, 10)
    if tens == 0:
        return _UNITS[unit]
    head = "mười" if tens == 1 else f"{_UNITS[tens]} mươi"
    if unit == 0:
        return head
    if unit == 5:
        tail = "lăm"
    elif unit == 1 and tens > 1:
        tail = "mốt"
    elif unit == 4 and tens > 1:
        tail = "tư"
    else:
        tail = _UNITS[unit]
    return f"{head} {tail}"


SESSION_NUMBER_STYLES = ("words", "digits")


def session_number_text(number: int, style: str = "words") -> str:
    return ordinal_words(number) if style == "words" else str(number)


def session_line(term_number: int | None, term_name: str, session_number: int | None,
                 style: str = "words", session_title: str = "") -> str:
    """ "KHÓA XII, KỲ HỌP THỨ NĂM" (the line under the council's name in the heading);
    a term without a number falls back to "NHIỆM KỲ 2026–2031"."""
    term = f"KHÓA {roman(term_number)}" if term_number else f"NHIỆM KỲ {term_name}"
    if session_number:
        session = f"KỲ HỌP THỨ {session_number_text(session_number, style)}"
    else:
        session = session_title
    return ", ".join(part for part in (term, session) if part).upper()


def subject_line(title: str) -> str:
    """The title under "NGHỊ QUYẾT" without the word itself: "Nghị quyết về dự toán …" →
    "Về dự toán …" (Decree 30: the type of document is not repeated in the summary)."""
    text = " ".join(title.split())
    lowered = text.lower()
    if lowered.startswith("nghị quyết "):
        text = text[len("nghị quyết "):].lstrip()
    return text[:1].upper() + text[1:] if text else text


def long_date(on: date) -> str:
    """ "ngày 05 tháng 12 năm 2026" (the place-and-date line's convention)."""
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"ngày {on.day:02d} tháng {month} năm {on.year}"


def closing_formula(council_name: str, term_number: int | None, term_name: str,
                    session_number: int | None, passed_on: date, effective_on: date,
                    style: str = "words") -> str:
    """ "Nghị quyết này đã được Hội đồng nhân dân xã Tân Phú khóa XII, kỳ họp thứ năm thông
    qua ngày 05 tháng 12 năm 2026 và có hiệu lực từ ngày 05 tháng 12 năm 2026." """
    name = " ".join(council_name.split())
    term = f" khóa {roman(term_number)}" if term_number else f" nhiệm kỳ {term_name}"
    session = (f", kỳ họp thứ {session_number_text(session_number, style)}"
               if session_number else "")
    return (f"Nghị quyết này đã được {name}{term}{session} thông qua {long_date(passed_on)} "
            f"và có hiệu lực từ {long_date(effective_on)}.")


DEFAULT_RECIPIENTS = ("Thường trực HĐND, UBND cấp trên;", "Thường trực HĐND xã;",
                      "Ủy ban nhân dân xã;", "Các đại biểu HĐND xã;", "Lưu: VT.")


def recipients(configured: str) -> list[str]:
    """ "Nơi nhận" lines from the council's data (one a line), "- " added; the last ends in
    "." and the others in ";" as the convention has it."""
    lines = [" ".join(line.lstrip("-–• ").split()) for line in (configured or "").splitlines()]
    lines = [line for line in lines if line] or list(DEFAULT_RECIPIENTS)
    out = []
    for i, line in enumerate(lines):
        line = line.rstrip(";.")
        out.append(f"- {line}{'.' if i == len(lines) - 1 else ';'}")
    return out


# --- electronic copies (bản sao điện tử, Decree 30 Art. 25–27) -----------------------------

COPY_FORMS = {"sao_y": "SAO Y", "sao_luc": "SAO LỤC", "trich_sao": "TRÍCH SAO"}
MAX_PAGE_RANGES = 50


def extract_pages(spec: str | None, page_count: int) -> list[int]:
    """The pages (1-based, in order, no repeats) named by "1-2, 4" in a document of
    ``page_count`` pages: what a trích sao copies. Empty spec: every page."""
    if not isinstance(page_count, int) or page_count < 1:
        raise RuleError("invalid_pages", "Văn bản không có trang nào.")
    text = (spec or "").replace(" ", "").replace("–", "-")
    if not text:
        return list(range(1, page_count + 1))
    parts = text.split(",")
    if len(parts) > MAX_PAGE_RANGES:
        raise RuleError("invalid_pages", "Quá nhiều khoảng trang.")
    pages: list[int] = []
    for part in parts:
        bounds = part.split("-")
        if len(bounds) > 2 or not all(b.isascii() and b.isdigit() and len(b) <= 6
                                      for b in bounds):
            raise RuleError("invalid_pages",
                            f"Khoảng trang “{part[:20]}” không hợp lệ (ví dụ: 1-2, 4).")
        first, last = int(bounds[0]), int(bounds[-1])
        if first < 1 or last < first:
            raise RuleError("invalid_pages", f"Khoảng trang “{part[:20]}” không hợp lệ.")
        if last > page_count:
            raise RuleError("invalid_pages",
                            f"Văn bản chỉ có {page_count} trang (khoảng “{part[:20]}”).")
        for page in range(first, last + 1):
            if page not in pages:
                pages.append(page)
    return sorted(pages)


def copy_pages(form: str, spec: str | None, page_count: int) -> list[int]:
    """Which pages a copy of this form holds: sao y and sao lục copy the whole text; a trích
    sao copies a part of it, so it names pages, and not all of them."""
    if form not in COPY_FORMS:
        raise RuleError("invalid_copy_form", "Hình thức sao không hợp lệ.")
    if form != "trich_sao":
        if (spec or "").strip():
            raise RuleError("pages_not_allowed",
                            "Chỉ bản trích sao chọn trang; sao y, sao lục sao toàn văn.")
        return list(range(1, page_count + 1))
    pages = extract_pages(spec, page_count)
    if not (spec or "").strip() or len(pages) == page_count:
        raise RuleError("pages_required",
                        "Bản trích sao sao một phần văn bản: hãy chọn các trang cần trích.")
    return pages
