"""Meeting services: every write, its audit row, the working-day deadlines, and bad input refused whole."""

import datetime as dt

import pytest
import time_machine
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from guanjia.core.errors import Conflict
from guanjia.meetings import selectors, services
from guanjia.meetings.choices import TRANSITIONS, Action, ItemState, ItemStatus, Status
from guanjia.meetings.models import ActionItem, Meeting
from guanjia.meetings.tests.factories import at, held_meeting, make_meeting, raise_request
from guanjia.requests import services as request_services
from guanjia.requests.choices import Status as RequestStatus
from guanjia.tests_support.factories import UnitFactory, UserFactory
from guanjia.workflow.models import Event

END_OF_DAY = dt.time(23, 59, 59, 999999)  # the close of a working day (core.calendar)


def day(value) -> dt.date:
    """The local (Beijing) day of an aware datetime."""
    return timezone.localtime(value).date()


def log_of(obj):
    return LogEntry.objects.get_for_object(obj).order_by("-pk")


def add_item(world, meeting, **overrides):
    data = {"actor": world.butler1, "meeting": meeting, "text": "供电公司完成二期增容方案", "owner_unit": world.unit1,
            "days": 5}
    data.update(overrides)
    return services.action_item_add(**data)


# -- convening --------------------------------------------------------------------------------------------------


def test_create_records_everything_and_the_actor(world):
    request = raise_request(world)
    meeting = make_meeting(world, requests=[request], projects=[world.project1])
    assert meeting.status == Status.PLANNED and meeting.convener == world.butler1
    assert meeting.zone == world.zone
    assert list(meeting.units.all()) == [world.unit1] and list(meeting.attendees.all()) == [world.unit_user1]
    assert list(meeting.requests.all()) == [request] and list(meeting.projects.all()) == [world.project1]
    entry = log_of(meeting).last()
    assert entry.actor == world.butler1 and entry.action == LogEntry.Action.CREATE


@pytest.mark.parametrize("who", ["admin", "leader", "butler1"])
def test_butlers_station_heads_and_the_center_convene(world, who):
    user = world.users()[who]
    assert make_meeting(world, actor=user).convener == user


@pytest.mark.parametrize("who", ["unit1", "supervisor", "ent1"])
def test_others_may_not_convene(world, who):
    with pytest.raises(PermissionDenied):
        make_meeting(world, actor=world.users()[who])
    assert not Meeting.objects.exists()


def test_only_the_center_names_another_convener(world):
    assert make_meeting(world, actor=world.admin, convener=world.leader).convener == world.leader
    with pytest.raises(ValidationError) as error:
        make_meeting(world, actor=world.butler1, convener=world.butler2)
    assert "convener" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        make_meeting(world, actor=world.admin, convener=world.unit_user1)
    assert "召集人须为本园区" in error.value.message_dict["convener"][0]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", "", None),
    ("kind", "party", None),
    ("units", "foreign", "参会单位须为本园区的单位。"),
    ("attendees", "ent1", "企业联系人不参加内部会议"),
    ("attendees", "foreign", "参会人员须为本园区"),
    ("requests", "foreign", "议题诉求须为本园区的诉求。"),
    ("projects", "foreign", "议题项目须为本园区的项目。"),
])
def test_bad_input_is_a_field_error_and_nothing_written(world, field, value, message):
    foreign = {
        "units": [UnitFactory(zone=world.other_zone)],
        "attendees": [world.foreign_admin],
        "requests": [raise_request(world, enterprise=world.foreign_enterprise,
                               butler=UserFactory(zone=world.other_zone, roles=["butler"]), accept=False)],
        "projects": [world.foreign_project],
    }
    if value == "foreign":
        value = foreign[field]
    elif value == "ent1":
        value = [world.ent1_user]
    with pytest.raises(ValidationError) as error:
        make_meeting(world, **{field: value})
    assert field in error.value.message_dict
    if message:
        assert message in error.value.message_dict[field][0]
    assert not Meeting.objects.exists()


