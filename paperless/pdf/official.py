"""The official resolution PDF: the resolution text itself in the Decree 30/2020 layout,
PDF/A-2b, made before any signature. No cover page, no vote result (that belongs to the
minutes and the archive entry).

Two ways in:

* the Văn phòng's Word/ODT text with fields the system fills (FIELDS: number, place and
  date, khóa and kỳ họp, the closing formula, recipients, the chair's name…), rendered by
  LibreOffice's PDF/A-2b export (A4; Times New Roman rendered as Liberation Serif);
* a final PDF, accepted only when it already carries its number.

Either way the signature place is found by its text on the last page ("CHỦ TỊCH" and the
name under it) and the signature fields are placed there (see `signature_boxes`).
Every function here is pure (bytes in, bytes out) so a worker pool can run it.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from pypdf import PdfReader

from .errors import PdfRejected

A4 = (595.28, 841.89)
MM = 72 / 25.4
SEAL_DIAMETER = 34 * MM  # a council's round seal, actual size
CHAIR_BOX_WIDTH = 170.0
COPY_BOX = (A4[0] - 15 * MM - 215, A4[1] - 6 - 42, A4[0] - 15 * MM, A4[1] - 6)
COPY_BOX_SIZE = (215.0, 42.0)
SERIF_FAMILY = "LiberationSerif"  # what Times New Roman is rendered with (fonts-liberation2)


def required_fonts() -> list[tuple[str, str, str | None]]:
    """(path, Debian package, overriding setting) of the fonts the official PDFs are set in."""
    from paperless.reports.fonts import SERIF_DIR, SERIF_FILES

    return [(str(SERIF_DIR / file), "fonts-liberation2", None) for file in SERIF_FILES.values()]


@dataclass
class ResolutionFields:
    """What the system writes into the text when it issues."""

    header_1: str  # "HỘI ĐỒNG NHÂN DÂN"
    header_2: str  # "XÃ TÂN PHÚ"
    number: str  # "01/NQ-HĐND"
    place_date: str  # "Tân Phú, ngày 05 tháng 12 năm 2026"
    council_upper: str  # "HỘI ĐỒNG NHÂN DÂN XÃ TÂN PHÚ"
    session_line: str  # "KHÓA XII, KỲ HỌP THỨ NĂM"
    closing: str  # "Nghị quyết này đã được … thông qua ngày … và có hiệu lực từ ngày …"
    recipients: list[str]  # ["- Thường trực HĐND xã;", …, "- Lưu: VT."]
    chair_name: str
    title: str = ""  # "Về dự toán …" (only when the text has a {{TRICH_YEU}} field)

    def values(self) -> dict[str, str | list[str]]:
        return {"CO_QUAN_1": self.header_1, "CO_QUAN_2": self.header_2, "SO": self.number,
                "DIA_DANH_NGAY": self.place_date, "CO_QUAN_IN_HOA": self.council_upper,
                "KHOA_KY_HOP": self.session_line, "CONG_THUC_KET_THUC": self.closing,
                "NOI_NHAN": self.recipients, "CHU_TICH": self.chair_name,
                "TRICH_YEU": self.title}


FIELDS = ("CO_QUAN_1", "CO_QUAN_2", "SO", "DIA_DANH_NGAY", "CO_QUAN_IN_HOA", "KHOA_KY_HOP",
          "CONG_THUC_KET_THUC", "NOI_NHAN", "CHU_TICH", "TRICH_YEU")
_FIELD = re.compile(r"\{\{\s*([A-Z0-9_]+)\s*\}\}")


@dataclass
class OfficialPdf:
    pdf: bytes
    page_count: int
    chair_box: tuple[float, float, float, float]
    seal_box: tuple[float, float, float, float]
    signature_page: int
    pdfa_findings: list[str] = field(default_factory=list)


def _rejected(code: str, vi: str, en: str) -> PdfRejected:
    return PdfRejected(code, vi, en)


# --- filling the fields -------------------------------------------------------------------

def _fill_paragraph(paragraph, values: dict) -> None:
    """Replace {{FIELD}}s in one paragraph; Word splits text into runs anywhere, so the text
    is joined, replaced and put back into the first run (which keeps its formatting)."""
    text = "".join(run.text for run in paragraph.runs)
    if "{{" not in text:
        return
    breaks: list[str] = []

    def replace(match):
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)  # unknown field: left for the check after rendering
        if isinstance(value, list):
            breaks.extend(value)
            return "\x00"
        return value

    new = _FIELD.sub(replace, text)
    runs = paragraph.runs
    for run in runs[1:]:
        run.text = ""
    first = runs[0]
    if "\x00" in new:
        before, after = new.split("\x00", 1)
        first.text = before
        for i, line in enumerate(breaks):
            if i or before:
                first.add_break()
            first.add_text(line)
        if after:
            first.add_text(after)
    else:
        first.text = new


def _paragraphs(container):
    yield from container.paragraphs
    for table in getattr(container, "tables", []):
        for row in table.rows:
            for cell in row.cells:
                yield from _paragraphs(cell)


def fill_docx(data: bytes, fields: ResolutionFields) -> bytes:
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as exc:  # not a Word file python-docx can read
        raise _rejected("unreadable_draft", "Không đọc được tệp Word của dự thảo.",
                        "The Word draft cannot be read.") from exc
    values = fields.values()
    for paragraph in _paragraphs(doc):
        _fill_paragraph(paragraph, values)
    for section in doc.sections:
        for part in (section.header, section.footer):
            for paragraph in _paragraphs(part):
                _fill_paragraph(paragraph, values)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def fill_odt(data: bytes, fields: ResolutionFields) -> bytes:
    """ODT: fields in content.xml (a list becomes text:line-break separated lines)."""
    from xml.sax.saxutils import escape

    values = fields.values()

    def replace(match):
        value = values.get(match.group(1))
        if value is None:
            return match.group(0)
        if isinstance(value, list):
            return "<text:line-break/>".join(escape(v) for v in value)
        return escape(value)

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename in ("content.xml", "styles.xml"):
                content = _FIELD.sub(replace, content.decode("utf-8")).encode("utf-8")
            compress = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, content, compress_type=compress)
    return out.getvalue()


# --- reading the rendered text --------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    x0: float
    y0: float  # from the top of the page, as pdftotext gives it
    x1: float
    y1: float
    text: str


def page_words(pdf: bytes, page: int) -> tuple[list[Word], float, float]:
    """Words of a page (1-based) with their boxes, via poppler's pdftotext -bbox."""
    exe = shutil.which("pdftotext")
    if exe is None:
        raise _rejected("poppler_missing", "Máy chủ thiếu poppler-utils (pdftotext).",
                        "poppler-utils (pdftotext) is not installed.")
    with tempfile.TemporaryDirectory(prefix="ppl-words-") as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(pdf)
        html = subprocess.run([exe, "-bbox", "-enc", "UTF-8", "-f", str(page), "-l", str(page),
                               str(src), "-"], capture_output=True, check=False,
                              timeout=60).stdout.decode("utf-8", "replace")
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    width, height = (float(size.group(1)), float(size.group(2))) if size else A4
    words = [Word(float(a), float(b), float(c), float(d),
                  unicodedata.normalize("NFC", unescape(t)))
             for a, b, c, d, t in re.findall(
                 r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">'
                 r"(.*?)</word>", html)]
    return words, width, height


