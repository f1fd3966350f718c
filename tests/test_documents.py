"""Session documents: checks by content, storage, versions, access, serving, notes, search."""

from __future__ import annotations

import io
import json
import os
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from paperless import db, pdf
from paperless.models import Document, DocumentPage, DocumentRead, DocumentVersion, Meeting
from paperless.services import councils, delegates, documents, meeting_status, users
from paperless.services.access import SYSTEM
from tests.conftest import CORPUS
from tests.pdf.helpers import make_docx
from tests.support import make_app, token_for
from tests.tools import need_tool

PDFS = CORPUS / "pdf"


def _corpus(name: str) -> bytes:
    return (PDFS / name).read_bytes()


def _expected_pages() -> dict[str, int]:
    """Page counts from files.json, for the corpus files that are actually present."""
    data = json.loads((PDFS / "files.json").read_text())["data"]
    listed = {os.path.basename(entry["path"]): entry["pages"] for entry in data}
    return {p.name: listed[p.name] for p in PDFS.glob("*.pdf")}


@pytest.fixture
def meeting_id(demo):
    return db.session.scalar(select(Meeting.id))


@pytest.fixture
def staff(client, demo):
    return token_for(client, "thuky")


def _upload(client, headers, meeting_id, data: bytes, name="tai-lieu.pdf", **form):
    return client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def _stored_counts(app):
    return (db.session.scalar(select(func.count()).select_from(Document)),
            db.session.scalar(select(func.count()).select_from(DocumentVersion)),
            db.session.scalar(select(func.count()).select_from(DocumentPage)),
            documents.store().count())


def test_every_corpus_pdf_is_accepted_with_its_page_count(app, client, staff, meeting_id):
    expected = _expected_pages()
    accepted = 0
    for name, pages in sorted(expected.items()):
        response = _upload(client, staff, meeting_id, _corpus(name), name=name)
        if name == "libreoffice-writer-password.pdf":
            assert response.status_code == 422, name
            error = response.get_json()["error"]
            assert error["code"] == "encrypted" and "mật khẩu" in error["message"]
            continue
        assert response.status_code == 201, (name, response.get_json())
        assert response.get_json()["current"]["page_count"] == pages, name
        accepted += 1
    assert accepted == len(expected) - 1


