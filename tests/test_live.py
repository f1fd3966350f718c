"""The live session over Socket.IO: roles, snapshots, sequence numbers, attendance, floor."""

from __future__ import annotations

import json
import time
from datetime import date

import pytest
from sqlalchemy import select

from paperless import db
from paperless.extensions import socketio
from paperless.models import (
    Attendance,
    LiveConnection,
    LiveEvent,
    LiveState,
    Meeting,
    SpeakerRequest,
)
from paperless.realtime.commands import COMMANDS
from paperless.services import councils, delegates, users
from paperless.services.access import SYSTEM
from tests.support import login


@pytest.fixture
def meeting_id(demo):
    return db.session.scalar(select(Meeting.id))


@pytest.fixture
def connect(app, meeting_id):
    clients = []

    def _connect(username, password="kyhopso", join=True):
        client = socketio.test_client(app, flask_test_client=login(app.test_client(),
                                                                   username, password))
        clients.append(client)
        if join:
            answer = client.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)
            assert answer["ok"], answer
            client.snapshot = answer["snapshot"]
        return client

    yield _connect
    for client in clients:
        if client.is_connected():
            client.disconnect()


def call(client, name, meeting_id, **payload):
    return client.emit(name, {"meeting_id": meeting_id, **payload}, callback=True)


def events_of(client):
    return [m["args"][0] for m in client.get_received() if m["name"] == "event"]


def test_only_operators_run_the_session(connect, meeting_id):
    delegate = connect("daibieu04")
    guest = connect("khach")
    for client in (delegate, guest):
        for name, payload in (("live:phase", {"action": "open"}), ("live:goto", {"offset": 1}),
                              ("floor:give", {"request_id": 1}), ("floor:stop", {}),
                              ("notice:send", {"text": "x"}), ("live:sitting", {})):
            answer = call(client, name, meeting_id, **payload)
            assert answer["ok"] is False and answer["error"]["code"] == "forbidden", name
    assert db.session.get(LiveState, meeting_id).phase == "not_started"
    chair = connect("chutoa")
    assert call(chair, "live:phase", meeting_id, action="open")["ok"]
    # now open: still nobody else may move the agenda or give the floor
    assert call(delegate, "live:goto", meeting_id, offset=1)["error"]["code"] == "forbidden"
    assert call(guest, "attendance:mark", meeting_id, delegate_id=3,
                status="present")["error"]["code"] == "forbidden"
    assert call(guest, "attendance:check_in", meeting_id)["error"]["code"] == "forbidden"
    assert db.session.scalars(select(Attendance)).all() == []


def test_delegate_of_another_council_cannot_join(connect, app, meeting_id):
    other = councils.create_council(SYSTEM, name="HĐND xã Bên Cạnh", level="xa", parent_id=None)
    term = councils.create_term(SYSTEM, other.id, name="2026–2031",
                                start_date=date(2026, 3, 15), end_date=None, seats=1)
    person = delegates.add_delegate(SYSTEM, term.id, full_name="Người khác", gender="nu")
    user = users.create_user(SYSTEM, username="khac", full_name="Người khác", password="matkhau1")
    users.assign_role(SYSTEM, user, other.id, "delegate", person.id)
    outsider = connect("khac", "matkhau1", join=False)
    answer = outsider.emit("meeting:join", {"meeting_id": meeting_id}, callback=True)
    assert answer["ok"] is False and answer["error"]["code"] == "not_found"
    assert call(outsider, "live:snapshot", meeting_id)["error"]["code"] == "not_found"
    assert call(outsider, "attendance:check_in", meeting_id)["error"]["code"] == "not_found"
    chair = connect("chutoa")
    call(chair, "live:phase", meeting_id, action="open")
    assert events_of(outsider) == []  # never in the room, so never told


