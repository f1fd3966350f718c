"""Visible signature blocks per Decree 30/2020/NĐ-CP, drawn as PDF vector content.

* Signer block (blue): position, optional handwritten-signature image, name,
  "Ký bởi: …" and the signing time.
* Organisation block (top right of page 1): red round seal (vector, generated
  from the organisation's name, or a caller-supplied PNG) plus the
  organisation's name and the signing time in ISO 8601, Vietnam time.

* Resolutions (Decree 30 on the original): at the signature place, the chair's
  handwritten-signature image (`signature_image_stamp`) and the council's red seal at
  actual size overlapping its left third, with the organisation's name and the signing
  time (`seal_stamp`); electronic copies and attachments: the organisation's text-only
  signature at the top right of page 1, Times 10 black (`copy_stamp`).

Text goes through HarfBuzz with an embedded subset of an OpenType font (Liberation Serif,
the Times New Roman twin Decree 30 asks for, by default): the 14 standard PDF fonts
cannot show Vietnamese diacritics. Font programs are parsed once per process and each
glyph set is subset once (signing.fonts).
"""

from __future__ import annotations

import math
import os
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.content import ResourceType
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import BasePdfFileWriter
from pyhanko.stamp import TextStampStyle
from pyhanko.stamp.base import BaseStamp

from .errors import StampError

NOTO_DIR = Path("/usr/share/fonts/truetype/noto")
SERIF_DIR = Path("/usr/share/fonts/truetype/liberation2")
DEFAULT_FONT = str(SERIF_DIR / "LiberationSerif-Regular.ttf")
DEFAULT_BOLD_FONT = str(SERIF_DIR / "LiberationSerif-Bold.ttf")
# Deployments may point these at another Unicode TTF/OTF (e.g. Times New Roman).
FONT_ENV = "SIGNING_FONT"
BOLD_FONT_ENV = "SIGNING_FONT_BOLD"

VIETNAM_TZ = timezone(timedelta(hours=7), "ICT")
BLUE = (0.0, 0.2, 0.7)
RED = (0.85, 0.05, 0.05)
BLACK = (0.0, 0.0, 0.0)
# pyHanko formats the signing time with this and hands us the string; we parse it
# back so we can show it in Vietnam time with a colon in the offset.
_TS_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


@dataclass(frozen=True)
class FontConfig:
    """Paths of the regular and bold fonts used in visible signatures."""

    regular: str = field(default_factory=lambda: os.environ.get(FONT_ENV, DEFAULT_FONT))
    bold: str | None = field(
        default_factory=lambda: os.environ.get(BOLD_FONT_ENV, DEFAULT_BOLD_FONT)
    )

    def checked(self) -> FontConfig:
        """Return a config whose files exist; a missing bold face falls back to regular."""
        if not Path(self.regular).is_file():
            raise StampError(
                f"font file {self.regular} not found (install fonts-liberation2 or set {FONT_ENV})",
                code="font_missing",
            )
        bold = self.bold if self.bold and Path(self.bold).is_file() else self.regular
        return FontConfig(self.regular, bold)


def iso_vietnam_time(ts: datetime, tz: timezone | str | None = VIETNAM_TZ) -> str:
    """ISO 8601 with offset, e.g. 2025-07-01T10:15:30+07:00 (Decree 30 asks for VN time);
    ``tz`` may be an IANA name (the council's zone)."""
    if isinstance(tz, str) or tz is None:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(tz) if tz else VIETNAM_TZ
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.astimezone(tz).isoformat(timespec="seconds")


@dataclass(frozen=True)
class _Line:
    text: str
    bold: bool = False
    size: float = 8.0
    color: tuple[float, float, float] = BLACK


