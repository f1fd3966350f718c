"""The oversight cycle: commitments to their deadline on the council's date, evidence,
petitions forwarded and answered (late counts as late), officials' scope, citizens'
personal data, the chair's follow-up on the agenda, the petitions report, the figures."""

from __future__ import annotations

import io
import os
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from paperless import db
from paperless.domain import oversight as rules
from paperless.models import (
    AgendaItem,
    AuditEntry,
    Commitment,
    CommitmentReport,
    Council,
    Delegate,
    DelegateGroup,
    Meeting,
    MeetingInvitee,
    ResponsibleBody,
)
from paperless.services import meetings as meeting_service
from paperless.services import oversight, questioning, statistics
from paperless.services.errors import Conflict, Forbidden, Invalid, NotFound
from tests.oversight_support import small_pdf
from tests.resolution_support import actor
from tests.support import token_for

HCM = "Asia/Ho_Chi_Minh"


@pytest.fixture(params=["UTC", "America/New_York"])
def server_tz(request):
    """The server's own zone must not matter: run with TZ=UTC and TZ=America/New_York."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = request.param
    time.tzset()
    yield request.param
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()


def _at(monkeypatch, instant: datetime) -> None:
    monkeypatch.setattr(oversight, "_now", lambda: instant)


def _council(demo) -> Council:
    return db.session.scalar(select(Council).where(Council.name == "Hội đồng nhân dân xã Tân Phú"))


def _body(council_id: int, name: str = "UBND xã Tân Phú") -> ResponsibleBody:
    return db.session.scalar(select(ResponsibleBody).where(
        ResponsibleBody.council_id == council_id, ResponsibleBody.name == name))


def _answered_slip(meeting: Meeting) -> int:
    staff = actor("thuky")
    official = db.session.scalar(select(MeetingInvitee.id).where(
        MeetingInvitee.meeting_id == meeting.id, MeetingInvitee.kind == "official"))
    slip = questioning.file_slip(staff, meeting.id, official_id=official, topic="Chợ",
                                 text="Khi nào sửa chợ xã?", delegate_id=3)
    questioning.record_answer(staff, slip.id, mode="session",
                              summary="Sẽ sửa xong trước 10/5/2026.")
    return slip.id


# --- pure rules ---------------------------------------------------------------------------

def test_council_today_is_the_councils_date_whatever_the_server_zone(server_tz):
    council = Council(name="x", level="xa")
    evening_utc = datetime(2026, 5, 10, 17, 0, tzinfo=UTC)  # 00:00 on 11 May in Hanoi
    assert rules.council_today(council, evening_utc) == date(2026, 5, 11)
    assert rules.council_today(council, evening_utc - timedelta(seconds=1)) == date(2026, 5, 10)
    council.time_zone = "America/New_York"  # the column issue 17 adds is read when present
    assert rules.council_today(council, evening_utc) == date(2026, 5, 10)


def test_overdue_and_late_rules():
    deadline = date(2026, 5, 10)
    assert not rules.is_overdue(deadline, None, deadline)
    assert rules.is_overdue(deadline, None, deadline + timedelta(days=1))
    assert not rules.is_overdue(deadline, deadline + timedelta(days=3), deadline + timedelta(days=9))
    assert rules.is_late(deadline, deadline + timedelta(days=1))
    assert not rules.is_late(deadline, deadline)
    assert rules.petition_outcome("answered", deadline, date(2026, 5, 11), date(2026, 6, 1)) == "late"
    assert rules.petition_outcome("forwarded", deadline, None, date(2026, 5, 11)) == "overdue"
    assert rules.petition_outcome("forwarded", deadline, None, deadline) == "pending"
    assert rules.commitment_state("fulfilled", deadline, deadline, date(2027, 1, 1)) == "kept"
    assert rules.quarter_period(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert rules.quarter_period(2026, 1) == (date(2026, 1, 1), date(2026, 3, 31))


# --- commitments --------------------------------------------------------------------------

def test_a_commitment_made_in_an_answer_is_overdue_the_day_after_its_deadline(
        app, demo, client, monkeypatch, server_tz):
    council = _council(demo)
    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id))
    slip_id = _answered_slip(meeting)
    c = oversight.record_commitment(actor("thuky"), council.id, source="question",
                                    text="Sửa xong chợ xã", body_id=_body(council.id).id,
                                    deadline="2026-05-10", question_slip_id=slip_id,
                                    committed_by="Chủ tịch UBND xã")
    assert c.meeting_id == meeting.id
    headers = token_for(client, "ubnd")  # the official of the body sees it

    def state_at(instant):
        _at(monkeypatch, instant)
        rows = client.get(f"/api/v1/councils/{council.id}/commitments",
                          headers=headers).get_json()["commitments"]
        return next(r for r in rows if r["id"] == c.id)

    # 23:59:59 on the deadline in Hanoi — already the 11th in UTC? no: 16:59 UTC, 12:59 NY
    last_second = state_at(datetime(2026, 5, 10, 16, 59, 59, tzinfo=UTC))
    assert (last_second["state"], last_second["overdue"]) == ("open", False)
    # midnight in Hanoi: still the 10th in UTC and in New York, yet the deadline has passed
    midnight = state_at(datetime(2026, 5, 10, 17, 0, 0, tzinfo=UTC))
    assert (midnight["state"], midnight["overdue"]) == ("overdue", True)
    assert "phiếu chất vấn số" in midnight["origin"]
    # the standing committee is warned: the chair's home page flags it
    chair = app.test_client()
    chair.post("/login", data={"username": "chutoa", "password": "kyhopso"})
    assert "lời hứa, kiến nghị giám sát đã quá hạn" in chair.get("/chair").get_data(as_text=True)


def test_fulfilling_a_commitment_needs_evidence(app, demo, client, monkeypatch):
    council = _council(demo)
    _at(monkeypatch, datetime(2026, 12, 1, 3, 0, tzinfo=UTC))
    staff = actor("thuky")
    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id))
    c = oversight.record_commitment(staff, council.id, source="question",
                                    text="Công khai quy hoạch", body_id=_body(council.id).id,
                                    deadline="2026-12-31", question_slip_id=_answered_slip(meeting))
    headers = token_for(client, "ubnd")
    refused = client.post(f"/api/v1/commitments/{c.id}/reports", headers=headers,
                          json={"text": "Đã xong", "completes": True})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["code"] == "evidence_required"
    not_pdf = client.post(f"/api/v1/commitments/{c.id}/reports", headers=headers,
                          data={"text": "Đã xong", "completes": "1",
                                "evidence": (io.BytesIO(b"not a pdf"), "x.pdf")},
                          content_type="multipart/form-data")
    assert not_pdf.status_code == 422
    db.session.expire_all()
    assert db.session.get(Commitment, c.id).status == "open"
    assert not db.session.scalars(select(CommitmentReport).where(
        CommitmentReport.commitment_id == c.id)).all()
    progress = client.post(f"/api/v1/commitments/{c.id}/reports", headers=headers,
                           json={"text": "Đang khảo sát"})
    assert progress.status_code == 201 and progress.get_json()["status"] == "open"
    done = client.post(f"/api/v1/commitments/{c.id}/reports", headers=headers,
                       data={"text": "Đã niêm yết", "completes": "1",
                             "evidence": (io.BytesIO(small_pdf()), "minh-chung.pdf")},
                       content_type="multipart/form-data")
    assert done.status_code == 201, done.get_json()
    view = done.get_json()
    assert (view["status"], view["state"], view["fulfilled_on"]) == ("fulfilled", "kept",
                                                                     "2026-12-01")
    evidence = client.get(view["evidence_url"], headers=headers)
    assert evidence.status_code == 200 and evidence.data.startswith(b"%PDF")
    again = client.post(f"/api/v1/commitments/{c.id}/reports", headers=headers,
                        json={"text": "Lần nữa"})
    assert again.get_json()["error"]["code"] == "already_fulfilled"
    actions = set(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.subject_type == "commitment", AuditEntry.subject_id == c.id)))
    assert actions == {"commitment.recorded", "commitment.reported", "commitment.fulfilled"}


def test_the_chair_puts_an_unfulfilled_commitment_on_a_later_agenda(app, demo, monkeypatch):
    council = _council(demo)
    staff, chair = actor("thuky"), actor("chutoa")
    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id))
    c = oversight.record_commitment(staff, council.id, source="question", text="Sửa chợ",
                                    body_id=_body(council.id).id, deadline="2026-05-10",
                                    question_slip_id=_answered_slip(meeting))
    later = meeting_service.create_meeting(
        staff, term_id=meeting.term_id, kind="thuong_truc", title="Phiên họp Thường trực tháng 6",
        number=None, place="", start_date=date(2027, 6, 5), end_date=date(2027, 6, 5))
    with pytest.raises(Forbidden):
        oversight.put_on_agenda(staff, c.id, meeting_id=later.id)
    with pytest.raises(Conflict):  # not the meeting where it was made
        oversight.put_on_agenda(chair, c.id, meeting_id=meeting.id)
    item = oversight.put_on_agenda(chair, c.id, meeting_id=str(later.id))
    assert item.meeting_id == later.id and item.kind == "questioning"
    assert item.title.startswith("Chất vấn lại: Sửa chợ")
    assert f"Lời hứa số {c.id}" in item.description and meeting.title in item.description
    assert db.session.get(Commitment, c.id).followup_item_id == item.id
    with pytest.raises(Conflict):
        oversight.put_on_agenda(chair, c.id, meeting_id=later.id)
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.subject_type == "commitment", AuditEntry.action == "commitment.on_agenda"))
    assert len(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == later.id)).all()) == 1


# --- petitions ------------------------------------------------------------------------------

def _voters(council_id: int, meeting_id: int, texts=("Sửa cầu", "Đèn đường", "Nạo vét kênh")):
    group = db.session.scalar(select(DelegateGroup.id).where(
        DelegateGroup.council_id == council_id).order_by(DelegateGroup.id))
    vm = oversight.record_voter_meeting(
        actor("thuky"), council_id, group_id=group, held_on="2026-11-20", place="Ấp 2",
        voters_present="75", session_id=meeting_id, petitions=[{"text": t} for t in texts])
    return vm, [p for p in oversight.list_petitions(actor("thuky"), council_id)
                if p.voter_meeting_id == vm.id]


def test_a_petition_forwarded_and_answered_late_counts_as_late(app, demo, client, monkeypatch,
                                                               server_tz):
    council = _council(demo)
    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id))
    _vm, (late, on_time, pending) = _voters(council.id, meeting.id)
    _at(monkeypatch, datetime(2026, 11, 21, 2, 0, tzinfo=UTC))
    for p in (late, on_time, pending):
        oversight.forward_petition(actor("thuky"), p.id, body_id=_body(council.id).id,
                                   deadline="2026-12-10")
    headers = token_for(client, "ubnd")
    _at(monkeypatch, datetime(2026, 12, 10, 16, 30, tzinfo=UTC))  # 23:30 on the 10th in Hanoi
    ok = client.post(f"/api/v1/voter-petitions/{on_time.id}/answer", headers=headers,
                     json={"answer": "Đã đưa vào kế hoạch"})
    assert ok.status_code == 200 and ok.get_json()["outcome"] == "on_time"
    _at(monkeypatch, datetime(2026, 12, 10, 17, 30, tzinfo=UTC))  # 00:30 on the 11th
    answered = client.post(f"/api/v1/voter-petitions/{late.id}/answer", headers=headers,
                           json={"answer": "Đã sửa cầu"})
    assert answered.status_code == 200
    body = answered.get_json()
    assert (body["answered_on"], body["outcome"], body["late"]) == ("2026-12-11", "late", True)
    stats = statistics.council_statistics(actor("thuky"), council.id, year=2026,
                                          quarter=4, today=date(2026, 12, 11))
    figures = stats["oversight"]["council"]
    assert figures["petitions_answered_late"] == 1
    assert figures["petitions_answered_on_time"] >= 1  # ours (and the demo's, by its date)
    assert figures["petitions_overdue"] >= 1  # the third, still unanswered on the 11th
    late_entry = db.session.scalar(select(AuditEntry).where(
        AuditEntry.action == "petition.answered", AuditEntry.subject_id == late.id))
    assert late_entry.details["late"] is True


def test_officials_see_and_answer_only_what_is_addressed_to_their_body(app, demo, client):
    council = _council(demo)
    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id))
    _vm, (mine, theirs, unsent) = _voters(council.id, meeting.id)
    staff = actor("thuky")
    oversight.forward_petition(staff, mine.id, body_id=_body(council.id).id)
    oversight.forward_petition(staff, theirs.id,
                               body_id=_body(council.id, "Phòng Kinh tế UBND xã").id)
    ubnd = token_for(client, "ubnd")
    seen = {p["id"] for p in client.get(f"/api/v1/councils/{council.id}/voter-petitions",
                                        headers=ubnd).get_json()["petitions"]}
    assert mine.id in seen and theirs.id not in seen and unsent.id not in seen
    other = client.post(f"/api/v1/voter-petitions/{theirs.id}/answer", headers=ubnd,
                        json={"answer": "Không phải việc của tôi"})
    assert other.status_code == 404
    delegate = token_for(client, "daibieu05")
    refused = client.post(f"/api/v1/voter-petitions/{mine.id}/answer", headers=delegate,
                          json={"answer": "Tôi trả lời"})
    assert refused.status_code == 403
    # a delegate cannot forward, an official cannot forward
    assert client.post(f"/api/v1/voter-petitions/{unsent.id}/forward", headers=ubnd,
                       json={"body_id": _body(council.id).id}).status_code == 404
    db.session.expire_all()
    assert unsent.status == "received"


def test_citizens_personal_data_is_for_the_staff_only(app, demo, client):
    council = _council(demo)
    staff = token_for(client, "thuky")
    made = client.post(f"/api/v1/councils/{council.id}/receptions", headers=staff,
                       json={"receiver": "delegate", "delegate_id": 3, "held_on": "2026-11-02",
                             "citizens": 2})
    assert made.status_code == 201, made.get_json()
    petition = client.post(f"/api/v1/receptions/{made.get_json()['id']}/petitions",
                           headers=staff, json={"kind": "denunciation",
                                                "citizen_name": "Lê Văn Bí Mật",
                                                "citizen_phone": "0912345678",
                                                "summary": "Tố cáo lấn chiếm đất công"})
    assert petition.status_code == 201
    pid = petition.get_json()["id"]
    assert petition.get_json()["citizen"]["name"] == "Lê Văn Bí Mật"
    client.post(f"/api/v1/citizen-petitions/{pid}/forward", headers=staff,
                json={"body_id": _body(council.id).id})
    for username in ("ubnd", "daibieu03"):  # the body's official; the delegate who received it
        rows = client.get(f"/api/v1/councils/{council.id}/citizen-petitions",
                          headers=token_for(client, username)).get_json()["petitions"]
        row = next(r for r in rows if r["id"] == pid)
        assert "citizen" not in row, username
    page = app.test_client()
    page.post("/login", data={"username": "ubnd", "password": "kyhopso"})
    html = page.get(f"/councils/{council.id}/receptions").get_data(as_text=True)
    assert "Tố cáo lấn chiếm đất công" in html and "Bí Mật" not in html and "0912345678" not in html
    # the permanent record never holds the citizen's name
    assert not [e for e in db.session.scalars(select(AuditEntry))
                if "Bí Mật" in str(e.details)]


def test_another_council_sees_nothing(app, demo, client):
    from paperless.services import users
    from paperless.services.access import SYSTEM
    from paperless.services.auth import hash_secret

    council = _council(demo)
    other = users.create_user(SYSTEM, username="tinh_thuky", full_name="Thư ký tỉnh",
                              password_hash=hash_secret("kyhopso"))
    users.assign_role(SYSTEM, other, council.parent_id, "secretariat")
    headers = token_for(client, "tinh_thuky")
    for path in ("commitments", "voter-petitions", "citizen-petitions", "supervision"):
        assert client.get(f"/api/v1/councils/{council.id}/{path}",
                          headers=headers).status_code == 404
    with pytest.raises(NotFound):
        oversight.list_commitments(actor("tinh_thuky"), council.id)


def test_hostile_input_is_refused_and_nothing_is_stored(app, demo, client):
    council = _council(demo)
    staff = token_for(client, "thuky")
    before = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    group = db.session.scalar(select(DelegateGroup.id).where(DelegateGroup.council_id == council.id))
    bad = [
        ("/voter-meetings", {"group_id": "1; drop", "held_on": "2026-01-01", "place": "x",
                             "voters_present": 1}),
        ("/voter-meetings", {"group_id": group, "held_on": "31/12/2026", "place": "x",
                             "voters_present": 1}),
        ("/voter-meetings", {"group_id": group, "held_on": "2026-01-01", "place": "x",
                             "voters_present": 1, "petitions": [{"text": "a", "field": "zz"}]}),
        ("/voter-meetings", {"group_id": group, "held_on": "2026-01-01", "place": ["x"],
                             "voters_present": 1}),
        ("/commitments", {"source": "rumour", "text": "x", "body_id": 1, "deadline": "2026-01-01"}),
        ("/commitments", {"source": "hearing", "text": "x", "body_id": 99999,
                          "deadline": "2026-01-01", "meeting_id": 1}),
        ("/commitments", {"source": "question", "text": "x", "body_id": 1,
                          "deadline": "2026-01-01", "question_slip_id": 2**40}),
        ("/receptions", {"receiver": "standing", "held_on": "2026-02-30"}),
        ("/supervision", {"by": "committee", "subject": "x", "start_date": "2026-01-01",
                          "committee_id": "²"}),
    ]
    for path, payload in bad:
        response = client.post(f"/api/v1/councils/{council.id}{path}", headers=staff, json=payload)
        assert response.status_code == 422, (path, payload, response.get_json())
        assert response.get_json()["error"]["code"]
    assert client.post(f"/api/v1/councils/{council.id}/voter-meetings", headers=staff,
                       data="[1]", content_type="application/json").status_code == 422
    db.session.expire_all()
    after = db.session.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()))
    assert after == before


def test_the_petitions_report_lists_every_petition_of_the_session(app, demo, client):
    from pypdf import PdfReader

    council = _council(demo)
    meeting = db.session.scalar(select(Meeting).where(Meeting.council_id == council.id))
    staff = token_for(client, "thuky")
    response = client.get(f"/api/v1/meetings/{meeting.id}/petition-report?format=pdf",
                          headers=staff)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "KIẾN NGHỊ CỬ TRI" in text
    for phrase in ("đèn chiếu sáng", "nạo vét kênh", "xe tải"):  # the demo's three
        assert phrase in text, phrase
    fonts = {str(f.get("/BaseFont")) for page in reader.pages
             for f in page["/Resources"]["/Font"].values()}
    assert all("Noto" in f for f in fonts), fonts  # embedded, never Helvetica
    csv_text = client.get(f"/api/v1/meetings/{meeting.id}/petition-report?format=csv",
                          headers=staff).data.decode("utf-8-sig")
    assert "Đã trả lời đúng hạn" in csv_text and "Chưa chuyển" in csv_text
    assert client.get(f"/api/v1/meetings/{meeting.id}/petition-report?format=doc",
                      headers=staff).status_code == 422


# --- statistics on a scripted year ----------------------------------------------------------

def test_statistics_on_a_scripted_year_equal_independent_counts(app, demo, monkeypatch):
    """Year 2029 (nothing of the demo in it): a script of records, each with its date; the
    figures equal the counts made here from the script, per council, committee, group and
    delegate, by year and by quarter."""
    council = _council(demo)
    staff = actor("thuky")
    committees = [c.id for c in council.committees]
    groups = [gr.id for gr in council.groups]
    delegates = {d.id: d for d in db.session.scalars(select(Delegate).where(
        Delegate.council_id == council.id))}
    body = _body(council.id).id
    missions = [  # (start, by, unit, members)
        (date(2029, 2, 3), "committee", committees[0], [3, 5]),
        (date(2029, 5, 9), "group", groups[1], [2, 5]),
        (date(2029, 8, 1), "council", None, [1]),
        (date(2028, 12, 30), "committee", committees[1], [3]),  # the year before
        (date(2029, 11, 20), "committee", committees[0], [3]),
    ]
    for day, by, unit, members in missions:
        oversight.create_mission(staff, council.id, by=by, subject=f"Giám sát {day}",
                                 start_date=day.isoformat(), member_ids=members,
                                 committee_id=unit if by == "committee" else None,
                                 group_id=unit if by == "group" else None)
    # meetings with voters: (day, group, delegates, petitions as (deadline, answered_on|None))
    voter_script = [
        (date(2029, 1, 15), groups[0], [1, 4], [(date(2029, 2, 1), date(2029, 1, 30)),
                                                (date(2029, 2, 1), date(2029, 2, 3)),
                                                (None, None)]),
        (date(2029, 4, 2), groups[0], [4], [(date(2029, 5, 1), None)]),
        (date(2029, 6, 30), groups[2], [3, 6], [(date(2029, 7, 15), date(2029, 7, 15))]),
        (date(2030, 1, 2), groups[1], [2], [(date(2030, 2, 1), None)]),  # the year after
    ]
    for day, group, who, petitions in voter_script:
        _at(monkeypatch, datetime(day.year, day.month, day.day, 3, tzinfo=UTC))
        vm = oversight.record_voter_meeting(
            staff, council.id, group_id=group, held_on=day.isoformat(), place="Ấp",
            voters_present=50, delegate_ids=who,
            petitions=[{"text": f"Kiến nghị {i}"} for i in range(len(petitions))])
        made = [p for p in oversight.list_petitions(staff, council.id)
                if p.voter_meeting_id == vm.id]
        for p, (deadline, answered_on) in zip(made, petitions, strict=True):
            if deadline is None:
                continue
            oversight.forward_petition(staff, p.id, body_id=body, deadline=deadline)
            if answered_on:
                _at(monkeypatch, datetime(answered_on.year, answered_on.month, answered_on.day,
                                          3, tzinfo=UTC))
                oversight.answer_petition(staff, p.id, answer="Đã giải quyết")
                _at(monkeypatch, datetime(day.year, day.month, day.day, 3, tzinfo=UTC))
    receptions = [(date(2029, 3, 3), "delegate", 7), (date(2029, 3, 4), "standing", None),
                  (date(2029, 9, 9), "delegate", 7), (date(2029, 10, 10), "delegate", 8)]
    for day, receiver, delegate_id in receptions:
        oversight.record_reception(staff, council.id, receiver=receiver, delegate_id=delegate_id,
                                   held_on=day.isoformat(), citizens=2)
    commitments = [(date(2029, 3, 1), date(2029, 2, 20)), (date(2029, 6, 1), None),
                   (date(2029, 12, 1), date(2029, 12, 5)), (date(2030, 1, 1), None)]
    mission_id = oversight.list_missions(staff, council.id)[-1].id
    for deadline, done in commitments:
        c = oversight.record_commitment(staff, council.id, source="supervision", text="Kiến nghị",
                                        body_id=body, deadline=deadline.isoformat(),
                                        mission_id=mission_id)
        if done:
            _at(monkeypatch, datetime(done.year, done.month, done.day, 3, tzinfo=UTC))
            oversight.report_progress(staff, c.id, text="Xong", completes=True,
                                      evidence=small_pdf(), filename="x.pdf")
    today = date(2030, 3, 1)

    def expected(start: date, end: date) -> dict:
        inside = lambda d: start <= d <= end  # noqa: E731
        m = [x for x in missions if inside(x[0])]
        v = [x for x in voter_script if inside(x[0])]
        r = [x for x in receptions if inside(x[0])]
        petitions = [p for x in v for p in x[3]]
        answered = [p for p in petitions if p[1]]
        c = [x for x in commitments if inside(x[0])]
        return {
            "council": {"supervisions": len(m), "voter_meetings": len(v), "receptions": len(r),
                        "petitions_received": len(petitions),
                        "petitions_forwarded": sum(1 for p in petitions if p[0]),
                        "petitions_answered_on_time": sum(1 for p in answered if p[1] <= p[0]),
                        "petitions_answered_late": sum(1 for p in answered if p[1] > p[0]),
                        "petitions_overdue": sum(1 for p in petitions
                                                 if p[0] and not p[1] and today > p[0]),
                        "commitments_kept": sum(1 for x in c if x[1]),
                        "commitments_overdue": sum(1 for x in c if not x[1] and today > x[0])},
            "committees": {cid: sum(1 for x in m if x[1] == "committee" and x[2] == cid)
                           for cid in committees},
            "groups": {gid: (sum(1 for x in m if x[1] == "group" and x[2] == gid),
                             sum(1 for x in v if x[1] == gid)) for gid in groups},
            "delegates": {did: (sum(1 for x in m if did in x[3]), sum(1 for x in v if did in x[2]),
                                sum(1 for x in r if x[2] == did)) for did in delegates},
        }

    for period, (start, end) in {"year": (date(2029, 1, 1), date(2029, 12, 31)),
                                 "q1": rules.quarter_period(2029, 1),
                                 "q3": rules.quarter_period(2029, 3)}.items():
        kwargs = {"year": 2029} if period == "year" else {"year": 2029,
                                                          "quarter": int(period[1])}
        got = statistics.council_statistics(staff, council.id, today=today, **kwargs)["oversight"]
        want = expected(start, end)
        assert {k: got["council"][k] for k in want["council"]} == want["council"], period
        assert {int(u["key"].split(":")[1]): u["supervisions"]
                for u in got["committees"]} == want["committees"], period
        assert {int(u["key"].split(":")[1]): (u["supervisions"], u["voter_meetings"])
                for u in got["groups"]} == want["groups"], period
        assert {int(u["key"].split(":")[1]): (u["supervisions"], u["voter_meetings"],
                                              u["receptions"])
                for u in got["delegates"]} == want["delegates"], period
    # a sanity anchor, so the script itself cannot be empty
    year = statistics.council_statistics(staff, council.id, today=today, year=2029)["oversight"]
    assert (year["council"]["supervisions"], year["council"]["voter_meetings"],
            year["council"]["receptions"]) == (4, 3, 4)


def test_statistics_exports_carry_the_oversight_figures(app, demo, client):
    council = _council(demo)
    staff = token_for(client, "thuky")
    year = date.today().year
    csv_text = client.get(f"/api/v1/councils/{council.id}/statistics/export?format=csv&year={year}",
                          headers=staff).data.decode("utf-8-sig")
    assert "Đoàn giám sát" in csv_text and "Tổ đại biểu số 1" in csv_text
    assert client.get(f"/api/v1/councils/{council.id}/statistics?year={year}&quarter=5",
                      headers=staff).status_code == 422
    assert client.get(f"/api/v1/councils/{council.id}/statistics?quarter=2",
                      headers=staff).status_code == 422
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(
        f"/api/v1/councils/{council.id}/statistics/export?format=xlsx&year={year}&quarter=1",
        headers=staff).data))
    assert "Giám sát, kiến nghị" in book.sheetnames


def test_input_checks_come_after_the_rights(app, demo):
    """A guest's nonsense is refused for who they are, not for what they sent."""
    council = _council(demo)
    with pytest.raises(Forbidden):
        oversight.record_commitment(actor("khach"), council.id, source="x", text=None,
                                    body_id="?", deadline="?")
    with pytest.raises(Invalid):
        oversight.record_commitment(actor("thuky"), council.id, source="x", text=None,
                                    body_id="?", deadline="?")
