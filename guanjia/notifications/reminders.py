"""Reminders (提醒 / 催办): the idempotent service behind the scheduled job and `guanjia send_reminders`.

Deadlines are data (the requests' Clock rows); this service reads them and sends:

- due soon (临期): a running clock due by the end of the next working day;
- overdue (超期催办): a running clock past its deadline, at the first run in working hours after it;
- escalation (超期升级): a clock overdue for N working days (settings.GUANJIA_REMINDER_ESCALATE_AFTER_DAYS,
  default 3), to the leaders;
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
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext as _

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
    """Who is reminded: loaded once per run, one query per group."""

    def __init__(self):
        self._admins = self._leaders = self._handlers = None

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

    def responsible(self, clock) -> list:
        """Who must act on a clock: the unit's handlers for a unit deadline, else the butler (or the center)."""
        from guanjia.requests.choices import ClockKind

        request = clock.request
        if clock.kind == ClockKind.UNIT and clock.unit_task_id:
            return self.handlers(clock.unit_task.unit_id)
        if request.butler_id and request.butler.is_active:
            return [request.butler]
        return self.admins(request.zone_id)

    def leaders_for(self, request) -> list:
        """The enterprise's contact leader (联系领导), else every leader of the zone."""
        leader = request.enterprise.contact_leader
        if leader is not None and leader.is_active:
            return [leader]
        return self.leaders(request.zone_id)


class _Run:
    def __init__(self, *, now: dt.datetime, calendar: WorkingCalendar, summary: ReminderSummary):
        self.now, self.calendar, self.summary = now, calendar, summary
        self.today = timezone.localtime(now).date()
        self.people = _People()
        self.fanout = Fanout(now=now)
        self._overdue_days: dict[dt.date, int] = {}

    def overdue_days(self, due_at: dt.datetime) -> int:
        """Working days a deadline is over by today; one count per due date, however many clocks share it."""
        due = timezone.localtime(due_at).date()
        if due not in self._overdue_days:
            self._overdue_days[due] = self.calendar.working_days_between(due, self.today)
        return self._overdue_days[due]

    # -- texts ----------------------------------------------------------------------------------------------------

    @staticmethod
    def _due_text(due_at: dt.datetime) -> str:
        return timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")

    @staticmethod
    def _clock_label(clock) -> str:
        label = str(clock.get_kind_display())
        if clock.unit_task_id:
            label = f"{clock.unit_task.unit.name} {label}"
        return label

    def _notice(self, kind: str, request, title: str, body: str, recipients: list) -> Notice:
        return Notice(zone_id=request.zone_id, kind=REMINDER_NOTIFICATION_KIND[kind],
                      title=title % {"request": f"{request.number} {request.title}"}, body=body,
                      recipients=recipients, link=request_link(request.pk), request_id=request.pk)

    def clock_notice(self, kind: str, clock) -> Notice:
        request = clock.request
        values = {"clock": self._clock_label(clock), "due": self._due_text(clock.due_at),
                  "enterprise": request.enterprise.name}
        if kind == ReminderKind.DUE_SOON:
            return self._notice(kind, request, _("临期提醒：%(request)s"),
                                _("%(enterprise)s：%(clock)s将于 %(due)s 到期，请抓紧办理。") % values,
                                self.people.responsible(clock))
        if kind == ReminderKind.OVERDUE:
            return self._notice(kind, request, _("超期催办：%(request)s"),
                                _("%(enterprise)s：%(clock)s已于 %(due)s 到期，请尽快办理并反馈。") % values,
                                self.people.responsible(clock))
        overdue = self.overdue_days(clock.due_at)
        who = "、".join(str(p) for p in self.people.responsible(clock)) or _("未指定")
        return self._notice(kind, request, _("超期升级：%(request)s"),
                            _("%(enterprise)s：%(clock)s已超期 %(days)d 个工作日（%(due)s 到期），责任人：%(who)s。")
                            % {**values, "days": overdue, "who": who},
                            self.people.leaders_for(request))

    def rate_notice(self, request, contacts: list) -> Notice:
        return self._notice(ReminderKind.RATE, request, _("评价提醒：%(request)s"),
                            _("您的诉求已于 %(date)s 办结，请对办理结果进行评价。")
                            % {"date": timezone.localtime(request.resolved_at).strftime("%Y-%m-%d")},
                            contacts)

    # -- the work -------------------------------------------------------------------------------------------------

    def commit(self, kind: str, items: list[tuple[ReminderSent, Notice]]) -> None:
        """Write one chunk's keys, notices and deliveries together; a key already taken skips the chunk."""
        try:
            with transaction.atomic():
                ReminderSent.objects.bulk_create([key for key, _notice in items], batch_size=CHUNK)
                planned = self.fanout.plan(notice for _key, notice in items)
                self.fanout.save(planned)
                send_after_commit([d.pk for d in planned.deliveries])
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
                .select_related("request__enterprise__contact_leader", "request__butler", "unit_task__unit")
                .order_by("pk"))

    def clocks(self, kind: str, queryset) -> None:
        for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
            items = [(ReminderSent(kind=kind, request_id=c.request_id, clock=c, due_at=c.due_at, sent_at=self.now),
                      self.clock_notice(kind, c)) for c in chunk]
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
            items = [(ReminderSent(kind=ReminderKind.RATE, request=r, due_at=r.resolved_at, sent_at=self.now),
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
