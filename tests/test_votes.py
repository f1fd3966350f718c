"""Voting: roles, exactly-once casting, secret-ballot unlinkability, results, re-votes."""

from __future__ import annotations

import threading
import uuid
from datetime import date

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import OperationalError

from paperless import db
from paperless.models import (
    AgendaItem,
    CastReceipt,
    LiveEvent,
    Meeting,
    OpenBallot,
    User,
    Vote,
)
from paperless.services import councils, delegates, live, users, votes
from paperless.services.access import SYSTEM, actor_for
from tests.support import token_for


def _actor(username):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


@pytest.fixture
def hall(demo):
    """The demo session opened, with delegates 1..29 checked in (30 is absent)."""
    meeting_id = db.session.scalar(select(Meeting.id))
    chair = _actor("chutoa")
    live.change_phase(chair, meeting_id, "open")
    for delegate_id in range(1, 30):
        live.mark_attendance(chair, meeting_id, delegate_id, "present")
    item = db.session.scalars(select(AgendaItem).where(AgendaItem.kind == "vote")).first()
    return {"meeting_id": meeting_id, "item_id": item.id}


def _make(client, headers, item_id, **body):
    response = client.post(f"/api/v1/agenda-items/{item_id}/votes", headers=headers,
                           json={"kind": "open", "title": "Thông qua Nghị quyết dự toán", **body})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _cast(client, headers, vote_id, key=None, **body):
    return client.post(f"/api/v1/votes/{vote_id}/ballots", headers=headers,
                       json={"idempotency_key": key or uuid.uuid4().hex, **body})


def test_roles(client, hall):
    staff = token_for(client, "thuky")
    vote_id = _make(client, staff, hall["item_id"])
    delegate = token_for(client, "daibieu03")
    assert client.post(f"/api/v1/votes/{vote_id}/open", headers=delegate).status_code == 403
    assert client.post(f"/api/v1/votes/{vote_id}/open", headers=token_for(client, "chutoa")
                       ).status_code == 200
    assert client.post(f"/api/v1/votes/{vote_id}/close", headers=delegate).status_code == 403
    guest = _cast(client, token_for(client, "khach"), vote_id, choice="yes")
    assert guest.status_code == 403 and guest.get_json()["error"]["code"] == "not_a_delegate"
    official = _cast(client, token_for(client, "ubnd"), vote_id, choice="yes")
    assert official.status_code == 403
    absent = _cast(client, token_for(client, "daibieu30"), vote_id, choice="yes")
    assert absent.status_code == 409 and absent.get_json()["error"]["code"] == "not_checked_in"
    # a delegate of another council cannot even see it
    other = councils.create_council(SYSTEM, name="HĐND xã Khác", level="xa", parent_id=None)
    term = councils.create_term(SYSTEM, other.id, name="2026–2031",
                                start_date=date(2026, 3, 15), end_date=None, seats=1)
    person = delegates.add_delegate(SYSTEM, term.id, full_name="Người ngoài", gender="nam")
    user = users.create_user(SYSTEM, username="ngoai", full_name="Người ngoài",
                             password="matkhau1")
    users.assign_role(SYSTEM, user, other.id, "delegate", person.id)
    outsider = _cast(client, token_for(client, "ngoai", "matkhau1"), vote_id, choice="yes")
    assert outsider.status_code == 404
    assert db.session.scalars(select(OpenBallot)).all() == []


