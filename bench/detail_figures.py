"""A request's page and an enterprise's page, as the center reads them, against one hand-written statement each.

The request's floor reads the request with the names it shows (enterprise, butler, lead unit), its deadline,
and its whole timeline with who acted, oldest first: one row per timeline entry. The enterprise's floor reads
the enterprise with its workstation's, butler's and contact leader's names and its contacts. Both pages show
more than their floor reads (the request's units and clocks, the enterprise's projects, requests and meetings),
so the ratio counts those against the page. bench/test_bench.py checks each floor returns the product's rows.
"""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse

from bench import layout

_REQUEST = """
SELECT r.*, e.name, b.name, b.username, n.name, i.due_at, i.warn_at, ev.id, ev.at, ev.action, ev.from_status,
       ev.to_status, ev.comment, ev.internal, ev.data, a.name, a.username, eu.name
  FROM requests_request r
  JOIN enterprises_enterprise e ON e.id = r.enterprise_id
  JOIN workflow_trackeditem i ON i.id = r.item_id
  LEFT JOIN org_user b ON b.id = r.butler_id
  LEFT JOIN org_unit n ON n.id = r.lead_unit_id
  LEFT JOIN workflow_event ev ON ev.item_id = r.item_id
  LEFT JOIN org_user a ON a.id = ev.actor_id
  LEFT JOIN org_unit eu ON eu.id = ev.unit_id
 WHERE r.id = %s AND r.zone_id = %s
 ORDER BY ev.at, ev.id
"""
_ENTERPRISE = """
SELECT x.*, w.name, b.name, b.username, l.name, l.username, c.id, c.name, c.title, c.phone, c.is_primary
  FROM enterprises_enterprise x
  LEFT JOIN org_workstation w ON w.id = x.workstation_id
  LEFT JOIN org_user b ON b.id = x.butler_id
  LEFT JOIN org_user l ON l.id = x.contact_leader_id
  LEFT JOIN enterprises_contact c ON c.enterprise_id = x.id
 WHERE x.id = %s AND x.zone_id = %s
 ORDER BY c.is_primary DESC, c.id
"""
FLOORS = {"request": _REQUEST, "enterprise": _ENTERPRISE}


def _from_end(sql: str, column: str) -> int:
    """Where `column` is in the rows of `sql`, counted from the end (the first table's `*` comes before)."""
    columns = " ".join(sql.split("SELECT ", 1)[1].split(" FROM", 1)[0].split()).split(", ")
    return columns.index(column) - len(columns)


EVENT_ID, CONTACT_ID = _from_end(_REQUEST, "ev.id"), _from_end(_ENTERPRISE, "c.id")


def floor_rows(kind: str, pk: int, zone_id: int) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(FLOORS[kind], [pk, zone_id])
        return cursor.fetchall()


def floor_detail(request, kind: str, pk: int):
    rows = floor_rows(kind, pk, request.user.zone_id)
    if layout.wants_layout(request):
        return layout.page(request, rows)
    return JsonResponse({"rows": [[str(value) for value in row] for row in rows]})


def subjects(zone):
    """A request that went to the units and was settled (its timeline of the usual length and more), and its
    enterprise."""
    from django.db.models import Count

    from guanjia.requests.models import Request

    candidates = list(Request.objects.filter(zone=zone, status="closed", lead_unit__isnull=False)
                      .order_by("-pk").values_list("pk", "enterprise", "item")[:200])
    events = dict(Request.objects.filter(pk__in=[pk for pk, _e, _i in candidates])
                  .annotate(n=Count("item__events")).values_list("pk", "n"))
    pk, enterprise, _item = max(candidates, key=lambda row: (events[row[0]], row[0]))
    return pk, enterprise


def cases(*, zone, admin) -> list:
    from bench.request_figures import Case, signed_in

    request_pk, enterprise_pk = subjects(zone)
    client = signed_in(admin)
    return [
        Case("page of a request (诉求详情)", client, f"/requests/{request_pk}/", f"/bench/floor/detail/request/{request_pk}/",
             "one SQL: the request, its names and its timeline"),
        Case("page of an enterprise (企业详情)", client, f"/enterprises/{enterprise_pk}/",
             f"/bench/floor/detail/enterprise/{enterprise_pk}/", "one SQL: the enterprise, its names and contacts"),
    ]
