"""Helpers shared by the paperless.pdf tests.

The PDF corpus is in the repository (tests/data/corpus, with its licence).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from pypdf import PdfWriter

from tests.tools import CORPUS_PDF

CORPUS_DIR = CORPUS_PDF
ENCRYPTED_CORPUS_FILE = "libreoffice-writer-password.pdf"
MULTI_PAGE = "pdflatex-4-pages.pdf"


def corpus_files() -> list[Path]:
    return sorted(CORPUS_DIR.glob("*.pdf"))


def expected_pages() -> dict[str, int]:
    """files.json paths carry a folder prefix; match on the file name."""
    meta = json.loads((CORPUS_DIR / "files.json").read_text(encoding="utf-8"))
    return {Path(entry["path"]).name: entry["pages"] for entry in meta["data"]}


def corpus_bytes(name: str) -> bytes:
    return (CORPUS_DIR / name).read_bytes()


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