def test_open_vote_flow_wording_and_names(client, hall):
    staff = token_for(client, "thuky")
    chair = token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    assert _cast(client, token_for(client, "daibieu01"), vote_id, choice="yes"
                 ).get_json()["error"]["code"] == "vote_not_open"
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    for number in range(1, 28):
        assert _cast(client, token_for(client, f"daibieu{number:02d}"), vote_id,
                     choice="yes").status_code == 201
    _cast(client, token_for(client, "daibieu28"), vote_id, choice="abstain")
    # a second device of daibieu01 shows the current choice
    mine = client.get(f"/api/v1/votes/{vote_id}", headers=token_for(client, "daibieu01")
                      ).get_json()
    assert mine["mine"] == {"voted": True, "choice": "yes"}
    assert mine["progress"] == {"vote_id": vote_id, "received": 28, "present": 29, "total": 30}
    assert "result" not in mine
    assert client.get(f"/api/v1/votes/{vote_id}/result", headers=token_for(client, "daibieu01")
                      ).status_code == 409
    closed = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()
    statement = closed["result"]["statement"]
    assert statement[0] == "Có 28/30 đại biểu tham gia biểu quyết (chiếm 93,33% tổng số đại biểu)"
    assert statement[1] == "Tán thành: 27/30 đại biểu, chiếm 90,00% tổng số đại biểu"
    assert statement[3] == "Không biểu quyết: 1/30 đại biểu, chiếm 3,33% tổng số đại biểu"
    assert statement[4] == "Có mặt nhưng không biểu quyết: 1; vắng mặt: 1"
    assert closed["result"]["passed"] is True
    assert closed["result"]["names"]["abstain"] == ["Trương Văn Lộc"]  # delegate no. 28
    client.post(f"/api/v1/votes/{vote_id}/announce", headers=chair)
    public = client.get(f"/api/v1/votes/{vote_id}/result", headers=token_for(client, "khach"))
    assert public.status_code == 200 and public.get_json()["result"]["passed"] is True
    # nothing about a closed vote changes
    assert _cast(client, token_for(client, "daibieu29"), vote_id, choice="no"
                 ).get_json()["error"]["code"] == "vote_not_open"
    assert client.post(f"/api/v1/votes/{vote_id}/open", headers=chair).status_code == 409
    assert client.post(f"/api/v1/votes/{vote_id}/cancel", headers=chair,
                       json={"reason": "x"}).status_code == 409


