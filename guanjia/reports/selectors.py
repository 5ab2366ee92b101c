"""Request statistics (诉求统计): 响应率, 办结率, 按期办结率, 满意率, 一次满意率, 重办率, working days, overdue.

The definitions are DOMAIN.md "Metrics"; the period is by acceptance date unless
stated. For a period [date_from, date_to] (whole local days, both included):

- received: requests created in the period.
- 响应率 response_rate = responded_on_time ÷ response_due, over the requests received:
  a request counts once its sign clock (签收时限) has stopped or run out, so one that is
  still unsigned but not yet due is in neither number; it counts in the numerator when
  the clock stopped at or before its due time.
- accepted: requests signed for (accepted_at) in the period; every figure below is over them.
- resolved: of those accepted, the ones resolved now (a reopened request not yet resolved
  again is not); 办结率 closure_rate = resolved ÷ accepted.
- 按期办结率 on_time_closure_rate = resolved_on_time ÷ resolved, where on time means
  resolved_at <= due_at: the request's due_at is the due time of the resolution clock that
  the resolution stopped (extensions and suspensions already moved it).
- ratings: every rating (回访评价, a RequestRating record) given on the requests accepted in the
  period, whenever it was given, a superseded one (不满意 → 重办 → a later rating) included;
  satisfied_ratings: those of them "satisfied" or "basically satisfied".
- 满意率 satisfaction_rate = satisfied_ratings ÷ ratings. A request rated 不满意 and then 满意
  counts two ratings, one satisfied: 50 %, not the 100 % its current rating alone would read.
- 一次满意率 first_satisfaction_rate = first_satisfied ÷ rated: rated is the requests accepted in
  the period with at least one rating, first_satisfied those whose FIRST rating (number 1) was
  satisfied or basically satisfied.
- 重办率 reopen_rate = reopened ÷ resolved: of the resolved requests (as `resolved`), those reopened
  (重办) at least once before (`reopen_count` > 0, which every reopen sets: an unsatisfied rating or
  the center's 重办). A reopened request not yet resolved again is in neither number.
- avg_working_days_to_resolve: mean of working_days_between(accepted date, resolved date)
  − suspended_working_days over the resolved ones, to 2 decimals.
- overdue: open requests whose running resolution clock (not paused, stopped or cancelled)
  was due before `now`.
- instructions (批示数): the leaders' 批示 given on the requests received in the period (each
  request's `instruction_count`, summed; by the date of receipt, since a 直通车 letter is often
  instructed before anybody signs for it).

Merged duplicates (并单) are left out of everything. Rates are floats 0–1, or None where the
denominator is 0. Each figure set is one aggregate query over the requests (a breakdown is one
GROUP BY), one over their ratings (`_ratings`: a request has several, so joining them to the first
would count its row once per rating) and one for the working-day mean (`_working_days`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Avg, Count, F, FilteredRelation, Q, QuerySet, Sum, Value
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanjia.core.calendar import WorkingCalendar
from guanjia.requests.choices import OPEN_STATUSES, Category, ClockKind, Rating, Source, Status
from guanjia.requests.models import RequestRating

SATISFIED = (Rating.SATISFIED, Rating.BASICALLY_SATISFIED)

# The public figures (API.md "stats"), in the order they are shown and exported.
FIGURES = (
    "received", "accepted", "resolved", "response_rate", "closure_rate", "on_time_closure_rate",
    "satisfaction_rate", "avg_working_days_to_resolve", "overdue", "ratings", "satisfied_ratings",
    "first_satisfaction_rate", "reopen_rate", "instructions",
)
# The counts behind the rates, returned beside them so a reader can check a rate.
COUNTS = ("responded_on_time", "response_due", "resolved_on_time", "rated", "first_satisfied", "reopened")

FIGURE_LABELS = {
    "received": _("收到诉求"),
    "accepted": _("受理"),
    "resolved": pgettext_lazy("count", "办结"),
    "response_rate": _("响应率"),
    "closure_rate": _("办结率"),
    "on_time_closure_rate": _("按期办结率"),
    "satisfaction_rate": _("满意率"),
    "avg_working_days_to_resolve": _("平均办结工作日"),
    "overdue": _("超期未办结"),
    "responded_on_time": _("按时签收"),
    "response_due": _("应签收"),
    "resolved_on_time": _("按期办结"),
    "ratings": _("评价次数"),
    "satisfied_ratings": _("满意及基本满意评价"),
    "first_satisfaction_rate": _("一次满意率"),
    "reopen_rate": _("重办率"),
    "rated": _("已评价诉求"),
    "first_satisfied": _("首次评价即满意"),
    "reopened": _("办结诉求中曾重办"),
    "instructions": _("领导批示数"),
}
RATES = ("response_rate", "closure_rate", "on_time_closure_rate", "satisfaction_rate", "first_satisfaction_rate",
         "reopen_rate")


@dataclass(frozen=True)
class Breakdown:
    """One way of splitting the figures: the request field grouped on and how its rows are named."""

    label: object
    field: str = ""
    label_fields: tuple[str, ...] = ()
    choices: type | None = None
    empty_label: object = ""


BREAKDOWNS: dict[str, Breakdown] = {
    "month": Breakdown(_("月份")),
    "unit": Breakdown(_("牵头单位"), "lead_unit", ("lead_unit__name",), empty_label=_("未转办")),
    "butler": Breakdown(_("管家"), "butler", ("butler__name", "butler__username"), empty_label=_("未指派管家")),
    "category": Breakdown(_("类别"), "category", choices=Category),
    "workstation": Breakdown(pgettext_lazy("one", "工作站"), "enterprise__workstation", ("enterprise__workstation__name",),
                             empty_label=_("未分配工作站")),
    "source": Breakdown(_("渠道"), "source", choices=Source),
}


# -- the period and the aggregates ------------------------------------------------------------------------------


def default_period(now: dt.datetime | None = None) -> tuple[dt.date, dt.date]:
    """The current year, 1 January to 31 December (local time)."""
    today = timezone.localdate(now) if now is not None else timezone.localdate()
    return dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, end) instants: local midnight of date_from to local midnight after date_to."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _base(queryset: QuerySet, now: dt.datetime) -> QuerySet:
    """The requests counted, with the two clocks the figures read, joined only where a figure reads them.

    `sign`: its 签收时限 (one per request, started when it is raised). `late`: its running 办结时限 if due
    before `now` (at most one runs: 重办 starts a new one only once the last has stopped). Joined, not
    tested by a subquery per request: PostgreSQL ran two correlated subplans over each of a million
    requests, three times the time of the same figures over joins. Ordering is cleared so that it never
    joins the GROUP BY (nor a compound query).
    """
    clock = "item__clocks"
    sign = Q(item__clocks__kind=ClockKind.SIGN, item__clocks__cancelled=False)
    late = Q(item__clocks__kind=ClockKind.RESOLUTION, item__clocks__stopped_at__isnull=True,
             item__clocks__paused_at__isnull=True, item__clocks__cancelled=False, item__clocks__due_at__lt=now)
    return (queryset.exclude(status=Status.MERGED).order_by()
            .annotate(sign=FilteredRelation(clock, condition=sign), late=FilteredRelation(clock, condition=late)))


def _in(field: str, start: dt.datetime, end: dt.datetime) -> Q:
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _of_period(base: QuerySet, start: dt.datetime, end: dt.datetime) -> QuerySet:
    """The requests that any count can include: received or accepted in the period.

    Every count filters on one of the two, so this changes no figure; it lets the database read
    the period through its (zone, created_at) and (zone, accepted_at) indexes instead of every
    request the caller may see, and spares the other rows the clock subqueries.
    """
    return base.filter(_in("created_at", start, end) | _in("accepted_at", start, end))


def _aggregates(start: dt.datetime, end: dt.datetime, now: dt.datetime) -> dict[str, Count]:
    """Every count of the figures as conditional aggregates (COUNT … FILTER), one column each."""
    received, accepted = _in("created_at", start, end), _in("accepted_at", start, end)
    resolved = accepted & Q(resolved_at__isnull=False)
    # The clocks joined by `_base`.
    sign_due = Q(sign__stopped_at__isnull=False) | Q(sign__due_at__lt=now)
    sign_met = Q(sign__stopped_at__isnull=False, sign__stopped_at__lte=F("sign__due_at"))
    overdue_clock = Q(late__isnull=False)
    return {
        "received": Count("pk", filter=received),
        "responded_on_time": Count("pk", filter=received & sign_met),
        "response_due": Count("pk", filter=received & sign_due),
        "accepted": Count("pk", filter=accepted),
        "resolved": Count("pk", filter=resolved),
        "resolved_on_time": Count("pk", filter=resolved & Q(resolved_at__lte=F("due_at"))),
        "reopened": Count("pk", filter=resolved & Q(reopen_count__gt=0)),
        "overdue": Count("pk", filter=accepted & Q(status__in=OPEN_STATUSES) & overdue_clock),
        "instructions": Sum("instruction_count", filter=received),
    }


# Which counts follow the creation date (the rest follow the acceptance date).
RECEIVED_COUNTS = ("received", "responded_on_time", "response_due", "instructions")


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _figures(counts: dict, ratings: dict | None, avg_days: float | None) -> dict:
    counts = {**dict.fromkeys(RATING_COUNTS, 0), **(ratings or {}), **counts}
    return {
        "received": counts["received"],
        "accepted": counts["accepted"],
        "resolved": counts["resolved"],
        "response_rate": _rate(counts["responded_on_time"], counts["response_due"]),
        "closure_rate": _rate(counts["resolved"], counts["accepted"]),
        "on_time_closure_rate": _rate(counts["resolved_on_time"], counts["resolved"]),
        "satisfaction_rate": _rate(counts["satisfied_ratings"], counts["ratings"]),
        "avg_working_days_to_resolve": avg_days,
        "overdue": counts["overdue"],
        "ratings": counts["ratings"],
        "satisfied_ratings": counts["satisfied_ratings"],
        "first_satisfaction_rate": _rate(counts["first_satisfied"], counts["rated"]),
        "reopen_rate": _rate(counts["reopened"], counts["resolved"]),
        "instructions": counts["instructions"] or 0,  # a sum over no rows is NULL
        **{name: counts[name] for name in COUNTS},
    }


# -- the ratings -----------------------------------------------------------------------------------------------

RATING_COUNTS = ("ratings", "satisfied_ratings", "rated", "first_satisfied")


def _ratings(queryset: QuerySet, start: dt.datetime, end: dt.datetime, *, key: str | None = None,
             key_of: Callable[[dt.datetime], object] | None = None) -> dict[object, dict[str, int]]:
    """The rating counts (RATING_COUNTS) of the requests accepted in the period, per key (None: one group).

    One aggregate over the ratings table, its requests chosen by a subquery on `queryset` (what the
    caller may see) and grouped by the request's field `key`, or by the month of acceptance (`key_of`).
    """
    requests = queryset.exclude(status=Status.MERGED).filter(_in("accepted_at", start, end)).order_by().values("pk")
    ratings = RequestRating.objects.filter(request__in=requests).order_by()
    first, satisfied = Q(number=1), Q(rating__in=SATISFIED)
    aggregates = {
        "ratings": Count("pk"),
        "satisfied_ratings": Count("pk", filter=satisfied),
        "rated": Count("pk", filter=first),
        "first_satisfied": Count("pk", filter=first & satisfied),
    }
    if key:
        return {row.pop(f"request__{key}"): row for row in ratings.values(f"request__{key}").annotate(**aggregates)}
    if key_of:
        grouped = ratings.annotate(month=TruncMonth("request__accepted_at")).values("month").annotate(**aggregates)
        return {key_of(row.pop("month")): row for row in grouped}
    return {None: ratings.aggregate(**aggregates)}


# -- the working-day mean -----------------------------------------------------------------------------------------


def _working_days(queryset: QuerySet, start: dt.datetime, end: dt.datetime, *, key: str | None = None,
                  key_of: Callable[[dt.datetime], object] | None = None,
                  calendar: WorkingCalendar | None = None) -> dict[object, float | None]:
    """Mean working days from acceptance to resolution, less suspensions, per key (None: one group).

    Averages Request.resolution_working_days, which request_resolve fixes on the official
    calendar when a request is settled, so this is one GROUP BY like the other figures.
    """
    rows = queryset.filter(_in("accepted_at", start, end) & Q(resolved_at__isnull=False,
                                                              resolution_working_days__isnull=False))
    if key:
        grouped = rows.order_by().values(key).annotate(avg=Avg("resolution_working_days")).values_list(key, "avg")
    elif key_of:
        grouped = [
            (key_of(month), avg) for month, avg in rows.annotate(month=TruncMonth("accepted_at")).order_by()
            .values("month").annotate(avg=Avg("resolution_working_days")).values_list("month", "avg")
        ]
    else:
        grouped = [(None, rows.aggregate(avg=Avg("resolution_working_days"))["avg"])]
    return {k: round(float(avg), 2) for k, avg in grouped if avg is not None}


# -- public selectors --------------------------------------------------------------------------------------------


def request_stats(queryset: QuerySet, *, date_from: dt.date, date_to: dt.date, now: dt.datetime | None = None,
                  calendar: WorkingCalendar | None = None) -> dict:
    """The figures of API.md "stats" (plus the counts behind the rates) for the requests in `queryset`.

    `queryset` is already limited to what the caller may see (`Request.objects.visible_to(user)`).
    """
    now = now or timezone.now()
    start, end = _bounds(date_from, date_to)
    base = _base(queryset, now)
    counts = _of_period(base, start, end).aggregate(**_aggregates(start, end, now))
    ratings = _ratings(queryset, start, end)[None]
    avg = _working_days(base, start, end, calendar=calendar).get(None)
    return _figures(counts, ratings, avg)


def request_stats_by(queryset: QuerySet, by: str, *, date_from: dt.date, date_to: dt.date,
                     now: dt.datetime | None = None, calendar: WorkingCalendar | None = None) -> list[dict]:
    """The same figures per month, lead unit, butler, category, workstation or channel (`BREAKDOWNS`).

    Each row is `{"key", "label", …figures}`. Months run over the whole period (empty ones
    included, for a continuous trend); the other breakdowns list the keys that have requests
    received or accepted in the period.
    """
    if by not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {by!r}")
    now = now or timezone.now()
    start, end = _bounds(date_from, date_to)
    base = _base(queryset, now)
    if by == "month":
        return _by_month(queryset, base, start, end, now, date_from, date_to, calendar)
    spec = BREAKDOWNS[by]
    aggregates = _aggregates(start, end, now)
    groups = _of_period(base, start, end).values(spec.field, *spec.label_fields).annotate(**aggregates)
    ratings = _ratings(queryset, start, end, key=spec.field)
    averages = _working_days(base, start, end, key=spec.field, calendar=calendar)
    rows = []
    for group in groups:
        key = group[spec.field]
        row = {"key": key, "label": _row_label(spec, key, group)}
        row.update(_figures(group, ratings.get(key), averages.get(key)))
        rows.append(row)
    return _ordered(spec, rows)


def request_stats_report(queryset: QuerySet, *, date_from: dt.date, date_to: dt.date,
                         now: dt.datetime | None = None, breakdowns: Iterable[str] = tuple(BREAKDOWNS)) -> dict:
    """The overall figures and the named breakdowns, on one calendar snapshot (the page and the export)."""
    now = now or timezone.now()
    calendar = WorkingCalendar.load()
    options = {"date_from": date_from, "date_to": date_to, "now": now, "calendar": calendar}
    return {
        "from": date_from,
        "to": date_to,
        "overall": request_stats(queryset, **options),
        "breakdowns": {by: request_stats_by(queryset, by, **options) for by in breakdowns},
    }


# -- breakdown helpers --------------------------------------------------------------------------------------------


def _row_label(spec: Breakdown, key, group: dict) -> str:
    if spec.choices is not None:
        return str(spec.choices(key).label) if key in spec.choices.values else str(key)
    if key is None:
        return str(spec.empty_label)
    return next((str(group[f]) for f in spec.label_fields if group.get(f)), str(key))


def _ordered(spec: Breakdown, rows: list[dict]) -> list[dict]:
    if spec.choices is not None:
        order = {value: i for i, value in enumerate(spec.choices.values)}
        return sorted(rows, key=lambda r: order.get(r["key"], len(order)))
    # The busiest first; the "none" row (not transferred, no butler …) last.
    return sorted(rows, key=lambda r: (r["key"] is None, -r["accepted"], -r["received"], r["label"]))


def _month_key(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m")


def _months(date_from: dt.date, date_to: dt.date) -> list[str]:
    months, year, month = [], date_from.year, date_from.month
    while (year, month) <= (date_to.year, date_to.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _by_month(queryset: QuerySet, base: QuerySet, start, end, now, date_from, date_to, calendar) -> list[dict]:
    """Received figures by the month of creation, the others by the month of acceptance.

    A request can fall in two months (raised in March, signed for in April), so the two
    halves are grouped separately and sent as ONE query: a UNION ALL of two GROUP BYs, each
    filling the other half's columns with 0.
    """
    aggregates = _aggregates(start, end, now)

    def half(field: str, names: Iterable[str]) -> QuerySet:
        columns = {name: aggregates[name] if name in names else Value(0) for name in aggregates}
        return (base.filter(_in(field, start, end)).annotate(month=TruncMonth(field)).values("month")
                .annotate(**columns))

    accepted_names = [name for name in aggregates if name not in RECEIVED_COUNTS]
    union = half("created_at", RECEIVED_COUNTS).union(half("accepted_at", accepted_names), all=True)
    counts: dict[str, dict[str, int]] = {m: dict.fromkeys(aggregates, 0) for m in _months(date_from, date_to)}
    for group in union:
        month = counts.setdefault(_month_key(group["month"]), dict.fromkeys(aggregates, 0))
        for name in aggregates:
            month[name] += group[name] or 0
    ratings = _ratings(queryset, start, end, key_of=_month_key)
    averages = _working_days(base, start, end, key_of=_month_key, calendar=calendar)
    return [{"key": month, "label": month, **_figures(month_counts, ratings.get(month), averages.get(month))}
            for month, month_counts in sorted(counts.items())]
