"""Helpers shared by the paperless.pdf tests.

The PDF corpus lives outside the repo (never copy it in); tests that need it skip with
a reason when it is absent.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfWriter

CORPUS_DIR = (Path(__file__).parents[2] / ".." / "shared" / "corpus" / "pdf").resolve()
CORPUS_MISSING = f"PDF corpus not found at {CORPUS_DIR} (shared test data, not in the repo)"
ENCRYPTED_CORPUS_FILE = "libreoffice-writer-password.pdf"
MULTI_PAGE = "pdflatex-4-pages.pdf"


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.pdf")) if CORPUS_DIR.is_dir() else []


def expected_pages() -> dict[str, int]:
    """files.json paths carry a folder prefix; match on the file name."""
    meta = json.loads((CORPUS_DIR / "files.json").read_text(encoding="utf-8"))
    return {Path(entry["path"]).name: entry["pages"] for entry in meta["data"]}


def corpus_bytes(name: str) -> bytes:
    path = CORPUS_DIR / name
    if not path.is_file():
        pytest.skip(CORPUS_MISSING if not CORPUS_DIR.is_dir() else f"{name} missing from corpus")
    return path.read_bytes()


def blank_pdf(pages: int = 1, *, width: float = 595, height: float = 842) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=height)
    return writer


def to_bytes(writer: PdfWriter) -> bytes:
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def make_docx(paragraphs: list[str]) -> bytes:
    """The smallest .docx Word and LibreOffice open: three parts in a zip."""
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.'
        'openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
    )
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", document)
    return buf.getvalue()
