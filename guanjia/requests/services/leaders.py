"""The leader's hand (领导批示): a leader's instruction on a request, to its butler and/or the units handling it.

A leader also transfers (转办), settles (办结) and convenes a joint meeting on a request: those are the
existing services (`request_transfer`, `request_resolve`, `meetings.services.meeting_create`), which the
leader role may now call (requests/rules.py). Only the 批示 itself is a move of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.core.clock import now as service_now
from guanjia.core.text import listed
from guanjia.requests.choices import OPEN_TASK_STATUSES, Action, Status, UnitTaskStatus
from guanjia.requests.models import Request
from guanjia.requests.services.common import begin, texts_limited
from guanjia.workflow.models import Event

# Where an escalated request may have come from (choices.MOVES: 升级's sources).
HOLDERS = frozenset({Status.ACCEPTED, Status.TRANSFERRED, Status.IN_UNITS, Status.RETURNED})


def holder_status(request: Request) -> str:
    """The status an escalated request goes back to: the one it had when it was escalated (the timeline's
    last 升级 says so; the units cannot move their tasks while it is escalated). A request escalated before
    the timeline said so is read from its units' tasks: with the units while one of them is still working on
    it (办理中 once one has signed for it, else 已转办), else with its butler."""
    before = (Event.objects.filter(item=request.item_id, action=Action.ESCALATE).order_by("-at", "-pk")
              .values_list("from_status", flat=True).first())
    if before in HOLDERS:
        return before
    statuses = {t.status for t in request.unit_tasks.all()}
    if statuses & {UnitTaskStatus.SIGNED, UnitTaskStatus.DONE}:
        return Status.IN_UNITS
    return Status.TRANSFERRED if UnitTaskStatus.PENDING in statuses else Status.ACCEPTED


def _addressees(request: Request, to_butler: bool, to_units: Iterable) -> tuple[bool, list[int]]:
    """Whom the 批示 is for: the butler and/or units working on the request; neither named: all of them."""
    working = {t.unit_id: t.unit for t in request.unit_tasks.select_related("unit").filter(
        status__in=OPEN_TASK_STATUSES)}
    chosen = [getattr(u, "pk", u) for u in to_units if u is not None]
    strangers = [pk for pk in chosen if pk not in working]
    if strangers:
        if not working:
            raise ValidationError({"to_units": _("该诉求目前没有承办单位在办理，批示请致责任管家；需要单位办理的，请转办。")})
        raise ValidationError({"to_units": _("只能批示给正在办理该诉求的单位（%(units)s）。") % {
            "units": listed(str(u) for u in working.values())}})
    if not to_butler and not chosen:
        return True, sorted(working)
    return bool(to_butler), sorted(set(chosen))


@texts_limited
@transaction.atomic
def request_instruct(*, actor, request: Request, comment: str, to_butler: bool = False, to_units: Iterable = (),
                     version: int | None = None) -> Request:
    """批示: a leader's instruction, addressed to the request's butler and/or units working on it (`to_units`;
    naming neither addresses them all). It is counted on the request and shown on top of it. An escalated
    request goes back to whoever held it before (the butler: 办理中; the units: 已转办 / 办理中; the center: 退单待
    仲裁) with the instruction; its clocks ran on through the escalation and run on. Any other open request
    stays where it is."""
    if not (comment or "").strip():
        raise ValidationError({"comment": _("请填写批示内容。")})
    step = begin(actor=actor, request=request, action=Action.INSTRUCT, version=version)
    request, now = step.obj, service_now()
    to_butler, unit_ids = _addressees(request, to_butler, to_units)
    fields = ["instruction_count", "instruction", "instructed_by", "instructed_at"]
    if request.status == Status.ESCALATED:
        request.status = holder_status(request)
    elif request.status == Status.SUSPENDED and request.status_before_suspend == Status.ESCALATED:
        # Resumed, it goes to those the leader instructed, not back up to the leaders.
        request.status_before_suspend = holder_status(request)
        fields.append("status_before_suspend")
    request.instruction_count += 1
    request.instruction, request.instructed_by, request.instructed_at = comment.strip(), actor, now
    step.finish(*fields, comment=comment, at=now, data={"to_butler": to_butler, "to_units": unit_ids})
    return request
