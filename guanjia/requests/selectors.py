"""Reads of requests: worklists (我的待办), the timeline, and next deadlines — a fixed number of queries each."""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.query import EmptyQuerySet

from guanjia.core.choices import Role
from guanjia.requests.choices import OPEN_STATUSES, Action, Status, UnitTaskStatus
from guanjia.requests.models import Clock, ExtensionApplication, Request, RequestEvent, UnitTask

# The soonest running (not paused) deadline of a request's clocks. The same for everybody, so it is
# built once; `Subquery` copies it for each use and it is never evaluated itself.
_NEXT_DUE = Clock.objects.filter(request=OuterRef("pk"), stopped_at__isnull=True, paused_at__isnull=True,
                                 cancelled=False).order_by("due_at").values("due_at")[:1]


def with_next_due(queryset):
    """Annotate each request with the soonest running (not paused) deadline of any of its clocks."""
    return queryset.annotate(next_due=Subquery(_NEXT_DUE))


# What the request tables (我的待办, 诉求列表) show of each row: read as values, since making model
# instances of three tables' rows cost more than the page's SQL. The butler is shown by `User.label`.
TABLE_COLUMNS = ("pk", "number", "title", "urgency", "category", "status", "enterprise__name", "butler__name",
                 "butler__username", "next_due")


def table_rows(queryset):
    """The rows of a request table as dicts of TABLE_COLUMNS; `queryset` is annotated `with_next_due`."""
    return queryset.values(*TABLE_COLUMNS)


# What waits for a butler: their own requests in these statuses.
BUTLER_WORK = (Status.SUBMITTED, Status.ACCEPTED, Status.ESCALATED, Status.SUSPENDED, Status.IN_UNITS)


def _extension_pending() -> Q:
    """Open requests with a 延期申请 waiting for a leader's or admin's decision.

    Read from the (few) pending applications by id. Written as `status IN (open…)` beside the ids,
    SQLite walked every open request of the status index instead (the center's page 7.8 → 11 ms at
    200 000 requests); a NOT IN of the other statuses cannot lead it there.
    """
    return Q(pk__in=ExtensionApplication.objects.pending().values("request")) & ~Q(status__in=_NOT_OPEN)


_NOT_OPEN = sorted(set(Status.values) - set(OPEN_STATUSES))


def pending_extension(request: Request, user) -> ExtensionApplication | None:
    """The request's pending 延期申请 as `user` may see it (None: none, or not theirs to see)."""
    return (ExtensionApplication.objects.visible_to(user).pending().filter(request=request)
            .select_related("applicant", "unit").first())


def _waiting_for(user) -> list[Q]:
    """One filter per role of the person: the requests that wait for them in that role."""
    roles = user.role_codes
    parts = []
    if user.is_superuser or Role.ADMIN in roles:
        parts.append(Q(status=Status.RETURNED) | Q(status=Status.SUBMITTED, butler__isnull=True)
                     | Q(status=Status.ESCALATED, escalated_to="meeting") | _extension_pending())
    if Role.BUTLER in roles:
        parts.append(Q(butler=user.pk, status__in=BUTLER_WORK))
    if Role.LEADER in roles:
        parts.append(Q(status=Status.ESCALATED, escalated_to__in=["leader", "station_head"])
                     | Q(addressed_leader=user.pk, status__in=OPEN_STATUSES) | _extension_pending())
    if Role.UNIT in roles and user.unit_id:  # IN, not a join: two open tasks of the unit list the request once
        parts.append(Q(pk__in=UnitTask.objects.filter(
            unit=user.unit_id, status__in=[UnitTaskStatus.PENDING, UnitTaskStatus.SIGNED]).values("request")))
    if Role.ENTERPRISE in roles:
        parts.append(Q(status=Status.RESOLVED) | Q(status=Status.SUSPENDED, suspend_reason="awaiting_material"))
    if Role.SUPERVISOR in roles:
        parts.append(Q(status__in=OPEN_STATUSES, due_at__isnull=False, pk__in=Clock.objects.filter(
            stopped_at__isnull=True, paused_at__isnull=True, cancelled=False, due_at__lt=_now()).values("request")))
    return parts


def worklist(user):
    """What needs this person now, soonest deadline first (我的待办)."""
    parts = _waiting_for(user)
    visible = Request.objects.visible_to(user)
    if not parts or isinstance(visible, EmptyQuerySet):
        return Request.objects.none()
    if user.role_codes == {Role.BUTLER} and not user.is_superuser:
        # A butler's waiting requests are their own: SQLite reads them from the butler's index and
        # checks the scope on those rows, so it is a filter here, cheaper to build than EXISTS.
        waiting = visible.filter(parts[0])
    elif len(parts) == 1:
        waiting = Request.objects.filter(parts[0], Exists(visible.filter(pk=OuterRef("pk"))))
    else:
        # Several roles: each role's ids come from its own index and are united; a request waiting for
        # two of them is listed once. (As one OR, PostgreSQL misjudged `IN (unit tasks)` and read the zone.)
        ids = [Request.objects.filter(part).order_by().values("pk") for part in parts]
        waiting = Request.objects.filter(Q(pk__in=ids[0].union(*ids[1:], all=True)),
                                         Exists(visible.filter(pk=OuterRef("pk"))))
    # Other than a butler's, access is visible_to(user) checked for each waiting request rather than
    # filtered over the zone: the role filters are narrow (several are ORs that no one index serves),
    # while SQLite, without statistics, would walk the whole zone by its index.
    return (with_next_due(waiting)
            .select_related("enterprise", "butler")
            .order_by(F("next_due").asc(nulls_last=True), "pk"))


def unit_tasks():
    """Unit tasks with their unit and `due_provisional`: whether the task's deadline was counted on the
    provisional calendar (its clock's flag, as a request's own `due_provisional` is its resolution clock's)."""
    return UnitTask.objects.select_related("unit").annotate(
        due_provisional=Exists(Clock.objects.filter(unit_task=OuterRef("pk"), provisional=True)))


def _now():
    from django.utils import timezone

    return timezone.now()


def timeline(request: Request, user):
    """The request's events; internal notes are hidden from enterprise contacts."""
    events = RequestEvent.objects.filter(request=request).select_related("actor", "unit").prefetch_related(
        "attachments")
    if user.has_role(Role.ENTERPRISE) and not (user.role_codes - {Role.ENTERPRISE}):
        events = events.filter(internal=False).exclude(action=Action.NOTE, internal=True)
    return events


def worklist_count(user) -> int:
    return worklist(user).count()