PLUS_14 = dt.timezone(dt.timedelta(hours=14))
BOUNDS_MESSAGE = "会议时间须在 1900-01-01 至 2999-12-31 之间。"


@pytest.mark.parametrize("starts_at", [
    at(1, 1, 1, 0, 0), dt.datetime(1, 1, 1, tzinfo=PLUS_14),  # the latter is before year 1 in UTC
    at(1899, 12, 31, 23, 59), at(3000, 1, 1, 0, 0), dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=PLUS_14),
])
def test_the_meeting_time_lies_between_1900_and_2999(world, starts_at):
    with pytest.raises(ValidationError) as error:
        make_meeting(world, starts_at=starts_at)
    assert error.value.message_dict["starts_at"] == [BOUNDS_MESSAGE]
    assert not Meeting.objects.exists()
    meeting = make_meeting(world)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(actor=world.butler1, meeting=meeting, starts_at=starts_at)
    assert error.value.message_dict["starts_at"] == [BOUNDS_MESSAGE]
    meeting.refresh_from_db()
    assert meeting.starts_at == at(2026, 3, 2, 9, 30)


def test_the_bounds_of_the_meeting_time_are_included(world):
    assert day(make_meeting(world, starts_at=at(1900, 1, 1, 0, 0)).starts_at) == dt.date(1900, 1, 1)
    assert day(make_meeting(world, starts_at=at(2999, 12, 31, 23, 59)).starts_at) == dt.date(2999, 12, 31)


def test_a_closed_request_cannot_be_put_on_the_agenda(world):
    request = raise_request(world)
    request_services.request_resolve(actor=world.butler1, request=request, answer="已办")
    request_services.request_close(actor=world.admin, request=request)
    with pytest.raises(ValidationError) as error:
        make_meeting(world, requests=[request])
    assert "已关闭，不能列入议题" in error.value.message_dict["requests"][0]


def test_escalated_requests_stay_escalated_when_a_meeting_is_convened(world):
    request = raise_request(world)
    request_services.request_escalate(actor=world.butler1, request=request, target="meeting")
    meeting = make_meeting(world, actor=world.admin, requests=[request])
    request.refresh_from_db()
    assert request.status == RequestStatus.ESCALATED
    services.meeting_hold(actor=world.admin, meeting=meeting, minutes="研究了用电增容。")
    request.refresh_from_db()
    assert request.status == RequestStatus.ESCALATED


# -- editing and transitions ------------------------------------------------------------------------------------


def test_update_by_convener_or_admin_only(world):
    meeting = make_meeting(world)
    updated = services.meeting_update(actor=world.butler1, meeting=meeting, title=" 供电增容协调会 ", kind="coordination",
                                      units=[world.unit1, world.unit2])
    assert updated.title == "供电增容协调会" and updated.kind == "coordination"
    assert set(updated.units.all()) == {world.unit1, world.unit2}
    assert log_of(meeting).first().actor == world.butler1
    services.meeting_update(actor=world.admin, meeting=meeting, place="二楼")
    for who in ("leader", "butler2", "unit1"):
        with pytest.raises(PermissionDenied):
            services.meeting_update(actor=world.users()[who], meeting=meeting, place="x")
    with pytest.raises(TypeError):
        services.meeting_update(actor=world.admin, meeting=meeting, status="closed")


def test_minutes_only_once_held(world):
    meeting = make_meeting(world)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(actor=world.butler1, meeting=meeting, minutes="提前写好的纪要")
    assert "会议召开后才能填写纪要" in error.value.message_dict["minutes"][0]


