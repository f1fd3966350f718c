"""Helpers shared by the signing tests: poppler wrappers and paths."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.tools import CORPUS_PDF, need_tool

PASS_ENV = "KYHOPSO_TEST_P12_PASS"
CORPUS = CORPUS_PDF
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "signing"


def _need(tool: str) -> str:
    return need_tool(tool, "poppler-utils")


def pdfsig(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    """Field name -> poppler's "Signature Validation" verdict for each signature."""
    exe = _need("pdfsig")
    f = tmp_path / "pdfsig-input.pdf"
    f.write_bytes(pdf)
    out = subprocess.run([exe, str(f)], capture_output=True, text=True, check=False).stdout
    verdicts = {}
    for block in re.split(r"^Signature #\d+:\n", out, flags=re.M)[1:]:
        name = re.search(r"Signature Field Name: (.*)", block)
        verdict = re.search(r"Signature Validation: (.*)", block)
        if name and verdict:
            verdicts[name.group(1).strip()] = verdict.group(1).strip()
    return verdicts


POPPLER_VALID = "Signature is Valid."


def pdftotext(pdf: bytes, tmp_path: Path) -> str:
    exe = _need("pdftotext")
    f = tmp_path / "text-input.pdf"
    f.write_bytes(pdf)
    return subprocess.run(
        [exe, "-enc", "UTF-8", str(f), "-"], capture_output=True, text=True, check=True
    ).stdout


def render_page(pdf: bytes, name: str, page: int = 1) -> Path:
    """Render one page at 80 dpi into tests/artifacts/signing/<name>.png for a human look."""
    exe = _need("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    src = ARTIFACTS / f"{name}.pdf"
    src.write_bytes(pdf)
    prefix = ARTIFACTS / name
    subprocess.run(
        [
            exe,
            "-png",
            "-r",
            "80",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(src),
            str(prefix),
        ],
        check=True,
    )
    return prefix.with_suffix(".png")
