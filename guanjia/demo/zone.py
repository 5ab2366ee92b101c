"""The demo zone: 咸阳高新区 as seed 003 describes it, loaded through the services.

Xianyang (seed 003): 6 workstations (工作站), 23 enterprise butlers for 115 enterprises
above designated size (规上), 47 project butlers for 79 key projects. The demo adds
~120 smaller enterprises (规下), some non-key projects, the units a request meets
(departments, authorities, utilities) and two 1+N groups. Everything is written by the
service functions inside one `audit_context(source="command")`, so the audit trail and
the butler history look as they would after a real import. Same data on every run:
one seeded `random.Random` and one seeded Faker.

Only the demo accounts of API.md get a password (`guanjia-demo`); the ~150 other
generated people have unusable passwords: an administrator sets one to log in as them.
"""

from __future__ import annotations

import itertools
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.core.audit import audit_context
from guanjia.core.choices import AuditSource, Role
from guanjia.demo import names, timeline
from guanjia.demo.codes import random_uscc
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.models import Enterprise, Tag
from guanjia.enterprises.services import contact_save, enterprise_create
from guanjia.org import services as org
from guanjia.org.models import Unit, User, Workstation, Zone
from guanjia.projects.choices import KeyLevel
from guanjia.projects.models import Project
from guanjia.projects.services import project_create

ZONE_NAME = "咸阳高新区"
ZONE_CODE = "xianyang"
PASSWORD = "guanjia-demo"
SEED = 20240329  # the day seed 003's reporters walked the zone

ENTERPRISES_ABOVE = 115
ENTERPRISES_BELOW = 120
ENTERPRISE_BUTLERS = 23
PROJECT_BUTLERS = 47
KEY_PROJECTS = 79
OTHER_PROJECTS = 36
# 79 key projects by level: 国家级 / 省级 / 市级 / 区级.
KEY_LEVELS = {KeyLevel.NATIONAL: 3, KeyLevel.PROVINCIAL: 14, KeyLevel.CITY: 24, KeyLevel.DISTRICT: 38}

# The demo logins of API.md; every other generated person has an unusable password.
ACCOUNTS = ("admin", "leader", "butler1", "butler2", "unit1", "unit2", "supervisor", "ent1", "ent2")
UNIT1, UNIT2 = "国网咸阳供电公司", "自然资源和规划局"

# Two enterprises of the seeds, served by butler1 and butler2 (ent1 and ent2 log in for them).
ANCHOR_ENTERPRISES = (
    ("咸阳黄河轮胎橡胶有限公司", "C29", ("hnte", "srdi")),
    ("陕西咸阳杜克普服装有限公司", "C18", ("hnte",)),
)
# The staff's internal notes (内部备注) on the anchor enterprises: butler1 and butler2 see them, ent1 and ent2 never.
ANCHOR_NOTES = (
    "扩产用地需求尚未对外公开，勿向第三方透露；企业负责人习惯电话沟通，上午联系为宜。",
    "曾与供电公司因电费结算有争议，协调用电事项时先与企业财务核实。",
)
# Seed 003's project: started in September 2023, first line in production at the end of 2024.
ANCHOR_PROJECT = {
    "name": "年产5.8万套专用轮胎建设项目",
    "key_level": KeyLevel.PROVINCIAL,
    "total_investment": 58000,
    "dates": {
        "signed_on": date(2023, 5, 26), "land_on": date(2023, 7, 14), "started_on": date(2023, 9, 18),
        "completed_on": date(2024, 10, 30), "producing_on": date(2024, 12, 26),
    },
    "description": "新厂占地140亩，建设聚氨酯充填轮胎等专用轮胎生产车间及配套设施。",
}


class DemoConflict(Exception):
    """The database already holds people or zones that the demo would collide with."""


@dataclass
class DemoSummary:
    zone: Zone
    counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    sees: str


def demo_zone() -> Zone | None:
    return Zone.objects.filter(code=ZONE_CODE).first()