class _BlockStamp(BaseStamp):
    """Draws lines of text, an optional image and an optional vector seal in a fixed box."""

    def __init__(self, writer: BasePdfFileWriter, style, box: layout.BoxConstraints, ts: str):
        super().__init__(writer=writer, style=style, box=box)
        fonts = style.fonts.checked()
        from .fonts import font_engine

        cached = getattr(style, "cache_fonts", True)
        try:
            self._engines = {
                False: font_engine(fonts.regular, writer, cached=cached),
                True: font_engine(fonts.bold, writer, cached=cached),
            }
        except Exception as exc:
            raise StampError(f"cannot load font: {exc}", code="font_missing") from exc
        for engine in self._engines.values():
            engine.shape(" ")  # a font with no glyph at all cannot be written (image-only stamps)
        self.set_resource(ResourceType.FONT, pdf_name("/FR"), self._engines[False].as_resource())
        self.set_resource(ResourceType.FONT, pdf_name("/FB"), self._engines[True].as_resource())
        try:
            when = datetime.strptime(ts, _TS_FORMAT)
        except ValueError:
            when = datetime.now(UTC)
        self.signing_time = iso_vietnam_time(when, getattr(style, "time_zone", None))

    # -- text helpers --------------------------------------------------------
    def _shape(self, text: str, bold: bool, size: float):
        engine = self._engines[bold]
        # Td offsets inside the shaped ops are scaled by the engine's font size.
        engine.font_size = size
        res = engine.shape(unicodedata.normalize("NFC", text))
        return res.graphics_ops, res.x_advance * size

    def _text_width(self, text: str, bold: bool, size: float) -> float:
        return self._shape(text, bold, size)[1]

    def _fit(self, line: _Line, width: float, min_size: float = 5.5) -> list[_Line]:
        """Shrink a line to ``width``; below ``min_size`` wrap it at spaces instead."""
        w = self._text_width(line.text, line.bold, line.size)
        if w <= width:
            return [line]
        size = line.size * width / w
        if size >= min_size or " " not in line.text:
            return [_Line(line.text, line.bold, max(size, 1.0), line.color)]
        words = line.text.split(" ")
        out, cur = [], ""
        for word in words:
            cand = f"{cur} {word}".strip()
            if cur and self._text_width(cand, line.bold, line.size) > width:
                out.append(cur)
                cur = word
            else:
                cur = cand
        out.append(cur)
        result: list[_Line] = []
        for part in out:
            result.extend(self._fit(_Line(part, line.bold, line.size, line.color), width, 1.0))
        return result

    def _text_at(self, text: str, bold: bool, size: float, color, x: float, y: float) -> bytes:
        ops, _ = self._shape(text, bold, size)
        font = b"/FB" if bold else b"/FR"
        x, y = _rounded(x, y)
        return b"q %g %g %g rg BT %s %g Tf 1 0 0 1 %g %g Tm %s ET Q" % (
            *color,
            font,
            size,
            x,
            y,
            ops,
        )

    def _lines_block(
        self, lines: list[_Line], x: float, width: float, y_top: float, align: str
    ) -> tuple[list[bytes], float]:
        """Render lines downward from ``y_top``; return ops and the y below the last line."""
        ops = []
        y = y_top
        for line in lines:
            y -= line.size * 1.05
            w = self._text_width(line.text, line.bold, line.size)
            lx = x + (width - w) / 2 if align == "center" else x
            ops.append(self._text_at(line.text, line.bold, line.size, line.color, lx, y))
            y -= line.size * 0.3
        return ops, y

    @staticmethod
    def _height(lines: list[_Line]) -> float:
        return sum(line.size * 1.35 for line in lines)

    def _image(self, path: str, x: float, y: float, w: float, h: float) -> bytes:
        width, height, xobject = _image_xobject(path, self.writer)
        # keep the aspect ratio inside the w x h slot, centred
        scale = min(w / width, h / height)
        iw, ih = width * scale, height * scale
        name = "/Im" + "".join(c for c in Path(path).stem if c.isalnum())[:20]
        self.set_resource(ResourceType.XOBJECT, pdf_name(name), xobject)
        return b"q %g 0 0 %g %g %g cm %s Do Q" % (
            iw,
            ih,
            x + (w - iw) / 2,
            y + (h - ih) / 2,
            name.encode("ascii"),
        )

    # -- seal ------------------------------------------------------------------
    @staticmethod
    def _circle(cx: float, cy: float, r: float) -> bytes:
        k = 0.5523 * r  # cubic Bezier approximation of a quarter circle
        cx, cy, r, k = _rounded(cx, cy, r, k)
        return (
            b"%g %g m %g %g %g %g %g %g c %g %g %g %g %g %g c "
            b"%g %g %g %g %g %g c %g %g %g %g %g %g c h"
            % (
                cx + r,
                cy,
                cx + r,
                cy + k,
                cx + k,
                cy + r,
                cx,
                cy + r,
                cx - k,
                cy + r,
                cx - r,
                cy + k,
                cx - r,
                cy,
                cx - r,
                cy - k,
                cx - k,
                cy - r,
                cx,
                cy - r,
                cx + k,
                cy - r,
                cx + r,
                cy - k,
                cx + r,
                cy,
            )
        )

    def _arc_text(
        self, text: str, cx: float, cy: float, radius: float, size: float, top: bool
    ) -> list[bytes]:
        """Glyph by glyph along an arc: clockwise over the top, left-to-right under the bottom."""
        chars = list(unicodedata.normalize("NFC", text))
        spacing = size * 0.08
        widths = [self._text_width(c, True, size) + spacing for c in chars]
        total = sum(widths)
        span = total / radius
        ops = []
        s = 0.0
        for ch, w in zip(chars, widths, strict=True):
            mid = (s + w / 2) / radius
            if top:
                theta = math.pi / 2 + span / 2 - mid
                phi = theta - math.pi / 2
            else:
                theta = 3 * math.pi / 2 - span / 2 + mid
                phi = theta + math.pi / 2
            # rounded: "%g" would write 6.1e-17, which is no PDF number
            c, sn = round(math.cos(phi), 6) + 0.0, round(math.sin(phi), 6) + 0.0
            half = (w - spacing) / 2
            x = cx + radius * math.cos(theta) - half * c
            y = cy + radius * math.sin(theta) - half * sn
            glyph_ops, _ = self._shape(ch, True, size)
            ops.append(
                b"BT /FB %g Tf %g %g %g %g %g %g Tm %s ET"
                % (*_rounded(size, c, sn, -sn, c, x, y), glyph_ops)
            )
            s += w
        return ops

    def _seal(self, name: str, cx: float, cy: float, r: float) -> list[bytes]:
        top, bottom = _split_seal_text(name)
        ring = r * 0.66
        band = r - ring
        size = band * 0.52
        ops = [b"q %g %g %g RG %g %g %g rg" % (*RED, *RED)]
        ops.append(b"%g w %s S" % (r * 0.05, self._circle(cx, cy, r - r * 0.025)))
        ops.append(b"%g w %s S" % (r * 0.02, self._circle(cx, cy, ring)))
        # shrink the font if the name would run around more than ~200 degrees
        for text in (top, bottom):
            if text:
                w = self._text_width(text, True, size) * 1.1
                limit = (ring + band / 2) * math.radians(200 if text is top else 140)
                if w > limit:
                    size *= limit / w
        cap = size * 0.72
        ops.extend(self._arc_text(top, cx, cy, ring + (band - cap) / 2, size, True))
        if bottom:
            ops.extend(self._arc_text(bottom, cx, cy, ring + (band + cap) / 2, size, False))
        ops.append(_star(cx, cy, ring * 0.55))
        ops.append(b"Q")
        return ops

    # -- layout ----------------------------------------------------------------
    def _render_inner_content(self):
        return self.style.layout(self)