def test_transition_table_and_timestamps(world):
    assert set(TRANSITIONS) == set(Action.values)
    meeting = make_meeting(world)
    with pytest.raises(ValidationError) as error:
        services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="  ")
    assert "minutes" in error.value.message_dict
    with pytest.raises(Conflict) as conflict:
        services.meeting_close(actor=world.butler1, meeting=meeting)
    assert "待召开" in conflict.value.message
    meeting = services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="会议议定三项。")
    assert meeting.status == Status.HELD and meeting.held_at is not None
    assert log_of(meeting).first().actor == world.butler1
    with pytest.raises(Conflict):
        services.meeting_cancel(actor=world.butler1, meeting=meeting, reason="x")
    meeting = services.meeting_close(actor=world.admin, meeting=meeting)
    assert meeting.status == Status.CLOSED and meeting.closed_at is not None
    with pytest.raises(Conflict):
        services.meeting_update(actor=world.admin, meeting=meeting, title="x")


def test_a_meeting_in_the_future_cannot_be_held(world):
    meeting = make_meeting(world, starts_at=at(2026, 3, 3, 9, 0))
    with pytest.raises(ValidationError) as error:
        services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="x")
    assert "2026-03-03" in error.value.message_dict["minutes"][0]


def test_a_meeting_cannot_be_held_before_the_hour_it_starts(world):
    with time_machine.travel(at(2026, 3, 3, 8, 30), tick=False):
        meeting = make_meeting(world, starts_at=at(2026, 3, 3, 14, 30))
        with pytest.raises(ValidationError) as error:
            services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="x")
    assert "2026-03-03 14:30" in error.value.message_dict["minutes"][0]
    assert Meeting.objects.get(pk=meeting.pk).status == Status.PLANNED
    with time_machine.travel(at(2026, 3, 3, 14, 30), tick=False):
        assert services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="x").status == Status.HELD


def test_cancel_needs_a_reason(world):
    meeting = make_meeting(world)
    with pytest.raises(ValidationError):
        services.meeting_cancel(actor=world.butler1, meeting=meeting, reason="")
    with pytest.raises(PermissionDenied):
        services.meeting_cancel(actor=world.leader, meeting=meeting, reason="改期")
    meeting = services.meeting_cancel(actor=world.butler1, meeting=meeting, reason="改期另行通知")
    assert meeting.status == Status.CANCELLED and meeting.cancel_reason == "改期另行通知"


# -- action items on the working-day clock ----------------------------------------------------------------------


def test_deadline_in_working_days_from_the_meeting_date(world):
    meeting = held_meeting(world)  # Monday 2026-03-02
    item = add_item(world, meeting, days=5, owner_person=world.unit_user1)
    assert item.deadline == at(2026, 3, 9, 23, 59, 59, 999999)  # next Monday, at the close of the day
    assert item.deadline_days == 5 and not item.deadline_provisional
    # The row shows its clock's deadline, which 我的待办 and the reminders go by.
    assert item.clocks.get().due_at == item.deadline == ActionItem.objects.get(pk=item.pk).deadline
    assert item.status == ItemStatus.OPEN and item.state() == ItemState.OPEN
    assert log_of(item).first().actor == world.butler1


def test_deadline_skips_national_day_and_counts_the_make_up_saturday(world):
    # 国务院办公厅 2026 notice: 10-01..10-07 off, Saturday 10-10 a working day.
    with time_machine.travel(at(2026, 9, 30, 16, 0), tick=True):
        meeting = held_meeting(world, starts_at=at(2026, 9, 30, 9, 0))
        item = add_item(world, meeting, days=3)
    assert day(item.deadline) == dt.date(2026, 10, 10)


def test_deadline_as_a_date_not_before_the_meeting(world):
    meeting = held_meeting(world)
    item = add_item(world, meeting, days=None, due_date=dt.date(2026, 3, 2))
    assert item.deadline == dt.datetime.combine(dt.date(2026, 3, 2), END_OF_DAY, tzinfo=item.deadline.tzinfo)
    assert item.deadline_days is None
    with pytest.raises(ValidationError) as error:
        add_item(world, meeting, days=None, due_date=dt.date(2026, 3, 1))
    assert error.value.message_dict["due_date"] == ["完成时限（2026-03-01）不能早于会议日期（2026-03-02）。"]
    assert ActionItem.objects.count() == 1


