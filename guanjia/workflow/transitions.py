"""The transition helper: every move of every workflow, one short service function each.

    step = begin(REQUEST, actor=actor, obj=request, action=Action.ACCEPT, version=version)
    ...  # the domain's own changes to step.obj and its clocks
    step.finish("accepted_at", comment=comment)

`begin` locks the row, checks the actor's permission on it (403), the version the actor read
and the move against the workflow's table (409). `finish` sets the move's target status, saves
the row with a new version, brings its tracked item up to date (status, deadline, duties) and
writes the timeline row, all in the caller's transaction (services are `@transaction.atomic`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from guanjia.core.errors import Conflict
from guanjia.workflow import items, timeline
from guanjia.workflow.models import Event
from guanjia.workflow.registry import Workflow


def check_move(workflow: Workflow, *, status: str, action: str) -> None:
    """409 where the object's status does not allow the move."""
    sources = workflow.moves[action].sources
    if status not in sources:
        message = workflow.refused_message or _("当前为“%(status)s”，不能%(action)s。")
        raise Conflict(str(message) % {"status": workflow.status_label(status),
                                       "action": workflow.action_label(action)})


def check_permission(workflow: Workflow, *, actor, action: str, obj=None) -> None:
    """403 where the actor may not take the move (on this object, or at all when `obj` is None)."""
    permission = workflow.moves[action].permission
    if permission and not actor.has_perm(permission, obj):
        raise PermissionDenied(_("您不能执行“%(action)s”。") % {"action": workflow.action_label(action)})


class Step:
    """One move in progress on a locked row: what the timeline will say of it once finished."""

    def __init__(self, workflow: Workflow, obj, *, actor, action: str):
        self.workflow, self.obj, self.actor, self.action = workflow, obj, actor, action
        self.before = obj.status

    def finish(self, *fields: str, comment: str = "", internal: bool = False, unit=None, data: dict | None = None,
               attachments: Iterable = (), at: dt.datetime | None = None) -> Event:
        """Save the moved row (its status, a new version and `fields`), sync its item, write the timeline row."""
        obj, target = self.obj, self.workflow.moves[self.action].target
        if target is not None:
            obj.status = target
        save(obj, *fields, "status")
        items.sync(obj, at=at)
        return timeline.record(item_id=obj.item_id, actor=self.actor, action=self.action, from_status=self.before,
                               to_status=obj.status, comment=comment, internal=internal, unit=unit, data=data,
                               attachments=attachments, at=at)


def begin(workflow: Workflow, *, actor, obj, action: str, version: int | None = None, queryset=None) -> Step:
    """Lock `obj`'s row, then check the permission (403), the version read (409) and the move (409)."""
    queryset = queryset if queryset is not None else type(obj).objects.all()
    locked = queryset.select_for_update(of=("self",)).get(pk=obj.pk)
    check_permission(workflow, actor=actor, action=action, obj=locked)
    if version is not None and version != getattr(locked, "version", version):
        raise Conflict(str(workflow.stale_message or _("已被他人处理，请刷新后再试。")))
    check_move(workflow, status=locked.status, action=action)
    return Step(workflow, locked, actor=actor, action=action)


def save(obj, *fields: str) -> None:
    """Save the given fields of a domain row with a new version (and its change time, where it keeps one)."""
    names = set(fields)
    if hasattr(obj, "version"):
        obj.version += 1
        names.add("version")
    if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
        names.add("updated_at")
    obj.save(update_fields=sorted(names))
