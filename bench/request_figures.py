"""The request (诉求) figures of `python -m bench --requests M`: 我的待办 of every role, statistics, raising,
reminders.

Each target is measured against its own floor (bench/floors.py), interleaved so that
machine noise hits both alike; raising is a sustained rate over sequential posts; the
reminder job is one timed run against its 60-second budget. Whatever a run writes (raised
requests, reminders and their notices) is deleted afterwards, so runs can be repeated on
the same dataset.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Max
from django.test import Client
from django.utils import timezone

from bench.run import Figure, _query_count, _timed

RAISE_BUDGET = 2
REMINDER_BUDGET_S = 60.0


@dataclass
class Case:
    """A page or API call and its floor, requested by the same signed-in client."""

    name: str
    client: Client
    url: str
    floor_url: str
    floor_name: str


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _get(client: Client, url: str) -> Callable[[], object]:
    def call():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    return call


def measure_cases(cases: list[Case], *, repeat: int, budget: float) -> list[Figure]:
    """Median of `repeat` alternating runs of each case's floor and target.

    Each case is measured on its own: interleaved with the year's statistics (a second of
    aggregates over the whole table), a worklist's floor ran on cold caches and looked slower
    than it is, which flattered the ratio.
    """
    figures = []
    for case in cases:
        floor, target = _get(case.client, case.floor_url), _get(case.client, case.url)
        for _warm_up in range(3):  # caches, sessions and connections
            floor()
            target()
        floor_ms, target_ms = [], []
        for _round in range(repeat):
            floor_ms.append(_timed(floor))
            target_ms.append(_timed(target))
        floor_median = statistics.median(floor_ms)
        figures.append(Figure(f"  floor: {case.floor_name}", floor_median, floor_median, _query_count(floor)))
        figures.append(Figure(case.name, statistics.median(target_ms), floor_median, _query_count(target), budget))
    return figures


def busiest(zone, prefix: str):
    """The party of a kind (`butler:`, `unit:`) with the most open items waiting for it in the zone."""
    from guanjia.workflow.models import Duty

    return (Duty.objects.filter(party__startswith=prefix, actionable=True, item__zone=zone, item__is_open=True)
            .values("party").annotate(n=Count("pk")).order_by("-n", "party").first())


def busiest_butler(zone):
    """The butler with the most items in their 我的待办."""
    from guanjia.org.models import User

    top = busiest(zone, "butler:")
    return User.objects.get(pk=int(top["party"].split(":")[1])) if top else None


def busiest_unit_handler(zone):
    """A handler of the unit with the most open tasks and action items."""
    from guanjia.core.choices import Role
    from guanjia.org.models import User

    top = busiest(zone, "unit:")
    if top is None:
        return None
    return (User.objects.with_role(Role.UNIT).filter(zone=zone, unit=int(top["party"].split(":")[1]))
            .order_by("pk").first())


def worklist_and_stats_cases(*, zone, admin, year: int) -> list[Case]:
    from guanjia.core.choices import Role
    from guanjia.org.models import User

    people = [("the busiest butler", busiest_butler(zone)), ("an admin (the center)", admin),
              ("a leader", User.objects.with_role(Role.LEADER).filter(zone=zone).order_by("pk").first()),
              ("the busiest unit's handler", busiest_unit_handler(zone)),
              ("a supervisor", User.objects.with_role(Role.SUPERVISOR).filter(zone=zone).order_by("pk").first())]
    cases = []
    for who, person in people:
        if person is None:
            continue
        client = Client()
        client.force_login(person)
        cases.append(Case(f"page 我的待办, {who}", client, "/worklist/", "/bench/floor/worklist/",
                          "one SQL over the kernel's items and duties: the page + total"))
        if person is admin:
            cases.append(Case(f"API 我的待办 (GET /api/v1/worklist/), {who}", client, "/api/v1/worklist/?page_size=30",
                              "/bench/floor/worklist/", "the same SQL"))
    center = Client()
    center.force_login(admin)
    period = f"?from={year}-01-01&to={year}-12-31"
    cases.append(Case("API stats of the year (GET /api/v1/stats/requests/)", center,
                      f"/api/v1/stats/requests/{period}", f"/bench/floor/stats/{period}",
                      "one SQL: COUNT … FILTER aggregates, the ratings summed per request"))
    return cases


# -- raising ------------------------------------------------------------------------------------------------------


def measure_raise(*, zone, admin, posts: int, rounds: int = 3) -> list[Figure]:
    """POST /api/v1/requests/ against a fair floor (`floors.floor_raise`: the signed-in minimal POST plus one
    hand-written transaction inserting the same rows): `rounds` alternating runs of `posts` sequential posts
    of each, the mean time of a post per run, the median of the runs.

    Django's minimal POST (`floors.floor_post`) is measured alongside, for scale. Whatever the runs raised (the
    requests, their timeline, clocks and notices, the floor's rows too) is deleted afterwards.
    """
    from guanjia.enterprises.models import Enterprise
    from guanjia.requests.models import Request

    client = Client()
    client.force_login(admin)
    enterprises = list(Enterprise.objects.filter(zone=zone, butler__isnull=False).order_by("pk")
                       .values_list("pk", flat=True)[:posts])
    before = Request.objects.aggregate(top=Max("pk"))["top"] or 0
    counter = iter(range(10**9))

    def poster(url):
        def post():
            n = next(counter)
            body = {"enterprise": enterprises[n % len(enterprises)], "category": "factors", "source": "phone",
                    "urgency": "normal", "title": "二期厂房用电增容",
                    "description": "二期生产线投产需将变压器容量增至2000kVA。"}
            response = client.post(url, body, content_type="application/json")
            assert response.status_code == 201, (url, response.status_code, response.content[:300])

        return post

    calls = {"minimal": poster("/bench/floor/post/"), "floor": poster("/bench/floor/raise/"),
             "raise": poster("/api/v1/requests/")}

    def mean_ms(call) -> float:
        started = time.perf_counter()
        for _n in range(posts):
            call()
        return (time.perf_counter() - started) * 1000 / posts

    try:  # the product first: it makes the year's counter if it is missing, which the floor only increments
        queries = {name: _query_count(calls[name]) for name in ("raise", "floor", "minimal")}
        runs: dict[str, list[float]] = {name: [] for name in calls}
        for _round in range(rounds):
            for name, call in calls.items():
                runs[name].append(mean_ms(call))
    finally:
        _delete_raised(zone, before)
    minimal, floor, raised = (statistics.median(runs[name]) for name in calls)
    return [Figure("  Django's minimal POST (for scale)", minimal, floor, queries["minimal"]),
            Figure("  floor: signed-in POST + the raise's rows in one SQL transaction", floor, floor, queries["floor"]),
            Figure(f"API raise a request, {posts} sequential POSTs", raised, floor, queries["raise"], RAISE_BUDGET)]


def _delete_raised(zone, above_pk: int) -> None:
    from django.db.models import Q

    from guanjia.notifications.models import Notification
    from guanjia.requests.models import Request
    from guanjia.workflow.models import TrackedItem

    raised = Request.objects.filter(zone=zone, pk__gt=above_pk)
    items = list(TrackedItem.objects.filter(Q(pk__in=raised.values("item")) | Q(parent__in=raised.values("item")))
                 .values_list("pk", flat=True))
    Notification.objects.filter(item__in=items).delete()
    raised.delete()
    TrackedItem.objects.filter(pk__in=items).delete()
    _flush_queue()


def _flush_queue() -> None:
    """Drop the jobs queued by the measured work (nobody consumes the benchmark's queue)."""
    from huey.contrib.djhuey import HUEY

    HUEY.flush()


# -- reminders ----------------------------------------------------------------------------------------------------


def reminder_moment(now: dt.datetime | None = None) -> dt.datetime:
    """10:00 of the latest working day that has begun by `now` (inside the reminder job's working hours)."""
    from guanjia.core.calendar import WorkingCalendar

    calendar = WorkingCalendar.load()
    local = timezone.localtime(now or timezone.now())
    day = local.date() if local.hour >= 10 else local.date() - dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=timezone.get_current_timezone())


