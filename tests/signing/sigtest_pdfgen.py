"""Build small resolution-like PDFs (Vietnamese text, embedded Noto Sans) for the tests."""

from __future__ import annotations

from io import BytesIO

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import PageObject, PdfFileWriter

from signing.stamp import DEFAULT_BOLD_FONT, DEFAULT_FONT

A4 = (0, 0, 595.28, 841.89)
# Where the generated last page leaves room for the chair's signature block.
SIGNATURE_PLACE = (330.0, 150.0, 540.0, 240.0)


def _line(engine, font: bytes, size: float, x: float, y: float, text: str, center=False) -> bytes:
    engine.font_size = size
    shaped = engine.shape(text)
    if center:
        x = x - shaped.x_advance * size / 2
    return b"BT %s %g Tf 1 0 0 1 %g %g Tm %s ET" % (font, size, x, y, shaped.graphics_ops)


def resolution_pdf(pages: int = 1, commune: str = "XÃ AN BÌNH") -> bytes:
    w = PdfFileWriter()
    reg = GlyphAccumulatorFactory(DEFAULT_FONT).create_font_engine(w)
    bold = GlyphAccumulatorFactory(DEFAULT_BOLD_FONT).create_font_engine(w)
    res = generic.DictionaryObject(
        {
            pdf_name("/Font"): generic.DictionaryObject(
                {pdf_name("/F1"): reg.as_resource(), pdf_name("/F2"): bold.as_resource()}
            )
        }
    )
    for i in range(pages):
        ops = []
        if i == 0:
            ops += [
                _line(bold, b"/F2", 11, 150, 765, "HỘI ĐỒNG NHÂN DÂN", center=True),
                _line(bold, b"/F2", 11, 150, 750, commune, center=True),
                _line(
                    bold, b"/F2", 10, 420, 765, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center=True
                ),
                _line(bold, b"/F2", 10, 420, 750, "Độc lập - Tự do - Hạnh phúc", center=True),
                _line(reg, b"/F1", 11, 150, 725, "Số: 12/NQ-HĐND", center=True),
                _line(bold, b"/F2", 14, 297, 680, "NGHỊ QUYẾT", center=True),
                _line(
                    bold, b"/F2", 11, 297, 660, "Về việc phê chuẩn kế hoạch năm 2025", center=True
                ),
                _line(bold, b"/F2", 11, 297, 630, f"HỘI ĐỒNG NHÂN DÂN {commune}", center=True),
                _line(bold, b"/F2", 11, 297, 615, "KHÓA XII, KỲ HỌP THỨ 3", center=True),
            ]
            y = 590
        else:
            y = 780
        body = [
            "Căn cứ Luật Tổ chức chính quyền địa phương;",
            "Xét Tờ trình của Ủy ban nhân dân xã; ý kiến thảo luận của đại biểu;",
            f"Trang {i + 1}: nội dung nghị quyết được trình bày ở đây.",
        ]
        if i == pages - 1:
            body += [
                "QUYẾT NGHỊ:",
                "Điều 1. Thông qua kế hoạch năm 2025.",
                "Nghị quyết này đã được Hội đồng nhân dân xã thông qua ngày 01/7/2025.",
            ]
        for text in body:
            ops.append(_line(reg, b"/F1", 12, 85, y, text))
            y -= 22
        if i == pages - 1:
            ops.append(_line(bold, b"/F2", 11, 435, 255, "TM. HỘI ĐỒNG NHÂN DÂN", center=True))
        stream = w.add_object(generic.StreamObject(stream_data=b"\n".join(ops)))
        w.insert_page(PageObject(contents=stream, media_box=A4, resources=res))
    out = BytesIO()
    w.write(out)
    return out.getvalue()
