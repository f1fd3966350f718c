"""The secretariat manages documents after upload (issue 16): a title apart from the file
name, renaming, moving to another agenda item, changing access, withdrawing with a reason —
by API and by page, with role checks, stable error codes, live events and hostile input.
Also the agenda's closing-item rule and editor routes, and absence reasons."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import agenda as agenda_rules
from paperless.domain import documents as document_rules
from paperless.domain import live as live_rules
from paperless.models import AgendaItem, AuditEntry, Document, Meeting
from paperless.services import documents
from paperless.services.access import SYSTEM
from tests.support import csrf_from, login, token_for
from tests.world import small_pdf


@pytest.fixture
def meeting_id(demo):
    return db.session.scalar(select(Meeting.id))


@pytest.fixture
def staff(client, demo):
    return token_for(client, "thuky")


def _upload(client, headers, meeting_id, data: bytes, name="to-trinh-v3-final.pdf", **form):
    return client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=headers,
                       data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def _published(client, staff, meeting_id, **form) -> dict:
    body = _upload(client, staff, meeting_id, small_pdf(), **form).get_json()
    client.post(f"/api/v1/documents/{body['id']}/publish", headers=staff)
    return body


def _items(meeting_id: int) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.parent_id.is_(None))
        .order_by(AgendaItem.position, AgendaItem.id)))


# --- pure rules -------------------------------------------------------------------------

def test_new_items_land_before_the_closing_item():
    titles = ["Khai mạc", "Tờ trình ngân sách", "Bế mạc kỳ họp"]
    assert agenda_rules.insertion_index(titles, "Chất vấn") == 2
    assert agenda_rules.insertion_index(titles, "  BẾ MẠC  ") == 3  # a closing item: the end
    assert agenda_rules.insertion_index(titles, "Chất vấn", top_level=False) == 3
    assert agenda_rules.insertion_index(["Khai mạc"], "Chất vấn") == 1
    assert agenda_rules.insertion_index([], "Chất vấn") == 0
    # Someone put an item after Bế mạc: new items still go before the closing item.
    assert agenda_rules.insertion_index(["Khai mạc", "Bế mạc", "Phụ lục"], "Chất vấn") == 1
    assert not agenda_rules.is_closing("Báo cáo bế mạc")  # only a title that starts with it


def test_document_rules_for_withdrawal_and_titles():
    assert document_rules.may_read({"delegate"}, "delegates", True)
    assert not document_rules.may_read({"delegate"}, "delegates", True, withdrawn=True)
    assert document_rules.may_read({"secretariat"}, "delegates", True, withdrawn=True)
    assert document_rules.clean_title("  Tờ  trình\n số 12 ") == "Tờ trình số 12"
    assert document_rules.clean_title("Tờ\x00 trình\x07") == "Tờ trình"
    assert document_rules.title_problem("x" * 301) == "too_long"
    assert document_rules.title_problem("\x00") == "required"
    assert len(document_rules.clean_title("x" * 1000)) == document_rules.TITLE_MAX
    assert document_rules.withdraw_reason_problem("  ") == "required"
    assert document_rules.withdraw_reason_problem(None) == "type"
    assert document_rules.withdraw_reason_problem("x" * 501) == "too_long"
    assert document_rules.withdraw_reason_problem("Thay bằng bản mới") is None
    assert document_rules.audiences_after_change("public", "delegates") == ["public", "delegates"]
    assert document_rules.audiences_after_change("public", "public") == ["public"]


def test_only_documents_read_without_a_watermark_have_a_thumbnail():
    assert document_rules.thumbnail_allowed("public")
    assert document_rules.thumbnail_allowed("delegates")
    assert not document_rules.thumbnail_allowed("confidential")


def test_absence_reason_rule():
    assert live_rules.attendance_reason("absent_excused", "  Đi   công tác ") == "Đi công tác"
    assert live_rules.attendance_reason("present", "Ốm") == ""
    assert live_rules.attendance_reason("absent_excused", "Ốm\x00") == "Ốm"
    assert live_rules.attendance_reason("absent", "Ốm") == ""
    with pytest.raises(live_rules.LiveRuleError) as refused:
        live_rules.attendance_reason("absent_excused", "   ")
    assert refused.value.code == "reason_required"


# --- upload: title apart from the file name; the refusal names the file once -------------

def test_title_is_separate_from_the_file_name(client, staff, meeting_id):
    body = _upload(client, staff, meeting_id, small_pdf(), title="Tờ trình dự toán 2027").get_json()
    assert body["title"] == "Tờ trình dự toán 2027"
    assert body["current"]["original_name"] == "to-trinh-v3-final.pdf"
    renamed = client.patch(f"/api/v1/documents/{body['id']}", headers=staff,
                           json={"title": "  Tờ trình   số 145/TTr-UBND "})
    assert renamed.status_code == 200, renamed.get_json()
    assert renamed.get_json()["title"] == "Tờ trình số 145/TTr-UBND"
    assert renamed.get_json()["current"]["original_name"] == "to-trinh-v3-final.pdf"


def test_refused_upload_names_the_file_once(app, client, staff, meeting_id):
    refused = _upload(client, staff, meeting_id, b"not a pdf at all", name="bao-cao.pdf")
    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert "bao-cao.pdf" not in error["message"]  # the reason only; the caller names the file
    assert error["details"]["file"] == "bao-cao.pdf"
    # The page without scripts names it exactly once per file.
    browser = login(app.test_client(), "thuky")
    page = browser.get(f"/meetings/{meeting_id}/documents").get_data(as_text=True)
    answer = browser.post(f"/meetings/{meeting_id}/documents", data={
        "csrf_token": csrf_from(page), "file": (io.BytesIO(b""), "rong.pdf")},
        content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert answer.count("rong.pdf") == 1
    assert "rong.pdf: Tệp rỗng" in answer


# --- PATCH /api/v1/documents/<id> -------------------------------------------------------

def test_move_and_change_access_with_checks(client, staff, meeting_id):
    body = _published(client, staff, meeting_id, title="Báo cáo thẩm tra")
    items = _items(meeting_id)
    moved = client.patch(f"/api/v1/documents/{body['id']}", headers=staff,
                         json={"agenda_item_id": items[2].id, "access": "public"})
    assert moved.status_code == 200, moved.get_json()
    assert moved.get_json()["agenda_item_id"] == items[2].id
    assert moved.get_json()["access"] == "public"
    guest = token_for(client, "khach")
    assert client.get(f"/api/v1/documents/{body['id']}", headers=guest).status_code == 200
    general = client.patch(f"/api/v1/documents/{body['id']}", headers=staff,
                           json={"agenda_item_id": None, "access": "delegates"})
    assert general.get_json()["agenda_item_id"] is None
    assert client.get(f"/api/v1/documents/{body['id']}", headers=guest).status_code == 403
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "documents.updated").order_by(AuditEntry.id.desc())).first()
    assert entry.details["changes"]["access"] == ["public", "delegates"]


@pytest.mark.parametrize(("change", "status", "code"), [
    ({"title": ""}, 422, "validation_error"),
    ({"title": "   \n "}, 422, "validation_error"),
    ({"title": 12}, 422, "validation_error"),
    ({"title": None}, 422, "validation_error"),
    ({"title": "x" * 301}, 422, "validation_error"),
    ({"title": "\x00\x01\u200b"[:2]}, 422, "validation_error"),
    ({"access": "everyone"}, 422, "validation_error"),
    ({"access": ["public"]}, 422, "validation_error"),
    ({"agenda_item_id": 2**31}, 422, "validation_error"),
    ({"agenda_item_id": -1}, 422, "validation_error"),
    ({"agenda_item_id": "1"}, 422, "validation_error"),
    ({"agenda_item_id": True}, 422, "validation_error"),
    ({"meeting_id": 1}, 422, "unknown_fields"),
    ({}, 422, "nothing_to_change"),
])
def test_hostile_changes_are_refused_and_nothing_changes(client, staff, meeting_id, change,
                                                         status, code):
    body = _published(client, staff, meeting_id, title="Tờ trình gốc")
    answer = client.patch(f"/api/v1/documents/{body['id']}", headers=staff, json=change)
    assert answer.status_code == status, answer.get_json()
    assert answer.get_json()["error"]["code"] == code
    document = db.session.get(Document, body["id"])
    db.session.refresh(document)
    assert (document.title, document.access, document.agenda_item_id) == \
        ("Tờ trình gốc", "delegates", None)


def test_not_json_and_an_item_of_another_meeting_are_refused(client, staff, meeting_id):
    body = _published(client, staff, meeting_id)
    assert client.patch(f"/api/v1/documents/{body['id']}", headers=staff, data="[1]",
                        content_type="application/json").get_json()["error"]["code"] == \
        "invalid_json"
    other = Meeting(council_id=db.session.get(Meeting, meeting_id).council_id,
                    term_id=db.session.get(Meeting, meeting_id).term_id, kind="chuyen_de",
                    title="Kỳ họp khác", start_date=db.session.get(Meeting, meeting_id).start_date,
                    end_date=db.session.get(Meeting, meeting_id).end_date)
    db.session.add(other)
    db.session.flush()
    foreign = AgendaItem(meeting_id=other.id, title="Mục của kỳ họp khác", kind="other",
                         position=0)
    db.session.add(foreign)
    db.session.commit()
    refused = client.patch(f"/api/v1/documents/{body['id']}", headers=staff,
                           json={"agenda_item_id": foreign.id})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["details"] == {"agenda_item_id": "invalid"}


@pytest.mark.parametrize("username", ["daibieu05", "khach", "ubnd", "manhinh", "chutoa"])
def test_only_managers_change_or_withdraw(client, staff, meeting_id, username):
    body = _published(client, staff, meeting_id, title="Tờ trình gốc")
    headers = token_for(client, username)
    assert client.patch(f"/api/v1/documents/{body['id']}", headers=headers,
                        json={"title": "Đổi tên"}).status_code == 403
    assert client.post(f"/api/v1/documents/{body['id']}/withdraw", headers=headers,
                       json={"reason": "x"}).status_code == 403
    assert db.session.get(Document, body["id"]).withdrawn_at is None
    assert client.patch(f"/api/v1/documents/{body['id']}",
                        json={"title": "Đổi tên"}).status_code == 401


# --- withdrawal ---------------------------------------------------------------------------

def test_withdrawal_removes_the_document_from_every_reader(client, staff, meeting_id):
    body = _published(client, staff, meeting_id, title="Tờ trình cũ")
    delegate = token_for(client, "daibieu05")
    listed = client.get(f"/api/v1/meetings/{meeting_id}/documents", headers=delegate)
    assert body["id"] in [d["id"] for d in listed.get_json()["documents"]]

    for bad, code in (({}, "validation_error"), ({"reason": "   "}, "reason_required"),
                      ({"reason": 5}, "validation_error"),
                      ({"reason": "x" * 501}, "validation_error")):
        refused = client.post(f"/api/v1/documents/{body['id']}/withdraw", headers=staff, json=bad)
        assert refused.status_code == 422 and refused.get_json()["error"]["code"] == code, bad
    assert db.session.get(Document, body["id"]).withdrawn_at is None

    done = client.post(f"/api/v1/documents/{body['id']}/withdraw", headers=staff,
                       json={"reason": "Thay bằng tờ trình đã chỉnh sửa"})
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["withdrawn_reason"] == "Thay bằng tờ trình đã chỉnh sửa"
    assert done.get_json()["withdrawn_at"]
    again = client.post(f"/api/v1/documents/{body['id']}/withdraw", headers=staff,
                        json={"reason": "lần nữa"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_withdrawn"

    listed = client.get(f"/api/v1/meetings/{meeting_id}/documents", headers=delegate)
    assert body["id"] not in [d["id"] for d in listed.get_json()["documents"]]
    for url in (f"/api/v1/documents/{body['id']}", f"/api/v1/documents/{body['id']}/file",
                f"/api/v1/documents/{body['id']}/file?version=1"):
        gone = client.get(url, headers=delegate)
        assert gone.status_code == 410, url
        assert gone.get_json()["error"]["code"] == "document_withdrawn"
    # Staff keep it for the record; it can no longer be changed, superseded or published.
    assert client.get(f"/api/v1/documents/{body['id']}", headers=staff).status_code == 200
    assert client.patch(f"/api/v1/documents/{body['id']}", headers=staff,
                        json={"title": "x"}).get_json()["error"]["code"] == "document_withdrawn"
    version = client.post(f"/api/v1/documents/{body['id']}/versions", headers=staff,
                          data={"file": (io.BytesIO(small_pdf()), "moi.pdf")},
                          content_type="multipart/form-data")
    assert version.status_code == 409
    assert client.get(f"/api/v1/meetings/{meeting_id}/search?q=lieu",
                      headers=staff).get_json()["results"] == []
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "documents.withdrawn")).one()
    assert entry.details["reason"] == "Thay bằng tờ trình đã chỉnh sửa"


def test_unpublished_withdrawn_document_is_never_published(client, staff, meeting_id):
    body = _upload(client, staff, meeting_id, small_pdf(), title="Nháp").get_json()
    client.post(f"/api/v1/documents/{body['id']}/withdraw", headers=staff,
                json={"reason": "Tải nhầm"})
    published = client.post(f"/api/v1/meetings/{meeting_id}/documents/publish", headers=staff,
                            json={}).get_json()["published"]
    assert body["id"] not in published
    assert db.session.get(Document, body["id"]).published_at is None


def test_bag_page_lists_withdrawn_documents_for_staff_only(app, client, staff, meeting_id):
    body = _published(client, staff, meeting_id, title="Tờ trình bị rút")
    documents.withdraw(SYSTEM, body["id"], "Thay thế")
    office = login(app.test_client(), "thuky").get(
        f"/meetings/{meeting_id}/documents").get_data(as_text=True)
    assert 'data-testid="withdrawn-documents"' in office and "Tờ trình bị rút" in office
    assert f'data-withdrawn-ids="{body["id"]}"' in office
    tablet = login(app.test_client(), "daibieu05").get(
        f"/meetings/{meeting_id}/documents").get_data(as_text=True)
    assert "Tờ trình bị rút" not in tablet
    # The ids (only) reach the tablet, so one that was offline forgets its copy.
    assert f'data-withdrawn-ids="{body["id"]}"' in tablet
    viewer = login(app.test_client(), "daibieu05").get(f"/documents/{body['id']}/view")
    assert viewer.status_code == 410


def test_pages_rename_and_withdraw_without_scripts(app, client, staff, meeting_id):
    body = _published(client, staff, meeting_id, title="Tờ trình")
    browser = login(app.test_client(), "thuky")
    page = browser.get(f"/documents/{body['id']}").get_data(as_text=True)
    assert "data-document-edit" in page and "data-confirm=" in page
    token = csrf_from(page)
    item = _items(meeting_id)[1]
    saved = browser.post(f"/documents/{body['id']}/edit", data={
        "csrf_token": token, "title": "Tờ trình số 145", "agenda_item_id": str(item.id),
        "access": "public"}, follow_redirects=True)
    assert saved.status_code == 200
    document = db.session.get(Document, body["id"])
    db.session.refresh(document)
    assert (document.title, document.agenda_item_id, document.access) == \
        ("Tờ trình số 145", item.id, "public")
    # A field the form did not send stays as it is.
    browser.post(f"/documents/{body['id']}/edit", data={"csrf_token": token,
                                                       "title": "Tờ trình số 146"})
    db.session.refresh(document)
    assert (document.title, document.agenda_item_id, document.access) == \
        ("Tờ trình số 146", item.id, "public")
    refused = browser.post(f"/documents/{body['id']}/withdraw",
                           data={"csrf_token": token, "reason": " "}, follow_redirects=True)
    assert "lý do" in refused.get_data(as_text=True)
    browser.post(f"/documents/{body['id']}/withdraw",
                 data={"csrf_token": token, "reason": "Trùng tài liệu"}, follow_redirects=True)
    db.session.refresh(document)
    assert document.withdrawn_reason == "Trùng tài liệu"
    delegate = login(app.test_client(), "daibieu05")
    assert delegate.post(f"/documents/{body['id']}/edit", data={
        "csrf_token": token, "title": "x"}).status_code in (400, 403)


# --- live events --------------------------------------------------------------------------

def test_open_tablets_hear_changes_and_withdrawals(app, client, staff, meeting_id):
    from paperless.extensions import socketio

    def events_of(socket):
        return [m["args"][0] for m in socket.get_received() if m["name"] == "event"]

    tablet = socketio.test_client(app, flask_test_client=login(app.test_client(), "daibieu11"))
    screen = socketio.test_client(app, flask_test_client=login(app.test_client(), "khach"))
    for socket in (tablet, screen):
        assert socket.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)["ok"]
    body = _published(client, staff, meeting_id, title="Báo cáo")
    tablet.get_received(), screen.get_received()

    client.patch(f"/api/v1/documents/{body['id']}", headers=staff, json={"title": "Báo cáo mới"})
    heard = events_of(tablet)
    assert [e["name"] for e in heard] == ["documents.changed"]
    assert heard[0]["payload"]["document"]["title"] == "Báo cáo mới"
    assert heard[0]["payload"]["changed"] == ["title"]
    assert events_of(screen) == []  # a delegates' document is not the guest's news

    client.patch(f"/api/v1/documents/{body['id']}", headers=staff, json={"access": "public"})
    assert [e["name"] for e in events_of(screen)] == ["documents.changed"]  # gains it
    tablet.get_received()
    client.patch(f"/api/v1/documents/{body['id']}", headers=staff, json={"access": "delegates"})
    assert [e["name"] for e in events_of(screen)] == ["documents.changed"]  # loses it
    tablet.get_received()

    client.post(f"/api/v1/documents/{body['id']}/withdraw", headers=staff,
                json={"reason": "Thay thế"})
    heard = events_of(tablet)
    assert [e["name"] for e in heard] == ["documents.withdrawn"]
    assert heard[0]["payload"] == {"meeting_id": meeting_id, "document_id": body["id"],
                                   "title": "Báo cáo mới", "reason": "Thay thế"}


# --- agenda editor routes -----------------------------------------------------------------

def test_agenda_api_adds_before_closing_moves_edits_and_deletes(client, staff, meeting_id):
    assert agenda_rules.is_closing(_items(meeting_id)[-1].title)
    added = client.post(f"/api/v1/meetings/{meeting_id}/agenda-items", headers=staff,
                        json={"title": "Thảo luận về đầu tư công trung hạn " * 6})
    assert added.status_code == 201
    item_id = added.get_json()["id"]
    titles = [i.title for i in _items(meeting_id)]
    assert agenda_rules.is_closing(titles[-1]) and titles[-2].startswith("Thảo luận")
    assert len(titles[-2]) > 200  # long titles are kept whole

    moved = client.post(f"/api/v1/agenda-items/{item_id}/move", headers=staff,
                        json={"direction": "up"})
    assert moved.status_code == 200
    numbers = {n["id"]: n["number"] for n in moved.get_json()["agenda"]}
    assert numbers[item_id] == str(len(titles) - 2)
    for bad in ({"direction": "left"}, {"direction": 1}, {}):
        assert client.post(f"/api/v1/agenda-items/{item_id}/move", headers=staff,
                           json=bad).status_code == 422

    before = db.session.get(AgendaItem, item_id)
    edited = client.patch(f"/api/v1/agenda-items/{item_id}", headers=staff,
                          json={"presenter": "Trưởng Ban Kinh tế - Xã hội"})
    assert edited.status_code == 200, edited.get_json()
    db.session.refresh(before)
    assert before.presenter == "Trưởng Ban Kinh tế - Xã hội"
    assert before.title.startswith("Thảo luận")  # untouched fields stay
    parent = _items(meeting_id)[1]
    nested = client.patch(f"/api/v1/agenda-items/{item_id}", headers=staff,
                          json={"parent_id": parent.id})
    assert nested.status_code == 200
    db.session.refresh(before)
    assert before.parent_id == parent.id
    for bad in ({"title": ""}, {"title": "\x00"}, {"title": 5}, {"planned_minutes": 0},
                {"planned_minutes": "5"}, {"kind": "party"}, {"parent_id": 2**31}):
        assert client.patch(f"/api/v1/agenda-items/{item_id}", headers=staff,
                            json=bad).status_code == 422, bad
    db.session.refresh(before)
    assert before.title.startswith("Thảo luận") and before.parent_id == parent.id
    assert client.patch(f"/api/v1/agenda-items/{item_id}", headers=staff,
                        json={"meeting_id": 3}).get_json()["error"]["code"] == "unknown_fields"
    assert client.patch(f"/api/v1/agenda-items/{item_id}", headers=staff,
                        json={"parent_id": item_id}).get_json()["error"]["code"] == \
        "agenda_cycle"

    delegate = token_for(client, "daibieu05")
    assert client.delete(f"/api/v1/agenda-items/{item_id}", headers=delegate).status_code == 403
    assert client.post(f"/api/v1/agenda-items/{item_id}/move", headers=delegate,
                       json={"direction": "up"}).status_code == 403
    assert client.delete(f"/api/v1/agenda-items/{item_id}", headers=staff).status_code == 204
    assert db.session.get(AgendaItem, item_id) is None
    assert client.delete(f"/api/v1/agenda-items/{item_id}", headers=staff).status_code == 404
    assert client.delete("/api/v1/agenda-items/9999999999", headers=staff).status_code == 404