@pytest.mark.parametrize(("payload", "code"), [
    (b"", "empty_file"),
    (b"<!doctype html><html><body>Nghi quyet</body></html>", "not_a_pdf"),
    (os.urandom(4096), "not_a_pdf"),
    ("truncated", "damaged"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(app, client, staff, meeting_id,
                                                       payload, code):
    if payload == "truncated":
        whole = _corpus("pdflatex-4-pages.pdf")
        payload = whole[: len(whole) // 2]
    before = _stored_counts(app)
    response = _upload(client, staff, meeting_id, payload, name="tai-lieu.pdf")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code
    assert _stored_counts(app) == before


def test_oversized_upload_is_413_and_nothing_is_stored(database_url):
    app = make_app(database_url, MAX_DOCUMENT_BYTES=10_000, MAX_CONTENT_LENGTH=None)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
        client = app.test_client()
        headers = token_for(client, "thuky")
        before = _stored_counts(app)
        response = _upload(client, headers, db.session.scalar(select(Meeting.id)),
                           _corpus("pdflatex-4-pages.pdf"))
        assert response.status_code == 413
        assert response.get_json()["error"]["code"] == "too_large"
        assert _stored_counts(app) == before
    small = make_app(database_url, MAX_CONTENT_LENGTH=2048)
    response = small.test_client().post("/api/v1/meetings/1/documents", headers=headers,
                                        data={"file": (io.BytesIO(b"x" * 10_000), "a.pdf")},
                                        content_type="multipart/form-data")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_same_file_twice_is_stored_once(app, client, staff, meeting_id):
    data = _corpus("pdflatex-4-pages.pdf")
    first = _upload(client, staff, meeting_id, data, title="Bản 1").get_json()
    blobs = documents.store().count()
    second = _upload(client, staff, meeting_id, data, title="Bản 2").get_json()
    assert first["current"]["sha256"] == second["current"]["sha256"]
    assert documents.store().count() == blobs
    assert first["id"] != second["id"]


def test_word_documents_are_converted(app, client, staff, meeting_id):
    need_tool("soffice", "libreoffice-writer-nogui")
    docx = make_docx(["Dự thảo nghị quyết về dự toán ngân sách xã năm 2027"])
    response = _upload(client, staff, meeting_id, docx, name="du-thao.docx")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["current"]["converted_from"] == "docx" and body["title"] == "du-thao"
    hits = client.get(f"/api/v1/meetings/{meeting_id}/search?q=du toan ngan sach",
                      headers=staff).get_json()["results"]
    assert [h["document_id"] for h in hits] == [body["id"]]


def test_active_content_is_reported(app, client, staff, meeting_id):
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject("app.alert('x')")})
    buffer = io.BytesIO()
    writer.write(buffer)
    body = _upload(client, staff, meeting_id, buffer.getvalue()).get_json()
    kinds = {a["kind"] for a in body["current"]["active_content"]}
    assert "javascript" in kinds
    from tests.support import login

    page = login(client.application.test_client(), "thuky").get(f"/documents/{body['id']}")
    assert "Tệp có nội dung chủ động" in page.get_data(as_text=True)


# --- serving ----------------------------------------------------------------

@pytest.fixture
def published(app, client, staff, meeting_id):
    body = _upload(client, staff, meeting_id, _corpus("pdflatex-4-pages.pdf"),
                   title="Tờ trình dự toán").get_json()
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff, json={})
    return body


def test_etag_conditional_get_and_ranges(client, published):
    headers = token_for(client, "daibieu05")
    url = f"/api/v1/documents/{published['id']}/file"
    whole = client.get(url, headers=headers)
    assert whole.status_code == 200
    assert whole.headers["ETag"] == f'"{published["current"]["sha256"]}"'
    assert whole.headers["Accept-Ranges"] == "bytes"
    assert whole.data == _corpus("pdflatex-4-pages.pdf")
    assert "no-cache" in whole.headers["Cache-Control"]
    again = client.get(url, headers={**headers, "If-None-Match": whole.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    part = client.get(url + "?version=1", headers={**headers, "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.data == whole.data[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.data)}"
    assert "immutable" in part.headers["Cache-Control"]
    bad = client.get(url, headers={**headers, "Range": f"bytes={len(whole.data) + 10}-"})
    assert bad.status_code == 416


def test_x_accel_redirect_behind_nginx(database_url, published):
    app = make_app(database_url, X_ACCEL_PREFIX="/_blobs/")
    client = app.test_client()
    response = client.get(f"/api/v1/documents/{published['id']}/file",
                          headers=token_for(client, "daibieu05"))
    sha = published["current"]["sha256"]
    assert response.headers["X-Accel-Redirect"] == f"/_blobs/{sha[:2]}/{sha[2:]}"
    assert response.data == b""


def test_access_levels(app, client, staff, meeting_id):
    body = _upload(client, staff, meeting_id, _corpus("minimal-document.pdf"),
                   access="delegates").get_json()
    url = f"/api/v1/documents/{body['id']}/file"
    delegate = token_for(client, "daibieu09")
    # unpublished: invisible to delegates
    assert client.get(url, headers=delegate).status_code == 404
    client.post(f"/api/v1/documents/{body['id']}/publish", headers=staff)
    assert client.get(url, headers=delegate).status_code == 200
    guest = token_for(client, "khach")
    assert client.get(url, headers=guest).status_code == 403
    assert client.get(url, headers=token_for(client, "manhinh")).status_code == 403
    public = _upload(client, staff, meeting_id, _corpus("pdflatex-image.pdf"),
                     access="public").get_json()
    client.post(f"/api/v1/documents/{public['id']}/publish", headers=staff)
    assert client.get(f"/api/v1/documents/{public['id']}/file", headers=guest).status_code == 200
    listed = client.get(f"/api/v1/meetings/{meeting_id}/documents", headers=guest).get_json()
    assert [d["id"] for d in listed["documents"]] == [public["id"]]
    # a delegate of another council: 404
    other = councils.create_council(SYSTEM, name="HĐND xã Khác", level="xa", parent_id=None)
    term = councils.create_term(SYSTEM, other.id, name="2026–2031",
                                start_date=date(2026, 3, 15), end_date=None, seats=1)
    person = delegates.add_delegate(SYSTEM, term.id, full_name="Người ngoài", gender="nam")
    user = users.create_user(SYSTEM, username="ngoai", full_name="Người ngoài",
                             password="matkhau1")
    users.assign_role(SYSTEM, user, other.id, "delegate", person.id)
    outsider = token_for(client, "ngoai", "matkhau1")
    assert client.get(url, headers=outsider).status_code == 404
    assert client.get(f"/api/v1/meetings/{meeting_id}/documents",
                      headers=outsider).status_code == 404
    # delegates cannot upload or publish
    assert _upload(client, delegate, meeting_id, _corpus("minimal-document.pdf")
                   ).status_code == 403


def test_confidential_copies_carry_each_readers_name(app, client, staff, meeting_id):
    body = _upload(client, staff, meeting_id, _corpus("pdflatex-4-pages.pdf"),
                   access="confidential").get_json()
    client.post(f"/api/v1/documents/{body['id']}/publish", headers=staff)
    url = f"/api/v1/documents/{body['id']}/file"
    copies = {}
    for username, name in (("daibieu01", "Nguyễn Văn Hùng"), ("daibieu02", "Trần Thị Lan")):
        response = client.get(url, headers=token_for(client, username))
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-store"
        assert "ETag" not in response.headers
        reader = PdfReader(io.BytesIO(response.data))
        assert len(reader.pages) == 4
        for page in reader.pages:
            assert name in page.extract_text()
        copies[username] = response.data
    assert copies["daibieu01"] != copies["daibieu02"]
    assert "Trần Thị Lan" not in PdfReader(io.BytesIO(copies["daibieu01"])).pages[0].extract_text()
    reads = db.session.scalars(select(DocumentRead).where(
        DocumentRead.document_id == body["id"])).all()
    assert len(reads) == 2 and all(r.watermarked for r in reads)
    # officials never read confidential documents
    assert client.get(url, headers=token_for(client, "ubnd")).status_code == 403


def test_versions_and_notes_stay_on_their_version(app, client, staff, meeting_id, published):
    delegate = token_for(client, "daibieu03")
    doc_id = published["id"]
    note = client.post(f"/api/v1/documents/{doc_id}/notes", headers=delegate,
                       json={"page": 2, "kind": "comment", "rect": [72, 700, 90, 718],
                             "text": "Đề nghị làm rõ số liệu chi thường xuyên"})
    assert note.status_code == 201
    second = client.post(f"/api/v1/documents/{doc_id}/versions", headers=staff,
                         data={"file": (io.BytesIO(_corpus("pdflatex-outline.pdf")), "v2.pdf")},
                         content_type="multipart/form-data").get_json()
    assert second["current"]["number"] == 2 and len(second["versions"]) == 2
    v2 = client.get(f"/api/v1/documents/{doc_id}/notes", headers=delegate).get_json()["notes"]
    v1 = client.get(f"/api/v1/documents/{doc_id}/notes?version=1",
                    headers=delegate).get_json()["notes"]
    assert v2 == [] and [n["text"] for n in v1] == ["Đề nghị làm rõ số liệu chi thường xuyên"]
    earlier = client.get(f"/api/v1/documents/{doc_id}/file?version=1", headers=delegate)
    assert earlier.data == _corpus("pdflatex-4-pages.pdf")
    listed = client.get(f"/api/v1/meetings/{meeting_id}/documents",
                        headers=delegate).get_json()["documents"]
    assert listed[0]["unread"] is True  # version 2 not read yet


def test_notes_are_private_and_validated(app, client, published):
    mine = token_for(client, "daibieu03")
    other = token_for(client, "daibieu04")
    url = f"/api/v1/documents/{published['id']}/notes"
    made = client.post(url, headers=mine, json={"page": 1, "kind": "highlight",
                                                 "rect": [10, 10, 200, 30]}).get_json()
    assert client.get(url, headers=other).get_json()["notes"] == []
    assert client.delete(f"/api/v1/notes/{made['id']}", headers=other).status_code == 404
    assert client.patch(f"/api/v1/notes/{made['id']}", headers=other,
                        json={"text": "x"}).status_code == 404
    for bad in ({"page": 9, "kind": "highlight", "rect": [0, 0, 1, 1]},
                {"page": 1, "kind": "scribble", "rect": [0, 0, 1, 1]},
                {"page": 1, "kind": "comment", "rect": [0, 0, 1]},
                {"page": 1, "kind": "comment", "rect": "0,0,1,1"},
                {"page": 1, "kind": "comment", "rect": [0, 0, 1, 1], "colour": "red"},
                {"page": True, "kind": "comment", "rect": [0, 0, 1, 1]}):
        response = client.post(url, headers=mine, json=bad)
        assert response.status_code == 422, bad
    assert len(client.get(url, headers=mine).get_json()["notes"]) == 1
    exported = client.get(f"/api/v1/documents/{published['id']}/export", headers=mine)
    annots = PdfReader(io.BytesIO(exported.data)).pages[0]["/Annots"]
    assert [a.get_object()["/Subtype"] for a in annots] == ["/Highlight"]
    assert client.delete(f"/api/v1/notes/{made['id']}", headers=mine).status_code == 204


def test_search_is_insensitive_to_vietnamese_diacritics(app, client, staff, meeting_id):
    text = pdf.watermark_text("Dự thảo nghị quyết về đầu tư công", date(2026, 12, 1))
    stamped = pdf.watermark_pdf(_corpus("pdflatex-4-pages.pdf"), text)
    body = _upload(client, staff, meeting_id, stamped, title="Dự thảo").get_json()
    secret = _upload(client, staff, meeting_id, stamped, title="Bản mật",
                     access="confidential").get_json()
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff,
                json={"document_ids": [body["id"]]})
    guest_has_nothing = client.get(f"/api/v1/meetings/{meeting_id}/search?q=nghi quyet",
                                   headers=token_for(client, "khach")).get_json()["results"]
    assert guest_has_nothing == []
    delegate = token_for(client, "daibieu10")
    for query in ("nghi quyet", "NGHỊ QUYẾT", "dau tu cong", "Đầu Tư"):
        hits = client.get(f"/api/v1/meetings/{meeting_id}/search?q={query}",
                          headers=delegate).get_json()["results"]
        assert {h["document_id"] for h in hits} == {body["id"]}, query
        assert sorted(h["page"] for h in hits) == [1, 2, 3, 4]
    assert "nghị quyết" in hits[0]["snippet"]
    staff_hits = client.get(f"/api/v1/meetings/{meeting_id}/search?q=nghi quyet",
                            headers=staff).get_json()["results"]
    assert {h["document_id"] for h in staff_hits} == {body["id"], secret["id"]}
    assert client.get(f"/api/v1/meetings/{meeting_id}/search?q=%22%27)(*",
                      headers=delegate).status_code == 200


def test_publishing_tells_connected_tablets(app, client, staff, meeting_id):
    from paperless.extensions import socketio
    from tests.support import login

    delegate_http = login(app.test_client(), "daibieu11")
    guest_http = login(app.test_client(), "khach")
    tablet = socketio.test_client(app, flask_test_client=delegate_http)
    screen = socketio.test_client(app, flask_test_client=guest_http)
    assert tablet.is_connected() and screen.is_connected()
    assert tablet.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)["ok"]
    assert screen.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)["ok"]
    body = _upload(client, staff, meeting_id, _corpus("minimal-document.pdf"),
                   title="Báo cáo thẩm tra").get_json()
    assert tablet.get_received() == []  # not yet published
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff, json={})
    received = [m for m in tablet.get_received() if m["name"] == "event"]
    assert received[0]["args"][0]["name"] == "documents.published"
    assert received[0]["args"][0]["payload"]["documents"][0]["id"] == body["id"]
    assert screen.get_received() == []  # a delegates-only document is not the guest's news


def test_socket_refuses_strangers_and_other_councils(app, client, meeting_id):
    from paperless.extensions import socketio

    anonymous = socketio.test_client(app, flask_test_client=app.test_client())
    assert not anonymous.is_connected()
    outsider_user = users.create_user(SYSTEM, username="ngoai2", full_name="X",
                                      password="matkhau1")
    other = councils.create_council(SYSTEM, name="HĐND xã Xa", level="xa", parent_id=None)
    users.assign_role(SYSTEM, outsider_user, other.id, "guest")
    from tests.support import login

    outsider = socketio.test_client(app, flask_test_client=login(app.test_client(), "ngoai2",
                                                                 "matkhau1"))
    answer = outsider.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)
    assert answer["ok"] is False and answer["error"]["code"] == "not_found"
    for bad in (None, {}, {"meeting_id": "1"}, {"meeting_id": True}, [1], "x"):
        assert outsider.emit("meeting:join", bad, callback=True)["ok"] is False


