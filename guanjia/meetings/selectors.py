"""Reads of meetings and action items — each through `visible_to`, with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from guanjia.meetings.choices import ItemStatus
from guanjia.meetings.models import ActionItem, Meeting

ITEM_RELATED = ("owner_unit", "owner_person", "request", "project", "done_by")


def meeting_list(user):
    """Meetings the user may see, with their action-item counts (one query per page, plus the count)."""
    now = timezone.now()
    return (
        Meeting.objects.visible_to(user)
        .select_related("convener")
        .annotate(
            item_count=Count("action_items", distinct=True),
            open_item_count=Count("action_items", filter=Q(action_items__status=ItemStatus.OPEN), distinct=True),
            overdue_item_count=Count("action_items", filter=Q(action_items__status=ItemStatus.OPEN,
                                                              action_items__deadline__lt=now), distinct=True),
        )
        # An aggregate query drops Meta.ordering: say it again so that pages are stable.
        .order_by("-starts_at", "-pk")
    )


def about_enterprise(enterprise_id) -> Q:
    """Meetings with one of the enterprise's requests or projects on the agenda (ids first: listed once each)."""
    return (Q(pk__in=Meeting.requests.through.objects.filter(request__enterprise=enterprise_id).values("meeting"))
            | Q(pk__in=Meeting.projects.through.objects.filter(project__enterprise=enterprise_id).values("meeting")))


RECENT_MEETINGS = 10


def recent_for_enterprise(user, enterprise_id) -> list[Meeting]:
    """The enterprise's newest meetings that `user` may see, for its page (one query; none for its contacts,
    to whom meetings are internal); one more than RECENT_MEETINGS, so the page can say there are more."""
    return list(Meeting.objects.visible_to(user).filter(about_enterprise(enterprise_id)).select_related("convener")
                .order_by("-starts_at", "-pk")[:RECENT_MEETINGS + 1])


def meeting_detail(user):
    """Meetings the user may see, with everything the detail page, the API detail and the minutes need."""
    return Meeting.objects.visible_to(user).select_related("convener").prefetch_related(
        "units", "attendees", "projects",
        Prefetch("requests", queryset=_agenda_requests()),
        Prefetch("settled_requests", queryset=_agenda_requests()),
        Prefetch("action_items", queryset=ActionItem.objects.select_related(*ITEM_RELATED)),
    )


def _agenda_requests():
    from guanjia.requests.models import Request

    return Request.objects.select_related("enterprise").order_by("number")


def action_item_list(user):
    """Action items (督办事项) the user may see, soonest deadline first."""
    return ActionItem.objects.visible_to(user).select_related("meeting", *ITEM_RELATED)


def action_items_for_request(request, user):
    """The action items of meetings on one request, as the request's detail page shows them (none for enterprises)."""
    return action_item_list(user).filter(request=request).order_by("deadline", "pk")


def overdue_action_items(user):
    """Open action items past their deadline, soonest due first: supervision's (督办) list to come.
    我的待办 and the reminders read the kernel's items and clocks instead."""
    return action_item_list(user).overdue().order_by("deadline", "pk")


def action_item_timelines(items) -> dict[int, list]:
    """The timeline (会议交办, 办结) of some action items, by their tracked item, in one query."""
    from guanjia.workflow.models import Event

    found: dict[int, list] = {}
    for event in Event.objects.filter(item__in=[i.item_id for i in items]).select_related("item", "actor"):
        found.setdefault(event.item_id, []).append(event)
    return found
