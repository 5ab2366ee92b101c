"""Reminders (提醒 / 催办): the idempotent service behind the scheduled job and `guanjia send_reminders`.

Deadlines are data (the workflow kernel's Clock rows, of any kind of tracked item); this
service reads them and sends:

- due soon (临期): a running clock that has turned due soon (its `warn_at`, counted in working time);
- overdue (超期催办): a running clock past its deadline, at the first run in working hours after it;
- escalation (超期升级): a clock overdue for N working days (settings.GUANJIA_REMINDER_ESCALATE_AFTER_DAYS,
  default 3), to the enterprise's contact leader, else its workstation head, else the zone's leaders;
- whatever each workflow adds of its own (`Workflow.reminders`: requests ask an enterprise to rate).

Who is reminded of a clock is its workflow's to say (`Workflow.reminder_people`); by default the
item's responsible person and its unit's handlers, else the zone's admins. Each reminder is sent
once per deadline: a `ReminderSent` row (unique per clock or item, kind and due time) is written in
the same transaction as its notices, and the queries only fetch clocks without one, so running the
job twice sends nothing new. Outside working hours (09:00–18:00 in settings.TIME_ZONE on a working
day of the official calendar) it does nothing. The work is a fixed number of queries per chunk of
CHUNK rows, whatever the number of items.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict, namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guanjia.core.addresses import fixed_prefix
from guanjia.core.bulk import Rows
from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar
from guanjia.core.choices import Role
from guanjia.notifications import selectors
from guanjia.notifications.choices import REMINDER_NOTIFICATION_KIND, ReminderKind
from guanjia.notifications.models import ReminderSent
from guanjia.notifications.services import Fanout, Notice, send_after_commit
from guanjia.notifications.texts import Text, label, text
from guanjia.workflow import registry

logger = logging.getLogger("guanjia.notifications")

WORK_START = dt.time(9, 0)
WORK_END = dt.time(18, 0)
ESCALATE_AFTER_DAYS = 3
CHUNK = 1000

# The notice of each clock reminder (title, body), as messages shown in each reader's language.
# `subject`: the enterprise (else the item's title); `unit`: the unit a unit's deadline is for, and a space.
TEXTS = {
    ReminderKind.DUE_SOON: (gettext_noop("临期提醒：%(item)s"),
                            gettext_noop("%(subject)s：%(unit)s%(clock)s将于 %(due)s 到期，请抓紧办理。")),
    ReminderKind.OVERDUE: (gettext_noop("超期催办：%(item)s"),
                           gettext_noop("%(subject)s：%(unit)s%(clock)s已于 %(due)s 到期，请尽快办理并反馈。")),
    ReminderKind.ESCALATION: (
        gettext_noop("超期升级：%(item)s"),
        gettext_noop("%(subject)s：%(unit)s%(clock)s已超期 %(days)d 个工作日（%(due)s 到期），责任人：%(who)s。")),
}


def escalate_after_days() -> int:
    return int(getattr(settings, "GUANJIA_REMINDER_ESCALATE_AFTER_DAYS", ESCALATE_AFTER_DAYS))


@dataclass
class ReminderSummary:
    """What one run did: whether it ran (and why not), and how many reminders, notices and deliveries it made."""

    now: dt.datetime
    ran: bool = True
    reason: str = ""
    reminders: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ReminderKind.values, 0))
    notifications: int = 0
    deliveries: int = 0
    skipped_chunks: int = 0

    @property
    def total(self) -> int:
        return sum(self.reminders.values())


def chunks(iterable, size: int = CHUNK) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def working_days_back(calendar: WorkingCalendar, today: dt.date, n: int) -> dt.date:
    """The day on which a deadline that closed before it has run N working days over by today.

    A deadline due on day D is N working days overdue when the working days after D up to
    today number N or more, i.e. when D is before the N-th working day counted back from today.
    """
    day, counted = today, 0
    while True:
        if calendar.is_working_day(day):
            counted += 1
            if counted >= n:
                return day
        day -= dt.timedelta(days=1)


class _People:
    """Who is reminded: groups loaded once per run (one query each), single people once per chunk."""

    def __init__(self):
        self._admins = self._leaders = self._handlers = None
        self._people: dict[int, object] = {}

    def admins(self, zone_id: int) -> list:
        if self._admins is None:
            self._admins = selectors.people_by_zone(Role.ADMIN)
        return self._admins.get(zone_id, [])

    def leaders(self, zone_id: int) -> list:
        if self._leaders is None:
            self._leaders = selectors.people_by_zone(Role.LEADER)
        return self._leaders.get(zone_id, [])

    def handlers(self, unit_id: int) -> list:
        if self._handlers is None:
            self._handlers = selectors.handlers_by_unit()
        return self._handlers.get(unit_id, [])

    def load(self, ids: set) -> None:
        """Read the active people among `ids` not read yet (butlers, contact leaders, station heads): one query."""
        missing = {pk for pk in ids if pk and pk not in self._people}
        if missing:
            self._people.update(dict.fromkeys(missing))  # None: gone or inactive
            self._people.update(selectors.people_by_id(missing))

    def person(self, pk: int | None):
        return self._people.get(pk) if pk else None

    def responsible(self, row) -> list:
        """Who answers for an item by default: its responsible person and its unit's handlers, else the center."""
        found = [p for p in [self.person(row.person_id)] if p is not None]
        if row.unit_id:
            found += self.handlers(row.unit_id)
        return found or self.admins(row.zone_id)

    def leaders_for(self, row) -> list:
        """Who hears of an escalation: the enterprise's contact leader (联系领导), else the head of its
        workstation (站长), else every leader of the zone (the same order as an escalation by hand)."""
        for pk in (row.contact_leader_id, row.head_id):
            person = self.person(pk)
            if person is not None:
                return [person]
        return self.leaders(row.zone_id)


