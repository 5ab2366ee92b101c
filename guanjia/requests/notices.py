"""Who hears of what happens to a request: its timeline events' notices, its reminders, and the ask to rate.

The request's workflow spec (requests.workflow) hands these to the notifications app,
which writes and sends the notices; docs/notifications.md has the table. Words are kept as
messages (notifications.texts) so that each reader sees them in their own language.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_noop

from guanjia.core.choices import Role
from guanjia.core.text import listed
from guanjia.notifications import selectors
from guanjia.notifications.choices import Kind, ReminderKind
from guanjia.notifications.services import Notice, clip
from guanjia.notifications.texts import Text, label, plain, text
from guanjia.requests import disclosure
from guanjia.requests.choices import (
    OPEN_TASK_STATUSES,
    Action,
    Category,
    EscalationTarget,
    Rating,
    Source,
    Status,
    SuspendReason,
    UnitTaskRole,
    Urgency,
)
from guanjia.requests.models import Request, UnitTask
from guanjia.workflow import registry


def _owners(request) -> list:
    """Who answers for a request's handling: its butler; without one, the zone's admins (the service center)."""
    return [request.butler] if request.butler_id else selectors.people_with_role(request.zone_id, Role.ADMIN)


def _contacts(enterprise) -> list:
    return selectors.enterprise_contacts([enterprise.pk]).get(enterprise.pk, [])


def _open_task_handlers(request) -> list:
    """The handlers of the units still working on a request: their task is pending (待签收) or signed (办理中)."""
    units = UnitTask.objects.filter(request=request, status__in=OPEN_TASK_STATUSES).values_list("unit", flat=True)
    return selectors.unit_handlers(request.zone_id, list(units))


WITHDRAWN_BECAUSE = {
    Action.TRANSFER: gettext_noop("该诉求已改由其他单位办理，本单位的办理任务已撤回，无需继续办理。"),
    Action.REASSIGN: gettext_noop("该诉求已仲裁改派，本单位的办理任务已撤回，无需继续办理。"),
    Action.MERGE: gettext_noop("该诉求已并入另一条诉求，本单位的办理任务已撤回，无需继续办理。"),
}
WITHDRAWN_RESOLVED = gettext_noop("该诉求已办结，本单位的办理任务已撤回，无需继续办理。")


def event_notices(event) -> list[Notice]:
    """The notices one timeline event of a request gives rise to; see docs/notifications.md.

    The notifications app then keeps to each notice only people of the request's zone, never the
    one who acted, and no enterprise contact for an internal event.
    """
    request = (Request.objects.select_related("enterprise__workstation__head", "enterprise__contact_leader",
                                              "butler", "addressed_leader").get(item=event.item_id))
    enterprise = request.enterprise
    zone_id = request.zone_id
    name = f"{request.number} {request.title}"
    common = {"zone_id": zone_id, "link": request.get_absolute_url(), "item_id": event.item_id,
              "event_id": event.pk, "at": event.at}
    notices: list[Notice] = []
    action, data = event.action, event.data
    unit = event.unit.name if event.unit_id else ""

    def notice(kind: str, title: str, body: list[Text], recipients: list) -> None:
        notices.append(Notice(kind=kind, title=text(title, request=name), body=body, recipients=recipients,
                              **common))

    if action == Action.RAISE:
        body = [text("%(enterprise)s · %(category)s · %(urgency)s", enterprise=enterprise.name,
                     category=label(Category(request.category).label), urgency=label(Urgency(request.urgency).label)),
                plain(clip(request.description))]
        notice(Kind.NEW_REQUEST, gettext_noop("新诉求待签收：%(request)s"), body, _owners(request))
        if request.source == Source.LETTER and request.addressed_leader_id:
            notice(Kind.LETTER, gettext_noop("直通车来信：%(request)s"), body, [request.addressed_leader])
    elif action in (Action.TRANSFER, Action.REASSIGN):
        # A unit that keeps its task through a 改派 (signed, or answered) has nothing new to sign for.
        kept = set(data.get("kept_units") or ())
        unit_ids = [u for u in [data.get("lead_unit"), *data.get("co_units", [])] if u not in kept]
        body = [text(gettext_noop("%(enterprise)s 的诉求已转至本单位办理，请及时签收。"), enterprise=enterprise.name)]
        if event.comment:
            body.append(plain(clip(event.comment)))
        notice(Kind.TRANSFERRED, gettext_noop("转办待签收：%(request)s"), body, selectors.unit_handlers(zone_id, unit_ids))
        if action == Action.REASSIGN:
            arbitration_notices(event, request, unit, notice)
    elif action == Action.ESCALATE:
        target = data.get("target") or request.escalated_to
        if target == EscalationTarget.STATION_HEAD:
            head = enterprise.workstation.head if enterprise.workstation_id else None
            people = [head] if head is not None else selectors.people_with_role(zone_id, Role.LEADER)
        elif target == EscalationTarget.LEADER:
            leader = enterprise.contact_leader
            people = [leader] if leader is not None else selectors.people_with_role(zone_id, Role.LEADER)
        else:  # a joint meeting (会办) is convened by the service center
            people = selectors.people_with_role(zone_id, Role.ADMIN)
        target_label = label(EscalationTarget(target).label) if target in EscalationTarget.values else target
        notices.append(Notice(kind=Kind.ESCALATED, title=text(gettext_noop("诉求升级（%(target)s）：%(request)s"),
                                                              target=target_label, request=name),
                              body=[plain(enterprise.name), plain(clip(event.comment))], recipients=people, **common))
    elif action == Action.RETURN:
        # The center decides; the butler hears of every return (the lead unit's takes the request from the units).
        notice(Kind.RETURNED, gettext_noop("退单待仲裁：%(request)s"),
               [text(gettext_noop("%(unit)s 退回了该诉求：%(reason)s"), unit=unit, reason=clip(event.comment)),
                text(RETURN_ROLE.get(data.get("role"), RETURN_ROLE[UnitTaskRole.LEAD]))],
               [*selectors.people_with_role(zone_id, Role.ADMIN), *([request.butler] if request.butler_id else [])])
    elif action in ARBITRATION_TOLD:
        arbitration_notices(event, request, unit, notice)
    elif action == Action.FEEDBACK:
        notice(Kind.FEEDBACK, gettext_noop("部门已反馈：%(request)s"),
               [text(gettext_noop("%(unit)s 反馈：%(feedback)s"), unit=unit, feedback=clip(event.comment))], _owners(request))
    elif action == Action.EXTEND:
        # Units whose task is still open are told; a unit that has given its feedback has nothing left to do.
        # The applicant of an approved 延期申请 hears of it by the approval's own notice.
        applicant = data.get("applicant")
        people = [p for p in [*_owners(request), *_open_task_handlers(request)]
                  if p is not None and p.pk != applicant]
        notice(Kind.EXTENDED, gettext_noop("诉求延期：%(request)s"),
               [text(gettext_noop("该诉求的办结时限已延期 %(days)s 个工作日。延期理由：%(reason)s"), days=data.get("days", ""),
                     reason=clip(event.comment))], people)
    elif action == Action.APPLY_EXTENSION:
        # The approvers: the leader an escalation would reach (the contact leader, else the zone's
        # leaders), and the service center's admins.
        leader = enterprise.contact_leader
        leaders = [leader] if leader is not None else selectors.people_with_role(zone_id, Role.LEADER)
        who = str(event.actor) if event.actor_id else ""
        if unit:
            who = f"{who}（{unit}）"
        notice(Kind.EXTENSION_APPLIED, gettext_noop("延期申请待审批：%(request)s"),
               [text(gettext_noop("%(who)s 申请延期 %(days)s 个工作日。延期理由：%(reason)s"), who=who, days=data.get("days", ""),
                     reason=clip(event.comment))],
               [*leaders, *selectors.people_with_role(zone_id, Role.ADMIN)])
    elif action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        applicant = selectors.people_by_id([data.get("applicant")]).get(data.get("applicant"))
        days = data.get("days", "")
        if action == Action.APPROVE_EXTENSION:
            kind, title = Kind.EXTENSION_APPROVED, gettext_noop("延期申请已批准：%(request)s")
            body = [text(gettext_noop("您申请的 %(days)s 个工作日延期已批准，办结时限已延长。"), days=days)]
        else:
            kind, title = Kind.EXTENSION_DENIED, gettext_noop("延期申请已驳回：%(request)s")
            body = [text(gettext_noop("您申请的 %(days)s 个工作日延期未获批准，办结时限不变。"), days=days)]
        if event.comment:
            body.append(text(gettext_noop("审批意见：%(comment)s"), comment=clip(event.comment)))
        notice(kind, title, body, [applicant])
    elif action == Action.SUSPEND and data.get("reason") == SuspendReason.AWAITING_MATERIAL:
        # The enterprise must act: the request waits for it, its clocks stopped.
        notice(Kind.MATERIAL_NEEDED, gettext_noop("请补充材料：%(request)s"),
               [text(gettext_noop("办理您的诉求需要补充材料，诉求已暂停计时，请在诉求页面补充。")), plain(clip(event.comment))],
               _contacts(enterprise))
    elif action == Action.SUPPLY:
        body = [text(gettext_noop("%(enterprise)s 补充了材料：%(comment)s"), enterprise=enterprise.name,
                     comment=clip(event.comment) or label(gettext_noop("见附件。")))]
        if event.from_status == Status.SUSPENDED:
            body.append(text(gettext_noop("该诉求仍在中止中，请核对材料后恢复办理。")))
        notice(Kind.MATERIAL_SUPPLIED, gettext_noop("企业已补充材料：%(request)s"), body, _owners(request))
    elif action == Action.RESOLVE or (action == Action.REPLY and data.get("resolved")):
        notice(Kind.RATE_ASKED, gettext_noop("请评价办理结果：%(request)s"),
               [text(gettext_noop("您的诉求已办结：%(answer)s\n请对办理结果进行评价。"), answer=clip(request.answer))],
               _contacts(enterprise))
    elif (action == Action.RATE and data.get("rating") == Rating.UNSATISFIED) or action == Action.REOPEN:
        # 重办: whoever answers for the request takes it up again; the enterprise hears that it has.
        why = gettext_noop("企业评价不满意：%(reason)s") if action == Action.RATE else gettext_noop("重办理由：%(reason)s")
        notice(Kind.REOPENED, gettext_noop("诉求重办：%(request)s"),
               [plain(enterprise.name), text(why, reason=clip(event.comment))], _owners(request))
        notice(Kind.REOPENED, gettext_noop("诉求已重新办理：%(request)s"),
               [text(gettext_noop("您的诉求已重新交办，办理完成后将再次请您评价。"))], _contacts(enterprise))
    elif action == Action.INSTRUCT:
        # 领导批示: the butler (else the center) and the units it is addressed to, in their own language.
        people = _owners(request) if data.get("to_butler") else []
        people += selectors.unit_handlers(zone_id, list(data.get("to_units") or ()))
        leader = str(event.actor) if event.actor_id else ""
        notice(Kind.INSTRUCTED, gettext_noop("领导批示：%(request)s"),
               [text(gettext_noop("%(leader)s 批示：%(instruction)s"), leader=leader, instruction=clip(event.comment)),
                text(gettext_noop("请按批示要求办理，并及时反馈办理情况。"))], people)
    if not disclosure.event_shown(event):  # an event the enterprise does not see is not told to it either
        for each in notices:
            each.recipients = [p for p in each.recipients if p is not None and not p.enterprise_id]
    # The units whose task this event withdrew (撤回) stop work on it; a unit handed it again was told above.
    withdrawn = set(data.get("withdrawn_units") or ()) - {data.get("lead_unit"), *data.get("co_units", ())}
    if withdrawn:
        notice(Kind.WITHDRAWN, gettext_noop("任务已撤回：%(request)s"),
               [text(WITHDRAWN_BECAUSE.get(action, WITHDRAWN_RESOLVED))],
               selectors.unit_handlers(zone_id, sorted(withdrawn)))
    return notices


# -- arbitration of a 退单 (issue 14) ---------------------------------------------------------------------------------

RETURN_ROLE = {
    UnitTaskRole.LEAD: gettext_noop("牵头单位退单，诉求暂停在部门办理环节，待服务中心仲裁。"),
    UnitTaskRole.CO: gettext_noop("协办单位退单，牵头单位照常办理；该退单待服务中心仲裁。"),
}
ARBITRATION_TOLD = (Action.UPHOLD_RETURN, Action.DISMISS_RETURN)  # 仲裁改派: with its transfer's notices


def arbitration_notices(event, request, unit: str, notice) -> None:
    """The center's decision on a 退单: the returning unit is told it, and the request's butler (else the center's
    admins) hears of every decision. A 仲裁改派's new units are told by the transfer's own notice."""
    from guanjia.org.models import Unit

    data, comment = event.data, clip(event.comment)
    instruction = [text(gettext_noop("仲裁意见：%(comment)s"), comment=comment)] if comment else []
    if event.action == Action.UPHOLD_RETURN:
        to_unit = [text(gettext_noop("服务中心同意了本单位的退单，本单位的办理任务已解除，无需继续办理。"))]
        to_owner = [text(gettext_noop("服务中心同意了 %(unit)s 的退单。"), unit=unit)]
        if data.get("role") == UnitTaskRole.LEAD:
            to_owner.append(text(gettext_noop("该诉求已无牵头单位，已回到办理中，请重新转办或直接答复。")))
        units = [event.unit_id]
    elif event.action == Action.DISMISS_RETURN:
        to_unit = [text(gettext_noop("服务中心驳回了本单位的退单，请按原办理时限继续办理。"))]
        to_owner = [text(gettext_noop("服务中心驳回了 %(unit)s 的退单，该单位继续办理。"), unit=unit)]
        units = [event.unit_id]
    else:  # 仲裁改派
        units = list(data.get("arbitrated_units") or ())
        if not units:
            return
        named = [pk for pk in [data.get("lead_unit"), *data.get("co_units", [])] if pk]
        new = Unit.objects.in_bulk(named)
        to_unit = [text(gettext_noop("服务中心已将该诉求仲裁改派，本单位的退单已处理，无需继续办理。"))]
        to_owner = [text(gettext_noop("服务中心已仲裁改派，现由 %(units)s 办理。"),
                         units=listed(new[pk] for pk in named if pk in new))]
        instruction = []  # the 改派's note goes to the new units with their transfer
    title = gettext_noop("退单仲裁结果：%(request)s")
    notice(Kind.ARBITRATED, title, [*to_unit, *instruction],
           selectors.unit_handlers(request.zone_id, [u for u in units if u]))
    notice(Kind.ARBITRATED, title, [*to_owner, *instruction], _owners(request))


# -- reminders ------------------------------------------------------------------------------------------------------


def reminder_people(rows: list, people) -> dict[int, list]:
    """A request's own clocks (签收, 首次答复, 办结) are its butler's to keep, else the service center's."""
    found = {}
    for row in rows:
        butler = people.person(row.person_id)
        found[row.id] = [butler] if butler is not None else people.admins(row.zone_id)
    return found


