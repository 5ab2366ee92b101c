"""The kernel's clocks on the official calendar, worked out by hand.

Real dates: 2025's 国庆 + 中秋 holiday is 10-01…10-08, with two make-up workdays (调休上班):
Sunday 09-28 and Saturday 10-11. So counting working days from Friday 09-26 goes
09-28 (1), 09-29 (2), 09-30 (3), 10-09 (4), 10-10 (5), 10-11 (6), 10-13 (7), …
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from guanjia.workflow import clocks, items
from guanjia.workflow.choices import ClockState, Ledger
from guanjia.workflow.models import TrackedItem

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def close_of(y, m, d) -> dt.datetime:
    return at(y, m, d, 23, 59, 59, 999999)


@pytest.fixture
def item(world):
    return TrackedItem.objects.create(kind="test", zone=world.zone, title="测试事项", status="open")


def five_days(item, **rule):
    return clocks.start(item=item, kind="deadline", at=at(2025, 9, 26, 10, 0), rule=clocks.Rule("days", 5, **rule))


def test_working_days_count_from_the_next_day_across_national_day_and_its_make_up_days(item):
    clock = five_days(item)
    assert clock.due_at == close_of(2025, 10, 10) and not clock.provisional
    assert clock.warn_at == at(2025, 10, 9)  # due soon from the working day before the due day
    assert [e.kind for e in clock.events.all()] == [Ledger.START]
    assert five_days(item, warn=2).warn_at == at(2025, 9, 30)  # two working days before: the holiday skipped


def test_a_deadline_on_monday_is_due_soon_on_the_friday_before_it(item):
    clock = clocks.start(item=item, kind="deadline", at=at(2025, 9, 15, 10, 0), rule=clocks.Rule("days", 5))
    assert clock.due_at == close_of(2025, 9, 22)  # Monday
    assert clock.warn_at == at(2025, 9, 19)  # Friday
    for moment, state in ((at(2025, 9, 18, 23, 0), ClockState.ON_TRACK), (at(2025, 9, 19, 9, 0), ClockState.DUE_SOON),
                          (at(2025, 9, 21, 12, 0), ClockState.DUE_SOON), (at(2025, 9, 23, 0, 1), ClockState.OVERDUE)):
        assert clock.state(moment) == state, moment


def test_a_pause_across_the_holiday_moves_the_deadline_by_the_working_days_it_took(item):
    clock = five_days(item)
    clocks.pause(clock, at=at(2025, 9, 29, 10, 0))
    assert clock.state(at(2025, 10, 20)) == ClockState.PAUSED
    clocks.resume(clock, at=at(2025, 10, 9, 15, 0))
    # Paused working days: 09-30 and 10-09 (those after the pause day up to the resume day) → 7 in all.
    assert clock.due_at == close_of(2025, 10, 13) and clock.paused_at is None
    assert clock.warn_at == at(2025, 10, 11)  # the make-up Saturday is a working day before Monday


def test_a_restart_counts_the_full_amount_again_and_forgets_what_came_before(item):
    clock = five_days(item)
    clocks.pause(clock, at=at(2025, 9, 29, 10, 0))  # 补正: the clock stops …
    clocks.extend(clock, days=3, at=at(2025, 9, 29, 11, 0))
    clocks.restart(clock, at=at(2025, 10, 9, 11, 0))  # … and the resubmission starts it again from scratch
    # From Thursday 10-09: 10-10 (1), 10-11 (2, 调休上班), 10-13 (3), 10-14 (4), 10-15 (5).
    assert clock.due_at == close_of(2025, 10, 15) and clock.paused_at is None
    assert [e.kind for e in clock.events.all()] == [Ledger.START, Ledger.PAUSE, Ledger.EXTEND, Ledger.RESTART]
    clocks.pause(clock, at=at(2025, 10, 13, 9, 0))
    clocks.resume(clock, at=at(2025, 10, 14, 9, 0))  # a pause after the restart counts: one working day
    assert clock.due_at == close_of(2025, 10, 16)
    assert clocks.replay(clock).due_at == close_of(2025, 10, 16)  # the ledger says the same when replayed


def test_a_restart_from_another_origin_follows_a_moved_start(item):
    clock = five_days(item)
    clocks.restart(clock, at=at(2025, 9, 27, 8, 0), origin=at(2025, 9, 22, 9, 0))  # the meeting was moved earlier
    # From Monday 09-22: 09-23, 09-24, 09-25, 09-26, 09-28 (调休上班).
    assert clock.due_at == close_of(2025, 9, 28)


def test_extend_stop_cancel_and_the_state_they_leave(item):
    clock = five_days(item)
    clocks.extend(clock, days=2, at=at(2025, 9, 29, 9, 0))
    assert clock.due_at == close_of(2025, 10, 13)
    clocks.stop(clock, at=at(2025, 10, 14, 9, 0))
    assert clock.state() == ClockState.MET_LATE
    on_time = five_days(item)
    clocks.stop(on_time, at=at(2025, 10, 9, 9, 0))
    assert on_time.state() == ClockState.MET
    gone = five_days(item)
    clocks.cancel(gone, at=at(2025, 9, 29, 9, 0))
    clocks.stop(gone, at=at(2025, 9, 30, 9, 0))  # a cancelled clock is not stopped afterwards
    assert gone.cancelled and gone.stopped_at is None


def test_hour_clocks_run_on_the_wall_clock_through_holidays(item):
    clock = clocks.start(item=item, kind="sign", at=at(2025, 9, 30, 18, 0), rule=clocks.Rule("hours", 24, warn=4))
    assert clock.due_at == at(2025, 10, 1, 18, 0) and clock.warn_at == at(2025, 10, 1, 14, 0)
    clocks.pause(clock, at=at(2025, 10, 1, 8, 0))
    clocks.resume(clock, at=at(2025, 10, 1, 10, 30))
    assert clock.due_at == at(2025, 10, 1, 20, 30)


def test_a_date_chosen_by_hand_is_its_last_working_day_and_survives_a_rule_change(item):
    rule = clocks.Rule("days", 0, fixed=True, until=dt.date(2025, 10, 5), earliest=dt.date(2025, 9, 26))
    clock = clocks.start(item=item, kind="unit", at=at(2025, 9, 26, 10, 0), rule=rule)
    assert clock.due_at == close_of(2025, 9, 30)  # 10-05 is in the holiday: its last working day before
    assert clocks.replay(clock).due_at == close_of(2025, 9, 30)
    other = five_days(item)
    clocks.replay(other, rule=clocks.Rule("days", 3))
    assert other.due_at == close_of(2025, 9, 30) and other.amount == 3
    assert other.events.filter(kind=Ledger.RECOMPUTE).count() == 1


def test_the_item_shows_its_soonest_running_deadline(item):
    sooner, later = five_days(item), clocks.start(item=item, kind="other", at=at(2025, 9, 26, 10, 0),
                                                   rule=clocks.Rule("days", 7))
    items.refresh_deadlines([item.pk])
    item.refresh_from_db()
    assert (item.due_at, item.warn_at, item.paused) == (sooner.due_at, sooner.warn_at, False)
    clocks.stop(sooner, at=at(2025, 9, 29, 9, 0))
    clocks.pause(later, at=at(2025, 9, 29, 9, 0))
    items.refresh_deadlines([item.pk])
    item.refresh_from_db()
    assert (item.due_at, item.paused) == (None, True)  # nothing counts: every running clock is paused
    assert item.colour == "secondary"
