import io
import subprocess
from datetime import datetime

import pytest
from pypdf import PdfReader

from paperless.pdf import inspect_pdf, watermark_pdf, watermark_text
from paperless.pdf.watermark import find_font
from tests.tools import need_file, need_tool

from .helpers import blank_pdf, corpus_bytes, to_bytes

WHEN = datetime(2026, 11, 23, 10, 0)


@pytest.fixture
def needs_font():
    if find_font() is None:
        need_file("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", "fonts-noto-core")


def page_texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_watermark_text_format() -> None:
    assert watermark_text("Nguyễn Văn A", WHEN) == "Bản của: Nguyễn Văn A — 2026-11-23 10:00"


@pytest.mark.usefixtures("needs_font")
def test_each_reader_gets_their_name_on_every_page(multipage_pdf) -> None:
    an = watermark_pdf(multipage_pdf, watermark_text("Nguyễn Văn An", WHEN))
    binh = watermark_pdf(multipage_pdf, watermark_text("Trần Thị Bình", WHEN))
    assert an != binh
    for data, name, other in ((an, "Nguyễn Văn An", "Bình"), (binh, "Trần Thị Bình", "An —")):
        texts = page_texts(data)
        assert len(texts) == 4
        for text in texts:
            assert name in text
            assert "2026-11-23 10:00" in text
            assert other not in text
        # Original text survives and the result is still an acceptable upload.
        assert "Hello, here is some text" in texts[0]
        assert inspect_pdf(data, max_bytes=10**8).page_count == 4


@pytest.mark.usefixtures("needs_font")
def test_font_is_embedded_and_subset(multipage_pdf) -> None:
    out = watermark_pdf(multipage_pdf, "Bản của: Nguyễn Văn An")
    # The subset font adds a few tens of KB, not the ~500 KB of the full Noto Sans.
    assert len(out) - len(multipage_pdf) < 60_000
    fonts = PdfReader(io.BytesIO(out)).pages[0]["/Resources"]["/Font"]
    ours = [f.get_object() for name, f in fonts.items() if name.startswith("/PplWm")]
    assert ours and ours[0]["/Subtype"] == "/Type0"
    descendant = ours[0]["/DescendantFonts"][0].get_object()
    assert "/FontFile2" in descendant["/FontDescriptor"]
    assert "/ToUnicode" in ours[0]


@pytest.mark.usefixtures("needs_font")
def test_poppler_renders_and_extracts_the_stamp(multipage_pdf, tmp_path) -> None:
    need_tool("pdftotext", "poppler-utils")
    # A second, independent PDF engine must accept our embedded font.
    path = tmp_path / "wm.pdf"
    path.write_bytes(watermark_pdf(multipage_pdf, "Bản của: Trần Thị Bình"))
    proc = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, check=True
    )
    assert "Trần Thị Bình" in proc.stdout.decode()
    assert b"rror" not in proc.stderr


@pytest.mark.usefixtures("needs_font")
@pytest.mark.parametrize(
    "name", ["habibi-rotated.pdf", "imagemagick-images.pdf", "with-attachment.pdf"]
)
def test_rotated_image_and_odd_corpus_files(name) -> None:
    data = corpus_bytes(name)
    out = watermark_pdf(data, "Bản của: Lê Thị Ánh Tuyết")
    assert all("Lê Thị Ánh Tuyết" in text for text in page_texts(out))


def test_self_made_pdf_without_corpus() -> None:
    out = watermark_pdf(to_bytes(blank_pdf(3)), "Bản của: Phạm Đức Huy")
    texts = page_texts(out)
    assert len(texts) == 3
    expected = "Phạm Đức Huy" if find_font() else "Pham Duc Huy"
    assert all(expected in t for t in texts)


def test_ascii_fallback_without_font(small_pdf, monkeypatch) -> None:
    monkeypatch.setattr("paperless.pdf.watermark.find_font", lambda path=None: None)
    out = watermark_pdf(small_pdf, "Bản của: Nguyễn Văn An")
    assert all("Ban cua: Nguyen Van An" in t for t in page_texts(out))


def test_owner_password_pdf_is_watermarked() -> None:
    writer = blank_pdf(2)
    writer.encrypt(user_password="", owner_password="chu", algorithm="RC4-128")
    out = watermark_pdf(to_bytes(writer), "Bản của: Võ Thị Sáu")
    assert PdfReader(io.BytesIO(out)).is_encrypted is False
    assert len(page_texts(out)) == 2