def load_demo_zone() -> DemoSummary:
    """Create the demo zone with its people, units, enterprises and projects; refuse if it would collide."""
    clash = sorted(User.objects.filter(username__in=ACCOUNTS).values_list("username", flat=True))
    if clash or Zone.objects.filter(code=ZONE_CODE).exists() or Zone.objects.filter(name=ZONE_NAME).exists():
        raise DemoConflict(
            _("数据库中已有演示园区或同名账号（%(what)s），请使用 --reset 清空后重新加载。")
            % {"what": "、".join(clash) or ZONE_NAME}
        )
    started = time.monotonic()
    from guanjia.demo.catalogue import load_catalogue
    from guanjia.demo.promotion import load_demo_promotion
    from guanjia.demo.requests import load_demo_requests
    from guanjia.demo.targets import load_demo_targets
    from guanjia.notifications.receivers import muted

    # A replayed year tells nobody: its notices would all be stale. Muted around the commit too,
    # because notices are sent by after-commit callbacks.
    with muted(), transaction.atomic(), audit_context(source=AuditSource.COMMAND):
        zone = _Loader().load()
        load_catalogue(zone)
        load_demo_requests(zone, seed=SEED)
        load_demo_promotion(zone, seed=SEED)
        load_demo_targets(zone)
        from guanjia.demo.handbooks import load_demo_handbooks

        load_demo_handbooks(zone, seed=SEED)  # after the catalogue: a zone without one gets no handbook
        # The handbooks' items through their life (补正, 容缺, 办结 …): after the handbooks are made and planned.
        from guanjia.demo.approvals_lifecycle import load_demo_approval_progress

        load_demo_approval_progress(zone, seed=SEED)
    return DemoSummary(zone=zone, counts=demo_counts(zone), seconds=time.monotonic() - started)


