"""我的待办 across workflows: for every role and several roles at once, against the rules read row by row.

The rules below are written out by hand from DOMAIN.md and the issue, not derived from the
duties the workflows write, so that a wrong duty fails here.
"""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from guanjia.core.choices import Role
from guanjia.meetings import services as ms
from guanjia.org.models import User
from guanjia.requests import services as s
from guanjia.requests.models import ExtensionApplication, Request, UnitTask
from guanjia.tests_support.factories import UserFactory, ZoneFactory, waiting
from guanjia.workflow.models import TrackedItem
from guanjia.workflow.selectors import worklist, worklist_counts

OPEN = {"submitted", "accepted", "transferred", "in_units", "returned", "escalated", "suspended"}
BUTLER_ACTS = {"submitted", "accepted", "in_units", "escalated"}


def _running_due(obj, now):
    dues = [c.due_at for c in obj.clocks.all() if c.stopped_at is None and c.paused_at is None and not c.cancelled]
    return min(dues, default=None)


def request_waits(user, r, *, apart: bool) -> bool:
    """Whether a request itself waits for the person (or, `apart`, waits on others while the person follows it)."""
    roles, center = user.role_codes, user.is_superuser or Role.ADMIN in user.role_codes
    owner = (Role.BUTLER in roles and r.butler_id == user.pk) or (center and r.butler_id is None)
    if apart:
        return owner and r.status in {"transferred", "returned", "suspended"}
    return any((
        owner and r.status in BUTLER_ACTS,
        center and (r.status == "returned" or (r.status == "escalated" and r.escalated_to == "meeting")),
        Role.LEADER in roles and r.status == "escalated" and r.escalated_to in {"leader", "station_head"},
        Role.LEADER in roles and r.addressed_leader_id == user.pk and r.status in OPEN,
        Role.ENTERPRISE in roles and user.enterprise_id == r.enterprise_id and (
            r.status == "resolved" or (r.status == "suspended" and r.suspend_reason == "awaiting_material")),
    ))


def expected(user, *, apart: bool = False) -> list[tuple[str, int]]:
    """(kind, id) of what waits for the person, soonest deadline first (then the tracked item's id)."""
    now = timezone.now()
    rows = []  # (due, item id, kind, id)
    if user.zone_id is None:
        return []
    visible = set(Request.objects.visible_to(user).values_list("pk", flat=True))
    for r in Request.objects.filter(zone=user.zone_id):
        due = _running_due(r, now)
        overdue = Role.SUPERVISOR in user.role_codes and not apart and due is not None and due < now and (
            r.status not in {"closed", "merged"})
        if r.pk in visible and (request_waits(user, r, apart=apart) or overdue):
            rows.append((due, r.item_id, "request", r.pk))
    for t in UnitTask.objects.filter(request__zone=user.zone_id, status__in=["pending", "signed"]).select_related(
            "request"):
        due = _running_due(t, now)
        mine = Role.UNIT in user.role_codes and user.unit_id == t.unit_id
        suspended = t.request.status == "suspended"
        overdue = Role.SUPERVISOR in user.role_codes and not apart and due is not None and due < now
        if (mine and suspended == apart) or overdue:
            rows.append((due, t.item_id, "unit_task", t.pk))
    from guanjia.meetings.models import ActionItem

    staff = user.is_superuser or bool(user.role_codes - {Role.ENTERPRISE})
    for item in ActionItem.objects.filter(meeting__zone=user.zone_id, status="open"):
        due = _running_due(item, now)
        owner = (Role.UNIT in user.role_codes and user.unit_id == item.owner_unit_id) or (
            staff and item.owner_person_id == user.pk)
        overdue = Role.SUPERVISOR in user.role_codes and due is not None and due < now
        if not apart and (owner or overdue):
            rows.append((due, item.item_id, "action_item", item.pk))
    if not apart and (user.is_superuser or user.role_codes & {Role.ADMIN, Role.LEADER}):
        for a in ExtensionApplication.objects.filter(request__zone=user.zone_id, status="pending"):
            rows.append((None, a.item_id, "extension_application", a.pk))
    far = now + dt.timedelta(days=10**5)
    return [(kind, pk) for _due, _item, kind, pk in sorted(rows, key=lambda row: (row[0] is None, row[0] or far,
                                                                                  row[1]))]


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
               "butler+admin+leader+unit+enterprise+supervisor": (
                   butlers[2], [Role.BUTLER, Role.ADMIN, Role.LEADER, Role.UNIT, Role.ENTERPRISE, Role.SUPERVISOR])}
    for name, (person, roles) in several.items():
        person.unit, person.enterprise = unit_user.unit, resolved.enterprise
        person.save(update_fields=["unit", "enterprise"])
        person.roles.set(roles)
        found[name] = person
    return {name: User.objects.get(pk=person.pk) for name, person in found.items()}  # fresh role_codes


