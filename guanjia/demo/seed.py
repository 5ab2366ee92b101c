"""A realistic dataset of any size for benchmarks (`guanjia seed`), deterministic for a given seed.

Services are too slow for 100 000 enterprises (a dozen queries each), so this writes
with `bulk_create` in batches inside one transaction, with the audit log off. It still
produces what the services would: valid unique 统一社会信用代码, industries of the
catalogue, stage dates in order with the stage derived from them, butlers and leaders
holding the right roles in the right zone, and the assignment history rows of the
current holders. `tests/test_seed.py` runs `full_clean()` on a sample to keep it so.

Same seed, same data — in a database without rows of that seed already; running a seed
again adds enterprises whose codes skip the ones taken.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from guanjia.core.bulk import models_of, refresh_statistics
from guanjia.core.choices import Role
from guanjia.core.models import AssignmentBase
from guanjia.demo import names, timeline
from guanjia.demo.codes import seeded_uscc
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.models import Contact, Enterprise, EnterpriseAssignment, Tag
from guanjia.org.models import Unit, User, Workstation, Zone
from guanjia.projects.choices import KeyLevel
from guanjia.projects.models import Project, ProjectAssignment

BATCH_SIZE = 2000
PROGRESS_EVERY = 10_000
ABOVE_SHARE = 0.3  # 规上 among generated enterprises
KEY_SHARE = 0.35  # key projects among generated projects
KEY_LEVEL_WEIGHTS = {KeyLevel.NATIONAL: 2, KeyLevel.PROVINCIAL: 12, KeyLevel.CITY: 30, KeyLevel.DISTRICT: 56}
SEED_REASON = "入库"


@dataclass
class SeedResult:
    zone: Zone
    enterprises: int
    projects: int
    contacts: int
    people: int  # people created by this run (0 when the zone already had its staff)
    seconds: float


@dataclass
class _Staff:
    """Who serves in the zone, by workstation id."""

    workstations: list[int]
    streets: dict[int, tuple[str, ...]]
    enterprise_butlers: dict[int, list[int]]
    project_butlers: dict[int, list[int]]
    head: dict[int, int | None]
    director: int | None
    created: int = 0
    serving: list[int] = field(default_factory=list)  # workstations that have butlers


def seed_zone(
    *,
    enterprises: int,
    projects: int | None = None,
    seed: int = 1,
    zone_name: str | None = None,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Generate `enterprises` enterprises (and `projects`, default a fifth as many) into a zone."""
    if enterprises < 1:
        raise ValueError("enterprises must be at least 1")
    projects = enterprises // 5 if projects is None else projects
    if projects < 0:
        raise ValueError("projects may not be negative")
    report = progress or (lambda message: None)
    started = time.monotonic()
    maker = names.NameMaker(seed, city_prefixes=names.CITY_PREFIXES_SEED, extra_brands=True)
    with transaction.atomic(), disable_auditlog():
        zone = _zone(seed, zone_name)
        staff = _ensure_staff(zone, maker, enterprises=enterprises, projects=projects, batch_size=batch_size)
        generator = _Generator(zone, staff, maker, seed=seed, batch_size=batch_size, report=report)
        generator.enterprises(enterprises)
        generator.projects(projects)
    # The planner's statistics for what was just loaded: without them PostgreSQL read the 企业库 page of
    # 100 000 enterprises in 226 ms instead of 32 ms.
    refresh_statistics(models=models_of("enterprises", "projects", "org"), vacuum=True)
    return SeedResult(
        zone=zone, enterprises=enterprises, projects=projects, contacts=generator.contacts,
        people=staff.created, seconds=time.monotonic() - started,
    )


def _zone(seed: int, zone_name: str | None) -> Zone:
    name = zone_name or f"压测高新区{seed}"
    zone = Zone.objects.filter(name=name).first()
    if zone:
        return zone
    code, n = f"seed-{seed}"[:30], 1
    while Zone.objects.filter(code=code).exists():
        n += 1
        code = f"seed-{seed}-{n}"[:30]
    zone = Zone(name=name, code=code, short_name=name[:50])
    zone.full_clean()
    zone.save()
    return zone


