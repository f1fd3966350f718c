"""JSON API: tokens, roles, validation, errors, and the OpenAPI document."""

import pytest
from sqlalchemy import func, select

from paperless import db
from paperless.models import AgendaItem, Meeting
from tests.support import token_for


@pytest.fixture
def secretariat(client, demo):
    return token_for(client, "thuky")


def test_token_flow_and_missing_or_bad_token(client, demo):
    assert client.get("/api/v1/councils").status_code == 401
    body = client.get("/api/v1/councils").get_json()
    assert body["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/councils", headers={"Authorization": "Bearer nope"})
    assert bad.status_code == 401
    wrong = client.post("/api/v1/auth/token", json={"username": "thuky", "password": "x"})
    assert wrong.status_code == 401 and wrong.get_json()["error"]["code"] == "invalid_credentials"
    headers = token_for(client, "thuky")
    councils = client.get("/api/v1/councils", headers=headers).get_json()["councils"]
    assert [c["name"] for c in councils] == ["Hội đồng nhân dân xã Tân Phú"]


def test_meeting_with_agenda_tree(client, secretariat):
    meeting = client.get("/api/v1/meetings", headers=secretariat).get_json()["meetings"][0]
    detail = client.get(f"/api/v1/meetings/{meeting['id']}", headers=secretariat).get_json()
    assert len(detail["agenda"]) == 10
    assert detail["agenda"][0]["number"] == "1"
    parent = detail["agenda"][4]["id"]
    made = client.post(f"/api/v1/meetings/{meeting['id']}/agenda-items", headers=secretariat,
                       json={"title": "Thảo luận về dự toán", "kind": "discussion",
                             "parent_id": parent, "planned_minutes": 30})
    assert made.status_code == 201
    detail = client.get(f"/api/v1/meetings/{meeting['id']}", headers=secretariat).get_json()
    child = detail["agenda"][4]["children"][0]
    assert child["title"] == "Thảo luận về dự toán" and child["number"] == "5.1"


def test_create_meeting_and_delegate(client, secretariat):
    council = client.get("/api/v1/councils", headers=secretariat).get_json()["councils"][0]
    delegates = client.get(f"/api/v1/councils/{council['id']}/delegates",
                           headers=secretariat).get_json()["delegates"]
    assert len(delegates) == 30
    term_id = delegates[0]["term_id"]
    made = client.post("/api/v1/meetings", headers=secretariat, json={
        "term_id": term_id, "kind": "bat_thuong", "title": "Kỳ họp bất thường",
        "start_date": "2026-12-20", "end_date": "2026-12-20"})
    assert made.status_code == 201 and made.get_json()["status"] == "draft"
    person = client.post(f"/api/v1/councils/{council['id']}/delegates", headers=secretariat,
                         json={"full_name": "Đại biểu Bầu Bổ Sung", "gender": "nu",
                               "serving_from": "2026-11-01"})
    assert person.status_code == 201
    assert person.get_json()["status_history"][0]["effective_date"] == "2026-11-01"


def test_wrong_role_gets_403(client, demo):
    headers = token_for(client, "daibieu03")
    meeting_id = db.session.scalar(select(Meeting.id))
    response = client.post(f"/api/v1/meetings/{meeting_id}/agenda-items", headers=headers,
                           json={"title": "Không được"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    guest = token_for(client, "khach")
    council_id = client.get("/api/v1/councils", headers=guest).get_json()["councils"][0]["id"]
    assert client.post(f"/api/v1/councils/{council_id}/delegates", headers=guest,
                       json={"full_name": "X"}).status_code == 403
    assert client.post("/api/v1/councils", headers=guest,
                       json={"name": "HĐND mới", "level": "xa"}).status_code == 403


@pytest.mark.parametrize("body", [
    None, [], "text", {"title": ""}, {"title": 5}, {"title": "Ok", "kind": "dance"},
    {"title": "Ok", "planned_minutes": -3}, {"title": "Ok", "planned_minutes": "ten"},
    {"title": "Ok", "parent_id": 999999}, {"title": "Ok", "planned_minutes": True},
])
def test_malformed_agenda_item_is_refused_and_nothing_stored(client, secretariat, body):
    meeting_id = db.session.scalar(select(Meeting.id))
    before = db.session.scalar(select(func.count()).select_from(AgendaItem))
    response = client.post(f"/api/v1/meetings/{meeting_id}/agenda-items", headers=secretariat,
                           json=body) if body is not None else client.post(
        f"/api/v1/meetings/{meeting_id}/agenda-items", headers=secretariat, data="{oops",
        content_type="application/json")
    assert response.status_code in (400, 422)
    error = response.get_json()["error"]
    assert error["code"] in ("invalid_json", "validation_error") and error["message"]
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == before


def test_unknown_route_and_method_are_json(client, secretariat):
    response = client.get("/api/v1/nothing-here", headers=secretariat)
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.delete("/api/v1/councils", headers=secretariat)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_oversized_request_is_413_json(database_url):
    from tests.support import make_app

    app = make_app(database_url, MAX_CONTENT_LENGTH=1024)
    response = app.test_client().post("/api/v1/auth/token", data=b"x" * 4096,
                                      content_type="application/json")
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"


def test_api_session_cookie_needs_csrf_header_on_writes(database_url):
    from tests.support import csrf_from, make_app

    app = make_app(database_url, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from paperless.services.demo import load_demo

        load_demo()
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "thuky", "password": "kyhopso",
                                "csrf_token": token})
    assert client.get("/api/v1/councils").status_code == 200
    with app.app_context():
        meeting_id = db.session.scalar(select(Meeting.id))
    url = f"/api/v1/meetings/{meeting_id}/agenda-items"
    assert client.post(url, json={"title": "X"}).status_code == 401
    page_token = csrf_from(client.get("/manage").get_data(as_text=True))
    assert client.post(url, json={"title": "X"},
                       headers={"X-CSRFToken": page_token}).status_code == 201


def _rule_to_openapi(rule: str) -> str:
    import re

    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def test_openapi_document_matches_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in document["paths"].items()
                  for method in ops}
    routed = {(_rule_to_openapi(rule.rule), method)
              for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert documented == routed
    # every $ref resolves
    schemas = document["components"]["schemas"]
    import json
    import re

    for ref in re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)):
        assert ref in schemas