def test_session_flow_with_numbered_events(connect, meeting_id):
    chair, tablet, screen = connect("chutoa"), connect("daibieu05"), connect("manhinh")
    assert screen.snapshot["seq"] == 0 and screen.snapshot["phase"] == "not_started"
    assert "roster" in chair.snapshot and "roster" not in screen.snapshot
    opened = call(chair, "live:phase", meeting_id, action="open")["result"]
    assert opened["current_item"]["number"] == "1" and opened["seq"] == 1
    assert call(tablet, "attendance:check_in", meeting_id)["result"]["attendance"]["present"] == 1
    again = call(tablet, "attendance:check_in", meeting_id)["result"]
    assert again["already"] is True and again["attendance"]["present"] == 1  # once per sitting
    queued = call(tablet, "floor:request", meeting_id, kind="speech", topic="Về ngân sách")
    request_id = queued["result"]["queue"][0]["id"]
    assert call(tablet, "floor:request", meeting_id, kind="speech")["error"]["code"] == \
        "already_requested"
    spoke = call(chair, "floor:give", meeting_id, request_id=request_id)["result"]
    assert spoke["speaker"]["name"] == "Hoàng Văn Nam" and spoke["queue"] == []
    assert spoke["speaker"]["limit_seconds"] == 300
    moved = call(chair, "live:goto", meeting_id, offset=1)["result"]
    assert moved["current_item"]["number"] == "2"
    time.sleep(0.6)  # the roll is coalesced over a quarter of a second
    seen = events_of(screen)
    numbered = [e for e in seen if "seq" in e["payload"]]
    assert [e["payload"]["seq"] for e in numbered] == [1, 2, 3, 4]
    assert [e["name"] for e in numbered] == ["live.phase", "live.queue", "live.queue",
                                             "live.item"]
    # the check-in is not numbered: the hall is told the whole roll once
    rolls = [e["payload"] for e in seen if e["name"] == "live.roll"]
    assert len(rolls) == 1 and rolls[0]["marked"]["present"] == [5]
    assert rolls[0]["attendance"]["present"] == 1
    stored = db.session.scalars(select(LiveEvent).where(LiveEvent.meeting_id == meeting_id)
                                .order_by(LiveEvent.seq)).all()
    assert [e.seq for e in stored] == [1, 2, 3, 4]
    # a client that reconnects gets the whole current state at once
    late = connect("daibieu06")
    snap = late.snapshot
    assert snap["seq"] == 4 and snap["current_item"]["number"] == "2"
    assert snap["speaker"]["delegate_id"] == 5 and snap["attendance"]["present"] == 1
    assert snap["me"]["checked_in"] is False
    assert call(chair, "floor:stop", meeting_id)["result"]["speaker"] is None
    assert call(chair, "floor:stop", meeting_id)["error"]["code"] == "no_speaker"
    record = db.session.get(SpeakerRequest, request_id)
    assert record.status == "done" and record.ended_at > record.started_at


def test_quorum_is_two_thirds_of_all_delegates(connect, meeting_id):
    chair = connect("chutoa")
    call(chair, "live:phase", meeting_id, action="open")
    summary = None
    for number in range(1, 20):
        summary = call(chair, "attendance:mark", meeting_id, delegate_id=number,
                       status="present")["result"]["attendance"]
    assert summary["present"] == 19 and summary["total"] == 30
    assert summary["quorum_required"] == 20 and summary["quorum_reached"] is False
    call(chair, "attendance:mark", meeting_id, delegate_id=30, status="absent_excused",
         reason="Đi công tác")
    tablet = connect("daibieu20")
    summary = call(tablet, "attendance:check_in", meeting_id)["result"]["attendance"]
    assert summary["present"] == 20 and summary["quorum_reached"] is True
    assert summary["absent_excused"] == 1
    # a new sitting: everyone checks in again
    fresh = call(chair, "live:sitting", meeting_id)["result"]
    assert fresh["sitting"]["number"] == 2 and fresh["attendance"]["present"] == 0


def test_floor_needs_check_in_and_an_open_session(connect, meeting_id):
    tablet = connect("daibieu08")
    assert call(tablet, "floor:request", meeting_id)["error"]["code"] == "session_not_open"
    chair = connect("chutoa")
    call(chair, "live:phase", meeting_id, action="open")
    assert call(tablet, "floor:request", meeting_id)["error"]["code"] == "not_checked_in"
    call(tablet, "attendance:check_in", meeting_id)
    assert call(tablet, "floor:request", meeting_id, kind="debate")["ok"]
    waiting = db.session.scalars(select(SpeakerRequest)).all()
    assert [(r.kind, r.limit_seconds) for r in waiting] == [("debate", 120)]
    assert call(chair, "live:phase", meeting_id, action="open")["error"]["code"] == \
        "invalid_phase"


