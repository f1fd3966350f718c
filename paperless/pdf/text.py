"""Vietnamese text helpers for diacritic-insensitive search."""

from __future__ import annotations

import unicodedata

# Letters that do not decompose under NFD. U+00D0/U+00F0 (Icelandic eth) are often
# typed by mistake for Đ/đ on Windows keyboards, so treat them the same.
_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D", "ð": "d"})


def strip_vietnamese_diacritics(s: str) -> str:
    """Remove tones and vowel marks, keep case: "Nguyễn Văn Đức" -> "Nguyen Van Duc"."""
    decomposed = unicodedata.normalize("NFD", s.translate(_EXTRA))
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", bare)


def fold_vietnamese(s: str) -> str:
    """Search key: lowercase, no diacritics: "Nghị quyết" -> "nghi quyet".

    Apply the same fold to the indexed text and to the query; NFD handles both
    precomposed (NFC) and decomposed input, which PDFs and browsers both produce.
    """
    return strip_vietnamese_diacritics(s).lower()
