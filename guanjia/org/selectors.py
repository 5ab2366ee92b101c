"""Reads for the home page (我的工作台): counts and short lists, a fixed number of queries per role."""

from __future__ import annotations

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from guanjia.core.choices import Role
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Workstation
from guanjia.projects.choices import Stage
from guanjia.projects.models import Project

HOME_WORKLIST_ROWS = 8


def workstation_count(model, *, current: bool = True):
    """How many rows of `model` (current ones: not archived) name the workstation, as a subquery of its own:
    counted through joins, each workstation's enterprises were multiplied by its projects (or its people)."""
    rows = model.objects.filter(workstation=OuterRef("pk"))
    if current:
        rows = rows.filter(archived_at__isnull=True)
    return Coalesce(Subquery(rows.order_by().values("workstation").annotate(n=Count("*")).values("n")), 0)


def dashboard(user) -> dict:
    enterprises = Enterprise.objects.visible_to(user).active()
    projects = Project.objects.visible_to(user).active()
    # A unit's handler sees no enterprise or project records: their page shows what their unit has instead
    # (its items in 我的待办, overdue and due soon), not counts that are always 0.
    unit_only = user.has_role(Role.UNIT) and user.unit_id is not None and not user.is_superuser \
        and not (user.role_codes - {Role.UNIT})
    if unit_only:
        ent_counts = proj_counts = None
    else:
        ent_counts = enterprises.aggregate(
            total=Count("pk"),
            above=Count("pk", filter=Q(scale=Scale.ABOVE)),
            mine=Count("pk", filter=Q(butler=user.pk)),
        )
        proj_counts = projects.aggregate(
            total=Count("pk"),
            key=Count("pk", filter=~Q(key_level="")),
            mine=Count("pk", filter=Q(butler=user.pk)),
            building=Count("pk", filter=Q(stage__in=[Stage.LAND, Stage.STARTED])),
        )
    from guanjia.requests.selectors import enterprise_only
    from guanjia.requests.services import may_raise
    from guanjia.workflow.selectors import worklist, worklist_states
    from guanjia.workflow.views import kind_choices

    # 我的待办's counts per kind (its total), and its first rows only when it holds any.
    todo = worklist(user)
    counts = todo.counts()
    data = {"enterprise_counts": ent_counts, "project_counts": proj_counts, "portal": enterprise_only(user),
            "serves": user.has_role(Role.BUTLER), "handler_unit": user.unit if user.has_role(Role.UNIT) else None,
            "worklist": todo[:HOME_WORKLIST_ROWS] if counts else [], "worklist_count": sum(counts.values()),
            "worklist_kinds": kind_choices(counts), "may_raise": may_raise(user)}
    if user.has_role(Role.UNIT) and user.unit_id is not None:
        # The same items and states as 我的待办 (its rows' badges), each number linking to it narrowed so.
        states = worklist_states(user) if counts else {"total": 0, "overdue": 0, "due_soon": 0}
        data["unit_states"] = {"open": states["total"], "overdue": states["overdue"], "due_soon": states["due_soon"]}
    if user.has_role(Role.BUTLER):
        data["my_enterprises"] = list(enterprises.filter(butler=user.pk).select_related("workstation")[:10])
        data["my_projects"] = list(projects.filter(butler=user.pk).select_related("enterprise")[:10])
    elif user.has_role(Role.ENTERPRISE):
        data["my_enterprises"] = list(enterprises.select_related("workstation", "butler")[:10])
        data["my_projects"] = list(projects.select_related("enterprise")[:10])
    if user.is_superuser or user.has_role(Role.ADMIN, Role.LEADER, Role.SUPERVISOR):
        data["by_workstation"] = list(
            Workstation.objects.visible_to(user)
            .filter(archived_at__isnull=True)
            # Each count in a subquery of its own: joined both at once, every workstation's enterprises were
            # multiplied by its projects before being counted (2 000 × 400 rows a workstation at 100 000
            # enterprises: minutes for the center's home page).
            .annotate(enterprise_count=workstation_count(Enterprise), project_count=workstation_count(Project))
            .select_related("head")
            .order_by("name")
        )
    return data