def test_queue_reorder_and_withdraw(connect, meeting_id):
    chair = connect("chutoa")
    call(chair, "live:phase", meeting_id, action="open")
    ids = []
    for username in ("daibieu10", "daibieu11", "daibieu12"):
        tablet = connect(username)
        call(tablet, "attendance:check_in", meeting_id)
        ids.append(call(tablet, "floor:request", meeting_id)["result"]["queue"][-1]["id"])
    order = [ids[2], ids[0], ids[1]]
    queue = call(chair, "floor:reorder", meeting_id, order=order)["result"]["queue"]
    assert [r["id"] for r in queue] == order
    assert call(chair, "floor:reorder", meeting_id, order=[ids[0]])["error"]["code"] == \
        "invalid_order"
    other = connect("daibieu13")
    assert call(other, "floor:withdraw", meeting_id, request_id=ids[0])["error"]["code"] == \
        "forbidden"
    queue = call(chair, "floor:withdraw", meeting_id, request_id=ids[0])["result"]["queue"]
    assert [r["id"] for r in queue] == [ids[2], ids[1]]


def test_notices_reach_their_audience(connect, meeting_id):
    chair, tablet, screen = connect("chutoa"), connect("daibieu14"), connect("manhinh")
    call(chair, "notice:send", meeting_id, text="Nghỉ giải lao 15 phút", audience="delegates")
    assert [e["name"] for e in events_of(tablet)] == ["live.notice"]
    assert events_of(screen) == []
    call(chair, "notice:send", meeting_id, text="Mời đại biểu về chỗ ngồi")
    assert [e["payload"]["text"] for e in events_of(screen)] == ["Mời đại biểu về chỗ ngồi"]
    assert call(chair, "notice:send", meeting_id, text="   ")["error"]["code"] == \
        "validation_error"
    assert [n["text"] for n in connect("khach").snapshot["notices"]] == \
        ["Mời đại biểu về chỗ ngồi"]


def test_many_check_ins_make_one_roll_with_every_mark(connect, meeting_id):
    """A burst of check-ins is told to the hall as the latest whole roll, not one broadcast
    per check-in; the reason of an excused absence still reaches staff only."""
    chair, screen = connect("chutoa"), connect("manhinh")
    call(chair, "live:phase", meeting_id, action="open")
    tablets = [connect(f"daibieu{n:02d}") for n in range(4, 12)]
    time.sleep(0.6)
    screen.get_received(), chair.get_received()
    for tablet in tablets:
        assert call(tablet, "attendance:check_in", meeting_id)["ok"]
    answer = call(chair, "attendance:mark", meeting_id, delegate_id=12,
                  status="absent_excused", reason="Đi công tác")["result"]
    assert answer["changed"] == {"delegate_id": 12, "status": "absent_excused"}
    time.sleep(0.6)
    seen = events_of(screen)
    rolls = [e["payload"] for e in seen if e["name"] == "live.roll"]
    assert 1 <= len(rolls) <= 2, [e["name"] for e in seen]  # not nine
    last = rolls[-1]
    assert last["marked"]["present"] == list(range(4, 12))
    assert last["marked"]["absent_excused"] == [12] and last["attendance"]["present"] == 8
    latest_mark = max(a.at for a in db.session.scalars(select(Attendance)))
    assert last["as_of"] == latest_mark.isoformat(timespec="microseconds")
    assert "Đi công tác" not in json.dumps(seen, ensure_ascii=False)
    assert not [e for e in seen if e["name"] == "attendance.reason"]
    reasons = [e["payload"] for e in events_of(chair) if e["name"] == "attendance.reason"]
    assert reasons == [{"delegate_id": 12, "status": "absent_excused", "reason": "Đi công tác"}]
    assert db.session.get(LiveState, meeting_id).seq == 1  # only the opening is numbered


