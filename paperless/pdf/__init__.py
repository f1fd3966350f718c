"""PDF handling for Kỳ họp số: validation, thumbnails, watermarking, conversion, notes.

A pure library (no Flask/DB imports) so services and CLI tools can share it and it can
be tested against a corpus of real-world PDFs in isolation. Every refusal is a
:class:`PdfRejected` with a stable ``code`` and Vietnamese/English messages.
"""

from .active_content import ActiveContent
from .annotate import Note, export_with_notes
from .convert import convert_to_pdf, detect_format
from .errors import PdfRejected
from .inspect import PdfInfo, inspect_pdf
from .text import fold_vietnamese, strip_vietnamese_diacritics
from .thumbnail import thumbnail_png
from .watermark import watermark_pdf, watermark_text

__all__ = [
    "ActiveContent",
    "Note",
    "PdfInfo",
    "PdfRejected",
    "convert_to_pdf",
    "detect_format",
    "export_with_notes",
    "fold_vietnamese",
    "inspect_pdf",
    "strip_vietnamese_diacritics",
    "thumbnail_png",
    "watermark_pdf",
    "watermark_text",
]