def test_worklist_follows_the_rules_for_every_role_and_several_roles(seeded):
    # 延期申请 pending on open requests; a suspended request's unit task waits apart.
    for status in ("in_units", "accepted", "escalated"):
        r = Request.objects.filter(zone=seeded, status=status, butler__isnull=False).order_by("-pk").first()
        s.request_apply_extension(actor=r.butler, request=r, days=3, reason="等待材料")
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 6, 30, 17, 30)), tick=False):
        for name, person in people(seeded).items():
            for apart in (False, True):
                assert waiting(person, apart=apart) == expected(person, apart=apart), (name, apart)
            counts = worklist_counts(person)
            rows = waiting(person)
            assert counts == {kind: sum(1 for k, _pk in rows if k == kind) for kind in counts}, name
            assert sum(counts.values()) == len(rows), name
    # the rules are not vacuous: each role finds something in the seeded zone, of every kind
    everyone = people(seeded)
    assert all(expected(person) for person in everyone.values())
    kinds = {kind for person in everyone.values() for kind, _pk in expected(person)}
    assert kinds == {"request", "unit_task", "extension_application", "action_item"}
    assert any(expected(person, apart=True) for person in everyone.values())


def test_the_written_statements_give_what_the_querysets_give(seeded, monkeypatch):
    """The page and the counts are read by statements written once; the querysets are their definition."""
    from guanjia.workflow.selectors import Worklist

    everyone = people(seeded)
    by_statement = {}
    for name, person in everyone.items():
        for kind in (None, "request", "unit_task"):
            for apart in (False, True):
                listed = Worklist(person, kind=kind, apart=apart)
                by_statement[name, kind, apart] = (list(listed[:30]), listed[5:12], listed.counts())
    monkeypatch.setattr(Worklist, "by_statement", property(lambda self: False))
    for (name, kind, apart), found in by_statement.items():
        listed = Worklist(everyone[name], kind=kind, apart=apart)
        assert found == (list(listed[:30]), listed[5:12], listed.counts()), (name, kind, apart)
    assert any(found[0] for found in by_statement.values())


def test_one_list_of_every_kind_soonest_deadline_first(world):
    """A unit's task (its own deadline, not the request's) and a meeting's action item in one unit's list."""
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 3, 2, 9, 0)), tick=False):
        request = s.request_accept(actor=world.butler1, request=s.request_raise(
            actor=world.butler1, enterprise=world.ent1, source="visit", category="factors", title="用电增容",
            description="需增容。"))
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                           unit_due=dt.date(2026, 3, 20))
        meeting = ms.meeting_create(actor=world.butler1, title="增容会办会", starts_at=timezone.now(),
                                    units=[world.unit1], requests=[request])
        ms.meeting_hold(actor=world.butler1, meeting=meeting, minutes="纪要")
        item = ms.action_item_add(actor=world.butler1, meeting=meeting, text="出具方案", owner_unit=world.unit1,
                                  days=3, request=request)
    task = request.unit_tasks.get()
    rows = list(worklist(world.unit_user1))
    assert [(r["kind"], r["object_id"]) for r in rows] == [("action_item", item.pk), ("unit_task", task.pk)]
    assert rows[1]["due_at"] == task.due_at != Request.objects.get(pk=request.pk).due_at
    assert worklist_counts(world.unit_user1) == {"action_item": 1, "unit_task": 1}
    assert [(r["kind"], r["object_id"]) for r in worklist(world.unit_user1, kind="unit_task")] == [
        ("unit_task", task.pk)]
    # The butler follows the request (apart: the unit acts now), not the unit's task.
    assert waiting(world.butler1) == [] and waiting(world.butler1, apart=True) == [("request", request.pk)]


def test_an_item_waiting_through_two_roles_is_listed_once(world):
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="letter", category="factors",
                              title="用电增容", description="需增容。", addressed_leader=world.leader)
    world.leader.roles.add(Role.BUTLER)  # the addressed leader is also its butler
    Request.objects.filter(pk=request.pk).update(butler=world.leader)
    s.request_accept(actor=world.admin, request=request)  # re-syncs its duties: butler:leader and leader:leader
    person = User.objects.get(pk=world.leader.pk)
    assert waiting(person) == [("request", request.pk)]
    assert worklist_counts(person) == {"request": 1}


def test_worklist_of_a_person_without_a_zone_or_role_is_empty(world, django_assert_num_queries):
    nobody = UserFactory(zone=world.zone, roles=[])
    homeless = UserFactory(zone=None, roles=[Role.BUTLER])
    s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                    title="用电增容", description="需增容。")
    for person in (nobody, homeless):
        person = User.objects.get(pk=person.pk)
        person.role_codes  # noqa: B018  (read once, as a request does)
        with django_assert_num_queries(0):
            assert list(worklist(person)) == [] and worklist_counts(person) == {}


