"""Planning a handbook (通排时间表) on the official calendar: a pure engine, no ORM.

Input: the handbook's start date, its items (`Task`: id, committed working days, prerequisite ids, and
what is known of it: finished on a date, or accepted with its limit running to a date) and a
`core.calendar.WorkingCalendar`. Output (`Plan`): per item its `planned_start` (the first working day
counted), `planned_due` (the last), `float_days` (working days it may slip without moving the finish),
`critical` (float 0) and `provisional`, and the handbook's `planned_finish`.

Rules (API.md "plan a handbook"): an item without prerequisites counts its committed days from the
start (次日起算: the first day counted is the next working day); one with prerequisites from the latest
`planned_due` among them; items whose prerequisites are met run in parallel (并联审批). A finished item is
fixed at its actual date and an accepted one at its limit, so the items after them move by themselves.

The arithmetic is integer arithmetic on an index of working days (`DayIndex`), built once per calendar
and span and shared by every plan made with that calendar: with p(d) the number of working days after the
index's origin up to and including d, "n working days from d" is the working day of rank p(d) + n, so an
item's finish rank is its start rank plus its days (the critical-path method on ranks, floats in working days).
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar

ONE_DAY = dt.timedelta(days=1)
# How far an index grows at once: about a year of days, so that a year's handbooks share one build.
_CHUNK_DAYS = 400


class PlanningError(ValueError):
    """A handbook that cannot be planned (a prerequisite missing from it)."""


class PlanningCycle(PlanningError):
    """Prerequisites that go round in a circle; `cycle` names the items in order (the first again last)."""

    def __init__(self, cycle: Sequence):
        self.cycle = list(cycle)
        super().__init__(_("前置事项形成循环：%(cycle)s。") % {"cycle": " → ".join(str(i) for i in self.cycle)})


@dataclass(frozen=True)
class Task:
    """One item to plan. `finished_on`: it is done (fixed at that date); `due_on`: the authority has it
    and its limit runs to that date (fixed there until it finishes)."""

    id: object
    days: int
    prerequisites: tuple = ()
    finished_on: dt.date | None = None
    due_on: dt.date | None = None


@dataclass(frozen=True)
class Planned:
    id: object
    planned_start: dt.date
    planned_due: dt.date
    float_days: int | None  # None for a finished item: it can no longer slip
    critical: bool
    provisional: bool


@dataclass(frozen=True)
class Plan:
    items: dict
    planned_finish: dt.date
    provisional: bool

    @property
    def critical_path(self) -> list:
        """The critical items in plan order (by planned start, then due)."""
        chain = [p for p in self.items.values() if p.critical]
        return [p.id for p in sorted(chain, key=lambda p: (p.planned_start, p.planned_due))]


class DayIndex:
    """The working days after `origin`, ranked: `rank(d)` = working days in (origin, d], `day(k)` the
    working day of rank k. It grows forward by itself; a date before the origin needs a new index."""

    def __init__(self, calendar: WorkingCalendar, origin: dt.date):
        self.calendar, self.origin = calendar, origin
        self._ranks: list[int] = []  # _ranks[i]: rank of origin + i days (i ≥ 1; _ranks[0] = 0)
        self._days: list[dt.date] = [origin]  # _days[k]: the working day of rank k (k ≥ 1)
        self._ranks.append(0)
        self._end = origin

    def _grow(self, until: dt.date) -> None:
        """Extend the index to `until` at least (a chunk at once, as far as the calendar knows the days)."""
        day, rank, days, ranks, calendar = self._end, self._ranks[-1], self._days, self._ranks, self.calendar
        target = max(until, self._end + dt.timedelta(days=_CHUNK_DAYS))
        while day < target:
            following = day + ONE_DAY
            try:
                working = calendar.day(following).working
            except CalendarUnavailable:
                if following > until:  # the chunk ran past what the calendar knows: stop there
                    break
                raise
            day = following
            if working:
                rank += 1
                days.append(day)
            ranks.append(rank)
        self._end = day

    def rank(self, d: dt.date) -> int:
        offset = (d - self.origin).days
        if offset < 0:
            raise ValueError("date before the index's origin")
        if d > self._end:
            self._grow(d)
        return self._ranks[offset]

    def day(self, rank: int) -> dt.date:
        while rank >= len(self._days):
            self._grow(self._end + ONE_DAY)  # raises CalendarUnavailable where the calendar stops
        return self._days[rank]

    def provisional(self, d: dt.date) -> bool:
        return self.calendar.is_provisional_year(d.year)


# One index per calendar snapshot (and origin window), shared by every plan made with it.
_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def day_index(calendar: WorkingCalendar, earliest: dt.date) -> DayIndex:
    """The calendar's index, reused when it already starts on or before `earliest` (one per calendar)."""
    index = _indexes.get(calendar)
    if index is None or index.origin > earliest:
        # Start a little earlier than asked so that handbooks started in the days before share it.
        index = DayIndex(calendar, earliest - dt.timedelta(days=366))
        _indexes[calendar] = index
    return index