def test_bag_page_groups_by_agenda_item(app, client, staff, meeting_id):
    meeting = db.session.get(Meeting, meeting_id)
    item = meeting.agenda_items[6]
    body = _upload(client, staff, meeting_id, _corpus("minimal-document.pdf"),
                   title="Dự thảo nghị quyết dự toán", agenda_item_id=str(item.id)).get_json()
    assert body["agenda_item_id"] == item.id
    meeting_status.set_status(SYSTEM, meeting_id, "published") if meeting.status == "draft" else None
    client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff, json={})
    from tests.support import login

    html = login(app.test_client(), "daibieu12").get(
        f"/meetings/{meeting_id}/documents").get_data(as_text=True)
    assert f'id="item-{item.id}"' in html and "Dự thảo nghị quyết dự toán" in html
    assert "Chưa đọc" in html


def test_offline_copies_and_ranges_are_not_reads(client, published):
    delegate = token_for(client, "daibieu07")
    url = f"/api/v1/documents/{published['id']}/file?version=1"
    client.get(url, headers={**delegate, "X-Paperless-Offline-Copy": "1"})
    client.get(url, headers={**delegate, "Range": "bytes=0-99"})
    listed = client.get(f"/api/v1/meetings/{published['meeting_id']}/documents",
                        headers=delegate).get_json()["documents"]
    assert listed[0]["unread"] is True
    client.get(url, headers=delegate)
    listed = client.get(f"/api/v1/meetings/{published['meeting_id']}/documents",
                        headers=delegate).get_json()["documents"]
    assert listed[0]["unread"] is False


