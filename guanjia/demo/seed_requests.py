"""A year of requests (诉求) at benchmark scale: `guanjia seed --requests M`, deterministic for a seed and a moment.

The services take a dozen queries per transition, far too slow for a million requests.
This writes each batch of REQUEST_BATCH requests in one transaction, with the audit log
off and nobody notified, and still writes what the services would have written had each
request lived its life up to `as_of`: the request row with its timestamps and counters,
its tracked item (the workflow kernel's TrackedItem, with its duties: 我的待办), its clocks
(签收, 首次答复, 办结; a unit's on its task's item) with their ledger (ClockEvent), its unit
tasks (转办, each with its item), and its timeline (Event: raise, accept, reply, transfer,
sign, feedback, return, reassign, suspend, supply, resume, escalate, extend, resolve, rate,
reopen, close, internal notes) and its ratings (RequestRating: 不满意 → 重办 → 满意 leaves two). Each life is cut at `as_of`, so the statuses come out in
realistic proportions: most closed, the recent ones open, the stuck ones overdue.

Deadlines come from ONE `WorkingCalendar.load()` snapshot (`deadline_at`, `add_working_days`,
`working_days_between`), memoised because a million requests ask it the same few thousand
questions. Numbers continue the zone's RequestCounter per year, moved on in each batch's
transaction, so a later `request_raise` gets the next number.

Rows are plain dicts written by `guanjia.core.bulk.Rows` (executemany on SQLite, COPY on PostgreSQL) rather
than `bulk_create`: for ~25 rows per request, bulk_create spent 70 % of the time compiling
each value into SQL (cProfile, 10 000 requests), which made 200 000 requests take four
minutes on SQLite and a million about half an hour on PostgreSQL. `tests/test_seed_requests.py`
reads the rows back through the models and runs `full_clean()` on a sample.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.bulk import Rows, models_of, refresh_statistics
from guanjia.core.calendar import WorkingCalendar
from guanjia.core.choices import Role
from guanjia.demo.requests import CATEGORY_WEIGHTS, LEAD_UNITS, SOURCE_WEIGHTS, TITLES
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Unit, User, Zone
from guanjia.projects.models import Project
from guanjia.requests import clocks as rules
from guanjia.requests.choices import (
    Action,
    Arbitration,
    ClockKind,
    EscalationTarget,
    Rating,
    Source,
    Status,
    SuspendReason,
    UnitTaskRole,
    UnitTaskStatus,
    Urgency,
)
from guanjia.requests.models import Request, RequestCounter, RequestRating, UnitTask
from guanjia.requests.workflow import describe_request, describe_task
from guanjia.workflow.clocks import warn_at
from guanjia.workflow.items import merged_duties
from guanjia.workflow.models import Clock, ClockEvent, Duty, Event, TrackedItem

REQUEST_BATCH = 10_000  # requests per transaction (≈ 250 000 rows with their clocks and events)
MEETING_EVERY = 200  # a joint meeting with its action items for so many requests
DAYS_BACK = 365

# The shape of a life (shares of requests; the rest follows from where `as_of` cuts it).
ABOVE_SHARE = 0.45  # requests from 规上 enterprises (a third of the enterprises, more of the requests)
PROJECT_SHARE = 0.2  # of requests from an enterprise with projects, tied to one of them
PORTAL_SHARE = SOURCE_WEIGHTS[Source.PORTAL] / sum(SOURCE_WEIGHTS.values())
URGENCY_WEIGHTS = {Urgency.NORMAL: 80, Urgency.URGENT: 15, Urgency.CRITICAL: 5}
LATE_ACCEPT_SHARE = 0.08  # signed for after 1–3 working days rather than the same or next day
SIMPLE_SHARE = 0.35  # settled by the butler's first answer (初步办理回复)
EARLY_REPLY_SHARE = 0.3  # of the others: a first answer before the transfer
CO_UNIT_SHARE = 0.4
RETURN_SHARE = 0.06  # 退单, then the center reassigns
SUSPEND_SHARE = 0.1
SUSPEND_REASON_WEIGHTS = {SuspendReason.AWAITING_MATERIAL: 60, SuspendReason.POLICY_PENDING: 10,
                          SuspendReason.JUDICIAL: 5, SuspendReason.ENTERPRISE_REQUEST: 15, SuspendReason.OTHER: 10}
NEVER_RESUMED_SHARE = 0.15  # of the suspensions: still suspended (policy pending, court case …)
ESCALATE_SHARE = 0.07
EXTEND_SHARE = 0.05
EXTEND_DAYS = 5
STUCK_SHARE = 0.06  # the units never answer: these become the red cards
RATED_SHARE = 0.8
RATING_WEIGHTS = {Rating.SATISFIED: 80, Rating.BASICALLY_SATISFIED: 14, Rating.UNSATISFIED: 6}
NOTE_WEIGHTS = {0: 6, 1: 10, 2: 20, 3: 22, 4: 18, 5: 13, 6: 11}  # internal notes per request

NOTES = (
    "已电话联系企业，了解具体情况。", "已与牵头单位沟通办理进度。", "企业反映情况属实，已现场核实。",
    "已提醒承办单位按时限办理。", "已向分管领导汇报。", "已约企业负责人面谈。", "材料已转交承办科室。",
)
ANSWERS = ("经与企业沟通，已现场协调解决。", "经协调，相关部门已办理完毕。", "已按政策规定办理，并向企业反馈。")
FEEDBACK = ("已按要求办理完毕，详见答复。", "已完成现场勘察并出具意见。", "已办结，相关手续已送达企业。")
CLOSED = (Status.CLOSED, Status.RESOLVED)


class _Cut(Exception):
    """The next step of a life would happen after `as_of`: the request stays as it is."""


@dataclass
class RequestSeedResult:
    zone: Zone
    requests: int
    events: int
    clocks: int
    clock_events: int
    unit_tasks: int
    people: int  # people created by this run (unit handlers, a center admin)
    seconds: float
    statuses: dict[str, int]
    action_items: int = 0
    ratings: int = 0


def _start_data(rule: rules.Rule) -> dict:
    """The ledger's start entry, as `clocks.start` writes it."""
    data = {"measure": rule.measure, "amount": rule.amount}
    if hasattr(rule, "fixed"):
        data["fixed"] = rule.fixed
    return data


