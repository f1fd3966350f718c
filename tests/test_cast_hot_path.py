"""The ballot's hot path (one statement per cast, one per actor) keeps every rule: a change
made while a tablet is connected and has voted is seen by its very next ballot."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import delete, func, select, update

from paperless import db
from paperless.models import (
    AgendaItem,
    AuthSession,
    CastReceipt,
    Meeting,
    OpenBallot,
    RoleAssignment,
    User,
)
from paperless.services import delegates, live, votes
from paperless.services.access import SYSTEM, actor_for
from tests.socket_world import connect


def _actor(username):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


@pytest.fixture
def hall(app, demo):
    """The demo session open, daibieu03 checked in on a joined socket, two open votes."""
    meeting_id = db.session.scalar(select(Meeting.id))
    chair = _actor("chutoa")
    live.change_phase(chair, meeting_id, "open")
    items = db.session.scalars(select(AgendaItem.id).where(
        AgendaItem.meeting_id == meeting_id, AgendaItem.kind == "vote")).all()
    first = votes.create_vote(chair, items[0], kind="open", title="Lần một").id
    second = votes.create_vote(chair, items[1], kind="open", title="Lần hai").id
    tablet = connect(app, "daibieu03", meeting_id)
    assert tablet.emit("attendance:check_in", {"meeting_id": meeting_id}, callback=True)["ok"]
    votes.open_vote(chair, first)
    db.session.remove()
    return {"meeting_id": meeting_id, "tablet": tablet, "first": first, "second": second,
            "chair": chair}


def _cast(tablet, vote_id, key=None, choice="yes"):
    return tablet.emit("vote:cast", {"vote_id": vote_id, "choice": choice,
                                     "idempotency_key": key or uuid.uuid4().hex}, callback=True)


def _ballots(vote_id):
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(OpenBallot).where(
        OpenBallot.vote_id == vote_id))


def _delegate_id(username="daibieu03"):
    return db.session.scalar(select(RoleAssignment.delegate_id).join(
        User, User.id == RoleAssignment.user_id).where(User.username == username))


def _open_second(hall):
    votes.close_vote(hall["chair"], hall["first"])  # one vote open at a time
    votes.open_vote(hall["chair"], hall["second"])


def _then_second_vote_refused(hall, code):
    _open_second(hall)
    answer = _cast(hall["tablet"], hall["second"])
    assert not answer["ok"] and answer["error"]["code"] == code, answer
    assert _ballots(hall["second"]) == 0


def test_a_retry_is_counted_once_and_answered_the_same(hall):
    key = uuid.uuid4().hex
    first = _cast(hall["tablet"], hall["first"], key)
    again = _cast(hall["tablet"], hall["first"], key)
    assert first["ok"] and again == first
    assert _ballots(hall["first"]) == 1
    assert db.session.scalar(select(func.count()).select_from(CastReceipt)) == 1
    # a new key changes the choice (the vote allows it): still one ballot, one change
    changed = _cast(hall["tablet"], hall["first"], choice="no")
    assert changed["ok"] and changed["result"]["choice"] == "no"
    ballot = db.session.scalar(select(OpenBallot).where(OpenBallot.vote_id == hall["first"]))
    assert (ballot.choice, ballot.changes) == ("no", 1)
    # after the close, the retry of the first key still gets its acknowledgement
    votes.close_vote(hall["chair"], hall["first"])
    assert _cast(hall["tablet"], hall["first"], key) == first
    late = _cast(hall["tablet"], hall["first"])
    assert not late["ok"] and late["error"]["code"] == "vote_not_open"


def test_a_revoked_session_is_refused_at_once(hall):
    """Revoked by another process: its disconnect has not arrived, the next event sees it."""
    assert _cast(hall["tablet"], hall["first"])["ok"]
    user_id = db.session.scalar(select(User.id).where(User.username == "daibieu03"))
    db.session.execute(update(AuthSession).where(AuthSession.user_id == user_id)
                       .values(revoked_at=datetime.now(UTC)))
    db.session.commit()
    assert hall["tablet"].is_connected()
    _then_second_vote_refused(hall, "unauthorized")


def test_a_disabled_account_is_refused_at_once(hall):
    assert _cast(hall["tablet"], hall["first"])["ok"]
    db.session.execute(update(User).where(User.username == "daibieu03").values(is_active=False))
    db.session.commit()
    _then_second_vote_refused(hall, "unauthorized")


def test_a_role_removed_mid_meeting_is_refused_at_once(hall):
    assert _cast(hall["tablet"], hall["first"])["ok"]
    user_id = db.session.scalar(select(User.id).where(User.username == "daibieu03"))
    db.session.execute(delete(RoleAssignment).where(RoleAssignment.user_id == user_id))
    db.session.commit()
    # no role left in the council: the vote is not even there for this account
    _then_second_vote_refused(hall, "not_found")


def test_a_delegate_set_inactive_is_refused_at_once(hall):
    assert _cast(hall["tablet"], hall["first"])["ok"]
    delegates.change_status(SYSTEM, _delegate_id(), status="resigned",
                            effective_date=date(2026, 11, 30), note="Xin thôi")
    _then_second_vote_refused(hall, "delegate_inactive")


def test_a_paused_session_and_a_draft_vote_take_no_ballot(hall):
    draft = _cast(hall["tablet"], hall["second"])
    assert not draft["ok"] and draft["error"]["code"] == "vote_not_open"
    live.change_phase(hall["chair"], hall["meeting_id"], "pause")
    paused = _cast(hall["tablet"], hall["first"])
    assert not paused["ok"] and paused["error"]["code"] == "session_paused"
    assert _ballots(hall["first"]) == 0 and _ballots(hall["second"]) == 0


def test_a_delegate_who_left_the_sitting_cannot_vote(hall):
    live.mark_attendance(hall["chair"], hall["meeting_id"], _delegate_id(), "absent")
    _then_second_vote_refused(hall, "not_checked_in")


def test_the_remembered_headcount_follows_every_change_of_status(app, demo):
    """N is remembered per term and day, yet a status change — through the service, or
    written by another process straight into the table — changes it on the next read."""
    from paperless.models import Delegate, DelegateStatusChange

    meeting = db.session.scalar(select(Meeting))
    day = meeting.start_date
    before = delegates.total_delegates_on(meeting.term_id, day)
    assert delegates.total_delegates_on(meeting.term_id, day) == before  # remembered
    first, second = db.session.scalars(select(Delegate.id).where(
        Delegate.term_id == meeting.term_id).order_by(Delegate.id).limit(2)).all()
    delegates.change_status(SYSTEM, first, status="resigned", effective_date=day, note="")
    assert delegates.total_delegates_on(meeting.term_id, day) == before - 1
    # another process: no service call here, only the row
    db.session.add(DelegateStatusChange(delegate_id=second, status="deceased",
                                        effective_date=day, note=""))
    db.session.commit()
    assert delegates.total_delegates_on(meeting.term_id, day) == before - 2
    # the day before, both still served
    assert delegates.total_delegates_on(meeting.term_id, date.fromordinal(
        day.toordinal() - 1)) == before
