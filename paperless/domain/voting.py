"""Voting rules: thresholds against the total N, tallies, elections, confidence ratings,
and the wording Vietnamese councils use to announce results (DOMAIN.md)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from paperless.domain.quorum import majority, percent_vi, two_thirds

KINDS = {
    "open": "Biểu quyết công khai",
    "secret": "Bỏ phiếu kín",
    "election": "Bầu cử",
    "confidence": "Lấy phiếu tín nhiệm",
    "no_confidence": "Bỏ phiếu tín nhiệm",
}
SECRET_KINDS = frozenset({"secret", "election", "confidence", "no_confidence"})

DEFAULT_CHOICES = (("yes", "Tán thành"), ("no", "Không tán thành"), ("abstain", "Không biểu quyết"))
CONFIDENCE_LEVELS = (("high", "Tín nhiệm cao"), ("medium", "Tín nhiệm"), ("low", "Tín nhiệm thấp"))
NO_CONFIDENCE_LEVELS = (("trust", "Tín nhiệm"), ("distrust", "Không tín nhiệm"))

RULES = {
    "majority": "Quá một nửa tổng số đại biểu",
    "two_thirds": "Ít nhất hai phần ba tổng số đại biểu",
}


def threshold(rule: str, total: int) -> int:
    """Votes in favour needed, counted against the total N, never against those present."""
    if rule == "majority":
        return majority(total)
    if rule == "two_thirds":
        return two_thirds(total)
    raise ValueError(f"unknown rule {rule!r}")


class BallotError(ValueError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Ballot:
    """What one ballot says: a choice code, a set of candidate ids, or a level per person."""

    choice: str | None = None
    selections: tuple[int, ...] = ()
    ratings: tuple[tuple[int, str], ...] = ()


def check_choice(choice: object, choices: Sequence[str]) -> Ballot:
    if not isinstance(choice, str) or choice not in choices:
        raise BallotError("invalid_choice", "Lựa chọn không hợp lệ.")
    return Ballot(choice=choice)


def check_selections(selections: object, candidates: Sequence[int], seats: int,
                     exact: bool) -> Ballot:
    if not isinstance(selections, list) or not all(
            isinstance(s, int) and not isinstance(s, bool) for s in selections):
        raise BallotError("invalid_choice", "Danh sách người được chọn không hợp lệ.")
    chosen = set(selections)
    if len(chosen) != len(selections) or not chosen <= set(candidates):
        raise BallotError("invalid_choice", "Có người được chọn không nằm trong danh sách.")
    if len(chosen) > seats:
        raise BallotError("too_many_selections", f"Chỉ được chọn tối đa {seats} người.")
    if exact and len(chosen) != seats:
        raise BallotError("wrong_number_of_selections", f"Phải chọn đúng {seats} người.")
    return Ballot(selections=tuple(sorted(chosen)))


def check_ratings(ratings: object, persons: Sequence[int], levels: Sequence[str]) -> Ballot:
    """A confidence ballot rates every listed person with one level."""
    if not isinstance(ratings, dict):
        raise BallotError("invalid_choice", "Phiếu phải ghi mức tín nhiệm cho từng người.")
    parsed: dict[int, str] = {}
    for key, level in ratings.items():
        try:
            person = int(key)
        except (TypeError, ValueError):
            raise BallotError("invalid_choice", "Người được lấy phiếu không hợp lệ.") from None
        if person not in persons or level not in levels:
            raise BallotError("invalid_choice", "Mức tín nhiệm không hợp lệ.")
        parsed[person] = level
    if set(parsed) != set(persons):
        raise BallotError("incomplete_ballot", "Phải ghi mức tín nhiệm cho tất cả những người "
                                               "được lấy phiếu.")
    return Ballot(ratings=tuple(sorted(parsed.items())))


# --- results -----------------------------------------------------------------

@dataclass
class ChoiceResult:
    code: str
    label: str
    count: int
    share: str  # of the total N, Vietnamese format


@dataclass
class Result:
    kind: str
    total: int  # N on the day of the vote
    present: int
    voted: int
    rule: str
    required: int
    choices: list[ChoiceResult] = field(default_factory=list)
    passed: bool | None = None
    candidates: list[dict] = field(default_factory=list)
    elected: list[int] = field(default_factory=list)
    tie_for_last_seat: list[int] = field(default_factory=list)
    persons: list[dict] = field(default_factory=list)
    names: dict[str, list[str]] = field(default_factory=dict)

    @property
    def not_voted(self) -> int:
        """Present but did not vote (pressing 'Không biểu quyết' counts as voting)."""
        return max(self.present - self.voted, 0)

    @property
    def absent(self) -> int:
        return max(self.total - self.present, 0)

    def statement(self) -> list[str]:
        return statement(self)

    def to_dict(self) -> dict:
        return {
            "kind": self.kind, "total": self.total, "present": self.present, "voted": self.voted,
            "not_voted": self.not_voted, "absent": self.absent, "rule": self.rule,
            "required": self.required, "passed": self.passed,
            "choices": [c.__dict__ for c in self.choices], "candidates": self.candidates,
            "elected": self.elected, "tie_for_last_seat": self.tie_for_last_seat,
            "persons": self.persons, "names": self.names, "statement": self.statement(),
        }


def tally_choices(kind: str, choices: Sequence[tuple[str, str]], ballots: Iterable[str],
                  *, total: int, present: int, rule: str = "majority",
                  names: Mapping[str, list[str]] | None = None) -> Result:
    """Open or secret vote on one question; passes when the first choice (Tán thành) reaches
    the rule's threshold of N."""
    counts = Counter(ballots)
    voted = sum(counts.values())
    required = threshold(rule, total)
    result = Result(kind=kind, total=total, present=max(present, voted), voted=voted, rule=rule,
                    required=required,
                    choices=[ChoiceResult(code, label, counts.get(code, 0),
                                          percent_vi(counts.get(code, 0), total))
                             for code, label in choices],
                    names=dict(names or {}))
    result.passed = total > 0 and counts.get(choices[0][0], 0) >= required
    return result