# What a reminder needs of a running clock, read as plain values: a backlog run reads hundreds of
# thousands of clocks, and model instances of each clock's item, enterprise, people and unit
# were most of its time.
CLOCK_VALUES = {
    "id": "pk", "item_id": "item_id", "kind": "kind", "due_at": "due_at", "item_kind": "item__kind",
    "object_id": "item__object_id", "parent_object_id": "item__parent__object_id", "zone_id": "item__zone_id",
    "number": "item__number", "title": "item__title", "person_id": "item__person_id", "unit_id": "item__unit_id",
    "unit": "item__unit__name", "enterprise": "item__enterprise__name",
    "contact_leader_id": "item__enterprise__contact_leader_id",
    "head_id": "item__enterprise__workstation__head_id",
}
Row = namedtuple("Row", CLOCK_VALUES)


def item_link(row) -> str:
    return registry.item_url({"kind": row.item_kind, "object_id": row.object_id,
                              "parent__object_id": row.parent_object_id})


def item_name(number: str, title: str) -> str:
    return f"{number} {title}".strip()


class Run:
    """One run of the job: what it has read once (people, the calendar) and what it has sent."""

    def __init__(self, *, now: dt.datetime, calendar: WorkingCalendar, summary: ReminderSummary):
        self.now, self.calendar, self.summary = now, calendar, summary
        self.today = timezone.localtime(now).date()
        self.people = _People()
        self.fanout = Fanout(now=now)
        self._overdue_days: dict[dt.date, int] = {}
        self._due_texts: dict[dt.datetime, str] = {}
        self._clock_labels: dict[tuple[str, str], dict] = {}

    def clock_label(self, item_kind: str, kind: str) -> dict:
        """A clock's name as a `label` (the reader's language), once per kind of item and clock."""
        found = self._clock_labels.get((item_kind, kind))
        if found is None:
            found = self._clock_labels[item_kind, kind] = label(registry.get(item_kind).clock_label(kind))
        return found

    def overdue_days(self, due_at: dt.datetime) -> int:
        """Working days a deadline is over by today; one count per due date, however many clocks share it."""
        due = timezone.localtime(due_at).date()
        if due not in self._overdue_days:
            self._overdue_days[due] = self.calendar.working_days_between(due, self.today)
        return self._overdue_days[due]

    def due_text(self, due_at: dt.datetime) -> str:
        text_ = self._due_texts.get(due_at)
        if text_ is None:
            text_ = self._due_texts[due_at] = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
        return text_

    # -- texts ----------------------------------------------------------------------------------------------------

    def clock_notice(self, kind: str, row, responsible: list, escalated_to: list = ()) -> Notice:
        """The notice of one clock's reminder, from its row of CLOCK_VALUES: to the responsible, or (an
        escalation) to `escalated_to`, naming the responsible."""
        title, body = TEXTS[kind]
        values = {"subject": row.enterprise or row.title, "unit": f"{row.unit} " if row.unit else "",
                  "clock": self.clock_label(row.item_kind, row.kind), "due": self.due_text(row.due_at)}
        if kind == ReminderKind.ESCALATION:
            values.update(days=self.overdue_days(row.due_at),
                          who="、".join(str(p) for p in responsible) or label(gettext_noop("未指定")))
            recipients = list(escalated_to)
        else:
            recipients = responsible
        return Notice(zone_id=row.zone_id, kind=REMINDER_NOTIFICATION_KIND[kind],
                      title=text(title, item=item_name(row.number, row.title)), body=[Text(body, values)],
                      recipients=recipients, link=item_link(row), item_id=row.item_id)

    # -- the work -------------------------------------------------------------------------------------------------

    def commit(self, kind: str, items: list[tuple[dict, Notice]]) -> None:
        """Write one chunk's keys, notices and deliveries together; a key already taken skips the chunk.

        The rows are written by `Rows` (COPY on PostgreSQL): a backlog makes hundreds of
        thousands of notices, and `bulk_create` spent most of the run compiling their values.
        """
        keys = Rows(ReminderSent)
        for values, _notice in items:
            keys.new(kind=kind, sent_at=self.now, **values)
        try:
            with transaction.atomic():
                keys.write()
                planned = self.fanout.plan(notice for _key, notice in items)
                self.fanout.save(planned)
                send_after_commit(planned.delivery_ids())
        except IntegrityError:
            # Another run (the command beside the scheduled job) took some of these keys
            # meanwhile; what it did not send is found again by the next run.
            logger.warning("reminders: a concurrent run sent some %s reminders; chunk skipped", kind)
            self.summary.skipped_chunks += 1
            return
        self.summary.reminders[kind] += len(items)
        self.summary.notifications += len(planned.notifications)
        self.summary.deliveries += len(planned.deliveries)

    def running_clocks(self, kind: str):
        from guanjia.workflow.models import Clock

        sent = ReminderSent.objects.filter(kind=kind, clock=OuterRef("pk"), due_at=OuterRef("due_at"))
        # Only kinds a workflow still handles: rows left by an app since removed have nobody to remind.
        kinds = [workflow.kind for workflow in registry.registered()]
        return (Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, cancelled=False,
                                     item__is_open=True, item__kind__in=kinds)
                .filter(~Exists(sent))
                .order_by("pk"))

    def responsible(self, rows: list) -> dict[int, list]:
        """Who must act on each clock of a chunk (by clock id), as each item's workflow says."""
        return self._by_workflow(rows, "reminder_people", self.people.responsible)

    def escalated_to(self, rows: list) -> dict[int, list]:
        """Who hears of each clock's escalation (by clock id), as each item's workflow says."""
        return self._by_workflow(rows, "escalation_people", self.people.leaders_for)

    def _by_workflow(self, rows: list, hook_name: str, default) -> dict[int, list]:
        by_kind = defaultdict(list)
        for row in rows:
            by_kind[row.item_kind].append(row)
        found: dict[int, list] = {}
        for item_kind, group in by_kind.items():
            hook = getattr(registry.get(item_kind), hook_name)
            if hook is not None:
                found.update(hook(group, self.people))
            else:
                found.update({row.id: default(row) for row in group})
        return found

    def clocks(self, kind: str, queryset) -> None:
        rows = queryset.values_list(*CLOCK_VALUES.values())
        for chunk in chunks(rows.iterator(chunk_size=CHUNK)):
            chunk = [Row._make(values) for values in chunk]
            self.people.load({pk for row in chunk for pk in (row.person_id, row.contact_leader_id, row.head_id)})
            responsible = self.responsible(chunk)
            escalated_to = self.escalated_to(chunk) if kind == ReminderKind.ESCALATION else {}
            items = [({"item_id": row.item_id, "clock_id": row.id, "due_at": row.due_at},
                      self.clock_notice(kind, row, responsible.get(row.id, []),
                                        escalated_to.get(row.id, []))) for row in chunk]
            self.commit(kind, items)

    def unsent(self, kind: str, *, due_at: str = "due_at"):
        """`~Exists` of the reminders of `kind` already sent for the outer row's item (its `item` field) and
        due time (its field `due_at`): a workflow's own reminders filter their rows with it."""
        return ~Exists(ReminderSent.objects.filter(kind=kind, clock__isnull=True, item=OuterRef("item"),
                                                   due_at=OuterRef(due_at)))


