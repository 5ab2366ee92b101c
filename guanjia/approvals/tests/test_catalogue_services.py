"""The catalogue's services: every bad input refused with its message by its field, nothing written."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from guanjia.approvals.models import ApprovalItem
from guanjia.approvals.services import catalogue as services
from guanjia.core.errors import Conflict
from guanjia.demo.catalogue import load_catalogue
from guanjia.tests_support.factories import UnitFactory


def _new(world, name="施工图审查", **fields):
    values = {"unit": world.unit2, "stage": "construction", "list_type": "approval", "statutory_days": 20,
              "committed_days": 5}
    values.update(fields)
    return services.approval_item_create(actor=world.admin, zone=world.zone, name=name, **values)


def _refused(call) -> dict:
    before = ApprovalItem.objects.count(), ApprovalItem.prerequisites.through.objects.count()
    with pytest.raises(ValidationError) as error:
        call()
    assert (ApprovalItem.objects.count(), ApprovalItem.prerequisites.through.objects.count()) == before
    return error.value.message_dict


def test_create_and_audit(world):
    plan = _new(world, "建设工程规划许可证", stage="planning")
    item = _new(world, prerequisites=[plan], tolerance_allowed=True, tolerance_days=3, project_types=["industrial"],
                materials="施工图设计文件\n勘察成果文件")
    assert list(item.prerequisites.all()) == [plan] and list(plan.dependents.all()) == [item]
    entries = LogEntry.objects.get_for_object(item)  # the row, then its prerequisites
    assert entries.count() == 2 and {e.actor for e in entries} == {world.admin}


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"committed_days": 0}, "committed_days", "时限须至少为 1 个工作日。"),
    ({"statutory_days": -3}, "statutory_days", "时限须至少为 1 个工作日。"),
    ({"statutory_days": 400, "committed_days": 5}, "statutory_days", "时限不能超过 365 个工作日。"),
    ({"statutory_days": 5, "committed_days": 10}, "committed_days",
     "承诺时限（10 个工作日）不能超过法定时限（5 个工作日）。"),
    ({"tolerance_allowed": True}, "tolerance_days", "可容缺受理的事项须填写容缺补齐时限（工作日）。"),
    ({"tolerance_allowed": False, "tolerance_days": 3}, "tolerance_days", "不可容缺受理的事项不填写容缺补齐时限。"),
    ({"tolerance_allowed": True, "tolerance_days": 0}, "tolerance_days", "时限须至少为 1 个工作日。"),
    ({"stage": "moon"}, "stage", None),
    ({"project_types": ["rocket"]}, "project_types", "未知的项目类型：rocket。"),
])
def test_bad_limits_and_choices(world, fields, field, message):
    errors = _refused(lambda: _new(world, **fields))
    assert field in errors, errors
    if message:
        assert message in errors[field]


def test_name_unit_and_prerequisites_of_the_zone(world):
    _new(world)
    assert "本园区清单中已有名为“施工图审查”的事项。" in _refused(lambda: _new(world))["name"]
    assert "name" in _refused(lambda: _new(world, name="  "))
    foreign_unit = UnitFactory(zone=world.other_zone, name="达州住建局")
    assert _refused(lambda: _new(world, "消防设计审查", unit=foreign_unit))["unit"] == ["审批部门须为本园区的单位。"]
    foreign = ApprovalItem.objects.create(zone=world.other_zone, unit=foreign_unit, name="达州事项", stage="land",
                                          statutory_days=5, committed_days=5)
    assert _refused(lambda: _new(world, "消防设计审查", prerequisites=[foreign]))["prerequisites"] == [
        "前置事项须为本园区清单中的事项。"]


def test_an_archived_unit_is_not_chosen_again(world):
    item = _new(world)
    world.unit2.archived_at = world.unit2.updated_at
    world.unit2.save()
    assert _refused(lambda: _new(world, "消防设计审查"))["unit"] == ["单位“自然资源局”已归档，不能再作为审批部门。"]
    # An item already with it is still edited.
    assert services.approval_item_update(actor=world.admin, item=item, committed_days=4).committed_days == 4


def test_itself_and_a_cycle_are_refused_with_the_cycle_named(world):
    a = _new(world, "甲")
    b = _new(world, "乙", prerequisites=[a])
    c = _new(world, "丙", prerequisites=[b])
    assert _refused(lambda: services.approval_item_update(actor=world.admin, item=a, prerequisites=[a]))[
        "prerequisites"] == ["事项不能以自身为前置事项。"]
    errors = _refused(lambda: services.approval_item_update(actor=world.admin, item=a, prerequisites=[c],
                                                            committed_days=3))
    assert errors["prerequisites"] == ["前置事项不能形成循环：甲 → 乙 → 丙 → 甲"]
    a.refresh_from_db()
    assert a.committed_days == 5 and not a.prerequisites.exists()  # nothing written
    # A two-step cycle, told from the item being edited.
    errors = _refused(lambda: services.approval_item_update(actor=world.admin, item=b, prerequisites=[a, c]))
    assert errors["prerequisites"] == ["前置事项不能形成循环：乙 → 丙 → 乙"]


def test_update_keeps_prerequisites_unless_given(world):
    a = _new(world, "甲")
    b = _new(world, "乙", prerequisites=[a])
    b = services.approval_item_update(actor=world.admin, item=b, committed_days=2, name=" 乙二 ")
    assert (b.name, b.committed_days, list(b.prerequisites.all())) == ("乙二", 2, [a])
    b = services.approval_item_update(actor=world.admin, item=b, prerequisites=[])
    assert not b.prerequisites.exists()


def test_archive_refused_while_a_current_item_requires_it(world):
    a = _new(world, "甲")
    b = _new(world, "乙", prerequisites=[a])
    with pytest.raises(Conflict, match="“甲”是以下在册事项的前置事项：乙"):
        services.approval_item_archive(actor=world.admin, item=a)
    services.approval_item_archive(actor=world.admin, item=b)
    services.approval_item_archive(actor=world.admin, item=a)
    a.refresh_from_db()
    assert a.is_archived
    # An archived item cannot become a new prerequisite, but an item keeps one it has.
    c = _new(world, "丙")
    assert "已归档的事项不能作为前置事项：甲。" in _refused(
        lambda: services.approval_item_update(actor=world.admin, item=c, prerequisites=[a]))["prerequisites"]
    services.approval_item_update(actor=world.admin, item=b, prerequisites=[a], committed_days=4)
    services.approval_item_restore(actor=world.admin, item=a)
    a.refresh_from_db()
    assert not a.is_archived


def test_demo_catalogue(world):
    items = load_catalogue(world.zone, actor=world.admin)
    assert 25 <= len(items) <= 40
    assert {"建设用地规划许可证", "建设工程规划许可证", "施工图审查", "消防设计审查", "质量安全监督备案",
            "建筑工程施工许可证", "竣工联合验收", "企业投资项目备案", "排污许可", "通信报装"} <= set(items)
    for item in items.values():
        assert 1 <= item.committed_days <= item.statutory_days <= 365
        assert item.unit.zone_id == world.zone.pk
    # Dazhou: drawings review, fire review, quality filing and the construction permit within 5 working days.
    for name in ("施工图审查", "消防设计审查", "质量安全监督备案", "建筑工程施工许可证"):
        assert items[name].committed_days <= 5
    assert set(items["建筑工程施工许可证"].prerequisites.values_list("name", flat=True)) == {
        "消防设计审查", "质量安全监督备案", "人防工程设计审查"}
    assert {i.list_type for i in items.values()} == {"approval", "materials", "utility"}
