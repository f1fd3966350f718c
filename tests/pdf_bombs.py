"""Small hostile PDFs that expand enormously when read (for the upload tests).

Written by hand (objects + xref) so nothing on the way normalises them.
"""

from __future__ import annotations

import functools
import zlib


def _pdf(objects: list[bytes]) -> bytes:
    """objects[i] is the body of object i+1; object 1 must be the catalog."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + \
        b"\nendstream"


@functools.lru_cache(maxsize=8)
def _zeros_twice_deflated(size: int) -> bytes:
    """`size` zero bytes, deflated twice: 1 GB becomes a few hundred bytes.

    Built in seconds, not by compressing gigabytes: after a full flush, every 16 MiB block
    of zeros deflates to the same bytes, so one block is repeated and the Adler-32 of the
    whole computed alongside.
    """
    chunk = b"\0" * (1 << 24)
    blocks, rest = divmod(size, len(chunk))

    def flushed(data: bytes) -> bytes:
        raw = zlib.compressobj(9, zlib.DEFLATED, -15)
        return raw.compress(data) + raw.flush(zlib.Z_FULL_FLUSH)

    checksum = 1
    for _ in range(blocks):
        checksum = zlib.adler32(chunk, checksum)
    checksum = zlib.adler32(chunk[:rest], checksum)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty last block
    inner = (b"\x78\xda" + flushed(chunk) * blocks + flushed(chunk[:rest]) + final
             + checksum.to_bytes(4, "big"))
    return zlib.compress(inner, 9)


def content_bomb(gigabytes: int = 2) -> bytes:
    """A page whose content stream inflates to `gigabytes` GB of zeros."""
    data = _zeros_twice_deflated(gigabytes << 30)
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        _stream(b"/Filter [/FlateDecode /FlateDecode]", data),
    ])


def image_bomb(side: int = 40_000) -> bytes:
    """A page drawing a side × side RGB image (4.8 GB decoded at 40,000) from a few KB."""
    data = _zeros_twice_deflated(side * side * 3)
    draw = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
        _stream(b"", draw),
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                b"/BitsPerComponent 8 /Filter [/FlateDecode /FlateDecode]" % (side, side),
                data),
    ])


def page_bomb(pages: int = 200_000) -> bytes:
    """`pages` pages sharing one small content stream, all in one flat page tree."""
    first_page = 4
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        _stream(b"", b"BT /F1 12 Tf 72 720 Td (Trang) Tj ET"),
    ]
    page = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
            b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
            b">> >> >> >>")
    objects += [page] * pages
    return _pdf(objects)


def nesting_bomb(depth: int = 200_000) -> bytes:
    """An array nested `depth` deep in the page dictionary (recursive parsers overflow)."""
    deep = b"[" * depth + b"]" * depth
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Junk " + deep + b" >>",
    ])




def signature_field_bomb(fields: int = 3_000, contents_bytes: int = 2_000,
                         in_object_stream: bool = False) -> bytes:
    """One page with `fields` filled signature fields whose signatures are junk bytes.

    Validation walks every field for every signature, so the work grows with the square of
    `fields` (issue 14: 200 fields froze the server 17 s and took 800 MB; 3,000 went past
    17 GB). With `in_object_stream` the field dictionaries sit in a compressed object stream
    where a scan of the raw bytes cannot see them.
    """
    first_field = 4
    refs = b" ".join(b"%d 0 R" % (first_field + 2 * i) for i in range(fields))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [" + refs + b"] /SigFlags 3 >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Annots [" + refs + b"] >>",
    ]
    junk = (b"30820" + b"ab" * contents_bytes)[: 2 * contents_bytes]
    fields_bodies = []
    for i in range(fields):
        field = (b"<< /FT /Sig /T (Sig%d) /Type /Annot /Subtype /Widget /Rect [0 0 0 0] "
                 b"/F 132 /P 3 0 R /V %d 0 R >>" % (i, first_field + 2 * i + 1))
        signature = (b"<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /adbe.pkcs7.detached "
                     b"/ByteRange [0 10 20 30] /Contents <" + junk + b"> >>")
        fields_bodies += [field, signature]
    if not in_object_stream:
        return _pdf(objects + fields_bodies)
    return _pdf_with_object_stream(objects, fields_bodies, first_field)


def _pdf_with_object_stream(objects: list[bytes], packed: list[bytes], first: int) -> bytes:
    """objects as usual; `packed` (numbered from `first`) inside one /ObjStm, with an xref
    stream, as PDF 1.5 writers do."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    header, bodies = bytearray(), bytearray()
    for i, body in enumerate(packed):
        header += b"%d %d " % (first + i, len(bodies))
        bodies += body + b"\n"
    stream_number = first + len(packed)
    data = zlib.compress(bytes(header) + bytes(bodies))
    offsets_stream = len(out)
    out += (b"%d 0 obj\n" % stream_number + _stream(
        b"/Type /ObjStm /N %d /First %d /Filter /FlateDecode" % (len(packed), len(header)),
        data) + b"\nendobj\n")
    xref_number = stream_number + 1
    xref_offset = len(out)
    rows = [b"\x00\x00\x00\x00\xff\xff"]
    rows += [b"\x01" + offset.to_bytes(4, "big") + b"\x00" for offset in offsets]
    rows += [b"\x02" + stream_number.to_bytes(4, "big") + i.to_bytes(1, "big")
             if i < 256 else b"" for i in range(len(packed))]
    if len(packed) > 255:
        raise ValueError("at most 255 packed objects (one-byte index)")
    rows += [b"\x01" + offsets_stream.to_bytes(4, "big") + b"\x00",
             b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00"]
    out += (b"%d 0 obj\n" % xref_number + _stream(
        b"/Type /XRef /Size %d /W [1 4 1] /Root 1 0 R" % (xref_number + 1), b"".join(rows))
        + b"\nendobj\n")
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


BOMBS = {"content": content_bomb, "image": image_bomb, "pages": page_bomb,
         "nesting": nesting_bomb, "sigfields": signature_field_bomb,
         "sigfields200": functools.partial(signature_field_bomb, 200),
         "sigfields_packed": functools.partial(signature_field_bomb, 120, in_object_stream=True)}
