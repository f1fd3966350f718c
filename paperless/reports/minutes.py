"""Biên bản kỳ họp (the minutes of a meeting) as a PDF: pure, from a `MinutesData`.

A4 portrait, Decree 30 style header, embedded Noto Sans. The top margin of page 1 is left
free for the organisation's signature and the signer's place is measured while the PDF is
laid out, so signature fields land exactly there (`to_pdf` returns the box).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

from paperless.domain import clock

from .questioning import markup

TITLE = "BIÊN BẢN KỲ HỌP"

SECTION_TITLES = {
    "opening": "Khai mạc, thành phần tham dự (ghi chú của thư ký)",
    "discussion": "Tóm tắt ý kiến thảo luận",
    "conclusion": "Kết luận và bế mạc",
}


@dataclass
class SittingRecord:
    number: int
    started_at: datetime | None
    ended_at: datetime | None
    total: int  # delegates serving (N)
    present: list[str] = field(default_factory=list)
    excused: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)
    absent: list[str] = field(default_factory=list)
    unmarked: list[str] = field(default_factory=list)


@dataclass
class SpeakerRecord:
    name: str
    kind_label: str
    seconds: int | None


@dataclass
class VoteRecord:
    title: str
    kind_label: str
    round: int
    status_label: str
    statement: list[str] = field(default_factory=list)
    note: str = ""


@dataclass
class ItemRecord:
    number: str
    title: str
    presenter: str = ""
    depth: int = 0
    speakers: list[SpeakerRecord] = field(default_factory=list)
    votes: list[VoteRecord] = field(default_factory=list)
    opinions: list[str] = field(default_factory=list)  # one summary line per draft


@dataclass
class QuestionRecord:
    number: int
    authors: list[str]
    official: str
    text: str
    outcome: str
    answer: str = ""


@dataclass
class Seal:
    seq: int
    hash: str
    at: datetime


@dataclass
class MinutesData:
    council: str
    meeting: str
    kind_label: str
    place: str
    start_date: date
    end_date: date
    term: str = ""
    sittings: list[SittingRecord] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)
    unplanned_speakers: list[SpeakerRecord] = field(default_factory=list)
    questions: list[QuestionRecord] = field(default_factory=list)
    resolutions: list[str] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    secretary: str = ""
    chair: str = ""
    seal: Seal | None = None
    generated_at: datetime | None = None
    time_zone: str = clock.DEFAULT_ZONE  # the council's: every time printed is read there


def duration(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, rest = divmod(max(int(seconds), 0), 60)
    return f"{minutes} phút {rest:02d} giây" if minutes else f"{rest} giây"


def _d(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def _t(value: datetime | None, zone: str) -> str:
    return clock.clock_text(value, zone)


def council_upper(name: str) -> str:
    """"Hội đồng nhân dân xã Tân Phú" -> ("HỘI ĐỒNG NHÂN DÂN", "XÃ TÂN PHÚ")."""
    prefix = "hội đồng nhân dân"
    if name.lower().startswith(prefix):
        return "HỘI ĐỒNG NHÂN DÂN", name[len(prefix):].strip().upper()
    return name.upper(), ""


def to_pdf(data: MinutesData) -> tuple[bytes, tuple[int, tuple[float, float, float, float]]]:
    """The PDF, and where the signer's signature goes: (page index, (x1, y1, x2, y2))."""
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        Flowable,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from .fonts import register_serif
    from .questioning import _numbered_canvas_class

    serif = register_serif()
    regular, bold = serif["R"], serif["B"]
    base = ParagraphStyle("base", fontName=regular, fontSize=11, leading=15, alignment=TA_JUSTIFY)
    center = ParagraphStyle("center", parent=base, alignment=TA_CENTER)
    center_bold = ParagraphStyle("center_bold", parent=center, fontName=bold)
    title = ParagraphStyle("title", parent=center_bold, fontSize=15, leading=20, spaceBefore=8)
    heading = ParagraphStyle("heading", parent=base, fontName=bold, spaceBefore=8, spaceAfter=3)
    sub = ParagraphStyle("sub", parent=base, fontName=bold, fontSize=10.5, spaceBefore=4)
    small = ParagraphStyle("small", parent=base, fontSize=9.5, leading=12.5)
    bullet = ParagraphStyle("bullet", parent=base, leftIndent=14, bulletIndent=4)
    seal_style = ParagraphStyle("seal", parent=small, textColor="#333333", spaceBefore=10,
                                alignment=TA_LEFT)

    def p(text: str, style=base) -> Paragraph:
        return Paragraph(markup(text), style)

    def b(text: str) -> Paragraph:
        return Paragraph(markup(text), bullet, bulletText="–")

    left1, left2 = council_upper(data.council)
    header = Table([[p(left1, center_bold), p("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", center_bold)],
                    [p(left2, center_bold), p("Độc lập - Tự do - Hạnh phúc", center_bold)]],
                   colWidths=[70 * mm, 105 * mm])
    header.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 11),
                                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                                ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    story: list = [header, Spacer(0, 4 * mm), p(TITLE, title), p(data.meeting, center_bold)]
    if data.seal is None:
        story.append(p("(Dự thảo — chưa hoàn tất)", center))
    story.append(Spacer(0, 4 * mm))

    numbering = iter(["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"])

    def section(text: str) -> None:
        story.append(p(f"{next(numbering)}. {text}", heading))

    def free_text(key: str) -> None:
        text = (data.sections.get(key) or "").strip()
        if text:
            for para in text.replace("\r\n", "\n").split("\n\n"):
                story.append(p(para))

    section("Thời gian, địa điểm")
    when = _d(data.start_date) if data.start_date == data.end_date else \
        f"từ ngày {_d(data.start_date)} đến ngày {_d(data.end_date)}"
    story.append(p(f"{data.kind_label} của {data.council}"
                   + (f", nhiệm kỳ {data.term}" if data.term else "") + f", họp {when}"
                   + (f" tại {data.place}." if data.place else ".")))
    free_text("opening")

    section("Thành phần tham dự (điểm danh theo từng phiên họp)")
    if not data.sittings:
        story.append(p("Chưa có phiên họp nào được khai mạc."))
    for s in data.sittings:
        story.append(p(f"Phiên họp thứ {s.number}"
                       + (f" (bắt đầu lúc {_t(s.started_at, data.time_zone)})" if s.started_at else ""), sub))
        story.append(p(f"Tổng số đại biểu: {s.total}. Có mặt: {len(s.present)}; vắng có lý do: "
                       f"{len(s.excused)}; vắng không lý do: {len(s.absent)}; chưa điểm danh: "
                       f"{len(s.unmarked)}."))
        if s.present:
            story.append(p("Đại biểu có mặt: " + ", ".join(s.present) + ".", small))
        if s.excused:
            story.append(p("Đại biểu vắng có lý do: " + "; ".join(
                f"{name} ({reason})" if reason else name for name, reason in s.excused) + ".",
                small))
        if s.absent:
            story.append(p("Đại biểu vắng không lý do: " + ", ".join(s.absent) + ".", small))
        if s.unmarked:
            story.append(p("Đại biểu chưa điểm danh: " + ", ".join(s.unmarked) + ".", small))

    section("Chương trình kỳ họp")
    for item in data.items:
        story.append(Paragraph(markup(f"{item.number}. {item.title}"
                                      + (f" ({item.presenter})" if item.presenter else "")),
                               ParagraphStyle(f"agenda{item.depth}", parent=base,
                                              leftIndent=14 * (item.depth + 1))))

    section("Diễn biến: phát biểu và biểu quyết theo từng nội dung")
    anything = False
    for item in data.items:
        if not (item.speakers or item.votes or item.opinions):
            continue
        anything = True
        story.append(p(f"{item.number}. {item.title}", sub))
        for sp in item.speakers:
            story.append(b(f"{sp.name} — {sp.kind_label}"
                           + (f", {duration(sp.seconds)}" if sp.seconds is not None else "")))
        for v in item.votes:
            story.append(p(f"{v.kind_label}: {v.title}"
                           + (f" (vòng {v.round})" if v.round > 1 else "")
                           + f" — {v.status_label}", sub))
            for line in v.statement:
                story.append(b(line))
            if v.note:
                story.append(b(v.note))
        for line in item.opinions:
            story.append(b(line))
    if data.unplanned_speakers:
        anything = True
        story.append(p("Ngoài các nội dung của chương trình", sub))
        for sp in data.unplanned_speakers:
            story.append(b(f"{sp.name} — {sp.kind_label}, {duration(sp.seconds)}"))
    if not anything:
        story.append(p("Không có lượt phát biểu hay biểu quyết nào được ghi nhận."))
    free_text("discussion")

    section("Chất vấn và trả lời chất vấn")
    if not data.questions:
        story.append(p("Không có câu hỏi chất vấn."))
    for q in data.questions:
        story.append(p(f"Câu hỏi {q.number}. {', '.join(q.authors)} hỏi {q.official}:", sub))
        story.append(p(q.text))
        story.append(p(f"Kết quả: {q.outcome}." + (f" Trả lời: {q.answer}" if q.answer else ""),
                       small))

    section("Nghị quyết đã thông qua")
    if data.resolutions:
        for line in data.resolutions:
            story.append(b(line))
    else:
        story.append(p("Không có nghị quyết được ghi nhận trong hệ thống."))

    section("Kết luận")
    free_text("conclusion")
    if not (data.sections.get("conclusion") or "").strip():
        story.append(p("Kỳ họp bế mạc."))

    seal_text = (f"Biên bản lập lúc {_t(data.generated_at, data.time_zone)}." if data.generated_at else "")
    if data.seal is not None:
        seal_text += (f" Niêm phong nhật ký không thể sửa của hệ thống: đến mục số "
                      f"{data.seal.seq}, mã băm SHA-256 của đầu chuỗi {data.seal.hash} "
                      f"(lúc {_t(data.seal.at, data.time_zone)}).")
    story.append(p(seal_text.strip(), seal_style))

    place: dict = {}

    class SignaturePlace(Flowable):
        """Blank room for the signer's visible signature; remembers where it was drawn."""

        def __init__(self, width: float, height: float):
            super().__init__()
            self.width, self.height = width, height

        def wrap(self, *_args):
            return self.width, self.height

        def draw(self):
            x, y = self.canv.absolutePosition(0, 0)
            place["page"] = self.canv.getPageNumber()
            place["box"] = (x, y, x + self.width, y + self.height)

    signer_width = 72 * mm
    signatures = Table(
        [[p("THƯ KÝ KỲ HỌP", center_bold),
          p("TM. HỘI ĐỒNG NHÂN DÂN" + "\n" + "CHỦ TỌA KỲ HỌP", center_bold)],
         [Spacer(0, 30 * mm), SignaturePlace(signer_width, 32 * mm)],
         [p(data.secretary, center_bold), p(data.chair, center_bold)]],
        colWidths=[80 * mm, signer_width + 10 * mm])
    signatures.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), regular, 11),
                                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                    ("ALIGN", (0, 0), (-1, -1), "CENTER")]))
    story += [Spacer(0, 6 * mm), KeepTogether([signatures])]

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=25 * mm, rightMargin=18 * mm,
                            topMargin=24 * mm, bottomMargin=20 * mm,
                            title=f"{TITLE} — {data.meeting}", author=data.council,
                            subject="Biên bản kỳ họp", creator="Kỳ họp số", lang="vi",
                            initialFontName=regular)
    footer = f"Biên bản — {data.meeting}"
    doc.build(story, canvasmaker=_numbered_canvas_class(regular, footer[:140]))
    pdf = out.getvalue()
    return pdf, (place.get("page", 1) - 1, place.get("box", (340, 120, 545, 210)))
