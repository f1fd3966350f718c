"""Questioning: who files and sees slips, merging, live turns, answers, the report."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import clock
from paperless.models import Meeting, MeetingInvitee, QuestionSlip
from paperless.services import questioning
from tests.conftest import CORPUS
from tests.support import token_for

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss=2">'


@pytest.fixture
def meeting(demo):
    return db.session.scalar(select(Meeting))


@pytest.fixture
def officials(meeting):
    rows = db.session.scalars(select(MeetingInvitee).where(
        MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.kind == "official")).all()
    return {o.full_name: o.id for o in rows}


def _file(client, username, meeting_id, official_id, text="Vì sao dự án đường liên xã chậm?",
          **extra):
    return client.post(f"/api/v1/meetings/{meeting_id}/question-slips",
                       headers=token_for(client, username),
                       json={"official_id": official_id, "topic": "Giao thông", "text": text,
                             **extra})


def test_only_delegates_file_in_their_own_name(client, meeting, officials):
    ubnd = officials["Trần Quốc Bảo"]
    assert _file(client, "daibieu03", meeting.id, ubnd).status_code == 201
    assert _file(client, "khach", meeting.id, ubnd).status_code == 403
    assert _file(client, "ubnd", meeting.id, ubnd).status_code == 403
    # a delegate cannot file in someone else's name
    impersonated = _file(client, "daibieu03", meeting.id, ubnd, delegate_id=7)
    assert impersonated.status_code == 403
    # the secretariat enters a paper slip for a delegate
    paper = _file(client, "thuky", meeting.id, ubnd, delegate_id=7)
    assert paper.status_code == 201 and paper.get_json()["authors"] == ["Đặng Quốc Việt"]
    unknown = _file(client, "daibieu03", meeting.id, 9999)
    assert unknown.status_code == 422
    assert len(db.session.scalars(select(QuestionSlip)).all()) == 2


def test_who_sees_which_slips(client, meeting, officials):
    _file(client, "daibieu03", meeting.id, officials["Trần Quốc Bảo"])
    _file(client, "daibieu04", meeting.id, officials["Lê Thị Mai"], text="Về chợ xã")
    def seen(username):
        response = client.get(f"/api/v1/meetings/{meeting.id}/question-slips",
                              headers=token_for(client, username))
        return [s["text"] for s in response.get_json()["slips"]]
    assert len(seen("thuky")) == 2 and len(seen("chutoa")) == 2
    assert seen("daibieu03") == ["Vì sao dự án đường liên xã chậm?"]
    assert seen("daibieu05") == []
    assert seen("ubnd") == ["Vì sao dự án đường liên xã chậm?"]
    assert seen("truongphong") == ["Về chợ xã"]
    assert seen("khach") == []
    from tests.support import login

    assert login(client.application.test_client(), "khach").get(
        f"/meetings/{meeting.id}/questions").status_code == 403


def test_filing_closes_and_merging_keeps_every_author(client, meeting, officials):
    ubnd = officials["Trần Quốc Bảo"]
    first = _file(client, "daibieu03", meeting.id, ubnd).get_json()["id"]
    second = _file(client, "daibieu09", meeting.id, ubnd, text="Đường liên xã bao giờ xong?"
                   ).get_json()["id"]
    from paperless.models import User
    from paperless.services.access import actor_for

    staff = actor_for(db.session.scalar(select(User).where(User.username == "thuky")))
    questioning.set_filing(staff, meeting.id, True)
    late = _file(client, "daibieu10", meeting.id, ubnd)
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "filing_closed"
    questioning.merge(staff, first, [second])
    kept = questioning.slip_view(db.session.get(QuestionSlip, first))
    assert kept["authors"] == ["Lê Minh Tuấn", "Đỗ Văn Thành"]  # delegates no. 3 and 9
    seen = client.get(f"/api/v1/meetings/{meeting.id}/question-slips",
                      headers=token_for(client, "daibieu09")).get_json()["slips"]
    assert [s["id"] for s in seen] == [first, second]  # the co-author still sees both


def test_live_questioning_turn_with_answer_timer(app, client, meeting, officials):
    from paperless.extensions import socketio
    from paperless.models import User
    from paperless.services.access import actor_for
    from tests.support import login

    ubnd = officials["Trần Quốc Bảo"]
    slip = _file(client, "daibieu03", meeting.id, ubnd).get_json()["id"]
    staff = actor_for(db.session.scalar(select(User).where(User.username == "thuky")))
    group = questioning.create_group(staff, meeting.id, "Giao thông nông thôn")
    questioning.assign_to_group(staff, slip, group.id)

    def sock(username):
        c = socketio.test_client(app, flask_test_client=login(app.test_client(), username))
        assert c.emit("meeting:join", {"meeting_id": meeting.id}, callback=True)["ok"]
        return c

    chair, tablet = sock("chutoa"), sock("daibieu03")
    chair.emit("live:phase", {"meeting_id": meeting.id, "action": "open"}, callback=True)
    tablet.emit("attendance:check_in", {"meeting_id": meeting.id}, callback=True)
    early = tablet.emit("floor:request", {"meeting_id": meeting.id, "kind": "question"},
                        callback=True)
    assert early["error"]["code"] == "no_group_open"
    opened = chair.emit("questioning:open_group", {"meeting_id": meeting.id,
                                                   "group_id": group.id}, callback=True)
    assert opened["result"]["group"]["slips"][0]["text"] == "Vì sao dự án đường liên xã chậm?"
    assert tablet.emit("questioning:open_group", {"meeting_id": meeting.id,
                                                  "group_id": group.id},
                       callback=True)["error"]["code"] == "forbidden"
    queued = tablet.emit("floor:request", {"meeting_id": meeting.id, "kind": "question"},
                         callback=True)["result"]
    turn = chair.emit("floor:give", {"meeting_id": meeting.id,
                                     "request_id": queued["queue"][0]["id"]}, callback=True)
    assert turn["result"]["speaker"]["limit_seconds"] == 180
    answer = chair.emit("questioning:invite_answer", {"meeting_id": meeting.id,
                                                      "official_id": ubnd}, callback=True)
    spoken = answer["result"]["speaker"]["answer"]
    assert spoken["official"] == "Trần Quốc Bảo" and spoken["limit_seconds"] == 300
    snap = chair.emit("live:snapshot", {"meeting_id": meeting.id}, callback=True)["result"]
    assert snap["questioning"]["title"] == "Giao thông nông thôn"
    assert snap["speaker"]["answer"]["started_at"] == spoken["started_at"]


def test_written_answers_deadlines_and_the_report(client, meeting, officials):
    slip = _file(client, "daibieu03", meeting.id, officials["Trần Quốc Bảo"], text=XSS
                 ).get_json()["id"]
    staff = token_for(client, "thuky")
    pending = client.post(f"/api/v1/question-slips/{slip}/answer", headers=staff,
                          json={"mode": "written"}).get_json()
    assert pending["status"] == "written_pending"
    # the council's day, not the server's (they differ from 17:00 UTC on; CI met it once)
    assert pending["written_deadline"] == (clock.today() + timedelta(days=20)).isoformat()
    answer_pdf = (CORPUS / "pdf" / "minimal-document.pdf").read_bytes()

    def upload(username, data=answer_pdf):
        return client.post(f"/api/v1/question-slips/{slip}/written-answer",
                           headers=token_for(client, username),
                           data={"file": (io.BytesIO(data), "tra-loi.pdf")},
                           content_type="multipart/form-data")

    assert upload("truongphong").status_code == 404  # not addressed to her: invisible
    assert upload("daibieu03").status_code == 403
    assert upload("ubnd", b"<html>not a pdf</html>").status_code == 422
    done = upload("ubnd")
    assert done.status_code == 201 and done.get_json()["status"] == "written_answered"
    mine = client.get(f"/api/v1/meetings/{meeting.id}/question-slips",
                      headers=token_for(client, "daibieu03")).get_json()["slips"][0]
    assert mine["status"] == "written_answered"
    assert client.get(mine["written_answer_url"], headers=token_for(client, "daibieu03")
                      ).data == answer_pdf

    overdue = _file(client, "daibieu04", meeting.id, officials["Lê Thị Mai"],
                    text="Về chợ xã Tân Phú").get_json()["id"]
    client.post(f"/api/v1/question-slips/{overdue}/answer", headers=staff,
                json={"mode": "written", "deadline": "2026-01-10"})
    answered = _file(client, "daibieu05", meeting.id, officials["Trần Quốc Bảo"],
                     text="Về nước sạch").get_json()["id"]
    client.post(f"/api/v1/question-slips/{answered}/answer", headers=staff,
                json={"mode": "session", "summary": "Quý I/2027 hoàn thành đấu nối."})

    report = client.get(f"/api/v1/meetings/{meeting.id}/questioning-report?format=csv",
                        headers=staff)
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    body = rows[1:]
    assert [r[5] for r in body] == [XSS, "Về chợ xã Tân Phú", "Về nước sạch"]
    assert [r[3] for r in body] == ["Lê Minh Tuấn", "Phạm Thị Hồng", "Hoàng Văn Nam"]
    assert body[1][11] == "Có" and body[2][7] == "Quý I/2027 hoàn thành đấu nối."
    xlsx = client.get(f"/api/v1/meetings/{meeting.id}/questioning-report?format=xlsx",
                      headers=staff)
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert XSS in cells and "Về nước sạch" in cells and "Phạm Thị Hồng" in cells
    pdf_report = client.get(f"/api/v1/meetings/{meeting.id}/questioning-report?format=pdf",
                            headers=staff)
    from pypdf import PdfReader

    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_report.data)).pages)
    assert "Về chợ xã Tân Phú" in text and "Lê Minh Tuấn" in text
    assert client.get(f"/api/v1/meetings/{meeting.id}/questioning-report?format=csv",
                      headers=token_for(client, "daibieu03")).status_code == 403