def test_read_beacon_records_reads_of_offline_copies(client, demo):
    from paperless.models import DocumentRead
    from paperless.services import documents
    from paperless.services.access import SYSTEM
    from tests.world import small_pdf

    meeting_id = db.session.scalar(select(Meeting.id))
    doc = documents.upload(SYSTEM, meeting_id, small_pdf(), filename="a.pdf", title="Tờ trình")
    documents.publish(SYSTEM, meeting_id, [doc.id])
    reader = token_for(client, "daibieu05")
    # The viewer's own file fetch is not a read: the viewer reports it once, itself.
    fetched = client.get(f"/api/v1/documents/{doc.id}/file",
                         headers={**reader, "X-Paperless-Read-Beacon": "1"})
    assert fetched.status_code == 200
    count = select(func.count()).select_from(DocumentRead).where(
        DocumentRead.document_id == doc.id)
    assert db.session.scalar(count) == 0
    beacon = client.post(f"/api/v1/documents/{doc.id}/reads", headers=reader, json={"version": 1})
    assert beacon.status_code == 201, beacon.get_json()
    assert db.session.scalar(count) == 1
    for bad in ({"version": "1"}, {"version": True}):
        refused = client.post(f"/api/v1/documents/{doc.id}/reads", headers=reader, json=bad)
        assert refused.status_code == 422
    assert client.post(f"/api/v1/documents/{doc.id}/reads", headers=reader,
                       data="[1]", content_type="application/json").status_code == 422
    assert client.post(f"/api/v1/documents/{doc.id}/reads", json={}).status_code == 401
    assert db.session.scalar(count) == 1


def test_question_groups_by_api(client, demo):
    from paperless.models import QuestionGroup, QuestionSlip

    meeting_id = db.session.scalar(select(Meeting.id))
    staff = token_for(client, "thuky")
    made = client.post(f"/api/v1/meetings/{meeting_id}/question-groups", headers=staff,
                       json={"title": "Giao thông nông thôn"})
    assert made.status_code == 201, made.get_json()
    group_id = made.get_json()["id"]
    assert db.session.get(QuestionGroup, group_id).title == "Giao thông nông thôn"
    assert client.post(f"/api/v1/meetings/{meeting_id}/question-groups", headers=staff,
                       json={"title": ""}).status_code == 422
    delegate = token_for(client, "daibieu05")
    assert client.post(f"/api/v1/meetings/{meeting_id}/question-groups", headers=delegate,
                       json={"title": "x"}).status_code == 403
    official_id = client.get(f"/api/v1/meetings/{meeting_id}/question-slips",
                             headers=staff).status_code
    assert official_id == 200
    from paperless.models import MeetingInvitee

    official = db.session.scalar(select(MeetingInvitee.id).where(
        MeetingInvitee.meeting_id == meeting_id, MeetingInvitee.kind == "official"))
    slip = client.post(f"/api/v1/meetings/{meeting_id}/question-slips", headers=delegate,
                       json={"official_id": official, "text": "Khi nào làm đường?"}).get_json()
    put = client.post(f"/api/v1/question-slips/{slip['id']}/group", headers=staff,
                      json={"group_id": group_id})
    assert put.status_code == 200, put.get_json()
    assert db.session.get(QuestionSlip, slip["id"]).group_id == group_id
    assert client.post(f"/api/v1/question-slips/{slip['id']}/group", headers=staff,
                       json={}).status_code == 422
    out = client.post(f"/api/v1/question-slips/{slip['id']}/group", headers=staff,
                      json={"group_id": None})
    assert out.status_code == 200
    db.session.expire_all()
    assert db.session.get(QuestionSlip, slip["id"]).group_id is None
