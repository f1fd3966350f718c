"""The official resolution PDF (Decree 30/2020 layout), PDF/A-2b, made before any signature.

Layout chosen: a cover page drawn here — the two-column header (council and "Số:" on the
left; the national motto, place and date on the right), "NGHỊ QUYẾT" and the title, the
adoption record (vote result in the legal wording), the signature place ("TM. HỘI ĐỒNG
NHÂN DÂN / CHỦ TỊCH", the chair's signature field, the chair's name), the QR code of the
public verification page — followed unchanged by the pages of the final text. The
organisation's field sits in the top margin of page 1 (top right, Decree 30). Both
signature fields are created here, before the first signature.

PDF/A-2b: what this module ensures on the cover page and the file as a whole — fonts
embedded (Noto Serif, TrueType subsets with ToUnicode), an OutputIntent with an sRGB ICC
profile (made by LittleCMS through Pillow), XMP metadata with pdfaid:part=2,
pdfaid:conformance=B matching the document information, a file identifier, no
encryption, no JavaScript or actions. What it cannot ensure: the appended pages of the
final text keep their own fonts and colours; `pdfa_findings` lists fonts those pages
use without embedding them (a real PDF/A validator such as veraPDF is not available
here, so conformance is checked only for these points).
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

NOTO = Path("/usr/share/fonts/truetype/noto")
FONTS = {"R": "NotoSerif-Regular.ttf", "B": "NotoSerif-Bold.ttf", "I": "NotoSerif-Italic.ttf"}


def required_fonts() -> list[tuple[str, str, str | None]]:
    """(path, Debian package, overriding setting) of each font the official PDFs embed."""
    return [(str(NOTO / file), "fonts-noto-core", None) for file in FONTS.values()]
A4 = (595.28, 841.89)
MM = 72 / 25.4
LEFT, RIGHT, TOP, BOTTOM = 30 * MM, 15 * MM, 20 * MM, 20 * MM
# Signature fields (x1, y1, x2, y2) on page 1.
SIGNER_BOX = (A4[0] - RIGHT - 215, 205, A4[0] - RIGHT - 15, 295)
ORGANISATION_BOX = (A4[0] - 14 - 195, A4[1] - 6 - 50, A4[0] - 14, A4[1] - 6)


@dataclass
class OfficialText:
    council_name: str  # "Hội đồng nhân dân xã Tân Phú"
    number_line: str  # "Số: 01/NQ-HĐND"
    place_date: str  # "Tân Phú, ngày 05 tháng 12 năm 2026"
    title: str
    session_line: str  # "NHIỆM KỲ 2026–2031, KỲ HỌP THỨ 5"
    adoption: list[str]  # the vote result in the legal wording
    chair_name: str
    verify_url: str
    issued_on: date
    body_pages: int = 0


@dataclass
class OfficialPdf:
    pdf: bytes
    page_count: int
    pdfa_findings: list[str] = field(default_factory=list)


def _fonts():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    names = {}
    for key, file in FONTS.items():
        name = f"KHSSerif-{key}"
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, str(NOTO / file)))
        names[key] = name
    return names


def _header_parts(council_name: str) -> tuple[str, str]:
    from paperless.domain.resolutions import council_header_lines

    return council_header_lines(council_name)


def _wrap(c, text: str, font: str, size: float, width: float) -> list[str]:
    words, lines, cur = text.split(), [], ""
    for w in words:
        trial = f"{cur} {w}".strip()
        if c.stringWidth(trial, font, size) <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = w
    if cur:
        lines.append(cur)
    return lines


def _draw_qr(c, data: str, x: float, y: float, size: float) -> None:
    """QR code as filled squares (reportlab's drawing renderer would add a Helvetica
    font resource, which PDF/A forbids unembedded)."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    qr = QRCode(None, QRErrorCorrectLevel.M)
    qr.addData(data)
    qr.make()
    n = qr.getModuleCount()
    quiet = 2
    cell = size / (n + 2 * quiet)
    c.setFillColorRGB(1, 1, 1)
    c.rect(x, y, size, size, stroke=0, fill=1)
    c.setFillColorRGB(0, 0, 0)
    for row in range(n):
        for col in range(n):
            if qr.isDark(row, col):
                c.rect(x + (col + quiet) * cell, y + size - (row + quiet + 1) * cell,
                       cell, cell, stroke=0, fill=1)


