"""Handbooks: made from the catalogue, planned (baseline kept), edited, re-planned when an item moves."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from guanjia.approvals.choices import Action, Clock, HandbookAction, HandbookStatus, Status
from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.services import handbooks as services
from guanjia.approvals.signals import approval_moved
from guanjia.core.errors import Conflict
from guanjia.tests_support.approvals import catalogue_item
from guanjia.tests_support.factories import waiting
from guanjia.workflow.models import Clock as KernelClock
from guanjia.workflow.models import Event

pytestmark = pytest.mark.usefixtures("thursday_before_mid_autumn")
D = dt.date
START = D(2026, 9, 18)


def made(world, catalogue, **kw):
    return services.handbook_create(actor=kw.pop("actor", world.butler1), project=world.project1, start=START,
                                    **kw)


def rows(handbook):
    return {a.name: a for a in Approval.objects.filter(handbook=handbook)}


def finish(approval, on: D, *, actor=None):
    """What the lifecycle part does when an item is approved, as far as the planner sees it."""
    approval.refresh_from_db()
    approval.status, approval.finished_on = Status.APPROVED, on
    approval.save(update_fields=["status", "finished_on"])
    approval_moved.send(sender=Approval, approval=approval, actor=actor, action=Action.APPROVE)


def handbook_actions(handbook):
    return list(Event.objects.filter(item=handbook.item_id).order_by("pk").values_list("action", flat=True))


@pytest.mark.django_db
def test_made_from_the_catalogue_by_project_type_and_planned_with_a_baseline(world, catalogue):
    catalogue_item(world.zone, world.unit2, name="商业项目专用事项", project_types=["commercial"])
    handbook = made(world, catalogue)
    items = rows(handbook)
    assert set(items) == {e.name for e in catalogue.values()}  # not the commercial projects' item
    assert handbook.agent == world.butler1  # the project's butler by default
    assert handbook.planned_finish == handbook.baseline_finish == D(2026, 10, 12)
    c = items["建设工程规划许可证"]
    assert (c.planned_start, c.planned_due, c.float_days, c.critical) == (D(2026, 9, 28), D(2026, 10, 8), 0, True)
    assert (c.baseline_start, c.baseline_due) == (c.planned_start, c.planned_due)
    assert [p.name for p in c.prerequisites.all()] == ["建设用地规划许可证"]
    assert items["供电报装"].float_days == 4 and not items["供电报装"].critical
    assert handbook_actions(handbook) == [HandbookAction.CREATE, HandbookAction.PLAN]
    assert Event.objects.filter(item=c.item_id, action=Action.PLAN).count() == 1


@pytest.mark.django_db
def test_each_item_not_yet_accepted_runs_a_plan_clock_to_its_planned_due(world, catalogue):
    handbook = made(world, catalogue)
    c = rows(handbook)["建设工程规划许可证"]
    clock = KernelClock.objects.get(item=c.item_id, kind=Clock.PLAN)
    assert timezone.localtime(clock.due_at).date() == D(2026, 10, 8)
    assert timezone.localtime(c.due_at).date() == D(2026, 10, 8)
    c.item.refresh_from_db()
    assert c.item.due_at == clock.due_at
    assert ("approval", c.pk) in waiting(world.butler1)


@pytest.mark.django_db
def test_an_early_finish_replans_what_follows_and_keeps_the_baseline(world, catalogue):
    handbook = made(world, catalogue)
    finish(rows(handbook)["建设用地规划许可证"], D(2026, 9, 22), actor=world.butler1)
    handbook.refresh_from_db()
    items = rows(handbook)
    c, e, b = items["建设工程规划许可证"], items["建筑工程施工许可证"], items["环评批复"]
    assert (c.planned_start, c.planned_due) == (D(2026, 9, 23), D(2026, 9, 29))
    assert (c.baseline_due, e.baseline_due) == (D(2026, 10, 8), D(2026, 10, 12))
    assert e.planned_due == handbook.planned_finish == D(2026, 10, 9)
    assert handbook.baseline_finish == D(2026, 10, 12)
    # A 重新排期 row on each moved open item only; B did not move.
    assert Event.objects.filter(item=c.item_id, action=Action.REPLAN).get().data == {
        "planned_due": ["2026-10-08", "2026-09-29"]}
    assert not Event.objects.filter(item=b.item_id, action=Action.REPLAN).exists()
    assert handbook_actions(handbook)[-1] == HandbookAction.REPLAN
    # The plan clock moved with it: one cancelled, one running to the new date.
    running = KernelClock.objects.get(item=c.item_id, kind=Clock.PLAN, cancelled=False, stopped_at=None)
    assert timezone.localtime(running.due_at).date() == D(2026, 9, 29)
    # The finished item's plan clock stopped.
    a = items["建设用地规划许可证"]
    assert not KernelClock.objects.filter(item=a.item_id, stopped_at=None, cancelled=False).exists()


@pytest.mark.django_db
def test_a_late_finish_moves_the_finish_back(world, catalogue):
    handbook = made(world, catalogue)
    finish(rows(handbook)["建设用地规划许可证"], D(2026, 9, 30))
    handbook.refresh_from_db()
    assert handbook.planned_finish == D(2026, 10, 15)
    assert rows(handbook)["供电报装"].float_days == 7


@pytest.mark.django_db
def test_the_handbook_finishes_when_every_item_has_and_reopens(world, catalogue):
    handbook = made(world, catalogue)
    for name, on in [("建设用地规划许可证", D(2026, 9, 24)), ("环评批复", D(2026, 9, 22)),
                     ("建设工程规划许可证", D(2026, 10, 8)), ("供电报装", D(2026, 9, 24)),
                     ("建筑工程施工许可证", D(2026, 10, 12))]:
        finish(rows(handbook)[name], on)
    handbook.refresh_from_db()
    assert handbook.status == HandbookStatus.FINISHED
    e = rows(handbook)["建筑工程施工许可证"]
    e.status = Status.REVIEWING
    e.save(update_fields=["status"])
    approval_moved.send(sender=Approval, approval=e, actor=None, action=Action.RESUBMIT)
    handbook.refresh_from_db()
    assert handbook.status == HandbookStatus.ACTIVE
    assert HandbookAction.REOPEN in handbook_actions(handbook)


@pytest.mark.django_db
def test_editing_the_items_and_replanning_from_a_new_start(world, catalogue):
    handbook = made(world, catalogue, entries=[catalogue["A"], catalogue["C"]])
    assert handbook.planned_finish == D(2026, 10, 8)
    services.handbook_plan(actor=world.admin, handbook=handbook, start=D(2026, 9, 28),
                           entries=[catalogue["A"], catalogue["C"], catalogue["E"]])
    handbook.refresh_from_db()
    items = rows(handbook)
    assert set(items) == {"建设用地规划许可证", "建设工程规划许可证", "建筑工程施工许可证"}
    assert [p.name for p in items["建筑工程施工许可证"].prerequisites.all()] == ["建设工程规划许可证"]
    # From 9-28: A 9-29..10-10 (5: 9-29, 9-30, 10-8, 10-9, 10-10), C 10-12..10-15, E 10-16..10-20.
    assert items["建设用地规划许可证"].planned_due == D(2026, 10, 10)
    assert handbook.planned_finish == D(2026, 10, 20)
    assert handbook.baseline_finish == D(2026, 10, 8)  # the first plan stays the baseline


@pytest.mark.django_db
def test_an_item_in_progress_cannot_be_removed(world, catalogue):
    handbook = made(world, catalogue)
    a = rows(handbook)["建设用地规划许可证"]
    Approval.objects.filter(pk=a.pk).update(status=Status.PREPARING)
    with pytest.raises(ValidationError) as caught:
        services.handbook_plan(actor=world.butler1, handbook=handbook, entries=[catalogue["B"]])
    assert "建设用地规划许可证" in str(caught.value.message_dict["items"])
    assert Approval.objects.filter(handbook=handbook).count() == 5


@pytest.mark.django_db
def test_prerequisites_stay_acyclic(world, catalogue):
    handbook = made(world, catalogue)
    items = rows(handbook)
    with pytest.raises(ValidationError) as caught:
        services.approval_set_prerequisites(actor=world.butler1, approval=items["建设用地规划许可证"],
                                            prerequisites=[items["建筑工程施工许可证"]])
    message = caught.value.message_dict["prerequisites"][0]
    assert "循环" in message and "建设用地规划许可证" in message and "建筑工程施工许可证" in message
    assert not items["建设用地规划许可证"].prerequisites.exists()
    # A legal edit re-plans: E no longer waits for C.
    services.approval_set_prerequisites(actor=world.butler1, approval=items["建筑工程施工许可证"],
                                        prerequisites=[items["供电报装"]])
    handbook.refresh_from_db()
    assert handbook.planned_finish == D(2026, 10, 8)  # now C (10-8) ends last


@pytest.mark.django_db
def test_refusals(world, catalogue):
    with pytest.raises(ValidationError) as caught:
        services.handbook_create(actor=world.admin, project=world.foreign_project, start=START)
    assert "其他园区" in str(caught.value)
    with pytest.raises(PermissionDenied):
        made(world, catalogue, actor=world.butler2)
    with pytest.raises(PermissionDenied):
        made(world, catalogue, actor=world.ent1_user)
    foreign = catalogue_item(world.other_zone, world.unit1, name="外区事项")
    with pytest.raises(ValidationError) as caught:
        made(world, catalogue, entries=[foreign])
    assert "外区事项" in str(caught.value)
    with pytest.raises(ValidationError):
        made(world, catalogue, agent=world.ent1_user)
    with pytest.raises(ValidationError):
        services.handbook_create(actor=world.butler1, project=world.project1, start=D(2099, 1, 1))
    assert not Handbook.objects.exists()
    made(world, catalogue)
    with pytest.raises(Conflict):
        made(world, catalogue)


@pytest.mark.django_db
def test_the_enterprise_uploads_its_authorization(world, catalogue):
    handbook = made(world, catalogue)
    assert ("handbook", handbook.pk) in waiting(world.ent1_user)
    letter = SimpleUploadedFile("委托书.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.handbook_authorize(actor=world.ent1_user, handbook=handbook, uploads=[letter])
    handbook.refresh_from_db()
    assert handbook.authorized_on == D(2026, 9, 17)
    event = Event.objects.filter(item=handbook.item_id, action=HandbookAction.AUTHORIZE).get()
    assert [a.name for a in event.attachments.all()] == ["委托书.pdf"]
    assert ("handbook", handbook.pk) not in waiting(world.ent1_user)
    with pytest.raises(PermissionDenied):
        services.handbook_authorize(actor=world.ent2_user, handbook=handbook, uploads=[
            SimpleUploadedFile("委托书.pdf", b"%PDF-1.4", content_type="application/pdf")])
    with pytest.raises(ValidationError):
        services.handbook_authorize(actor=world.ent1_user, handbook=handbook, uploads=[])


@pytest.mark.django_db
def test_another_agent_takes_over(world, catalogue):
    handbook = made(world, catalogue)
    services.handbook_change_agent(actor=world.admin, handbook=handbook, agent=world.butler2)
    assert set(Approval.objects.filter(handbook=handbook).values_list("agent", flat=True)) == {world.butler2.pk}
    c = rows(handbook)["建设工程规划许可证"]
    assert ("approval", c.pk) in waiting(world.butler2)


@pytest.mark.django_db
def test_loading_next_years_holidays_replans_a_provisional_handbook(world, catalogue,
                                                                   django_capture_on_commit_callbacks):
    from guanjia.core.calendar import calendar_load_year

    handbook = services.handbook_create(actor=world.butler1, project=world.project1, start=D(2026, 12, 28),
                                        entries=[catalogue["A"]])
    # 12-29, 12-30, 12-31, (元旦 on the provisional calendar, the weekend), 1-4, 1-5.
    assert handbook.provisional and handbook.planned_finish == D(2027, 1, 5)
    with django_capture_on_commit_callbacks(execute=True):
        # A notice that (for the test's sake) gives 1-1 to 1-4 off: the fifth working day becomes 1-6.
        calendar_load_year(actor=world.admin, year=2027, holidays=[((D(2027, 1, 1), D(2027, 1, 4)), "元旦")],
                           workdays=[], source="test")
    handbook.refresh_from_db()
    assert handbook.planned_finish == D(2027, 1, 6) and not handbook.provisional
    assert handbook.baseline_finish == D(2027, 1, 5)
    assert handbook_actions(handbook)[-1] == HandbookAction.REPLAN


@pytest.mark.django_db
def test_a_plan_that_cannot_be_made_never_refuses_the_items_move(world, catalogue):
    handbook = made(world, catalogue)
    before = handbook_actions(handbook)
    # Finished on a date past the provisional year: the calendar cannot count from it.
    finish(rows(handbook)["建设用地规划许可证"], D(2030, 1, 7))
    handbook.refresh_from_db()
    assert handbook.planned_finish == D(2026, 10, 12) and handbook_actions(handbook) == before
    assert rows(handbook)["建设用地规划许可证"].status == Status.APPROVED


@pytest.mark.django_db
def test_an_overdue_plan_is_reminded_by_the_reminder_job(world, catalogue):
    import time_machine

    from guanjia.approvals.tests.conftest import at
    from guanjia.notifications.models import Notification
    from guanjia.notifications.reminders import reminders_run

    made(world, catalogue)
    # Friday 10-9, 10:00: A (due 9-24), B (9-22), D (9-24) and C (10-8) are overdue on the plan.
    with time_machine.travel(at(2026, 10, 9, 10, 0), tick=False):
        summary = reminders_run()
    assert summary
    reminded = set(Notification.objects.filter(item__kind="approval").values_list("recipient", flat=True))
    assert world.butler1.pk in reminded
