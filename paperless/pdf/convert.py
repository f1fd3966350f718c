"""Word / OpenDocument (.docx, .doc, .odt) -> PDF with headless LibreOffice.

The format is detected from the bytes (never the uploaded file name). Each conversion
gets its own LibreOffice profile directory: soffice instances sharing a profile block
or fail when run in parallel, and a throwaway profile also keeps macros/config from one
job out of the next. The whole process group is killed on timeout.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from . import errors as E
from .errors import PdfRejected

DEFAULT_TIMEOUT_S = 120.0
OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # OLE2 directory entry of a .doc


def detect_format(data: bytes) -> str | None:
    """Return "docx", "odt", "doc" or None, from the content only."""
    if data.startswith(OLE2_MAGIC):
        # OLE2 also holds .xls/.ppt/.msg; only Word files have a WordDocument stream.
        return "doc" if _WORD_STREAM in data else None
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
                if "word/document.xml" in names:
                    return "docx"
                if "mimetype" in names and "content.xml" in names:
                    info = zf.getinfo("mimetype")
                    if info.file_size <= 200 and zf.read("mimetype").strip() == ODT_MIMETYPE:
                        return "odt"
        except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
            return None
    return None


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


# LibreOffice's PDF export as PDF/A-2b (fonts embedded, XMP, OutputIntent: its own checks)
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def convert_to_pdf(data: bytes, *, timeout: float = DEFAULT_TIMEOUT_S,
                   pdfa: bool = False) -> bytes:
    """Convert a .docx/.doc/.odt document to PDF bytes (run inspect_pdf on the result);
    ``pdfa``: PDF/A-2b, as the resolution archive asks."""
    fmt = detect_format(data)
    if fmt is None:
        raise PdfRejected(
            E.UNSUPPORTED_FORMAT,
            "Chỉ hỗ trợ chuyển đổi tệp Word (.docx, .doc) hoặc OpenDocument (.odt).",
            "Only Word (.docx, .doc) and OpenDocument (.odt) files can be converted.",
        )
    exe = find_soffice()
    if exe is None:
        raise PdfRejected(
            E.CONVERSION_UNAVAILABLE,
            "Máy chủ chưa cài LibreOffice nên không chuyển được tệp Word/ODT sang PDF. "
            "Vui lòng tải lên bản PDF.",
            "LibreOffice is not installed on the server; upload a PDF instead.",
        )
    with tempfile.TemporaryDirectory(prefix="ppl-convert-") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / f"document.{fmt}"
        src.write_bytes(data)
        outdir = tmp_path / "out"
        outdir.mkdir()
        cmd = [
            exe,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless", "--invisible", "--nologo", "--nodefault",
            "--norestore", "--nolockcheck",
            "--convert-to", PDFA_FILTER if pdfa else "pdf", "--outdir", str(outdir), str(src),
        ]  # fmt: skip
        env = {**os.environ, "HOME": str(tmp_path)}  # LibreOffice writes dotfiles to $HOME
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=tmp,
            start_new_session=True,  # own process group: kill oosplash + soffice.bin
        )
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            _kill_group(proc)
            raise _failed(f"timed out after {timeout:.0f}s") from exc
        finally:
            _kill_group(proc)  # soffice may leave a child behind even on success
        pdf = outdir / "document.pdf"
        if proc.returncode != 0 or not pdf.is_file():
            detail = err.decode("utf-8", "replace").strip()[-300:]
            raise _failed(f"soffice exit {proc.returncode}: {detail}")
        return pdf.read_bytes()


def _kill_group(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    if proc.poll() is None:
        proc.wait(timeout=10)


def _failed(detail: str) -> PdfRejected:
    return PdfRejected(
        E.CONVERSION_FAILED,
        "Không chuyển được tệp sang PDF (tệp có thể bị hỏng). Vui lòng tự xuất PDF rồi tải lên.",
        f"Could not convert the document to PDF ({detail}).",
    )