def test_deadline_as_a_date_not_before_today(world):
    """A meeting registered after the fact: its decisions' dates may not lie in the past already."""
    meeting = held_meeting(world, starts_at=at(2026, 2, 26, 9, 0))  # today is Monday 2026-03-02
    with pytest.raises(ValidationError) as error:
        add_item(world, meeting, days=None, due_date=dt.date(2026, 2, 27))
    assert error.value.message_dict["due_date"] == ["完成时限（2026-02-27）不能早于今天（2026-03-02）。"]
    with pytest.raises(ValidationError) as error:
        add_item(world, meeting, days=None, due_date=dt.date(3000, 1, 1))
    assert error.value.message_dict["due_date"] == ["完成时限（3000-01-01）不能晚于 2999-12-31。"]
    assert not ActionItem.objects.exists()
    assert day(add_item(world, meeting, days=None, due_date=dt.date(2026, 3, 2)).deadline) == dt.date(2026, 3, 2)


BAD_ITEMS = {
    "no deadline": ({"days": None}, "days", "二选一"),
    "both deadlines": ({"days": 3, "due_date": dt.date(2026, 3, 5)}, "days", "二选一"),
    "zero days": ({"days": 0}, "days", "1 至 365"),
    "no text": ({"text": " "}, "text", "请填写事项内容"),
    "no owner unit": ({"owner_unit": None}, "owner_unit", "请选择责任单位"),
    "owner unit of another zone": ({"owner_unit": "foreign unit"}, "owner_unit", "责任单位须为本园区的单位。"),
    "enterprise contact as owner": ({"owner_person": "ent1"}, "owner_person", "本园区在职的工作人员"),
    "owner of another unit": ({"owner_person": "unit2"}, "owner_person", "不属于所选责任单位"),
    "request off the agenda": ({"request": "request"}, "request", "不在本次会议的议题中"),
    "project off the agenda": ({"project": "project1"}, "project", "不在本次会议的议题中"),
}


@pytest.mark.parametrize("case", BAD_ITEMS)
def test_bad_action_items_are_refused_whole(world, case):
    overrides, field, message = BAD_ITEMS[case]
    meeting = held_meeting(world)
    objects = {"foreign unit": lambda: UnitFactory(zone=world.other_zone), "ent1": lambda: world.ent1_user,
               "unit2": lambda: world.unit_user2, "request": lambda: raise_request(world),
               "project1": lambda: world.project1}
    overrides = {k: objects[v]() if k != "text" and isinstance(v, str) else v for k, v in overrides.items()}
    with pytest.raises(ValidationError) as error:
        add_item(world, meeting, **overrides)
    assert message in error.value.message_dict[field][0]
    assert not ActionItem.objects.exists()


def test_action_items_only_on_a_held_meeting_by_its_convener(world):
    meeting = make_meeting(world)
    with pytest.raises(Conflict):
        add_item(world, meeting)
    services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="纪要")
    with pytest.raises(PermissionDenied):
        add_item(world, meeting, actor=world.unit_user1)
    assert add_item(world, meeting, actor=world.admin).created_by == world.admin


def test_provisional_year_and_beyond(world):
    with time_machine.travel(at(2026, 12, 28, 16, 0), tick=True):
        meeting = held_meeting(world, starts_at=at(2026, 12, 28, 9, 0))
        item = add_item(world, meeting, days=5)
    # 12-29, 12-30, 12-31, (元旦 2027-01-01 and the weekend), 01-04, 01-05 — on the provisional calendar.
    assert day(item.deadline) == dt.date(2027, 1, 5) and item.deadline_provisional
    with time_machine.travel(at(2027, 12, 20, 16, 0), tick=True):
        late = held_meeting(world, starts_at=at(2027, 12, 20, 9, 0))
        with pytest.raises(ValidationError) as error:
            add_item(world, late, days=30)
    assert "2028年的节假日安排尚未公布" in error.value.message_dict["days"][0]


