"""The oversight cycle (giám sát, lời hứa, kiến nghị cử tri, tiếp công dân): pure rules.

Every date a rule compares is the council's calendar date, from `council_today` — the one
place here that turns "now" into a date, through the council's clock (`domain/clock.py`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from paperless.domain import clock


def council_today(council, now: datetime | None = None) -> date:
    """The council's date at `now` (an aware instant; default: this instant). Never the
    server's local date: a server in UTC or New York gives the same answer."""
    return clock.today(getattr(council, "time_zone", None), now)


# --- commitments (lời hứa, cam kết) and supervision recommendations -----------------------

COMMITMENT_SOURCES = {
    "question": "Trả lời chất vấn",
    "hearing": "Phiên giải trình",
    "supervision": "Kiến nghị sau giám sát",
}
COMMITMENT_STATES = {
    "open": "Đang thực hiện",
    "fulfilled": "Đã hoàn thành",
}


def is_overdue(deadline: date | None, done_on: date | None, today: date) -> bool:
    """Overdue: not done and the deadline's day is over (the day after the deadline)."""
    return deadline is not None and done_on is None and today > deadline


def is_late(deadline: date | None, done_on: date | None) -> bool:
    """Done, but after the deadline."""
    return deadline is not None and done_on is not None and done_on > deadline


def commitment_state(status: str, deadline: date | None, done_on: date | None,
                     today: date) -> str:
    """open | overdue | kept (fulfilled on time) | kept_late."""
    if status == "fulfilled":
        return "kept_late" if is_late(deadline, done_on) else "kept"
    return "overdue" if is_overdue(deadline, None, today) else "open"


COMMITMENT_OUTCOMES = {
    "open": "Đang thực hiện (trong hạn)",
    "overdue": "Quá hạn chưa thực hiện",
    "kept": "Đã thực hiện đúng hạn",
    "kept_late": "Đã thực hiện (trễ hạn)",
}


# --- voters' and citizens' petitions ------------------------------------------------------

FIELDS = {
    "dat_dai": "Đất đai, môi trường",
    "giao_thong": "Giao thông, xây dựng",
    "nong_nghiep": "Nông nghiệp, thủy lợi",
    "y_te": "Y tế",
    "giao_duc": "Giáo dục",
    "xa_hoi": "Lao động, chính sách xã hội",
    "an_ninh": "An ninh, trật tự",
    "khac": "Lĩnh vực khác",
}
PETITION_STATES = {
    "received": "Đã tiếp nhận",
    "forwarded": "Đã chuyển cơ quan giải quyết",
    "answered": "Đã trả lời",
}
CITIZEN_KINDS = {
    "complaint": "Khiếu nại",
    "denunciation": "Tố cáo",
    "proposal": "Kiến nghị, phản ánh",
}
RECEIVERS = {"delegate": "Đại biểu", "standing": "Thường trực HĐND"}
MISSION_BY = {"council": "HĐND", "standing": "Thường trực HĐND", "committee": "Ban HĐND",
              "group": "Tổ đại biểu"}

PETITION_OUTCOMES = {
    "received": "Chưa chuyển",
    "pending": "Đang chờ trả lời (trong hạn)",
    "overdue": "Quá hạn chưa trả lời",
    "on_time": "Đã trả lời đúng hạn",
    "late": "Đã trả lời trễ hạn",
}


def petition_outcome(status: str, deadline: date | None, answered_on: date | None,
                     today: date) -> str:
    if status == "received":
        return "received"
    if status == "answered":
        return "late" if is_late(deadline, answered_on) else "on_time"
    return "overdue" if is_overdue(deadline, None, today) else "pending"


# --- emulation figures (thi đua) ----------------------------------------------------------

def quarter_period(year: int, quarter: int) -> tuple[date, date]:
    if quarter not in (1, 2, 3, 4):
        raise ValueError("quarter")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def within(day: date | None, start: date, end: date | None) -> bool:
    return day is not None and day >= start and (end is None or day <= end)