def test_only_serving_delegates_of_the_term_are_marked(connect, meeting_id):
    """A delegate who resigned cannot check in nor be marked; one of another council's term
    is no delegate of this meeting; nothing is written for either."""
    chair, tablet = connect("chutoa"), connect("daibieu07")
    call(chair, "live:phase", meeting_id, action="open")
    meeting = db.session.get(Meeting, meeting_id)
    delegates.change_status(SYSTEM, 7, status="resigned", effective_date=meeting.start_date,
                            note="Chuyển công tác")
    assert call(tablet, "attendance:check_in", meeting_id)["error"]["code"] == \
        "delegate_inactive"
    assert call(chair, "attendance:mark", meeting_id, delegate_id=7,
                status="present")["error"]["code"] == "delegate_inactive"
    other = councils.create_council(SYSTEM, name="HĐND xã Khác", level="xa", parent_id=None)
    term = councils.create_term(SYSTEM, other.id, name="2026–2031",
                                start_date=date(2026, 3, 15), end_date=None, seats=1)
    stranger = delegates.add_delegate(SYSTEM, term.id, full_name="Người xã khác", gender="nu")
    for delegate_id in (stranger.id, 999999):
        assert call(chair, "attendance:mark", meeting_id, delegate_id=delegate_id,
                    status="present")["error"]["code"] == "invalid_delegate"
    assert db.session.scalars(select(Attendance)).all() == []
    assert call(chair, "attendance:mark", meeting_id, delegate_id=8, status="present")["ok"]


def test_presence_shows_dropped_tablets(connect, meeting_id):
    chair = connect("chutoa")
    tablet = connect("daibieu15")
    rows = {r["delegate_id"]: r for r in
            call(chair, "live:snapshot", meeting_id)["result"]["roster"]}
    assert rows[15]["online"] is True and rows[16]["online"] is False
    chair.get_received()
    tablet.disconnect()
    time.sleep(0.6)  # presence is coalesced over a quarter of a second
    presence = [e for e in events_of(chair) if e["name"] == "live.presence"]
    assert presence and 15 not in presence[-1]["payload"]["online_delegate_ids"]
    assert db.session.scalars(select(LiveConnection.delegate_id)).all() == [1]


# Commands for which {"meeting_id": …} alone is a complete, valid request.
MEETING_ONLY = {"live:snapshot", "live:sitting", "floor:stop", "attendance:check_in",
                "questioning:close_group", "floor:extend", "floor:pause", "live:clear",
                "projection:stop"}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_malformed_payloads_are_refused_without_change(connect, meeting_id, name):
    chair = connect("chutoa")
    call(chair, "live:phase", meeting_id, action="open")
    before = db.session.get(LiveState, meeting_id).seq
    for payload in (None, "x", 5, [], {}, {"meeting_id": "1"}, {"meeting_id": True},
                    {"meeting_id": meeting_id, "item_id": "2", "offset": "next",
                     "request_id": None, "delegate_id": [1], "status": 7, "order": "1,2",
                     "text": {"a": 1}, "action": None, "kind": 9, "topic": ["x"]},
                    {"meeting_id": 10**12}):
        if name in MEETING_ONLY and isinstance(payload, dict) and \
                payload.get("meeting_id") == meeting_id:
            continue
        answer = chair.emit(name, payload, callback=True)
        assert answer["ok"] is False, (name, payload, answer)
        assert answer["error"]["code"] in ("validation_error", "not_found", "invalid_action",
                                           "forbidden"), (name, payload, answer)
    db.session.expire_all()
    assert db.session.get(LiveState, meeting_id).seq == before


