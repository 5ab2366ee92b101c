"""Demo handbook items in every state of their life, replayed through the lifecycle services.

The demo's handbooks are made and planned by the planning part; this walks each of their items
from its planned start up to the last day through `approvals.services.lifecycle` at the moments it
happened (`core.clock.at`), so its clocks, timeline and the 代办 report are computed as in production:
most are approved (some late), some wait on 补正, some were accepted with a 容缺 gap (one not made good
in time), some refused, the latest not started yet. Deterministic for a seed and a last day.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random

from django.core.files.base import ContentFile
from django.utils import timezone

from guanjia.approvals.choices import Status
from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.services import lifecycle as lc
from guanjia.core import calendar as workcal
from guanjia.core.choices import Role
from guanjia.core.clock import at
from guanjia.org.models import User


def _pdf(name: str) -> ContentFile:
    return ContentFile(b"%PDF-1.4 demo\n", name=name)


class _Replay:
    def __init__(self, zone, *, seed: int, last_day: dt.date):
        self.zone, self.rng, self.last_day = zone, random.Random(seed), last_day
        self.calendar = workcal.WorkingCalendar.load()
        self.admin = User.objects.filter(zone=zone, roles=Role.ADMIN, is_active=True).order_by("pk").first()
        self.handlers = {}
        self.moved = 0
        for person in User.objects.filter(zone=zone, roles=Role.UNIT, is_active=True).order_by("pk"):
            self.handlers.setdefault(person.unit_id, person)

    def day_after(self, day: dt.date, days: int) -> dt.date:
        return self.calendar.add_working_days(day, days).due

    def first_working_day(self, approval: Approval) -> dt.date:
        """The first working day from the item's planned start."""
        start = max(approval.planned_start or approval.handbook.start_on, approval.handbook.start_on)
        return self.day_after(start - dt.timedelta(days=1), 1)

    def moment(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_default_timezone())

    def run(self) -> int:
        """Replay every item's life in time order across the zone: each item is a generator that yields
        the moment of its next move, and the earliest move of all is made next (on the clock of that
        moment), so that a handbook's timeline, its re-plans and the plan each move sees read as they
        would have happened."""
        books = Handbook.objects.filter(zone=self.zone).order_by("pk")
        items = Approval.objects.filter(handbook__in=books, status=Status.NOT_STARTED).select_related(
            "project", "handbook").order_by("handbook", "planned_start", "order", "pk")
        waiting = []
        for number, approval in enumerate(items):
            life = self.life(approval)
            moment = next(life, None)
            if moment is not None:
                heapq.heappush(waiting, (moment, number, life))
        while waiting:
            moment, number, life = heapq.heappop(waiting)
            with at(moment):
                following = next(life, None)
            if following is not None:
                heapq.heappush(waiting, (following, number, life))
        return self.moved

    def life(self, approval: Approval):
        """One item's moves up to the last day: yields the moment of each next move, and makes the move when
        resumed (at that moment). An item waits for its (re-)planned start: the moves of the items before
        it may have put it later."""
        rng = self.rng
        agent = approval.agent or approval.project.butler or self.admin
        unit = self.handlers.get(approval.unit_id) or self.admin
        if agent is None or unit is None:
            return
        prepared = self.first_working_day(approval)
        while True:
            if prepared >= self.last_day:
                return
            yield self.moment(prepared, 9)
            approval.refresh_from_db()
            day = max(self.first_working_day(approval), prepared)  # never back in time
            if day == prepared:
                break
            prepared = day
        approval = self.made(lc.approval_prepare(actor=agent, approval=approval))
        accepted = self.day_after(prepared, rng.randint(1, 3))
        if accepted > self.last_day:
            return
        roll = rng.random()
        yield self.moment(accepted, 10)
        if approval.tolerance_allowed and roll < 0.3:
            approval = self.made(lc.approval_accept_with_gap(
                actor=agent, approval=approval, gap="部分申请材料（容缺）", attachments=[_pdf("容缺受理承诺书.pdf")]))
        else:
            approval = self.made(lc.approval_accept(actor=agent, approval=approval,
                                                    attachments=[_pdf("受理通知书.pdf")]))
        if approval.gap_commit_by:
            made_good = self.day_after(accepted, rng.randint(1, (approval.tolerance_days or 3) + 2))
            if made_good > self.last_day:
                return  # the gap still open: flagged once its date has passed
            yield self.moment(made_good, 11)
            approval = self.made(lc.approval_make_good(actor=agent, approval=approval,
                                                       attachments=[_pdf("补齐材料.pdf")]))
        reviewed = self.day_after(max(accepted, approval.gap_made_good_on or accepted), 1)
        if reviewed > self.last_day:
            return
        yield self.moment(reviewed, 14)
        approval = self.made(lc.approval_review(actor=unit, approval=approval))
        if rng.random() < 0.25:  # 补正
            asked = self.day_after(reviewed, 1)
            if asked > self.last_day:
                return
            yield self.moment(asked, 15)
            approval = self.made(lc.approval_request_correction(actor=unit, approval=approval,
                                                                reason="请补充申请材料中的图纸和说明"))
            back = self.day_after(asked, rng.randint(2, 8))
            if back > self.last_day:
                return  # waiting on 补正
            yield self.moment(back, 10)
            approval = self.made(lc.approval_resubmit(actor=agent, approval=approval,
                                                      attachments=[_pdf("补正材料.pdf")]))
            reviewed = back
        if rng.random() < 0.2:  # a review that runs over its committed limit: late, and overdue while open
            used = approval.committed_days + rng.randint(1, 10)
        else:
            used = rng.randint(max(approval.committed_days - 2, 1), approval.committed_days)
        decided = max(self.day_after(approval.accepted_on, used), self.day_after(reviewed, 1))
        if decided > self.last_day:
            return  # under review; overdue where its limit has passed
        refused = rng.random() < 0.06
        yield self.moment(decided, 16)
        if refused:
            self.made(lc.approval_refuse(actor=unit, approval=approval, reason="申请不符合法定条件"))
        else:
            self.made(lc.approval_approve(actor=unit, approval=approval, approved_on=decided,
                                          attachments=[_pdf("批文.pdf")],
                                          document_number=f"咸高审字〔{decided.year}〕{approval.pk:04d}号"))

    def made(self, approval: Approval) -> Approval:
        """Count a move made."""
        self.moved += 1
        return approval


def load_demo_approval_progress(zone, *, seed: int, last_day: dt.date | None = None) -> int:
    """Move the zone's planned handbook items through their life up to `last_day` (default: yesterday);
    how many moves were made."""
    last_day = last_day or (timezone.localdate() - dt.timedelta(days=1))
    return _Replay(zone, seed=seed, last_day=last_day).run()
