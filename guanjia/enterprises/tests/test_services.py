"""Enterprise services: validation in Chinese, assignment history, archive, audit trail."""

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from guanjia.core.audit import audit_context
from guanjia.enterprises import services
from guanjia.enterprises.models import Enterprise, EnterpriseAssignment, Tag
from guanjia.tests_support.factories import make_uscc


def create(world, **overrides):
    data = {"actor": world.admin, "zone": world.zone, "name": "咸阳偏转精密科技有限公司", "uscc": make_uscc(9001)}
    data.update(overrides)
    return services.enterprise_create(**data)


def test_create_normalises_code_and_records_history(world):
    raw = make_uscc(9001)
    spaced = f" {raw[:8].lower()} {raw[8:]} "
    tags = list(Tag.objects.filter(code__in=["hnte", "srdi"]))
    enterprise = create(world, uscc=spaced, tags=tags, butler=world.butler1, contact_leader=world.leader,
                        workstation=world.ws1, industry="C39", scale="above")
    assert enterprise.uscc == raw
    assert set(enterprise.tags.values_list("code", flat=True)) == {"hnte", "srdi"}
    periods = EnterpriseAssignment.objects.filter(enterprise=enterprise)
    assert {(p.duty, p.person_id, p.ended_at) for p in periods} == {
        ("butler", world.butler1.pk, None), ("contact_leader", world.leader.pk, None)
    }


def test_known_real_code_is_accepted():
    from guanjia.enterprises.validators import validate_uscc

    # The example of GB 32100 used by python-stdnum's own documentation.
    assert validate_uscc("91110000600037341L") == "91110000600037341L"
    # A rural collective (registration authority N) is a real code that stdnum alone would refuse.
    from stdnum.cn import uscc as stdnum_uscc

    body = "N2610400MA0000001"
    assert validate_uscc(body + stdnum_uscc.calc_check_digit(body))


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91110000600037341X", "校验位错误：第18位应为“L”"),
        ("9111000060003734", "应为18位，当前为16位"),
        ("91110000600O37341L", "不允许的字符"),
        ("", "不能为空"),
    ],
)
def test_wrong_codes_get_chinese_messages(world, code, fragment):
    with pytest.raises(ValidationError) as error:
        create(world, uscc=code)
    assert fragment in " ".join(error.value.message_dict["uscc"])
    assert not Enterprise.objects.filter(name="咸阳偏转精密科技有限公司").exists()


def test_duplicate_code_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, uscc=world.ent1.uscc)
    assert error.value.message_dict["uscc"] == ["该统一社会信用代码已登记。"]


def test_butler_outside_zone_or_role_is_refused_and_nothing_written(world):
    with pytest.raises(ValidationError) as error:
        create(world, butler=world.foreign_admin)
    assert "不是本园区人员" in error.value.message_dict["butler"][0]
    with pytest.raises(ValidationError) as error:
        create(world, butler=world.supervisor)
    assert "没有“管家”角色" in error.value.message_dict["butler"][0]
    assert not Enterprise.objects.filter(uscc=make_uscc(9001)).exists()


def test_workstation_of_another_zone_is_refused(world):
    from guanjia.tests_support.factories import WorkstationFactory

    with pytest.raises(ValidationError) as error:
        create(world, workstation=WorkstationFactory(zone=world.other_zone))
    assert "工作站不在本园区" in error.value.message_dict["workstation"][0]


def test_handover_closes_previous_period_and_keeps_reason(world):
    enterprise = create(world, butler=world.butler1)
    services.enterprise_assign_butler(actor=world.admin, enterprise=enterprise, butler=world.butler2,
                                      reason="管家岗位调整")
    periods = list(EnterpriseAssignment.objects.filter(enterprise=enterprise, duty="butler").order_by("pk"))
    assert [p.person for p in periods] == [world.butler1, world.butler2]
    assert periods[0].ended_at is not None and periods[1].ended_at is None
    assert periods[1].reason == "管家岗位调整" and periods[1].assigned_by == world.admin
    enterprise.refresh_from_db()
    assert enterprise.butler == world.butler2
    # Assigning the same person again changes nothing.
    services.enterprise_assign_butler(actor=world.admin, enterprise=enterprise, butler=world.butler2)
    assert EnterpriseAssignment.objects.filter(enterprise=enterprise, duty="butler").count() == 2


def test_update_cannot_touch_butler_directly(world):
    with pytest.raises(TypeError):
        services.enterprise_update(actor=world.admin, enterprise=world.ent1, butler=world.butler2)


def test_archive_and_restore_keep_the_row(world):
    services.enterprise_archive(actor=world.admin, enterprise=world.ent1)
    assert Enterprise.objects.get(pk=world.ent1.pk).is_archived
    assert world.ent1 not in Enterprise.objects.visible_to(world.admin).active()
    services.enterprise_restore(actor=world.admin, enterprise=world.ent1)
    assert not Enterprise.objects.get(pk=world.ent1.pk).is_archived


def test_audit_rows_carry_actor_source_and_changes(world):
    with audit_context(source="api"):
        services.enterprise_update(actor=world.butler1, enterprise=world.ent1, name="咸阳黄河轮胎股份有限公司")
    entry = LogEntry.objects.get_for_object(world.ent1).order_by("-pk").first()
    assert entry.actor == world.butler1
    assert entry.additional_data["source"] == "api"
    assert entry.changes_dict["name"] == ["咸阳黄河轮胎橡胶有限公司", "咸阳黄河轮胎股份有限公司"]


def test_commands_are_the_default_source(world):
    services.enterprise_update(actor=None, enterprise=world.ent2, address="咸阳高新区世纪大道1号")
    entry = LogEntry.objects.get_for_object(world.ent2).order_by("-pk").first()
    assert entry.additional_data["source"] == "command"