def test_change_of_mind_counts_last_and_retries_count_once(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    me = token_for(client, "daibieu05")
    first = _cast(client, me, vote_id, key="key-first-0001", choice="yes").get_json()
    again = _cast(client, me, vote_id, key="key-first-0001", choice="yes").get_json()
    assert first == again
    _cast(client, me, vote_id, key="key-second-002", choice="no")
    late_retry = _cast(client, me, vote_id, key="key-first-0001", choice="yes").get_json()
    assert late_retry == first  # the old acknowledgement, and the ballot stays "no"
    ballot = db.session.scalar(select(OpenBallot).where(OpenBallot.vote_id == vote_id))
    db.session.refresh(ballot)
    assert (ballot.choice, ballot.changes) == ("no", 1)
    fixed = _make(client, staff, hall["item_id"], allow_change=False)
    client.post(f"/api/v1/votes/{vote_id}/close", headers=chair)
    client.post(f"/api/v1/votes/{fixed}/open", headers=chair)
    _cast(client, me, fixed, choice="yes")
    refused = _cast(client, me, fixed, choice="no")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "already_voted"


@pytest.mark.parametrize("body,code", [
    ({"choice": "maybe"}, "invalid_choice"), ({"choice": None}, "invalid_choice"),
    ({"choice": "yes", "idempotency_key": "short"}, "invalid_idempotency_key"),
    ({"choice": "yes", "idempotency_key": 12345678}, "invalid_idempotency_key"),
    ({"choice": ["yes"]}, "invalid_choice"),
])
def test_malformed_ballots_are_refused(client, hall, body, code):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    payload = {"idempotency_key": uuid.uuid4().hex, **body}
    response = client.post(f"/api/v1/votes/{vote_id}/ballots",
                           headers=token_for(client, "daibieu02"), json=payload)
    assert response.status_code == 422 and response.get_json()["error"]["code"] == code
    assert db.session.scalars(select(OpenBallot)).all() == []
    assert db.session.scalars(select(CastReceipt)).all() == []


def test_exactly_once_under_concurrent_retries(app, client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    tokens = {n: token_for(client, f"daibieu{n:02d}") for n in range(1, 21)}
    acks: dict[int, list] = {n: [] for n in tokens}
    errors = []

    def hammer(number: int, key: str):
        http = app.test_client()
        for _ in range(3):  # the tablet retries: same key each time
            response = http.post(f"/api/v1/votes/{vote_id}/ballots", headers=tokens[number],
                                 json={"idempotency_key": key, "choice": "yes"})
            if response.status_code == 201:
                acks[number].append(response.get_json())
            else:
                errors.append(response.get_json())

    threads = [threading.Thread(target=hammer, args=(n, f"k-{n:02d}-stable"))
               for n in tokens for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    for number, received in acks.items():
        assert len(received) == 9 and all(a == received[0] for a in received), number
    rows = db.session.scalars(select(OpenBallot).where(OpenBallot.vote_id == vote_id)).all()
    assert sorted(r.delegate_id for r in rows) == list(range(1, 21))
    result = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()["result"]
    assert result["voted"] == 20 and result["choices"][0]["count"] == 20


def test_secret_ballot_cannot_be_linked_to_its_delegate(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"], kind="secret")
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    cast_order = []
    for number in range(1, 26):
        choice = "yes" if number % 3 else "no"
        key = f"secret-key-{number:02d}"
        ack = _cast(client, token_for(client, f"daibieu{number:02d}"), vote_id, key=key,
                    choice=choice).get_json()
        assert ack == {"vote_id": vote_id, "received": True, "secret": True}  # no content
        cast_order.append(number)
    again = _cast(client, token_for(client, "daibieu01"), vote_id, choice="no")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_voted"
    retry = _cast(client, token_for(client, "daibieu01"), vote_id, key="secret-key-01",
                  choice="yes")
    assert retry.status_code == 201  # a retry of the same ballot is acknowledged, not re-counted

    engine = db.session.get_bind()
    postgres = engine.dialect.name == "postgresql"
    columns = {c["name"] for c in inspect(engine).get_columns("secret_ballot")}
    assert columns == {"id", "vote_id", "sealed"}  # no delegate, no time, no readable content
    assert {c["name"] for c in inspect(engine).get_columns("secret_participation")} == \
        {"vote_id", "delegate_id", "idempotency_key"}  # no content, no time
    with engine.connect() as conn:
        if not postgres:
            with pytest.raises(OperationalError):  # no hidden insertion-order rowid to join on
                conn.execute(text("SELECT rowid FROM secret_ballot")).all()
            with pytest.raises(OperationalError):
                conn.execute(text("SELECT rowid FROM secret_participation")).all()
        stored = conn.execute(text("SELECT id, sealed FROM secret_ballot WHERE vote_id = :v"),
                              {"v": vote_id}).all()
        participants = [r[0] for r in conn.execute(text(
            "SELECT delegate_id FROM secret_participation WHERE vote_id = :v"), {"v": vote_id})]
    assert len(stored) == 25 and sorted(participants) == cast_order
    ids = [row[0] for row in stored]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)  # random 128-bit, not a sequence
    sealed = [bytes(row[1]) for row in stored]
    assert len({len(b) for b in sealed}) == 1  # one size for "yes" and "no"
    assert not any(b"yes" in b or b"choice" in b for b in sealed)
    # nothing else recorded who chose what
    assert db.session.scalars(select(CastReceipt).where(CastReceipt.vote_id == vote_id)
                              ).all() == []
    for event in db.session.scalars(select(LiveEvent)):
        assert "choice" not in str(event.payload) or event.name == "vote.opened"
    result = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()["result"]
    assert result["voted"] == 25 and result["names"] == {}
    assert [c["count"] for c in result["choices"]] == [17, 8, 0]
    # only the tally is kept: the sealed ballots and the vote's key went with the close
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM secret_ballot")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM secret_ballot_key")).scalar() == 0


def test_election_and_confidence_votes(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    election = _make(client, staff, hall["item_id"], kind="election", title="Bầu Phó Chủ tịch",
                     candidates=["Trần Thị Lan", "Lê Minh Tuấn", "Phạm Thị Hồng"], seats=1,
                     exact=True)
    client.post(f"/api/v1/votes/{election}/open", headers=chair)
    for number in range(1, 30):
        pick = [1] if number <= 20 else [2]
        assert _cast(client, token_for(client, f"daibieu{number:02d}"), election,
                     selections=pick).status_code == 201
    wrong = _cast(client, token_for(client, "daibieu29"), election, selections=[1, 2])
    assert wrong.status_code in (409, 422)
    result = client.post(f"/api/v1/votes/{election}/close", headers=chair).get_json()["result"]
    assert result["elected"] == [1]
    assert "Trần Thị Lan: 20/30 phiếu bầu, chiếm 66,67% tổng số đại biểu — trúng cử" in \
        result["statement"]

    rating = _make(client, staff, hall["item_id"], kind="confidence",
                   title="Lấy phiếu tín nhiệm", persons=["Trần Quốc Bảo — Chủ tịch UBND xã",
                                                          "Lê Thị Mai — Trưởng phòng"])
    client.post(f"/api/v1/votes/{rating}/open", headers=chair)
    for number in range(1, 30):
        low_for_first = "low" if number <= 16 else "high"
        body = {"ratings": {"1": low_for_first, "2": "medium"}}
        assert _cast(client, token_for(client, f"daibieu{number:02d}"), rating,
                     **body).status_code == 201
    incomplete = _cast(client, token_for(client, "daibieu29"), rating, ratings={"1": "high"})
    assert incomplete.status_code in (409, 422)
    persons = client.post(f"/api/v1/votes/{rating}/close", headers=chair
                          ).get_json()["result"]["persons"]
    assert persons[0]["consequence"] == "no_confidence_vote"  # 16 of 30: more than half
    assert persons[1]["consequence"] == "none"
    assert [lv["count"] for lv in persons[0]["levels"]] == [13, 0, 16]


def test_revote_cancel_and_manual_counts(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    no_reason = client.post(f"/api/v1/votes/{vote_id}/cancel", headers=chair, json={"reason": " "})
    assert no_reason.status_code == 422
    client.post(f"/api/v1/votes/{vote_id}/cancel", headers=chair,
                json={"reason": "Hệ thống máy tính bảng gặp sự cố"})
    again = client.post(f"/api/v1/votes/{vote_id}/revote", headers=chair).get_json()
    assert again["round"] == 2 and again["status"] == "draft"
    assert db.session.get(Vote, vote_id).status == "cancelled"  # the earlier round stays
    manual = client.post(f"/api/v1/votes/{again['id']}/manual-result", headers=staff,
                         json={"counts": {"yes": 25, "no": 2, "abstain": 1},
                               "note": "Biểu quyết bằng hình thức giơ tay"})
    assert manual.status_code == 200, manual.get_json()
    assert manual.get_json()["manual"]["status"] == "pending"
    assert db.session.get(Vote, again["id"]).status == "draft"  # not a result until confirmed
    # the secretariat cannot confirm its own entry; the chair does
    decide = f"/api/v1/votes/{again['id']}/manual-result/decision"
    assert client.post(decide, headers=staff, json={"confirm": True}).status_code == 403
    confirmed = client.post(decide, headers=chair, json={"confirm": True})
    assert confirmed.status_code == 200, confirmed.get_json()
    result = confirmed.get_json()["result"]
    assert result["manual"] is True and result["passed"] is True
    assert result["statement"][0] == "Kết quả kiểm thủ công (Biểu quyết bằng hình thức giơ tay)."
    too_many = _make(client, staff, hall["item_id"])
    bad = client.post(f"/api/v1/votes/{too_many}/manual-result", headers=staff,
                      json={"counts": {"yes": 40}, "note": "giơ tay"})
    assert bad.status_code == 422 and db.session.get(Vote, too_many).status == "draft"


def test_threshold_uses_total_not_present(client, hall):
    """29 present of 30; 15 in favour of those present is not enough — 16 of 30 is."""
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    for number in range(1, 30):
        _cast(client, token_for(client, f"daibieu{number:02d}"), vote_id,
              choice="yes" if number <= 15 else "no")
    result = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()["result"]
    assert result["passed"] is False and result["required"] == 16


def test_late_progress_of_a_vanished_vote_is_dropped_not_raised(app):
    """Progress is built lazily, after the coalescing delay; by then the vote may be gone."""
    from paperless import realtime
    from paperless.services import events
    from paperless.services.votes import _progress_of

    with app.app_context():
        assert _progress_of(987654) is None
        realtime._emit(events.Announcement(1, "vote.progress", lambda: None, "all"))


def test_the_chair_votes_and_checks_in_as_the_delegate_they_are(client, hall):
    """The Chủ tịch HĐND presides and is a delegate (demo: delegate no. 1): their ballot
    counts against N like any other; it is refused to accounts with no delegate record."""
    chair = token_for(client, "chutoa")
    vote_id = _make(client, token_for(client, "thuky"), hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    cast = _cast(client, chair, vote_id, choice="yes")
    assert cast.status_code == 201, cast.get_json()
    for account in ("thuky", "ubnd", "khach"):
        assert _cast(client, token_for(client, account), vote_id, choice="yes"
                     ).status_code == 403
    # the same delegate on their own tablet sees the chair's ballot as theirs
    mine = client.get(f"/api/v1/votes/{vote_id}", headers=token_for(client, "daibieu01"))
    assert mine.get_json()["mine"] == {"voted": True, "choice": "yes"}
    closed = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair).get_json()
    assert closed["result"]["statement"][1].startswith("Tán thành: 1/30 đại biểu")
    with client.application.app_context():
        live.mark_attendance(_actor("thuky"), hall["meeting_id"], 1, "absent")
        live.check_in(_actor("chutoa"), hall["meeting_id"])
        state = live.state_for(db.session.get(Meeting, hall["meeting_id"]))
        assert live.is_present(state, 1)


def _run_out(vote_id):
    """The countdown reached 0:00 (moved into the past instead of waiting for it)."""
    from datetime import UTC, datetime, timedelta

    db.session.get(Vote, vote_id).closes_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()


def test_a_timed_vote_closes_itself_once_and_a_late_tap_is_refused(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"], countdown_seconds=30)
    assert client.post(f"/api/v1/votes/{vote_id}/open", headers=chair).status_code == 200
    early = token_for(client, "daibieu03")
    assert _cast(client, early, vote_id, choice="yes").status_code == 201
    assert votes.close_due() == []  # not yet due
    _run_out(vote_id)
    closed = votes.close_due()
    assert [m["vote"]["status"] for m in closed] == ["closed"]
    assert votes.close_due() == []  # closing is idempotent: a second process finds nothing
    vote = db.session.get(Vote, vote_id)
    assert vote.status == "closed" and vote.result["voted"] == 1
    events = db.session.scalars(select(LiveEvent.name).where(
        LiveEvent.name == "vote.closed")).all()
    assert events == ["vote.closed"]
    # the chair's own close after the timer: refused, nothing recorded twice
    again = client.post(f"/api/v1/votes/{vote_id}/close", headers=chair)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "vote_not_open"
    late = _cast(client, token_for(client, "daibieu04"), vote_id, choice="no")
    assert late.status_code == 409


def test_a_late_tap_closes_a_vote_no_loop_closed(client, hall):
    """After a restart with no timer loop yet, the first late ballot closes the vote."""
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"], countdown_seconds=30)
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    _run_out(vote_id)
    late = _cast(client, token_for(client, "daibieu04"), vote_id, choice="no")
    assert late.get_json()["error"]["code"] == "vote_time_over"
    db.session.expire_all()
    assert db.session.get(Vote, vote_id).status == "closed"


def test_a_snapshot_closes_a_due_vote(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"], countdown_seconds=30)
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    _run_out(vote_id)
    snap = live.snapshot(_actor("daibieu05"), hall["meeting_id"])
    assert snap["vote"]["vote"]["status"] == "closed"


def test_the_result_leaves_the_screens_when_the_chair_moves_on(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    for step in ("open", "close", "announce"):
        client.post(f"/api/v1/votes/{vote_id}/{step}", headers=chair)
    guest = _actor("khach")
    assert live.snapshot(guest, hall["meeting_id"])["vote"]["vote"]["id"] == vote_id
    moved = live.go_to_item(_actor("chutoa"), hall["meeting_id"], offset=1)
    assert moved["dismissed_vote_id"] == vote_id
    assert live.snapshot(guest, hall["meeting_id"])["vote"] is None  # also after a reload
    assert live.snapshot(_actor("thuky"), hall["meeting_id"])["vote"] is None
def test_ballots_need_the_session_running(client, hall):
    """Paused or closed (bế mạc): ballots are refused with a stable code."""
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    live.change_phase(_actor("chutoa"), hall["meeting_id"], "pause")
    paused = _cast(client, token_for(client, "daibieu02"), vote_id, choice="yes")
    assert paused.status_code == 409 and paused.get_json()["error"]["code"] == "session_paused"
    live.change_phase(_actor("chutoa"), hall["meeting_id"], "resume")
    assert _cast(client, token_for(client, "daibieu02"), vote_id, choice="yes"
                 ).status_code == 201
    # bế mạc with the vote open is refused by default, naming the vote
    from paperless.services.errors import Conflict

    with pytest.raises(Conflict) as refused:
        live.change_phase(_actor("chutoa"), hall["meeting_id"], "close")
    assert refused.value.code == "vote_still_open"
    assert "Thông qua Nghị quyết dự toán" in refused.value.message
    assert db.session.get(Vote, vote_id).status == "open"


def test_closing_the_session_closes_the_open_vote_when_the_council_says_so(client, hall):
    from paperless.models import AuditEntry

    meeting = db.session.get(Meeting, hall["meeting_id"])
    rules_url = f"/api/v1/councils/{meeting.council_id}/session-rules"
    assert client.get(rules_url, headers=token_for(client, "chutoa")
                      ).get_json()["open_vote_at_close"] == "refuse"  # the default
    assert client.put(rules_url, headers=token_for(client, "chutoa"),
                      json={"open_vote_at_close": "close"}).status_code == 403
    assert client.put(rules_url, headers=token_for(client, "admin"),
                      json={"open_vote_at_close": "whenever"}).status_code == 422
    changed = client.put(rules_url, headers=token_for(client, "admin"),
                         json={"open_vote_at_close": "close"})
    assert changed.status_code == 200, changed.get_json()
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"], kind="secret")
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    assert _cast(client, token_for(client, "daibieu05"), vote_id, choice="no"
                 ).status_code == 201
    live.change_phase(_actor("chutoa"), hall["meeting_id"], "close")
    vote = db.session.get(Vote, vote_id)
    assert vote.status == "closed" and vote.result["voted"] == 1
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions.index("vote.closed") < actions.index("live.closed")
    late = _cast(client, token_for(client, "daibieu06"), vote_id, choice="yes")
    assert late.status_code == 409 and late.get_json()["error"]["code"] in (
        "session_closed", "vote_not_open")


def test_manual_counts_are_bounded_and_never_replace_electronic_ballots(client, hall):
    staff, chair = token_for(client, "thuky"), token_for(client, "chutoa")
    vote_id = _make(client, staff, hall["item_id"])
    client.post(f"/api/v1/votes/{vote_id}/open", headers=chair)
    for number in (1, 2, 3):
        _cast(client, token_for(client, f"daibieu{number:02d}"), vote_id, choice="no")
    body = {"counts": {"yes": 3}, "note": "giơ tay"}
    on_open = client.post(f"/api/v1/votes/{vote_id}/manual-result", headers=staff, json=body)
    assert on_open.status_code == 409 and on_open.get_json()["error"]["code"] == "vote_open"
    client.post(f"/api/v1/votes/{vote_id}/close", headers=chair)
    after = client.post(f"/api/v1/votes/{vote_id}/manual-result", headers=staff, json=body)
    assert after.status_code == 409 and after.get_json()["error"]["code"] == "vote_closed"
    vote = db.session.get(Vote, vote_id)
    assert vote.manual is False and vote.result["passed"] is False

    election = _make(client, staff, hall["item_id"], kind="election", title="Bầu Ủy viên",
                     candidates=["A", "B", "C"], seats=2)
    url = f"/api/v1/votes/{election}/manual-result"
    for counts, issued in (({"1": 1_000_000}, 3), ({"1": 4}, 3), ({"1": 3, "2": 3, "3": 1}, 3),
                           ({"1": 2}, 31), ({"1": 2}, None), ({"1": -1}, 3), ({"1": True}, 3)):
        bad = client.post(url, headers=staff, json={"counts": counts, "ballots_issued": issued,
                                                    "note": "phiếu giấy"})
        assert bad.status_code == 422, (counts, issued, bad.get_json())
    ok = client.post(url, headers=staff, json={"counts": {"1": 3, "2": 2, "3": 1},
                                               "ballots_issued": 3, "note": "phiếu giấy"})
    assert ok.status_code == 200, ok.get_json()
    result = client.post(f"{url}/decision", headers=chair, json={"confirm": True}
                         ).get_json()["result"]
    assert result["manual"] is True and result["ballots_issued"] == 3
    assert all(c["count"] <= 3 for c in result["candidates"])