def in_working_hours(now: dt.datetime, calendar: WorkingCalendar) -> tuple[bool, str]:
    """Whether reminders may go out now: a working day of the official calendar, 09:00–18:00 local time."""
    local = timezone.localtime(now)
    try:
        working = calendar.is_working_day(local.date())
    except CalendarUnavailable as error:
        return False, error.message
    if not working:
        return False, _("非工作日")
    if not WORK_START <= local.time() < WORK_END:
        return False, _("非工作时间（%(start)s–%(end)s）") % {"start": WORK_START.strftime("%H:%M"),
                                                        "end": WORK_END.strftime("%H:%M")}
    return True, ""


def reminders_run(*, now: dt.datetime | None = None) -> ReminderSummary:
    """Send every reminder that is due now and was not sent before (idempotent; see the module docstring)."""
    now = now or timezone.now()
    summary = ReminderSummary(now=now)
    calendar = WorkingCalendar.load()
    with translation.override(settings.LANGUAGE_CODE), fixed_prefix():
        ok, reason = in_working_hours(now, calendar)
        if not ok:
            summary.ran, summary.reason = False, reason
            return summary
        run = Run(now=now, calendar=calendar, summary=summary)
        try:
            escalate_from = working_days_back(calendar, run.today, escalate_after_days())
        except CalendarUnavailable as error:
            summary.ran, summary.reason = False, error.message
            return summary
        run.clocks(ReminderKind.DUE_SOON,
                   run.running_clocks(ReminderKind.DUE_SOON).filter(due_at__gt=now, warn_at__lte=now))
        run.clocks(ReminderKind.OVERDUE, run.running_clocks(ReminderKind.OVERDUE).filter(due_at__lt=now))
        run.clocks(ReminderKind.ESCALATION,
                   run.running_clocks(ReminderKind.ESCALATION).filter(due_at__lt=local_start(escalate_from)))
        for workflow in registry.registered():
            if workflow.reminders is not None:
                workflow.reminders(run)
    logger.info("reminders at %s: %s, %d notices, %d deliveries", now, summary.reminders, summary.notifications,
                summary.deliveries)
    return summary