_IMAGES: dict[tuple[str, int], tuple[int, int, bytes, bytes | None]] = {}


def _encoded_image(path: str) -> tuple[int, int, bytes, bytes | None]:
    """(width, height, RGB Flate data, alpha Flate data) of a PNG, encoded once per file."""
    import zlib

    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - Pillow is optional
        raise StampError("Pillow is needed for image stamps", code="image_missing") from exc
    try:
        key = (path, Path(path).stat().st_mtime_ns)
        cached = _IMAGES.get(key)
        if cached is not None:
            return cached
        with Image.open(path) as img:
            img = img.convert("RGBA")
            alpha = img.getchannel("A")
            rgb = img.convert("RGB")
            cached = (img.width, img.height, zlib.compress(rgb.tobytes()),
                      zlib.compress(alpha.tobytes()) if alpha.getextrema()[0] < 255 else None)
    except OSError as exc:
        raise StampError(f"cannot open image {path}: {exc}", code="image_missing") from exc
    if len(_IMAGES) > 32:
        _IMAGES.clear()
    _IMAGES[key] = cached
    return cached


def _image_xobject(path: str, writer):
    """The image (with its transparency as a soft mask) as XObjects on ``writer``."""
    from pyhanko.pdf_utils import generic

    width, height, rgb, alpha = _encoded_image(path)

    def xobject(data: bytes, colour: str, extra: dict | None = None):
        return writer.add_object(generic.StreamObject({
            pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Image"),
            pdf_name("/Width"): generic.NumberObject(width),
            pdf_name("/Height"): generic.NumberObject(height),
            pdf_name("/ColorSpace"): pdf_name(colour),
            pdf_name("/BitsPerComponent"): generic.NumberObject(8),
            pdf_name("/Filter"): pdf_name("/FlateDecode"), **(extra or {})},
            encoded_data=data))

    extra = {pdf_name("/SMask"): xobject(alpha, "/DeviceGray")} if alpha else None
    return width, height, xobject(rgb, "/DeviceRGB", extra)