def test_socket_handshake_from_another_site_is_refused(app, demo):
    """Cross-site WebSocket hijacking: a page elsewhere must not ride the login cookie."""
    client = login(app.test_client(), "chutoa")
    url = "/socket.io/?EIO=4&transport=polling"
    evil = client.get(url, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 400
    same = client.get(url, headers={"Origin": "http://localhost"})
    assert same.status_code == 200


def _actor(username):
    from paperless.models import User
    from paperless.services.access import actor_for

    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def _opened(meeting_id):
    from paperless.services import live

    chair = _actor("chutoa")
    live.change_phase(chair, meeting_id, "open")
    live.mark_attendance(chair, meeting_id, 5, "present")
    return chair


def test_notices_expire_and_the_chair_clears_the_screen(demo, meeting_id):
    from datetime import UTC, datetime, timedelta

    from paperless.models import Notice
    from paperless.services import live

    chair = _opened(meeting_id)
    sent = live.send_notice(chair, meeting_id, "Nghỉ giải lao 15 phút", duration_seconds=60)
    assert sent["expires_at"]
    screen = _actor("manhinh")
    assert [n["text"] for n in live.snapshot(screen, meeting_id)["notices"]] == [
        "Nghỉ giải lao 15 phút"]
    db.session.get(Notice, sent["id"]).expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert live.snapshot(screen, meeting_id)["notices"] == []  # expired: gone, also on reload
    live.send_notice(chair, meeting_id, "Mời đại biểu vào hội trường")
    for bad in (0, 10**9, "60", True):
        with pytest.raises(Exception, match="Thời gian hiển thị"):
            live.send_notice(chair, meeting_id, "x", duration_seconds=bad)
    cleared = live.clear_screen(chair, meeting_id)
    assert cleared["notices"] == [] and live.snapshot(screen, meeting_id)["notices"] == []


def test_the_speakers_clock_extends_pauses_and_ends_itself(demo, meeting_id):
    from datetime import timedelta

    from paperless.services import live

    chair = _opened(meeting_id)
    queue = live.request_floor(_actor("daibieu05"), meeting_id, "speech", "Về ngân sách")
    request_id = queue["queue"][0]["id"]
    live.give_floor(chair, meeting_id, request_id)
    extended = live.extend_speaker(chair, meeting_id, 60)
    assert extended["speaker"]["limit_seconds"] == 360
    paused = live.pause_speaker(chair, meeting_id, True)
    assert paused["speaker"]["paused_at"]
    turn = db.session.get(SpeakerRequest, request_id)
    turn.started_at -= timedelta(seconds=400)  # the clock "ran" while paused: no effect
    turn.paused_at -= timedelta(seconds=400)
    db.session.commit()
    assert live.end_due_speakers() == []  # a paused clock never ends
    resumed = live.pause_speaker(chair, meeting_id, False)
    assert resumed["speaker"]["paused_at"] is None
    db.session.expire_all()
    turn = db.session.get(SpeakerRequest, request_id)
    assert turn.paused_seconds >= 400
    assert live.end_due_speakers() == []  # the pause does not count: time is left
    turn.started_at -= timedelta(seconds=361)
    db.session.commit()
    ended = live.end_due_speakers()
    assert len(ended) == 1 and ended[0]["speaker"] is None
    assert live.end_due_speakers() == []  # once
    with pytest.raises(Exception, match="Không có ai đang phát biểu"):
        live.extend_speaker(chair, meeting_id, 60)


def test_closing_from_the_meeting_page_closes_the_hall(client, demo, meeting_id):
    from paperless.services import live, meeting_status

    chair = _opened(meeting_id)
    queue = live.request_floor(_actor("daibieu05"), meeting_id, "speech", "")
    live.give_floor(chair, meeting_id, queue["queue"][0]["id"])
    meeting_status.set_status(_actor("thuky"), meeting_id, "closed")
    snap = live.snapshot(_actor("manhinh"), meeting_id)
    assert snap["phase"] == "closed" and snap["speaker"] is None
    with pytest.raises(Exception, match="bế mạc"):
        live.go_to_item(chair, meeting_id, offset=1)
    assert db.session.scalars(select(LiveEvent.name).order_by(LiveEvent.seq.desc())).first() \
        == "live.phase"


def test_a_new_agenda_item_lands_before_the_closing(demo, meeting_id):
    from paperless.services import meetings

    meetings.add_agenda_item(_actor("thuky"), meeting_id, title="Báo cáo bổ sung", kind="report")
    meeting = db.session.get(Meeting, meeting_id)
    titles = [n.item.title for n in meetings.agenda_tree(meeting)]
    assert titles[-2:] == ["Báo cáo bổ sung", "Bế mạc kỳ họp"]


def test_closing_sits_apart_and_asks_once(client, demo, meeting_id):
    html = login(client, "thuky").get(f"/meetings/{meeting_id}").get_data(as_text=True)
    zone = html.split('data-testid="danger-zone"')[1]
    assert "Bế mạc" not in html.split('data-testid="danger-zone"')[0].split('id="agenda"')[0]
    assert "data-confirm=" in zone and "Trở về dự thảo" in zone  # a published meeting
