"""The planning engine, hand-worked on the official 2026 calendar around 中秋 and 国庆.

The State Council's 2026 notice (as chinesecalendar carries it): 中秋 9-25 (Fri) to 9-27 off, 国庆 10-1
to 10-7 off, make-up working days Sunday 9-20 and Saturday 10-10. Working days after Friday 9-18,
ranked: 9-20 ①, 9-21 ②, 9-22 ③, 9-23 ④, 9-24 ⑤, 9-28 ⑥, 9-29 ⑦, 9-30 ⑧, 10-8 ⑨, 10-9 ⑩,
10-10 ⑪, 10-12 ⑫, 10-13 ⑬, 10-14 ⑭, 10-15 ⑮.

The handbook used below: A (5 days) and B (3 days) have no prerequisites; C (4) needs A; D (2) needs B;
E (3) needs C and D. So A-C-E is the critical path (finish ⑫ = 10-12), B-D a branch with 4 days of float.
"""

import datetime as dt

import pytest

from guanjia.approvals.planning import (
    DayIndex,
    PlanningCycle,
    PlanningError,
    Task,
    bare_dates,
    find_cycle,
    plan,
)
from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar

D = dt.date
START = D(2026, 9, 18)


@pytest.fixture
def calendar():
    return WorkingCalendar()  # the library's official data only: no override rows


def tasks(**facts):
    base = {"A": (5, ()), "B": (3, ()), "C": (4, ("A",)), "D": (2, ("B",)), "E": (3, ("C", "D"))}
    return [Task(tid, days, pre, **facts.get(tid, {})) for tid, (days, pre) in base.items()]


def dates(result):
    return {tid: (p.planned_start, p.planned_due, p.float_days, p.critical) for tid, p in result.items.items()}


def test_parallel_branches_critical_path_and_float_across_national_day(calendar):
    result = plan(start=START, tasks=tasks(), calendar=calendar)
    assert dates(result) == {
        # 次日起算: the first day counted is the make-up Sunday 9-20; 中秋 Friday 9-25 is skipped.
        "A": (D(2026, 9, 20), D(2026, 9, 24), 0, True),
        "B": (D(2026, 9, 20), D(2026, 9, 22), 4, False),
        # From A's due 9-24: 9-28, 9-29, 9-30, then 国庆 to 10-7, the fourth day is 10-8.
        "C": (D(2026, 9, 28), D(2026, 10, 8), 0, True),
        "D": (D(2026, 9, 23), D(2026, 9, 24), 4, False),
        # From the later of C (10-8) and D (9-24): 10-9, the make-up Saturday 10-10, 10-12.
        "E": (D(2026, 10, 9), D(2026, 10, 12), 0, True),
    }
    assert result.planned_finish == D(2026, 10, 12)
    assert result.critical_path == ["A", "C", "E"]
    assert not result.provisional


def test_the_plan_agrees_with_the_bare_day_by_day_arithmetic(calendar):
    result = plan(start=START, tasks=tasks(), calendar=calendar)
    assert {tid: p.planned_due for tid, p in result.items.items()} == bare_dates(
        start=START, tasks=tasks(), calendar=calendar)


def test_an_early_finish_moves_the_items_after_it_forward(calendar):
    result = plan(start=START, tasks=tasks(A={"finished_on": D(2026, 9, 22)}), calendar=calendar)
    got = dates(result)
    assert got["A"] == (D(2026, 9, 20), D(2026, 9, 22), None, False)  # fixed at its actual date
    assert got["C"] == (D(2026, 9, 23), D(2026, 9, 29), 0, True)  # 9-23, 9-24, 9-28, 9-29
    assert got["E"] == (D(2026, 9, 30), D(2026, 10, 9), 0, True)  # 9-30, 10-8, 10-9
    assert got["D"][2] == 2 and got["B"][2] == 2  # the branch keeps less float: E now begins at ⑦
    assert result.planned_finish == D(2026, 10, 9)


def test_a_late_finish_moves_them_back(calendar):
    result = plan(start=START, tasks=tasks(A={"finished_on": D(2026, 9, 30)}), calendar=calendar)
    got = dates(result)
    assert got["C"] == (D(2026, 10, 8), D(2026, 10, 12), 0, True)  # 10-8, 10-9, 10-10, 10-12
    assert got["E"] == (D(2026, 10, 13), D(2026, 10, 15), 0, True)
    assert got["D"][2] == 7
    assert result.planned_finish == D(2026, 10, 15)


def test_an_accepted_item_is_planned_to_its_limit(calendar):
    result = plan(start=START, tasks=tasks(C={"due_on": D(2026, 10, 10)}), calendar=calendar)
    got = dates(result)
    assert got["C"][1] == D(2026, 10, 10)
    assert got["E"][:2] == (D(2026, 10, 12), D(2026, 10, 14))


def test_a_branch_that_finishes_late_takes_over_the_critical_path(calendar):
    result = plan(start=START, tasks=tasks(D={"finished_on": D(2026, 10, 9)}), calendar=calendar)
    got = dates(result)
    assert got["E"][:2] == (D(2026, 10, 10), D(2026, 10, 13))
    assert got["C"][2] == 1 and not got["C"][3]
    assert got["A"][2] == 1
    assert result.critical_path == ["E"]


def test_a_plan_into_the_provisional_year_says_so(calendar):
    # 12-29, 12-30, 12-31, (元旦 2027-01-01 on the provisional calendar, the weekend), 1-4, 1-5.
    result = plan(start=D(2026, 12, 28), tasks=[Task(1, 5)], calendar=calendar)
    assert result.items[1].planned_due == D(2027, 1, 5)
    assert result.items[1].provisional and result.provisional


def test_a_plan_beyond_the_provisional_year_is_refused(calendar):
    with pytest.raises(CalendarUnavailable):
        plan(start=D(2027, 12, 1), tasks=[Task(1, 40)], calendar=calendar)


def test_a_cycle_is_refused_naming_it(calendar):
    looped = [Task("立项", 3, ("施工许可",)), Task("规划许可", 5, ("立项",)), Task("施工许可", 2, ("规划许可",)),
              Task("供电", 2)]
    with pytest.raises(PlanningCycle) as caught:
        plan(start=START, tasks=looped, calendar=calendar)
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {"立项", "规划许可", "施工许可"}
    assert "→" in str(caught.value)


def test_a_prerequisite_missing_from_the_handbook_is_refused(calendar):
    with pytest.raises(PlanningError):
        plan(start=START, tasks=[Task(1, 3, (2,))], calendar=calendar)


def test_find_cycle_on_an_acyclic_graph():
    assert find_cycle({1: (2,), 2: (3,), 3: ()}) == []
    assert find_cycle({1: (1,)}) == [1, 1]


def test_no_items_finish_on_the_start(calendar):
    assert plan(start=START, tasks=[], calendar=calendar).planned_finish == START


def test_the_index_matches_add_working_days_for_every_day_of_2026(calendar):
    index = DayIndex(calendar, D(2025, 12, 1))
    day = D(2026, 1, 1)
    while day.year == 2026:
        for n in (1, 5, 20):
            assert index.day(index.rank(day) + n) == calendar.add_working_days(day, n).due
        day += dt.timedelta(days=1)
