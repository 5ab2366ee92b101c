"""The demo zone: Xianyang's published figures, valid codes, the demo logins, determinism and --reset.

The zone is loaded once for the module (inside a transaction rolled back at the end);
each test runs in a savepoint of it.
"""

import hashlib
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import transaction

from guanjia.core.choices import Role
from guanjia.demo import zone as demo
from guanjia.demo.wipe import wipe_database
from guanjia.enterprises.models import Contact, Enterprise, EnterpriseAssignment
from guanjia.enterprises.validators import validate_uscc
from guanjia.org.models import UnitGroup, User, Workstation, Zone
from guanjia.projects.models import Project, ProjectAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo.load_demo_zone()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def fingerprint() -> str:
    """A hash of everything a person would see of the demo zone (not the ids)."""
    rows = [
        *User.objects.order_by("username").values_list(
            "username", "name", "phone", "workstation__name", "unit__name", "enterprise__name"
        ),
        *Workstation.objects.order_by("name").values_list("name", "area", "head__username"),
        *Enterprise.objects.order_by("uscc").values_list(
            "uscc", "name", "industry", "scale", "address", "legal_representative", "workstation__name",
            "butler__username", "contact_leader__username",
        ),
        *Contact.objects.order_by("enterprise__uscc", "name", "phone").values_list(
            "enterprise__uscc", "name", "title", "phone", "is_primary"
        ),
        *Project.objects.order_by("name").values_list(
            "name", "enterprise__uscc", "key_level", "stage", "total_investment", "signed_on", "land_on",
            "started_on", "completed_on", "producing_on", "capacity_on", "butler__username",
            "contact_leader__username",
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def test_xianyang_figures(loaded):
    """Seed 003: 6 workstations, 23 enterprise butlers for 115 规上 enterprises, 47 project butlers for 79 key projects."""
    counts = loaded.counts
    assert counts["workstations"] == 6
    assert counts["enterprise_butlers"] == 23
    assert counts["project_butlers"] == 47
    assert counts["enterprises_above"] == 115
    assert 100 <= counts["enterprises"] - counts["enterprises_above"] <= 140
    assert counts["key_projects"] == 79
    assert counts["projects"] > 79
    assert loaded.zone.name == "咸阳高新区"
    assert demo.demo_counts(loaded.zone) == counts


def test_every_station_has_a_leader_at_its_head(loaded):
    for ws in Workstation.objects.filter(zone=loaded.zone).select_related("head"):
        assert ws.head.has_role(Role.LEADER)
    assert User.objects.filter(zone=loaded.zone, roles=Role.LEADER).count() >= 7


def test_codes_valid_unique_and_names_unique(loaded):
    rows = list(Enterprise.objects.values_list("uscc", "name"))
    codes = [code for code, _name in rows]
    assert all(validate_uscc(code) == code for code in codes)
    assert len(set(codes)) == len(codes)
    assert len({name for _code, name in rows}) == len(rows)
    assert all(code.startswith("916104") for code in codes)  # 市场监管 + enterprise + 咸阳


def test_enterprises_are_served_within_their_station(loaded):
    enterprises = Enterprise.objects.select_related("butler", "contact_leader").prefetch_related("contacts")
    for enterprise in enterprises:
        assert enterprise.workstation_id == enterprise.butler.workstation_id
        assert enterprise.address.startswith("陕西省咸阳市高新区")
        assert enterprise.industry
        assert any(c.is_primary and c.phone for c in enterprise.contacts.all())
        if enterprise.scale == "above":
            assert enterprise.contact_leader.has_role(Role.LEADER)
        enterprise.full_clean()
    # The services wrote the history of the current holders.
    assert EnterpriseAssignment.objects.filter(duty="butler", ended_at=None).count() == enterprises.count()
    assert Enterprise.objects.filter(tags__code="hnte").exists()


def test_projects_are_consistent(loaded):
    levels = set()
    for project in Project.objects.select_related("enterprise", "butler", "contact_leader"):
        project.full_clean()  # dates in order, stage derived from them
        assert project.stage == project.derive_stage()
        assert project.butler.has_role(Role.BUTLER) and project.contact_leader.has_role(Role.LEADER)
        assert project.workstation_id == project.enterprise.workstation_id == project.butler.workstation_id
        assert 1000 <= project.total_investment <= 600_000
        dates = [d for d in (project.signed_on, project.land_on, project.started_on, project.completed_on,
                             project.producing_on, project.capacity_on) if d]
        assert all(d.year in (2023, 2024, 2025, 2026) for d in dates)
        if project.key_level:
            levels.add(project.key_level)
            assert project.enterprise.scale == "above"
    assert levels == {"national", "provincial", "city", "district"}
    assert ProjectAssignment.objects.filter(duty="butler", ended_at=None).count() == Project.objects.count()
    tyre = Project.objects.get(name="年产5.8万套专用轮胎建设项目")
    assert tyre.enterprise.name == "咸阳黄河轮胎橡胶有限公司" and tyre.started_on.isoformat() == "2023-09-18"


def test_units_and_groups(loaded):
    group = UnitGroup.objects.get(zone=loaded.zone, name="要素保障专班")
    assert group.lead.name == "发改局"
    assert {"国网咸阳供电公司", "咸阳市水务集团", "新奥燃气"} <= set(group.partners.values_list("name", flat=True))
    assert UnitGroup.objects.filter(zone=loaded.zone).count() >= 2


def test_written_through_services_with_audit_trail(loaded):
    entries = LogEntry.objects.get_for_objects(Enterprise.objects.all())
    assert entries.count() >= 115
    assert {e.additional_data.get("source") for e in entries[:20]} == {"command"}


def test_demo_accounts_log_in_with_their_roles(loaded, client):
    people = {u.username: u for u in User.objects.filter(username__in=demo.ACCOUNTS)}
    assert set(people) == set(demo.ACCOUNTS)
    for username in demo.ACCOUNTS:
        assert client.login(username=username, password="guanjia-demo"), username
        client.logout()
    expected = {
        "admin": {Role.ADMIN}, "leader": {Role.LEADER}, "butler1": {Role.BUTLER}, "butler2": {Role.BUTLER},
        "unit1": {Role.UNIT}, "unit2": {Role.UNIT}, "supervisor": {Role.SUPERVISOR},
        "ent1": {Role.ENTERPRISE}, "ent2": {Role.ENTERPRISE},
    }
    for username, roles in expected.items():
        assert people[username].role_codes == roles, username
        assert people[username].zone_id == loaded.zone.pk
    assert people["butler1"].workstation_id != people["butler2"].workstation_id
    assert people["unit1"].unit.name == "国网咸阳供电公司"
    assert people["unit2"].unit.name == "自然资源和规划局"
    ent1, ent2 = people["ent1"].enterprise, people["ent2"].enterprise
    assert ent1 != ent2
    assert ent1.butler == people["butler1"] and ent2.butler == people["butler2"]
    # What they see follows: ent1 only its own enterprise, butler1 ent1's but not ent2's.
    assert list(Enterprise.objects.visible_to(people["ent1"])) == [ent1]
    assert Enterprise.objects.visible_to(people["butler1"]).filter(pk=ent1.pk).exists()
    assert not Enterprise.objects.visible_to(people["butler1"]).filter(pk=ent2.pk).exists()


def test_other_people_cannot_log_in(loaded, client):
    others = User.objects.exclude(username__in=demo.ACCOUNTS)
    assert others.count() > 90
    assert not any(person.has_usable_password() for person in others)
    assert not client.login(username="butler3", password="guanjia-demo")


def test_command_on_a_loaded_database_only_prints(loaded):
    before = demo.demo_counts(loaded.zone)
    out = StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    text = out.getvalue()
    assert "guanjia-demo" in text and "http://127.0.0.1:8123/" in text
    for username in demo.ACCOUNTS:
        assert username in text
    assert "李" in text or "王" in text or "企业管家" in text
    assert demo.demo_counts(loaded.zone) == before


def test_reset_reloads_the_same_zone(loaded):
    first = fingerprint()
    Enterprise.objects.filter(pk=Enterprise.objects.first().pk).update(name="被改过的企业")
    out = StringIO()
    call_command("demo", "--reset", "--no-serve", stdout=out)
    assert "已加载 咸阳高新区" in out.getvalue()
    zone = Zone.objects.get()
    assert demo.demo_counts(zone) == loaded.counts
    assert not Enterprise.objects.filter(name="被改过的企业").exists()
    assert fingerprint() == first  # deterministic: the same people, enterprises and projects again


def test_other_zone_is_left_alone(loaded):
    wipe_database()
    Zone.objects.create(name="达州高新区", code="dazhou")
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "--reset" in out.getvalue()
    assert demo.demo_zone() is None


def test_clashing_username_is_refused(loaded):
    wipe_database()
    User.objects.create(username="admin")
    with pytest.raises(CommandError, match="--reset"):
        call_command("demo", "--no-serve", stdout=StringIO())


def test_bad_port_is_refused(loaded):
    with pytest.raises(CommandError, match="端口"):
        call_command("demo", "--no-serve", "--port", "70000", stdout=StringIO())



def test_some_requests_were_rated_unsatisfied_reopened_then_satisfied(loaded):
    """The demo shows 满意率 over every rating: a 不满意 that reopened a request still counts."""
    import datetime as dt

    from django.db.models import Count

    from guanjia.reports.selectors import request_stats
    from guanjia.requests.models import Request, RequestRating

    zone = loaded.zone
    twice = (Request.objects.filter(zone=zone).annotate(n=Count("ratings")).filter(n=2))
    assert twice.exists()
    for request in twice:
        assert list(request.ratings.values_list("rating", flat=True)) == ["unsatisfied", "satisfied"]
        assert request.rating == "satisfied" and request.reopen_count == 1
    requests = Request.objects.filter(zone=zone).exclude(status="merged")
    first_day = requests.order_by("created_at").first().created_at.date()
    stats = request_stats(requests, date_from=first_day, date_to=dt.date.today() + dt.timedelta(days=1))
    assert stats["ratings"] == RequestRating.objects.filter(request__in=requests.filter(accepted_at__isnull=False)
                                                            ).count() > stats["rated"]
    # Below what the current ratings alone read: the 不满意 that reopened a request counts too.
    current = requests.filter(rating__in=["satisfied", "basically_satisfied"]).count()
    assert stats["satisfaction_rate"] < current / stats["rated"]
    assert 0 < stats["first_satisfaction_rate"] < 1 and 0 < stats["reopen_rate"] < 1


def test_the_demo_shows_an_upheld_and_a_dismissed_return(loaded):
    """Issue 14: the center's decisions on a 退单, each replayed through its service."""
    from guanjia.requests.choices import Arbitration
    from guanjia.requests.models import UnitTask
    from guanjia.workflow.models import Event

    tasks = UnitTask.objects.filter(request__zone=loaded.zone)
    for decision, action in ((Arbitration.UPHELD, "uphold_return"), (Arbitration.DISMISSED, "dismiss_return"),
                             (Arbitration.REASSIGNED, "reassign")):
        assert tasks.filter(arbitration=decision).exists(), decision
        assert Event.objects.filter(item__zone=loaded.zone, action=action).exists(), action
    assert tasks.filter(arbitration=Arbitration.DISMISSED).exclude(status="returned").exists()


def test_the_leader_s_hand_is_shown(loaded):
    """The demo's `leader` finds a 直通车 letter about ent1's enterprise escalated and given a 批示 (back with
    unit1's power company, the instruction on top), and a request of ent2's enterprise the leader settled."""
    from guanjia.requests.models import Request
    from guanjia.workflow.models import Event

    people = {p.username: p for p in User.objects.filter(username__in=["leader", "ent1", "ent2", "unit1"])}
    letter = Request.objects.get(zone=loaded.zone, source="letter", addressed_leader=people["leader"],
                                 instruction_count__gt=0)
    assert letter.enterprise_id == people["ent1"].enterprise_id and letter.instructed_by == people["leader"]
    assert letter.status == "in_units" and letter.lead_unit_id == people["unit1"].unit_id
    actions = list(Event.objects.filter(item=letter.item_id).order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["escalate", "instruct"]
    settled = Event.objects.filter(item__zone=loaded.zone, action="resolve", actor=people["leader"]).get()
    request = Request.objects.get(item=settled.item_id)
    assert request.enterprise_id == people["ent2"].enterprise_id and request.status == "resolved"
    assert settled.from_status == "escalated"


def test_promotion_tables_in_every_stage_with_every_light(loaded):
    """Every signed key project has its promotion table (一表制): stages on plan, behind and three months late,
    work done, due soon and overdue, and a task force and 研判会 on the first two (guanjia/demo/promotion.py)."""
    from django.utils import timezone

    from guanjia.meetings.models import Meeting
    from guanjia.promotion import selectors
    from guanjia.promotion.choices import WORK_ITEM_OPEN
    from guanjia.promotion.models import PromotionTable, WorkItem

    zone = loaded.zone
    leader = User.objects.get(username="leader")
    rows = selectors.board(leader)
    assert {row.stage for row in rows if row.table_id} >= {"signed", "land", "started", "completed",
                                                                   "producing", "at_capacity"}
    assert {row.stage_colour for row in rows} >= {"green", "yellow", "red"}
    now = timezone.now()
    items = WorkItem.objects.filter(zone=zone)
    assert items.filter(status="done").exists()
    assert items.filter(status__in=WORK_ITEM_OPEN, due_at__lt=now).exists()
    assert items.filter(status__in=WORK_ITEM_OPEN, due_at__gte=now, item__warn_at__lte=now).exists()
    assert PromotionTable.objects.filter(zone=zone).exclude(task_force=None).distinct().count() == 2
    assert Meeting.objects.filter(zone=zone, kind="review").count() == 2


def test_the_demo_logins_find_the_handbooks_in_their_worklists(loaded):
    """代办 as the demo's people would try it: butler1 and butler2 are proxy agents of handbooks under way, ent1's
    second phase waits for its authorization (委托书), items are overdue and some wait on 补正."""
    from django.utils import timezone

    from guanjia.approvals.choices import OPEN_STATUSES, Status
    from guanjia.approvals.models import Approval, Handbook
    from guanjia.demo.handbooks import SECOND_PHASE_NAME
    from guanjia.tests_support.factories import waiting

    zone = loaded.zone
    for name in ("butler1", "butler2"):
        kinds = {kind for kind, _pk in waiting(User.objects.get(username=name))}
        assert "approval" in kinds, name
    second = Handbook.objects.get(zone=zone, project__name=SECOND_PHASE_NAME)
    assert second.authorized_on is None and second.project.enterprise.name == "咸阳黄河轮胎橡胶有限公司"
    assert ("handbook", second.pk) in waiting(User.objects.get(username="ent1"))
    assert Handbook.objects.filter(zone=zone).exclude(authorized_on=None).count() == Handbook.objects.filter(
        zone=zone).count() - 1
    items = Approval.objects.filter(zone=zone)
    assert items.filter(status=Status.CORRECTING).exists()
    assert items.filter(status__in=OPEN_STATUSES, item__due_at__lt=timezone.now()).exists()
    assert items.filter(status=Status.APPROVED).exists()


def test_the_promotion_tables_and_the_handbooks_tell_one_story(loaded):
    """A project still in its approvals has no work of a stage it has not reached marked done, and its table's
    work items link the handbook items they wait on (the demo audit found 环评批复 done on one, under way on the
    other)."""
    from guanjia.projects.choices import STAGE_DATE_FIELDS
    from guanjia.promotion.models import WorkItem

    zone = loaded.zone
    for item in WorkItem.objects.filter(zone=zone, status="done", project__started_on=None).select_related("project"):
        assert getattr(item.project, dict(STAGE_DATE_FIELDS)[item.stage]) is not None, item.name
    linked = WorkItem.objects.filter(zone=zone).exclude(approvals=None)
    assert linked.exists()
    assert all(a.project_id == w.project_id for w in linked.prefetch_related("approvals") for a in w.approvals.all())


def test_nothing_in_the_demo_happened_after_it_was_loaded(loaded):
    """What the demo did "today" is dated by the time it was loaded, not later in the day (a work item done at
    16:00 when the demo was loaded in the morning read as done in the future)."""
    from django.utils import timezone

    from guanjia.workflow.models import Event

    assert not Event.objects.filter(at__gt=timezone.now()).exists()
