"""Helpers shared by the paperless.pdf tests.

The PDF corpus lives outside the repo (never copy it in); tests that need it skip with
a reason when it is absent.
"""

from __future__ import annotations

import io
import json
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
