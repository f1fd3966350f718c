import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from paperless.pdf import Note, export_with_notes
from paperless.pdf.annotate import parse_colour

from .helpers import blank_pdf, corpus_bytes, to_bytes

COMMENT = "Đề nghị sửa Điều 3: “tăng mức hỗ trợ” cho hộ nghèo"


def annots(data: bytes) -> list[list[dict]]:
    reader = PdfReader(io.BytesIO(data))
    return [[a.get_object() for a in page.get("/Annots") or []] for page in reader.pages]


def test_highlight_and_comment_round_trip(multipage_pdf) -> None:
    notes = [
        Note(page=1, kind="highlight", rect=(100, 600, 300, 615), text="Điểm cần lưu ý"),
        Note(
            page=3,
            kind="comment",
            rect=(120, 500, 140, 520),
            text=COMMENT,
            colour="#2196f3",
            author="Trần Thị Bình",
            created=datetime(2026, 11, 23, 3, 0, tzinfo=UTC),
        ),
    ]
    pages = annots(export_with_notes(multipage_pdf, notes))
    assert len(pages) == 4 and pages[1] == [] and pages[3] == []

    (highlight,) = pages[0]
    assert highlight["/Subtype"] == "/Highlight"
    assert highlight["/Contents"] == "Điểm cần lưu ý"
    assert [float(v) for v in highlight["/QuadPoints"]] == [100, 615, 300, 615, 100, 600, 300, 600]
    assert [round(float(v), 2) for v in highlight["/C"]] == [1.0, 0.92, 0.23]  # default yellow
    assert "/N" in highlight["/AP"]

    by_type = {a["/Subtype"]: a for a in pages[2]}
    assert set(by_type) == {"/Text", "/Popup"}
    text, popup = by_type["/Text"], by_type["/Popup"]
    assert text["/Contents"] == COMMENT
    assert text["/T"] == "Trần Thị Bình"
    assert text["/M"] == "D:20261123030000Z"
    assert [round(float(v), 3) for v in text["/C"]] == [0.129, 0.588, 0.953]
    assert text["/Popup"].get_object() == popup
    assert popup["/Parent"].get_object()["/Contents"] == COMMENT


def test_existing_annotations_are_kept() -> None:
    data = corpus_bytes("annotated_pdf.pdf")
    before = len(annots(data)[0])
    out = export_with_notes(data, [Note(1, "highlight", (10, 10, 50, 20), "mới")])
    assert len(annots(out)[0]) == before + 1


def test_no_notes_is_a_clean_copy(small_pdf) -> None:
    assert annots(export_with_notes(small_pdf, [])) == [[], []]


def test_rect_corners_are_normalised(small_pdf) -> None:
    out = export_with_notes(small_pdf, [Note(2, "highlight", (300, 615, 100, 600), "x")])
    assert [float(v) for v in annots(out)[1][0]["/Rect"]] == [100, 600, 300, 615]


@pytest.mark.parametrize(
    "note",
    [
        Note(page=0, kind="highlight", rect=(0, 0, 1, 1)),
        Note(page=3, kind="comment", rect=(0, 0, 1, 1)),
        Note(page=1, kind="ink", rect=(0, 0, 1, 1)),  # type: ignore[arg-type]
    ],
)
def test_invalid_notes_raise(note) -> None:
    with pytest.raises(ValueError):
        export_with_notes(to_bytes(blank_pdf(2)), [note])


def test_parse_colour() -> None:
    assert parse_colour("#ff0000", "highlight") == (1.0, 0.0, 0.0)
    assert parse_colour("0f0", "comment") == (0.0, 1.0, 0.0)
    assert parse_colour((0.2, 2, -1), "comment") == (0.2, 1.0, 0.0)
    with pytest.raises(ValueError):
        parse_colour("#12", "highlight")
