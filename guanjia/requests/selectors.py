"""Reads of requests: worklists (我的待办), the timeline, and next deadlines — a fixed number of queries each."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, Subquery

from guanjia.core.choices import Role
from guanjia.requests.choices import OPEN_STATUSES, Action, Status, UnitTaskStatus
from guanjia.requests.models import Clock, Request, RequestEvent


def with_next_due(queryset):
    """Annotate each request with the soonest running (not paused) deadline of any of its clocks."""
    running = Clock.objects.filter(request=OuterRef("pk"), stopped_at__isnull=True, paused_at__isnull=True,
                                   cancelled=False).order_by("due_at").values("due_at")[:1]
    return queryset.annotate(next_due=Subquery(running))


def worklist(user):
    """What needs this person now, soonest deadline first (我的待办)."""
    base = Request.objects.visible_to(user)
    q = Q(pk__in=[])
    roles = user.role_codes
    if user.is_superuser or Role.ADMIN in roles:
        q |= Q(status=Status.RETURNED) | Q(status=Status.SUBMITTED, butler__isnull=True)
        q |= Q(status=Status.ESCALATED, escalated_to="meeting")
    if Role.BUTLER in roles:
        q |= Q(butler=user.pk, status__in=[Status.SUBMITTED, Status.ACCEPTED, Status.ESCALATED, Status.SUSPENDED,
                                           Status.IN_UNITS])
    if Role.LEADER in roles:
        q |= Q(status=Status.ESCALATED, escalated_to__in=["leader", "station_head"])
        q |= Q(addressed_leader=user.pk, status__in=OPEN_STATUSES)
    if Role.UNIT in roles and user.unit_id:
        q |= Q(unit_tasks__unit=user.unit_id, unit_tasks__status__in=[UnitTaskStatus.PENDING, UnitTaskStatus.SIGNED])
    if Role.ENTERPRISE in roles:
        q |= Q(status=Status.RESOLVED) | Q(status=Status.SUSPENDED, suspend_reason="awaiting_material")
    if Role.SUPERVISOR in roles:
        q |= Q(status__in=OPEN_STATUSES, due_at__isnull=False) & Q(
            pk__in=Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, cancelled=False)
            .filter(due_at__lt=_now()).values("request"))
    # The OR across roles may join unit tasks; select the matching ids first so rows are not repeated.
    matching = base.filter(q).values("pk")
    return (with_next_due(Request.objects.filter(pk__in=matching))
            .select_related("enterprise", "butler", "lead_unit")
            .order_by(F("next_due").asc(nulls_last=True), "pk"))


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