def _lines(words: list[Word]) -> list[list[Word]]:
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.y0), w.x0)):
        if lines and abs(lines[-1][0].y0 - word.y0) < 3:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def signature_boxes(pdf: bytes, page_count: int) -> tuple[tuple, tuple]:
    """(chair box, seal box) in PDF points on the last page, from its text: the space
    between the signer's title ("CHỦ TỊCH") and the name under it holds the chair's image;
    the council's seal, actual size, overlaps the left third of it."""
    words, _width, height = page_words(pdf, page_count)
    lines = _lines(words)
    title_at = None
    for index, line in enumerate(lines):
        texts = [w.text for w in line]
        for i in range(len(texts) - 1):
            if texts[i] == "CHỦ" and texts[i + 1] in ("TỊCH", "TỊCH:"):
                title_at = (index, line[i], line[i + 1])
    if title_at is None:
        raise _rejected("signature_place_missing",
                        "Không tìm thấy nơi ký (“CHỦ TỊCH” và tên người ký) ở trang cuối.",
                        "No signature place (“CHỦ TỊCH” and the signer's name) on the last page.")
    index, first, last = title_at
    cx = (first.x0 + last.x1) / 2
    top = max(first.y1, last.y1) + 2
    bottom = top + 85
    for line in lines[index + 1:]:
        near = [w for w in line if abs((w.x0 + w.x1) / 2 - cx) < 110]
        if near:
            bottom = max(min(w.y0 for w in near) - 2, top + 40)
            break
    chair = (cx - CHAIR_BOX_WIDTH / 2, height - bottom, cx + CHAIR_BOX_WIDTH / 2, height - top)
    seal_right = chair[0] + CHAIR_BOX_WIDTH / 3
    seal_cy = (chair[1] + chair[3]) / 2
    d = SEAL_DIAMETER
    seal = (seal_right - d, seal_cy - d / 2 - 16, seal_right, seal_cy + d / 2)
    return tuple(round(v, 1) for v in chair), tuple(round(v, 1) for v in seal)