def test_loading_the_year_recounts_provisional_deadlines(world, django_capture_on_commit_callbacks):
    from guanjia.core.calendar import calendar_load_year

    with time_machine.travel(at(2026, 12, 28, 16, 0), tick=True):
        meeting = held_meeting(world, starts_at=at(2026, 12, 28, 9, 0))
        item = add_item(world, meeting, days=5)
        # A made-up notice (not the official one) that adds 2027-01-04 to 元旦: the deadline moves a day.
        days = [dt.date(2027, 1, d) for d in (1, 2, 3, 4)]
        with django_capture_on_commit_callbacks(execute=True):
            calendar_load_year(actor=world.admin, year=2027, holidays=[(d, "元旦") for d in days], workdays=[],
                               source="测试通知")
    item.refresh_from_db()
    assert day(item.deadline) == dt.date(2027, 1, 6) and not item.deadline_provisional
    from guanjia.workflow.services import clocks_recompute_provisional

    assert clocks_recompute_provisional() == 0  # idempotent


@pytest.mark.parametrize("chosen, expected", [
    (dt.date(2026, 10, 3), dt.date(2026, 9, 30)),   # 国庆 (10-01..08): back to the last working day before it
    (dt.date(2026, 9, 27), dt.date(2026, 9, 24)),   # a Sunday after 中秋 (Friday 09-25): Thursday
    (dt.date(2026, 9, 30), dt.date(2026, 9, 30)),   # a working day stays
    (dt.date(2026, 9, 20), dt.date(2026, 9, 20)),   # a Sunday that is a make-up workday (调休上班) stays
    (dt.date(2026, 9, 19), dt.date(2026, 9, 18)),   # a Saturday: Friday
])
def test_a_deadline_chosen_as_a_date_ends_at_the_close_of_the_last_working_day_on_or_before_it(world, chosen, expected):
    with time_machine.travel(at(2026, 9, 15, 16, 0), tick=False):
        meeting = held_meeting(world, starts_at=at(2026, 9, 15, 9, 0))
        item = add_item(world, meeting, days=None, due_date=chosen)
    assert timezone.localtime(item.deadline) == at(2026, 1, 1).replace(
        year=expected.year, month=expected.month, day=expected.day, hour=23, minute=59, second=59, microsecond=999999)
    assert item.deadline_date == chosen and item.deadline_days is None and not item.deadline_provisional


def test_a_date_on_a_weekend_right_ahead_ends_today_not_in_the_past(world):
    with time_machine.travel(at(2026, 9, 18, 16, 0), tick=False):  # a Friday
        meeting = held_meeting(world, starts_at=at(2026, 9, 18, 9, 0))
        item = add_item(world, meeting, days=None, due_date=dt.date(2026, 9, 19))
    assert day(item.deadline) == dt.date(2026, 9, 18)


def test_a_date_past_the_calendar_is_refused_naming_its_year(world):
    with time_machine.travel(at(2026, 9, 15, 16, 0), tick=False):
        meeting = held_meeting(world, starts_at=at(2026, 9, 15, 9, 0))
        with pytest.raises(ValidationError) as error:
            add_item(world, meeting, days=None, due_date=dt.date(2099, 1, 1))
    assert "2099年的节假日安排尚未公布" in error.value.message_dict["due_date"][0]
    assert not ActionItem.objects.filter(meeting=meeting).exists()


