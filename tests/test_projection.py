"""The hall screen as a projector: who shows, what may be shown, page turns, the end."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import projection as rules
from paperless.extensions import socketio
from paperless.models import AuditEntry, Meeting, Projection
from tests.support import login, token_for
from tests.test_opinions import OLD, draft_pdf


@pytest.fixture
def meeting_id(demo):
    return db.session.scalar(select(Meeting.id))


def _upload(client, meeting_id, access="public", publish=True) -> int:
    staff = token_for(client, "thuky")
    made = client.post(f"/api/v1/meetings/{meeting_id}/documents", headers=staff,
                       data={"file": (io.BytesIO(draft_pdf(OLD)), "du-thao.pdf"),
                             "title": f"Dự thảo ({access})", "access": access},
                       content_type="multipart/form-data")
    assert made.status_code == 201, made.get_json()
    document_id = made.get_json()["id"]
    if publish:
        assert client.post(f"/api/v1/documents/{document_id}/publish",
                           headers=staff).status_code == 200
    return document_id


# --- domain ------------------------------------------------------------------------------

def test_only_what_the_screen_may_read_is_projectable():
    assert rules.may_project("public", True)
    assert not rules.may_project("public", False)
    assert not rules.may_project("delegates", True)
    assert not rules.may_project("confidential", True)
    with pytest.raises(rules.ProjectionRuleError) as refused:
        rules.check_projectable("confidential", True)
    assert refused.value.code == "not_projectable"


def test_page_turns_stay_inside_the_document_and_regions_are_checked():
    assert rules.turn(1, 3, delta=1) == rules.Turn(page=2, moved=True)
    assert rules.turn(3, 3, delta=1) == rules.Turn(page=3, moved=False)
    assert rules.turn(2, 3, delta=-5).page == 1
    assert rules.turn(1, 3, page=3).page == 3
    for kwargs in ({"page": 4}, {"page": 0}, {"page": True}, {"delta": "1"}, {},
                   {"page": 1, "delta": 1}):
        with pytest.raises(rules.ProjectionRuleError):
            rules.turn(1, 3, **kwargs)
    assert rules.check_rect(None) is None
    assert rules.check_rect([400, 770, 60, 740]) == [60.0, 740.0, 400.0, 770.0]
    for bad in ([1, 2, 3], [0, 0, 0.5, 0.5], ["a", 1, 2, 3], [0, 0, 1e9, 10], "x", [True, 0, 9, 9]):
        with pytest.raises(rules.ProjectionRuleError):
            rules.check_rect(bad)


# --- API -----------------------------------------------------------------------------------

def test_chair_shows_turns_and_stops_through_the_api(client, meeting_id):
    document_id = _upload(client, meeting_id)
    chair, staff = token_for(client, "chutoa"), token_for(client, "thuky")
    url = f"/api/v1/meetings/{meeting_id}/projection"
    assert client.get(url, headers=token_for(client, "khach")).get_json() == \
        {"showing": False, "revision": 0}
    for username in ("daibieu03", "khach", "manhinh", "ubnd"):
        refused = client.put(url, headers=token_for(client, username),
                             json={"document_id": document_id, "page": 2})
        assert refused.status_code == 403, username
    shown = client.put(url, headers=chair, json={"document_id": document_id, "page": 2,
                                                 "rect": [60, 700, 400, 780]})
    assert shown.status_code == 200, shown.get_json()
    state = shown.get_json()
    assert state["showing"] and state["page"] == 2 and state["page_count"] == 2
    assert state["rect"] == [60.0, 700.0, 400.0, 780.0] and state["revision"] == 1
    assert state["file_url"] == f"/api/v1/documents/{document_id}/file?version=1"
    # the screen's account reads the very file it is told to draw
    screen = token_for(client, "manhinh")
    assert client.get(url, headers=screen).get_json() == state
    assert client.get(state["file_url"], headers=screen).status_code == 200
    # the secretariat turns pages; a turn that moves leaves the zoomed region
    turned = client.post(f"{url}/page", headers=staff, json={"delta": -1}).get_json()
    assert turned["page"] == 1 and turned["rect"] is None and turned["revision"] == 2
    assert client.post(f"{url}/page", headers=staff, json={"page": 3}).status_code == 422
    assert client.post(f"{url}/page", headers=token_for(client, "daibieu03"),
                       json={"delta": 1}).status_code == 403
    assert client.put(url, headers=chair, json={"document_id": document_id,
                                                "page": 9}).status_code == 422
    assert client.put(url, headers=chair, json={"document_id": document_id,
                                                "rect": "all"}).status_code == 422
    stopped = client.delete(url, headers=chair).get_json()
    assert stopped == {"showing": False, "revision": 3}
    assert client.delete(url, headers=chair).get_json() == stopped  # twice: nothing new
    assert client.post(f"{url}/page", headers=staff,
                       json={"delta": 1}).get_json()["error"]["code"] == "not_projecting"
    actions = list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("projection.%")).order_by(AuditEntry.id)))
    assert actions == ["projection.shown", "projection.page", "projection.stopped"]


def test_documents_not_for_the_hall_are_refused(client, meeting_id):
    chair = token_for(client, "chutoa")
    url = f"/api/v1/meetings/{meeting_id}/projection"
    public = _upload(client, meeting_id)
    for access, publish in (("delegates", True), ("confidential", True), ("public", False)):
        document_id = _upload(client, meeting_id, access, publish)
        refused = client.put(url, headers=chair, json={"document_id": document_id})
        assert refused.status_code == 409, access
        assert refused.get_json()["error"]["code"] == "not_projectable"
    assert client.put(url, headers=chair, json={"document_id": 999999}).status_code == 404
    assert client.put(url, headers=chair, json={}).status_code == 422
    assert db.session.get(Projection, meeting_id) is None  # nothing was stored
    listed = client.get(f"{url}/documents", headers=chair).get_json()["documents"]
    assert [d["id"] for d in listed] == [public]
    assert client.get(f"{url}/documents", headers=token_for(client, "daibieu03")
                      ).status_code == 403


def test_an_opinion_is_shown_with_its_passage(client, meeting_id):
    document_id = _upload(client, meeting_id)
    given = client.post(f"/api/v1/documents/{document_id}/opinions",
                        headers=token_for(client, "daibieu03"),
                        json={"text": "Đề nghị làm rõ nguồn thu.", "article": "Điều 1",
                              "page": 1, "rect": [60, 740, 400, 770],
                              "quote": "Dự toán thu ngân sách xã năm 2027 là 12 tỷ đồng"})
    opinion_id = given.get_json()["id"]
    url = f"/api/v1/meetings/{meeting_id}/projection"
    shown = client.put(url, headers=token_for(client, "thuky"),
                       json={"opinion_id": opinion_id}).get_json()
    assert shown["document_id"] == document_id and shown["page"] == 1
    assert shown["rect"] == [60.0, 740.0, 400.0, 770.0]
    assert shown["opinion"]["authors"] == ["Lê Minh Tuấn"]
    assert shown["opinion"]["quote"].startswith("Dự toán thu")
    assert client.put(url, headers=token_for(client, "thuky"),
                      json={"opinion_id": 999999}).status_code == 404
    # turning to the next page leaves the opinion behind
    turned = client.post(f"{url}/page", headers=token_for(client, "thuky"),
                         json={"delta": 1}).get_json()
    assert turned["page"] == 2 and turned["opinion"] is None


# --- sockets -----------------------------------------------------------------------------

def test_socket_events_reach_every_screen_and_the_snapshot(app, client, meeting_id):
    document_id = _upload(client, meeting_id)

    def joined(username):
        sock = socketio.test_client(app, flask_test_client=login(app.test_client(), username))
        answer = sock.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)
        assert answer["ok"], answer
        return sock, answer["snapshot"]

    chair, _ = joined("chutoa")
    screen, snapshot = joined("manhinh")
    delegate, _ = joined("daibieu05")
    assert snapshot["projection"] == {"showing": False, "revision": 0}
    refused = delegate.emit("projection:show", {"meeting_id": meeting_id,
                                                "document_id": document_id}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "forbidden"
    bad = chair.emit("projection:show", {"meeting_id": meeting_id, "document_id": "1"},
                     callback=True)
    assert bad["error"]["code"] == "validation_error"
    for sock in (screen, delegate):
        sock.get_received()
    ack = chair.emit("projection:show", {"meeting_id": meeting_id, "document_id": document_id,
                                         "page": 2}, callback=True)
    assert ack["ok"] and ack["result"]["page"] == 2
    ack = chair.emit("projection:page", {"meeting_id": meeting_id, "delta": -1}, callback=True)
    assert ack["ok"] and ack["result"]["page"] == 1
    for sock in (screen, delegate):
        changes = [m["args"][0]["payload"] for m in sock.get_received()
                   if m["name"] == "event" and m["args"][0]["name"] == "projection.changed"]
        assert [(c["page"], c["revision"]) for c in changes] == [(2, 1), (1, 2)]
    _, later = joined("khach")
    assert later["projection"]["showing"] and later["projection"]["page"] == 1
    assert chair.emit("projection:stop", {"meeting_id": meeting_id}, callback=True)["ok"]
    last = [m["args"][0]["payload"] for m in screen.get_received() if m["name"] == "event"]
    assert last[-1] == {"showing": False, "revision": 3}
    for sock in (chair, screen, delegate):
        sock.disconnect()


def test_closing_the_session_ends_the_showing(client, meeting_id):
    from paperless.models import User
    from paperless.services import live
    from paperless.services.access import actor_for

    document_id = _upload(client, meeting_id)
    chair = actor_for(db.session.scalar(select(User).where(User.username == "chutoa")))
    live.change_phase(chair, meeting_id, "open")
    url = f"/api/v1/meetings/{meeting_id}/projection"
    assert client.put(url, headers=token_for(client, "chutoa"),
                      json={"document_id": document_id}).get_json()["showing"]
    live.change_phase(chair, meeting_id, "close")
    state = client.get(url, headers=token_for(client, "khach")).get_json()
    assert state == {"showing": False, "revision": 2}
    refused = client.put(url, headers=token_for(client, "chutoa"), json={"document_id": document_id})
    assert refused.status_code == 409
