"""What an enterprise's contacts see of their request's timeline (办理过程): ONE table and the function that
applies it, for the request's page, the timeline API, the attachments and the notices.

The staff see every event as it was written. An enterprise contact sees what was done for the enterprise and
by whom, never the units' and the center's back-and-forth:

- an event of an action the table hides (退单 and the center's decision on it, the deliberation on an
  extension) is not there at all, nor
  is an internal row (a note not marked 企业可见);
- an event's comment, files and data only where the table says they are addressed to the enterprise (its own
  words, the answer, why its request is suspended, a note marked 企业可见);
- who acted: the enterprise's own people and the request's (or the enterprise's) butler by name, a unit by
  the unit's name, anybody else (a unit's handler without a unit, the center's admins, a leader) as 服务中心;
- statuses the enterprise is not told of in the words it reads: 退单待仲裁 reads 已转办 (its request is still
  with the units as far as it is concerned), and 仲裁改派 reads 转办 to the new units.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from guanjia.core.text import listed
from guanjia.org.models import Unit
from guanjia.requests.choices import Action, Status
from guanjia.requests.selectors import enterprise_only


@dataclass(frozen=True)
class Shown:
    """How an event of one action shows to an enterprise contact: `comment` whether its comment and files are
    addressed to the enterprise; `as_action` the action it reads as (None: itself)."""

    comment: bool = False
    as_action: str | None = None


HIDDEN = None

# THE table: every action of the request's timeline (choices.Action), and what an enterprise contact sees of it.
ENTERPRISE_SEES: dict[str, Shown | None] = {
    Action.RAISE: Shown(comment=True),  # what the enterprise (or its butler for it) asked
    Action.ACCEPT: Shown(),
    Action.REPLY: Shown(comment=True),  # the answer
    Action.TRANSFER: Shown(),  # 转办 to the units named (their names, never their handlers')
    Action.SIGN: Shown(),  # by the unit
    Action.FEEDBACK: Shown(),  # the unit's report is for the butler, who answers the enterprise
    Action.RETURN: HIDDEN,  # the units' dispute with the center
    Action.REASSIGN: Shown(as_action=Action.TRANSFER),  # the arbitration's outcome, not its note
    Action.EXTEND: Shown(),
    Action.SUSPEND: Shown(comment=True),  # why its request waits (often for its own material)
    Action.RESUME: Shown(),
    Action.ESCALATE: Shown(),
    Action.RESOLVE: Shown(comment=True),  # the answer
    Action.RATE: Shown(comment=True),  # its own words
    Action.REOPEN: Shown(),
    Action.CLOSE: Shown(),
    Action.MERGE: Shown(),
    Action.NOTE: Shown(comment=True),  # only a note marked 企业可见: the others are internal rows
    Action.SUPPLY: Shown(comment=True),  # its own material
    Action.APPLY_EXTENSION: HIDDEN,
    Action.APPROVE_EXTENSION: HIDDEN,
    Action.DENY_EXTENSION: HIDDEN,
    # -- arbitration of a 退单 (issue 14): the units' dispute with the center, and its settling --
    Action.UPHOLD_RETURN: HIDDEN,
    Action.DISMISS_RETURN: HIDDEN,
    # A leader's 批示: that its request got a leader's attention, never what was instructed nor by whom (who acted
    # reads 服务中心: a leader is never named to it).
    Action.INSTRUCT: Shown(),
}
# The statuses as an enterprise contact reads them (the others as they are).
ENTERPRISE_STATUS = {Status.RETURNED: Status.TRANSFERRED}
CENTER = _("服务中心")


def shown_status(status: str, user) -> str:
    """A request's status as `user` reads it."""
    return ENTERPRISE_STATUS.get(status, status) if status and enterprise_only(user) else status


def event_shown(event) -> bool:
    """Whether an enterprise contact sees the event at all."""
    return not event.internal and ENTERPRISE_SEES.get(event.action, HIDDEN) is not HIDDEN


def comment_shown(event) -> bool:
    """Whether an enterprise contact reads the event's comment and opens its files."""
    shown = ENTERPRISE_SEES.get(event.action, HIDDEN) if not event.internal else HIDDEN
    return shown is not HIDDEN and shown.comment


def attachment_shown(attachment) -> bool:
    """Whether an enterprise contact may open a file of the request: not internal, and, where it came with an
    event, one whose comment it reads."""
    if attachment.internal:
        return False
    return attachment.event_id is None or comment_shown(attachment.event)


def _named(actor, request) -> bool:
    """People an enterprise contact may read by name: its own, and its butler (the request's or the enterprise's)."""
    return actor.enterprise_id == request.enterprise_id or actor.pk in (request.butler_id,
                                                                         request.enterprise.butler_id)


def _details(data: dict, units: dict) -> list[str]:
    """What an event's data says beyond its comment, for the staff: a 延期's working days and the units whose
    deadlines moved with it, the units a 批示 was sent to."""
    from django.utils.translation import ngettext

    details = []
    if data.get("days"):
        details.append(ngettext("延长 %(n)s 个工作日", "延长 %(n)s 个工作日", data["days"]) % {"n": data["days"]})
    if "moved_units" in data:
        moved = [str(units[pk]) for pk in data["moved_units"] if pk in units]
        details.append(_("随同顺延：%(units)s") % {"units": listed(moved)} if moved else _("各单位时限未调整"))
    if data.get("to_butler") or data.get("to_units"):
        told = ([str(_("责任管家"))] if data.get("to_butler") else []) + [
            str(units[pk]) for pk in data.get("to_units", ()) if pk in units]
        details.append(_("批示致：%(whom)s") % {"whom": listed(told)})
    return details


def present(events, request, user) -> list:
    """The request's events as `user` reads them, each with `by` (who acted, in words), `handed_to` (the units a
    转办 or 改派 gave it to) and `files`. For an enterprise contact, the table above is applied: the events are
    copies with what it may not read taken out (never saved)."""
    events = list(events)
    unit_ids = {pk for e in events for pk in [e.data.get("lead_unit"), *e.data.get("co_units", ()),
                                               *e.data.get("moved_units", ()), *e.data.get("to_units", ())] if pk}
    units = Unit.objects.in_bulk(unit_ids) if unit_ids else {}
    shown = []
    for event in events:
        lead, co = units.get(event.data.get("lead_unit")), [units[u] for u in event.data.get("co_units", ()) if u in units]
        event.handed_to = listed(u for u in [lead, *co] if u is not None)
        event.files = list(event.attachments.all())
        if not enterprise_only(user):
            event.by = str(event.actor) if event.actor_id else None
            event.details = _details(event.data, units)
            shown.append(event)
            continue
        if not event_shown(event):
            continue
        rule = ENTERPRISE_SEES[event.action]
        if event.actor_id and _named(event.actor, request):
            event.by = str(event.actor)
        else:
            event.actor, event.by = None, str(event.unit or CENTER)
        if not rule.comment:
            event.comment, event.files = "", []
        event.files = [a for a in event.files if not a.internal]
        event.action = rule.as_action or event.action
        event.from_status = ENTERPRISE_STATUS.get(event.from_status, event.from_status)
        event.to_status = ENTERPRISE_STATUS.get(event.to_status, event.to_status)
        event.data = {}
        shown.append(event)
    return shown
