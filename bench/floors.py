"""The floors of the request figures: each the same answer as the product's, from ONE hand-written SQL query.

They run through `connection.cursor()` inside minimal Django views (bench/urls.py), so a
target and its floor pass the same middleware, session and authentication; the ratio is
what the product adds on top of the one query a person would write by hand.
bench/test_bench.py checks that each floor gives the product's figures.
"""

from __future__ import annotations

import datetime as dt
import json

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from guanjia.requests.choices import OPEN_STATUSES

PAGE = 30  # WorklistView.paginate_by


def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


# 我的待办 of any person over the workflow kernel's tables: the open items of the zone with a duty for one of
# the person's parties (a supervisor's adds the zone's overdue items), soonest deadline first, with the
# columns the page shows and the total. The page's ids are sorted on the duties (which carry their item's
# zone and deadline) before the thirty rows shown are joined to their items.
_WORKLIST = """
SELECT i.id, i.kind, i.object_id, p.object_id, i.number, i.title, i.status, i.is_open, i.due_at, i.warn_at,
       i.paused, i.due_provisional, e.name, u.name, u.username, n.name, page.total
  FROM (SELECT w.item_id, w.due_at, COUNT(*) OVER () AS total
          FROM ({waiting}) w
         ORDER BY w.due_at NULLS LAST, w.item_id
         LIMIT {page}) page
  JOIN workflow_trackeditem i ON i.id = page.item_id
  LEFT JOIN workflow_trackeditem p ON p.id = i.parent_id
  LEFT JOIN enterprises_enterprise e ON e.id = i.enterprise_id
  LEFT JOIN org_user u ON u.id = i.person_id
  LEFT JOIN org_unit n ON n.id = i.unit_id
 ORDER BY page.due_at NULLS LAST, page.item_id
"""
_BY_DUTY = ("SELECT DISTINCT d.item_id, d.due_at FROM workflow_duty d "
            "WHERE d.party IN ({parties}) AND d.actionable AND d.zone_id = %s")
_OVERDUE = ("SELECT o.id AS item_id, o.due_at FROM workflow_trackeditem o "
            "WHERE o.zone_id = %s AND o.is_open AND o.due_at < %s")


def worklist_page(*, zone_id: int, parties: list[str], overdue_before=None) -> tuple[int, list[tuple]]:
    """The first page of a person's 我的待办 (their parties' duties; `overdue_before`: a supervisor's) and its total."""
    branches, params = [], []
    if parties:
        branches.append(_BY_DUTY.format(parties=", ".join(["%s"] * len(parties))))
        params += [*parties, zone_id]
    if overdue_before is not None:
        branches.append(_OVERDUE)
        params += [zone_id, connection.ops.adapt_datetimefield_value(overdue_before)]
    if not branches:
        return 0, []
    with connection.cursor() as cursor:  # UNION: an item waiting through two parties is listed once
        cursor.execute(_WORKLIST.format(waiting=" UNION ".join(branches), page=PAGE), params)
        rows = cursor.fetchall()
    return (rows[0][-1] if rows else 0), [row[:-1] for row in rows]


