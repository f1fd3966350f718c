"""Validation of delegate CSV rows, one row at a time, so good rows go in and bad ones are reported."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

# Accepted column headers (Vietnamese first), mapped to field names.
HEADERS = {
    "ho_ten": "full_name", "họ và tên": "full_name", "họ tên": "full_name", "full_name": "full_name",
    "gioi_tinh": "gender", "giới tính": "gender", "gender": "gender",
    "ngay_sinh": "birth_date", "ngày sinh": "birth_date", "birth_date": "birth_date",
    "to_dai_bieu": "group", "tổ đại biểu": "group", "group": "group",
    "ban": "committee", "committee": "committee",
    "chuc_vu": "positions", "chức vụ": "positions", "positions": "positions",
}
GENDER_WORDS = {"nam": "nam", "male": "nam", "nữ": "nu", "nu": "nu", "female": "nu",
                "khác": "khac", "khac": "khac", "other": "khac"}


@dataclass
class ParsedRow:
    line: int
    full_name: str = ""
    gender: str = ""
    birth_date: date | None = None
    group: str | None = None
    committee: str | None = None
    positions: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class CsvFormatError(ValueError):
    pass


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; anything else is refused with a message, not guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFormatError(
            "Tệp không phải UTF-8. Hãy lưu tệp CSV với bảng mã UTF-8."
        ) from exc


def parse(text: str, *, groups: set[str], committees: set[str], existing: set[str]) -> list[ParsedRow]:
    """Parse and validate every row. `existing` holds folded names already in the term."""
    if not text.strip():
        raise CsvFormatError("Tệp CSV trống.")
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = next(reader)
    columns = [HEADERS.get(h.strip().lower()) for h in header]
    if "full_name" not in columns:
        raise CsvFormatError("Thiếu cột họ tên (ho_ten / Họ và tên).")

    seen = set(existing)
    rows: list[ParsedRow] = []
    for line, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        record = {col: v.strip() for col, v in zip(columns, values, strict=False) if col}
        row = ParsedRow(line=line)
        row.full_name = " ".join(record.get("full_name", "").split())
        if not row.full_name:
            row.errors.append("Thiếu họ tên.")
        elif len(row.full_name) > 120:
            row.errors.append("Họ tên dài quá 120 ký tự.")
        elif row.full_name.casefold() in seen:
            row.errors.append(f"Trùng đại biểu: {row.full_name}.")
        gender_word = record.get("gender", "").lower()
        row.gender = GENDER_WORDS.get(gender_word, "")
        if gender_word and not row.gender:
            row.errors.append(f"Giới tính không hợp lệ: {record['gender']}.")
        if not gender_word:
            row.gender = "khac"
        if record.get("birth_date"):
            row.birth_date = _parse_date(record["birth_date"], row)
        if record.get("group"):
            if record["group"] in groups:
                row.group = record["group"]
            else:
                row.errors.append(f"Tổ đại biểu không tồn tại: {record['group']}.")
        if record.get("committee"):
            if record["committee"] in committees:
                row.committee = record["committee"]
            else:
                row.errors.append(f"Ban không tồn tại: {record['committee']}.")
        if record.get("positions"):
            row.positions = [p.strip() for p in record["positions"].split("|") if p.strip()]
        if not row.errors:
            seen.add(row.full_name.casefold())
        rows.append(row)
    return rows


def _parse_date(value: str, row: ParsedRow) -> date | None:
    for sep in ("/", "-", "."):
        parts = value.split(sep)
        if len(parts) == 3:
            try:
                if len(parts[0]) == 4:
                    return date(int(parts[0]), int(parts[1]), int(parts[2]))
                return date(int(parts[2]), int(parts[1]), int(parts[0]))
            except ValueError:
                break
    row.errors.append(f"Ngày sinh không hợp lệ: {value} (dùng dd/mm/yyyy).")
    return None