def tally_election(candidates: Sequence[tuple[int, str]], ballots: Iterable[Sequence[int]], *,
                   seats: int, total: int, present: int, rule: str = "majority") -> Result:
    """Elected: candidates reaching the threshold of N, most votes first, up to the seats.
    A tie across the last seat elects nobody for it (the council votes again)."""
    counts: Counter[int] = Counter()
    voted = 0
    for ballot in ballots:
        voted += 1
        counts.update(ballot)
    required = threshold(rule, total)
    reached = sorted((c for c, _ in candidates if counts[c] >= required),
                     key=lambda c: -counts[c])
    elected, tie = reached[:seats], []
    if len(reached) > seats and counts[reached[seats - 1]] == counts[reached[seats]]:
        boundary = counts[reached[seats - 1]]
        tie = [c for c in reached if counts[c] == boundary]
        elected = [c for c in reached[:seats] if counts[c] > boundary]
    return Result(
        kind="election", total=total, present=max(present, voted), voted=voted, rule=rule,
        required=required,
        candidates=[{"id": c, "name": name, "count": counts[c],
                     "share": percent_vi(counts[c], total), "elected": c in elected}
                    for c, name in candidates],
        elected=elected, tie_for_last_seat=tie, passed=bool(elected))


def confidence_consequence(low: int, total: int, *, resign_at_two_thirds: bool = True) -> str:
    """NQ 96/2023/QH15 as DOMAIN.md states it, counted against N."""
    if total <= 0:
        return "none"
    if resign_at_two_thirds and low >= two_thirds(total):
        return "expected_to_resign"
    if 2 * low > total:
        return "no_confidence_vote"
    return "none"


def no_confidence_consequence(distrust: int, total: int) -> str:
    return "dismissal_to_be_considered" if 2 * distrust > total else "none"


CONSEQUENCES = {
    "none": "Không có hệ quả",
    "no_confidence_vote": "Phải đưa ra bỏ phiếu tín nhiệm (tín nhiệm thấp quá một nửa tổng số "
                          "đại biểu)",
    "expected_to_resign": "Được xem xét từ chức (tín nhiệm thấp từ hai phần ba tổng số đại biểu)",
    "dismissal_to_be_considered": "Xem xét miễn nhiệm (không tín nhiệm quá một nửa tổng số "
                                  "đại biểu)",
}


