"""Targets, year plans and monthly investment: what each role may write and every bad input refused."""

import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError

from guanjia.targets import services as s
from guanjia.targets.models import InvestmentReport, Target
from guanjia.tests_support.factories import ProjectFactory

TODAY = dt.date(2025, 11, 15)


def errors(call, **kwargs) -> dict:
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    return caught.value.message_dict


@pytest.fixture
def project(world):
    return ProjectFactory(enterprise=world.ent1, workstation=world.ws1, butler=world.butler1,
                          total_investment=Decimal("1000"))


def report(actor, project, month, amount, note="", today=TODAY):
    return s.investment_report(actor=actor, project=project, month=month, amount=amount, note=note, today=today)


# Targets ------------------------------------------------------------------------------------------------------

def test_admin_sets_each_kind_and_a_custom_count(world):
    a, z = world.admin, world.zone
    for kind, value in (("new_starts", 20), ("in_production", 20), ("agreements_signed", 40),
                        ("investment", "150000.5")):
        s.target_create(actor=a, zone=z, year=2025, kind=kind, value=value)
    custom = s.target_create(actor=a, zone=z, year=2025, kind="custom", label=" 新增规上企业 ", value=8, actual=3)
    assert custom.label == "新增规上企业" and custom.actual == 3
    assert Target.objects.filter(zone=z, year=2025).count() == 5
    assert LogEntry.objects.get_for_object(custom).get().actor == a


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"kind": "custom", "label": "", "value": 1}, "label", "自定义指标须填写指标名称"),
    ({"kind": "new_starts", "value": -1}, "value", "不能为负数"),
    ({"kind": "new_starts", "value": "2.5"}, "value", "整数"),
    ({"kind": "new_starts", "value": "abc"}, "value", "请填写数字"),
    ({"kind": "bogus", "value": 1}, "kind", "指标须为"),
    ({"kind": "new_starts", "value": 1, "year": 1999}, "year", "年度须为"),
    ({"kind": "custom", "label": "investment", "value": 1}, "label", "系统指标"),
])
def test_bad_targets_are_refused_by_their_field(world, fields, field, message):
    fields = {"year": 2025, **fields}
    found = errors(s.target_create, actor=world.admin, zone=world.zone, **fields)
    assert message in found[field][0]
    assert not Target.objects.exists()


def test_a_second_target_of_a_kind_is_refused_and_set_replaces_it(world):
    a, z = world.admin, world.zone
    s.target_create(actor=a, zone=z, year=2025, kind="new_starts", value=20)
    assert "已有该指标" in errors(s.target_create, actor=a, zone=z, year=2025, kind="new_starts", value=3)["kind"][0]
    target = s.target_set(actor=a, zone=z, year=2025, kind="new_starts", value=22)
    assert target.value == 22 and Target.objects.count() == 1


def test_only_admins_of_the_zone_set_targets(world):
    for person in (world.leader, world.butler1, world.supervisor, world.ent1_user):
        with pytest.raises(PermissionDenied):
            s.target_create(actor=person, zone=world.zone, year=2025, kind="new_starts", value=1)
    assert "本园区" in errors(s.target_create, actor=world.admin, zone=world.other_zone, year=2025,
                              kind="new_starts", value=1)["zone"][0]


# Year plans ---------------------------------------------------------------------------------------------------

def test_year_plan_by_admin_or_its_butler(world, project):
    s.investment_plan_set(actor=world.butler1, project=project, year=2025, amount=400)
    plan = s.investment_plan_set(actor=world.admin, project=project, year=2025, amount=500)
    assert plan.amount == 500 and project.investment_plans.count() == 1
    for person in (world.butler2, world.leader, world.ent1_user):
        with pytest.raises(PermissionDenied):
            s.investment_plan_set(actor=person, project=project, year=2025, amount=1)
    assert "不能为负数" in errors(s.investment_plan_set, actor=world.admin, project=project, year=2025,
                                 amount=-1)["amount"][0]


# Monthly investment -------------------------------------------------------------------------------------------

def test_butler_and_enterprise_report_a_month_and_a_correction_replaces_it(world, project):
    first, created = report(world.butler1, project, "2025-10", 120)
    assert created and first.month == dt.date(2025, 10, 1) and first.reported_by == world.butler1
    again, created = report(world.ent1_user, project, dt.date(2025, 10, 17), 130)
    assert not created and again.pk == first.pk and again.amount == 130 and again.reported_by == world.ent1_user
    assert InvestmentReport.objects.count() == 1
    trail = list(LogEntry.objects.get_for_object(again).order_by("timestamp", "pk"))
    assert [e.actor for e in trail] == [world.butler1, world.ent1_user]
    assert "amount" in trail[-1].changes_dict  # what it said before is kept


def test_who_may_report(world, project):
    for person in (world.butler2, world.leader, world.supervisor, world.ent2_user, world.unit_user1):
        with pytest.raises(PermissionDenied):
            report(person, project, "2025-10", 1)
    report(world.admin, project, "2025-09", 1)


@pytest.mark.parametrize(("month", "amount", "field", "message"), [
    ("2025-12", 10, "month", "未来月份"),
    ("2025-13", 10, "month", "月份格式"),
    ("sept", 10, "month", "月份格式"),
    ("2025-10", -5, "amount", "不能为负数"),
    ("2025-10", "", "amount", "请填写"),
    ("2025-10", "1e400", "amount", "数值过大"),
])
def test_bad_reports_are_refused(world, project, month, amount, field, message):
    found = errors(report, actor=world.butler1, project=project, month=month, amount=amount)
    assert message in found[field][0]
    assert not InvestmentReport.objects.exists()


def test_passing_the_total_needs_a_confirmation_note(world, project):
    report(world.butler1, project, "2025-09", 600)
    found = errors(report, actor=world.butler1, project=project, month="2025-10", amount=401)
    assert "超过项目总投资" in found["note"][0] and InvestmentReport.objects.count() == 1
    report(world.butler1, project, "2025-10", 400)  # exactly the total is fine
    corrected, _created = report(world.butler1, project, "2025-10", 500, note="追加设备投资，已报发改局调整概算")
    assert corrected.amount == 500
    # A correction is checked against the other months only: 600 + 300 is within the total.
    assert report(world.butler1, project, "2025-10", 300)[0].note == ""


def test_an_archived_project_takes_no_report_or_plan(world, project):
    from guanjia.projects.services import project_archive

    project = project_archive(actor=world.admin, project=project)
    assert "已归档" in errors(report, actor=world.butler1, project=project, month="2025-10", amount=1)["project"][0]
    assert "已归档" in errors(s.investment_plan_set, actor=world.admin, project=project, year=2025,
                              amount=1)["project"][0]