def test_a_date_in_the_provisional_year_is_marked_and_recounted_when_the_year_is_loaded(
        world, django_capture_on_commit_callbacks):
    from guanjia.core.calendar import calendar_load_year

    with time_machine.travel(at(2026, 12, 28, 16, 0), tick=True):
        meeting = held_meeting(world, starts_at=at(2026, 12, 28, 9, 0))
        item = add_item(world, meeting, days=None, due_date=dt.date(2027, 1, 2))  # a Saturday after 元旦
        # The provisional calendar: 01-02 Saturday, 01-01 元旦 → 2026-12-31.
        assert day(item.deadline) == dt.date(2026, 12, 31) and item.deadline_provisional
        # A made-up notice that makes Saturday 2027-01-02 a make-up workday: the deadline moves to it.
        with django_capture_on_commit_callbacks(execute=True):
            calendar_load_year(actor=world.admin, year=2027, holidays=[(dt.date(2027, 1, 1), "元旦")],
                               workdays=[(dt.date(2027, 1, 2), "元旦")], source="测试通知")
    item.refresh_from_db()
    assert day(item.deadline) == dt.date(2027, 1, 2) and not item.deadline_provisional


def test_moving_the_meeting_moves_working_day_deadlines(world):
    meeting = held_meeting(world)
    by_days = add_item(world, meeting, days=5)
    by_date = add_item(world, meeting, days=None, due_date=dt.date(2026, 3, 2))
    with pytest.raises(ValidationError) as error:
        services.meeting_update(actor=world.butler1, meeting=meeting, starts_at=at(2026, 3, 3, 9, 0))
    assert "早于新的会议日期" in error.value.message_dict["starts_at"][0]
    by_days.refresh_from_db()
    assert day(by_days.deadline) == dt.date(2026, 3, 9)  # unchanged: nothing was written
    assert day(by_date.deadline) == dt.date(2026, 3, 2)
    services.meeting_update(actor=world.butler1, meeting=meeting, starts_at=at(2026, 2, 27, 9, 0))
    by_days.refresh_from_db()
    # Friday 02-27 + 5 working days: Saturday 02-28 is a 春节 make-up workday (2026 notice), then 03-02 … 03-05.
    assert day(by_days.deadline) == dt.date(2026, 3, 5)


def test_overdue_is_derived_from_time_and_complete(world):
    meeting = held_meeting(world)
    item = add_item(world, meeting, days=1)
    assert item.state() == ItemState.OPEN
    with time_machine.travel(at(2026, 3, 4, 0, 0, 1), tick=False):
        assert item.state() == ItemState.OVERDUE and item.is_overdue
        assert list(selectors.overdue_action_items(world.admin)) == [item]
    with pytest.raises(ValidationError):
        services.action_item_complete(actor=world.unit_user1, item=item, result=" ")
    for who in ("unit2", "butler2", "leader"):
        with pytest.raises(PermissionDenied):
            services.action_item_complete(actor=world.users()[who], item=item, result="x")
    done = services.action_item_complete(actor=world.unit_user1, item=item, result="增容方案已批复")
    assert done.status == ItemStatus.DONE and done.done_by == world.unit_user1 and done.done_at is not None
    assert done.state() == ItemState.DONE
    assert log_of(item).first().actor == world.unit_user1
    with pytest.raises(Conflict):
        services.action_item_complete(actor=world.butler1, item=item, result="再次")


def test_convener_and_admin_may_complete(world):
    meeting = held_meeting(world)
    first, second = add_item(world, meeting), add_item(world, meeting)
    assert services.action_item_complete(actor=world.butler1, item=first, result="已落实").status == "done"
    assert services.action_item_complete(actor=world.admin, item=second, result="已落实").status == "done"


# -- settling requests ------------------------------------------------------------------------------------------


def test_settling_a_request_with_open_action_items_asks_to_confirm(world):
    request = raise_request(world)
    meeting = held_meeting(world, requests=[request])
    item = add_item(world, meeting, request=request)
    with pytest.raises(ValidationError) as refused:
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=request, answer="议定")
    assert "1 项督办事项未完成" in refused.value.message_dict["confirm"][0] and item.text in str(refused.value)
    resolved = services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=request, answer="议定",
                                               confirm=True)
    assert resolved.status == RequestStatus.RESOLVED
    item.refresh_from_db()
    assert item.status == "open"  # settled or not, the decision is still followed (督办)


