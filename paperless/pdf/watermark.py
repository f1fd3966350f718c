"""Stamp every page with the reader's name and time ("Bản của: … — 2026-11-23 10:00").

Approach (why not a Standard-14 font): Helvetica & co. only encode WinAnsi, which has no
"ễ", "ậ", "ơ"… So we embed a TrueType font (Noto Sans / DejaVu Sans, both cover
Vietnamese) as a Type0 / CIDFontType2 font with Identity-H encoding: the content stream
holds 2-byte glyph IDs, and a /ToUnicode CMap maps each glyph ID back to its character.
That CMap is what makes the stamp extractable (pypdf's extract_text, pdftotext, search
and copy-paste in viewers all use it), so leaked copies can be traced by text. The font
is subset with fontTools (`pdf/fonts.py`: unused glyphs emptied, IDs kept) to ~15 KB per output.

Two stamps per page: a small horizontal footer line (readable and reliably extractable —
extractors skip text that is not at 0/90/180/270°) and a large, faint diagonal line
across the page that is hard to crop away. Both are appended after the original
content, which is wrapped in q/Q so its graphics state cannot leak into the stamp.
If no suitable font is installed we fall back to Helvetica with the name transliterated
to ASCII (visible and extractable, but without diacritics).
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import unicodedata
from datetime import datetime
from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from . import fonts as _fonts
from ._reader import open_reader, pdf_limits, quiet_pypdf
from .text import strip_vietnamese_diacritics

FONT_ENV = "PAPERLESS_PDF_FONT"
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",  # Debian fonts-noto-core
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian fonts-dejavu-core
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
)
_FONT_RES = "PplWmF"
_GS_FOOTER = "PplWmGs1"
_GS_DIAGONAL = "PplWmGs2"


def watermark_text(name: str, when: datetime) -> str:
    """The standard stamp: "Bản của: Nguyễn Văn A — 2026-11-23 10:00"."""
    return f"Bản của: {name} — {when:%Y-%m-%d %H:%M}"


def find_font(path: str | os.PathLike | None = None) -> str | None:
    candidates = [path] if path else [os.environ.get(FONT_ENV), *FONT_CANDIDATES]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            try:
                _fonts.load_font(str(candidate))
            except (ValueError, KeyError, OSError, IndexError):
                continue
            return str(candidate)
    return None


class _Stamper:
    """Encodes text and owns the font objects added to one output document."""

    def __init__(self, writer: PdfWriter, text: str, font_path: str | None) -> None:
        self.text = unicodedata.normalize("NFC", " ".join(text.split()))
        self.font = _fonts.load_font(font_path) if font_path else None
        if self.font is None or any(self.font.glyph(c) == 0 for c in self.text if c != " "):
            self.font = None  # missing glyphs: ASCII fallback beats tofu boxes
            self.text = strip_vietnamese_diacritics(self.text).encode("ascii", "replace").decode()
        self.font_ref = writer._add_object(self._font_dict(writer))

    # -- encoding ---------------------------------------------------------------
    def encode(self) -> bytes:
        if self.font is None:
            escaped = self.text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            return f"({escaped})".encode("ascii")
        gids = (self.font.glyph(c) for c in self.text)
        return b"<" + "".join(f"{g:04X}" for g in gids).encode() + b">"

    def width(self, size: float) -> float:
        if self.font is None:  # Helvetica averages ~0.55 em per character
            return 0.55 * size * len(self.text)
        return sum(self.font.width(self.font.glyph(c)) for c in self.text) * size / 1000

    # -- font objects ------------------------------------------------------------
    def _font_dict(self, writer: PdfWriter) -> DictionaryObject:
        if self.font is None:
            return DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Font"),
                    NameObject("/Subtype"): NameObject("/Type1"),
                    NameObject("/BaseFont"): NameObject("/Helvetica"),
                    NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
                }
            )
        font = self.font
        used = {font.glyph(c): c for c in reversed(self.text)}  # gid -> first char
        program = _fonts.subset(font, set(used))
        font_file = StreamObject()
        font_file.set_data(program)
        font_file = font_file.flate_encode()
        font_file[NameObject("/Length1")] = NumberObject(len(program))
        # Subset tag: six capitals derived from the subset (ISO 32000 9.6.4).
        digest = hashlib.sha256(program).digest()
        tag = "".join(chr(65 + b % 26) for b in digest[:6])
        base = NameObject(f"/{tag}+{font.postscript_name}")
        scale = 1000 / font.units_per_em
        descriptor = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/FontDescriptor"),
                NameObject("/FontName"): base,
                NameObject("/Flags"): NumberObject(32),  # nonsymbolic
                NameObject("/FontBBox"): ArrayObject(
                    [NumberObject(round(v * scale)) for v in font.bbox]
                ),
                NameObject("/ItalicAngle"): NumberObject(0),
                NameObject("/Ascent"): NumberObject(round(font.ascent * scale)),
                NameObject("/Descent"): NumberObject(round(font.descent * scale)),
                NameObject("/CapHeight"): NumberObject(round(font.ascent * scale * 0.7)),
                NameObject("/StemV"): NumberObject(80),
                NameObject("/FontFile2"): writer._add_object(font_file),
            }
        )
        widths = ArrayObject()
        for gid in sorted(used):
            widths += [NumberObject(gid), ArrayObject([NumberObject(font.width(gid))])]
        cid_font = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/CIDFontType2"),
                NameObject("/BaseFont"): base,
                NameObject("/CIDSystemInfo"): DictionaryObject(
                    {
                        NameObject("/Registry"): TextStringObject("Adobe"),
                        NameObject("/Ordering"): TextStringObject("Identity"),
                        NameObject("/Supplement"): NumberObject(0),
                    }
                ),
                NameObject("/FontDescriptor"): writer._add_object(descriptor),
                NameObject("/DW"): NumberObject(500),
                NameObject("/W"): widths,
                NameObject("/CIDToGIDMap"): NameObject("/Identity"),
            }
        )
        to_unicode = StreamObject()
        to_unicode.set_data(_to_unicode_cmap(used))
        return DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type0"),
                NameObject("/BaseFont"): base,
                NameObject("/Encoding"): NameObject("/Identity-H"),
                NameObject("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)]),
                NameObject("/ToUnicode"): writer._add_object(to_unicode.flate_encode()),
            }
        )


def _to_unicode_cmap(used: dict[int, str]) -> bytes:
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    items = sorted(used.items())
    for start in range(0, len(items), 100):  # at most 100 entries per block
        chunk = items[start : start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for gid, char in chunk:
            lines.append(f"<{gid:04X}> <{char.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _display_matrix(box, rotation: int) -> tuple[list[float], float, float]:
    """Matrix mapping upright 'as displayed' coordinates to user space, plus the
    displayed width/height, so stamps read horizontally whatever the page /Rotate."""
    x0, y0, x1, y1 = (float(v) for v in box)
    x0, x1 = min(x0, x1), max(x0, x1)
    y0, y1 = min(y0, y1), max(y0, y1)
    w, h = x1 - x0, y1 - y0
    r = rotation % 360
    if r == 90:
        return [0, 1, -1, 0, x1, y0], h, w
    if r == 180:
        return [-1, 0, 0, -1, x1, y1], w, h
    if r == 270:
        return [0, -1, 1, 0, x0, y1], h, w
    return [1, 0, 0, 1, x0, y0], w, h


def _fmt(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") or "0"


def _overlay(stamper: _Stamper, font_name: str, width: float, height: float) -> bytes:
    encoded = stamper.encode().decode("latin-1")
    # Footer: 8 pt, shrunk to fit the page width.
    size = 8.0
    if stamper.width(size) > width - 36:
        size = max(3.0, size * (width - 36) / max(stamper.width(size), 1))
    footer = f"BT /{font_name} {_fmt(size)} Tf 1 0 0 1 18 10 Tm {encoded} Tj ET"
    # Diagonal: bottom-left to top-right, ~70% of the diagonal long.
    angle = math.atan2(height, width)
    diag = math.hypot(width, height)
    dsize = min(60.0, max(10.0, 0.7 * diag * size / max(stamper.width(size), 1)))
    tw = stamper.width(dsize)
    c, s = math.cos(angle), math.sin(angle)
    # Centre the text: step back half its length and a third of the size across it.
    tx = width / 2 - c * tw / 2 + s * dsize / 3
    ty = height / 2 - s * tw / 2 - c * dsize / 3
    m = " ".join(_fmt(v) for v in (c, s, -s, c, tx, ty))
    diagonal = f"BT /{font_name} {_fmt(dsize)} Tf {m} Tm {encoded} Tj ET"
    return (
        f"q /{_GS_DIAGONAL} gs 0.5 g {diagonal} Q\nq /{_GS_FOOTER} gs 0.35 g {footer} Q\n"
    ).encode("latin-1")


def _inherited(page: DictionaryObject, key: str):
    node = page
    for _ in range(64):  # page trees are shallow; the bound stops malicious cycles
        if key in node:
            return node[key]
        parent = node.get("/Parent")
        if parent is None:
            return None
        node = parent.get_object()
    return None


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    s = DecodedStreamObject()
    s.set_data(data)
    return writer._add_object(s)


def _gs(alpha: float) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/ca"): FloatObject(alpha),
            NameObject("/CA"): FloatObject(alpha),
        }
    )


def watermark_pdf(data: bytes, text: str, *, font_path: str | None = None) -> bytes:
    """Return a copy of ``data`` with ``text`` stamped on every page.

    ``data`` should already have passed :func:`inspect_pdf`. ``font_path`` overrides the
    TrueType font (also settable with $PAPERLESS_PDF_FONT).
    """
    with pdf_limits(), quiet_pypdf():
        writer = PdfWriter(clone_from=open_reader(data))
        stamper = _Stamper(writer, text, find_font(font_path))
        gs_footer = writer._add_object(_gs(0.75))
        gs_diagonal = writer._add_object(_gs(0.15))
        push = _stream(writer, b"q\n")
        pop = _stream(writer, b"\nQ\n")
        for page in writer.pages:
            _stamp_page(writer, page, stamper, gs_footer, gs_diagonal, push, pop)
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()


def _stamp_page(writer, page, stamper, gs_footer, gs_diagonal, push, pop) -> None:
    box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox") or [0, 0, 612, 792]
    rotation = int(_inherited(page, "/Rotate") or 0)
    matrix, width, height = _display_matrix(box, rotation)

    # Own (copied) resource dicts: inherited or shared ones stay untouched.
    resources = _inherited(page, "/Resources")
    resources = DictionaryObject(resources.get_object()) if resources else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = DictionaryObject(fonts.get_object()) if fonts else DictionaryObject()
    states = resources.get("/ExtGState")
    states = DictionaryObject(states.get_object()) if states else DictionaryObject()
    font_name = _FONT_RES
    while f"/{font_name}" in fonts and fonts[f"/{font_name}"] != stamper.font_ref:
        font_name += "x"
    fonts[NameObject(f"/{font_name}")] = stamper.font_ref
    states[NameObject(f"/{_GS_FOOTER}")] = gs_footer
    states[NameObject(f"/{_GS_DIAGONAL}")] = gs_diagonal
    resources[NameObject("/Font")] = fonts
    resources[NameObject("/ExtGState")] = states
    page[NameObject("/Resources")] = resources

    cm = " ".join(_fmt(v) for v in matrix)
    overlay = f"q {cm} cm\n".encode() + _overlay(stamper, font_name, width, height) + b"Q\n"
    contents = page.get("/Contents")
    original = []
    if contents is not None:
        resolved = contents.get_object()
        original = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject([push, *original, pop, _stream(writer, overlay)])
