"""Fixtures for the signing tests: a TEST PKI and source PDFs."""

from __future__ import annotations

import sys
from pathlib import Path

# pytest puts tests/ on sys.path (rootdir conftest), where this folder would be taken
# as a namespace package "signing" shadowing the real one, which the editable install
# serves through a meta-path finder that runs *after* the path scan. A regular
# package anywhere on sys.path wins over namespace portions, so add the repo root.
# (Cleaner: pythonpath = ["."] in [tool.pytest.ini_options].)
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.append(_ROOT)

import pytest  # noqa: E402
from sigtest_pdfgen import resolution_pdf  # noqa: E402
from sigtest_tools import PASS_ENV  # noqa: E402

from signing import testca  # noqa: E402


@pytest.fixture(scope="session")
def pki(tmp_path_factory) -> testca.TestPKI:
    return testca.make_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def p12_env(monkeypatch, pki) -> str:
    monkeypatch.setenv(PASS_ENV, pki.passphrase.decode())
    return PASS_ENV


@pytest.fixture(scope="session")
def one_page_pdf() -> bytes:
    return resolution_pdf(1)


@pytest.fixture(scope="session")
def three_page_pdf() -> bytes:
    return resolution_pdf(3)
