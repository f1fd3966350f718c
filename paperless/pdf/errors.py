"""The one exception type of :mod:`paperless.pdf`.

Every refusal carries a stable machine code (services map it to HTTP status / audit
entries and tests assert on it) plus ready-made Vietnamese and English messages, so the
web layer never has to parse exception text.
"""

from __future__ import annotations

# Stable codes. Add new ones at the end; never rename (they are stored in audit logs).
EMPTY_FILE = "empty_file"
TOO_LARGE = "too_large"
NOT_A_PDF = "not_a_pdf"
ENCRYPTED = "encrypted"
DAMAGED = "damaged"
NO_PAGES = "no_pages"
UNSUPPORTED_FORMAT = "unsupported_format"
CONVERSION_UNAVAILABLE = "conversion_unavailable"
CONVERSION_FAILED = "conversion_failed"
THUMBNAIL_UNAVAILABLE = "thumbnail_unavailable"
THUMBNAIL_FAILED = "thumbnail_failed"
TOO_COMPLEX = "too_complex"  # decompression bombs, absurd image sizes


class PdfRejected(Exception):
    """A document was refused or could not be processed."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en

    def __reduce__(self):
        # Travels between processes (paperless.workers) with its messages intact.
        return (self.__class__, (self.code, self.message_vi, self.message_en))

    def __repr__(self) -> str:
        return f"PdfRejected(code={self.code!r}, message_en={self.message_en!r})"
