"""Reads of requests: the request tables, the timeline, unit tasks and the pending application.

我的待办 across every workflow is the kernel's (`guanjia.workflow.selectors.worklist`).
"""

from __future__ import annotations

from django.db.models import Exists, F, OuterRef, Q

from guanjia.core.choices import Role
from guanjia.requests.models import ExtensionApplication, Request, UnitTask
from guanjia.requests.workflow import UNIT_TASK
from guanjia.workflow import timeline as kernel_timeline
from guanjia.workflow.models import Attachment, Clock, TrackedItem


def with_next_due(queryset):
    """Annotate each request with its soonest running (not paused) deadline of its own (签收, 首次答复, 办结):
    its tracked item's. Its units' 办理时限 are their tasks' own (in the units' 我的待办, on the request's page)."""
    return queryset.annotate(next_due=F("item__due_at"))


# What the request tables (诉求列表, an enterprise's requests) show of each row: read as values, since
# making model instances of three tables' rows cost more than the page's SQL. The butler is shown by
# `User.label`.
TABLE_COLUMNS = ("pk", "number", "title", "urgency", "category", "status", "enterprise__name", "butler__name",
                 "butler__username", "next_due", "item__warn_at", "item__paused", "item__due_provisional")


def table_rows(queryset):
    """The rows of a request table as dicts of TABLE_COLUMNS; `queryset` is annotated `with_next_due`."""
    return queryset.values(*TABLE_COLUMNS)


def pending_extension(request: Request, user) -> ExtensionApplication | None:
    """The request's pending 延期申请 as `user` may see it (None: none, or not theirs to see)."""
    return (ExtensionApplication.objects.visible_to(user).pending().filter(request=request)
            .select_related("applicant", "unit").first())


def unit_tasks():
    """Unit tasks with their unit and `due_provisional`: whether the task's deadline was counted on the
    provisional calendar (its clock's flag, as a request's own `due_provisional` is its resolution clock's)."""
    return UnitTask.objects.select_related("unit").annotate(
        due_provisional=Exists(Clock.objects.filter(item=OuterRef("item"), provisional=True)))


def enterprise_only(user) -> bool:
    return user.has_role(Role.ENTERPRISE) and not (user.role_codes - {Role.ENTERPRISE})


def timeline(request: Request, user) -> list:
    """The request's events as `user` reads them (`disclosure.present`): all of them for the staff; for an
    enterprise contact what was done for it and by whom, without the internal back-and-forth."""
    from guanjia.requests import disclosure

    events = kernel_timeline.events_of(request.item_id, enterprise_view=enterprise_only(user))
    return disclosure.present(events, request, user)


def attachments(request: Request, user, pk: int | None = None) -> list[Attachment]:
    """The files of `request` (one the caller reached through `visible_to`) that `user` may open: all of them
    for the staff, for an enterprise contact those `disclosure` shows it; `pk` keeps the one asked for."""
    from guanjia.requests import disclosure

    files = Attachment.objects.filter(item=request.item_id).select_related("event")
    if pk is not None:
        files = files.filter(pk=pk)
    return [a for a in files if not enterprise_only(user) or disclosure.attachment_shown(a)]


def clocks(request: Request):
    """The deadlines a request's page shows: its own and its units' (each with the unit it is for). A meeting's
    action item on it is an item of its own, shown apart (and never to the enterprise)."""
    # The items' ids first, each term through its own index: as an OR across the join to the items, SQLite
    # read every clock of the zone (370 ms a page at 200 000 requests).
    items = TrackedItem.objects.filter(Q(pk=request.item_id) | Q(parent=request.item_id, kind=UNIT_TASK.kind))
    return (Clock.objects.filter(item__in=items.values("pk"), cancelled=False).select_related("item__unit")
            .order_by("due_at", "pk"))


PICKER_ROWS = 20


def raise_enterprise_choices(*, user, query: str, limit: int = PICKER_ROWS):
    """The enterprises a person may raise a request for whose name contains `query` or whose credit code
    starts with it, by name, at most `limit`: the raise form's picker (a zone has hundreds). Walked in the
    order of the (zone, name) index and stopped at `limit` rows; nothing for an empty query."""
    from guanjia.enterprises.filtersets import name_or_code
    from guanjia.enterprises.models import Enterprise

    query = (query or "").strip()
    if not query:
        return Enterprise.objects.none()
    return (Enterprise.objects.visible_to(user).active().filter(name_or_code(query)).order_by("name", "pk")
            .only("pk", "name", "uscc")[:limit])


def raise_enterprise_exact(*, user, text: str):
    """The one enterprise whose full name or credit code is `text` (the picker typed into without script)."""
    from guanjia.enterprises.models import Enterprise
    from guanjia.enterprises.validators import normalize_uscc

    text = (text or "").strip()
    if not text:
        return None
    found = list(Enterprise.objects.visible_to(user).active()
                 .filter(Q(name=text) | Q(uscc=normalize_uscc(text))).only("pk", "name")[:2])
    return found[0] if len(found) == 1 else None


RECENT_ROWS = 10


def recent_of(user, **lookups) -> dict:
    """An enterprise's or a project's requests (`enterprise=`, `project=`) as `user` may see them, for its page:
    the newest RECENT_ROWS as table rows, how many there are and how many are open. Two queries."""
    from django.db.models import Count

    from guanjia.requests.choices import OPEN_STATUSES

    requests = Request.objects.visible_to(user).filter(**lookups)
    counts = requests.order_by().aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=OPEN_STATUSES)))
    rows = list(table_rows(with_next_due(requests.order_by("-created_at", "-pk")))[:RECENT_ROWS]) if counts["total"] \
        else []
    return {"rows": rows, **counts}