def _rounded(*values: float) -> tuple[float, ...]:
    """Numbers "%g" writes as PDF numbers: 3.5e-15 would be an operator, not a number."""
    return tuple(round(v, 4) + 0.0 for v in values)


def _split_seal_text(name: str) -> tuple[str, str]:
    """Put the organisation type on the top arc and the place on the bottom one."""
    name = " ".join(name.upper().split())
    for prefix in ("HỘI ĐỒNG NHÂN DÂN", "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"):
        if name.startswith(prefix) and len(name) > len(prefix):
            return prefix, name[len(prefix) :].strip()
    words = name.split(" ")
    if len(words) < 4:
        return name, ""
    half = len(name) / 2
    acc = 0
    for i, word in enumerate(words):
        acc += len(word) + 1
        if acc >= half:
            return " ".join(words[: i + 1]), " ".join(words[i + 1 :])
    return name, ""


def _star(cx: float, cy: float, r: float) -> bytes:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.4
        a = math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    pts = [_rounded(*p) for p in pts]
    path = b"%g %g m " % pts[0] + b" ".join(b"%g %g l" % p for p in pts[1:])
    return path + b" h f"


@dataclass(frozen=True)
class SignerStampStyle(TextStampStyle):
    """Blue block for the person signing (e.g. the chair), placed at the signature place."""

    signer_name: str = ""
    position: str = ""
    signature_image: str | None = None
    fonts: FontConfig = field(default_factory=FontConfig)
    color: tuple[float, float, float] = BLUE
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT
    time_zone: str | None = None

    def create_stamp(self, writer, box, text_params):
        return _BlockStamp(writer, self, box, text_params.get("ts", ""))

    def layout(self, st: _BlockStamp) -> list[bytes]:
        w, h = st.box.width, st.box.height
        pad = 3.0
        inner = w - 2 * pad
        head = (
            st._fit(_Line(self.position.upper(), True, 10, self.color), inner)
            if self.position
            else []
        )
        name = st._fit(_Line(self.signer_name, True, 10, self.color), inner)
        meta = []
        for text in (f"Ký bởi: {self.signer_name}", f"Thời gian ký: {st.signing_time}"):
            meta.extend(st._fit(_Line(text, False, 7.5, self.color), inner))
        ops, y = st._lines_block(head, pad, inner, h - pad, "center")
        bottom_h = st._height(name) + st._height(meta)
        if self.signature_image:
            slot = y - pad - bottom_h
            if slot > 4:
                ops.append(st._image(self.signature_image, pad, pad + bottom_h, inner, slot))
            y_name = pad + bottom_h
        else:
            # no image: centre name + details in the space left under the position
            y_name = pad + bottom_h + max(0.0, (y - pad - bottom_h) / 2)
        more, y2 = st._lines_block(name, pad, inner, y_name, "center")
        ops.extend(more)
        more, _ = st._lines_block(meta, pad, inner, y2, "center")
        ops.extend(more)
        return ops


