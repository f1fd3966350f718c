"""Pure domain rules: totals on a date, quorum and thresholds, agenda trees, CSV rows."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paperless.domain import agenda, delegate_import
from paperless.domain.delegates import StatusChange, status_on, total_on
from paperless.domain.quorum import Quorum, majority, percent_vi, two_thirds

D = date(2026, 3, 15)


def test_status_on_follows_history():
    history = [StatusChange("active", D), StatusChange("resigned", date(2027, 1, 1))]
    assert status_on(history, D - timedelta(days=1)) is None
    assert status_on(history, D) == "active"
    assert status_on(history, date(2026, 12, 31)) == "active"
    assert status_on(history, date(2027, 1, 1)) == "resigned"


def test_total_on_counts_only_serving_delegates():
    histories = [[StatusChange("active", D)] for _ in range(28)]
    histories.append([StatusChange("active", D), StatusChange("deceased", date(2026, 6, 1))])
    histories.append([StatusChange("active", D), StatusChange("removed", date(2026, 9, 1))])
    histories.append([StatusChange("active", date(2026, 10, 1))])  # by-election
    assert total_on(histories, D) == 30
    assert total_on(histories, date(2026, 7, 1)) == 29
    assert total_on(histories, date(2026, 9, 15)) == 28
    assert total_on(histories, date(2026, 10, 1)) == 29


@given(st.integers(min_value=1, max_value=2000))
def test_two_thirds_is_the_smallest_count_reaching_two_thirds(total):
    need = two_thirds(total)
    assert 3 * need >= 2 * total
    assert 3 * (need - 1) < 2 * total


@given(st.integers(min_value=1, max_value=2000))
def test_majority_is_more_than_half_of_total(total):
    need = majority(total)
    assert 2 * need > total
    assert 2 * (need - 1) <= total


def test_quorum_examples():
    assert two_thirds(30) == 20 and two_thirds(31) == 21 and two_thirds(500) == 334
    assert Quorum(present=20, total=30).reached
    assert not Quorum(present=19, total=30).reached
    assert not Quorum(present=0, total=0).reached
    assert majority(30) == 16 and majority(31) == 16


@pytest.mark.parametrize(("count", "total", "text"), [
    (28, 30, "93,33%"), (27, 30, "90,00%"), (0, 30, "0,00%"), (1, 30, "3,33%"),
    (2, 3, "66,67%"), (30, 30, "100,00%"), (1, 0, "0,00%"),
])
def test_percent_in_vietnamese_format(count, total, text):
    assert percent_vi(count, total) == text


@dataclass
class Row:
    id: int
    parent_id: int | None
    position: int


def test_agenda_tree_numbers_nested_items():
    rows = [Row(1, None, 1), Row(2, None, 0), Row(3, 1, 0), Row(4, 1, 1), Row(5, 4, 0)]
    flat = [(n.item.id, n.number, depth) for n, depth in agenda.flatten(agenda.build_tree(rows))]
    assert flat == [(2, "1", 0), (1, "2", 0), (3, "2.1", 1), (4, "2.2", 1), (5, "2.2.1", 2)]


def test_agenda_move_and_reorder():
    assert agenda.move([1, 2, 3], 3, -1) == [1, 3, 2]
    assert agenda.move([1, 2, 3], 1, -1) == [1, 2, 3]
    assert agenda.move([1, 2, 3], 1, 1) == [2, 1, 3]
    assert agenda.reorder([1, 2, 3], [3, 1, 2]) == {3: 0, 1: 1, 2: 2}
    with pytest.raises(ValueError):
        agenda.reorder([1, 2, 3], [1, 2])
    with pytest.raises(ValueError):
        agenda.reorder([1, 2, 3], [1, 1, 2])


def test_agenda_cycle_detection():
    parents = {1: None, 2: 1, 3: 2}
    assert agenda.is_descendant(parents, 1, 3)
    assert agenda.is_descendant(parents, 1, 1)
    assert not agenda.is_descendant(parents, 3, 1)


def test_csv_rows_report_each_error():
    text = ("ho_ten,gioi_tinh,to_dai_bieu\n"
            "Nguyễn Văn A,Nam,Tổ 1\n"
            ",Nữ,Tổ 1\n"
            "Nguyễn Văn A,Nam,Tổ 1\n"
            "Trần Thị B,Nữ,Tổ 9\n"
            "Lê C,robot,\n")
    rows = delegate_import.parse(text, groups={"Tổ 1"}, committees=set(), existing=set())
    assert [r.line for r in rows] == [2, 3, 4, 5, 6]
    assert rows[0].errors == []
    assert "Thiếu họ tên" in rows[1].errors[0]
    assert "Trùng" in rows[2].errors[0]
    assert "Tổ đại biểu không tồn tại" in rows[3].errors[0]
    assert "Giới tính" in rows[4].errors[0]


def test_csv_decode_accepts_bom_and_refuses_other_encodings():
    assert delegate_import.decode("\ufeffho_ten\nA\n".encode()) == "ho_ten\nA\n"
    with pytest.raises(delegate_import.CsvFormatError):
        delegate_import.decode("Đào".encode("cp1258"))
