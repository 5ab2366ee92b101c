"""Every figure recomputed by hand on the dataset of conftest.py (read its table first)."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanjia.core.calendar import WorkingCalendar
from guanjia.reports.selectors import BREAKDOWNS, request_stats, request_stats_by, request_stats_report
from guanjia.reports.tests.conftest import NOW, PERIOD, accept, at, on, raise_request, resolve
from guanjia.requests import services as s
from guanjia.requests.models import Request

FIGURES = ("received", "accepted", "resolved", "response_rate", "closure_rate", "on_time_closure_rate",
           "satisfaction_rate", "avg_working_days_to_resolve", "overdue")


def stats(user, **period):
    return request_stats(Request.objects.visible_to(user), **(period or PERIOD), now=NOW)


def rows(user, by):
    return request_stats_by(Request.objects.visible_to(user), by, **PERIOD, now=NOW)


def figures(*, received, accepted, resolved, response, closure, on_time, satisfaction, avg, overdue):
    """The public figures; rates given as (numerator, denominator) and checked as the exact quotient."""
    def rate(pair):
        numerator, denominator = pair
        return numerator / denominator if denominator else None

    return {
        "received": received, "accepted": accepted, "resolved": resolved, "response_rate": rate(response),
        "closure_rate": rate(closure), "on_time_closure_rate": rate(on_time), "satisfaction_rate": rate(satisfaction),
        "avg_working_days_to_resolve": avg, "overdue": overdue,
    }


def public(row):
    return {name: row[name] for name in FIGURES}


# -- the calendar facts the dataset stands on ------------------------------------------------------------------


def test_the_national_day_2025_calendar_the_dataset_relies_on():
    calendar = WorkingCalendar()
    assert calendar.is_working_day(dt.date(2025, 9, 28))  # Sunday, make-up workday
    assert calendar.is_working_day(dt.date(2025, 10, 11))  # Saturday, make-up workday
    assert not any(calendar.is_working_day(dt.date(2025, 10, d)) for d in range(1, 9))
    assert calendar.working_days_between(dt.date(2025, 9, 26), dt.date(2025, 10, 10)) == 5
    assert calendar.working_days_between(dt.date(2025, 10, 9), dt.date(2025, 11, 3)) == 18


def test_the_dataset_is_what_the_table_says(dataset):
    d = dataset
    r1, r2, r3 = (Request.objects.get(pk=r.pk) for r in (d.r1, d.r2, d.r3))
    assert r1.due_at == at(2025, 10, 23, 23, 59, 59, 999999) and r1.status == "closed"
    assert r2.status == "accepted" and r2.resolved_at is None and r2.rating == "unsatisfied"
    assert r2.due_at == at(2025, 10, 31, 23, 59, 59, 999999)  # the reopened request's new 15 working days
    assert r3.suspended_working_days == 2 and r3.due_at == at(2025, 10, 31, 23, 59, 59, 999999)
    assert r3.resolved_at == at(2025, 11, 3, 9, 30) and r3.lead_unit == d.world.unit2
    assert Request.objects.get(pk=d.r7.pk).status == "merged"


# -- overall ---------------------------------------------------------------------------------------------------


def test_overall_figures_by_hand(dataset):
    result = stats(dataset.world.admin)
    # received: r1 r2 r3 r4 r5 r9 r10 (r8 was raised in August, r7 is merged, r11 is another zone's).
    # response: due or signed r1 r2 r3 r4 r9 r10 (r5 is not yet due); in time r1 r3 r4 r9 (r2 late, r10 unsigned).
    # accepted: r1 r2 r3 r4 r8 (r9 on 11-03); resolved r1 r3 r8 (r2 was reopened); on time r1 r8 (r3 late).
    # ratings: r1 satisfied, r2 unsatisfied, r3 basically satisfied, r8 satisfied.
    # working days: r1 5, r3 18 − 2 suspended = 16, r8 4 → 25 / 3. Overdue: r2 (due 10-31, running).
    assert public(result) == figures(
        received=7, accepted=5, resolved=3, response=(4, 6), closure=(3, 5), on_time=(2, 3), satisfaction=(3, 4),
        avg=8.33, overdue=1)
    assert (result["responded_on_time"], result["response_due"]) == (4, 6)
    assert (result["resolved_on_time"], result["satisfied_ratings"], result["ratings"]) == (2, 3, 4)
    # The first rating of each is its only one: 3 of 4 satisfied; none of the resolved was reopened.
    assert (result["first_satisfied"], result["rated"], result["first_satisfaction_rate"]) == (3, 4, 0.75)
    assert (result["reopened"], result["reopen_rate"]) == (0, 0.0)
    assert round(result["response_rate"], 4) == 0.6667 and result["closure_rate"] == 0.6


# -- every rating, the first rating, reopening -----------------------------------------------------------------


def test_unsatisfied_then_satisfied_is_half_satisfied_and_never_at_first(world):
    """不满意 → 重办 → 满意: two ratings, one satisfied (50 %, not the 100 % of the current rating alone),
    the first one not (一次满意率 0 %), and the one resolved request was reopened (重办率 100 %)."""
    request = raise_request(at(2025, 6, 3, 9, 0), actor=world.butler1, enterprise=world.ent1)
    accept(at(2025, 6, 3, 10, 0), request, world.admin)
    resolve(at(2025, 6, 10, 10, 0), request, world.admin)
    on(at(2025, 6, 11, 9, 0), s.request_rate, actor=world.ent1_user, request=request, rating="unsatisfied",
       reason="仍未送电。")
    resolve(at(2025, 6, 13, 10, 0), request, world.admin)
    on(at(2025, 6, 16, 9, 0), s.request_rate, actor=world.ent1_user, request=request, rating="satisfied")
    period = {"date_from": dt.date(2025, 6, 1), "date_to": dt.date(2025, 6, 30), "now": at(2025, 6, 30, 18)}
    queryset = Request.objects.visible_to(world.admin)
    expected = {"ratings": 2, "satisfied_ratings": 1, "satisfaction_rate": 0.5, "rated": 1, "first_satisfied": 0,
                "first_satisfaction_rate": 0.0, "resolved": 1, "reopened": 1, "reopen_rate": 1.0}
    assert {name: value for name, value in request_stats(queryset, **period).items() if name in expected} == expected
    for by in BREAKDOWNS:  # the request's own row reads the same
        row = next(r for r in request_stats_by(queryset, by, **period) if r["accepted"])
        assert {name: row[name] for name in expected} == expected, by


def test_every_rating_counts_a_superseded_one_included(rerated):
    result = stats(rerated.world.admin)
    # r1 satisfied, r2 unsatisfied then satisfied, r3 basically satisfied, r8 satisfied.
    assert (result["satisfied_ratings"], result["ratings"], result["satisfaction_rate"]) == (4, 5, 0.8)
    assert (result["first_satisfied"], result["rated"], result["first_satisfaction_rate"]) == (3, 4, 0.75)
    assert (result["reopened"], result["resolved"], result["reopen_rate"]) == (1, 4, 0.25)


def test_ratings_follow_the_acceptance_date_not_the_rating_date(rerated):
    # r2 was accepted on 09-29: its two ratings (10-11, 11-03) count in September, none in November.
    september = stats(rerated.world.admin, date_from=dt.date(2025, 9, 1), date_to=dt.date(2025, 9, 30))
    november = stats(rerated.world.admin, date_from=dt.date(2025, 11, 1), date_to=dt.date(2025, 11, 30))
    assert (september["ratings"], september["satisfied_ratings"]) == (4, 3)  # r1, r2 twice, r8
    assert november["ratings"] == 0 and november["satisfaction_rate"] is None
    month = {row["key"]: row for row in rows(rerated.world.admin, "month")}
    assert (month["2025-09"]["ratings"], month["2025-10"]["ratings"]) == (4, 1)  # r3 was accepted in October


def test_an_unsigned_request_counts_for_response_once_its_sign_clock_runs_out(dataset):
    at_now = stats(dataset.world.admin)
    after_due = request_stats(Request.objects.visible_to(dataset.world.admin), **PERIOD,
                              now=at(2025, 11, 4, 0, 0, 1))  # r5's clock (due end of 11-03) has run out
    assert (at_now["responded_on_time"], at_now["response_due"]) == (4, 6)
    assert (after_due["responded_on_time"], after_due["response_due"]) == (4, 7)


def test_overdue_follows_now(dataset):
    before_due = request_stats(Request.objects.visible_to(dataset.world.admin), **PERIOD, now=at(2025, 10, 31, 12))
    assert before_due["overdue"] == 0  # r2's clock runs to the end of 10-31


def test_a_suspended_request_is_not_overdue(dataset):
    with time_machine.travel(at(2025, 11, 3, 11, 0), tick=False):
        s.request_suspend(actor=dataset.world.admin, request=dataset.r2, reason="policy_pending")
    assert stats(dataset.world.admin)["overdue"] == 0


def test_the_period_bounds_are_whole_local_days(dataset):
    # r1 and r2 were raised on 09-26 (Asia/Shanghai): one day is enough, and the day before has neither.
    day = stats(dataset.world.admin, date_from=dt.date(2025, 9, 26), date_to=dt.date(2025, 9, 26))
    assert (day["received"], day["accepted"]) == (2, 1)
    before = stats(dataset.world.admin, date_from=dt.date(2025, 9, 25), date_to=dt.date(2025, 9, 25))
    assert (before["received"], before["accepted"]) == (0, 0)


def test_no_requests_give_null_rates(dataset):
    result = stats(dataset.world.admin, date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31))
    assert public(result) == {"received": 0, "accepted": 0, "resolved": 0, "response_rate": None,
                              "closure_rate": None, "on_time_closure_rate": None, "satisfaction_rate": None,
                              "avg_working_days_to_resolve": None, "overdue": 0}


def test_dianjiang_fifteen_jointly_reviewed_ten_resolved(world):
    """Dianjiang (seed 000): 15 items jointly reviewed, 办结率 66.7 %."""
    requests = [raise_request(at(2025, 6, 3, 9, 0), actor=world.butler1, enterprise=world.ent1) for _ in range(15)]
    for request in requests:
        accept(at(2025, 6, 3, 10, 0), request, world.admin)
    for request in requests[:10]:
        resolve(at(2025, 6, 10, 10, 0), request, world.admin)
    result = request_stats(Request.objects.visible_to(world.leader), date_from=dt.date(2025, 6, 1),
                           date_to=dt.date(2025, 6, 30), now=at(2025, 6, 30, 18))
    assert (result["accepted"], result["resolved"]) == (15, 10)
    assert round(result["closure_rate"], 4) == 0.6667
    assert result["on_time_closure_rate"] == 1.0
    assert result["avg_working_days_to_resolve"] == 5  # 06-04 … 06-10: Wed Thu Fri Mon Tue
    assert result["satisfaction_rate"] is None  # nobody rated yet


# -- breakdowns ------------------------------------------------------------------------------------------------


def test_by_month(dataset):
    result = rows(dataset.world.admin, "month")
    assert [(r["key"], r["label"]) for r in result] == [("2025-09", "2025-09"), ("2025-10", "2025-10")]
    september, october = (public(r) for r in result)
    # Received by the month raised, the rest by the month accepted (r8: raised in August, accepted 09-01).
    assert september == figures(received=2, accepted=3, resolved=2, response=(1, 2), closure=(2, 3),
                                on_time=(2, 2), satisfaction=(2, 3), avg=4.5, overdue=1)
    assert october == figures(received=5, accepted=2, resolved=1, response=(3, 4), closure=(1, 2), on_time=(0, 1),
                              satisfaction=(1, 1), avg=16, overdue=0)


def test_by_month_lists_empty_months_of_the_period(dataset):
    result = request_stats_by(Request.objects.visible_to(dataset.world.admin), "month",
                              date_from=dt.date(2025, 7, 15), date_to=dt.date(2025, 10, 31), now=NOW)
    assert [r["key"] for r in result] == ["2025-07", "2025-08", "2025-09", "2025-10"]
    assert public(result[0]) == figures(received=0, accepted=0, resolved=0, response=(0, 0), closure=(0, 0),
                                        on_time=(0, 0), satisfaction=(0, 0), avg=None, overdue=0)
    assert (result[1]["received"], result[1]["accepted"]) == (1, 0)  # r8, raised 08-29
    assert sum(r["accepted"] for r in result) == 5


def test_by_unit(dataset):
    w = dataset.world
    result = rows(w.admin, "unit")
    assert [(r["key"], r["label"]) for r in result] == [(w.unit1.pk, "供电公司"), (w.unit2.pk, "自然资源局"),
                                                        (None, "未转办")]
    unit1, unit2, none = (public(r) for r in result)
    assert unit1 == figures(received=1, accepted=1, resolved=1, response=(1, 1), closure=(1, 1), on_time=(1, 1),
                            satisfaction=(1, 1), avg=5, overdue=0)
    assert unit2 == figures(received=1, accepted=1, resolved=1, response=(1, 1), closure=(1, 1), on_time=(0, 1),
                            satisfaction=(1, 1), avg=16, overdue=0)
    # Not transferred: r2 r4 r5 r8 r9 r10.
    assert none == figures(received=5, accepted=3, resolved=1, response=(2, 4), closure=(1, 3), on_time=(1, 1),
                           satisfaction=(1, 2), avg=4, overdue=1)


def test_by_butler_and_by_workstation(dataset):
    w = dataset.world
    ws1 = figures(received=3, accepted=3, resolved=2, response=(1, 2), closure=(2, 3), on_time=(2, 2),
                  satisfaction=(2, 3), avg=4.5, overdue=1)
    ws2 = figures(received=4, accepted=2, resolved=1, response=(3, 4), closure=(1, 2), on_time=(0, 1),
                  satisfaction=(1, 1), avg=16, overdue=0)
    by_butler = rows(w.admin, "butler")
    assert [(r["key"], r["label"]) for r in by_butler] == [(w.butler1.pk, str(w.butler1)),
                                                           (w.butler2.pk, str(w.butler2))]
    assert [public(r) for r in by_butler] == [ws1, ws2]
    by_station = rows(w.admin, "workstation")
    assert [(r["key"], r["label"]) for r in by_station] == [(w.ws1.pk, "第一工作站"), (w.ws2.pk, "第二工作站")]
    assert [public(r) for r in by_station] == [ws1, ws2]


def test_by_category(dataset):
    result = {r["key"]: r for r in rows(dataset.world.admin, "category")}
    assert list(result) == ["factors", "land", "financing", "talent", "policy", "other"]  # the choices' order
    assert result["factors"]["label"] == "要素保障（水电气）"
    assert public(result["factors"]) == figures(  # r1 r3 r5
        received=3, accepted=2, resolved=2, response=(2, 2), closure=(2, 2), on_time=(1, 2), satisfaction=(2, 2),
        avg=10.5, overdue=0)
    assert public(result["land"]) == figures(  # r2
        received=1, accepted=1, resolved=0, response=(0, 1), closure=(0, 1), on_time=(0, 0), satisfaction=(0, 1),
        avg=None, overdue=1)
    assert public(result["talent"]) == figures(  # r8, raised before the period
        received=0, accepted=1, resolved=1, response=(0, 0), closure=(1, 1), on_time=(1, 1), satisfaction=(1, 1),
        avg=4, overdue=0)
    assert public(result["financing"]) == figures(  # r10, never signed for
        received=1, accepted=0, resolved=0, response=(0, 1), closure=(0, 0), on_time=(0, 0), satisfaction=(0, 0),
        avg=None, overdue=0)


def test_by_source(dataset):
    result = {r["key"]: r for r in rows(dataset.world.admin, "source")}
    assert [(key, row["label"]) for key, row in result.items()] == [
        ("visit", "走访发现"), ("phone", "电话反映"), ("portal", "企业吹哨")]
    assert public(result["visit"]) == figures(  # r1 r4 r5 r8 r10
        received=4, accepted=3, resolved=2, response=(2, 3), closure=(2, 3), on_time=(2, 2), satisfaction=(2, 2),
        avg=4.5, overdue=0)
    assert public(result["phone"]) == figures(  # r3 r9
        received=2, accepted=1, resolved=1, response=(2, 2), closure=(1, 1), on_time=(0, 1), satisfaction=(1, 1),
        avg=16, overdue=0)
    assert public(result["portal"]) == figures(  # r2
        received=1, accepted=1, resolved=0, response=(0, 1), closure=(0, 1), on_time=(0, 0), satisfaction=(0, 1),
        avg=None, overdue=1)


@pytest.mark.parametrize("by", list(BREAKDOWNS))
def test_every_breakdown_adds_up_to_the_overall_counts(rerated, by):
    overall = stats(rerated.world.admin)
    result = rows(rerated.world.admin, by)
    assert overall["ratings"] == 5
    for name in ("received", "accepted", "resolved", "overdue", "responded_on_time", "response_due", "rated",
                 "ratings", "satisfied_ratings", "first_satisfied", "reopened", "resolved_on_time"):
        assert sum(r[name] for r in result) == overall[name], name


def test_unknown_breakdown_is_refused(dataset):
    with pytest.raises(ValueError):
        rows(dataset.world.admin, "weather")


# -- access ----------------------------------------------------------------------------------------------------


def test_a_butler_counts_only_what_they_can_see(dataset):
    w = dataset.world
    # butler1 serves ent1 (ws1): r1 r2 r5 r8, the same as the first workstation's row.
    assert public(stats(w.butler1)) == public(rows(w.admin, "workstation")[0])
    assert [r["key"] for r in rows(w.butler1, "butler")] == [w.butler1.pk]


def test_a_unit_counts_what_was_transferred_to_it(dataset):
    w = dataset.world
    assert public(stats(w.unit_user1)) == figures(
        received=1, accepted=1, resolved=1, response=(1, 1), closure=(1, 1), on_time=(1, 1), satisfaction=(1, 1),
        avg=5, overdue=0)


def test_another_zone_is_never_counted(dataset):
    w = dataset.world
    assert stats(w.admin)["accepted"] == 5
    assert stats(w.foreign_admin)["accepted"] == 1  # r11 only
    assert stats(w.leader) == stats(w.admin)


# -- queries ---------------------------------------------------------------------------------------------------


def _make(world, n, start):
    enterprises, categories = [world.ent1, world.ent2], ["factors", "land", "policy", "talent"]
    for i in range(n):
        request = raise_request(at(2025, 6, 3, 9, 0), actor=world.admin, enterprise=enterprises[i % 2],
                                category=categories[(start + i) % 4], source=["visit", "phone"][i % 2])
        accept(at(2025, 6, 3, 10, 0), request, world.admin)
        if i % 3 == 0:
            on_unit = world.unit1 if i % 2 else world.unit2
            with time_machine.travel(at(2025, 6, 4, 9, 0), tick=False):
                s.request_transfer(actor=world.admin, request=request, lead_unit=on_unit)
        elif i % 3 == 1:
            resolve(at(2025, 6, 10, 10, 0), request, world.admin)
            contact = [world.ent1_user, world.ent2_user][i % 2]
            rating = "unsatisfied" if i % 2 else "satisfied"
            on(at(2025, 6, 11, 9, 0), s.request_rate, actor=contact, request=request, rating=rating,
               reason="仍未办好" if rating == "unsatisfied" else "")
            if rating == "unsatisfied":  # reopened, resolved and rated again: two ratings
                resolve(at(2025, 6, 12, 10, 0), request, world.admin)
                on(at(2025, 6, 13, 9, 0), s.request_rate, actor=contact, request=request, rating="satisfied")


def _queries(world, by):
    queryset = Request.objects.visible_to(world.admin)
    period = {"date_from": dt.date(2025, 6, 1), "date_to": dt.date(2025, 6, 30), "now": at(2025, 7, 1),
              "calendar": WorkingCalendar.load()}
    with CaptureQueriesContext(connection) as captured:
        if by is None:
            request_stats(queryset, **period)
        else:
            request_stats_by(queryset, by, **period)
    return len(captured)


def test_query_count_does_not_grow_with_the_requests(world):
    world.admin.role_codes  # noqa: B018 - read the roles once, as a view does on every request
    _make(world, 5, 0)
    few = {by: _queries(world, by) for by in [None, *BREAKDOWNS]}
    _make(world, 45, 5)
    many = {by: _queries(world, by) for by in [None, *BREAKDOWNS]}
    assert few == many
    # One aggregate (one GROUP BY; the month's two halves in one UNION ALL), one over the ratings and one
    # read for the working days.
    assert set(many.values()) == {3}


def test_the_report_loads_the_calendar_once(dataset):
    dataset.world.admin.role_codes  # noqa: B018
    with CaptureQueriesContext(connection) as captured:
        report = request_stats_report(Request.objects.visible_to(dataset.world.admin), **PERIOD, now=NOW)
    assert len(captured) == 2 + 3 + 3 * len(BREAKDOWNS)  # calendar, overall, each breakdown
    assert report["overall"]["accepted"] == 5 and set(report["breakdowns"]) == set(BREAKDOWNS)
