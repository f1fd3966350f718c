import hashlib
import os

import pytest
from pypdf import PageObject
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from paperless.pdf import PdfRejected, inspect_pdf

from .helpers import (
    ENCRYPTED_CORPUS_FILE,
    blank_pdf,
    corpus_bytes,
    corpus_files,
    expected_pages,
    to_bytes,
)

MAX = 50_000_000
_FILES = corpus_files()
_CORPUS_PARAMS = [pytest.param(p, id=p.name) for p in _FILES]
assert len(_CORPUS_PARAMS) >= 25, "tests/data/corpus/pdf lost its files"


def rejected(data: bytes, **kwargs) -> PdfRejected:
    with pytest.raises(PdfRejected) as info:
        inspect_pdf(data, max_bytes=kwargs.pop("max_bytes", MAX), **kwargs)
    return info.value


# -- the corpus ---------------------------------------------------------------


@pytest.mark.parametrize("path", _CORPUS_PARAMS)
def test_corpus_file_accepted_with_page_count(path) -> None:
    data = path.read_bytes()
    if path.name == ENCRYPTED_CORPUS_FILE:
        err = rejected(data)
        assert err.code == "encrypted"
        assert "mật khẩu" in err.message_vi
        return
    info = inspect_pdf(data, max_bytes=MAX)
    assert info.page_count == expected_pages()[path.name]
    assert len(info.page_texts) == info.page_count
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("path", _CORPUS_PARAMS)
def test_corpus_file_truncated_is_damaged(path) -> None:
    data = path.read_bytes()
    assert rejected(data[: len(data) // 2]).code == "damaged"


def test_corpus_text_and_metadata() -> None:
    info = inspect_pdf(corpus_bytes("google-doc-document.pdf"), max_bytes=MAX)
    assert info.title == "PDF Example Document"
    assert info.producer and "Skia" in info.producer
    assert info.page_texts[0].strip()
    assert not info.active_content


def test_corpus_attachment_and_form_are_reported() -> None:
    info = inspect_pdf(corpus_bytes("with-attachment.pdf"), max_bytes=MAX)
    assert "embedded_file" in {f.kind for f in info.active_content}
    forms = inspect_pdf(corpus_bytes("pdflatex-forms.pdf"), max_bytes=MAX)
    assert "submit_form" in {f.kind for f in forms.active_content}


def test_goto_open_action_is_not_flagged() -> None:
    # LibreOffice writes /OpenAction [page /XYZ ...]: navigation, not active content.
    info = inspect_pdf(corpus_bytes("002-trivial-libre-office-writer.pdf"), max_bytes=MAX)
    assert info.active_content == []


# -- refusals --------------------------------------------------------------------------


def test_empty_file() -> None:
    err = rejected(b"")
    assert err.code == "empty_file"
    assert err.message_vi and err.message_en


def test_too_large(small_pdf) -> None:
    err = rejected(small_pdf, max_bytes=len(small_pdf) - 1)
    assert err.code == "too_large"
    inspect_pdf(small_pdf, max_bytes=len(small_pdf))  # the limit itself is allowed


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            b"<!DOCTYPE html><html><head><title>Nghi quyet</title></head>"
            b"<body>Not a PDF</body></html>\n" * 20,
            id="html-renamed",
        ),
        pytest.param(os.urandom(4096), id="random-bytes"),
        pytest.param(b"PK\x03\x04" + os.urandom(500), id="zip"),
        pytest.param(b"%PDF-1.7\n" + b"hello world\n" * 50, id="header-only"),
        pytest.param(b" " * 2000 + b"%PDF-1.4\n", id="header-too-late"),
    ],
)
def test_not_a_pdf(data: bytes) -> None:
    assert rejected(data).code == "not_a_pdf"


def test_damaged_garbage_body_with_header_and_eof() -> None:
    data = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R >>\nendobj\n" + os.urandom(300)
    assert rejected(data + b"\n%%EOF\n").code == "damaged"


def test_truncated_self_made(small_pdf) -> None:
    assert rejected(small_pdf[: len(small_pdf) // 2]).code == "damaged"


def test_no_pages() -> None:
    assert rejected(to_bytes(blank_pdf(0))).code == "no_pages"


def test_user_password_is_encrypted(small_pdf) -> None:
    writer = blank_pdf(1)
    writer.encrypt(user_password="bimat", owner_password="chu", algorithm="RC4-128")
    err = rejected(to_bytes(writer))
    assert err.code == "encrypted"
    assert err.message_vi.startswith("Tệp PDF được bảo vệ bằng mật khẩu")


def test_owner_password_only_is_accepted() -> None:
    # Opens without a prompt in every viewer; only "permissions" are restricted.
    writer = blank_pdf(3)
    writer.encrypt(user_password="", owner_password="chu", algorithm="RC4-128")
    info = inspect_pdf(to_bytes(writer), max_bytes=MAX)
    assert info.page_count == 3
    assert info.owner_password_only


def test_leading_junk_before_header_is_tolerated(small_pdf) -> None:
    assert inspect_pdf(b"\r\n" * 10 + small_pdf, max_bytes=MAX).page_count == 2


# -- active content -----------------------------------------------------------------------


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    for key, value in entries.items():
        action[NameObject(f"/{key}")] = TextStringObject(value)
    return action


def _annot(writer, subtype: str, **extra) -> None:
    annot = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject(subtype),
            NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (10, 10, 50, 50)]),
        }
    )
    annot.update({NameObject(k): v for k, v in extra.items()})
    writer.add_annotation(0, annot)