@dataclass(frozen=True)
class OrganisationStampStyle(TextStampStyle):
    """Red seal + organisation name + ISO 8601 signing time (top right of page 1)."""

    organisation_name: str = ""
    seal_image: str | None = None
    fonts: FontConfig = field(default_factory=FontConfig)
    text_color: tuple[float, float, float] = BLACK
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT
    time_zone: str | None = None

    def create_stamp(self, writer, box, text_params):
        return _BlockStamp(writer, self, box, text_params.get("ts", ""))

    def layout(self, st: _BlockStamp) -> list[bytes]:
        w, h = st.box.width, st.box.height
        pad = 2.0
        d = min(h - 2 * pad, w * 0.4)
        ops: list[bytes] = []
        if self.seal_image:
            ops.append(st._image(self.seal_image, pad, (h - d) / 2, d, d))
        else:
            ops.extend(st._seal(self.organisation_name, pad + d / 2, h / 2, d / 2))
        tx = pad + d + 5
        inner = w - tx - pad
        lines = st._fit(_Line(f"Ký bởi: {self.organisation_name}", True, 8, self.text_color), inner)
        lines += st._fit(_Line("Thời gian ký:", False, 7.5, self.text_color), inner)
        lines += st._fit(_Line(st.signing_time, False, 7.5, self.text_color), inner)
        top = h / 2 + st._height(lines) / 2
        more, _ = st._lines_block(lines, tx, inner, top, "left")
        ops.extend(more)
        return ops


def signer_stamp(
    signer_name: str,
    position: str,
    *,
    fonts: FontConfig | None = None,
    signature_image: str | None = None,
    time_zone: str | None = None,
) -> SignerStampStyle:
    """Style for the signer's block, e.g. ``signer_stamp("Nguyễn Văn A", "Chủ tịch")``."""
    fonts = (fonts or FontConfig()).checked()
    if signature_image and not Path(signature_image).is_file():
        raise StampError(f"image {signature_image} not found", code="image_missing")
    return SignerStampStyle(
        signer_name=signer_name, position=position, fonts=fonts, signature_image=signature_image,
        time_zone=time_zone,
    )


def organisation_stamp(
    organisation_name: str,
    *,
    fonts: FontConfig | None = None,
    seal_image: str | None = None,
    time_zone: str | None = None,
) -> OrganisationStampStyle:
    """Style for the organisation's block: generated red seal unless ``seal_image`` (PNG) given."""
    fonts = (fonts or FontConfig()).checked()
    if seal_image and not Path(seal_image).is_file():
        raise StampError(f"image {seal_image} not found", code="image_missing")
    return OrganisationStampStyle(
        organisation_name=organisation_name, fonts=fonts, seal_image=seal_image,
        time_zone=time_zone,
    )


