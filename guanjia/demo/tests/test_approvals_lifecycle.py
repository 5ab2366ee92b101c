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
        book = handbook(project, entries, start=dt.date(2026, 6, 1) + dt.timedelta(days=10 * n))
        for order, approval in enumerate(book.approvals.order_by("order")):
            approval.planned_start = book.start_on + dt.timedelta(days=4 * order)
            approval.save(update_fields=["planned_start"])


def test_items_reach_every_state_and_the_replay_is_deterministic(world):
    _books(world)
    moved = load_demo_approval_progress(world.zone, seed=7, last_day=dt.date(2026, 9, 15))
    assert moved > 0
    statuses = set(Approval.objects.values_list("status", flat=True))
    assert {Status.APPROVED, Status.CORRECTING, Status.REVIEWING, Status.NOT_STARTED} <= statuses
    assert Approval.objects.filter(gap_commit_by__isnull=False).exists()
    # Some open items are past their committed limit on the last day (overdue, reminded, red).
    assert Approval.objects.filter(status__in=[Status.REVIEWING, Status.ACCEPTED],
                                   due_at__date__lt=dt.date(2026, 9, 15)).exists()
    assert Approval.objects.filter(status=Status.APPROVED, working_days_used__isnull=False).exists()


def test_the_moves_are_made_in_time_order_across_handbooks(world):
    """A handbook's timeline reads in order: its items' moves, and the re-plans they cause, were made one
    after the other in time, whichever item or handbook they belong to (the last re-plan is the plan shown)."""
    from guanjia.approvals.choices import HandbookAction
    from guanjia.approvals.models import Handbook
    from guanjia.workflow.models import Event

    _books(world)
    before = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    load_demo_approval_progress(world.zone, seed=7, last_day=dt.date(2026, 9, 15))
    moments = list(Event.objects.filter(pk__gt=before).order_by("pk").values_list("at", flat=True))
    assert len(moments) > 50
    assert moments == sorted(moments)
    replanned = 0
    for book in Handbook.objects.filter(zone=world.zone):
        last = (Event.objects.filter(item=book.item_id, action=HandbookAction.REPLAN, pk__gt=before)
                .order_by("-at", "-pk").first())
        if last is not None:
            replanned += 1
            assert last.data["planned_finish"] == book.planned_finish.isoformat()
    assert replanned
