"""Request reads: 我的待办 for every role and for several roles at once, against the rules read row by row."""

import datetime as dt

import pytest
from django.utils import timezone

from guanjia.core.choices import Role
from guanjia.org.models import User
from guanjia.requests import services as s
from guanjia.requests.models import Request, UnitTask
from guanjia.requests.selectors import worklist
from guanjia.tests_support.factories import UserFactory, ZoneFactory

OPEN = {"submitted", "accepted", "transferred", "in_units", "returned", "escalated", "suspended"}


def waits_for(user, r, now) -> bool:
    """Whether the request waits for one of the person's roles (the rules of 我的待办, one by one)."""
    roles = user.role_codes
    running = [c for c in r.clocks.all() if c.stopped_at is None and c.paused_at is None and not c.cancelled]
    return any((
        (user.is_superuser or Role.ADMIN in roles) and (
            r.status == "returned" or (r.status == "submitted" and r.butler_id is None)
            or (r.status == "escalated" and r.escalated_to == "meeting")),
        Role.BUTLER in roles and r.butler_id == user.pk
        and r.status in {"submitted", "accepted", "escalated", "suspended", "in_units"},
        Role.LEADER in roles and (
            (r.status == "escalated" and r.escalated_to in {"leader", "station_head"})
            or (r.addressed_leader_id == user.pk and r.status in OPEN)),
        Role.UNIT in roles and user.unit_id is not None and any(
            t.unit_id == user.unit_id and t.status in {"pending", "signed"} for t in r.unit_tasks.all()),
        Role.ENTERPRISE in roles and (
            r.status == "resolved" or (r.status == "suspended" and r.suspend_reason == "awaiting_material")),
        (user.is_superuser or roles & {Role.ADMIN, Role.LEADER}) and r.status in OPEN
        and any(a.status == "pending" for a in r.extension_applications.all()),
        Role.SUPERVISOR in roles and r.status in OPEN and r.due_at is not None
        and any(c.due_at < now for c in running),
    ))


def expected(user) -> list[tuple]:
    """(id, next deadline) of what is visible to the person and waits for them, soonest deadline first."""
    now = timezone.now()
    visible = set(Request.objects.visible_to(user).values_list("pk", flat=True))
    rows = []
    for r in Request.objects.prefetch_related("unit_tasks", "clocks", "extension_applications"):
        if r.pk in visible and waits_for(user, r, now):
            dues = [c.due_at for c in r.clocks.all() if c.stopped_at is None and c.paused_at is None
                    and not c.cancelled]
            rows.append((r.pk, min(dues, default=None)))
    return sorted(rows, key=lambda row: (row[1] is None, row[1] or now, row[0]))


@pytest.fixture
def seeded(db):
    from guanjia.demo.seed import seed_zone
    from guanjia.demo.seed_requests import seed_requests

    zone = seed_zone(enterprises=80, seed=5).zone
    seed_requests(zone=zone, count=400, seed=5, as_of=timezone.make_aware(dt.datetime(2026, 6, 30, 17, 0)))
    return zone


def people(zone) -> dict[str, User]:
    """One person per role, and people with several roles (a butler who also handles a unit's tasks, …)."""
    def first(role, **filters):
        return User.objects.with_role(role).filter(zone=zone, **filters).order_by("pk").first()

    unit_user = (User.objects.with_role(Role.UNIT).filter(zone=zone, unit__tasks__status__in=["pending", "signed"])
                 .order_by("pk").first())
    butlers = list(User.objects.with_role(Role.BUTLER).filter(zone=zone, owned_requests__isnull=False)
                   .distinct().order_by("pk")[:3])
    resolved = Request.objects.filter(zone=zone, status="resolved").order_by("pk").first()
    found = {"admin": first(Role.ADMIN), "leader": first(Role.LEADER), "butler": butlers[0], "unit": unit_user,
             "enterprise": UserFactory(zone=zone, enterprise=resolved.enterprise, roles=[Role.ENTERPRISE]),
             "supervisor": UserFactory(zone=zone, roles=[Role.SUPERVISOR]),
             "superuser": UserFactory(zone=zone, is_superuser=True)}
    several = {"butler+unit": (butlers[1], [Role.BUTLER, Role.UNIT]),
               "butler+admin+leader+unit+enterprise": (butlers[2], [Role.BUTLER, Role.ADMIN, Role.LEADER, Role.UNIT,
                                                                    Role.ENTERPRISE])}
    for name, (person, roles) in several.items():
        person.unit, person.enterprise = unit_user.unit, resolved.enterprise
        person.save(update_fields=["unit", "enterprise"])
        person.roles.set(roles)
        found[name] = person
    return {name: User.objects.get(pk=person.pk) for name, person in found.items()}  # fresh role_codes


def test_worklist_follows_the_rules_for_every_role_and_several_roles(seeded):
    from guanjia.requests.models import ExtensionApplication

    # 延期申请 pending on open requests (and on a resolved one, which waits for nobody's decision)
    for status in ("in_units", "accepted", "escalated", "resolved"):
        r = Request.objects.filter(zone=seeded, status=status, butler__isnull=False).order_by("-pk").first()
        ExtensionApplication.objects.create(request=r, applicant=r.butler, days=3, reason="等待材料")
    for name, person in people(seeded).items():
        rows = list(worklist(person).values_list("pk", "next_due"))
        assert rows == expected(person), name
        assert worklist(person).count() == len(rows), name
    # the rules are not vacuous: each role finds something in the seeded zone
    assert all(expected(person) for person in people(seeded).values())


def test_a_request_waiting_through_two_roles_is_listed_once(world):
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                              title="用电增容", description="需增容。")
    request = s.request_accept(actor=world.butler1, request=request)
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    request = s.request_unit_sign(actor=world.unit_user1, request=request)
    # butler1 also handles unit1's tasks, and unit1 holds two open tasks on the request
    UnitTask.objects.create(request=request, unit=world.unit1, role="co")
    world.butler1.unit = world.unit1
    world.butler1.save(update_fields=["unit"])
    world.butler1.roles.add(Role.UNIT)
    person = User.objects.get(pk=world.butler1.pk)
    assert [r.pk for r in worklist(person)] == [request.pk]
    assert worklist(person).count() == 1


def test_worklist_of_a_person_without_a_zone_or_role_is_empty(world, django_assert_num_queries):
    nobody = UserFactory(zone=world.zone, roles=[])
    homeless = UserFactory(zone=None, roles=[Role.BUTLER])
    s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                    title="用电增容", description="需增容。")
    for person in (nobody, homeless):
        person = User.objects.get(pk=person.pk)
        person.role_codes  # noqa: B018  (read once, as a request does)
        with django_assert_num_queries(0):
            assert list(worklist(person)) == []


def test_a_butler_moved_to_another_zone_no_longer_finds_the_old_zones_requests(world):
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                              title="用电增容", description="需增容。")
    assert [r.pk for r in worklist(User.objects.get(pk=world.butler1.pk))] == [request.pk]
    world.butler1.zone = ZoneFactory()
    world.butler1.save(update_fields=["zone"])
    assert list(worklist(User.objects.get(pk=world.butler1.pk))) == []  # still its butler, outside the scope
