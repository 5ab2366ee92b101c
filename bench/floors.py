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

from bench import layout
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


def worklist_page(*, zone_id: int, parties: list[str], overdue_before=None, page: int = PAGE) -> tuple[int, list[tuple]]:
    """The first `page` rows of a person's 我的待办 (their parties' duties; `overdue_before`: a supervisor's) and its
    total."""
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
        cursor.execute(_WORKLIST.format(waiting=" UNION ".join(branches), page=page), params)
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
    if layout.wants_layout(request):
        return layout.page(request, [(total,), *rows])
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


# Raising: the same rows as `request_raise` writes for a request from the phone (bench/request_figures.py's body),
# by hand. The deadline is a fixed day ahead: the floor spends nothing on the calendar.


@csrf_exempt
def floor_raise(request):
    """The signed-in minimal POST plus one transaction writing a raise's rows in raw SQL: the counter, the
    tracked item, the request, its sign clock and the clock's ledger, the butler's duty and the timeline."""
    from django.db import transaction

    body = json.loads(request.body)
    user, now = request.user, timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    at, due = adapt(now), adapt(now + dt.timedelta(days=1))
    yes, no = True, False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT zone_id, butler_id FROM enterprises_enterprise WHERE id = %s AND zone_id = %s",
                       [body["enterprise"], user.zone_id])
        zone_id, butler_id = cursor.fetchone()
        cursor.execute("UPDATE requests_requestcounter SET value = value + 1 WHERE zone_id = %s AND year = %s "
                       "RETURNING value", [zone_id, now.year])
        number = f"GJ-{now.year}-{cursor.fetchone()[0]:06d}"
        cursor.execute(
            "INSERT INTO workflow_trackeditem (kind, object_id, zone_id, parent_id, number, title, enterprise_id, "
            "project_id, person_id, unit_id, status, is_open, due_at, warn_at, due_provisional, paused, created_at, "
            "updated_at) VALUES ('request', NULL, %s, NULL, %s, %s, %s, NULL, %s, NULL, 'submitted', %s, %s, %s, %s, "
            "%s, %s, %s) RETURNING id",
            [zone_id, number, body["title"], body["enterprise"], butler_id, yes, due, due, no, no, at, at])
        item_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO requests_request (created_at, updated_at, item_id, zone_id, number, enterprise_id, "
            "project_id, source, category, urgency, title, description, status, butler_id, addressed_leader_id, "
            "raised_by_id, lead_unit_id, merged_into_id, accepted_at, first_reply_at, resolved_at, closed_at, due_at, "
            "due_provisional, answer, rating, rating_reason, rated_at, suspend_reason, status_before_suspend, "
            "escalated_to, extension_count, extended_days, reopen_count, suspended_working_days, "
            "resolution_working_days, instruction_count, instruction, instructed_by_id, instructed_at, version) "
            "VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s, %s, %s, %s, 'submitted', %s, NULL, %s, NULL, NULL, NULL, "
            "NULL, NULL, NULL, NULL, %s, '', '', '', NULL, '', '', '', 0, 0, 0, 0, NULL, 0, '', NULL, NULL, 1) "
            "RETURNING id",
            [at, at, item_id, zone_id, number, body["enterprise"], body["source"], body["category"], body["urgency"],
             body["title"], body["description"], butler_id, user.pk, no])
        request_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO workflow_clock (item_id, kind, measure, amount, warn, started_at, due_at, warn_at, "
            "provisional, paused_at, stopped_at, cancelled) VALUES (%s, 'sign', 'days', 1, 1, %s, %s, %s, %s, NULL, "
            "NULL, %s) RETURNING id", [item_id, at, due, due, no, no])
        clock_id = cursor.fetchone()[0]
        cursor.execute("INSERT INTO workflow_clockevent (clock_id, kind, at, data) VALUES (%s, 'start', %s, %s)",
                       [clock_id, at, json.dumps({"measure": "days", "amount": 1, "fixed": False})])
        cursor.execute("UPDATE workflow_trackeditem SET object_id = %s WHERE id = %s", [request_id, item_id])
        cursor.execute("INSERT INTO workflow_duty (item_id, party, actionable, zone_id, kind, due_at) "
                       "VALUES (%s, %s, %s, %s, 'request', %s)", [item_id, f"butler:{butler_id}", yes, zone_id, due])
        cursor.execute(
            "INSERT INTO workflow_event (item_id, actor_id, at, action, from_status, to_status, comment, internal, "
            "unit_id, data) VALUES (%s, %s, %s, 'raise', '', 'submitted', %s, %s, NULL, %s)",
            [item_id, user.pk, at, body["description"], no, json.dumps({"source": body["source"]})])
    return JsonResponse({"id": request_id, "number": number}, status=201)
