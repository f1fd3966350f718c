"""First-page PNG thumbnail via poppler's ``pdftoppm``.

A subprocess (not a Python renderer) keeps rendering bugs of hostile files out of the
web worker's memory, and the timeout bounds pathological pages.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import errors as E
from ._reader import open_reader, pdf_limits, quiet_pypdf
from .errors import PdfRejected

DEFAULT_WIDTH = 300
DEFAULT_TIMEOUT_S = 30.0


def thumbnail_png(
    data: bytes, *, width: int = DEFAULT_WIDTH, timeout: float = DEFAULT_TIMEOUT_S
) -> bytes:
    """Render page 1 of ``data`` to a PNG ``width`` px wide (height keeps the aspect)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        raise PdfRejected(
            E.THUMBNAIL_UNAVAILABLE,
            "Máy chủ chưa cài công cụ tạo ảnh thu nhỏ (pdftoppm, gói poppler-utils).",
            "pdftoppm (Debian package poppler-utils) is not installed on the server.",
        )
    with tempfile.TemporaryDirectory(prefix="ppl-thumb-") as tmp:
        src, out = Path(tmp) / "in.pdf", Path(tmp) / "thumb"
        src.write_bytes(data)
        # pdftoppm's -scale-to-x applies before /Rotate, so a landscape-rotated page
        # would come out `width` px *high*; a resolution computed from the displayed
        # width is right for every rotation.
        dpi = _dpi_for_width(data, width)
        size_args = (
            ["-r", f"{dpi:.3f}"] if dpi else ["-scale-to-x", str(width), "-scale-to-y", "-1"]
        )
        cmd = [exe, "-png", "-f", "1", "-l", "1", "-singlefile", *size_args, str(src), str(out)]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise _failed(f"timed out after {timeout:.0f}s") from exc
        png = out.with_suffix(".png")
        if proc.returncode != 0 or not png.is_file():
            detail = proc.stderr.decode("utf-8", "replace").strip()[-300:]
            raise _failed(f"pdftoppm exit {proc.returncode}: {detail}")
        return png.read_bytes()


def _dpi_for_width(data: bytes, width: int) -> float | None:
    try:
        with pdf_limits(), quiet_pypdf():
            page = open_reader(data).pages[0]
            box = page.cropbox
            rotated = int(page.get("/Rotate") or 0) % 180 == 90
            points = float(box.height if rotated else box.width)
    except Exception:
        return None
    # -0.5 px: pdftoppm rounds the pixel size up.
    return (width - 0.5) * 72 / points if points > 1 else None


def _failed(detail: str) -> PdfRejected:
    return PdfRejected(
        E.THUMBNAIL_FAILED,
        "Không tạo được ảnh thu nhỏ cho tệp PDF này.",
        f"Could not render a thumbnail for this PDF ({detail}).",
    )