def test_a_confidential_document_has_no_thumbnail_to_read(app, client, staff, meeting_id):
    """A picture of page 1 would be a copy without the reader's name and outside the read
    log: confidential documents show the placeholder, and the thumbnail route refuses."""
    body = _upload(client, staff, meeting_id, _corpus("pdflatex-4-pages.pdf"),
                   access="confidential").get_json()
    client.post(f"/api/v1/documents/{body['id']}/publish", headers=staff)
    assert body["current"]["thumbnail_url"] is None
    for who in (staff, token_for(client, "daibieu03")):
        response = client.get(f"/api/v1/documents/{body['id']}/thumbnail", headers=who)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "thumbnail_confidential"
    public = _upload(client, staff, meeting_id, _corpus("pdflatex-4-pages.pdf"),
                     access="public").get_json()
    assert public["current"]["thumbnail_url"]
    shown = client.get(public["current"]["thumbnail_url"], headers=staff)
    assert shown.status_code == 200 and shown.mimetype == "image/png"
    from tests.support import login

    html = login(app.test_client(), "thuky").get(
        f"/meetings/{meeting_id}/documents").get_data(as_text=True)
    assert f"/api/v1/documents/{public['id']}/thumbnail" in html
    assert f"/api/v1/documents/{body['id']}/thumbnail" not in html