class _Loader:
    def __init__(self) -> None:
        self.names = names.NameMaker(SEED)
        self.rng = self.names.rng
        self.tags = {tag.code: tag for tag in Tag.objects.all()}

    # People -------------------------------------------------------------------------------
    def person(self, username: str, roles: list[str], *, name: str | None = None, **memberships) -> User:
        demo = username in ACCOUNTS
        return org.person_create(
            actor=None, zone=self.zone, username=username, name=name or self.names.person(unique=True),
            roles=roles, phone=self.names.mobile(), password=PASSWORD if demo else None, validate_pw=False,
            **memberships,
        )

    def load(self) -> Zone:
        self.zone = org.zone_create(name=ZONE_NAME, code=ZONE_CODE, short_name="高新区")
        self.load_organization()
        self.load_enterprises()
        self.load_projects()
        # The shared demo password is public (API.md): outside `guanjia demo` it must be changed first.
        User.objects.filter(zone=self.zone, username__in=ACCOUNTS).update(must_change_password=True)
        return self.zone

    def load_organization(self) -> None:
        # Station heads are the zone's deputy directors (管委会分管副主任); `leader` heads the first station.
        heads = [self.person("leader" if i == 0 else f"leader{i + 1}", [Role.LEADER])
                 for i in range(len(names.WORKSTATIONS))]
        self.director = self.person(f"leader{len(heads) + 1}", [Role.LEADER])  # 管委会主任, 领导小组组长
        self.workstations: list[Workstation] = []
        self.streets: dict[int, tuple[str, ...]] = {}
        for (name, area, streets), head in zip(names.WORKSTATIONS, heads, strict=True):
            ws = org.workstation_create(actor=None, zone=self.zone, name=name, area=area, head=head)
            self.workstations.append(ws)
            self.streets[ws.pk] = streets
        self.head_of = {ws.pk: head for ws, head in zip(self.workstations, heads, strict=True)}

        self.units = {
            name: org.unit_create(actor=None, zone=self.zone, name=name, kind=kind, phone=phone)
            for name, kind, phone in names.UNITS
        }
        for name, lead, partners in names.UNIT_GROUPS:
            org.unit_group_create(
                actor=None, zone=self.zone, name=name, lead=self.units[lead],
                partners=[self.units[p] for p in partners],
            )

        for i in range(3):
            self.person("admin" if i == 0 else f"admin{i + 1}", [Role.ADMIN])
        for i in range(3):  # 督查科 and the discipline office's project supervision secretary
            self.person("supervisor" if i == 0 else f"supervisor{i + 1}", [Role.SUPERVISOR])

        ws_count = len(self.workstations)
        # butler1 … butler23 are the enterprise butlers (企业管家), pbutler01 … the project butlers (项目管家);
        # both spread over the stations in turn, so butler1 and butler2 sit in the first two.
        self.enterprise_butlers = [
            self.person(f"butler{i + 1}", [Role.BUTLER], workstation=self.workstations[i % ws_count])
            for i in range(ENTERPRISE_BUTLERS)
        ]
        self.project_butlers = [
            self.person(f"pbutler{i + 1:02d}", [Role.BUTLER], workstation=self.workstations[i % ws_count])
            for i in range(PROJECT_BUTLERS)
        ]

        # One handler per unit: unit1 for the power company, unit2 for natural resources, then the rest.
        order = [UNIT1, UNIT2] + [name for name, _kind, _phone in names.UNITS if name not in (UNIT1, UNIT2)]
        for i, unit_name in enumerate(order):
            self.person(f"unit{i + 1}", [Role.UNIT], unit=self.units[unit_name])

    # Enterprises --------------------------------------------------------------------------
    def pick_tags(self, scale: str, name: str) -> list[Tag]:
        chosen = []
        for code, rate in names.TAG_RATES[scale].items():
            if code == "listed" and not name.endswith("股份有限公司"):
                continue
            if self.rng.random() < rate:
                chosen.append(self.tags[code])
        return chosen

    def load_enterprises(self) -> None:
        for name, _industry, _tags in ANCHOR_ENTERPRISES:
            self.names.remember_company(name)
        self.enterprises: list[tuple[Enterprise, str]] = []  # (enterprise, brand)
        usccs: set[str] = set()
        plan = [Scale.ABOVE] * ENTERPRISES_ABOVE + [Scale.BELOW] * ENTERPRISES_BELOW
        for i, scale in enumerate(plan):
            butler = self.enterprise_butlers[i % ENTERPRISE_BUTLERS]
            ws = butler.workstation
            note = ""
            if i < len(ANCHOR_ENTERPRISES):
                name, code, tag_codes = ANCHOR_ENTERPRISES[i]
                note = ANCHOR_NOTES[i]
                industry = names.INDUSTRY_BY_CODE[code]
                brand = name.removeprefix("陕西咸阳").removeprefix("咸阳")[:2]
                tags = [self.tags[c] for c in tag_codes]
            else:
                industry = self.names.industry(scale)
                name, brand = self.names.company(industry, scale)
                tags = self.pick_tags(scale, name)
            uscc = random_uscc(self.rng)
            while uscc in usccs:
                uscc = random_uscc(self.rng)
            usccs.add(uscc)
            enterprise = enterprise_create(
                actor=None, zone=self.zone, name=name, uscc=uscc, industry=industry.code, scale=scale,
                tags=tags, address=self.names.address(self.streets[ws.pk]),
                legal_representative=self.names.person(), workstation=ws, butler=butler,
                contact_leader=self.head_of[ws.pk] if scale == Scale.ABOVE else None, internal_note=note,
            )
            self.enterprises.append((enterprise, brand))
            self.add_contacts(enterprise, scale)

        # The enterprise-side demo logins speak for the two anchor enterprises' primary contacts.
        for username, (enterprise, _brand) in zip(("ent1", "ent2"), self.enterprises, strict=False):
            contact = enterprise.contacts.get(is_primary=True)
            org.person_create(
                actor=None, zone=self.zone, username=username, name=contact.name, roles=[Role.ENTERPRISE],
                phone=contact.phone, password=PASSWORD, validate_pw=False, enterprise=enterprise,
            )

    def add_contacts(self, enterprise: Enterprise, scale: str) -> None:
        titles = list(names.CONTACT_TITLES)
        self.rng.shuffle(titles)
        count = 2 if scale == Scale.ABOVE else self.rng.choice((1, 1, 2))
        for k in range(count):
            contact_save(
                actor=None, enterprise=enterprise, name=self.names.person(), title=titles[k],
                phone=self.names.mobile(), is_primary=k == 0,
            )

    # Projects -----------------------------------------------------------------------------
    def load_projects(self) -> None:
        above_by_ws: dict[int, list[tuple[Enterprise, str]]] = {}
        all_by_ws: dict[int, list[tuple[Enterprise, str]]] = {}
        for enterprise, brand in self.enterprises:
            all_by_ws.setdefault(enterprise.workstation_id, []).append((enterprise, brand))
            if enterprise.scale == Scale.ABOVE:
                above_by_ws.setdefault(enterprise.workstation_id, []).append((enterprise, brand))
        # Cycle through each station's enterprises in a shuffled order, so projects spread out.
        cycles = {}
        for key, pool in itertools.chain(
            (((ws, True), p) for ws, p in above_by_ws.items()), (((ws, False), p) for ws, p in all_by_ws.items())
        ):
            pool = list(pool)
            self.rng.shuffle(pool)
            cycles[key] = itertools.cycle(pool)

        levels = [level for level, count in KEY_LEVELS.items() for _n in range(count)]
        levels.remove(ANCHOR_PROJECT["key_level"])
        self.rng.shuffle(levels)
        levels = [ANCHOR_PROJECT["key_level"], *levels] + [KeyLevel.NONE] * OTHER_PROJECTS
        self.names.remember_project(ANCHOR_PROJECT["name"])

        for i, level in enumerate(levels):
            # Every project butler gets projects in turn; the project comes from an enterprise of their station.
            butler = self.project_butlers[i % PROJECT_BUTLERS]
            ws_id = butler.workstation_id
            key = bool(level)
            if i == 0:
                enterprise = self.enterprises[0][0]  # 咸阳黄河轮胎橡胶有限公司, butler1's, in the first station
                fields = {"name": ANCHOR_PROJECT["name"], **ANCHOR_PROJECT["dates"],
                          "description": ANCHOR_PROJECT["description"]}
                investment = Decimal(ANCHOR_PROJECT["total_investment"])
            else:
                enterprise, brand = next(cycles[(ws_id, key)])
                industry = names.INDUSTRY_BY_CODE[enterprise.industry]
                name = self.names.project(industry, brand)
                dates = timeline.stage_dates(self.rng, timeline.pick_stage(self.rng, key=key))
                fields = {"name": name, **dates, "description": self.names.project_description(name, industry)}
                investment = timeline.investment(self.rng, level)
            leader = self.director if level in (KeyLevel.NATIONAL, KeyLevel.PROVINCIAL) else self.head_of[ws_id]
            project_create(
                actor=None, zone=self.zone, enterprise=enterprise, total_investment=investment, key_level=level,
                workstation=enterprise.workstation, address=enterprise.address, butler=butler,
                contact_leader=leader, **fields,
            )


