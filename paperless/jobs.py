"""The heavy jobs, each run in the worker pool (paperless/workers.py).

Each public function here is what a service calls; it hands its private twin (run inside
a worker process) to ``workers.run`` with plain, picklable arguments. The twins only glue
the pure libraries together (paperless/pdf, signing/): reading a blob from its path in the
worker keeps a large document out of the server's memory, and one job per upload saves
round trips. Nothing here imports Flask or the database.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path

from paperless import workers


@dataclass(frozen=True)
class CheckedUpload:
    pdf: bytes
    info: object  # paperless.pdf.PdfInfo
    converted_from: str | None
    thumbnail: bytes | None  # None: poppler could not render page 1


def check_upload(data: bytes, *, max_bytes: int, thumbnail: bool = True) -> CheckedUpload:
    """Convert an Office file, inspect the PDF and render its thumbnail; PdfRejected on refusal."""
    checked = workers.run("paperless.jobs:_check_upload", data, max_bytes, thumbnail)
    # An unconverted PDF is not sent back: the caller has its bytes already.
    return checked if checked.converted_from else replace(checked, pdf=data)


def inspect(data: bytes, *, max_bytes: int):
    """paperless.pdf.inspect_pdf in a worker (a PDF only, no conversion)."""
    return workers.run("paperless.pdf:inspect_pdf", data, max_bytes=max_bytes)


def watermark_file(path: Path, text: str) -> bytes:
    return workers.run("paperless.jobs:_watermark_file", str(path), text)


def export_with_notes(data: bytes, notes: list) -> bytes:
    return workers.run("paperless.pdf:export_with_notes", data, notes)


def validate_signatures(data: bytes, trust_roots, *, crls=(), max_pages: int | None = None,
                        max_fields: int | None = None, timeout_s: float | None = None) -> list:
    """signing.validate_pdf in a worker; the roots travel as DER."""
    from signing.keys import to_asn1_certificate

    roots = [to_asn1_certificate(c).dump() for c in trust_roots]
    return workers.run("paperless.jobs:_validate", data, roots, list(crls), max_pages, max_fields,
                       timeout_s=timeout_s)


# --- run inside a worker ------------------------------------------------------------------

def _check_upload(data: bytes, max_bytes: int, thumbnail: bool) -> CheckedUpload:
    from paperless import pdf

    if not data:
        raise pdf.PdfRejected("empty_file", "Tệp rỗng (0 byte).", "The file is empty.")
    converted_from = None
    if b"%PDF-" not in data[:1024]:
        converted_from = pdf.detect_format(data)
        if converted_from:
            data = pdf.convert_to_pdf(data)
    info = pdf.inspect_pdf(data, max_bytes=max_bytes)
    thumb = None
    if thumbnail:
        # A PDF poppler cannot render still reads in the viewer, without a thumbnail.
        with contextlib.suppress(pdf.PdfRejected):
            thumb = pdf.thumbnail_png(data)
    return CheckedUpload(data if converted_from else b"", info, converted_from, thumb)


def _watermark_file(path: str, text: str) -> bytes:
    from paperless import pdf

    return pdf.watermark_pdf(Path(path).read_bytes(), text)


def _validate(data: bytes, roots: list[bytes], crls: list[bytes], max_pages, max_fields):
    import signing

    return signing.validate_pdf(data, roots, crls=crls, max_pages=max_pages,
                                max_fields=max_fields)
