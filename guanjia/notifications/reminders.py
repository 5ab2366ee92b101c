"""Reminders (提醒 / 催办): the idempotent service behind the scheduled job and `guanjia send_reminders`.

Deadlines are data (the requests' Clock rows); this service reads them and sends:

- due soon (临期): a running clock due by the end of the next working day;
- overdue (超期催办): a running clock past its deadline, at the first run in working hours after it;
- escalation (超期升级): a clock overdue for N working days (settings.GUANJIA_REMINDER_ESCALATE_AFTER_DAYS,
  default 3), to the enterprise's contact leader, else its workstation head, else the zone's leaders;
- rate (评价提醒): a resolved request not yet rated after 1 working day, to the enterprise's contacts.

Each reminder is sent once per deadline: a `ReminderSent` row (unique per clock or request,
kind and due time) is written in the same transaction as its notices, and the queries only
fetch clocks without one, so running the job twice sends nothing new. Outside working hours
(09:00–18:00 in settings.TIME_ZONE on a working day of the official calendar) it does nothing.
The work is a fixed number of queries per chunk of CHUNK rows, whatever the number of requests.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanjia.core.bulk import Rows
from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar
from guanjia.core.choices import Role
from guanjia.notifications import selectors
from guanjia.notifications.choices import REMINDER_NOTIFICATION_KIND, ReminderKind
from guanjia.notifications.models import ReminderSent
from guanjia.notifications.services import Fanout, Notice, request_link, send_after_commit

logger = logging.getLogger("guanjia.notifications")

WORK_START = dt.time(9, 0)
WORK_END = dt.time(18, 0)
ESCALATE_AFTER_DAYS = 3
CHUNK = 1000


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


def _chunks(iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _local_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def _working_days_back(calendar: WorkingCalendar, today: dt.date, n: int) -> dt.date:
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
        """Who must act on a clock: the unit's handlers for a unit deadline, else the butler (or the center)."""
        from guanjia.requests.choices import ClockKind

        if row.kind == ClockKind.UNIT and row.unit_id:
            return self.handlers(row.unit_id)
        butler = self.person(row.butler_id)
        return [butler] if butler is not None else self.admins(row.zone_id)

    def leaders_for(self, row) -> list:
        """Who hears of an escalation: the enterprise's contact leader (联系领导), else the head of its
        workstation (站长), else every leader of the zone (the same order as an escalation by hand)."""
        for pk in (row.contact_leader_id, row.head_id):
            person = self.person(pk)
            if person is not None:
                return [person]
        return self.leaders(row.zone_id)


# What a reminder needs of a running clock, read as plain values: a backlog run reads hundreds of
# thousands of clocks, and model instances of each clock's request, enterprise, people and unit
# were most of its time.
CLOCK_VALUES = {
    "id": "pk", "request_id": "request_id", "kind": "kind", "due_at": "due_at", "zone_id": "request__zone_id",
    "number": "request__number", "title": "request__title", "butler_id": "request__butler_id",
    "enterprise": "request__enterprise__name", "contact_leader_id": "request__enterprise__contact_leader_id",
    "head_id": "request__enterprise__workstation__head_id", "unit_id": "unit_task__unit_id",
    "unit": "unit_task__unit__name",
}


