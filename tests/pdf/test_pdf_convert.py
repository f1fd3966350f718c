import io
import os
import subprocess
import tempfile
import zipfile
from pathlib import Path

import pytest

from paperless.pdf import PdfRejected, convert_to_pdf, detect_format, inspect_pdf
from paperless.pdf.convert import find_soffice
from tests.tools import need_tool

from .helpers import make_docx

PHRASE = "Dự thảo nghị quyết về kế hoạch đầu tư công năm 2027"


@pytest.fixture
def needs_soffice():
    need_tool("soffice", "libreoffice-writer-nogui")


@pytest.fixture(scope="module")
def docx() -> bytes:
    return make_docx([PHRASE, "HỘI ĐỒNG NHÂN DÂN TỈNH — Kỳ họp thứ mười"])


@pytest.fixture(scope="module")
def other_formats(docx, tmp_path_factory) -> dict[str, bytes]:
    """.odt and .doc made from the .docx by LibreOffice itself."""
    need_tool("soffice", "libreoffice-writer-nogui")
    tmp = tmp_path_factory.mktemp("lo")
    src = tmp / "input.docx"
    src.write_bytes(docx)
    result = {}
    for ext, filt in (("odt", "odt"), ("doc", "doc:MS Word 97")):
        subprocess.run(
            [
                find_soffice(),
                f"-env:UserInstallation={(tmp / 'profile').as_uri()}",
                "--headless",
                "--convert-to",
                filt,
                "--outdir",
                str(tmp),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": str(tmp)},
        )
        result[ext] = (tmp / f"input.{ext}").read_bytes()
    return result


def test_detect_format_by_content(docx) -> None:
    assert detect_format(docx) == "docx"
    assert detect_format(b"%PDF-1.7\n") is None
    assert detect_format(b"<html><body>x</body></html>") is None
    assert detect_format(os.urandom(2000)) is None
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<x/>")
    assert detect_format(buf.getvalue()) is None  # .ods is not a text document
    ole_xls = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 500 + "Workbook".encode("utf-16-le")
    assert detect_format(ole_xls) is None


def test_unsupported_format_refused() -> None:
    with pytest.raises(PdfRejected) as info:
        convert_to_pdf(b"<html>Nghi quyet</html>")
    assert info.value.code == "unsupported_format"


def test_soffice_missing_is_conversion_unavailable(docx, monkeypatch) -> None:
    monkeypatch.setattr("paperless.pdf.convert.find_soffice", lambda: None)
    with pytest.raises(PdfRejected) as info:
        convert_to_pdf(docx)
    assert info.value.code == "conversion_unavailable"
    assert "LibreOffice" in info.value.message_vi


@pytest.mark.usefixtures("needs_soffice")
def test_docx_to_pdf(docx) -> None:
    info = inspect_pdf(convert_to_pdf(docx), max_bytes=10**8)
    assert info.page_count >= 1
    assert PHRASE in info.text


@pytest.mark.usefixtures("needs_soffice")
@pytest.mark.parametrize("ext", ["odt", "doc"])
def test_odt_and_doc_to_pdf(other_formats, ext) -> None:
    data = other_formats[ext]
    assert detect_format(data) == ext
    info = inspect_pdf(convert_to_pdf(data), max_bytes=10**8)
    assert info.page_count >= 1
    assert "Dự thảo nghị quyết" in info.text


@pytest.mark.usefixtures("needs_soffice")
def test_corrupt_docx_fails_cleanly() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<not-xml")
    with pytest.raises(PdfRejected) as info:
        convert_to_pdf(buf.getvalue(), timeout=60)
    assert info.value.code == "conversion_failed"


@pytest.mark.usefixtures("needs_soffice")
def test_timeout_kills_soffice(docx) -> None:
    with pytest.raises(PdfRejected) as info:
        convert_to_pdf(docx, timeout=0.01)
    assert info.value.code == "conversion_failed"
    assert "timed out" in info.value.message_en


def test_no_temp_dirs_leak(docx, monkeypatch) -> None:
    monkeypatch.setattr("paperless.pdf.convert.find_soffice", lambda: "/bin/false")
    before = set(Path(tempfile.gettempdir()).glob("ppl-convert-*"))
    with pytest.raises(PdfRejected) as info:
        convert_to_pdf(docx)
    assert info.value.code == "conversion_failed"
    assert set(Path(tempfile.gettempdir()).glob("ppl-convert-*")) == before
