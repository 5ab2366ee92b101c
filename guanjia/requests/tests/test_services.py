"""Request services: every transition of the table, its timeline row, its clocks on the official calendar."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from guanjia.core.errors import Conflict
from guanjia.requests import services as s
from guanjia.requests.choices import TRANSITIONS, Action, ClockKind, Status
from guanjia.requests.models import Request
from guanjia.workflow.models import Clock, Event

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def raise_one(world, **overrides) -> Request:
    data = {"actor": world.butler1, "enterprise": world.ent1, "source": "visit", "category": "factors",
            "title": "厂区二期用电增容", "description": "二期厂房投产需增容至 2000 kVA。"}
    data.update(overrides)
    return s.request_raise(**data)


def last_event(request) -> Event:
    return Event.objects.filter(item=request.item_id).order_by("-pk").first()


def clock(request, kind):
    return request.clocks.filter(kind=kind).order_by("-pk").first()


def test_every_action_of_the_table_has_a_service_and_a_permission():
    import rules

    from guanjia.requests.actions import ACTION_SERVICES
    from guanjia.requests.choices import MOVES

    assert set(TRANSITIONS) == set(ACTION_SERVICES)
    assert all(move.permission and rules.perm_exists(move.permission) for move in MOVES.values())
    api_actions = {"accept", "reply", "transfer", "sign", "feedback", "return", "reassign", "extend", "suspend",
                   "resume", "escalate", "resolve", "rate", "reopen", "close"}
    assert api_actions <= set(TRANSITIONS)


@time_machine.travel(at(2026, 3, 2, 9, 0), tick=False)
def test_raise_numbers_and_starts_the_sign_clock(world):
    first, second = raise_one(world), raise_one(world, title="第二件")
    assert (first.number, second.number) == ("GJ-2026-000001", "GJ-2026-000002")
    assert first.status == Status.SUBMITTED and first.butler == world.butler1
    sign = clock(first, ClockKind.SIGN)
    assert sign.due_at == at(2026, 3, 3, 23, 59, 59, 999999)  # 1 working day, counted from the next day
    event = last_event(first)
    assert (event.action, event.from_status, event.to_status, event.actor) == ("raise", "", "submitted", world.butler1)


@time_machine.travel(at(2026, 3, 2, 9, 0), tick=False)
def test_numbers_without_update_returning(world, monkeypatch):
    """A database without UPDATE … RETURNING (SQLite before 3.35) numbers through the locked counter row."""
    raise_one(world)
    monkeypatch.setattr("guanjia.requests.services.intake._update_returning", lambda: False)
    assert [raise_one(world).number for _n in range(2)] == ["GJ-2026-000002", "GJ-2026-000003"]


@time_machine.travel(at(2026, 3, 2, 9, 0), tick=False)
def test_the_same_intake_key_raises_once_and_spends_no_number(world):
    first = raise_one(world, intake_key="form-1")
    with pytest.raises(s.AlreadyRaised) as again:
        raise_one(world, intake_key="form-1", title="双击")
    assert again.value.request == first and first.number in again.value.message
    assert not again.value.same  # another title: not a repeat of the first call
    with pytest.raises(s.AlreadyRaised) as repeat:
        raise_one(world, intake_key="form-1")
    assert repeat.value.request == first and repeat.value.same
    # The key is the person's own: someone else's form with the same key is another request.
    other = raise_one(world, actor=world.admin, intake_key="form-1")
    # The refused second call's number was rolled back with it.
    assert (first.number, other.number) == ("GJ-2026-000001", "GJ-2026-000002")
    assert raise_one(world).number == "GJ-2026-000003"
    assert Request.objects.filter(title="双击").count() == 0
    assert Event.objects.filter(action="raise").count() == 3


def test_a_repeat_names_the_earlier_request_only_to_one_who_still_sees_it(world):
    from guanjia.enterprises.models import Enterprise

    raise_one(world, intake_key="form-1")
    # The enterprise passed to another workstation's butler meanwhile.
    Enterprise.objects.filter(pk=world.ent1.pk).update(butler=world.butler2, workstation=world.ws2)
    Request.objects.update(butler=world.butler2)
    with pytest.raises(s.AlreadyRaised) as again:
        raise_one(world, intake_key="form-1")
    assert again.value.request is None and "GJ-" not in again.value.message
    assert Request.objects.count() == 1


def test_an_intake_key_longer_than_its_column_is_a_field_error(world):
    with pytest.raises(ValidationError) as error:
        raise_one(world, intake_key="k" * 65)
    assert "intake_key" in error.value.message_dict and not Request.objects.exists()


@time_machine.travel(at(2026, 3, 6, 15, 0), tick=False)
def test_portal_whistle_has_a_24_hour_sign_clock(world):
    request = raise_one(world, actor=world.ent1_user, source="visit")
    assert request.source == "portal"  # an enterprise contact always raises through the portal
    assert clock(request, ClockKind.SIGN).due_at == at(2026, 3, 7, 15, 0)


def test_enterprise_cannot_raise_for_another(world):
    with pytest.raises(PermissionDenied):
        raise_one(world, actor=world.ent1_user, enterprise=world.ent2)


@pytest.mark.parametrize(("field", "value"), [("category", "weather"), ("title", ""), ("urgency", "whenever")])
def test_bad_input_is_a_field_error_and_nothing_written(world, field, value):
    with pytest.raises(ValidationError) as error:
        raise_one(world, **{field: value})
    assert field in error.value.message_dict
    assert not Request.objects.exists()


def test_letter_needs_a_leader(world):
    with pytest.raises(ValidationError) as error:
        raise_one(world, source="letter")
    assert "addressed_leader" in error.value.message_dict
    request = raise_one(world, source="letter", addressed_leader=world.leader)
    assert request.addressed_leader == world.leader


@time_machine.travel(at(2025, 9, 26, 10, 0), tick=False)
def test_accept_starts_clocks_on_the_official_calendar(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    assert request.status == Status.ACCEPTED and request.accepted_at == at(2025, 9, 26, 10, 0)
    # 2025-09-28 (Sunday) is a make-up workday; 10-01..10-08 are the National Day holiday; 10-11 works.
    assert clock(request, ClockKind.FIRST_REPLY).due_at.date() == dt.date(2025, 9, 30)
    assert request.due_at.astimezone(TZ).date() == dt.date(2025, 10, 23)
    assert not request.due_provisional
    assert clock(request, ClockKind.SIGN).stopped_at is not None
    assert last_event(request).action == Action.ACCEPT


def test_suspension_moves_the_deadline_by_the_working_days_it_took(world):
    with time_machine.travel(at(2025, 9, 26, 10, 0), tick=False):
        request = s.request_accept(actor=world.butler1, request=raise_one(world))
    with time_machine.travel(at(2025, 9, 29, 10, 0), tick=False):
        request = s.request_suspend(actor=world.butler1, request=request, reason="awaiting_material",
                                    comment="等企业补充电力负荷计算书")
    assert request.status == Status.SUSPENDED
    assert clock(request, ClockKind.RESOLUTION).state() == "paused"
    with time_machine.travel(at(2025, 10, 10, 10, 0), tick=False):
        request = s.request_resume(actor=world.butler1, request=request)
    # Paused over 09-30, 10-09 and 10-10: three working days, so 10-23 becomes 10-28.
    assert request.status == Status.ACCEPTED and request.suspended_working_days == 3
    assert request.due_at.astimezone(TZ).date() == dt.date(2025, 10, 28)


@time_machine.travel(at(2026, 12, 28, 10, 0), tick=False)
def test_december_deadline_runs_into_the_provisional_year(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    assert request.due_provisional
    assert request.due_at.year == 2027


def test_loading_the_year_recomputes_provisional_deadlines(world, django_capture_on_commit_callbacks):
    from guanjia.core.calendar import calendar_load_year

    with time_machine.travel(at(2026, 12, 28, 10, 0), tick=False):
        request = s.request_accept(actor=world.butler1, request=raise_one(world))
    before = request.due_at
    with time_machine.travel(at(2026, 12, 29, 10, 0), tick=False):
        # A notice that adds a holiday inside the window moves the deadline by one working day.
        days = [dt.date(2027, 1, d) for d in (1, 2, 3)] + [dt.date(2027, 1, 4)]
        with django_capture_on_commit_callbacks(execute=True):
            calendar_load_year(actor=world.admin, year=2027, holidays=[(d, "元旦") for d in days], workdays=[],
                               source="测试通知")
    request.refresh_from_db()
    assert not request.due_provisional
    assert request.due_at > before


def test_transfer_sign_feedback_resolve_rate(world, django_capture_on_commit_callbacks):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                 co_units=[world.unit2], comment="请供电公司牵头")
    assert request.status == Status.TRANSFERRED and request.lead_unit == world.unit1
    assert request.unit_tasks.count() == 2 and all(t.due_at for t in request.unit_tasks.all())
    request = s.request_unit_sign(actor=world.unit_user1, request=request)
    assert request.status == Status.IN_UNITS
    request = s.request_unit_feedback(actor=world.unit_user1, request=request, comment="已完成增容方案")
    lead = request.unit_tasks.get(unit=world.unit1)
    assert lead.status == "done" and lead.clocks.get().stopped_at is not None
    request = s.request_resolve(actor=world.butler1, request=request, answer="已增容并送电")
    assert request.status == Status.RESOLVED and request.unit_tasks.get(unit=world.unit2).status == "cancelled"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        request = s.request_rate(actor=world.ent1_user, request=request, rating="satisfied")
    assert request.status == Status.CLOSED and request.rating == "satisfied"
    assert len(callbacks) == 1  # the notification hook, after commit
    actions = list(request.events.values_list("action", flat=True))
    assert actions == ["raise", "accept", "transfer", "sign", "feedback", "resolve", "rate"]


def test_unsatisfied_reopens_with_a_new_clock(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_resolve(actor=world.butler1, request=request, answer="已协调")
    with pytest.raises(ValidationError):
        s.request_rate(actor=world.ent1_user, request=request, rating="unsatisfied")  # needs a reason
    request = s.request_rate(actor=world.ent1_user, request=request, rating="unsatisfied", reason="仍未送电")
    assert request.status == Status.ACCEPTED and request.reopen_count == 1 and request.resolved_at is None
    assert request.clocks.filter(kind=ClockKind.RESOLUTION).count() == 2


def test_every_rating_is_kept_as_its_own_record(world):
    """不满意 → 重办 → 满意: the request shows the current rating; both stay, who gave them, when and why."""
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_resolve(actor=world.butler1, request=request, answer="已协调")
    with time_machine.travel(dt.datetime(2026, 3, 2, 9, tzinfo=TZ), tick=False):
        request = s.request_rate(actor=world.ent1_user, request=request, rating="unsatisfied", reason=" 仍未送电 ")
    request = s.request_resolve(actor=world.butler1, request=request, answer="已送电")
    with time_machine.travel(dt.datetime(2026, 3, 4, 9, tzinfo=TZ), tick=False):
        request = s.request_rate(actor=world.ent1_user, request=request, rating="satisfied")
    assert (request.rating, request.rating_reason, request.status) == ("satisfied", "", Status.CLOSED)
    assert list(request.ratings.values_list("number", "rating", "reason", "rated_by", "rated_at")) == [
        (1, "unsatisfied", "仍未送电", world.ent1_user.pk, dt.datetime(2026, 3, 2, 9, tzinfo=TZ)),
        (2, "satisfied", "", world.ent1_user.pk, dt.datetime(2026, 3, 4, 9, tzinfo=TZ)),
    ]
    # The timeline has both too, each with its rating.
    assert [e.data for e in request.events.filter(action="rate")] == [{"rating": "unsatisfied"},
                                                                       {"rating": "satisfied"}]


def test_a_refused_rating_leaves_no_record(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_resolve(actor=world.butler1, request=request, answer="已协调")
    with pytest.raises(PermissionDenied):  # only the enterprise's contact rates
        s.request_rate(actor=world.butler1, request=request, rating="satisfied")
    with pytest.raises(ValidationError):
        s.request_rate(actor=world.ent1_user, request=request, rating="great")
    assert not request.ratings.exists()


def test_return_then_reassign(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit2)
    with pytest.raises(ValidationError):
        s.request_return(actor=world.unit_user2, request=request, reason="")
    request = s.request_return(actor=world.unit_user2, request=request, reason="不属于本单位职责")
    assert request.status == Status.RETURNED
    with pytest.raises(PermissionDenied):
        s.request_reassign(actor=world.butler1, request=request, lead_unit=world.unit1)
    request = s.request_reassign(actor=world.admin, request=request, lead_unit=world.unit1)
    assert request.status == Status.TRANSFERRED
    assert request.unit_tasks.get(unit=world.unit2).status == "returned"
    assert request.unit_tasks.get(unit=world.unit1).status == "pending"


def test_transfer_errors(world):
    from guanjia.tests_support.factories import UnitFactory

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    with pytest.raises(ValidationError) as error:
        s.request_transfer(actor=world.butler1, request=request, lead_unit=None)
    assert error.value.message_dict["lead_unit"] == ["请选择牵头单位。"]
    with pytest.raises(ValidationError):
        s.request_transfer(actor=world.butler1, request=request, lead_unit=UnitFactory(zone=world.other_zone))
    with pytest.raises(ValidationError) as error:
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                           unit_due=dt.date(2020, 1, 1))
    assert "不能早于今天" in error.value.message_dict["unit_due"][0]
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and not request.unit_tasks.exists()


def test_wrong_state_is_409_wrong_role_is_403(world):
    request = raise_one(world)
    with pytest.raises(Conflict) as conflict:
        s.request_resolve(actor=world.butler1, request=request, answer="x")
    assert "待签收" in conflict.value.message
    with pytest.raises(PermissionDenied):
        s.request_accept(actor=world.supervisor, request=request)
    with pytest.raises(Conflict):
        s.request_unit_sign(actor=world.unit_user1, request=request)


def test_rate_only_by_the_enterprise_and_only_when_resolved(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    with pytest.raises(Conflict):
        s.request_rate(actor=world.ent1_user, request=request, rating="satisfied")
    request = s.request_resolve(actor=world.butler1, request=request, answer="已办")
    with pytest.raises(PermissionDenied):
        s.request_rate(actor=world.ent2_user, request=request, rating="satisfied")
    with pytest.raises(PermissionDenied):
        s.request_rate(actor=world.butler1, request=request, rating="satisfied")


def test_extension_is_capped_and_counted(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    due = request.due_at
    request = s.request_extend(actor=world.leader, request=request, days=5, reason="需省级部门批复")
    assert request.due_at > due and request.extension_count == 1 and request.extended_days == 5
    with pytest.raises(ValidationError):
        s.request_extend(actor=world.leader, request=request, days=26, reason="再延")
    request = s.request_extend(actor=world.admin, request=request, days=3, reason="再延")
    with pytest.raises(Conflict):
        s.request_extend(actor=world.admin, request=request, days=1, reason="第三次")
    with pytest.raises(PermissionDenied):
        s.request_extend(actor=world.butler1, request=request, days=1, reason="管家不能批延期")


def test_double_click_gets_one_success_and_one_conflict(world):
    request = raise_one(world)
    stale = Request.objects.get(pk=request.pk)
    s.request_accept(actor=world.butler1, request=request)
    with pytest.raises(Conflict):
        s.request_accept(actor=world.butler1, request=stale)
    assert Event.objects.filter(item=request.item_id, action="accept").count() == 1


def test_version_guards_against_lost_updates(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    seen = request.version
    s.request_escalate(actor=world.butler1, request=request, target="leader")
    with pytest.raises(Conflict):
        s.request_resolve(actor=world.admin, request=request, answer="x", version=seen)


def test_escalate_merge_close_reopen_and_notes(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_escalate(actor=world.butler1, request=request, target="meeting", comment="提请会办")
    assert request.status == Status.ESCALATED and request.escalated_to == "meeting"
    duplicate = raise_one(world, title="同一件事")
    merged = s.request_merge(actor=world.butler1, request=duplicate, into=request)
    assert merged.status == Status.MERGED and merged.merged_into == request
    request = s.request_resolve(actor=world.butler1, request=request, answer="会办议定")
    request = s.request_close(actor=world.admin, request=request)
    assert request.status == Status.CLOSED
    request = s.request_reopen(actor=world.leader, request=request, comment="企业再次反映")
    assert request.status == Status.ACCEPTED
    s.request_add_note(actor=world.butler1, request=request, comment="内部：电网容量紧张")
    from guanjia.requests.selectors import timeline

    assert "内部：电网容量紧张" not in [e.comment for e in timeline(request, world.ent1_user)]
    assert "内部：电网容量紧张" in [e.comment for e in timeline(request, world.butler1)]


def test_attachments_are_checked(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("病毒.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as error:
        raise_one(world, actor=world.ent1_user, attachments=[exe])
    assert "不允许" in error.value.message_dict["attachments"][0]
    fake_pdf = SimpleUploadedFile("说明.pdf", b"not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        raise_one(world, actor=world.ent1_user, attachments=[fake_pdf])
    pdf = SimpleUploadedFile("说明.pdf", b"%PDF-1.4 ...", content_type="application/pdf")
    request = raise_one(world, actor=world.ent1_user, attachments=[pdf])
    assert request.attachments.get().name == "说明.pdf"


def test_a_rule_change_replays_open_clocks_but_not_fixed_ones(world):
    from guanjia.requests.models import ClockRule

    with time_machine.travel(at(2025, 9, 26, 10, 0), tick=False):
        request = s.request_accept(actor=world.butler1, request=raise_one(world))
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, co_units=[world.unit2],
                           unit_due=dt.date(2025, 10, 17))
        fixed_due = request.unit_tasks.get(unit=world.unit1).due_at
        with pytest.raises(PermissionDenied):
            s.clock_rule_save(actor=world.butler1, zone=world.zone, kind="resolution", measure="days", amount=20)
        rule, moved = s.clock_rule_save(actor=world.admin, zone=world.zone, kind="resolution", measure="days",
                                        amount=20)
        s.clock_rule_save(actor=world.admin, zone=world.zone, kind="unit", measure="days", amount=3)
    request.refresh_from_db()
    assert moved == 1 and ClockRule.objects.filter(kind="resolution").get() == rule
    # 15 working days ended 10-23; 20 end 10-30 (10-24, 27, 28, 29, 30).
    assert request.due_at.astimezone(TZ).date() == dt.date(2025, 10, 30)
    assert clock(request, ClockKind.RESOLUTION).events.filter(kind="recompute").count() == 1
    assert request.unit_tasks.get(unit=world.unit1).due_at == fixed_due  # set by hand: untouched
    with pytest.raises(ValidationError):
        s.clock_rule_save(actor=world.admin, zone=world.zone, kind="sign", measure="days", amount=0)


def test_a_unit_deadline_past_the_known_calendar_is_a_field_error(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    last = dt.date.today().year + 2  # beyond the provisional year of any calendar loaded in tests
    with pytest.raises(ValidationError) as error:
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, unit_due=dt.date(last, 3, 1))
    assert "尚未公布" in error.value.message_dict["unit_due"][0]
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and not request.unit_tasks.exists()


@time_machine.travel(at(2025, 9, 26, 10, 0), tick=False)  # a Friday
def test_a_unit_deadline_ends_at_the_close_of_the_chosen_day(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                 co_units=[world.unit2], unit_due=dt.date(2025, 9, 26))
    assert {t.due_at for t in request.unit_tasks.all()} == {at(2025, 9, 26, 23, 59, 59, 999999)}
    request = s.request_escalate(actor=world.butler1, request=request, target="leader")
    # 2025-10-01..08 are the National Day holiday: chosen for the 5th, the deadline is the last working day before.
    request = s.request_transfer(actor=world.admin, request=request, lead_unit=world.unit1,
                                 unit_due=dt.date(2025, 10, 5))
    assert request.unit_tasks.get(status="pending").due_at == at(2025, 9, 30, 23, 59, 59, 999999)


@time_machine.travel(at(2025, 9, 22, 10, 0), tick=False)  # a Monday
def test_co_units_may_be_given_an_earlier_deadline_than_the_lead_unit(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                 co_units=[world.unit2], co_unit_due=dt.date(2025, 9, 26))
    dues = {t.unit_id: t.due_at for t in request.unit_tasks.all()}
    # The lead unit keeps the rule's 10 working days: 9-23..26, 28 (a make-up Sunday), 29, 30, then
    # after the National Day holiday 10-09, 10-10 and 10-11 (a make-up Saturday).
    assert dues == {world.unit1.pk: at(2025, 10, 11, 23, 59, 59, 999999),
                    world.unit2.pk: at(2025, 9, 26, 23, 59, 59, 999999)}


def test_dates_chosen_for_units_stay_when_the_year_is_loaded(world, django_capture_on_commit_callbacks):
    """A deadline given as a date is that date, or the last working day before it, on any calendar."""
    from guanjia.core.calendar import calendar_load_year

    with time_machine.travel(at(2026, 12, 28, 10, 0), tick=False):
        request = s.request_accept(actor=world.butler1, request=raise_one(world))
        # The request's own 办结时限 (2027-01-19) first, so that the units' later dates are accepted.
        request = s.request_extend(actor=world.leader, request=request, days=30, reason="跨年协调")
        request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                     co_units=[world.unit2], unit_due=dt.date(2027, 3, 1),
                                     co_unit_due=dt.date(2027, 2, 10))
        dues = {t.unit_id: t.due_at for t in request.unit_tasks.all()}
        assert dues == {world.unit1.pk: at(2027, 3, 1, 23, 59, 59, 999999),  # both on the provisional
                        world.unit2.pk: at(2027, 2, 10, 23, 59, 59, 999999)}  # calendar, without 春节
        # The units' clocks are their tasks' (items under the request's), provisional until the notice.
        units_provisional = Clock.objects.filter(item__parent=request.item_id, kind=ClockKind.UNIT, provisional=True)
        assert units_provisional.count() == 2
        # A made-up notice: 春节 2027-02-06..13 takes the co-units' date; 02-20 is a make-up Saturday.
        holidays = [(dt.date(2027, 1, d), "元旦") for d in (1, 2, 3)] + [
            (dt.date(2027, 2, d), "春节") for d in range(6, 14)]
        with django_capture_on_commit_callbacks(execute=True):
            calendar_load_year(actor=world.admin, year=2027, holidays=holidays, workdays=[dt.date(2027, 2, 20)],
                               source="测试通知")
    dues = {t.unit_id: t.due_at for t in request.unit_tasks.all()}
    assert dues == {world.unit1.pk: at(2027, 3, 1, 23, 59, 59, 999999),
                    world.unit2.pk: at(2027, 2, 5, 23, 59, 59, 999999)}  # the last working day before 02-10
    assert not units_provisional.exists()


@time_machine.travel(at(2025, 9, 22, 10, 0), tick=False)
@pytest.mark.parametrize(("units", "dues", "message"), [
    ([], {"co_unit_due": dt.date(2025, 9, 26)}, "未选择协办单位"),
    ([1], {"unit_due": dt.date(2025, 9, 24), "co_unit_due": dt.date(2025, 9, 26)}, "不能晚于牵头单位的时限"),
    ([1], {"co_unit_due": dt.date(2025, 9, 19)}, "不能早于今天"),
])
def test_co_unit_deadline_errors_write_nothing(world, units, dues, message):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    with pytest.raises(ValidationError) as error:
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                           co_units=[world.unit2] if units else [], **dues)
    assert message in error.value.message_dict["co_unit_due"][0]
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and not request.unit_tasks.exists()


def test_a_second_transfer_replaces_the_units_still_holding_the_request(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    request = s.request_unit_sign(actor=world.unit_user1, request=request)
    request = s.request_escalate(actor=world.butler1, request=request, target="leader")
    request = s.request_transfer(actor=world.admin, request=request, lead_unit=world.unit1, co_units=[world.unit2])
    tasks = request.unit_tasks.order_by("pk")
    assert [(t.unit_id, t.status) for t in tasks] == [
        (world.unit1.pk, "cancelled"), (world.unit1.pk, "pending"), (world.unit2.pk, "pending")]
    assert not tasks[0].clocks.filter(stopped_at__isnull=True, cancelled=False).exists()
    s.request_unit_sign(actor=world.unit_user1, request=request)
    with pytest.raises(Conflict):  # one task of unit 1 is open, so a second sign finds none
        s.request_unit_sign(actor=world.unit_user1, request=request)


@pytest.mark.parametrize("settle", ["reply", "merge"])
def test_settling_or_merging_withdraws_the_units_tasks(world, settle):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, co_units=[world.unit2])
    request = s.request_unit_sign(actor=world.unit_user1, request=request)
    request = s.request_escalate(actor=world.butler1, request=request, target="leader")
    if settle == "reply":
        request = s.request_reply(actor=world.butler1, request=request, answer="已协调解决", resolve=True)
        assert request.status == Status.RESOLVED
    else:
        other = s.request_accept(actor=world.butler1, request=raise_one(world))
        request = s.request_merge(actor=world.butler1, request=request, into=other)
        assert request.status == Status.MERGED
    assert set(request.unit_tasks.values_list("status", flat=True)) == {"cancelled"}
    assert not request.clocks.filter(stopped_at__isnull=True, cancelled=False).exists()
    from guanjia.tests_support.factories import waiting

    assert waiting(world.unit_user1) == []  # its task withdrawn, nothing waits for the unit


def test_no_request_for_an_archived_enterprise(world):
    from django.utils import timezone

    world.ent1.archived_at = timezone.now()
    world.ent1.save(update_fields=["archived_at"])
    with pytest.raises(ValidationError) as error:
        raise_one(world)
    assert "已归档" in error.value.message_dict["enterprise"][0]
    assert not Request.objects.exists()


# -- 申请延期 → 批准 / 驳回 ---------------------------------------------------------------------------------------


def in_units(world) -> Request:
    """A request transferred to unit1, which signed for it."""
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    return s.request_unit_sign(actor=world.unit_user1, request=request)


def test_a_unit_applies_and_a_leader_approves_through_the_extension_itself(world):
    from guanjia.requests.models import ExtensionApplication

    request = in_units(world)
    due = request.due_at
    request = s.request_apply_extension(actor=world.unit_user1, request=request, days=5,
                                        reason="需等待线路停电窗口", version=request.version)
    application = ExtensionApplication.objects.get()
    assert (application.status, application.days, application.unit, application.applicant) == (
        "pending", 5, world.unit1, world.unit_user1)
    event = last_event(request)
    assert (event.action, event.actor, event.unit, event.comment, event.data["days"]) == (
        "apply_extension", world.unit_user1, world.unit1, "需等待线路停电窗口", 5)
    assert event.from_status == event.to_status == "in_units"
    request.refresh_from_db()
    assert (request.due_at, request.extension_count) == (due, 0)  # nothing moves before the approval

    request = s.request_approve_extension(actor=world.leader, request=request, comment="同意",
                                          version=request.version)
    assert request.due_at > due and (request.extension_count, request.extended_days) == (1, 5)
    application.refresh_from_db()
    assert (application.status, application.decided_by, application.decision_reason) == (
        "approved", world.leader, "同意")
    approve, extend = Event.objects.filter(item=request.item_id).order_by("-pk")[:2][::-1]
    assert (approve.action, approve.actor, approve.comment, approve.data["applicant"]) == (
        "approve_extension", world.leader, "同意", world.unit_user1.pk)
    assert (extend.action, extend.comment, extend.data["days"], extend.data["application"]) == (
        "extend", "需等待线路停电窗口", 5, application.pk)
    with pytest.raises(Conflict):  # nothing pending any more
        s.request_approve_extension(actor=world.leader, request=request)


def test_the_butler_applies_and_an_admin_denies_with_a_reason(world):
    from guanjia.requests.models import ExtensionApplication

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_apply_extension(actor=world.butler1, request=request, days=3, reason="企业补充材料")
    assert ExtensionApplication.objects.get().unit is None
    with pytest.raises(ValidationError) as error:
        s.request_deny_extension(actor=world.admin, request=request, reason=" ")
    assert "reason" in error.value.message_dict
    request = s.request_deny_extension(actor=world.admin, request=request, reason="材料齐全，可按期办结")
    application = ExtensionApplication.objects.get()
    assert (application.status, application.decided_by, application.decision_reason) == (
        "denied", world.admin, "材料齐全，可按期办结")
    event = last_event(request)
    assert (event.action, event.comment, event.data["applicant"]) == (
        "deny_extension", "材料齐全，可按期办结", world.butler1.pk)
    request.refresh_from_db()
    assert (request.extension_count, request.extended_days) == (0, 0)
    # Denied, it may be asked again.
    s.request_apply_extension(actor=world.butler1, request=request, days=2, reason="再申请")
    assert ExtensionApplication.objects.pending().count() == 1


def test_one_application_pending_at_a_time(world):
    request = in_units(world)
    s.request_apply_extension(actor=world.unit_user1, request=request, days=5, reason="停电窗口")
    with pytest.raises(Conflict) as error:
        s.request_apply_extension(actor=world.butler1, request=request, days=2, reason="另一份")
    assert "已有一份延期申请待审批" in error.value.message
    assert Event.objects.filter(action="apply_extension").count() == 1


@pytest.mark.parametrize("ending", ["resolve", "reply", "merge"])
def test_an_application_still_waiting_is_withdrawn_when_the_request_is_settled(world, ending):
    from guanjia.requests.models import ExtensionApplication

    if ending == "reply":  # a first answer that settles it: before any transfer, the butler applies
        request = s.request_accept(actor=world.butler1, request=raise_one(world))
        s.request_apply_extension(actor=world.butler1, request=request, days=5, reason="等企业材料")
    else:
        request = in_units(world)
        s.request_apply_extension(actor=world.unit_user1, request=request, days=5, reason="停电窗口")
    if ending == "resolve":
        s.request_resolve(actor=world.butler1, request=request, answer="已送电")
    elif ending == "reply":
        s.request_reply(actor=world.butler1, request=request, answer="已送电", resolve=True)
    else:
        into = s.request_accept(actor=world.butler1, request=raise_one(world))
        s.request_merge(actor=world.butler1, request=request, into=into)
    application = ExtensionApplication.objects.get(request=request)
    assert application.status == "withdrawn" and application.decided_at is not None
    with pytest.raises(Conflict):  # nothing left to decide
        s.request_deny_extension(actor=world.leader, request=request, reason="已办结")


def test_the_cap_is_checked_when_applying(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_extend(actor=world.leader, request=request, days=20, reason="等待规划调整")
    with pytest.raises(ValidationError) as error:
        s.request_apply_extension(actor=world.butler1, request=request, days=11, reason="再延")
    assert "累计延期不能超过 30 个工作日（已延期 20 个）" in error.value.message_dict["days"][0]
    request = s.request_extend(actor=world.leader, request=request, days=1, reason="再延")
    with pytest.raises(Conflict):  # two extensions made: no third
        s.request_apply_extension(actor=world.butler1, request=request, days=1, reason="第三次")
    assert not Event.objects.filter(action="apply_extension").exists()


@pytest.mark.parametrize("who", ["supervisor", "ent1_user", "leader", "admin"])
def test_roles_that_may_not_apply(world, who):
    request = in_units(world)
    with pytest.raises(PermissionDenied):
        s.request_apply_extension(actor=getattr(world, who), request=request, days=1, reason="x")


def test_only_the_request_s_butler_and_a_unit_still_on_it_may_apply(world):
    request = in_units(world)
    for outsider in (world.butler2, world.unit_user2):  # not its butler; a unit with no task on it
        with pytest.raises(PermissionDenied):
            s.request_apply_extension(actor=outsider, request=request, days=1, reason="x")
    request = s.request_unit_feedback(actor=world.unit_user1, request=request, comment="已完成")
    with pytest.raises(PermissionDenied):  # its task is done
        s.request_apply_extension(actor=world.unit_user1, request=request, days=1, reason="x")


@pytest.mark.parametrize("who", ["butler1", "unit_user1", "supervisor"])
def test_roles_that_may_not_decide(world, who):
    request = in_units(world)
    s.request_apply_extension(actor=world.unit_user1, request=request, days=1, reason="x")
    with pytest.raises(PermissionDenied):
        s.request_approve_extension(actor=getattr(world, who), request=request)
    with pytest.raises(PermissionDenied):
        s.request_deny_extension(actor=getattr(world, who), request=request, reason="不行")


def test_states_that_do_not_allow_it(world):
    request = raise_one(world)  # not yet signed for: no clock to extend
    with pytest.raises(Conflict):
        s.request_apply_extension(actor=world.butler1, request=request, days=1, reason="x")
    request = s.request_accept(actor=world.butler1, request=request)
    with pytest.raises(Conflict):  # nothing to decide
        s.request_deny_extension(actor=world.leader, request=request, reason="x")
    request = s.request_apply_extension(actor=world.butler1, request=request, days=1, reason="x")
    request = s.request_suspend(actor=world.butler1, request=request, reason="policy_pending")
    with pytest.raises(Conflict):  # suspended: no extension can be made now
        s.request_approve_extension(actor=world.leader, request=request)
    request = s.request_deny_extension(actor=world.leader, request=request, reason="中止期间不计时")
    assert last_event(request).action == "deny_extension"


def test_a_decision_from_an_older_page_is_refused(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    seen = request.version
    request = s.request_apply_extension(actor=world.butler1, request=request, days=1, reason="x")
    with pytest.raises(Conflict):
        s.request_approve_extension(actor=world.leader, request=request, version=seen)
    s.request_approve_extension(actor=world.leader, request=request, version=request.version)


def test_an_approval_past_the_cap_leaves_the_application_pending(world):
    """An admin extended directly meanwhile: the approval is refused by request_extend and changes nothing."""
    from guanjia.requests.models import ExtensionApplication

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_apply_extension(actor=world.butler1, request=request, days=10, reason="x")
    request = s.request_extend(actor=world.admin, request=request, days=25, reason="直接延期")
    with pytest.raises(ValidationError):
        s.request_approve_extension(actor=world.leader, request=request)
    assert ExtensionApplication.objects.get().status == "pending"
    assert not Event.objects.filter(action="approve_extension").exists()


def test_answering_and_settling_at_once_needs_the_permission_to_resolve(world):
    """初步答复 with 办结 is a resolution too: a person allowed only to answer may not settle it that way."""
    import rules

    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    kept = rules.permissions.permissions["requests.resolve_request"]
    rules.set_perm("requests.resolve_request", rules.always_false)
    try:
        with pytest.raises(PermissionDenied):
            s.request_reply(actor=world.butler1, request=request, answer="已协调解决", resolve=True)
        request.refresh_from_db()
        assert request.status == Status.ACCEPTED and request.first_reply_at is None
        s.request_reply(actor=world.butler1, request=request, answer="正在协调")  # answering alone is allowed
    finally:
        rules.set_perm("requests.resolve_request", kept)
    request.refresh_from_db()
    assert request.status == Status.ACCEPTED and request.first_reply_at is not None