@dataclass(frozen=True)
class SignatureImageStyle(TextStampStyle):
    """The signer's field at a resolution's signature place: only the handwritten-signature
    image (blue, transparent PNG), centred between the title and the name that the text
    already carries; without an image, a clear blue placeholder."""

    signature_image: str | None = None
    fonts: FontConfig = field(default_factory=FontConfig)
    color: tuple[float, float, float] = BLUE
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT
    time_zone: str | None = None
    cache_fonts: bool = True

    def create_stamp(self, writer, box, text_params):
        return _BlockStamp(writer, self, box, text_params.get("ts", ""))

    def layout(self, st: _BlockStamp) -> list[bytes]:
        w, h = st.box.width, st.box.height
        if self.signature_image:
            return [st._image(self.signature_image, 4, 2, w - 8, h - 4)]
        inner = w * 0.7
        lines = st._fit(_Line("Đã ký số", True, 12, self.color), inner)
        lines += st._fit(_Line("(chưa có ảnh chữ ký)", False, 7, self.color), inner)
        lines += st._fit(_Line(st.signing_time, False, 7, self.color), inner)
        block = st._height(lines)
        x0, y0 = (w - inner) / 2 - 6, max((h - block) / 2 - 4, 1)
        frame = b"q %g %g %g RG 0.6 w [2 2] 0 d %g %g %g %g re S Q" % (
            *self.color, x0, y0, inner + 12, min(block + 8, h - 2))
        ops, _ = st._lines_block(lines, (w - inner) / 2, inner, y0 + block + 4, "center")
        return [frame, *ops]


@dataclass(frozen=True)
class SealStampStyle(TextStampStyle):
    """The organisation's field on the original: the red seal at actual size (a PNG, or one
    drawn from the name) in the top square of the box, its name and the signing time under
    it. Placed to overlap the left third of the signer's image (paperless.pdf.official)."""

    organisation_name: str = ""
    seal_image: str | None = None
    fonts: FontConfig = field(default_factory=FontConfig)
    text_color: tuple[float, float, float] = BLACK
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT
    time_zone: str | None = None
    cache_fonts: bool = True

    def create_stamp(self, writer, box, text_params):
        return _BlockStamp(writer, self, box, text_params.get("ts", ""))

    def layout(self, st: _BlockStamp) -> list[bytes]:
        w, h = st.box.width, st.box.height
        d = min(w, h)
        ops: list[bytes] = []
        if self.seal_image:
            ops.append(st._image(self.seal_image, (w - d) / 2, h - d, d, d))
        else:
            ops.extend(st._seal(self.organisation_name, w / 2, h - d / 2, d / 2 * 0.98))
        lines = st._fit(_Line(self.organisation_name, True, 5.5, self.text_color), w * 0.88,
                        min_size=4.5)
        lines += st._fit(_Line(st.signing_time, False, 5.5, self.text_color), w * 0.88,
                         min_size=4.5)
        # left-aligned under the seal: its right part is where the signer's name is printed
        more, _ = st._lines_block(lines, 0, w, max(h - d, st._height(lines)), "left")
        ops.extend(more)
        return ops


@dataclass(frozen=True)
class CopyStampStyle(TextStampStyle):
    """Electronic copies (sao y, sao lục, trích sao) and attachments: the organisation's
    signature at the top right of page 1 — form of copy, organisation, time; no image;
    Times 10, black."""

    form: str = "SAO Y"
    organisation_name: str = ""
    fonts: FontConfig = field(default_factory=FontConfig)
    text_color: tuple[float, float, float] = BLACK
    border_width: int = 0
    timestamp_format: str = _TS_FORMAT
    time_zone: str | None = None
    cache_fonts: bool = True

    def create_stamp(self, writer, box, text_params):
        return _BlockStamp(writer, self, box, text_params.get("ts", ""))

    def layout(self, st: _BlockStamp) -> list[bytes]:
        w, h = st.box.width, st.box.height
        lines = st._fit(_Line(self.form, True, 10, self.text_color), w)
        lines += st._fit(_Line(self.organisation_name, False, 10, self.text_color), w)
        lines += st._fit(_Line(f"Thời gian ký: {st.signing_time}", False, 10,
                               self.text_color), w)
        ops, _ = st._lines_block(lines, 0, w, h, "left")
        return ops