def _ensure_staff(zone: Zone, maker: names.NameMaker, *, enterprises: int, projects: int, batch_size: int) -> _Staff:
    """Use the zone's workstations, butlers and leaders; create what is missing, scaled to the data."""
    rng = maker.rng
    created = 0
    roles = User.roles.through

    def people(prefix: str, count: int, role: str, workstations: list[int] | None = None) -> list[int]:
        nonlocal created
        batch = [
            User(
                username=f"{zone.code}-{prefix}{i + 1:05d}", name=maker.person(), phone=maker.mobile(), zone=zone,
                workstation_id=workstations[i % len(workstations)] if workstations else None,
                password=make_password(None),
            )
            for i in range(count)
        ]
        User.objects.bulk_create(batch, batch_size=batch_size)
        roles.objects.bulk_create([roles(user_id=u.pk, role_id=role) for u in batch], batch_size=batch_size)
        created += count
        return [u.pk for u in batch]

    leaders = list(User.objects.filter(zone=zone, roles=Role.LEADER).order_by("pk").values_list("pk", flat=True))
    workstations = list(Workstation.objects.filter(zone=zone, archived_at=None).order_by("pk"))
    if not workstations:
        count = min(60, max(2, math.ceil(enterprises / 2000)))
        heads = people("ld", count + 1, Role.LEADER)
        leaders = heads
        presets = names.WORKSTATIONS
        workstations = []
        for i in range(count):
            if i < len(presets):
                ws_name, area, _streets = presets[i]
            else:
                ws_name, area = f"第{i + 1}工作站", ""
            workstations.append(Workstation(zone=zone, name=ws_name, area=area, head_id=heads[i + 1]))
        Workstation.objects.bulk_create(workstations)
    elif not leaders:
        leaders = people("ld", len(workstations) + 1, Role.LEADER)
        for ws, head in zip(workstations, leaders[1:], strict=False):
            ws.head_id = head
        Workstation.objects.bulk_update(workstations, ["head"])
    ws_ids = [ws.pk for ws in workstations]
    streets = {}
    for ws in workstations:
        preset = next((p for p in names.WORKSTATIONS if p[0] == ws.name), None)
        streets[ws.pk] = preset[2] if preset else tuple(rng.sample(names.STREETS, 3))

    if not Unit.objects.filter(zone=zone).exists():
        Unit.objects.bulk_create(
            [Unit(zone=zone, name=name, kind=kind, phone=phone) for name, kind, phone in names.UNITS]
        )

    existing = list(
        User.objects.filter(zone=zone, roles=Role.BUTLER, is_active=True, workstation__isnull=False)
        .order_by("pk").values_list("pk", "workstation_id")
    )
    enterprise_butlers: dict[int, list[int]] = {}
    project_butlers: dict[int, list[int]] = {}
    if existing:  # the zone's own butlers serve both enterprises and projects
        for pk, ws_id in existing:
            enterprise_butlers.setdefault(ws_id, []).append(pk)
            project_butlers.setdefault(ws_id, []).append(pk)
    else:  # Xianyang's ratio is ~10 enterprises and ~2 projects per butler; benchmarks use fuller portfolios
        ids = people("eb", max(len(ws_ids), math.ceil(enterprises / 40)), Role.BUTLER, ws_ids)
        for i, pk in enumerate(ids):
            enterprise_butlers.setdefault(ws_ids[i % len(ws_ids)], []).append(pk)
        ids = people("pb", max(len(ws_ids), math.ceil(projects / 15)), Role.BUTLER, ws_ids)
        for i, pk in enumerate(ids):
            project_butlers.setdefault(ws_ids[i % len(ws_ids)], []).append(pk)

    head = {ws.pk: ws.head_id or (leaders[0] if leaders else None) for ws in workstations}
    staff = _Staff(
        workstations=ws_ids, streets=streets, enterprise_butlers=enterprise_butlers,
        project_butlers=project_butlers, head=head, director=leaders[0] if leaders else None, created=created,
    )
    staff.serving = [ws for ws in ws_ids if ws in enterprise_butlers] or ws_ids
    return staff


@dataclass
class _Ent:
    """What the project step needs to know of an enterprise, without keeping 100 000 model objects."""

    pk: int
    workstation: int
    industry: str
    scale: str
    brand: str
    address: str