class _Run:
    def __init__(self, *, now: dt.datetime, calendar: WorkingCalendar, summary: ReminderSummary):
        from guanjia.requests.choices import ClockKind

        self.now, self.calendar, self.summary = now, calendar, summary
        self.today = timezone.localtime(now).date()
        self.people = _People()
        self.fanout = Fanout(now=now)
        self._overdue_days: dict[dt.date, int] = {}
        self._due_texts: dict[dt.datetime, str] = {}
        self.kind_labels = {kind: str(label) for kind, label in ClockKind.choices}
        self.texts = {
            ReminderKind.DUE_SOON: (_("临期提醒：%(request)s"), _("%(enterprise)s：%(clock)s将于 %(due)s 到期，请抓紧办理。")),
            ReminderKind.OVERDUE: (_("超期催办：%(request)s"),
                                   _("%(enterprise)s：%(clock)s已于 %(due)s 到期，请尽快办理并反馈。")),
            ReminderKind.ESCALATION: (
                _("超期升级：%(request)s"),
                _("%(enterprise)s：%(clock)s已超期 %(days)d 个工作日（%(due)s 到期），责任人：%(who)s。")),
        }
        self.nobody = _("未指定")

    def overdue_days(self, due_at: dt.datetime) -> int:
        """Working days a deadline is over by today; one count per due date, however many clocks share it."""
        due = timezone.localtime(due_at).date()
        if due not in self._overdue_days:
            self._overdue_days[due] = self.calendar.working_days_between(due, self.today)
        return self._overdue_days[due]

    # -- texts ----------------------------------------------------------------------------------------------------

    def _due_text(self, due_at: dt.datetime) -> str:
        text = self._due_texts.get(due_at)
        if text is None:
            text = self._due_texts[due_at] = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
        return text

    def _clock_label(self, row) -> str:
        label = self.kind_labels[row.kind]
        return f"{row.unit} {label}" if row.unit_id else label

    def _notice(self, kind: str, *, zone_id: int, request_id: int, number: str, request_title: str, title: str,
                body: str, recipients: list) -> Notice:
        return Notice(zone_id=zone_id, kind=REMINDER_NOTIFICATION_KIND[kind],
                      title=title % {"request": f"{number} {request_title}"}, body=body,
                      recipients=recipients, link=request_link(request_id), request_id=request_id)

    def clock_notice(self, kind: str, row) -> Notice:
        """The notice of one clock's reminder, from its row of CLOCK_VALUES."""
        values = {"clock": self._clock_label(row), "due": self._due_text(row.due_at), "enterprise": row.enterprise}
        title, body = self.texts[kind]
        if kind == ReminderKind.ESCALATION:
            who = "、".join(str(p) for p in self.people.responsible(row)) or self.nobody
            values.update(days=self.overdue_days(row.due_at), who=who)
            recipients = self.people.leaders_for(row)
        else:
            recipients = self.people.responsible(row)
        return self._notice(kind, zone_id=row.zone_id, request_id=row.request_id, number=row.number,
                            request_title=row.title, title=title, body=body % values, recipients=recipients)

    def rate_notice(self, request, contacts: list) -> Notice:
        return self._notice(ReminderKind.RATE, zone_id=request.zone_id, request_id=request.pk, number=request.number,
                            request_title=request.title, title=_("评价提醒：%(request)s"),
                            body=_("您的诉求已于 %(date)s 办结，请对办理结果进行评价。")
                            % {"date": timezone.localtime(request.resolved_at).strftime("%Y-%m-%d")},
                            recipients=contacts)

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
        from guanjia.requests.choices import OPEN_STATUSES
        from guanjia.requests.models import Clock

        sent = ReminderSent.objects.filter(kind=kind, clock=OuterRef("pk"), due_at=OuterRef("due_at"))
        return (Clock.objects.filter(stopped_at__isnull=True, paused_at__isnull=True, cancelled=False,
                                     request__status__in=OPEN_STATUSES)
                .filter(~Exists(sent))
                .order_by("pk"))

    def clocks(self, kind: str, queryset) -> None:
        rows = queryset.values_list(*CLOCK_VALUES.values(), named=True)
        Row = namedtuple("Row", CLOCK_VALUES)  # noqa: N806 - the rows under our own names
        for chunk in _chunks(rows.iterator(chunk_size=CHUNK), CHUNK):
            chunk = [Row._make(values) for values in chunk]
            self.people.load({pk for row in chunk for pk in (row.butler_id, row.contact_leader_id, row.head_id)})
            items = [({"request_id": row.request_id, "clock_id": row.id, "due_at": row.due_at},
                      self.clock_notice(kind, row)) for row in chunk]
            self.commit(kind, items)

    def rates(self, resolved_before: dt.datetime) -> None:
        from guanjia.requests.choices import Status
        from guanjia.requests.models import Request

        sent = ReminderSent.objects.filter(kind=ReminderKind.RATE, clock__isnull=True, request=OuterRef("pk"),
                                           due_at=OuterRef("resolved_at"))
        queryset = (Request.objects.filter(status=Status.RESOLVED, rated_at__isnull=True,
                                           resolved_at__lt=resolved_before)
                    .filter(~Exists(sent)).select_related("enterprise").order_by("pk"))
        for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
            contacts = selectors.enterprise_contacts({r.enterprise_id for r in chunk})
            items = [({"request_id": r.pk, "clock_id": None, "due_at": r.resolved_at},
                      self.rate_notice(r, contacts.get(r.enterprise_id, []))) for r in chunk]
            self.commit(ReminderKind.RATE, items)


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
    with translation.override(settings.LANGUAGE_CODE):
        ok, reason = in_working_hours(now, calendar)
        if not ok:
            summary.ran, summary.reason = False, reason
            return summary
        run = _Run(now=now, calendar=calendar, summary=summary)
        today = run.today
        try:
            next_working_day = calendar.add_working_days(today, 1).due
            escalate_from = _working_days_back(calendar, today, escalate_after_days())
            rate_from = _working_days_back(calendar, today, 1)
        except CalendarUnavailable as error:
            summary.ran, summary.reason = False, error.message
            return summary
        soon_until = _local_start(next_working_day + dt.timedelta(days=1))

        run.clocks(ReminderKind.DUE_SOON,
                   run.running_clocks(ReminderKind.DUE_SOON).filter(due_at__gt=now, due_at__lt=soon_until))
        run.clocks(ReminderKind.OVERDUE, run.running_clocks(ReminderKind.OVERDUE).filter(due_at__lt=now))
        run.clocks(ReminderKind.ESCALATION,
                   run.running_clocks(ReminderKind.ESCALATION).filter(due_at__lt=_local_start(escalate_from)))
        run.rates(_local_start(rate_from))
    logger.info("reminders at %s: %s, %d notices, %d deliveries", now, summary.reminders, summary.notifications,
                summary.deliveries)
    return summary
