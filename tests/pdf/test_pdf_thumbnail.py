import struct

import pytest

from paperless.pdf import PdfRejected, thumbnail_png
from tests.tools import need_tool

from .helpers import blank_pdf, corpus_bytes, to_bytes


@pytest.fixture
def needs_poppler():
    need_tool("pdftoppm", "poppler-utils")


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", png[16:24])


@pytest.mark.usefixtures("needs_poppler")
def test_portrait_thumbnail_is_300_wide(multipage_pdf) -> None:
    w, h = png_size(thumbnail_png(multipage_pdf))
    assert w == 300 and h > w


@pytest.mark.usefixtures("needs_poppler")
def test_rotated_page_is_300_wide_too() -> None:
    # Page 1 of habibi-rotated has /Rotate 90: displayed landscape.
    w, h = png_size(thumbnail_png(corpus_bytes("habibi-rotated.pdf")))
    assert w == 300 and h < w


@pytest.mark.usefixtures("needs_poppler")
def test_custom_width() -> None:
    w, _ = png_size(thumbnail_png(to_bytes(blank_pdf(1)), width=120))
    assert w == 120


@pytest.mark.usefixtures("needs_poppler")
def test_garbage_fails_cleanly() -> None:
    with pytest.raises(PdfRejected) as info:
        thumbnail_png(b"%PDF-1.4 not really")
    assert info.value.code == "thumbnail_failed"


def test_missing_pdftoppm_is_a_clear_error(monkeypatch) -> None:
    monkeypatch.setattr("paperless.pdf.thumbnail.shutil.which", lambda name: None)
    with pytest.raises(PdfRejected) as info:
        thumbnail_png(to_bytes(blank_pdf(1)))
    assert info.value.code == "thumbnail_unavailable"
    assert "poppler-utils" in info.value.message_vi