def measure_reminders(*, now: dt.datetime | None = None) -> tuple[Figure, str]:
    """One timed `reminders_run` over every open request, then its reminders and notices are deleted."""
    from guanjia.notifications.models import Delivery, Notification, ReminderSent
    from guanjia.notifications.reminders import reminders_run
    from guanjia.workflow.models import Clock

    moment = now or reminder_moment()
    running = Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, cancelled=False,
                                   item__is_open=True).count()
    marks = {model: model.objects.aggregate(top=Max("pk"))["top"] or 0
             for model in (ReminderSent, Notification, Delivery)}
    started = time.perf_counter()
    summary = reminders_run(now=moment)
    seconds = time.perf_counter() - started
    try:
        assert summary.ran, summary.reason
    finally:
        for model in (Delivery, Notification, ReminderSent):
            model.objects.filter(pk__gt=marks[model]).delete()
        _flush_queue()
    detail = (f"  [{seconds:.1f} s at {timezone.localtime(moment):%Y-%m-%d %H:%M}: {running:,} running clocks; "
              f"reminders {summary.reminders}, {summary.notifications:,} notices, "
              f"{summary.deliveries:,} deliveries]")
    figure = Figure(f"reminders_run over all open requests (budget {REMINDER_BUDGET_S:g} s)", seconds * 1000,
                    REMINDER_BUDGET_S * 1000, None, 1, against="budget")
    return figure, detail
