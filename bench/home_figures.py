"""The home page (我的工作台) of the center and of the busiest butler, against hand-written SQL.

The floor is two statements: ONE for the counts the page shows (the current enterprises and projects the person
sees, above-scale, key, under construction, their own, and the center's workstations' enterprises and projects),
and
the 我的待办 floor (bench/floors.py) for the page's worklist and its total. The page shows more than its floor
reads (the worklist's counts per kind, a butler's own enterprises and projects), so the ratio counts those
against the page. It was the page that hung for minutes at 100 000 enterprises when its workstations' counts
joined enterprises to projects: bench/test_bench.py checks the floor's counts are the page's.
"""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.utils import timezone

from bench import layout
from guanjia.projects.choices import Stage

_COUNTS = """
SELECT t.*, u.*, w.id, w.name, h.name, h.username,
       (SELECT COUNT(*) FROM enterprises_enterprise we WHERE we.workstation_id = w.id AND we.archived_at IS NULL),
       (SELECT COUNT(*) FROM projects_project wp WHERE wp.workstation_id = w.id AND wp.archived_at IS NULL)
  FROM (SELECT COUNT(*), COUNT(*) FILTER (WHERE e.scale = 'above'), COUNT(*) FILTER (WHERE e.butler_id = %(person)s)
          FROM enterprises_enterprise e
         WHERE e.zone_id = %(zone)s AND e.archived_at IS NULL{enterprises_seen}) t
 CROSS JOIN (SELECT COUNT(*), COUNT(*) FILTER (WHERE p.key_level <> ''),
                    COUNT(*) FILTER (WHERE p.butler_id = %(person)s), COUNT(*) FILTER (WHERE p.stage IN ({building}))
               FROM projects_project p
              WHERE p.zone_id = %(zone)s AND p.archived_at IS NULL{projects_seen}) u
  LEFT JOIN org_workstation w ON w.zone_id = %(zone)s AND w.archived_at IS NULL AND {workstations}
  LEFT JOIN org_user h ON h.id = w.head_id
 ORDER BY w.name
"""
COUNTS = ("enterprises", "above", "my_enterprises", "projects", "key", "my_projects", "building")
# What a butler sees (the models' scope_for_role): their own, their workstation's, and their enterprises' projects.
_ENTERPRISES_SEEN = " AND (e.butler_id = %(person)s{or_workstation})"
_PROJECTS_SEEN = (" AND (p.butler_id = %(person)s OR p.enterprise_id IN (SELECT s.id FROM enterprises_enterprise s"
                  " WHERE s.butler_id = %(person)s){or_workstation})")


def home_counts(*, zone_id: int, person_id: int, zone_wide: bool = True, workstation_id: int | None = None) -> dict:
    """The page's counts, and each current workstation's (id, enterprises, projects) in name order: for the
    zone-wide roles the zone's (and its workstations'), for a butler what they see (and no workstations)."""
    building = ", ".join(f"'{stage}'" for stage in (Stage.LAND, Stage.STARTED))
    if zone_wide:
        seen = {"enterprises_seen": "", "projects_seen": "", "workstations": "TRUE"}
    else:
        def or_workstation(alias: str) -> str:
            return f" OR {alias}.workstation_id = %(workstation)s" if workstation_id else ""

        seen = {"enterprises_seen": _ENTERPRISES_SEEN.format(or_workstation=or_workstation("e")),
                "projects_seen": _PROJECTS_SEEN.format(or_workstation=or_workstation("p")), "workstations": "FALSE"}
    with connection.cursor() as cursor:
        cursor.execute(_COUNTS.format(building=building, **seen),
                       {"zone": zone_id, "person": person_id, "workstation": workstation_id})
        rows = cursor.fetchall()
    head = len(COUNTS)
    return {**dict(zip(COUNTS, rows[0][:head], strict=True)),
            "workstations": [(row[head], row[-2], row[-1]) for row in rows if row[head] is not None]}


def floor_home(request):
    from bench.floors import worklist_page
    from guanjia.core.choices import ZONE_WIDE_ROLES
    from guanjia.org.selectors import HOME_WORKLIST_ROWS
    from guanjia.workflow import parties

    user = request.user
    counts = home_counts(zone_id=user.zone_id, person_id=user.pk, zone_wide=bool(user.role_codes & ZONE_WIDE_ROLES),
                         workstation_id=user.workstation_id)
    total, rows = worklist_page(zone_id=user.zone_id, parties=parties.of_person(user),
                                overdue_before=timezone.now() if parties.supervises(user) else None,
                                page=HOME_WORKLIST_ROWS)
    if layout.wants_layout(request):
        return layout.page(request, [tuple(counts[name] for name in COUNTS), *counts["workstations"], (total,), *rows])
    return JsonResponse({**counts, "worklist_count": total, "worklist": rows})


def cases(*, zone, admin) -> list:
    from bench.request_figures import Case, busiest_butler, signed_in

    found = []
    for who, person in (("the center (an admin)", admin), ("the busiest butler", busiest_butler(zone))):
        if person is not None:
            found.append(Case(f"page 我的工作台, {who}", signed_in(person), "/", "/bench/floor/home/",
                              "SQL: the counts in one statement, 我的待办's in another"))
    return found