def test_settle_a_request_through_request_resolve(world):
    request = raise_request(world)
    request_services.request_escalate(actor=world.butler1, request=request, target="meeting")
    meeting = held_meeting(world, requests=[request])
    resolved = services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=request,
                                               answer="会议议定由供电公司 30 日内完成增容。")
    assert resolved.status == RequestStatus.RESOLVED
    assert resolved.answer == "会议议定由供电公司 30 日内完成增容。"
    assert list(meeting.settled_requests.all()) == [request]
    event = Event.objects.filter(item=request.item_id).order_by("-pk").first()
    assert (event.action, event.from_status, event.to_status, event.actor) == (
        "resolve", "escalated", "resolved", world.butler1)
    assert "供电增容会办会" in event.comment
    with pytest.raises(Conflict) as conflict:
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=request, answer="again")
    assert "已由本次会议办结" in conflict.value.message


def test_settle_refuses_off_agenda_closed_and_planned(world):
    on_agenda, off_agenda = raise_request(world), raise_request(world, title="用地")
    meeting = make_meeting(world, requests=[on_agenda])
    with pytest.raises(Conflict):
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=on_agenda, answer="x")
    services.meeting_hold(actor=world.butler1, meeting=meeting, minutes="纪要")
    with pytest.raises(ValidationError) as error:
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=off_agenda, answer="x")
    assert error.value.message_dict["request"] == ["该诉求不在本次会议的议题中。"]
    with pytest.raises(ValidationError) as error:
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=on_agenda, answer=" ")
    assert "answer" in error.value.message_dict
    # Closed meanwhile (resolved then closed by the center): the request's own table refuses it.
    request_services.request_resolve(actor=world.butler1, request=on_agenda, answer="已办")
    request_services.request_close(actor=world.admin, request=on_agenda)
    with pytest.raises(Conflict) as conflict:
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=on_agenda, answer="x")
    assert "已关闭" in conflict.value.message
    assert not meeting.settled_requests.exists()


def test_settle_rolls_back_when_the_request_refuses(world):
    # The request's own 办结 refuses a request not yet signed for (409): nothing is half-written.
    request = raise_request(world, accept=False)
    meeting = held_meeting(world, actor=world.leader, requests=[request])
    with pytest.raises(Conflict):
        services.meeting_settle_request(actor=world.leader, meeting=meeting, request=request, answer="议定")
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED and not meeting.settled_requests.exists()
    with pytest.raises(PermissionDenied):
        services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=request, answer="议定")


def test_a_leader_s_meeting_settles_the_request_the_leader_convened_it_for(world):
    """The leader's hand (issue 14): a leader convenes a joint meeting on a request and settles it there (办结)."""
    request = raise_request(world)
    meeting = held_meeting(world, actor=world.leader, requests=[request])
    resolved = services.meeting_settle_request(actor=world.leader, meeting=meeting, request=request, answer="议定")
    assert resolved.status == RequestStatus.RESOLVED and list(meeting.settled_requests.all()) == [resolved]


def test_agenda_requests_with_items_or_settled_stay(world):
    first, second = raise_request(world), raise_request(world, title="用地")
    meeting = held_meeting(world, requests=[first, second])
    add_item(world, meeting, request=first)
    with pytest.raises(ValidationError) as error:
        services.meeting_update(actor=world.butler1, meeting=meeting, requests=[second])
    assert "不能移出议题" in error.value.message_dict["requests"][0]
    services.meeting_update(actor=world.butler1, meeting=meeting, requests=[first])
    assert list(meeting.requests.all()) == [first]


def test_action_items_for_request_follow_meeting_scope(world):
    request = raise_request(world)
    meeting = held_meeting(world, requests=[request])
    item = add_item(world, meeting, request=request)
    add_item(world, meeting)
    assert list(selectors.action_items_for_request(request, world.butler1)) == [item]
    assert list(selectors.action_items_for_request(request, world.admin)) == [item]
    assert list(selectors.action_items_for_request(request, world.ent1_user)) == []
    assert list(selectors.action_items_for_request(request, world.butler2)) == []