class _Generator:
    def __init__(self, zone: Zone, staff: _Staff, maker: names.NameMaker, *, seed: int, batch_size: int, report):
        self.zone, self.staff, self.maker, self.rng = zone, staff, maker, maker.rng
        self.seed, self.batch_size, self.report = seed, batch_size, report
        self.tags = dict(Tag.objects.values_list("code", "pk"))
        self.now = timezone.now()
        self.counter = 0  # next USCC counter of this seed
        self.made: list[_Ent] = []
        self.contacts = 0

    def _codes(self, count: int) -> list[str]:
        """The next `count` codes of this seed that are not in the database yet."""
        codes: list[str] = []
        while len(codes) < count:
            candidates = [seeded_uscc(self.seed, self.counter + k) for k in range(count - len(codes))]
            self.counter += len(candidates)
            taken = set(Enterprise.objects.filter(uscc__in=candidates).values_list("uscc", flat=True))
            codes.extend(code for code in candidates if code not in taken)
        return codes

    def _progress(self, what: str, before: int, after: int, total: int) -> None:
        if after // PROGRESS_EVERY > before // PROGRESS_EVERY or after == total:
            self.report(_("%(what)s：%(done)s/%(total)s") % {"what": what, "done": f"{after:,}", "total": f"{total:,}"})

    # Enterprises --------------------------------------------------------------------------
    def enterprises(self, total: int) -> None:
        done = 0
        while done < total:
            size = min(self.batch_size, total - done)
            self._enterprise_batch(size)
            self._progress(pgettext("plural", "企业"), done, done + size, total)
            done += size

    def _enterprise_batch(self, size: int) -> None:
        rng, maker, staff = self.rng, self.maker, self.staff
        rows: list[Enterprise] = []
        extras = []  # (brand, tag codes, contact count) per row
        for code in self._codes(size):
            scale = Scale.ABOVE if rng.random() < ABOVE_SHARE else Scale.BELOW
            industry = maker.industry(scale)
            name, brand = maker.company(industry, scale)
            ws = rng.choice(staff.serving)
            butler = rng.choice(staff.enterprise_butlers[ws]) if ws in staff.enterprise_butlers else None
            rows.append(Enterprise(
                zone_id=self.zone.pk, name=name, uscc=code, industry=industry.code, scale=scale,
                address=maker.address(staff.streets[ws]), legal_representative=maker.person(),
                workstation_id=ws, butler_id=butler,
                contact_leader_id=staff.head[ws] if scale == Scale.ABOVE else None,
                created_at=self.now,
            ))
            tags = [
                tag for tag, rate in names.TAG_RATES[scale].items()
                if (tag != "listed" or name.endswith("股份有限公司")) and rng.random() < rate
            ]
            extras.append((brand, tags, 2 if scale == Scale.ABOVE else rng.choice((1, 1, 2))))
        Enterprise.objects.bulk_create(rows, batch_size=self.batch_size)

        tag_rows, contacts, history = [], [], []
        through = Enterprise.tags.through
        for enterprise, (brand, tags, contact_count) in zip(rows, extras, strict=True):
            tag_rows.extend(through(enterprise_id=enterprise.pk, tag_id=self.tags[t]) for t in tags if t in self.tags)
            titles = rng.sample(names.CONTACT_TITLES, contact_count)
            for k in range(contact_count):
                contacts.append(Contact(
                    enterprise_id=enterprise.pk, name=maker.person(), title=titles[k], phone=maker.mobile(),
                    is_primary=k == 0, created_at=self.now,
                ))
            for duty, person in ((AssignmentBase.Duty.BUTLER, enterprise.butler_id),
                                 (AssignmentBase.Duty.CONTACT_LEADER, enterprise.contact_leader_id)):
                if person:
                    history.append(EnterpriseAssignment(
                        enterprise_id=enterprise.pk, duty=duty, person_id=person, started_at=self.now,
                        reason=SEED_REASON,
                    ))
            self.made.append(_Ent(enterprise.pk, enterprise.workstation_id, enterprise.industry, enterprise.scale,
                                  brand, enterprise.address))
        through.objects.bulk_create(tag_rows, batch_size=self.batch_size)
        Contact.objects.bulk_create(contacts, batch_size=self.batch_size)
        EnterpriseAssignment.objects.bulk_create(history, batch_size=self.batch_size)
        self.contacts += len(contacts)

    # Projects -----------------------------------------------------------------------------
    def projects(self, total: int) -> None:
        if not total:
            return
        above = [e for e in self.made if e.scale == Scale.ABOVE] or self.made
        levels, weights = list(KEY_LEVEL_WEIGHTS), list(KEY_LEVEL_WEIGHTS.values())
        done = 0
        while done < total:
            size = min(self.batch_size, total - done)
            self._project_batch(size, above, levels, weights)
            self._progress(_("项目"), done, done + size, total)
            done += size

    def _project_batch(self, size: int, above: list[_Ent], levels: list[str], weights: list[int]) -> None:
        rng, maker, staff = self.rng, self.maker, self.staff
        rows: list[Project] = []
        for _n in range(size):
            key = rng.random() < KEY_SHARE
            level = rng.choices(levels, weights)[0] if key else KeyLevel.NONE
            ent = rng.choice(above if key else self.made)
            industry = names.INDUSTRY_BY_CODE[ent.industry]
            name = maker.project(industry, ent.brand)
            pool = staff.project_butlers.get(ent.workstation) or next(iter(staff.project_butlers.values()), None)
            project = Project(
                zone_id=self.zone.pk, name=name, enterprise_id=ent.pk,
                total_investment=timeline.investment(rng, level), key_level=level, workstation_id=ent.workstation,
                butler_id=rng.choice(pool) if pool else None,
                contact_leader_id=(staff.director if level in (KeyLevel.NATIONAL, KeyLevel.PROVINCIAL)
                                   else staff.head.get(ent.workstation)),
                address=ent.address, description=maker.project_description(name, industry), created_at=self.now,
                **timeline.stage_dates(rng, timeline.pick_stage(rng, key=key)),
            )
            project.stage = project.derive_stage()
            rows.append(project)
        Project.objects.bulk_create(rows, batch_size=self.batch_size)
        history = [
            ProjectAssignment(project_id=p.pk, duty=duty, person_id=person, started_at=self.now, reason=SEED_REASON)
            for p in rows
            for duty, person in ((AssignmentBase.Duty.BUTLER, p.butler_id),
                                 (AssignmentBase.Duty.CONTACT_LEADER, p.contact_leader_id))
            if person
        ]
        ProjectAssignment.objects.bulk_create(history, batch_size=self.batch_size)
