"""Property tests of tallies and thresholds, always against the total N."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperless.domain import voting
from paperless.domain.delegates import StatusChange, total_on

CHOICES = list(voting.DEFAULT_CHOICES)
CODES = [c for c, _ in CHOICES]


@st.composite
def open_votes(draw):
    total = draw(st.integers(min_value=1, max_value=600))
    present = draw(st.integers(min_value=0, max_value=total))
    voted = draw(st.integers(min_value=0, max_value=present))
    ballots = draw(st.lists(st.sampled_from(CODES), min_size=voted, max_size=voted))
    return total, present, ballots


@given(open_votes(), st.sampled_from(["majority", "two_thirds"]))
def test_tally_counts_add_up_and_pass_only_against_total(vote, rule):
    total, present, ballots = vote
    result = voting.tally_choices("open", CHOICES, ballots, total=total, present=present,
                                  rule=rule)
    assert sum(c.count for c in result.choices) == result.voted == len(ballots)
    assert result.voted + result.not_voted + result.absent == total
    yes = ballots.count("yes")
    if rule == "majority":
        assert result.passed == (2 * yes > total)
    else:
        assert result.passed == (3 * yes >= 2 * total)


@given(st.integers(min_value=1, max_value=600), st.integers(min_value=0, max_value=600))
def test_half_of_those_present_never_suffices(total, present):
    present = min(present, total)
    yes = present // 2 + 1  # a majority of those present...
    result = voting.tally_choices("open", CHOICES, ["yes"] * min(yes, present),
                                  total=total, present=present)
    assert result.passed == (2 * min(yes, present) > total)  # ...passes only if > N/2


def test_statement_uses_the_legal_wording():
    ballots = ["yes"] * 27 + ["abstain"]
    result = voting.tally_choices("open", CHOICES, ballots, total=30, present=29)
    lines = result.statement()
    assert lines[0] == "Có 28/30 đại biểu tham gia biểu quyết (chiếm 93,33% tổng số đại biểu)"
    assert lines[1] == "Tán thành: 27/30 đại biểu, chiếm 90,00% tổng số đại biểu"
    assert lines[2] == "Không tán thành: 0/30 đại biểu, chiếm 0,00% tổng số đại biểu"
    assert lines[3] == "Không biểu quyết: 1/30 đại biểu, chiếm 3,33% tổng số đại biểu"
    assert lines[4] == "Có mặt nhưng không biểu quyết: 1; vắng mặt: 1"
    assert lines[5].startswith("Kết quả: được thông qua")


def test_totals_that_changed_during_the_term_move_the_threshold():
    # 31 elected; two left before the vote: N = 29, so 15 in favour pass, 15 of 31 would not.
    histories = [[StatusChange("active", date(2026, 3, 15))] for _ in range(29)]
    histories += [[StatusChange("active", date(2026, 3, 15)),
                   StatusChange(status, date(2026, 9, 1))] for status in ("resigned", "deceased")]
    n_before = total_on(histories, date(2026, 8, 31))
    n_after = total_on(histories, date(2026, 12, 10))
    assert (n_before, n_after) == (31, 29)
    ballots = ["yes"] * 15 + ["no"] * 10
    assert not voting.tally_choices("open", CHOICES, ballots, total=n_before, present=25).passed
    assert voting.tally_choices("open", CHOICES, ballots, total=n_after, present=25).passed


@given(st.integers(min_value=1, max_value=300), st.data())
def test_election_elects_at_most_seats_and_only_above_threshold(total, data):
    candidates = [(i, f"Ứng viên {i}") for i in range(1, data.draw(st.integers(1, 6)) + 1)]
    seats = data.draw(st.integers(1, len(candidates)))
    ballots = data.draw(st.lists(
        st.lists(st.sampled_from([c for c, _ in candidates]), max_size=seats, unique=True),
        max_size=total))
    result = voting.tally_election(candidates, ballots, seats=seats, total=total,
                                   present=len(ballots))
    counts = {c["id"]: c["count"] for c in result.candidates}
    assert len(result.elected) <= seats
    assert all(2 * counts[c] > total for c in result.elected)
    assert sum(counts.values()) == sum(len(b) for b in ballots)
    losers = [c for c in counts if c not in result.elected and c not in result.tie_for_last_seat]
    for winner in result.elected:
        assert all(counts[winner] >= counts[loser] for loser in losers)


def test_election_tie_on_the_last_seat_elects_nobody_for_it():
    ballots = [[1, 2]] * 20 + [[1, 3]] * 10  # A 30, B 20, C 10 of N = 30: A and B pass
    result = voting.tally_election([(1, "A"), (2, "B"), (3, "C")], ballots, seats=2, total=30,
                                   present=30)
    assert result.elected == [1, 2]
    tie = voting.tally_election([(1, "A"), (2, "B"), (3, "C")],
                                [[1, 2]] * 10 + [[1, 3]] * 10 + [[2, 3]] * 10,
                                seats=1, total=30, present=30)
    assert tie.elected == [] and sorted(tie.tie_for_last_seat) == [1, 2, 3]


@given(st.integers(min_value=1, max_value=600), st.data())
def test_confidence_consequences_follow_the_total(total, data):
    low = data.draw(st.integers(min_value=0, max_value=total))
    consequence = voting.confidence_consequence(low, total)
    if 3 * low >= 2 * total:
        assert consequence == "expected_to_resign"
    elif 2 * low > total:
        assert consequence == "no_confidence_vote"
    else:
        assert consequence == "none"
    assert voting.confidence_consequence(low, total, resign_at_two_thirds=False) == (
        "no_confidence_vote" if 2 * low > total else "none")


def test_ballot_checks():
    assert voting.check_choice("yes", CODES).choice == "yes"
    with pytest.raises(voting.BallotError) as e:
        voting.check_choice("maybe", CODES)
    assert e.value.code == "invalid_choice"
    assert voting.check_selections([3, 1], [1, 2, 3], 2, False).selections == (1, 3)
    for bad, code in (([1, 1], "invalid_choice"), ([9], "invalid_choice"),
                      ([1, 2, 3], "too_many_selections"), ("1", "invalid_choice"),
                      ([True], "invalid_choice")):
        with pytest.raises(voting.BallotError) as e:
            voting.check_selections(bad, [1, 2, 3], 2, False)
        assert e.value.code == code
    with pytest.raises(voting.BallotError) as e:
        voting.check_selections([1], [1, 2, 3], 2, True)
    assert e.value.code == "wrong_number_of_selections"
    levels = [c for c, _ in voting.CONFIDENCE_LEVELS]
    assert voting.check_ratings({"1": "high", "2": "low"}, [1, 2], levels).ratings == \
        ((1, "high"), (2, "low"))
    with pytest.raises(voting.BallotError) as e:
        voting.check_ratings({"1": "high"}, [1, 2], levels)
    assert e.value.code == "incomplete_ballot"
