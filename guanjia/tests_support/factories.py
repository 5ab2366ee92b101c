"""factory-boy factories for every model, and `build_world`, the standard small zone used by the tests."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import factory
from stdnum.cn import uscc as stdnum_uscc

from guanjia.core.choices import Role
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Unit, User, Workstation, Zone
from guanjia.projects.models import Project

PASSWORD = "guanjia-test-pw"


def make_uscc(n: int, authority: str = "9") -> str:
    """A valid 统一社会信用代码: authority 9 (市场监管), type 1 (企业), region 610400 (咸阳)."""
    body = f"{authority}1610400{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


class ZoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Zone

    name = factory.Sequence(lambda n: f"测试高新区{n}")
    code = factory.Sequence(lambda n: f"zone{n}")


class WorkstationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workstation

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"第{n}工作站")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "agency"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"人员{n}")
    zone = factory.SubFactory(ZoneFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            self.save()
            if extracted:
                ensure_reference_data()
                self.roles.set(extracted)
            self.__dict__.pop("role_codes", None)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    zone = factory.SubFactory(ZoneFactory)
    name = factory.Sequence(lambda n: f"咸阳测试科技有限公司{n}")
    uscc = factory.Sequence(lambda n: make_uscc(n + 1))
    industry = "C39"
    scale = "above"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    zone = factory.LazyAttribute(lambda o: o.enterprise.zone)
    enterprise = factory.SubFactory(EnterpriseFactory)
    name = factory.Sequence(lambda n: f"测试建设项目{n}")
    total_investment = Decimal("12000.00")


@dataclass
class World:
    zone: Zone
    other_zone: Zone
    ws1: Workstation
    ws2: Workstation
    unit1: Unit
    unit2: Unit
    admin: User
    leader: User
    butler1: User
    butler2: User
    unit_user1: User
    unit_user2: User
    supervisor: User
    ent1: Enterprise
    ent2: Enterprise
    ent1_user: User
    ent2_user: User
    project1: Project
    project2: Project
    foreign_enterprise: Enterprise
    foreign_project: Project
    foreign_admin: User

    def users(self) -> dict[str, User]:
        return {
            "admin": self.admin, "leader": self.leader, "butler1": self.butler1, "butler2": self.butler2,
            "unit1": self.unit_user1, "unit2": self.unit_user2, "supervisor": self.supervisor,
            "ent1": self.ent1_user, "ent2": self.ent2_user,
        }


def build_world() -> World:
    zone = ZoneFactory(name="咸阳高新区", code="xianyang")
    other = ZoneFactory(name="达州高新区", code="dazhou")
    ws1 = WorkstationFactory(zone=zone, name="第一工作站")
    ws2 = WorkstationFactory(zone=zone, name="第二工作站")
    unit1 = UnitFactory(zone=zone, name="供电公司", kind="utility")
    unit2 = UnitFactory(zone=zone, name="自然资源局")
    admin = UserFactory(zone=zone, username="admin", roles=[Role.ADMIN])
    leader = UserFactory(zone=zone, username="leader", roles=[Role.LEADER])
    butler1 = UserFactory(zone=zone, username="butler1", workstation=ws1, roles=[Role.BUTLER])
    butler2 = UserFactory(zone=zone, username="butler2", workstation=ws2, roles=[Role.BUTLER])
    unit_user1 = UserFactory(zone=zone, username="unit1", unit=unit1, roles=[Role.UNIT])
    unit_user2 = UserFactory(zone=zone, username="unit2", unit=unit2, roles=[Role.UNIT])
    supervisor = UserFactory(zone=zone, username="supervisor", roles=[Role.SUPERVISOR])
    ent1 = EnterpriseFactory(zone=zone, name="咸阳黄河轮胎橡胶有限公司", workstation=ws1, butler=butler1,
                             contact_leader=leader)
    ent2 = EnterpriseFactory(zone=zone, name="陕西彩虹新材料有限公司", workstation=ws2, butler=butler2)
    ent1_user = UserFactory(zone=zone, username="ent1", enterprise=ent1, roles=[Role.ENTERPRISE])
    ent2_user = UserFactory(zone=zone, username="ent2", enterprise=ent2, roles=[Role.ENTERPRISE])
    project1 = ProjectFactory(enterprise=ent1, workstation=ws1, butler=butler1, name="年产5.8万套专用轮胎建设项目")
    project2 = ProjectFactory(enterprise=ent2, workstation=ws2, butler=butler2, name="新材料产业园项目")
    foreign_ws = WorkstationFactory(zone=other, name="达州工作站")
    foreign_enterprise = EnterpriseFactory(zone=other, name="四川华升麻业新材料有限公司", workstation=foreign_ws)
    foreign_project = ProjectFactory(enterprise=foreign_enterprise, name="麻业新材料项目")
    foreign_admin = UserFactory(zone=other, username="dz-admin", roles=[Role.ADMIN])
    return World(
        zone, other, ws1, ws2, unit1, unit2, admin, leader, butler1, butler2, unit_user1, unit_user2,
        supervisor, ent1, ent2, ent1_user, ent2_user, project1, project2, foreign_enterprise, foreign_project,
        foreign_admin,
    )


def ensure_reference_data() -> None:
    """The rows migrations create (roles, tags): a transactional test's flush removes them for the next one."""
    import importlib

    from guanjia.enterprises.models import Tag
    from guanjia.org.models import Role

    for code in Role._meta.get_field("code").choices:
        Role.objects.get_or_create(code=code[0])
    for code, name in importlib.import_module("guanjia.enterprises.migrations.0003_tags").TAGS:
        Tag.objects.get_or_create(code=code, defaults={"name": name})


def waiting(person, *, apart: bool = False) -> list[tuple[str, int]]:
    """What waits for `person` in 我的待办, as (kind, the object's id) in the list's order."""
    from guanjia.workflow.selectors import worklist

    return [(row["kind"], row["object_id"]) for row in worklist(person, apart=apart)]


def requests_waiting(person, *, apart: bool = False) -> list[int]:
    """The ids of the requests whose own item waits for `person` (kind `request`), in the list's order."""
    return [pk for kind, pk in waiting(person, apart=apart) if kind == "request"]