def _cover(t: OfficialText) -> bytes:
    from reportlab.pdfgen import canvas

    f = _fonts()
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=1, initialFontName=f["R"],
                      initialFontSize=12)
    c.setTitle(t.title)
    c.setAuthor(t.council_name)
    c.setSubject(t.number_line)
    c.setCreator("Kỳ họp số")
    c.setProducer("Kỳ họp số (ReportLab)")
    w, h = A4
    left_cx = LEFT + 95
    right_cx = w - RIGHT - 140
    y = h - TOP - 10
    top_line, second = _header_parts(t.council_name)
    c.setFont(f["R"], 12.5)
    c.drawCentredString(left_cx, y, top_line)
    c.setFont(f["B"], 12.5)
    c.drawCentredString(left_cx, y - 15, second)
    c.line(left_cx - 30, y - 20, left_cx + 30, y - 20)
    c.setFont(f["R"], 12.5)
    c.drawCentredString(left_cx, y - 40, t.number_line)
    c.setFont(f["B"], 12)
    c.drawCentredString(right_cx, y, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    c.setFont(f["B"], 13)
    motto = "Độc lập - Tự do - Hạnh phúc"
    c.drawCentredString(right_cx, y - 15, motto)
    mw = c.stringWidth(motto, f["B"], 13)
    c.line(right_cx - mw / 2, y - 19, right_cx + mw / 2, y - 19)
    c.setFont(f["I"], 13)
    c.drawCentredString(right_cx, y - 40, t.place_date)

    y -= 85
    c.setFont(f["B"], 14)
    c.drawCentredString(w / 2, y, "NGHỊ QUYẾT")
    c.setFont(f["B"], 13)
    for line in _wrap(c, t.title, f["B"], 13, w - LEFT - RIGHT - 60):
        y -= 17
        c.drawCentredString(w / 2, y, line)
    c.line(w / 2 - 40, y - 10, w / 2 + 40, y - 10)
    y -= 30
    c.setFont(f["B"], 13)
    c.drawCentredString(w / 2, y, t.council_name.upper())
    y -= 16
    c.drawCentredString(w / 2, y, t.session_line.upper())
    y -= 28
    c.setFont(f["R"], 12.5)
    body_w = w - LEFT - RIGHT
    paragraphs = [
        f"Nghị quyết này đã được {t.council_name} thông qua ngày "
        f"{t.issued_on.strftime('%d/%m/%Y')}. Kết quả biểu quyết:",
        *t.adoption,
        (f"Toàn văn nghị quyết gồm {t.body_pages} trang kèm theo, là bộ phận không tách "
         "rời của văn bản này." if t.body_pages else ""),
    ]
    for para in paragraphs:
        if not para:
            continue
        for line in _wrap(c, para, f["R"], 12.5, body_w - 20):
            if y < SIGNER_BOX[3] + 55:
                break
            c.drawString(LEFT + 20, y, line)
            y -= 16
        y -= 4

    sx = (SIGNER_BOX[0] + SIGNER_BOX[2]) / 2
    c.setFont(f["B"], 13)
    c.drawCentredString(sx, SIGNER_BOX[3] + 30, "TM. HỘI ĐỒNG NHÂN DÂN")
    c.drawCentredString(sx, SIGNER_BOX[3] + 14, "CHỦ TỊCH")
    c.drawCentredString(sx, SIGNER_BOX[1] - 18, t.chair_name)

    c.setFont(f["B"], 11)
    c.drawString(LEFT, SIGNER_BOX[3] + 30, "Nơi nhận:")
    c.setFont(f["R"], 10)
    for i, line in enumerate(("- Như Điều …;", "- Thường trực HĐND;", "- Lưu: VT.")):
        c.drawString(LEFT, SIGNER_BOX[3] + 16 - 12 * i, line)

    size = 70
    _draw_qr(c, t.verify_url, LEFT, BOTTOM + 14, size)
    c.setFont(f["R"], 7.5)
    c.drawString(LEFT + size + 8, BOTTOM + 60, "Kiểm tra văn bản này:")
    for i, part in enumerate(textwrap.wrap(t.verify_url, 70)):
        c.drawString(LEFT + size + 8, BOTTOM + 50 - 9 * i, part)
    c.showPage()
    c.save()
    return buf.getvalue()


def srgb_icc() -> bytes:
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _pdf_date(when: datetime) -> str:
    return when.strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp(title: str, author: str, subject: str, when: datetime) -> bytes:
    from xml.sax.saxutils import escape

    iso = when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
   <pdfaid:part>2</pdfaid:part>
   <pdfaid:conformance>B</pdfaid:conformance>
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{escape(author)}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{escape(subject)}</rdf:li></rdf:Alt></dc:description>
   <xmp:CreateDate>{iso}</xmp:CreateDate>
   <xmp:ModifyDate>{iso}</xmp:ModifyDate>
   <xmp:CreatorTool>Kỳ họp số</xmp:CreatorTool>
   <pdf:Producer>Kỳ họp số (ReportLab, pypdf)</pdf:Producer>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def _unembedded_fonts(reader: PdfReader, first_page: int) -> list[str]:
    missing: set[str] = set()
    for page in reader.pages[first_page:]:
        resources = page.get("/Resources")
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            desc_font = font
            if font.get("/Subtype") == "/Type0":
                desc_font = font["/DescendantFonts"][0].get_object()
            desc = desc_font.get("/FontDescriptor")
            desc = desc.get_object() if desc is not None else None
            if font.get("/Subtype") == "/Type3":
                continue
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2",
                                                           "/FontFile3")):
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
    return sorted(missing)


