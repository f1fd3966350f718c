"""Drive meetings through the services, as the hall would: phases, check-ins, speeches,
votes, questions. Shared by the audit, minutes and statistics tests."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy import select

from paperless import db
from paperless.models import AgendaItem, Delegate, MeetingInvitee, User
from paperless.services import live, questioning, votes
from paperless.services.access import actor_for

_keys = itertools.count(1)


def actor(username: str):
    return actor_for(db.session.scalar(select(User).where(User.username == username)))


def delegate_actor(delegate_id: int):
    """The user account of a delegate (demo: daibieuNN)."""
    from paperless.models import RoleAssignment

    user_id = db.session.scalar(select(RoleAssignment.user_id).where(
        RoleAssignment.delegate_id == delegate_id, RoleAssignment.role == "delegate"))
    return actor_for(db.session.get(User, user_id))


def delegates_of(meeting) -> list[Delegate]:
    return list(db.session.scalars(select(Delegate).where(
        Delegate.term_id == meeting.term_id).order_by(Delegate.id)))


def items_of(meeting) -> list[AgendaItem]:
    return list(db.session.scalars(select(AgendaItem).where(
        AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)))


def officials_of(meeting) -> list[MeetingInvitee]:
    return [i for i in meeting.invitees if i.kind == "official"]


def check_in(meeting, delegate_ids) -> None:
    for delegate_id in delegate_ids:
        live.check_in(delegate_actor(delegate_id), meeting.id)


def mark(meeting, delegate_id, status, reason="") -> None:
    live.mark_attendance(actor("thuky"), meeting.id, delegate_id, status, reason)


def speak(meeting, delegate_id, kind="speech", topic="") -> None:
    chair = actor("chutoa")
    live.request_floor(delegate_actor(delegate_id), meeting.id, kind, topic)
    from paperless.models import SpeakerRequest

    request_id = db.session.scalar(select(SpeakerRequest.id).where(
        SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.delegate_id == delegate_id,
        SpeakerRequest.status == "waiting").order_by(SpeakerRequest.id.desc()))
    live.give_floor(chair, meeting.id, request_id)
    live.stop_speaker(chair, meeting.id)


def vote(meeting, item_id, ballots: dict[int, str], kind="open", title="Biểu quyết",
         announce=True):
    """`ballots`: delegate id -> choice code (yes/no/abstain)."""
    chair = actor("chutoa")
    made = votes.create_vote(actor("thuky"), item_id, kind=kind, title=title)
    votes.open_vote(chair, made.id)
    for delegate_id, choice in ballots.items():
        votes.cast(delegate_actor(delegate_id), made.id,
                   idempotency_key=f"key-{next(_keys):08d}", choice=choice)
    votes.close_vote(chair, made.id)
    if announce:
        votes.announce(chair, made.id)
    return made


def question(meeting, delegate_id, official_id, text, *, answer=None, written_deadline=None):
    """File a slip; answer it at the session (`answer` text) or in writing (deadline)."""
    slip = questioning.file_slip(delegate_actor(delegate_id), meeting.id,
                                 official_id=official_id, topic="", text=text)
    if answer is not None:
        questioning.record_answer(actor("thuky"), slip.id, mode="session",
                                  answered_by_id=official_id, summary=answer)
    elif written_deadline is not None:
        questioning.record_answer(actor("thuky"), slip.id, mode="written",
                                  deadline=written_deadline)
    return slip


def open_session(meeting) -> None:
    live.change_phase(actor("chutoa"), meeting.id, "open")


def close_session(meeting) -> None:
    live.change_phase(actor("chutoa"), meeting.id, "close")


def demo_session(meeting) -> dict:
    """The demo meeting run end to end: 27 present, 1 excused, 1 absent, 1 unmarked;
    two speeches, one open vote, one secret vote, two questions."""
    delegates = delegates_of(meeting)
    ids = [d.id for d in delegates]
    items = items_of(meeting)
    officials = officials_of(meeting)
    open_session(meeting)
    check_in(meeting, ids[:27])
    mark(meeting, ids[27], "absent_excused", "Đi công tác")
    mark(meeting, ids[28], "absent")
    speak(meeting, ids[3], topic="Ngân sách")
    speak(meeting, ids[5], kind="debate")
    budget = vote(meeting, items[6].id, {d: ("yes" if n < 24 else "no" if n < 26 else "abstain")
                                         for n, d in enumerate(ids[:27])},
                  title="Thông qua Nghị quyết về dự toán ngân sách nhà nước xã năm 2027")
    secret = vote(meeting, items[8].id, {d: ("yes" if n < 20 else "no")
                                         for n, d in enumerate(ids[:25])},
                  kind="secret", title="Bỏ phiếu kín về kế hoạch tổ chức kỳ họp")
    q1 = question(meeting, ids[2], officials[0].id, "Vì sao dự án đường liên xã chậm tiến độ?",
                  answer="Do vướng giải phóng mặt bằng; hoàn thành trong quý II.")
    q2 = question(meeting, ids[4], officials[1].id, "Khi nào sửa chữa chợ xã?",
                  written_deadline=date.today())
    close_session(meeting)
    return {"delegates": delegates, "votes": [budget, secret], "questions": [q1, q2],
            "excused": delegates[27], "absent": delegates[28], "unmarked": delegates[29]}
