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

from guanjia.requests.choices import OPEN_STATUSES, Status

PAGE = 30  # WorklistView.paginate_by

# The butler's part of selectors.worklist: their own requests in these statuses.
BUTLER_STATUSES = (Status.SUBMITTED, Status.ACCEPTED, Status.ESCALATED, Status.SUSPENDED, Status.IN_UNITS)

# The next deadline as an aggregate over a join on the clock's request index: as a correlated
# subquery (the product's form), SQLite without statistics searches clock_running_due instead and
# reads every running clock once per row. `r.zone_id + 0` keeps the zone check without letting
# SQLite prefer the zone index (every request of the zone) to the butler's or the status's.
_WORKLIST = """
SELECT r.id, r.number, r.title, r.urgency, r.category, r.status, e.name, u.name,
       MIN(c.due_at) FILTER (WHERE c.stopped_at IS NULL AND c.paused_at IS NULL AND NOT c.cancelled) AS next_due,
       COUNT(*) OVER () AS total
  FROM requests_request r
  JOIN enterprises_enterprise e ON e.id = r.enterprise_id
  LEFT JOIN org_user u ON u.id = r.butler_id
  LEFT JOIN requests_clock c ON c.request_id = r.id
 WHERE r.zone_id + 0 = %s AND {where}
 GROUP BY r.id, e.id, u.id
 ORDER BY next_due NULLS LAST, r.id
 LIMIT {page}
"""
def _in(values) -> str:
    return ", ".join(f"'{v}'" for v in values)


# The center's part of the worklist, one index search per branch (request_zone_status), and the open
# requests with an extension application waiting for a decision (read from the few applications: CROSS JOIN
# keeps SQLite from walking the open requests instead).
_CENTER = f"""r.id IN (
    SELECT id FROM requests_request WHERE zone_id = %s AND status = 'returned'
    UNION ALL SELECT id FROM requests_request WHERE zone_id = %s AND status = 'submitted' AND butler_id IS NULL
    UNION ALL SELECT id FROM requests_request WHERE zone_id = %s AND status = 'escalated' AND escalated_to = 'meeting'
    UNION ALL SELECT a.request_id FROM requests_extensionapplication a CROSS JOIN requests_request p
     WHERE p.id = a.request_id AND a.status = 'pending' AND p.zone_id = %s AND p.status IN ({_in(OPEN_STATUSES)}))
"""


def worklist_page(*, zone_id: int, butler_id: int | None = None) -> tuple[int, list[tuple]]:
    """The first page of a butler's (or, without one, the center's) worklist and its total, in one query."""
    if butler_id is not None:
        where, params = f"r.butler_id = %s AND r.status IN ({_in(BUTLER_STATUSES)})", [zone_id, butler_id]
    else:  # the admin's part: returned, unowned new ones, and those escalated to a joint meeting
        where, params = _CENTER, [zone_id] * 5
    with connection.cursor() as cursor:
        cursor.execute(_WORKLIST.format(where=where, page=PAGE), params)
        rows = cursor.fetchall()
    return (rows[0][-1] if rows else 0), [row[:-1] for row in rows]


_STATS = """
SELECT COUNT(*) FILTER (WHERE {received}),
       COUNT(*) FILTER (WHERE {received} AND sc.stopped_at IS NOT NULL AND sc.stopped_at <= sc.due_at),
       COUNT(*) FILTER (WHERE {received} AND (sc.stopped_at IS NOT NULL OR sc.due_at < %(now)s)),
       COUNT(*) FILTER (WHERE {accepted}),
       COUNT(*) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL),
       COUNT(*) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL AND r.resolved_at <= r.due_at),
       COUNT(*) FILTER (WHERE {accepted} AND r.rating <> ''),
       COUNT(*) FILTER (WHERE {accepted} AND r.rating IN ('satisfied', 'basically_satisfied')),
       COUNT(*) FILTER (WHERE {accepted} AND r.status IN ({open}) AND oc.id IS NOT NULL),
       AVG(r.resolution_working_days) FILTER (WHERE {accepted} AND r.resolved_at IS NOT NULL)
  FROM requests_request r
  LEFT JOIN requests_clock sc ON sc.request_id = r.id AND sc.kind = 'sign' AND NOT sc.cancelled
  LEFT JOIN requests_clock oc ON oc.request_id = r.id AND oc.kind = 'resolution' AND oc.stopped_at IS NULL
        AND oc.paused_at IS NULL AND NOT oc.cancelled AND oc.due_at < %(now)s
 WHERE r.zone_id = %(zone)s AND r.status <> 'merged' AND ({received} OR {accepted})
"""
_RECEIVED = "(r.created_at >= %(start)s AND r.created_at < %(end)s)"
_ACCEPTED = "(r.accepted_at >= %(start)s AND r.accepted_at < %(end)s)"
COUNTS = ("received", "responded_on_time", "response_due", "accepted", "resolved", "resolved_on_time", "rated",
          "satisfied", "overdue")


def stats(*, zone_id: int, date_from: dt.date, date_to: dt.date, now: dt.datetime) -> dict:
    """The counts of reports.selectors.request_stats and the working-day mean, in one aggregate query."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    adapt = connection.ops.adapt_datetimefield_value
    sql = _STATS.format(received=_RECEIVED, accepted=_ACCEPTED, open=_in(sorted(OPEN_STATUSES)))
    with connection.cursor() as cursor:
        cursor.execute(sql, {"start": adapt(start), "end": adapt(end), "now": adapt(now), "zone": zone_id})
        row = cursor.fetchone()
    figures = dict(zip(COUNTS, row[:-1], strict=True))
    figures["avg_working_days_to_resolve"] = None if row[-1] is None else round(float(row[-1]), 2)
    return figures


# -- the views --------------------------------------------------------------------------------------------------


def floor_worklist(request):
    """The page of the signed-in butler's open requests, soonest deadline first."""
    user = request.user
    total, rows = worklist_page(zone_id=user.zone_id, butler_id=user.pk)
    return JsonResponse({"count": total, "results": rows})


def floor_worklist_center(request):
    """The service center's worklist page (what an admin's 我的待办 lists)."""
    total, rows = worklist_page(zone_id=request.user.zone_id)
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