def make_official_pdf(text: OfficialText, body: bytes | None) -> OfficialPdf:
    """Cover page + the final text's pages, as PDF/A-2b (see module doc), no fields yet."""
    body_reader = PdfReader(io.BytesIO(body)) if body else None
    text.body_pages = len(body_reader.pages) if body_reader else 0
    cover = PdfReader(io.BytesIO(_cover(text)))
    writer = PdfWriter()
    writer.append(cover)
    findings: list[str] = []
    if body_reader is not None:
        writer.append(body_reader, import_outline=False)
        for page in writer.pages[1:]:
            for key in ("/Annots", "/AA"):
                if key in page:
                    del page[key]  # no links, notes or page actions in the archive copy
        missing = _unembedded_fonts(body_reader, 0)
        if missing:
            findings.append("fonts not embedded in the final text: " + ", ".join(missing))
    when = datetime.now(UTC).replace(microsecond=0)
    author = text.council_name
    writer.add_metadata({"/Title": text.title, "/Author": author, "/Subject": text.number_line,
                         "/Creator": "Kỳ họp số", "/Producer": "Kỳ họp số (ReportLab, pypdf)",
                         "/CreationDate": _pdf_date(when), "/ModDate": _pdf_date(when)})
    root = writer._root_object
    for key in ("/OpenAction", "/AA", "/Names", "/AcroForm"):
        if key in root:
            del root[key]
    meta = DecodedStreamObject()
    meta.set_data(_xmp(text.title, author, text.number_line, when))
    meta.update({NameObject("/Type"): NameObject("/Metadata"),
                 NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(meta)
    icc = DecodedStreamObject()
    icc.set_data(srgb_icc())
    icc[NameObject("/N")] = NumberObject(3)
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/Info"): TextStringObject("sRGB IEC61966-2.1"),
        NameObject("/DestOutputProfile"): writer._add_object(icc),
    })
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])
    root[NameObject("/Lang")] = TextStringObject("vi-VN")
    writer.pdf_header = b"%PDF-1.7"  # PDF/A-2 builds on ISO 32000-1 (PDF 1.7)
    writer.generate_file_identifiers()  # the trailer /ID PDF/A requires
    out = io.BytesIO()
    writer.write(out)
    # pypdf writes the binary comment line after the header and a file /ID, as PDF/A asks.
    return OfficialPdf(out.getvalue(), len(writer.pages), findings)
