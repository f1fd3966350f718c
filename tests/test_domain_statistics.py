"""Pure counting rules of the statistics (paperless.domain.statistics)."""

from datetime import date

from paperless.domain import statistics as rules

TODAY = date(2026, 12, 1)


def test_question_outcomes():
    outcome = rules.question_outcome
    assert outcome("answered_session", None, TODAY) == "session"
    assert outcome("written_answered", date(2026, 11, 1), TODAY) == "written"
    assert outcome("written_pending", date(2026, 12, 1), TODAY) == "written_pending"  # last day
    assert outcome("written_pending", date(2026, 11, 30), TODAY) == "overdue"
    assert outcome("written_pending", None, TODAY) == "written_pending"
    for status in ("filed", "grouped", "asked"):
        assert outcome(status, None, TODAY) == "pending"
    assert outcome("merged", None, TODAY) is None
    assert outcome("withdrawn", None, TODAY) is None


def test_count_by_keeps_every_key_in_order_and_unknown_ones_after():
    counted = rules.count_by(["b", "a", "b", "z"], ["a", "b", "c"])
    assert list(counted) == ["a", "b", "c", "z"]
    assert counted == {"a": 1, "b": 2, "c": 0, "z": 1}
    assert rules.count_by([], ["a"]) == {"a": 0}


def test_rates_and_delegate_figures():
    assert rules.rate(2, 3) == 66.67
    assert rules.rate(0, 0) == 0.0
    figures = rules.DelegateFigures(1, "A", sittings=4, present=3, excused=1, votes=5,
                                    votes_taken=4).to_dict()
    assert figures["attendance_rate"] == 75.0 and figures["attendance_text"] == "75,00%"
    assert figures["absent"] == 0 and figures["vote_rate"] == 80.0
    none = rules.DelegateFigures(2, "B").to_dict()
    assert none["attendance_rate"] == 0.0 and none["attendance_text"] == "0,00%"


def test_question_figures_group_the_same_official_across_meetings():
    summary, officials = rules.question_figures([
        ("Trần Quốc Bảo", "Chủ tịch UBND xã", "session"),
        ("Lê Thị Mai", "Trưởng phòng", "overdue"),
        ("Trần Quốc Bảo", "Chủ tịch UBND xã", "overdue"),
        ("Trần Quốc Bảo", "Chủ tịch UBND xã", "written"),
    ])
    assert summary == {"total": 4, "session": 1, "written": 1, "written_pending": 0,
                       "overdue": 2, "pending": 0}
    assert [(o.name, o.total) for o in officials] == [("Trần Quốc Bảo", 3), ("Lê Thị Mai", 1)]
    assert officials[0].to_dict()["overdue"] == 1 and officials[1].to_dict()["session"] == 0


def test_periods():
    assert rules.year_period(2026) == (date(2026, 1, 1), date(2026, 12, 31))