# -- the calendar and the cast ------------------------------------------------------------------------------------


class _Days:
    """Working-day arithmetic on one calendar snapshot, memoised per question."""

    def __init__(self, calendar: WorkingCalendar):
        self.calendar = calendar
        self._working: dict[dt.date, bool] = {}
        self._nth: dict[tuple[dt.date, int], dt.date] = {}
        self._deadline: dict[tuple[dt.date, int], tuple[dt.datetime, bool]] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}
        self._warn: dict[tuple, dt.datetime] = {}

    def is_working(self, day: dt.date) -> bool:
        if day not in self._working:
            self._working[day] = self.calendar.is_working_day(day)
        return self._working[day]

    def nth(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        if key not in self._nth:
            self._nth[key] = self.calendar.add_working_days(day, n).due
        return self._nth[key]

    def warn_at(self, due: dt.datetime, measure: str, warn: int) -> dt.datetime:
        key = (due, measure, warn)
        if key not in self._warn:
            self._warn[key] = warn_at(due=due, measure=measure, warn=warn, calendar=self.calendar)
        return self._warn[key]

    def deadline(self, day: dt.date, n: int) -> tuple[dt.datetime, bool]:
        key = (day, n)
        if key not in self._deadline:
            due = self.calendar.deadline_at(day, n)
            self._deadline[key] = (due.due, due.provisional)
        return self._deadline[key]

    def between(self, a: dt.date, b: dt.date) -> int:
        key = (a, b)
        if key not in self._between:
            self._between[key] = self.calendar.working_days_between(a, b)
        return self._between[key]


@dataclass
class _Cast:
    """Who acts in the zone's requests, loaded once."""

    enterprises: list[tuple[int, int]]  # (pk, butler id), every enterprise with a butler
    above: list[tuple[int, int]]
    projects: dict[int, list[tuple[int, int | None]]]  # enterprise -> [(project pk, butler id)]
    units: list[int]
    unit_names: dict[int, str]
    handlers: dict[int, int]  # unit -> its first handler
    admin: int
    leaders: list[int]
    created: int = 0


def seed_requests(
    *,
    zone: Zone,
    count: int,
    seed: int = 1,
    as_of: dt.datetime | None = None,
    batch_size: int = REQUEST_BATCH,
    progress: Callable[[str], None] | None = None,
) -> RequestSeedResult:
    """Generate `count` requests of the year up to `as_of` (default now) for the zone's enterprises."""
    if count < 1:
        raise ValueError("count must be at least 1")
    report = progress or (lambda message: None)
    started = time.monotonic()
    now = timezone.localtime(as_of or timezone.now()).replace(second=0, microsecond=0)
    with disable_auditlog():
        with transaction.atomic():
            cast = _cast(zone)
        maker = _Maker(zone, cast, seed=seed, now=now, days=_Days(WorkingCalendar.load()))
        done = 0
        while done < count:
            size = min(batch_size, count - done)
            with transaction.atomic():
                maker.batch(done, size, count)
            done += size
            report(_("诉求：%(done)s/%(total)s，时间线 %(events)s 条，用时 %(seconds).1f 秒") % {
                "done": f"{done:,}", "total": f"{count:,}", "events": f"{maker.events:,}",
                "seconds": time.monotonic() - started})
        action_items = _seed_meetings(zone, cast, seed=seed, now=now, count=max(1, count // MEETING_EVERY))
    # Plans over millions of new rows need their statistics (PostgreSQL's autovacuum would come later), and so
    # do the tables of the few thousand meetings: without them PostgreSQL took a zone's meetings for four and
    # looked for a request's action items meeting by meeting (8 ms of a request's page at 5 000 meetings).
    refresh_statistics(models=models_of("requests", "workflow", "meetings", "notifications", "org"), vacuum=True)
    return RequestSeedResult(
        zone=zone, requests=count, events=maker.events, clocks=maker.clocks, clock_events=maker.clock_events,
        unit_tasks=maker.unit_tasks, people=cast.created, seconds=time.monotonic() - started,
        statuses=dict(sorted(maker.statuses.items())), action_items=action_items, ratings=maker.rating_rows,
    )


def _seed_meetings(zone: Zone, cast: _Cast, *, seed: int, now: dt.datetime, count: int) -> int:
    """Joint meetings (会办会) through the services, each deciding action items with an owner unit and a deadline
    in working days, half of them done since; the rest are open, some overdue. Returns the action items made."""
    from guanjia.core.clock import at
    from guanjia.meetings import services as ms
    from guanjia.notifications.receivers import muted

    rng = random.Random(f"meetings-{seed}")
    admin = User.objects.get(pk=cast.admin)
    units = list(Unit.objects.filter(pk__in=cast.units).order_by("pk"))
    leaders = list(User.objects.filter(pk__in=cast.leaders).order_by("pk"))
    on_agenda = list(Request.objects.filter(zone=zone, status__in=[Status.ESCALATED, Status.IN_UNITS, Status.ACCEPTED])
                     .order_by("pk").values_list("pk", flat=True))
    calendar, made = WorkingCalendar.load(), 0
    with muted():
        for n in range(count):
            day = now.date() - dt.timedelta(days=rng.randint(1, 90))
            while not calendar.is_working_day(day):
                day -= dt.timedelta(days=1)
            moment = dt.datetime.combine(day, dt.time(9, 30), tzinfo=now.tzinfo)
            with at(moment), transaction.atomic():
                request = Request.objects.get(pk=rng.choice(on_agenda)) if on_agenda else None
                chosen = rng.sample(units, min(3, len(units)))
                # Chaired by a leader (DOMAIN.md), who hears of its decisions long overdue.
                meeting = ms.meeting_create(actor=admin, title=f"第{n + 1}次项目协调会", starts_at=moment,
                                            units=chosen, attendees=[rng.choice(leaders)] if leaders else [],
                                            requests=[request] if request else [])
                ms.meeting_hold(actor=admin, meeting=meeting, minutes="会议研究了企业反映的问题，明确了责任单位和完成时限。")
                for k, unit in enumerate(chosen):
                    days = rng.choice((5, 10, 20))
                    item = ms.action_item_add(actor=admin, meeting=meeting, text=f"{unit.name}落实会议议定事项",
                                              owner_unit=unit, days=days, request=request if k == 0 else None)
                    made += 1
                    done = moment + dt.timedelta(days=rng.randint(1, days + 10))
                    if rng.random() < 0.5 and done < now:
                        with at(done):
                            ms.action_item_complete(actor=admin, item=item, result="已按会议要求落实。")
    return made


def _cast(zone: Zone) -> _Cast:
    """The zone's enterprises, units and people; a handler per unit and a center admin are made if missing."""
    rows = list(Enterprise.objects.filter(zone=zone, butler__isnull=False).order_by("pk")
                .values_list("pk", "butler_id", "scale"))
    if not rows:
        raise ValueError(_("园区“%(zone)s”没有分配了管家的企业，无法生成诉求。") % {"zone": zone.name})
    projects: dict[int, list[tuple[int, int | None]]] = {}
    for pk, enterprise_id, butler_id in (Project.objects.filter(zone=zone).order_by("pk")
                                         .values_list("pk", "enterprise_id", "butler_id")):
        projects.setdefault(enterprise_id, []).append((pk, butler_id))
    units = dict(Unit.objects.filter(zone=zone, archived_at=None).order_by("pk").values_list("pk", "name"))
    if not units:
        raise ValueError(_("园区“%(zone)s”没有单位，无法转办诉求。") % {"zone": zone.name})
    handlers: dict[int, int] = {}
    for pk, unit_id in (User.objects.with_role(Role.UNIT).filter(zone=zone, unit__in=units, is_active=True)
                        .order_by("pk").values_list("pk", "unit_id")):
        handlers.setdefault(unit_id, pk)
    created = 0
    roles = User.roles.through
    missing = [u for u in units if u not in handlers]
    if missing:
        people = [User(username=f"{zone.code}-un{u:05d}", name=f"{units[u][:10]}经办人", zone=zone, unit_id=u,
                       password=make_password(None)) for u in missing]
        User.objects.bulk_create(people)
        roles.objects.bulk_create([roles(user_id=p.pk, role_id=Role.UNIT) for p in people])
        handlers.update({p.unit_id: p.pk for p in people})
        created += len(people)
    admin = User.objects.with_role(Role.ADMIN).filter(zone=zone, is_active=True).order_by("pk").first()
    if admin is None:
        admin = User.objects.create(username=f"{zone.code}-ad00001", name="服务中心", zone=zone,
                                    password=make_password(None))
        roles.objects.create(user_id=admin.pk, role_id=Role.ADMIN)
        created += 1
    leaders = list(User.objects.with_role(Role.LEADER).filter(zone=zone, is_active=True).order_by("pk")
                   .values_list("pk", flat=True)) or [admin.pk]
    return _Cast(
        enterprises=[(pk, butler) for pk, butler, _scale in rows],
        above=[(pk, butler) for pk, butler, scale in rows if scale == Scale.ABOVE],
        projects=projects, units=list(units), unit_names=units, handlers=handlers, admin=admin.pk,
        leaders=leaders, created=created,
    )


def _weights(weights: dict) -> tuple[list, list[int]]:
    return list(weights), list(weights.values())


# -- the lives ----------------------------------------------------------------------------------------------------


class _Maker:
    """Makes the requests batch by batch; one `random.Random`, consumed in the same order every run."""

    def __init__(self, zone: Zone, cast: _Cast, *, seed: int, now: dt.datetime, days: _Days):
        self.zone, self.cast, self.now, self.days = zone, cast, now, days
        self.rng = random.Random(f"requests-{seed}")
        self.tz = now.tzinfo
        self.first = now.date() - dt.timedelta(days=DAYS_BACK)
        self.categories = _weights(CATEGORY_WEIGHTS)
        self.sources = _weights({k: w for k, w in SOURCE_WEIGHTS.items() if k != Source.PORTAL})
        self.urgencies = _weights(URGENCY_WEIGHTS)
        self.ratings = _weights(RATING_WEIGHTS)
        self.suspend_reasons = _weights(SUSPEND_REASON_WEIGHTS)
        self.note_counts = _weights(NOTE_WEIGHTS)
        self.rules: dict[tuple[str, str, str, str], rules.Rule] = {}
        self.lead_for = {category: self._lead_units(category) for category in CATEGORY_WEIGHTS}
        self.counters = dict(RequestCounter.objects.filter(zone=zone).values_list("year", "value"))
        self.events = self.clocks = self.clock_events = self.unit_tasks = self.rating_rows = 0
        self.statuses: dict[str, int] = {}
        self._new_tables()

    def _new_tables(self) -> None:
        self.t_items = Rows(TrackedItem, ids=True)
        self.t_duties = Rows(Duty)
        self.t_requests = Rows(Request, ids=True)
        self.t_tasks = Rows(UnitTask, ids=True)
        self.t_clocks = Rows(Clock, ids=True)
        self.t_ledger = Rows(ClockEvent)
        self.t_events = Rows(Event)
        self.t_ratings = Rows(RequestRating)

    def item(self, kind: str, at: dt.datetime, **values) -> dict:
        """A tracked item's row; what it says of its object is filled in once the object's life is over."""
        return self.t_items.new(kind=kind, zone_id=self.zone.pk, created_at=at, updated_at=at, status="", title="",
                                **values)

    def _lead_units(self, category: str) -> list[int]:
        found = [pk for word in LEAD_UNITS.get(category, []) for pk, name in self.cast.unit_names.items()
                 if word in name]
        return found or self.cast.units

    def rule(self, kind: str, request: dict) -> rules.Rule:
        key = (kind, request["source"], request["category"], request["urgency"])
        if key not in self.rules:
            self.rules[key] = rules.rule_for(zone_id=self.zone.pk, kind=kind, source=key[1], category=key[2],
                                             urgency=key[3])
        return self.rules[key]

    # Time ---------------------------------------------------------------------------------------
    def moment(self, day: dt.date, *, working: bool = True, earliest: int = 8 * 60 + 30,
               latest: int = 17 * 60 + 30) -> dt.datetime:
        """A moment on `day` (moved to the next working day unless `working` is false)."""
        while working and not self.days.is_working(day):
            day += dt.timedelta(days=1)
        minutes = self.rng.randint(earliest, latest)
        return dt.datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, self.rng.randrange(60),
                           tzinfo=self.tz)

    def later(self, moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """A working moment `low`..`high` working days after `moment` (0: later the same day if it can be)."""
        n = self.rng.randint(low, high)
        if n == 0:
            bump = moment + dt.timedelta(minutes=self.rng.randint(20, 240))
            if bump.hour < 18 and bump.date() == moment.date() and self.days.is_working(bump.date()):
                return self._until_now(bump)
            n = 1
        return self._until_now(self.moment(self.days.nth(moment.date(), n)))

    def _until_now(self, moment: dt.datetime) -> dt.datetime:
        if moment > self.now:
            raise _Cut
        return moment

    # Batches ------------------------------------------------------------------------------------
    def batch(self, start: int, size: int, total: int) -> None:
        for n in range(start, start + size):
            self.life(n, total)
        requests = self.t_requests.rows
        requests.sort(key=lambda request: request["created_at"])  # ids and numbers follow time
        touched = set()
        for request in requests:
            year = request["created_at"].year
            self.counters[year] = self.counters.get(year, 0) + 1
            request["number"] = f"GJ-{year}-{self.counters[year]:06d}"
            touched.add(year)
            self.statuses[request["status"]] = self.statuses.get(request["status"], 0) + 1
        self.t_requests.reserve()
        self.t_tasks.reserve()
        for request in requests:
            self.finish_request(request)
        for task in self.t_tasks.rows:
            self.finish_task(task)
        self.t_items.write()
        self.t_duties.write()
        self.t_requests.write()
        self.unit_tasks += self.t_tasks.write()
        self.clocks += self.t_clocks.write()
        self.clock_events += self.t_ledger.write()
        self.events += self.t_events.write()
        self.rating_rows += self.t_ratings.write()
        for year in sorted(touched):
            RequestCounter.objects.update_or_create(zone=self.zone, year=year,
                                                    defaults={"value": self.counters[year]})

    # What the items say once the lives are cut (`as_of`): as requests.workflow describes them.
    def _summary(self, item: dict, clocks: list[dict]) -> None:
        for clock in clocks:
            clock["warn_at"] = self.days.warn_at(clock["due_at"], clock["measure"], clock["warn"])
        running = [c for c in clocks if c["stopped_at"] is None and not c["cancelled"]]
        counting = [c for c in running if c["paused_at"] is None]
        if counting:
            soonest = min(counting, key=lambda c: c["due_at"])
            item.update(due_at=soonest["due_at"], warn_at=soonest["warn_at"], due_provisional=soonest["provisional"])
        else:
            item["paused"] = bool(running)

    def _describe(self, item: dict, description) -> None:
        item.update(status=description.status, is_open=description.is_open, title=description.title[:200],
                    number=description.number, enterprise_id=description.enterprise_id,
                    project_id=description.project_id, person_id=description.person_id, unit_id=description.unit_id)
        if description.is_open:
            for party, actionable in merged_duties(description.duties).items():
                self.t_duties.new(item_id=item, party=party, actionable=actionable, zone_id=description.zone_id,
                                  kind=item["kind"], due_at=item["due_at"])

    def finish_request(self, request: dict) -> None:
        item = request["item_id"]
        item.update(object_id=request["id"], updated_at=request["updated_at"])
        self._summary(item, [c for c in request["_clocks"] if c["item_id"] is item])
        self._describe(item, describe_request(SimpleNamespace(**request)))

    def finish_task(self, task: dict) -> None:
        item, request = task["item_id"], task["request_id"]
        item.update(object_id=task["id"], updated_at=task["updated_at"], parent_id=request["item_id"])
        self._summary(item, [task["clock"]])
        self._describe(item, describe_task(SimpleNamespace(**task, request=SimpleNamespace(**request))))

    def life(self, n: int, total: int) -> None:
        rng, cast = self.rng, self.cast
        # Days spread evenly over the year, so that numbers follow time across batches too.
        day = self.first + dt.timedelta(days=min(DAYS_BACK, math.floor((DAYS_BACK + 1) * n / total)))
        enterprise, butler = rng.choice(cast.above if cast.above and rng.random() < ABOVE_SHARE
                                        else cast.enterprises)
        project = None
        if enterprise in cast.projects and rng.random() < PROJECT_SHARE:
            project, project_butler = rng.choice(cast.projects[enterprise])
            butler = project_butler or butler
        category = rng.choices(*self.categories)[0]
        if rng.random() < PORTAL_SHARE:  # 吹哨 is answered 24 hours a day, every day
            source, raised = Source.PORTAL, self.moment(day, working=False, earliest=7 * 60, latest=23 * 60)
        else:
            source, raised = rng.choices(*self.sources)[0], self.moment(day)
        if raised > self.now:  # today's, or a weekend's moved to Monday
            raised = self.now - dt.timedelta(minutes=rng.randint(5, 120))
        title, description = rng.choice(TITLES[category])
        request = self.t_requests.new(
            zone_id=self.zone.pk, enterprise_id=enterprise, project_id=project, source=source, category=category,
            urgency=rng.choices(*self.urgencies)[0], title=title, description=description,
            status=Status.SUBMITTED, butler_id=butler,
            addressed_leader_id=rng.choice(cast.leaders) if source == Source.LETTER else None,
            raised_by_id=None if source == Source.PORTAL else butler, created_at=raised,
        )
        request["item_id"] = self.item("request", raised)
        life = _Life(self, request)
        with contextlib.suppress(_Cut):
            life.live()
        life.notes()
        request["updated_at"] = life.periods[-1][0]


class _Life:
    """One request from its raising to `as_of`, with the rows the services would have written."""

    def __init__(self, maker: _Maker, request: dict):
        self.maker, self.request, self.rng, self.days = maker, request, maker.rng, maker.days
        self.clocks: list[dict] = []
        request["_clocks"] = self.clocks
        self.tasks: list[dict] = []
        self.periods: list[tuple[dt.datetime, str]] = []  # (since, status): where notes may fall

    # Rows -------------------------------------------------------------------------------------
    def event(self, at: dt.datetime, action: str, before: str, actor: int | None, *, comment: str = "",
              unit: int | None = None, data: dict | None = None) -> None:
        request = self.request
        self.maker.t_events.new(item_id=request["item_id"], actor_id=actor, at=at, action=action,
                                from_status=before, to_status=request["status"], comment=comment, unit_id=unit,
                                data=data or {})
        if action != Action.SUPPLY:
            self.periods.append((at, request["status"]))
            if action != Action.RAISE:
                request["version"] += 1

    def clock(self, kind: str, at: dt.datetime, task: dict | None = None) -> dict:
        rule = self.maker.rule(kind, self.request)
        if rule.measure == rules.HOURS:
            due, provisional = at + dt.timedelta(hours=rule.amount), False
        else:
            due, provisional = self.days.deadline(at.date(), rule.amount)
        clock = self.maker.t_clocks.new(
            item_id=(task or self.request)["item_id"], kind=kind, measure=rule.measure, amount=rule.amount,
            warn=rule.warn, started_at=at, due_at=due, provisional=provisional, extra_days=0, task=task)
        self.clocks.append(clock)
        self.ledger(clock, "start", at, _start_data(rule))
        return clock

    def ledger(self, clock: dict, kind: str, at: dt.datetime, data: dict | None = None) -> None:
        self.maker.t_ledger.new(clock_id=clock, kind=kind, at=at, data=data or {})

    def running(self) -> list[dict]:
        return [c for c in self.clocks if c["stopped_at"] is None and not c["cancelled"]]

    def stop(self, clock: dict, at: dt.datetime) -> None:
        if clock["stopped_at"] is None and not clock["cancelled"]:
            clock["stopped_at"] = at
            self.ledger(clock, "stop", at)

    def cancel(self, clock: dict, at: dt.datetime) -> None:
        if clock["stopped_at"] is None and not clock["cancelled"]:
            clock["cancelled"] = True
            self.ledger(clock, "cancel", at)

    def move(self, clock: dict, days: int) -> None:
        """Push a working-day clock's due time by `days`, as `clocks.replay` would from its ledger."""
        clock["extra_days"] += days
        clock["due_at"], clock["provisional"] = self.days.deadline(clock["started_at"].date(),
                                                                   clock["amount"] + clock["extra_days"])

    def task_status(self, task: dict, status: str, at: dt.datetime) -> None:
        task["status"], task["updated_at"] = status, at

    def live_tasks(self) -> list[dict]:
        return [t for t in self.tasks if t["status"] in (UnitTaskStatus.PENDING, UnitTaskStatus.SIGNED)]

    # The life -----------------------------------------------------------------------------------
    def live(self) -> None:
        request, rng, maker = self.request, self.rng, self.maker
        raised = request["created_at"]
        self.event(raised, Action.RAISE, "", request["raised_by_id"], comment=request["description"],
                   data={"source": request["source"]})
        sign = self.clock(ClockKind.SIGN, raised)
        butler = request["butler_id"]

        at = maker.later(raised, 1, 3) if rng.random() < LATE_ACCEPT_SHARE else maker.later(raised, 0, 1)
        self.stop(sign, at)
        request["status"], request["accepted_at"] = Status.ACCEPTED, at
        first_reply = self.clock(ClockKind.FIRST_REPLY, at)
        resolution = self.clock(ClockKind.RESOLUTION, at)
        request["due_at"], request["due_provisional"] = resolution["due_at"], resolution["provisional"]
        self.event(at, Action.ACCEPT, Status.SUBMITTED, butler, comment="已签收，马上对接企业。")

        if rng.random() < SIMPLE_SHARE:  # 初步办理回复 settles it
            at = maker.later(at, 0, 2)
            answer = rng.choice(ANSWERS)
            self.stop(first_reply, at)
            self.stop(resolution, at)
            request["first_reply_at"], request["answer"] = at, answer
            self.resolved(at)
            self.event(at, Action.REPLY, Status.ACCEPTED, butler, comment=answer, data={"resolved": True})
            self.after_resolution(at, butler)
            return
        if rng.random() < EARLY_REPLY_SHARE:
            at = maker.later(at, 0, 1)
            self.stop(first_reply, at)
            request["first_reply_at"], request["answer"] = at, "已了解情况，正在协调相关单位办理。"
            self.event(at, Action.REPLY, Status.ACCEPTED, butler, comment=request["answer"],
                       data={"resolved": False})
        at = maker.later(at, 0, 2)
        self.stop(first_reply, at)
        request["first_reply_at"] = request["first_reply_at"] or at
        self.transfer(at, Action.TRANSFER, Status.ACCEPTED, butler)
        if rng.random() < RETURN_SHARE:
            at = self.returned(maker.later(at, 0, 2))
        for task in self.live_tasks():
            at = maker.later(at, 0, 1)
            before = request["status"]
            self.task_status(task, UnitTaskStatus.SIGNED, at)
            task["signed_at"], task["signed_by_id"] = at, maker.cast.handlers[task["unit_id"]]
            request["status"] = Status.IN_UNITS
            self.event(at, Action.SIGN, before, task["signed_by_id"], unit=task["unit_id"])
        if rng.random() < SUSPEND_SHARE:
            at = self.suspension(maker.later(at, 1, 3), butler)
        if rng.random() < ESCALATE_SHARE:
            at = maker.later(at, 1, 4)
            target = rng.choice(EscalationTarget.values)
            before = request["status"]
            request["status"], request["escalated_to"] = Status.ESCALATED, target
            self.event(at, Action.ESCALATE, before, butler, comment="协调难度大，提请上级研究。",
                       data={"target": target})
        if rng.random() < EXTEND_SHARE:
            at = maker.later(at, 1, 3)
            self.ledger(resolution, "extend", at, {"days": EXTEND_DAYS})
            self.move(resolution, EXTEND_DAYS)
            request["extension_count"], request["extended_days"] = 1, EXTEND_DAYS
            request["due_at"], request["due_provisional"] = resolution["due_at"], resolution["provisional"]
            self.event(at, Action.EXTEND, request["status"], rng.choice(maker.cast.leaders),
                       comment="涉及上级部门审批，申请延期。", data={"days": EXTEND_DAYS})
        if rng.random() < STUCK_SHARE:
            raise _Cut
        if request["status"] == Status.IN_UNITS:  # 部门反馈 (an escalated request is settled above the units)
            at = maker.later(at, 2, 14)
            for task in self.live_tasks():
                at = maker.later(at, 0, 1)
                self.task_status(task, UnitTaskStatus.DONE, at)
                task["feedback"], task["done_at"] = rng.choice(FEEDBACK), at
                self.stop(task["clock"], at)
                self.event(at, Action.FEEDBACK, Status.IN_UNITS, task["signed_by_id"], comment=task["feedback"],
                           unit=task["unit_id"])
        at = maker.later(at, 0, 3)
        self.resolve(at, butler)
        self.after_resolution(at, butler)

    def transfer(self, at: dt.datetime, action: str, before: str, actor: int, *, avoid: int | None = None) -> None:
        request, rng, cast = self.request, self.rng, self.maker.cast
        lead = rng.choice([u for u in self.maker.lead_for[request["category"]] if u != avoid] or cast.units)
        co = [rng.choice([u for u in cast.units if u != lead])] if (
            len(cast.units) > 1 and rng.random() < CO_UNIT_SHARE) else []
        for unit, role in [(lead, UnitTaskRole.LEAD), *[(u, UnitTaskRole.CO) for u in co]]:
            task = self.maker.t_tasks.new(request_id=request, unit_id=unit, role=role, status=UnitTaskStatus.PENDING,
                                          created_at=at, updated_at=at, item_id=self.maker.item("unit_task", at))
            task["clock"] = self.clock(ClockKind.UNIT, at, task)
            task["due_at"] = task["clock"]["due_at"]
            self.tasks.append(task)
        request["status"], request["lead_unit_id"] = Status.TRANSFERRED, lead
        self.event(at, action, before, actor, comment=f"请{cast.unit_names[lead]}牵头办理。",
                   data={"lead_unit": lead, "co_units": co})

    def returned(self, at: dt.datetime) -> dt.datetime:
        """退单 by the lead unit, then the center's arbitration (仲裁改派) to another unit."""
        request, cast = self.request, self.maker.cast
        lead = self.tasks[0]
        self.task_status(lead, UnitTaskStatus.RETURNED, at)
        lead["return_reason"] = "该事项不属于本单位职责范围。"
        self.cancel(lead["clock"], at)
        request["status"] = Status.RETURNED
        self.event(at, Action.RETURN, Status.TRANSFERRED, cast.handlers[lead["unit_id"]],
                   comment=lead["return_reason"], unit=lead["unit_id"])
        at = self.maker.later(at, 1, 2)
        lead["arbitration"], lead["arbitrated_at"] = Arbitration.REASSIGNED, at  # settled by the 改派
        for task in self.live_tasks():
            self.task_status(task, UnitTaskStatus.CANCELLED, at)
            self.cancel(task["clock"], at)
        self.transfer(at, Action.REASSIGN, Status.RETURNED, cast.admin, avoid=lead["unit_id"])
        return at

    def suspension(self, at: dt.datetime, butler: int) -> dt.datetime:
        """中止 with a typed reason (every running clock pauses), maybe 企业补充材料, then 恢复."""
        request, rng, maker = self.request, self.rng, self.maker
        reason = rng.choices(*maker.suspend_reasons)[0]
        paused = self.running()
        for clock in paused:
            clock["paused_at"] = at
            self.ledger(clock, "pause", at)
        before = request["status"]
        request["status"], request["status_before_suspend"], request["suspend_reason"] = (
            Status.SUSPENDED, before, reason)
        awaiting = reason == SuspendReason.AWAITING_MATERIAL
        self.event(at, Action.SUSPEND, before, butler, comment="请企业补充相关材料。" if awaiting else "",
                   data={"reason": reason})
        since = at
        if awaiting:
            at = maker.later(at, 1, 5)
            self.event(at, Action.SUPPLY, Status.SUSPENDED, None, comment="已按要求补充材料，请查收。")
        if rng.random() < NEVER_RESUMED_SHARE:
            raise _Cut
        at = maker.later(at, 1, 8)
        days = self.days.between(since.date(), at.date()) if at.date() > since.date() else 0
        for clock in paused:
            self.ledger(clock, "resume", at)
            clock["paused_at"] = None
            if clock["measure"] == rules.HOURS:
                clock["due_at"] += at - since
            else:
                self.move(clock, days)
            if clock["task"] is not None:
                clock["task"]["due_at"] = clock["due_at"]
        request["suspended_working_days"] += days
        request["status"], request["status_before_suspend"], request["suspend_reason"] = before, "", ""
        resolution = next(c for c in reversed(self.clocks) if c["kind"] == ClockKind.RESOLUTION)
        request["due_at"], request["due_provisional"] = resolution["due_at"], resolution["provisional"]
        self.event(at, Action.RESUME, Status.SUSPENDED, butler)
        return at

    def resolved(self, at: dt.datetime) -> None:
        request = self.request
        request["status"], request["resolved_at"] = Status.RESOLVED, at
        days = self.days.between(request["accepted_at"].date(), at.date())
        request["resolution_working_days"] = max(days - request["suspended_working_days"], 0)

    def resolve(self, at: dt.datetime, butler: int) -> None:
        request = self.request
        for clock in self.running():
            if clock["kind"] in (ClockKind.RESOLUTION, ClockKind.FIRST_REPLY):
                self.stop(clock, at)
            else:
                self.cancel(clock, at)
        for task in self.live_tasks():
            self.task_status(task, UnitTaskStatus.CANCELLED, at)
        request["first_reply_at"] = request["first_reply_at"] or at
        request["answer"] = self.rng.choice(ANSWERS)
        before = request["status"]
        self.resolved(at)
        self.event(at, Action.RESOLVE, before, butler, comment=request["answer"])

    def after_resolution(self, at: dt.datetime, butler: int) -> None:
        """回访: the enterprise rates it (unsatisfied reopens it, 重办), or the center closes it unrated."""
        request, rng, maker = self.request, self.rng, self.maker
        if rng.random() >= RATED_SHARE:
            at = maker.later(at, 5, 10)
            request["status"], request["closed_at"] = Status.CLOSED, at
            self.event(at, Action.CLOSE, Status.RESOLVED, maker.cast.admin, comment="企业未回复回访，予以关闭。")
            return
        at = maker.later(at, 1, 5)
        rating = rng.choices(*maker.ratings)[0]
        request["rating"], request["rated_at"] = rating, at
        if rating != Rating.UNSATISFIED:
            request["status"], request["closed_at"] = Status.CLOSED, at
            self.rating(at, 1, rating)
            self.event(at, Action.RATE, Status.RESOLVED, None, data={"rating": rating})
            return
        request["rating_reason"] = "问题仍未彻底解决。"
        self.rating(at, 1, rating, request["rating_reason"])
        request["status"], request["resolved_at"], request["resolution_working_days"] = Status.ACCEPTED, None, None
        request["reopen_count"] += 1
        resolution = self.clock(ClockKind.RESOLUTION, at)
        request["due_at"], request["due_provisional"] = resolution["due_at"], resolution["provisional"]
        self.event(at, Action.RATE, Status.RESOLVED, None, comment=request["rating_reason"], data={"rating": rating})
        self.resolve(maker.later(at, 2, 8), butler)
        at = maker.later(request["resolved_at"], 1, 3)
        request["rating"], request["rating_reason"], request["rated_at"] = Rating.SATISFIED, "", at
        request["status"], request["closed_at"] = Status.CLOSED, at
        self.rating(at, 2, Rating.SATISFIED)
        self.event(at, Action.RATE, Status.RESOLVED, None, data={"rating": Rating.SATISFIED})

    def rating(self, at: dt.datetime, number: int, rating: str, reason: str = "") -> None:
        """A rating's own record, as `request_rate` keeps it (no contact is cast: nobody, as on its event)."""
        self.maker.t_ratings.new(request_id=self.request, number=number, rating=rating, reason=reason, rated_at=at)

    def notes(self) -> None:
        """Internal notes (内部备注) at moments while the request was open, in the status it then had."""
        request, rng, maker = self.request, self.rng, self.maker
        count = rng.choices(*maker.note_counts)[0]
        ends = [since for since, _status in self.periods[1:]]
        ends.append(maker.now if request["status"] not in CLOSED else self.periods[-1][0])
        spans = [(since, status, end) for (since, status), end in zip(self.periods, ends, strict=True)
                 if end > since and status not in CLOSED]
        if not spans:
            return
        for _n in range(count):
            since, status, end = rng.choice(spans)
            maker.t_events.new(item_id=request["item_id"], actor_id=request["butler_id"],
                               at=since + (end - since) * rng.random(), action=Action.NOTE, from_status=status,
                               to_status=status, comment=rng.choice(NOTES), internal=True, data={})