def page_text(pdf: bytes, first: int = 1, last: int | None = None) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    pages = reader.pages[first - 1:last]
    return unicodedata.normalize("NFC", "\n".join(p.extract_text() or "" for p in pages))


def carries_number(pdf: bytes, number: str) -> bool:
    """The first page reads "Số: 01/NQ-HĐND" (spaces in it tolerated)."""
    text = re.sub(r"\s+", "", page_text(pdf, 1, 1))
    return f"Số:{number}".replace(" ", "") in text


# --- PDF/A checks ---------------------------------------------------------------------------

def embedded_fonts(reader: PdfReader) -> tuple[set[str], set[str]]:
    """(embedded, not embedded) base font names used by the pages (subset prefix dropped)."""
    embedded, missing = set(), set()
    for page in reader.pages:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type3":
                continue
            desc_font = font
            if font.get("/Subtype") == "/Type0":
                desc_font = font["/DescendantFonts"][0].get_object()
            desc = desc_font.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else None
            name = str(font.get("/BaseFont", "?")).lstrip("/").split("+")[-1]
            if desc is not None and any(k in desc for k in ("/FontFile", "/FontFile2",
                                                           "/FontFile3")):
                embedded.add(name)
            else:
                missing.add(name)
    return embedded, missing


def _findings(reader: PdfReader) -> list[str]:
    findings = []
    _embedded, missing = embedded_fonts(reader)
    if missing:
        findings.append("fonts not embedded: " + ", ".join(sorted(missing)))
    root = reader.trailer["/Root"]
    metadata = root.get("/Metadata")
    xmp = metadata.get_object().get_data() if metadata is not None else b""
    if b"pdfaid:part" not in xmp and b'pdfaid:part="2"' not in xmp:
        findings.append("no PDF/A identification in the XMP metadata")
    if "/OutputIntents" not in root:
        findings.append("no output intent")
    for number, page in enumerate(reader.pages, start=1):
        box = [float(v) for v in page.mediabox]
        if abs(box[2] - box[0] - A4[0]) > 2 or abs(box[3] - box[1] - A4[1]) > 2:
            findings.append(f"page {number} is not A4")
    return findings


def check_number(pdf: bytes, number: str) -> None:
    if not carries_number(pdf, number):
        raise _rejected("number_missing",
                        f"Văn bản cuối cùng phải mang số “Số: {number}” ở trang đầu.",
                        f"The final text must carry its number “Số: {number}” on page 1.")


def _prepared(pdf: bytes) -> OfficialPdf:
    text = page_text(pdf)
    if "{{" in text:
        left = sorted(set(_FIELD.findall(text))) or ["?"]
        raise _rejected("unfilled_field",
                        "Văn bản còn trường chưa điền: " + ", ".join(left) + ".",
                        "The text still has unfilled fields: " + ", ".join(left) + ".")
    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    chair, seal = signature_boxes(pdf, pages)
    return OfficialPdf(pdf, pages, chair, seal, pages - 1, _findings(reader))