def _order(tasks: dict) -> list:
    """The tasks' ids, prerequisites first (Kahn); PlanningCycle naming a cycle if there is one."""
    waiting = {tid: len(task.prerequisites) for tid, task in tasks.items()}
    dependents: dict = {tid: [] for tid in tasks}
    for tid, task in tasks.items():
        for pre in task.prerequisites:
            if pre not in tasks:
                raise PlanningError(_("前置事项 %(pre)s 不在手册中。") % {"pre": pre})
            dependents[pre].append(tid)
    ready = [tid for tid, n in waiting.items() if n == 0]
    order = []
    while ready:
        tid = ready.pop()
        order.append(tid)
        for dep in dependents[tid]:
            waiting[dep] -= 1
            if waiting[dep] == 0:
                ready.append(dep)
    if len(order) < len(tasks):
        raise PlanningCycle(find_cycle({tid: tasks[tid].prerequisites for tid in tasks if waiting[tid]}))
    return order


def find_cycle(prerequisites: dict) -> list:
    """One cycle of a prerequisite graph ({id: prerequisite ids}) as [a, b, …, a], or [] if it has none."""
    colour: dict = {}
    for root in prerequisites:
        if root in colour:
            continue
        stack, path = [(root, iter(prerequisites.get(root, ())))], [root]
        colour[root] = 1
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                colour[node] = 2
                stack.pop()
                path.pop()
                continue
            if colour.get(child) == 1:
                cycle = path[path.index(child):] + [child]
                cycle.reverse()  # read as "a is needed by b …"
                return cycle
            if child not in colour and child in prerequisites:
                colour[child] = 1
                stack.append((child, iter(prerequisites.get(child, ()))))
                path.append(child)
    return []


def plan(*, start: dt.date, tasks: Iterable[Task], calendar: WorkingCalendar,
         index: DayIndex | None = None) -> Plan:
    """Plan the tasks from `start`: forward pass for the earliest dates, backward pass for the floats."""
    tasks = {task.id: task for task in tasks}
    order = _order(tasks)
    earliest = min([start, *(t.finished_on for t in tasks.values() if t.finished_on),
                    *(t.due_on for t in tasks.values() if t.due_on)])
    if index is None or index.origin > earliest:
        index = day_index(calendar, earliest)
    calendar.year_status(start.year)
    origin = index.rank(start)
    begins: dict = {}
    ends: dict = {}
    for tid in order:
        task = tasks[tid]
        begin = max((ends[p] for p in task.prerequisites), default=origin)
        begins[tid] = begin
        if task.finished_on is not None:
            ends[tid] = index.rank(task.finished_on)
        elif task.due_on is not None:
            ends[tid] = index.rank(task.due_on)
        else:
            ends[tid] = begin + task.days
    finish = max(ends.values(), default=origin)
    # Backward pass: the latest an item may end without moving the finish.
    latest: dict = {}
    for tid in reversed(order):
        latest.setdefault(tid, finish)
        if tasks[tid].finished_on is not None or tasks[tid].due_on is not None:
            continue  # a fixed item no longer waits on its prerequisites: they cannot move it
        bound = latest[tid] - (ends[tid] - begins[tid])
        for pre in tasks[tid].prerequisites:
            if latest.get(pre, finish) > bound:
                latest[pre] = bound
    planned = {}
    for tid in order:
        task = tasks[tid]
        if task.finished_on is not None:
            due, slack = task.finished_on, None
        else:
            due = task.due_on if task.due_on is not None else index.day(ends[tid])
            slack = latest[tid] - ends[tid]
        first = min(index.day(begins[tid] + 1), due)
        planned[tid] = Planned(tid, first, due, slack, slack == 0, index.provisional(due))
    finish_day = max((p.planned_due for p in planned.values()), default=start)
    return Plan(planned, finish_day, index.provisional(finish_day))


def bare_dates(*, start: dt.date, tasks: Sequence[Task], calendar: WorkingCalendar) -> dict:
    """The same earliest dates as `plan`, each counted day by day with `WorkingCalendar.add_working_days`
    (the floor the benchmark compares with, and a cross-check in the tests)."""
    tasks_by_id = {task.id: task for task in tasks}
    dues: dict = {}
    for tid in _order(tasks_by_id):
        task = tasks_by_id[tid]
        if task.finished_on is not None:
            dues[tid] = task.finished_on
            continue
        if task.due_on is not None:
            dues[tid] = task.due_on
            continue
        base = max((dues[p] for p in task.prerequisites), default=start)
        dues[tid] = calendar.add_working_days(base, task.days).due
    return dues


__all__ = ["DayIndex", "Plan", "Planned", "PlanningCycle", "PlanningError", "Task", "bare_dates",
           "day_index", "find_cycle", "plan"]
