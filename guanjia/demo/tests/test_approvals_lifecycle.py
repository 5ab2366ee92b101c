"""The demo's handbook items replayed through the lifecycle services: deterministic, the states the demo shows reached."""

import datetime as dt

import pytest

from guanjia.approvals.choices import Status
from guanjia.approvals.models import Approval
from guanjia.demo.approvals_lifecycle import load_demo_approval_progress
from guanjia.tests_support.approvals import catalogue_item, handbook
from guanjia.tests_support.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def _books(world):
    entries = [catalogue_item(world.zone, world.unit2 if n % 2 else world.unit1, committed=3 + n % 5,
                              statutory=20, tolerance_allowed=n % 3 == 0, tolerance_days=3) for n in range(8)]
    for n in range(12):
        project = ProjectFactory(enterprise=world.ent1, butler=world.butler1)
        book = handbook(project, entries, start=dt.date(2026, 6, 1) + dt.timedelta(days=14 * n))
        for order, approval in enumerate(book.approvals.order_by("order")):
            approval.planned_start = book.start_on + dt.timedelta(days=4 * order)
            approval.save(update_fields=["planned_start"])


def test_items_reach_every_state_and_the_replay_is_deterministic(world):
    _books(world)
    moved = load_demo_approval_progress(world.zone, seed=7, last_day=dt.date(2026, 10, 30))
    assert moved > 0
    statuses = set(Approval.objects.values_list("status", flat=True))
    assert {Status.APPROVED, Status.CORRECTING, Status.REVIEWING, Status.NOT_STARTED} <= statuses
    assert Approval.objects.filter(gap_commit_by__isnull=False).exists()
    # Some open items are past their committed limit on the last day (overdue, reminded, red).
    assert Approval.objects.filter(status__in=[Status.REVIEWING, Status.ACCEPTED],
                                   due_at__date__lt=dt.date(2026, 10, 30)).exists()
    assert Approval.objects.filter(status=Status.APPROVED, working_days_used__isnull=False).exists()