# The login table ----------------------------------------------------------------------------

def demo_accounts() -> list[DemoAccount]:
    """The demo logins with their role and what they see, read from the database."""
    people = {
        p.username: p
        for p in User.objects.filter(username__in=ACCOUNTS, zone__code=ZONE_CODE).select_related(
            "workstation", "unit", "enterprise__butler"
        )
    }
    rows = []
    for username in ACCOUNTS:
        person = people.get(username)
        if person is None:
            continue
        if username == "admin":
            role, sees = _("服务中心管理员"), _("全区：园区配置、单位与目录，派单与仲裁")
        elif username == "leader":
            station = Workstation.objects.filter(head=person).first()
            role = _("园区领导（%(station)s站长）") % {"station": station.name} if station else _("园区领导")
            sees = _("全区所有企业、项目；联系企业与重点项目")
        elif username.startswith("butler"):
            count = Enterprise.objects.filter(butler=person).count()
            role = _("企业管家（%(station)s）") % {"station": person.workstation.name}
            sees = _("本人包抓的%(count)d家企业及本工作站的企业、项目") % {"count": count}
        elif username.startswith("unit"):
            role = _("部门经办人（%(unit)s）") % {"unit": person.unit.name}
            sees = _("转办给本单位的事项")
        elif username == "supervisor":
            role, sees = _("督查人员"), _("全区：督办、检查、问责")
        else:
            enterprise = person.enterprise
            role = _("企业联系人（%(enterprise)s）") % {"enterprise": enterprise.name}
            butler = enterprise.butler
            sees = _("仅本企业的记录")
            if butler:
                sees += _("；企业管家 %(name)s（%(username)s）") % {"name": butler.name, "username": butler.username}
        rows.append(DemoAccount(username, role, sees))
    return rows


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def format_accounts(accounts: list[DemoAccount]) -> str:
    """A plain-text table that lines up in a terminal (Chinese characters are two columns wide)."""
    header = DemoAccount(_("用户名"), _("角色"), _("可见范围"))
    rows = [header, *accounts]
    widths = [max(_width(getattr(r, f)) for r in rows) for f in ("username", "role")]
    lines = []
    for i, row in enumerate(rows):
        lines.append(f"  {_pad(row.username, widths[0])}  {_pad(row.role, widths[1])}  {row.sees}")
        if i == 0:
            lines.append(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * 8}")
    return "\n".join(lines)


def demo_counts(zone: Zone) -> dict[str, int]:
    """What the zone holds, for the command's message and the tests."""
    enterprises = Enterprise.objects.filter(zone=zone)
    projects = Project.objects.filter(zone=zone)
    return {
        "workstations": Workstation.objects.filter(zone=zone).count(),
        "units": Unit.objects.filter(zone=zone).count(),
        "people": User.objects.filter(zone=zone).count(),
        "enterprises": enterprises.count(),
        "enterprises_above": enterprises.filter(scale=Scale.ABOVE).count(),
        "enterprise_butlers": enterprises.exclude(butler=None).order_by().values("butler").distinct().count(),
        "projects": projects.count(),
        "key_projects": projects.exclude(key_level="").count(),
        "project_butlers": projects.exclude(butler=None).order_by().values("butler").distinct().count(),
        "requests": zone.requests.count(),
        "approval_items": zone.approval_items.count(),
    }
