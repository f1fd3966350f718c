import unicodedata

import pytest

from paperless.pdf.text import fold_vietnamese, strip_vietnamese_diacritics


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Nghị quyết", "nghi quyet"),
        ("HỘI ĐỒNG NHÂN DÂN", "hoi dong nhan dan"),
        ("Đại biểu Nguyễn Văn Đức", "dai bieu nguyen van duc"),
        ("Kỳ họp thứ mười", "ky hop thu muoi"),
        ("ưu tiên, ơn, ăn, ấm, ổn", "uu tien, on, an, am, on"),
        ("Ðà Nẵng", "da nang"),  # U+00D0 eth typed instead of Đ
        ("plain ascii 2026", "plain ascii 2026"),
        ("", ""),
    ],
)
def test_fold_vietnamese(raw: str, folded: str) -> None:
    assert fold_vietnamese(raw) == folded


def test_fold_handles_decomposed_input() -> None:
    nfd = unicodedata.normalize("NFD", "Nghị quyết")
    assert nfd != "Nghị quyết"
    assert fold_vietnamese(nfd) == "nghi quyet"


def test_fold_is_idempotent_and_makes_query_match_text() -> None:
    text = "Dự thảo Nghị quyết về ngân sách"
    assert fold_vietnamese(fold_vietnamese(text)) == fold_vietnamese(text)
    assert fold_vietnamese("nghi quyet") in fold_vietnamese(text)
    assert fold_vietnamese("NGHỊ QUYẾT") in fold_vietnamese(text)


def test_strip_keeps_case() -> None:
    assert strip_vietnamese_diacritics("Nguyễn Văn Đức") == "Nguyen Van Duc"
