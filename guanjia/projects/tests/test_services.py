from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from guanjia.projects import services
from guanjia.projects.models import Project, ProjectAssignment


def create(world, **overrides):
    data = {"actor": world.admin, "zone": world.zone, "name": "高性能稀土永磁材料基地项目",
            "enterprise": world.ent1, "total_investment": Decimal("58000")}
    data.update(overrides)
    return services.project_create(**data)


def test_stage_follows_the_dates(world):
    import datetime as dt

    project = create(world, signed_on=dt.date(2025, 3, 1), land_on=dt.date(2025, 5, 1),
                     started_on=dt.date(2025, 9, 1), key_level="provincial", butler=world.butler1)
    assert project.stage == "started" and project.is_key
    assert project.workstation == world.ws1  # taken from the enterprise
    services.project_update(actor=world.admin, project=project, completed_on=dt.date(2026, 6, 1))
    project.refresh_from_db()
    assert project.stage == "completed"
    assert ProjectAssignment.objects.filter(project=project, duty="butler", person=world.butler1).exists()


def test_negative_investment_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, total_investment=Decimal("-1"))
    assert error.value.message_dict["total_investment"] == ["总投资不能为负数。"]
    assert not Project.objects.filter(name="高性能稀土永磁材料基地项目").exists()


def test_dates_out_of_order_are_refused(world):
    import datetime as dt

    with pytest.raises(ValidationError) as error:
        create(world, signed_on=dt.date(2025, 5, 1), started_on=dt.date(2025, 3, 1))
    assert "开工日期不能早于签约日期" in error.value.message_dict["started_on"][0]


def test_enterprise_of_another_zone_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, enterprise=world.foreign_enterprise)
    assert "投资企业不在本园区" in error.value.message_dict["enterprise"][0]


def test_unknown_butler_is_refused(world):
    with pytest.raises(ValidationError) as error:
        create(world, butler=world.unit_user1)
    assert "没有“管家”角色" in error.value.message_dict["butler"][0]