def _kinds(writer) -> set[str]:
    info = inspect_pdf(to_bytes(writer), max_bytes=MAX)
    for finding in info.active_content:
        assert finding.description_vi and finding.count >= 1
    return {f.kind for f in info.active_content}


def test_document_javascript() -> None:
    # Document-level script in the /Names /JavaScript tree (built by hand: pypdf's
    # add_js helper was removed in pypdf 7).
    writer = blank_pdf()
    script = writer._add_object(_action("/JavaScript", JS="app.alert('xin chao');"))
    tree = DictionaryObject({NameObject("/Names"): ArrayObject([TextStringObject("init"), script])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)}
    )
    assert _kinds(writer) == {"javascript"}


def test_open_action_javascript() -> None:
    writer = blank_pdf()
    writer._root_object[NameObject("/OpenAction")] = _action("/JavaScript", JS="app.alert(1)")
    assert {"open_action", "javascript"} <= _kinds(writer)


def test_page_additional_actions() -> None:
    writer = blank_pdf()
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="this.print()")}
    )
    assert {"additional_actions", "javascript"} <= _kinds(writer)


def test_launch_action_in_link() -> None:
    writer = blank_pdf()
    _annot(writer, "/Link", **{"/A": _action("/Launch", F="cmd.exe")})
    assert _kinds(writer) == {"launch"}


def test_embedded_file() -> None:
    writer = blank_pdf()
    writer.add_attachment("bang-luong.xlsx", b"secret")
    assert _kinds(writer) == {"embedded_file"}


def test_file_attachment_annotation() -> None:
    writer = blank_pdf()
    _annot(writer, "/FileAttachment")
    assert _kinds(writer) == {"embedded_file"}


def test_rich_media_annotation() -> None:
    writer = blank_pdf()
    _annot(writer, "/RichMedia")
    assert _kinds(writer) == {"rich_media"}


def test_xfa_form() -> None:
    writer = blank_pdf()
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): ArrayObject()}
    )
    assert "xfa" in _kinds(writer)


def test_clean_pdf_has_no_findings(small_pdf) -> None:
    info = inspect_pdf(small_pdf, max_bytes=MAX)
    assert info.active_content == [] and not info.has_active_content


# -- text extraction bounds ------------------------------------------------------------------


def test_text_is_capped_per_page_and_in_total(multipage_pdf) -> None:
    info = inspect_pdf(multipage_pdf, max_bytes=MAX, max_text_per_page=100, max_text_total=250)
    assert [len(t) for t in info.page_texts] == [100, 100, 50, 0]
    assert info.text_truncated


def test_time_budget_stops_extraction(multipage_pdf) -> None:
    info = inspect_pdf(multipage_pdf, max_bytes=MAX, time_budget_s=0)
    assert info.page_count == 4 and info.text_truncated
    assert info.page_texts == ["", "", "", ""]


def test_failing_text_extraction_is_tolerated(multipage_pdf, monkeypatch) -> None:
    original = PageObject.extract_text
    calls = {"n": 0}

    def flaky(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyError("/Widths")  # what broken fonts typically raise
        return original(self, *args, **kwargs)

    monkeypatch.setattr(PageObject, "extract_text", flaky)
    info = inspect_pdf(multipage_pdf, max_bytes=MAX)
    assert info.page_count == 4
    assert info.text_failed_pages == [1]
    assert info.page_texts[1] == "" and info.page_texts[0]


def test_decompression_bomb_is_bounded() -> None:
    # A page whose content stream inflates far beyond our per-stream limit.
    import zlib

    from pypdf.generic import StreamObject

    from paperless.pdf._reader import MAX_DECODED_STREAM_BYTES

    writer = blank_pdf()
    bomb = StreamObject()
    bomb._data = zlib.compress(b" " * (MAX_DECODED_STREAM_BYTES + 1_000_000), 9)
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    writer.pages[0][NameObject("/Contents")] = writer._add_object(bomb)
    data = to_bytes(writer)
    assert len(data) < 200_000
    try:
        info = inspect_pdf(data, max_bytes=MAX)
    except PdfRejected as err:
        assert err.code == "too_complex"  # a decompression bomb, named as such
    else:  # tolerated, but the text must not have been inflated
        assert sum(len(t) for t in info.page_texts) <= 20_000
