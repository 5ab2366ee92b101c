"""Services of the promotion table: the hand-over against hand-worked dates on the official calendar, each
work-item move and its timeline row, stage moves and every bad order, plans, the task force."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanjia.core.errors import Conflict
from guanjia.projects.choices import Stage
from guanjia.promotion import services
from guanjia.promotion.choices import TableAction, WorkItemAction, WorkItemStatus
from guanjia.promotion.models import WorkItem
from guanjia.promotion.tests.factories import HAND_OVER, at, handed_over, travel
from guanjia.tests_support.factories import UserFactory
from guanjia.workflow.models import Clock, Duty, Event

pytestmark = pytest.mark.django_db


def _events(obj) -> list[str]:
    return list(Event.objects.filter(item=obj.item_id).order_by("pk").values_list("action", flat=True))


def _item(table, name):
    return WorkItem.objects.get(table=table, name=name)


def test_hand_over_makes_the_table_from_the_template(world):
    table = handed_over(world)
    assert table.status == Stage.SIGNED
    assert _events(table) == [TableAction.HAND_OVER]
    rows = {w.name: w for w in WorkItem.objects.filter(table=table)}
    assert list(rows) == ["完成土地挂牌出让", "供电接入方案答复", "取得施工许可证"]
    land = rows["完成土地挂牌出让"]
    # 5 working days from Tue 2026-09-29, 次日起算: 09-30, 10-08, 10-09, 10-10 (make-up Saturday), 10-12.
    assert land.due_on == dt.date(2026, 10, 12)
    assert timezone.localtime(land.due_at).date() == dt.date(2026, 10, 12)
    assert land.responsible == world.butler1 and land.unit == world.unit2
    clock = Clock.objects.get(item=land.item_id)
    assert clock.due_at == land.due_at and clock.warn == 3
    # Due soon from the third working day before the due day: 10-08 (10-10 and 10-09 counted first).
    assert timezone.localtime(clock.warn_at) == at(dt.date(2026, 10, 8), 0)
    assert _events(land) == [WorkItemAction.ADD]
    assert set(Duty.objects.filter(item=land.item_id).values_list("party", flat=True)) == {
        f"person:{world.butler1.pk}", f"unit:{world.unit2.pk}"}


def test_hand_over_refusals(world):
    handed = handed_over(world)
    with travel(HAND_OVER), pytest.raises(Conflict):
        services.table_hand_over(actor=world.admin, project=handed.project, handed_over_on=HAND_OVER)
    project = world.project2
    with travel(HAND_OVER), pytest.raises(ValidationError) as error:
        services.table_hand_over(actor=world.admin, project=project, handed_over_on=HAND_OVER)
    assert "尚未签约" in str(error.value)
    project.signed_on = dt.date(2026, 9, 30)
    project.save()
    with travel(HAND_OVER), pytest.raises(ValidationError) as error:
        services.table_hand_over(actor=world.admin, project=project, handed_over_on=HAND_OVER)
    assert "不能早于签约日期" in str(error.value)
    with travel(HAND_OVER), pytest.raises(ValidationError) as error:
        services.table_hand_over(actor=world.admin, project=project, handed_over_on=dt.date(2026, 10, 9))
    assert "不能晚于今天" in str(error.value)
    with travel(HAND_OVER), pytest.raises(PermissionDenied):
        services.table_hand_over(actor=world.butler1, project=project, handed_over_on=HAND_OVER)


def test_work_item_moves_and_their_timeline(world):
    table = handed_over(world)
    item = _item(table, "完成土地挂牌出让")
    with travel(dt.date(2026, 10, 8)):
        item = services.work_item_start(actor=world.unit_user2, work_item=item, comment="已启动")
        assert item.status == WorkItemStatus.IN_PROGRESS
        item = services.work_item_complete(actor=world.unit_user2, work_item=item, done_on=dt.date(2026, 10, 8))
        assert item.status == WorkItemStatus.DONE and item.done_on == dt.date(2026, 10, 8)
        assert not Clock.objects.filter(item=item.item_id, stopped_at__isnull=True).exists()
        assert not Duty.objects.filter(item=item.item_id).exists()
        item = services.work_item_reopen(actor=world.butler1, work_item=item, reason="挂牌被撤回",
                                         due_on=dt.date(2026, 10, 30))
        assert item.status == WorkItemStatus.IN_PROGRESS and item.done_on is None
        assert item.due_on == dt.date(2026, 10, 30)
        item = services.work_item_update(actor=world.butler1, work_item=item, name="重新挂牌出让",
                                         due_on=dt.date(2026, 11, 6), unit=world.unit1)
        assert item.due_on == dt.date(2026, 11, 6) and timezone.localtime(item.due_at).date() == dt.date(2026, 11, 6)
        running = Clock.objects.get(item=item.item_id, stopped_at__isnull=True, cancelled=False)
        assert running.due_at == item.due_at
        item = services.work_item_cancel(actor=world.butler1, work_item=item, reason="不再需要")
        assert item.status == WorkItemStatus.CANCELLED
    assert _events(item) == [WorkItemAction.ADD, WorkItemAction.START, WorkItemAction.COMPLETE,
                             WorkItemAction.REOPEN, WorkItemAction.UPDATE, WorkItemAction.CANCEL]
    assert Event.objects.filter(item=item.item_id, action=WorkItemAction.COMPLETE).get().to_status == "done"


def test_refused_work_item_moves(world):
    table = handed_over(world)
    item = _item(table, "取得施工许可证")
    with travel(dt.date(2026, 10, 8)):
        with pytest.raises(Conflict):
            services.work_item_reopen(actor=world.butler1, work_item=item, reason="x")
        with pytest.raises(PermissionDenied):  # unit2 answers for another item, not this one
            services.work_item_start(actor=world.unit_user1, work_item=item)
        with pytest.raises(PermissionDenied):
            services.work_item_cancel(actor=world.unit_user2, work_item=_item(table, "完成土地挂牌出让"), reason="x")
        with pytest.raises(ValidationError) as error:
            services.work_item_complete(actor=world.butler1, work_item=item, done_on=dt.date(2026, 10, 9))
        assert "不能晚于今天" in str(error.value)
        with pytest.raises(ValidationError):
            services.work_item_complete(actor=world.butler1, work_item=item, done_on=dt.date(2026, 9, 1))
        with pytest.raises(ValidationError) as error:
            services.work_item_cancel(actor=world.butler1, work_item=item, reason=" ")
        assert "理由" in str(error.value)
        with pytest.raises(ValidationError) as error:
            services.work_item_update(actor=world.butler1, work_item=item, due_on=dt.date(2026, 10, 1))
        assert "不能早于今天" in str(error.value)
        services.work_item_complete(actor=world.butler1, work_item=item, done_on=dt.date(2026, 10, 8))
        with pytest.raises(Conflict):
            services.work_item_complete(actor=world.butler1, work_item=item, done_on=dt.date(2026, 10, 8))
    assert _events(item) == [WorkItemAction.ADD, WorkItemAction.COMPLETE]


def test_add_a_work_item_by_hand(world):
    table = handed_over(world)
    with travel(dt.date(2026, 10, 8)):
        item = services.work_item_add(actor=world.butler1, table=table, stage=Stage.STARTED, name="施工图审查",
                                      due_on=dt.date(2026, 10, 31), responsible=world.unit_user1, unit=world.unit1)
        # 10-31 is a Saturday: the deadline is the close of the last working day on or before it.
        assert timezone.localtime(item.due_at).date() == dt.date(2026, 10, 30)
        with pytest.raises(ValidationError) as error:
            services.work_item_add(actor=world.butler1, table=table, stage="negotiating", name="",
                                   due_on=dt.date(2026, 9, 1), responsible=world.ent1_user)
        assert set(error.value.message_dict) == {"name", "stage", "due_on", "responsible"}
        foreign = UserFactory(zone=world.other_zone, roles=["butler"])
        with pytest.raises(ValidationError):
            services.work_item_add(actor=world.butler1, table=table, stage=Stage.LAND, name="x",
                                   due_on=dt.date(2026, 10, 30), responsible=foreign)
    assert _events(item) == [WorkItemAction.ADD]


def test_stage_moves_set_the_projects_dates_and_the_tables_status(world):
    table = handed_over(world)
    with travel(dt.date(2026, 11, 2)):
        table = services.stage_move(actor=world.butler1, table=table, stage=Stage.LAND, on=dt.date(2026, 10, 20))
        assert table.status == Stage.LAND
        table = services.stage_move(actor=world.leader, table=table, stage=Stage.STARTED, on=dt.date(2026, 11, 2))
    world.project1.refresh_from_db()
    assert world.project1.land_on == dt.date(2026, 10, 20) and world.project1.stage == Stage.STARTED
    assert table.status == Stage.STARTED
    assert _events(table) == [TableAction.HAND_OVER, TableAction.MOVE_STAGE, TableAction.MOVE_STAGE]
    event = Event.objects.filter(item=table.item_id, action=TableAction.MOVE_STAGE).last()
    assert (event.from_status, event.to_status, event.data["on"]) == (Stage.LAND, Stage.STARTED, "2026-11-02")


@pytest.mark.parametrize(("stage", "on", "message"), [
    (Stage.LAND, dt.date(2026, 8, 31), "不能早于签约日期"),        # before the previous stage's date
    (Stage.STARTED, dt.date(2026, 8, 1), "不能早于签约日期"),       # no start before signing
    (Stage.PRODUCING, dt.date(2026, 10, 1), "尚未竣工"),           # no production before completion
    (Stage.AT_CAPACITY, dt.date(2026, 10, 1), "尚未投产"),
    (Stage.COMPLETED, dt.date(2026, 10, 1), "尚未开工"),
    (Stage.LAND, dt.date(2026, 12, 1), "不能晚于今天"),             # not in the future
    (Stage.LAND, None, "请填写"),
])
def test_stage_moves_that_make_no_sense_are_refused(world, stage, on, message):
    table = handed_over(world)
    with travel(dt.date(2026, 11, 2)), pytest.raises(ValidationError) as error:
        services.stage_move(actor=world.butler1, table=table, stage=stage, on=on)
    assert message in str(error.value)
    world.project1.refresh_from_db()
    assert world.project1.stage == Stage.SIGNED and _events(table) == [TableAction.HAND_OVER]


def test_a_stage_already_reached_is_corrected_not_moved(world):
    table = handed_over(world)
    with travel(dt.date(2026, 11, 2)):
        services.stage_move(actor=world.butler1, table=table, stage=Stage.STARTED, on=dt.date(2026, 10, 20))
        with pytest.raises(Conflict):
            services.stage_move(actor=world.butler1, table=table, stage=Stage.LAND, on=dt.date(2026, 10, 10))
        with pytest.raises(ValidationError) as error:  # a correction keeps the order too
            services.stage_correct(actor=world.butler1, table=table, stage=Stage.SIGNED, on=dt.date(2026, 10, 21),
                                   reason="录入有误")
        assert "不能晚于开工日期" in str(error.value)
        with pytest.raises(ValidationError):
            services.stage_correct(actor=world.butler1, table=table, stage=Stage.STARTED, on=dt.date(2026, 10, 19),
                                   reason="")
        table = services.stage_correct(actor=world.butler1, table=table, stage=Stage.STARTED,
                                       on=dt.date(2026, 10, 19), reason="以施工许可证为准")
        table = services.stage_correct(actor=world.butler1, table=table, stage=Stage.STARTED, on=None,
                                       reason="尚未真正开工")
    assert table.status == Stage.SIGNED
    assert _events(table)[-2:] == [TableAction.CORRECT_STAGE, TableAction.CORRECT_STAGE]


def test_planned_dates_stay_in_stage_order(world):
    table = handed_over(world)
    with travel(dt.date(2026, 10, 8)):
        with pytest.raises(ValidationError) as error:
            services.stages_plan(actor=world.butler1, table=table, planned={
                Stage.STARTED: dt.date(2026, 12, 1), Stage.COMPLETED: dt.date(2026, 11, 1)})
        assert "计划竣工日期不能早于计划开工日期" in str(error.value)
        services.stages_plan(actor=world.butler1, table=table, planned={
            Stage.LAND: dt.date(2026, 10, 15), Stage.STARTED: dt.date(2026, 12, 1)}, comment="按协议")
        with pytest.raises(PermissionDenied):
            services.stages_plan(actor=world.butler2, table=table, planned={Stage.LAND: dt.date(2026, 10, 16)})
    world.project1.refresh_from_db()
    assert world.project1.planned_started_on == dt.date(2026, 12, 1)
    assert _events(table) == [TableAction.HAND_OVER, TableAction.PLAN_STAGES]


def test_task_force(world):
    table = handed_over(world)
    with travel(dt.date(2026, 10, 8)):
        services.task_force_set(actor=world.leader, table=table, members=[world.butler1, world.unit_user1])
        with pytest.raises(ValidationError):
            services.task_force_set(actor=world.leader, table=table, members=[world.ent1_user])
    assert set(table.task_force.all()) == {world.butler1, world.unit_user1}
    assert _events(table) == [TableAction.HAND_OVER, TableAction.TASK_FORCE]


def test_links_to_requests_and_approvals_of_the_same_project(world):
    from guanjia.tests_support.approvals import catalogue_item, handbook

    table = handed_over(world)
    item = _item(table, "完成土地挂牌出让")
    book = handbook(world.project1, [catalogue_item(world.zone, world.unit2)], start=HAND_OVER)
    other = handbook(world.project2, [catalogue_item(world.zone, world.unit2)], start=HAND_OVER)
    services.work_item_link(actor=world.butler1, work_item=item, approvals=list(book.approvals.all()))
    assert list(item.approvals.all()) == list(book.approvals.all())
    with pytest.raises(ValidationError):
        services.work_item_link(actor=world.butler1, work_item=item, approvals=list(other.approvals.all()))


def test_deadlines_moved_are_mirrored(world):
    table = handed_over(world)
    item = _item(table, "完成土地挂牌出让")
    WorkItem.objects.filter(pk=item.pk).update(due_on=dt.date(2000, 1, 1), due_at=at(dt.date(2000, 1, 1)))
    services.mirror_deadlines([item.item_id])
    item.refresh_from_db()
    assert item.due_on == dt.date(2026, 10, 12)


def test_notices_and_reminders(world):
    from guanjia.promotion.workflow import _table_notices, _work_item_notices

    table = handed_over(world)
    hand_over = Event.objects.get(item=table.item_id, action=TableAction.HAND_OVER)
    (notice,) = _table_notices(hand_over)
    assert {world.butler1, world.unit_user1, world.unit_user2} <= set(notice.recipients)
    item = _item(table, "完成土地挂牌出让")
    with travel(dt.date(2026, 10, 8)):
        services.work_item_complete(actor=world.unit_user2, work_item=item, done_on=dt.date(2026, 10, 8))
    done = Event.objects.get(item=item.item_id, action=WorkItemAction.COMPLETE)
    (notice,) = _work_item_notices(done)
    assert notice.recipients == [world.butler1]
    generated = Event.objects.get(item=item.item_id, action=WorkItemAction.ADD)
    assert _work_item_notices(generated) == []  # the hand-over's own notice told them


def test_the_reminder_job_reminds_the_responsible_people_and_the_butler(world):
    from guanjia.notifications.models import Notification
    from guanjia.notifications.reminders import reminders_run

    table = handed_over(world)
    item = _item(table, "完成土地挂牌出让")  # due 10-12, due soon from 10-08
    summary = reminders_run(now=at(dt.date(2026, 10, 9), 10))
    assert summary.ran and summary.reminders["due_soon"] >= 1
    reminded = set(Notification.objects.filter(item=item.item_id, kind="due_soon")
                   .values_list("recipient__username", flat=True))
    assert {"butler1", "unit2"} <= reminded
    summary = reminders_run(now=at(dt.date(2026, 10, 13), 10))  # overdue the next working day
    assert set(Notification.objects.filter(item=item.item_id, kind="overdue")
               .values_list("recipient__username", flat=True)) >= {"butler1", "unit2"}