def test_a_butler_moved_to_another_zone_no_longer_finds_the_old_zones_requests(world):
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                              title="用电增容", description="需增容。")
    assert waiting(User.objects.get(pk=world.butler1.pk)) == [("request", request.pk)]
    world.butler1.zone = ZoneFactory()
    world.butler1.save(update_fields=["zone"])
    assert waiting(User.objects.get(pk=world.butler1.pk)) == []  # still its butler, outside the scope


def test_a_role_taken_away_takes_its_duties_along(world):
    s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                    title="用电增容", description="需增容。")
    world.butler1.roles.set([Role.SUPERVISOR])
    assert waiting(User.objects.get(pk=world.butler1.pk)) == []  # no longer a butler: nothing of theirs waits


def test_a_suspended_request_s_unit_task_waits_apart(world):
    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="factors", title="用电增容",
        description="需增容。"))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    task = request.unit_tasks.get()
    assert waiting(world.unit_user1) == [("unit_task", task.pk)]
    request = s.request_suspend(actor=world.butler1, request=request, reason="awaiting_material")
    assert waiting(world.unit_user1) == [] and waiting(world.unit_user1, apart=True) == [("unit_task", task.pk)]
    assert waiting(world.ent1_user) == [("request", request.pk)]  # the enterprise must supply the material
    item = TrackedItem.objects.get(pk=task.item_id)
    assert item.paused and item.due_at is None  # its clock stopped counting with the request's
    s.request_resume(actor=world.butler1, request=request)
    assert waiting(world.unit_user1) == [("unit_task", task.pk)] and waiting(world.ent1_user) == []
    item.refresh_from_db()
    assert not item.paused and item.due_at == UnitTask.objects.get(pk=task.pk).due_at


def test_the_page_counts_each_kind_and_lists_what_waits_on_others_under_its_own_tab(client, world):
    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="factors", title="用电增容",
        description="需增容。"))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    s.request_suspend(actor=world.butler1, request=request, reason="policy_pending")
    client.force_login(world.unit_user1)
    page = client.get("/worklist/")
    assert page.context["paginator"].count == 0 and page.context["apart_total"] == 1
    assert 'id="worklist-apart-link"' in page.content.decode()
    apart = client.get("/worklist/?apart=1")
    assert [(r["kind"], r["object_id"]) for r in apart.context["object_list"]] == [
        ("unit_task", request.unit_tasks.get().pk)]
    assert "用电增容" in apart.content.decode()
    api = client.get("/api/v1/worklist/?apart=true").json()
    assert api["count"] == 1 and api["counts"] == {"unit_task": 1} and api["results"][0]["kind"] == "unit_task"
    assert client.get("/api/v1/worklist/?kind=nonsense").status_code == 400


def test_items_of_a_kind_no_longer_registered_are_shown_as_they_are(client, world, django_capture_on_commit_callbacks):
    """Rows left by an app since removed: listed under their bare kind, not linked, never reminded, and a
    notice about one no longer opens it."""
    from guanjia.notifications.models import Notification
    from guanjia.notifications.reminders import reminders_run
    from guanjia.notifications.tests.factories import at
    from guanjia.workflow import clocks
    from guanjia.workflow.models import Duty

    monday = at(2026, 3, 2, 10, 0)
    with time_machine.travel(monday - dt.timedelta(days=28), tick=False):
        late = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                               title="用电增容", description="需增容。")
        item = TrackedItem.objects.create(kind="retired", zone=world.zone, title="旧模块的事项", status="open",
                                          is_open=True)
        clock = clocks.start(item=item, kind="deadline", at=timezone.now(), rule=clocks.Rule(clocks.DAYS, 1))
    TrackedItem.objects.filter(pk=item.pk).update(due_at=clock.due_at)
    Duty.objects.create(item=item, party=f"person:{world.butler1.pk}", actionable=True, zone=world.zone,
                        kind="retired", due_at=clock.due_at)
    with time_machine.travel(monday, tick=False):
        client.force_login(world.butler1)
        page = client.get("/worklist/")
        assert page.status_code == 200 and "旧模块的事项" in page.content.decode()
        row = next(r for r in client.get("/api/v1/worklist/").json()["results"] if r["title"] == "旧模块的事项")
        assert (row["kind_display"], row["status_display"], row["url"]) == ("retired", "open", "")
        with django_capture_on_commit_callbacks(execute=True):
            reminders_run()
        assert Notification.objects.filter(item=late.item_id).exists()  # the run reminded what it handles
        assert not Notification.objects.filter(item=item).exists()
        notice = Notification.objects.create(zone=world.zone, recipient=world.butler1, kind="request_transferred",
                                             title="旧通知", item=item, link="/somewhere/")
        response = client.post(f"/notifications/{notice.pk}/read/", {"open": "1"}, follow=True)
    assert "该事项已不在您的办理范围内" in response.content.decode()
