"""What a council configures for its resolutions, checked: the khóa of each term (a Roman
numeral on the document, stored as a number), the place name of the date line, how the
session number is written, the council's time zone, the "Nơi nhận" lines, and the signers'
handwritten-signature images. Pure: no Flask, no database.

`check_changes` takes what a person sent (a form or JSON, so strings or numbers) and
returns the clean values or raises `SettingsError` naming the first wrong field; nothing
is half applied.
"""

from __future__ import annotations

import re
import unicodedata

from paperless.domain import clock
from paperless.domain import resolutions as rules

PLACE_NAME_MAX = 100
RECIPIENT_LINES_MAX = 30
RECIPIENT_LINE_MAX = 200
TERM_NUMBER_MAX = 99  # councils are in their XVI-th khóa at most today

# the handwritten signature: a PNG with transparency (blue ink on nothing)
IMAGE_MAX_BYTES = 2 * 1024 * 1024
IMAGE_MIN_SIZE = (60, 20)
IMAGE_MAX_SIZE = (3000, 1500)

FIELDS = ("place_name", "session_number_style", "time_zone", "recipients", "term_numbers")
SESSION_NUMBER_STYLES = {"words": "Bằng chữ (KỲ HỌP THỨ NĂM)",
                         "digits": "Bằng số (KỲ HỌP THỨ 5)"}

_ROMAN = re.compile(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


class SettingsError(ValueError):
    def __init__(self, field: str, code: str, message: str):
        super().__init__(message)
        self.field, self.code, self.message = field, code, message


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SettingsError(field, "invalid_type", "Giá trị phải là chuỗi ký tự.")
    value = unicodedata.normalize("NFC", value)
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co") and c not in "\n\r\t"
           for c in value):
        raise SettingsError(field, "invalid_characters", "Có ký tự điều khiển không hợp lệ.")
    return value


def place_name(value) -> str:
    """ "Tân Phú" for the date line ("Tân Phú, ngày 05 tháng 12 năm 2026"); empty: the place
    is taken from the council's name."""
    text = " ".join(_text(value, "place_name").split())
    if len(text) > PLACE_NAME_MAX:
        raise SettingsError("place_name", "too_long",
                            f"Địa danh tối đa {PLACE_NAME_MAX} ký tự.")
    if text and (not any(c.isalpha() for c in text) or re.search(r"[{}<>,;]", text)):
        raise SettingsError("place_name", "invalid_place_name",
                            "Địa danh chỉ gồm chữ (ví dụ: Tân Phú), không có dấu phẩy.")
    return text


def session_number_style(value) -> str:
    if value not in SESSION_NUMBER_STYLES:
        raise SettingsError("session_number_style", "invalid_choice",
                            "Cách ghi số kỳ họp: bằng chữ hoặc bằng số.")
    return value


def time_zone(value) -> str:
    text = _text(value, "time_zone").strip()
    if not text or "/" not in text or not clock.is_valid_zone(text):
        raise SettingsError("time_zone", "invalid_time_zone",
                            "Múi giờ phải là tên IANA, ví dụ Asia/Ho_Chi_Minh.")
    return text


