"""The difference between two versions of a draft's text, sentence by sentence."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

# A sentence ends at . ; ! ? : followed by a capital, a digit or a quote, or at a line break.
_BREAK = re.compile(r"(?<=[.;!?:])\s+(?=[A-ZÀ-ỸĐ0-9\"“(])|\n+")
# "Điều 1." or "2." alone is a heading number: it belongs to the sentence that follows.
_NUMBERING = re.compile(r"^((Điều|Khoản|Chương|Mục|Phần)\s+)?[0-9IVXLC]+[.)]$", re.IGNORECASE)


def sentences(text: str) -> list[str]:
    out: list[str] = []
    carry = ""
    for part in _BREAK.split(text or ""):
        part = " ".join(part.split())
        if not part:
            continue
        if _NUMBERING.match(part):
            carry = f"{carry} {part}".strip()
            continue
        out.append(f"{carry} {part}".strip())
        carry = ""
    if carry:
        out.append(carry)
    return out


@dataclass(frozen=True)
class Piece:
    op: str  # "equal" | "insert" | "delete"
    text: str


def diff(old: str, new: str) -> list[Piece]:
    """Sentences kept, inserted and deleted, in reading order (a replaced sentence shows
    as the deleted old one followed by the inserted new one)."""
    a, b = sentences(old), sentences(new)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces += [Piece("equal", s) for s in a[i1:i2]]
            continue
        pieces += [Piece("delete", s) for s in a[i1:i2]]
        pieces += [Piece("insert", s) for s in b[j1:j2]]
    return pieces


def summary(pieces: list[Piece]) -> dict[str, int]:
    return {op: sum(1 for p in pieces if p.op == op) for op in ("equal", "insert", "delete")}