def test_every_path_serving_a_confidential_document_logs_the_read(app, client, staff,
                                                                  meeting_id):
    """Ranges (even `bytes=0-`), the service worker's header and the export with notes each
    hand out a whole watermarked copy: each is logged; offline copies of a confidential
    document exist only when the council allows them (PAPERLESS_OFFLINE_CONFIDENTIAL)."""
    body = _upload(client, staff, meeting_id, _corpus("pdflatex-4-pages.pdf"),
                   access="confidential").get_json()
    client.post(f"/api/v1/documents/{body['id']}/publish", headers=staff)
    delegate = token_for(client, "daibieu03")
    url = f"/api/v1/documents/{body['id']}/file"

    def reads() -> int:
        db.session.expire_all()
        return db.session.scalar(select(func.count()).select_from(DocumentRead).where(
            DocumentRead.document_id == body["id"]))

    for headers in ({"Range": "bytes=0-"}, {"Range": "bytes=0-99"}):
        before = reads()
        response = client.get(url, headers={**delegate, **headers})
        assert response.status_code in (200, 206)
        assert reads() == before + 1, headers
    before = reads()
    refused = client.get(url, headers={**delegate, "X-Paperless-Offline-Copy": "1"})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "offline_not_allowed"
    assert reads() == before
    exported = client.get(f"/api/v1/documents/{body['id']}/export", headers=delegate)
    assert exported.status_code == 200 and reads() == before + 1

    allowing = make_app(app.config["DATABASE_URL"], OFFLINE_CONFIDENTIAL=True)
    with allowing.app_context():
        other = allowing.test_client()
        copy = other.get(url, headers={**token_for(other, "daibieu04"),
                                       "X-Paperless-Offline-Copy": "1"})
        assert copy.status_code == 200
    assert reads() == before + 2