def recipients(value) -> str:
    """One recipient a line; stored as typed (cleaned), rendered by rules.recipients."""
    lines = [" ".join(line.split()) for line in _text(value, "recipients").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > RECIPIENT_LINES_MAX:
        raise SettingsError("recipients", "too_many_lines",
                            f"Nơi nhận tối đa {RECIPIENT_LINES_MAX} dòng.")
    if any(len(line) > RECIPIENT_LINE_MAX for line in lines):
        raise SettingsError("recipients", "too_long",
                            f"Mỗi dòng nơi nhận tối đa {RECIPIENT_LINE_MAX} ký tự.")
    return "\n".join(lines)


def term_number(value) -> int | None:
    """A term's khóa: 12, "12" or "XII" (any case) → 12; empty → None (not configured)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise SettingsError("term_numbers", "invalid_term_number", "Số khóa không hợp lệ.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str):
        text = value.strip().upper()
        if text.isascii() and text.isdigit() and len(text) <= 3:
            number = int(text)
        elif text and _ROMAN.match(text):
            number = _from_roman(text)
        else:
            raise SettingsError("term_numbers", "invalid_term_number",
                                f"Khóa “{value[:12]}” không hợp lệ: ghi số (12) hoặc số La "
                                "Mã (XII).")
    else:
        raise SettingsError("term_numbers", "invalid_term_number", "Số khóa không hợp lệ.")
    if not 1 <= number <= TERM_NUMBER_MAX:
        raise SettingsError("term_numbers", "invalid_term_number",
                            f"Khóa phải từ I đến {rules.roman(TERM_NUMBER_MAX)}.")
    return number


def _from_roman(text: str) -> int:
    values = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
    total = 0
    for here, after in zip(text, [*text[1:], ""], strict=True):
        value = values[here]
        total += -value if after and values[after] > value else value
    return total


def term_numbers(value, term_ids: set[int]) -> dict[int, int | None]:
    """{term id: khóa} for terms of this council; two terms cannot share a khóa."""
    if not isinstance(value, dict):
        raise SettingsError("term_numbers", "invalid_type",
                            "Khóa theo nhiệm kỳ: một bảng {mã nhiệm kỳ: khóa}.")
    out: dict[int, int | None] = {}
    for key, number in value.items():
        try:
            term_id = int(key)
        except (TypeError, ValueError):
            raise SettingsError("term_numbers", "unknown_term", "Nhiệm kỳ không hợp lệ.") from None
        if term_id not in term_ids:
            raise SettingsError("term_numbers", "unknown_term",
                                "Nhiệm kỳ không thuộc Hội đồng nhân dân này.")
        out[term_id] = term_number(number)
    return out


def distinct_khoa(numbers: dict[int, int | None]) -> None:
    """Every term of the council, after the change: no khóa twice."""
    seen: dict[int, int] = {}
    for term_id, number in numbers.items():
        if number is None:
            continue
        if number in seen:
            raise SettingsError("term_numbers", "duplicate_term_number",
                                f"Hai nhiệm kỳ không thể cùng là khóa {rules.roman(number)}.")
        seen[number] = term_id


def check_changes(sent: dict, term_ids: set[int]) -> dict:
    """The fields present in ``sent`` (PATCH: absent fields are left as they are), clean."""
    if not isinstance(sent, dict):
        raise SettingsError("settings", "invalid_type", "Nội dung phải là một đối tượng.")
    unknown = sorted(set(sent) - set(FIELDS))
    if unknown:
        raise SettingsError(unknown[0], "unknown_field", f"Không có thiết lập “{unknown[0]}”.")
    checks = {"place_name": place_name, "session_number_style": session_number_style,
              "time_zone": time_zone, "recipients": recipients}
    out = {name: checks[name](sent[name]) for name in checks if name in sent}
    if "term_numbers" in sent:
        out["term_numbers"] = term_numbers(sent["term_numbers"], term_ids)
    return out


def changed(before: dict, after: dict) -> dict:
    """{field: [old, new]} of what really changed (for the audit record)."""
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


def check_signature_image(fmt: str | None, mode: str, size: tuple[int, int],
                          byte_count: int) -> None:
    """The handwritten signature put on the resolution: a PNG with a transparent
    background, of a sensible size (it is drawn between "CHỦ TỊCH" and the name)."""
    if byte_count > IMAGE_MAX_BYTES:
        raise SettingsError("image", "image_too_large",
                            f"Ảnh chữ ký tối đa {IMAGE_MAX_BYTES // (1024 * 1024)} MB.")
    if fmt != "PNG":
        raise SettingsError("image", "image_not_png", "Ảnh chữ ký phải là tệp PNG.")
    if mode not in ("RGBA", "LA", "PA") and "transparency" not in mode:
        raise SettingsError("image", "image_not_transparent",
                            "Ảnh chữ ký phải có nền trong suốt (PNG có kênh alpha).")
    width, height = size
    if width < IMAGE_MIN_SIZE[0] or height < IMAGE_MIN_SIZE[1]:
        raise SettingsError("image", "image_too_small",
                            f"Ảnh chữ ký quá nhỏ (tối thiểu {IMAGE_MIN_SIZE[0]}×"
                            f"{IMAGE_MIN_SIZE[1]} điểm ảnh).")
    if width > IMAGE_MAX_SIZE[0] or height > IMAGE_MAX_SIZE[1]:
        raise SettingsError("image", "image_too_big",
                            f"Ảnh chữ ký quá lớn (tối đa {IMAGE_MAX_SIZE[0]}×"
                            f"{IMAGE_MAX_SIZE[1]} điểm ảnh).")