def tally_ratings(kind: str, persons: Sequence[tuple[int, str]],
                  levels: Sequence[tuple[str, str]], ballots: Iterable[Mapping[int, str]], *,
                  total: int, present: int, resign_at_two_thirds: bool = True) -> Result:
    per_person: dict[int, Counter] = {p: Counter() for p, _ in persons}
    voted = 0
    for ballot in ballots:
        voted += 1
        for person, level in ballot.items():
            per_person[person][level] += 1
    rows = []
    for person, name in persons:
        counts = per_person[person]
        if kind == "confidence":
            consequence = confidence_consequence(counts["low"], total,
                                                 resign_at_two_thirds=resign_at_two_thirds)
        else:
            consequence = no_confidence_consequence(counts["distrust"], total)
        rows.append({"id": person, "name": name,
                     "levels": [{"code": code, "label": label, "count": counts[code],
                                 "share": percent_vi(counts[code], total)}
                                for code, label in levels],
                     "consequence": consequence, "consequence_label": CONSEQUENCES[consequence]})
    return Result(kind=kind, total=total, present=max(present, voted), voted=voted,
                  rule="majority", required=majority(total), persons=rows)


def statement(result: Result) -> list[str]:
    """The announcement lines, e.g. "Tán thành: 28/30 đại biểu, chiếm 93,33% tổng số đại biểu"."""
    n = result.total
    lines = [f"Có {result.voted}/{n} đại biểu tham gia biểu quyết "
             f"(chiếm {percent_vi(result.voted, n)} tổng số đại biểu)"]
    for choice in result.choices:
        lines.append(f"{choice.label}: {choice.count}/{n} đại biểu, chiếm {choice.share} "
                     f"tổng số đại biểu")
    for candidate in result.candidates:
        lines.append(f"{candidate['name']}: {candidate['count']}/{n} phiếu bầu, chiếm "
                     f"{candidate['share']} tổng số đại biểu"
                     + (" — trúng cử" if candidate["elected"] else ""))
    for person in result.persons:
        levels = "; ".join(f"{lv['label'].lower()} {lv['count']} ({lv['share']})"
                           for lv in person["levels"])
        lines.append(f"{person['name']}: {levels}. {person['consequence_label']}")
    lines.append(f"Có mặt nhưng không biểu quyết: {result.not_voted}; vắng mặt: {result.absent}")
    if result.choices:
        verdict = "được thông qua" if result.passed else "không được thông qua"
        lines.append(f"Kết quả: {verdict} ({RULES[result.rule].lower()}: cần {result.required}"
                     f"/{n})")
    if result.kind == "election" and result.tie_for_last_seat:
        lines.append("Có ứng cử viên bằng phiếu ở vị trí cuối: cần bầu lại.")
    return lines


def check_manual_counts(kind: str, keys: Sequence[str], counts: object, *, issued: object,
                        total: int, seats: int = 1) -> tuple[dict[str, int], int]:
    """Bounds of a manual count (giơ tay, phiếu giấy): every figure a whole number ≥ 0 for a
    known option; the ballots issued (or hands counted) at most N; no option above the
    ballots issued; for a choice vote the choices together at most the ballots issued, for an
    election at most `seats` names per ballot. Returns (counts for every key, ballots issued)."""
    def whole(value) -> bool:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0

    if not isinstance(counts, Mapping) or set(map(str, counts)) - set(keys) or \
            not all(whole(v) for v in counts.values()):
        raise BallotError("invalid_counts", "Số phiếu phải là số nguyên không âm cho từng lựa chọn.")
    figures = {k: counts.get(k, counts.get(int(k) if k.isdigit() else k, 0)) for k in keys}
    if issued is None and kind != "election":
        issued = sum(figures.values())
    if not whole(issued):
        raise BallotError("invalid_issued", "Cần số phiếu phát ra (số đại biểu tham gia).")
    if issued > total:
        raise BallotError("invalid_counts",
                          f"Số phiếu phát ra ({issued}) vượt quá tổng số đại biểu ({total}).")
    over = [k for k, n in figures.items() if n > issued]
    if over:
        raise BallotError("invalid_counts",
                          f"Số phiếu của một lựa chọn vượt quá số phiếu phát ra ({issued}).")
    limit = issued * seats if kind == "election" else issued
    if sum(figures.values()) > limit:
        raise BallotError("invalid_counts", "Tổng số phiếu vượt quá số phiếu phát ra."
                          if kind != "election" else
                          f"Tổng số phiếu bầu vượt quá {seats} người trên mỗi phiếu.")
    return figures, issued
