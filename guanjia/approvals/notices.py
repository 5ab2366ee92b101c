"""Who hears of what happens to a handbook item (代办事项): its timeline's notices and its clocks' reminders.

The item's workflow spec (approvals.workflow) hands these to the notifications app, which keeps to
each notice people of the item's zone, never the one who acted, and no enterprise contact for an
internal event. The notice kinds are the notifications app's existing ones (补正 is 请补充材料, material
in is 企业补充材料, the authority has it is 转办待签收, an outcome is 部门反馈).
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from guanjia.approvals.choices import Action, Clock
from guanjia.notifications import selectors
from guanjia.notifications.choices import Kind
from guanjia.notifications.services import Notice, clip
from guanjia.notifications.texts import label, plain, text


def _owners(approval) -> list:
    """The item's proxy agent and the project's butler (who answers for the 代办)."""
    found = []
    for person in (approval.agent, approval.project.butler):
        if person is not None and person not in found:
            found.append(person)
    return found


def event_notices(event) -> list[Notice]:
    from guanjia.approvals.models import Approval
    from guanjia.approvals.workflow import APPROVAL

    approval = (Approval.objects.select_related("project__butler", "project__enterprise", "agent", "unit")
                .get(item=event.item_id))
    project = approval.project
    common = {"zone_id": approval.zone_id, "link": approval.get_absolute_url(), "item_id": event.item_id,
              "event_id": event.pk, "at": event.at}
    name = f"{project.name} · {approval.name}"
    action = event.action
    owners = _owners(approval)
    unit = selectors.unit_handlers(approval.zone_id, [approval.unit_id])

    def enterprise() -> list:
        return selectors.enterprise_contacts([project.enterprise_id]).get(project.enterprise_id, [])

    def notice(kind: str, title: str, recipients: list, *body) -> Notice:
        lines = [text(gettext_noop("%(action)s：%(status)s"), action=label(APPROVAL.action_label(action)),
                      status=label(APPROVAL.status_label(approval.status)))]
        lines += [plain(clip(line)) for line in body if line]
        return Notice(kind=kind, title=text(title, item=name), body=lines, recipients=recipients, **common)

    if action == Action.ACCEPT:
        return [notice(Kind.TRANSFERRED, gettext_noop("代办事项已受理，请按时审批：%(item)s"), unit + owners,
                       event.comment)]
    if action == Action.ACCEPT_WITH_GAP:
        gap = f"{approval.gap}（{approval.gap_commit_by:%Y-%m-%d}）" if approval.gap_commit_by else approval.gap
        return [notice(Kind.TRANSFERRED, gettext_noop("代办事项已容缺受理，请按时审批：%(item)s"), unit + owners, gap),
                notice(Kind.MATERIAL_NEEDED, gettext_noop("容缺受理，请按承诺补齐材料：%(item)s"), enterprise(), gap)]
    if action == Action.REQUEST_CORRECTION:
        return [notice(Kind.MATERIAL_NEEDED, gettext_noop("代办事项需补正材料：%(item)s"), owners + enterprise(),
                       event.comment)]
    if action in (Action.RESUBMIT, Action.MAKE_GOOD, Action.SUPPLY):
        return [notice(Kind.MATERIAL_SUPPLIED, gettext_noop("代办事项材料已提交：%(item)s"), unit + owners,
                       event.comment)]
    if action in (Action.APPROVE, Action.REFUSE):
        outcome = approval.document_number if action == Action.APPROVE else approval.outcome_reason
        return [notice(Kind.FEEDBACK, gettext_noop("代办事项办理结果：%(item)s"), owners + enterprise(), outcome)]
    if action in (Action.PREPARE, Action.REVIEW, Action.NOT_APPLICABLE):
        return [notice(Kind.FEEDBACK, gettext_noop("代办事项进展：%(item)s"), owners, event.comment)]
    return []


def reminder_people(rows: list, people) -> dict:
    """A limit (承诺 / 法定时限): the authority's handlers and the agent (else the butler); the plan's date: the
    agent; a 容缺 gap not made good: the agent and the enterprise's contacts, who owe the material."""
    from guanjia.approvals.models import Approval

    rows_by_item = {row.item_id for row in rows}
    facts = {item: (enterprise, butler) for item, enterprise, butler in Approval.objects.filter(
        item__in=rows_by_item).values_list("item", "project__enterprise", "project__butler")}
    people.load({butler for _enterprise, butler in facts.values()})
    gap_enterprises = {facts[row.item_id][0] for row in rows if row.kind == Clock.GAP and row.item_id in facts}
    contacts = selectors.enterprise_contacts(gap_enterprises) if gap_enterprises else {}
    found = {}
    for row in rows:
        enterprise_id, butler_id = facts.get(row.item_id, (None, None))
        agent = [p for p in [people.person(row.person_id)] if p is not None]
        butler = people.person(butler_id)
        if butler is not None and butler not in agent:
            agent.append(butler)
        if row.kind in (Clock.COMMITTED, Clock.STATUTORY):
            found[row.id] = [*(people.handlers(row.unit_id) if row.unit_id else []), *agent]
        elif row.kind == Clock.GAP:
            found[row.id] = [*agent, *contacts.get(enterprise_id, [])]
        else:
            found[row.id] = agent
        found[row.id] = found[row.id] or people.admins(row.zone_id)
    return found


def escalation_people(rows: list, people) -> dict:
    """The project's contact leader (联系领导), who follows the project's 代办; else as a request escalates."""
    from guanjia.approvals.models import Approval

    leaders = dict(Approval.objects.filter(item__in={row.item_id for row in rows})
                   .values_list("item", "project__contact_leader"))
    people.load(set(leaders.values()))
    found = {}
    for row in rows:
        leader = people.person(leaders.get(row.item_id))
        found[row.id] = [leader] if leader is not None else people.leaders_for(row)
    return found
