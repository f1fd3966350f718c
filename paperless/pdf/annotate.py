"""Export a delegate's highlights and comments as real PDF annotations.

Annotations are written as plain dictionaries (not pypdf's annotation helper classes,
whose constructor arguments changed across pypdf 3-7) so the output is identical on any
pypdf the app runs with. Each highlight carries an appearance stream (/AP), so viewers
that do not synthesise one (some mobile readers) still show it; comments are sticky
notes (/Text) with a /Popup holding the text, the form every viewer supports.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from ._reader import open_reader, pdf_limits, quiet_pypdf

Colour = str | tuple[float, float, float]
DEFAULT_COLOURS = {"highlight": "#ffeb3b", "comment": "#ffb300"}
# Annotation flags (ISO 32000 12.5.3): Print, so notes appear on paper too.
_F_PRINT = 4
_F_PRINT_NOZOOM_NOROTATE = 4 | 8 | 16


@dataclass(frozen=True)
class Note:
    """One note. ``page`` is 1-based; ``rect`` is (x0, y0, x1, y1) in PDF user-space
    points of that page (origin bottom-left, as pdf.js' convertToPdfPoint returns)."""

    page: int
    kind: Literal["highlight", "comment"]
    rect: tuple[float, float, float, float]
    text: str = ""
    colour: Colour | None = None
    author: str | None = None
    created: datetime | None = None


def parse_colour(colour: Colour | None, kind: str) -> tuple[float, float, float]:
    """ "#rrggbb" / "rrggbb" / (r, g, b) floats in 0..1 -> RGB floats."""
    colour = colour if colour is not None else DEFAULT_COLOURS.get(kind, "#ffeb3b")
    if isinstance(colour, str):
        hexa = colour.strip().lstrip("#")
        if len(hexa) == 3:
            hexa = "".join(c * 2 for c in hexa)
        if len(hexa) != 6:
            raise ValueError(f"bad colour {colour!r}")
        return tuple(int(hexa[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]
    r, g, b = (min(1.0, max(0.0, float(v))) for v in colour)
    return r, g, b


def _pdf_date(when: datetime | None) -> str:
    when = (when or datetime.now(UTC)).astimezone(UTC)
    return when.strftime("D:%Y%m%d%H%M%SZ")


def _numbers(values) -> ArrayObject:
    return ArrayObject([FloatObject(round(float(v), 3)) for v in values])


def _norm_rect(rect) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in rect)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _common(note: Note, subtype: str, rect, rgb) -> DictionaryObject:
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): _numbers(rect),
            NameObject("/Contents"): TextStringObject(note.text),
            NameObject("/C"): _numbers(rgb),
            NameObject("/M"): TextStringObject(_pdf_date(note.created)),
            NameObject("/CreationDate"): TextStringObject(_pdf_date(note.created)),
        }
    )
    if note.author:
        annot[NameObject("/T")] = TextStringObject(note.author)
    return annot


def _highlight(writer: PdfWriter, note: Note, rgb) -> DictionaryObject:
    x0, y0, x1, y1 = _norm_rect(note.rect)
    annot = _common(note, "/Highlight", (x0, y0, x1, y1), rgb)
    # QuadPoints order used by Acrobat and pdf.js: top-left, top-right, bottom-left,
    # bottom-right (the spec's prose says otherwise; viewers follow Acrobat).
    annot[NameObject("/QuadPoints")] = _numbers((x0, y1, x1, y1, x0, y0, x1, y0))
    annot[NameObject("/F")] = NumberObject(_F_PRINT)
    annot[NameObject("/CA")] = FloatObject(1)
    ap = DecodedStreamObject()
    ap.set_data(
        f"/GSm gs {rgb[0]:.3f} {rgb[1]:.3f} {rgb[2]:.3f} rg "
        f"{x0:.3f} {y0:.3f} {x1 - x0:.3f} {y1 - y0:.3f} re f".encode()
    )
    ap.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): _numbers((x0, y0, x1, y1)),
            NameObject("/Resources"): DictionaryObject(
                {
                    NameObject("/ExtGState"): DictionaryObject(
                        {
                            NameObject("/GSm"): DictionaryObject(
                                {
                                    NameObject("/Type"): NameObject("/ExtGState"),
                                    NameObject("/BM"): NameObject("/Multiply"),
                                    NameObject("/ca"): FloatObject(0.6),
                                }
                            )
                        }
                    )
                }
            ),
        }
    )
    annot[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(ap)})
    return annot


def export_with_notes(data: bytes, notes: Sequence[Note]) -> bytes:
    """Return a copy of ``data`` with ``notes`` added as annotations (existing ones kept)."""
    with pdf_limits(), quiet_pypdf():
        writer = PdfWriter(clone_from=open_reader(data))
        page_count = len(writer.pages)
        for note in notes:
            if not 1 <= note.page <= page_count:
                raise ValueError(f"note page {note.page} outside 1..{page_count}")
            if note.kind not in ("highlight", "comment"):
                raise ValueError(f"unknown note kind {note.kind!r}")
            rgb = parse_colour(note.colour, note.kind)
            index = note.page - 1
            if note.kind == "highlight":
                writer.add_annotation(index, _highlight(writer, note, rgb))
                continue
            x0, y0, x1, y1 = _norm_rect(note.rect)
            # The icon sits at the top-left of the selected area; 20x20 pt like Acrobat.
            icon = (x0, y1 - 20, x0 + 20, y1)
            text = _common(note, "/Text", icon, rgb)
            text[NameObject("/Name")] = NameObject("/Comment")
            text[NameObject("/Open")] = BooleanObject(False)
            text[NameObject("/F")] = NumberObject(_F_PRINT_NOZOOM_NOROTATE)
            text_ref = writer.add_annotation(index, text).indirect_reference
            popup = DictionaryObject(
                {
                    NameObject("/Type"): NameObject("/Annot"),
                    NameObject("/Subtype"): NameObject("/Popup"),
                    NameObject("/Rect"): _numbers((x0 + 24, y1 - 120, x0 + 224, y1)),
                    NameObject("/Parent"): text_ref,
                    NameObject("/Open"): BooleanObject(False),
                }
            )
            popup_ref = writer.add_annotation(index, popup).indirect_reference
            text_ref.get_object()[NameObject("/Popup")] = popup_ref
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()