def rate_reminders(run) -> None:
    """评价提醒: a resolved request not yet rated after 1 working day asks its enterprise's contacts to rate it."""
    from guanjia.notifications.reminders import chunks, item_name, local_start, working_days_back

    resolved_before = local_start(working_days_back(run.calendar, run.today, 1))
    queryset = (Request.objects.filter(status=Status.RESOLVED, rated_at__isnull=True,
                                       resolved_at__lt=resolved_before)
                .filter(run.unsent(ReminderKind.RATE, due_at="resolved_at"))
                .order_by("pk").values("pk", "item_id", "zone_id", "number", "title", "enterprise_id",
                                       "resolved_at"))
    for chunk in chunks(queryset.iterator()):
        contacts = selectors.enterprise_contacts({r["enterprise_id"] for r in chunk})
        items = []
        for r in chunk:
            link = registry.item_url({"kind": "request", "object_id": r["pk"], "parent__object_id": None})
            resolved = timezone.localtime(r["resolved_at"]).strftime("%Y-%m-%d")
            items.append(({"item_id": r["item_id"], "clock_id": None, "due_at": r["resolved_at"]}, Notice(
                zone_id=r["zone_id"], kind=Kind.RATE_REMINDER,
                title=text(gettext_noop("评价提醒：%(item)s"), item=item_name(r["number"], r["title"])),
                body=[text(gettext_noop("您的诉求已于 %(date)s 办结，请对办理结果进行评价。"), date=resolved)],
                recipients=contacts.get(r["enterprise_id"], []), link=link, item_id=r["item_id"])))
        run.commit(ReminderKind.RATE, items)
