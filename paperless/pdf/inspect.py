"""Validate an uploaded PDF by its content (never its file name) and summarise it."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field

from pypdf.errors import LimitReachedError, PdfReadError, PyPdfError

from . import errors as E
from ._reader import open_reader, pdf_limits, quiet_pypdf
from .active_content import ActiveContent, scan_active_content
from .errors import PdfRejected

# Text extraction is for search and previews, not archival: cap it so a page full of
# tiny glyphs (or a bomb) cannot balloon memory or stall a worker.
MAX_TEXT_PER_PAGE = 20_000
MAX_TEXT_TOTAL = 2_000_000
TEXT_TIME_BUDGET_S = 20.0
# A 600 dpi A3 scan is 70 megapixels. Far beyond that, an image is a bomb: a few KB that
# make poppler (thumbnail) and PDF.js on every tablet decode gigabytes.
MAX_IMAGE_PIXELS = 150_000_000
HEADER_WINDOW = 1024  # Acrobat accepts %PDF- anywhere in the first 1024 bytes
EOF_WINDOW = 1024  # ...and requires %%EOF within the last 1024 bytes


@dataclass(frozen=True)
class PdfInfo:
    page_count: int
    sha256: str
    size: int
    page_texts: list[str]
    title: str | None = None
    producer: str | None = None
    active_content: list[ActiveContent] = field(default_factory=list)
    # True when extraction stopped early (size/time caps); page_texts then has "" for
    # the pages that were skipped.
    text_truncated: bool = False
    # 0-based pages whose text could not be extracted (damaged fonts, odd encodings).
    text_failed_pages: list[int] = field(default_factory=list)
    # Opened with the empty user password (owner-password "restrictions" only).
    owner_password_only: bool = False

    @property
    def has_active_content(self) -> bool:
        return bool(self.active_content)

    @property
    def text(self) -> str:
        return "\n".join(self.page_texts)


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n} bytes"


def _damaged(detail: str = "") -> PdfRejected:
    return PdfRejected(
        E.DAMAGED,
        "Tệp PDF bị hỏng hoặc không đầy đủ (có thể tải lên bị gián đoạn). Vui lòng xuất lại tệp.",
        "The PDF is damaged or incomplete (the upload may have been cut off)."
        + (f" ({detail})" if detail else ""),
    )


def _not_a_pdf() -> PdfRejected:
    return PdfRejected(
        E.NOT_A_PDF,
        "Tệp này không phải là tệp PDF (dù có thể mang đuôi .pdf).",
        "This file is not a PDF (whatever its extension says).",
    )


def _too_complex() -> PdfRejected:
    return PdfRejected(
        E.TOO_COMPLEX,
        "Tệp PDF chứa dữ liệu nén bất thường (giải nén ra quá lớn); máy chủ không xử lý. "
        "Vui lòng xuất lại tệp PDF.",
        "The PDF holds abnormally compressed data (it expands far too much); refused.",
    )


def _check_image_sizes(pages) -> None:
    """Refuse images (on pages or one form level down) beyond MAX_IMAGE_PIXELS."""
    def xobjects(resources):
        try:
            found = resources.get_object().get("/XObject") if resources else None
            return found.get_object().values() if found else []
        except Exception:
            return []

    for page in pages:
        pending = [(ref, 0) for ref in xobjects(page.get("/Resources"))]
        while pending:
            ref, depth = pending.pop()
            try:
                obj = ref.get_object()
                subtype = obj.get("/Subtype")
                if subtype == "/Image":
                    width, height = int(obj.get("/Width", 0)), int(obj.get("/Height", 0))
                    if width * height > MAX_IMAGE_PIXELS:
                        raise _too_complex()
                elif subtype == "/Form" and depth < 2:
                    pending += [(r, depth + 1) for r in xobjects(obj.get("/Resources"))]
            except PdfRejected:
                raise
            except Exception:
                continue


def check_envelope(data: bytes, *, max_bytes: int) -> None:
    """Cheap checks that need no parsing: size, header, end-of-file marker."""
    if not data:
        raise PdfRejected(E.EMPTY_FILE, "Tệp rỗng (0 byte).", "The file is empty (0 bytes).")
    if len(data) > max_bytes:
        raise PdfRejected(
            E.TOO_LARGE,
            f"Tệp quá lớn ({_mb(len(data))}); giới hạn là {_mb(max_bytes)}.",
            f"The file is too large ({_mb(len(data))}); the limit is {_mb(max_bytes)}.",
        )
    if b"%PDF-" not in data[:HEADER_WINDOW]:
        raise _not_a_pdf()
    if b"%%EOF" not in data:
        # A header and no PDF objects at all: something else wearing a PDF header.
        if b" obj" not in data and b"\nobj" not in data:
            raise _not_a_pdf()
        raise _damaged("no %%EOF marker")
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        # Truncated uploads end mid-file; the marker of a linearized first section or
        # an earlier revision does not count.
        raise _damaged("file is truncated")


def inspect_pdf(
    data: bytes,
    *,
    max_bytes: int,
    max_text_per_page: int = MAX_TEXT_PER_PAGE,
    max_text_total: int = MAX_TEXT_TOTAL,
    time_budget_s: float = TEXT_TIME_BUDGET_S,
) -> PdfInfo:
    """Accept or refuse ``data`` as a PDF; raises :class:`PdfRejected` on refusal."""
    check_envelope(data, max_bytes=max_bytes)
    with pdf_limits(), quiet_pypdf():
        try:
            reader = open_reader(data)
            page_count = len(reader.pages)
            pages = list(reader.pages)
            # Touch every page's content stream: a file with holes fails here rather than
            # later in front of a delegate. (Decoding is bounded by pdf_limits.)
            for page in pages:
                page.get_contents()
            _check_image_sizes(pages)
        except PdfRejected:
            raise
        except LimitReachedError as exc:
            raise _too_complex() from exc
        except (PdfReadError, PyPdfError) as exc:
            raise _damaged(type(exc).__name__) from exc
        except Exception as exc:  # pypdf raises assorted builtins on garbage input
            raise _damaged(type(exc).__name__) from exc
        if page_count == 0:
            raise PdfRejected(E.NO_PAGES, "Tệp PDF không có trang nào.", "The PDF has no pages.")

        title, producer = _metadata(reader)
        try:
            active = scan_active_content(reader)
        except Exception:  # the scan is advisory; never block on it
            active = []
        texts, truncated, failed = _extract_texts(
            pages, max_text_per_page, max_text_total, time_budget_s
        )

    return PdfInfo(
        page_count=page_count,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        page_texts=texts,
        title=title,
        producer=producer,
        active_content=active,
        text_truncated=truncated,
        text_failed_pages=failed,
        owner_password_only=bool(reader.is_encrypted),
    )


def _metadata(reader) -> tuple[str | None, str | None]:
    try:
        meta = reader.metadata
    except Exception:
        return None, None
    if not meta:
        return None, None

    def clean(value) -> str | None:
        if value is None:
            return None
        text = str(value).replace("\x00", "").strip()
        return text[:500] or None

    try:
        return clean(meta.title), clean(meta.producer)
    except Exception:
        return None, None


def _extract_texts(pages, per_page: int, total: int, budget_s: float):
    texts: list[str] = []
    failed: list[int] = []
    truncated = False
    used = 0
    deadline = time.monotonic() + budget_s
    for i, page in enumerate(pages):
        if used >= total or time.monotonic() > deadline:
            truncated = True
            texts.append("")
            continue
        try:
            text = page.extract_text() or ""
        except Exception:
            failed.append(i)
            text = ""
        text = text.replace("\x00", "")
        limit = min(per_page, total - used)
        if len(text) > limit:
            text = text[:limit]
            truncated = True
        used += len(text)
        texts.append(text)
    return texts, truncated, failed
