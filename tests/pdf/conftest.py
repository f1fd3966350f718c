"""Fixtures for paperless.pdf tests (plain helpers live in helpers.py)."""

from __future__ import annotations

import pytest

from .helpers import MULTI_PAGE, blank_pdf, corpus_bytes, to_bytes


@pytest.fixture
def multipage_pdf() -> bytes:
    """A real 4-page pdfTeX document from the shared corpus."""
    return corpus_bytes(MULTI_PAGE)


@pytest.fixture
def small_pdf() -> bytes:
    """A self-made 2-page PDF, for tests that must not depend on the corpus."""
    return to_bytes(blank_pdf(2))
