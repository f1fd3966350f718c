"""Absence reasons (issue 16): "Vắng có lý do" carries the real reason as text — typed by the
secretariat on the console or sent by the delegate from their tablet — and reaches the record,
the roster (staff) and the delegate's own snapshot, never other delegates."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paperless import db
from paperless.extensions import socketio
from paperless.models import Attendance, AuditEntry, Meeting
from tests.support import login


@pytest.fixture
def meeting_id(demo):
    return db.session.scalar(select(Meeting.id))


@pytest.fixture
def connect(app, meeting_id):
    clients = []

    def _connect(username):
        client = socketio.test_client(app, flask_test_client=login(app.test_client(), username))
        clients.append(client)
        assert client.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)["ok"]
        return client

    yield _connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def call(client, name, meeting_id, **payload):
    return client.emit(name, {"meeting_id": meeting_id, **payload}, callback=True)


def _delegate_of(client, meeting_id: int) -> int:
    return call(client, "live:snapshot", meeting_id)["result"]["me"]["delegate_id"]


def _mark(delegate_id: int) -> Attendance | None:
    db.session.expire_all()
    return db.session.scalar(select(Attendance).where(Attendance.delegate_id == delegate_id))


def test_the_secretariat_records_the_real_reason(connect, meeting_id):
    office = connect("thuky")
    chair = connect("chutoa")
    call(chair, "live:phase", meeting_id, action="open")
    refused = call(office, "attendance:mark", meeting_id, delegate_id=7,
                   status="absent_excused", reason="   ")
    assert refused["ok"] is False and refused["error"]["code"] == "validation_error"
    assert "lý do" in refused["error"]["message"]
    assert _mark(7) is None  # nothing recorded
    done = call(office, "attendance:mark", meeting_id, delegate_id=7, status="absent_excused",
                reason="  Đi   học lớp bồi dưỡng đại biểu ")
    assert done["ok"], done
    assert _mark(7).reason == "Đi học lớp bồi dưỡng đại biểu"
    roster = call(office, "live:snapshot", meeting_id)["result"]["roster"]
    assert next(r for r in roster if r["delegate_id"] == 7)["reason"] == \
        "Đi học lớp bồi dưỡng đại biểu"
    # "Vắng" without reason, and "Có mặt", keep no reason text.
    call(office, "attendance:mark", meeting_id, delegate_id=7, status="absent", reason="Ốm")
    assert (_mark(7).status, _mark(7).reason) == ("absent", "")
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "attendance.marked").order_by(AuditEntry.id)).all()
    assert [e.details["reason"] for e in entry][-2:] == ["Đi học lớp bồi dưỡng đại biểu", ""]


def test_a_delegate_reports_their_own_absence(connect, meeting_id):
    chair = connect("chutoa")
    tablet = connect("daibieu12")
    me = _delegate_of(tablet, meeting_id)
    assert call(tablet, "attendance:report_absence", meeting_id,
                reason="Ốm")["error"]["code"] == "session_not_open"
    call(chair, "live:phase", meeting_id, action="open")
    refused = call(tablet, "attendance:report_absence", meeting_id, reason="")
    assert refused["error"]["code"] == "validation_error"
    hostile = call(tablet, "attendance:report_absence", meeting_id, reason={"x": 1})
    assert hostile["ok"] is False
    assert _mark(me) is None
    done = call(tablet, "attendance:report_absence", meeting_id, reason="Con ốm phải nằm viện")
    assert done["ok"], done
    assert done["result"]["attendance"]["absent_excused"] == 1
    mark = _mark(me)
    assert (mark.status, mark.reason, mark.source) == \
        ("absent_excused", "Con ốm phải nằm viện", "tablet")
    own = call(tablet, "live:snapshot", meeting_id)["result"]["me"]
    assert own["absence"] == {"status": "absent_excused", "reason": "Con ốm phải nằm viện"}
    other = call(connect("daibieu13"), "live:snapshot", meeting_id)["result"]
    assert "roster" not in other and other["me"]["absence"] is None
    # Once checked in, the tablet cannot mark itself away (the secretariat can).
    neighbour = connect("daibieu14")
    call(neighbour, "attendance:check_in", meeting_id)
    late = call(neighbour, "attendance:report_absence", meeting_id, reason="Về sớm")
    assert late["error"]["code"] == "already_present"
    assert _mark(_delegate_of(neighbour, meeting_id)).status == "present"
    # Staff who are not delegates have no absence of their own to report.
    assert call(connect("thuky"), "attendance:report_absence", meeting_id,
                reason="x")["ok"] is False