@dataclass
class Tally:
    """One unit's figures: the council, a committee, a delegate group or a delegate."""

    key: str
    name: str
    supervisions: int = 0
    voter_meetings: int = 0
    receptions: int = 0
    petitions: Counter = field(default_factory=Counter)  # received, forwarded, on_time, late…
    commitments: Counter = field(default_factory=Counter)

    def to_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "supervisions": self.supervisions,
                "voter_meetings": self.voter_meetings, "receptions": self.receptions,
                "petitions_received": self.petitions["received"],
                "petitions_forwarded": self.petitions["forwarded"],
                "petitions_answered_on_time": self.petitions["on_time"],
                "petitions_answered_late": self.petitions["late"],
                "petitions_overdue": self.petitions["overdue"],
                "commitments_kept": self.commitments["kept"] + self.commitments["kept_late"],
                "commitments_overdue": self.commitments["overdue"]}


@dataclass(frozen=True)
class MissionFact:
    day: date
    by: str  # council | standing | committee | group
    committee_id: int | None
    group_id: int | None
    member_ids: tuple[int, ...]


@dataclass(frozen=True)
class VoterMeetingFact:
    day: date
    group_id: int
    delegate_ids: tuple[int, ...]
    petitions: tuple[tuple[str, date | None, date | None, date | None], ...]
    # each petition: (status, forwarded_on, deadline, answered_on)


@dataclass(frozen=True)
class ReceptionFact:
    day: date
    receiver: str  # delegate | standing
    delegate_id: int | None
    petitions: tuple[tuple[str, date | None, date | None, date | None], ...]


@dataclass(frozen=True)
class CommitmentFact:
    deadline: date | None
    status: str
    done_on: date | None


def _count_petitions(tally: Tally, petitions, today) -> None:
    for status, _forwarded_on, deadline, answered_on in petitions:
        tally.petitions["received"] += 1
        if status != "received":
            tally.petitions["forwarded"] += 1
        outcome = petition_outcome(status, deadline, answered_on, today)
        if outcome in ("on_time", "late", "overdue"):
            tally.petitions[outcome] += 1


def oversight_figures(*, start: date, end: date | None, today: date,
                      council_name: str, committees: dict[int, str], groups: dict[int, str],
                      delegates: dict[int, tuple[str, int | None, int | None]],
                      missions: Iterable[MissionFact], voter_meetings: Iterable[VoterMeetingFact],
                      receptions: Iterable[ReceptionFact],
                      commitments: Iterable[CommitmentFact]) -> dict:
    """Counts per council, committee, group and delegate for the period [start, end].

    A record counts in the period of its own date (a mission's start, a meeting with
    voters', a reception's); petitions count with the meeting or reception that received
    them. `delegates`: id → (name, group id, committee id). Commitments count by deadline:
    those due in the period, kept or overdue as of `today`."""
    council = Tally("council", council_name)
    by_committee = {cid: Tally(f"committee:{cid}", name) for cid, name in committees.items()}
    by_group = {gid: Tally(f"group:{gid}", name) for gid, name in groups.items()}
    by_delegate = {did: Tally(f"delegate:{did}", name)
                   for did, (name, _g, _c) in delegates.items()}

    for m in missions:
        if not within(m.day, start, end):
            continue
        council.supervisions += 1
        if m.by == "committee" and m.committee_id in by_committee:
            by_committee[m.committee_id].supervisions += 1
        if m.by == "group" and m.group_id in by_group:
            by_group[m.group_id].supervisions += 1
        for did in set(m.member_ids):
            if did in by_delegate:
                by_delegate[did].supervisions += 1
    for v in voter_meetings:
        if not within(v.day, start, end):
            continue
        council.voter_meetings += 1
        units = [council]
        if v.group_id in by_group:
            by_group[v.group_id].voter_meetings += 1
            units.append(by_group[v.group_id])
        for did in set(v.delegate_ids):
            if did in by_delegate:
                by_delegate[did].voter_meetings += 1
        for unit in units:
            _count_petitions(unit, v.petitions, today)
    for r in receptions:
        if not within(r.day, start, end):
            continue
        council.receptions += 1
        units = [council]
        if r.receiver == "delegate" and r.delegate_id in by_delegate:
            by_delegate[r.delegate_id].receptions += 1
            units.append(by_delegate[r.delegate_id])
        for unit in units:
            _count_petitions(unit, r.petitions, today)
    for c in commitments:
        if not within(c.deadline, start, end):
            continue
        council.commitments[commitment_state(c.status, c.deadline, c.done_on, today)] += 1

    return {"council": council.to_dict(),
            "committees": [t.to_dict() for t in by_committee.values()],
            "groups": [t.to_dict() for t in by_group.values()],
            "delegates": [t.to_dict() for t in by_delegate.values()]}