def _checked_image(path: str | None) -> None:
    if path and not Path(path).is_file():
        raise StampError(f"image {path} not found", code="image_missing")


def signature_image_stamp(signature_image: str | None = None, *, fonts: FontConfig | None = None,
                          time_zone: str | None = None,
                          cache_fonts: bool = True) -> SignatureImageStyle:
    """The signer's field at the signature place (image only; placeholder without one)."""
    _checked_image(signature_image)
    return SignatureImageStyle(signature_image=signature_image,
                               fonts=(fonts or FontConfig()).checked(), time_zone=time_zone,
                               cache_fonts=cache_fonts)


def seal_stamp(organisation_name: str, *, seal_image: str | None = None,
               fonts: FontConfig | None = None, time_zone: str | None = None,
               cache_fonts: bool = True) -> SealStampStyle:
    """The organisation's field on the original (red seal, name, ISO 8601 time)."""
    _checked_image(seal_image)
    return SealStampStyle(organisation_name=organisation_name, seal_image=seal_image,
                          fonts=(fonts or FontConfig()).checked(), time_zone=time_zone,
                          cache_fonts=cache_fonts)


def copy_stamp(organisation_name: str, form: str = "SAO Y", *, fonts: FontConfig | None = None,
               time_zone: str | None = None, cache_fonts: bool = True) -> CopyStampStyle:
    """The organisation's text-only field on electronic copies and attachments."""
    return CopyStampStyle(form=form, organisation_name=organisation_name,
                          fonts=(fonts or FontConfig()).checked(), time_zone=time_zone,
                          cache_fonts=cache_fonts)


# Latin, Vietnamese (precomposed and combining marks), general punctuation, the đồng sign.
VIETNAMESE_UNICODES = [
    *range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00),
    *range(0x2000, 0x2070), 0x20AB, 0x2212, 0x25CC,
]


def vietnamese_font_subset(source: str, target: str | Path) -> Path:
    """Write a copy of ``source`` reduced to Latin + Vietnamese (with its layout features).

    A stamp embeds a subset of its font on every signature; fontTools then decompiles the
    whole font's layout tables, which for Noto Sans (thousands of glyphs, many scripts)
    is most of the signing time. Starting from this small font gives the same glyphs and
    shaping for Vietnamese text in a fraction of the time.
    """
    from fontTools import subset

    target = Path(target)
    options = subset.Options()
    # the default features (ccmp, locl, mark, mkmk, kern, liga…) place Vietnamese marks
    options.layout_scripts = ["latn", "DFLT"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(source, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=VIETNAMESE_UNICODES)
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    subset.save_font(font, str(tmp), options)
    tmp.replace(target)
    return target


def vietnamese_fonts(cache_dir: str | Path, fonts: FontConfig | None = None) -> FontConfig:
    """:class:`FontConfig` of Vietnamese subsets of ``fonts`` (default Noto Sans), made once
    into ``cache_dir`` and reused; falls back to the full fonts if subsetting fails."""
    fonts = (fonts or FontConfig()).checked()
    cache_dir = Path(cache_dir)
    out = []
    for path in (fonts.regular, fonts.bold):
        src = Path(path)
        target = cache_dir / f"{src.stem}-vi-{int(src.stat().st_mtime)}{src.suffix}"
        try:
            out.append(str(target if target.is_file() else vietnamese_font_subset(path, target)))
        except Exception:  # an odd font: keep the full one, it still works (slower)
            out.append(str(src))
    return FontConfig(out[0], out[1])