def from_office(source: bytes, fmt: str, fields: ResolutionFields, *,
                timeout: float = 120.0) -> OfficialPdf:
    """The Văn phòng's DOCX/ODT with the fields filled, rendered to PDF/A-2b by LibreOffice;
    it carries its number by construction (checked all the same)."""
    from .convert import convert_to_pdf

    filled = fill_odt(source, fields) if fmt == "odt" else fill_docx(source, fields)
    official = _prepared(convert_to_pdf(filled, timeout=timeout, pdfa=True))
    check_number(official.pdf, fields.number)
    return official


def from_final_pdf(pdf: bytes) -> OfficialPdf:
    """A final PDF made elsewhere: its signature place found; `check_number` is the caller's
    once the number is known."""
    return _prepared(pdf)


def _flatten_widgets(writer) -> None:
    """Draw each widget's appearance into its page and drop the widgets and the form: a
    copy shows the original's signatures as they look, without claiming to be signed."""
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )

    for page in writer.pages:
        annots = page.get("/Annots")
        if annots is None:
            continue
        drawn = []
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else DictionaryObject()
        xobjects = resources.get("/XObject")
        xobjects = xobjects.get_object() if xobjects is not None else DictionaryObject()
        for index, ref in enumerate(annots.get_object()):
            annot = ref.get_object()
            ap = annot.get("/AP")
            if annot.get("/Subtype") != "/Widget" or ap is None or "/N" not in ap:
                continue
            normal = ap["/N"]
            if not hasattr(normal.get_object(), "get_data"):
                continue  # an appearance per state (check boxes): not a signature
            x1, y1, x2, y2 = (float(v) for v in annot["/Rect"])
            bbox = [float(v) for v in normal.get_object().get("/BBox", [0, 0, x2 - x1, y2 - y1])]
            sx = (x2 - x1) / ((bbox[2] - bbox[0]) or 1)
            sy = (y2 - y1) / ((bbox[3] - bbox[1]) or 1)
            name = f"/KhsFlat{index}"
            xobjects[NameObject(name)] = normal
            drawn.append(f"q {sx:g} 0 0 {sy:g} {min(x1, x2) - bbox[0] * sx:g} "
                         f"{min(y1, y2) - bbox[1] * sy:g} cm {name} Do Q")
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        before, after = DecodedStreamObject(), DecodedStreamObject()
        before.set_data(b"q\n")
        after.set_data(("\nQ\n" + "\n".join(drawn) + "\n").encode("ascii"))
        contents = page.get("/Contents")
        parts = contents.get_object() if contents is not None else ArrayObject()
        parts = list(parts) if isinstance(parts, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject(
            [writer._add_object(before), *parts, writer._add_object(after)])
        del page["/Annots"]
    root = writer._root_object
    if "/AcroForm" in root:
        del root["/AcroForm"]


def copy_box(pdf: bytes) -> tuple[float, float, float, float]:
    """Where the organisation signs a copy or an attachment: the top right of page 1, inside
    its margin, from that page's own box (an attachment may be A3, landscape or Letter)."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    box = page.cropbox
    left, bottom = float(min(box.left, box.right)), float(min(box.bottom, box.top))
    right, top = float(max(box.left, box.right)), float(max(box.bottom, box.top))
    width, height = COPY_BOX_SIZE
    margin = min(15 * MM, max((right - left - width) / 2, 0))
    x2 = right - margin
    x1 = max(left, x2 - width)
    y2 = top - min(6, max(top - bottom - height, 0))
    return (round(x1, 1), round(max(bottom, y2 - height), 1), round(x2, 1), round(y2, 1))


def page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def electronic_copy(signed_pdf: bytes, pages: list[int] | None = None) -> bytes:
    """The pages of the signed original (``pages``, 1-based: a trích sao; None: all), its
    signatures drawn flat, for a copy that the organisation signs at the top right of its
    first page."""
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(signed_pdf)))
    _flatten_widgets(writer)
    if pages is not None:
        keep = {p - 1 for p in pages}
        for index in range(len(writer.pages) - 1, -1, -1):
            if index not in keep:
                writer.remove_page(index)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
