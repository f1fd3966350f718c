"""Test data and system tools: where the tests' PDFs are, and what a missing tool means.

Everything a test reads is inside the repository (`tests/data/`). A tool the machine lacks
fails the test with the command that installs it: `make test` never skips silently.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
DATA = TESTS / "data"
CORPUS = DATA / "corpus"
CORPUS_PDF = CORPUS / "pdf"

INSTALL_HINT = "run `scripts/system-packages --test` (or: apt-get install {package})"


def need_tool(tool: str, package: str) -> str:
    """The tool's path; a missing one fails the test, naming the Debian package."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} is not installed: " + INSTALL_HINT.format(package=package),
                    pytrace=False)
    return path


def need_file(path: Path | str, package: str) -> Path:
    """A system file (a font) the test needs; a missing one fails, naming its package."""
    path = Path(path)
    if not path.is_file():
        pytest.fail(f"{path} is missing: " + INSTALL_HINT.format(package=package), pytrace=False)
    return path


def corpus_pdf(name: str) -> bytes:
    return (CORPUS_PDF / name).read_bytes()
