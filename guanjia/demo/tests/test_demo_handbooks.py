"""Demo handbooks: made from the zone's catalogue for projects not yet started, some items already overdue."""

import datetime as dt

import pytest
from django.utils import timezone

from guanjia.approvals.models import Approval, Handbook
from guanjia.demo.handbooks import load_demo_handbooks
from guanjia.tests_support.approvals import catalogue_item

pytestmark = pytest.mark.django_db


def test_no_catalogue_no_handbook(world):
    assert load_demo_handbooks(world.zone, seed=1) == 0


def test_handbooks_planned_in_the_past_have_overdue_items(world):
    a = catalogue_item(world.zone, world.unit2, name="建设用地规划许可证", committed=5)
    catalogue_item(world.zone, world.unit2, name="建设工程规划许可证", committed=4, prerequisites=[a])
    last_day = dt.date(2026, 11, 30)
    # project1 is named as the demo's anchor, so its enterprise signs a second phase that gets one too
    assert load_demo_handbooks(world.zone, seed=1, last_day=last_day) == 3  # the second phase, project1, project2
    assert load_demo_handbooks(world.zone, seed=1, last_day=last_day) == 0  # once
    first = Handbook.objects.get(project=world.project1)
    assert first.start_on < last_day and first.planned_finish and first.baseline_finish == first.planned_finish
    overdue = [x for x in Approval.objects.filter(handbook__zone=world.zone).select_related("item")
               if x.item.due_at and timezone.localtime(x.item.due_at).date() < last_day]
    assert overdue
