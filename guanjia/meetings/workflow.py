"""How a meeting's action items (督办事项) plug into the workflow kernel: the worked example of
docs/architecture.md.

An action item is a tracked item: its deadline is a kernel clock (working days from the
meeting, or a date), its timeline says who assigned it and who completed it, it waits in its
owner unit's 我的待办 (and its owner person's), and the reminder job reminds the owner unit,
the owner person and the meeting's convener when it is due soon or overdue; long overdue, it
goes up to the leaders who took part in the meeting that decided it. Registered in
MeetingsConfig.ready().
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from guanjia.core.addresses import object_address
from guanjia.meetings.choices import ITEM_COLOURS, ITEM_MOVES, ItemAction, ItemClock, ItemStatus
from guanjia.workflow import parties, registry
from guanjia.workflow.registry import Description, Workflow


def describe(item) -> Description:
    is_open = item.status == ItemStatus.OPEN
    duties = []
    if is_open:
        duties.append((parties.unit(item.owner_unit_id), True))
        if item.owner_person_id:
            duties.append((parties.staff(item.owner_person_id), True))
    request, project = item.request, item.project
    enterprise_id = (request.enterprise_id if request is not None
                     else project.enterprise_id if project is not None else None)
    return Description(
        zone_id=item.meeting.zone_id, status=item.status, is_open=is_open, title=item.text.splitlines()[0] if item.text else "",
        number=request.number if request is not None else "", enterprise_id=enterprise_id,
        project_id=item.project_id, person_id=item.owner_person_id, unit_id=item.owner_unit_id,
        parent_id=request.item_id if request is not None else None, duties=tuple(duties))


def _url(row: dict) -> str:
    return object_address("meetings:action-item")(row["object_id"])


def _notices(event) -> list:
    """会议交办: the owner unit's handlers and the owner person hear of a decision that makes them responsible;
    办结: the meeting's convener hears that it is done."""
    from guanjia.meetings.models import ActionItem
    from guanjia.notifications import selectors
    from guanjia.notifications.choices import Kind
    from guanjia.notifications.services import Notice, clip
    from guanjia.notifications.texts import plain, text

    item = (ActionItem.objects.select_related("meeting__convener", "owner_person", "owner_unit")
            .get(item=event.item_id))
    meeting = item.meeting
    common = {"zone_id": meeting.zone_id, "link": item.get_absolute_url(), "item_id": event.item_id,
              "event_id": event.pk, "at": event.at}
    what = clip(item.text, 80)
    if event.action == ItemAction.ADD:
        people = selectors.unit_handlers(meeting.zone_id, [item.owner_unit_id])
        if item.owner_person_id:
            people.append(item.owner_person)
        return [Notice(kind=Kind.ACTION_ASSIGNED, title=text(gettext_noop("会议交办事项：%(item)s"), item=what),
                       body=[text(gettext_noop("%(meeting)s交办%(unit)s办理，完成时限 %(due)s。"), meeting=meeting.title,
                                  unit=item.owner_unit.name, due=f"{item.deadline:%Y-%m-%d}"),
                             plain(clip(item.text))],
                       recipients=people, **common)]
    if event.action == ItemAction.COMPLETE:
        return [Notice(kind=Kind.ACTION_DONE, title=text(gettext_noop("督办事项已完成：%(item)s"), item=what),
                       body=[text(gettext_noop("%(unit)s 完成了“%(meeting)s”交办的事项：%(result)s"), unit=item.owner_unit.name,
                                  meeting=meeting.title, result=clip(item.result))],
                       recipients=[meeting.convener], **common)]
    return []


def _reminder_people(rows: list, people) -> dict:
    """Its owner unit's handlers and owner person (the item's), and the meeting's convener, who follows it up."""
    from guanjia.meetings.models import ActionItem

    conveners = dict(ActionItem.objects.filter(item__in=[row.item_id for row in rows])
                     .values_list("item", "meeting__convener"))
    people.load(set(conveners.values()))
    found = {}
    for row in rows:
        responsible = people.responsible(row)
        convener = people.person(conveners.get(row.item_id))
        found[row.id] = [*responsible, convener] if convener is not None else responsible
    return found


def _escalation_people(rows: list, people) -> dict:
    """The leaders who attended the meeting that decided it (the decision is theirs to follow up); a meeting
    without one escalates as a request does (the enterprise's contact leader or station head, else the zone's
    leaders)."""
    from guanjia.core.choices import Role
    from guanjia.meetings.models import ActionItem, Meeting

    meetings = dict(ActionItem.objects.filter(item__in=[row.item_id for row in rows]).values_list("item", "meeting"))
    leaders: dict[int, list[int]] = {}
    for meeting, user in (Meeting.attendees.through.objects
                          .filter(meeting__in=set(meetings.values()), user__roles=Role.LEADER, user__is_active=True)
                          .order_by("user").values_list("meeting", "user")):
        leaders.setdefault(meeting, []).append(user)
    people.load({user for users in leaders.values() for user in users})
    found = {}
    for row in rows:
        attending = [p for p in map(people.person, leaders.get(meetings.get(row.item_id), [])) if p is not None]
        found[row.id] = attending or people.leaders_for(row)
    return found


def _deadlines_moved(item_ids: list[int]) -> None:
    from guanjia.meetings.services import mirror_deadlines

    mirror_deadlines(item_ids)


ACTION_ITEM = Workflow(
    kind="action_item", label=_("督办事项"), model="meetings.ActionItem", statuses=ItemStatus,
    open_statuses=frozenset({ItemStatus.OPEN}), moves=ITEM_MOVES, actions=ItemAction, clock_kinds=ItemClock,
    status_colours={ItemStatus.OPEN: ITEM_COLOURS["open"], ItemStatus.DONE: ITEM_COLOURS["done"]},
    describe=describe, url=_url, notices=_notices, reminder_people=_reminder_people,
    escalation_people=_escalation_people,
    deadlines_moved=_deadlines_moved, refused_message=_("督办事项当前为“%(status)s”，不能%(action)s。"),
)


def register() -> None:
    registry.register(ACTION_ITEM)