# The ratings (several per request) are summed per request first, over the requests the figures count, and
# then joined one row per request: joined row by row they would count a request once per rating.
_STATS = """
WITH rt AS (
  SELECT g.request_id, COUNT(*) AS given, COUNT(*) FILTER (WHERE g.rating IN ({satisfied})) AS satisfied,
         COUNT(*) FILTER (WHERE g.number = 1) AS first, COUNT(*) FILTER (WHERE g.number = 1
                                                                        AND g.rating IN ({satisfied})) AS first_ok
    FROM requests_requestrating g
    JOIN requests_request q ON q.id = g.request_id
   WHERE q.zone_id = %(zone)s AND q.status <> 'merged' AND {accepted_q}
   GROUP BY g.request_id
)
SELECT COUNT(*) FILTER (WHERE {received}),
       COUNT(*) FILTER (WHERE {received} AND sc.stopped_at IS NOT NULL AND sc.stopped_at <= sc.due_at),
       COUNT(*) FILTER (WHERE {received} AND (sc.stopped_at IS NOT NULL OR sc.due_at < %(now)s)),
       COUNT(*) FILTER (WHERE {accepted}),
       COUNT(*) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL),
       COUNT(*) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL AND r.resolved_at <= r.due_at),
       COUNT(*) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL AND r.reopen_count > 0),
       COALESCE(SUM(rt.given), 0), COALESCE(SUM(rt.satisfied), 0), COALESCE(SUM(rt.first), 0),
       COALESCE(SUM(rt.first_ok), 0),
       COUNT(*) FILTER (WHERE {accepted} AND r.status IN ({open}) AND oc.id IS NOT NULL),
       COALESCE(SUM(r.instruction_count) FILTER (WHERE {received}), 0),
       AVG(r.resolution_working_days) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL)
  FROM requests_request r
  LEFT JOIN rt ON rt.request_id = r.id
  LEFT JOIN workflow_clock sc ON sc.item_id = r.item_id AND sc.kind = 'sign' AND NOT sc.cancelled
  LEFT JOIN workflow_clock oc ON oc.item_id = r.item_id AND oc.kind = 'resolution' AND oc.stopped_at IS NULL
        AND oc.paused_at IS NULL AND NOT oc.cancelled AND oc.due_at < %(now)s
 WHERE r.zone_id = %(zone)s AND r.status <> 'merged' AND ({received} OR {accepted})
"""
_RECEIVED = "(r.created_at >= %(start)s AND r.created_at < %(end)s)"
_ACCEPTED = "(r.accepted_at >= %(start)s AND r.accepted_at < %(end)s)"
COUNTS = ("received", "responded_on_time", "response_due", "accepted", "resolved", "resolved_on_time", "reopened",
          "ratings", "satisfied_ratings", "rated", "first_satisfied", "overdue", "instructions")


def stats(*, zone_id: int, date_from: dt.date, date_to: dt.date, now: dt.datetime) -> dict:
    """The counts of reports.selectors.request_stats (its ratings' too) and the working-day mean, in one query."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    adapt = connection.ops.adapt_datetimefield_value
    sql = _STATS.format(received=_RECEIVED, accepted=_ACCEPTED, accepted_q=_ACCEPTED.replace("r.", "q."),
                        open=_in(sorted(OPEN_STATUSES)), satisfied=_in(("satisfied", "basically_satisfied")))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": adapt(start), "end": adapt(end), "now": adapt(now), "zone": zone_id})
        row = cursor.fetchone()
    figures = {name: int(value) for name, value in zip(COUNTS, row[:-1], strict=True)}  # PostgreSQL sums: numeric
    figures["avg_working_days_to_resolve"] = None if row[-1] is None else round(float(row[-1]), 2)
    return figures


# -- the views --------------------------------------------------------------------------------------------------


def floor_worklist(request):
    """The signed-in person's 我的待办 page, soonest deadline first, and its total."""
    from guanjia.workflow import parties

    user = request.user
    total, rows = worklist_page(zone_id=user.zone_id, parties=parties.of_person(user),
                                overdue_before=timezone.now() if parties.supervises(user) else None)
    return JsonResponse({"count": total, "results": rows})


def floor_stats(request):
    date_from = dt.date.fromisoformat(request.GET["from"])
    date_to = dt.date.fromisoformat(request.GET["to"])
    figures = stats(zone_id=request.user.zone_id, date_from=date_from, date_to=date_to, now=timezone.now())
    return JsonResponse(figures)


@csrf_exempt
def floor_post(request):
    """Django's minimal POST: read the JSON body, answer 201."""
    body = json.loads(request.body)
    return HttpResponse(json.dumps({"ok": bool(body)}), status=201, content_type="application/json")


@csrf_exempt
def signed_in_post(request):
    """Django's minimal POST that reads who sent it (the session and the person): the most any
    signed-in call can do, so the highest share of `floor_post` that raising could reach."""
    body = json.loads(request.body)
    return HttpResponse(json.dumps({"ok": bool(body), "by": request.user.pk}), status=201,
                        content_type="application/json")
