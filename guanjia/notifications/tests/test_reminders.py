"""Reminders on the official calendar: due tomorrow, overdue (催办), escalation, ask-to-rate — each sent once.

Dates are real: 2025-10-01…08 is the National Day + Mid-Autumn holiday, 2025-10-09 (Thursday)
the first working day after it, and Saturday 2025-10-11 a make-up workday (调休上班).
"""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanjia.core.choices import Role
from guanjia.notifications.choices import Kind
from guanjia.notifications.models import Delivery, Notification, ReminderSent
from guanjia.notifications.reminders import reminders_run
from guanjia.notifications.tests.factories import at, raise_request
from guanjia.requests import services as rs
from guanjia.requests.choices import ClockKind
from guanjia.tests_support.factories import UserFactory
from guanjia.workflow.clocks import warn_at


def raised_at(world, moment, **overrides):
    """A request registered by the center after a visit (a 1-working-day sign clock) at a given time."""
    with time_machine.travel(moment, tick=False):
        return raise_request(world, actor=world.admin, source="visit", **overrides)


def run(moment):
    with time_machine.travel(moment, tick=False):
        return reminders_run()


def told() -> set[tuple[str, str]]:
    return {(n.recipient.username, n.kind) for n in Notification.objects.select_related("recipient")}


def test_due_tomorrow_goes_to_the_butler(world):
    request = raised_at(world, at(2025, 10, 9, 9, 30))
    sign = request.clocks.get(kind=ClockKind.SIGN)
    assert sign.due_at == at(2025, 10, 10, 23, 59, 59, 999999)
    summary = run(at(2025, 10, 9, 10, 0))
    assert summary.ran and summary.reminders["due_soon"] == 1 and summary.total == 1
    assert told() == {("butler1", Kind.DUE_SOON)}
    notice = Notification.objects.get()
    assert notice.title == f"临期提醒：{request.number} 厂区二期用电增容"
    assert "签收时限将于 2025-10-10 23:59 到期" in notice.body and notice.item_id == request.item_id


def test_a_deadline_after_the_next_working_day_is_not_due_yet(world):
    raised_at(world, at(2025, 10, 9, 9, 30))
    # Friday 10-10: the next working day is Saturday 10-11 (调休上班), the deadline is Friday: due soon.
    # Thursday 10-09 at 09:00 the same clock is already due by the end of Friday; a clock due
    # Monday 10-13 is not, seen from Thursday.
    with time_machine.travel(at(2025, 10, 9, 9, 40), tick=False):
        request = raise_request(world, actor=world.admin, source="visit", title="第二件")
        monday = at(2025, 10, 13, 23, 59, 59, 999999)
        # Due soon from the working day before Monday: Saturday 10-11, a make-up workday.
        assert warn_at(due=monday, measure="days", warn=1) == at(2025, 10, 11)
        request.clocks.filter(kind=ClockKind.SIGN).update(due_at=monday, warn_at=at(2025, 10, 11))
    assert run(at(2025, 10, 9, 10, 0)).reminders["due_soon"] == 1


def test_a_unit_deadline_reminds_the_units_handlers(world):
    with time_machine.travel(at(2025, 10, 9, 9, 10), tick=False):
        request = rs.request_accept(actor=world.butler1, request=raise_request(world))
        rs.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                            unit_due=dt.date(2025, 10, 10))
    run(at(2025, 10, 9, 10, 0))
    assert told() == {("unit1", Kind.DUE_SOON)}
    assert "供电公司 部门办理时限将于 2025-10-10 23:59 到期" in Notification.objects.get().body


def test_overdue_on_the_first_working_day_after_the_deadline_then_escalation_after_three(world):
    request = raised_at(world, at(2025, 9, 29, 10, 0))
    assert request.clocks.get(kind=ClockKind.SIGN).due_at == at(2025, 9, 30, 23, 59, 59, 999999)
    for holiday in (at(2025, 10, 1, 10, 0), at(2025, 10, 4, 10, 0), at(2025, 10, 8, 17, 0)):
        summary = run(holiday)
        assert not summary.ran and summary.reason == "非工作日"
    assert not Notification.objects.exists()

    summary = run(at(2025, 10, 9, 9, 0))  # the first working day after the deadline, as the office opens
    assert summary.reminders == {"due_soon": 0, "overdue": 1, "escalation": 0, "rate": 0}
    assert told() == {("butler1", Kind.OVERDUE)}
    assert "签收时限已于 2025-09-30 23:59 到期" in Notification.objects.get().body

    assert run(at(2025, 10, 10, 10, 0)).total == 0  # 2 working days over: no escalation yet
    summary = run(at(2025, 10, 11, 10, 0))  # Saturday, a make-up workday: 3 working days over
    assert summary.reminders["escalation"] == 1
    escalation = Notification.objects.get(kind=Kind.OVERDUE_ESCALATION)
    assert escalation.recipient == world.leader  # ent1's contact leader (联系领导)
    assert "已超期 3 个工作日" in escalation.body and "责任人：" in escalation.body
    assert run(at(2025, 10, 13, 10, 0)).total == 0


def test_escalation_goes_to_every_leader_without_a_contact_leader_or_station_head(world, settings):
    settings.GUANJIA_REMINDER_ESCALATE_AFTER_DAYS = 1
    UserFactory(zone=world.zone, username="leader2", roles=[Role.LEADER])
    raised_at(world, at(2025, 9, 29, 10, 0), enterprise=world.ent2)
    run(at(2025, 10, 9, 10, 0))
    assert told() == {("butler2", Kind.OVERDUE), ("leader", Kind.OVERDUE_ESCALATION),
                      ("leader2", Kind.OVERDUE_ESCALATION)}


def test_escalation_without_a_contact_leader_goes_to_the_station_head_alone(world, settings):
    settings.GUANJIA_REMINDER_ESCALATE_AFTER_DAYS = 1
    head = UserFactory(zone=world.zone, username="head2", workstation=world.ws2, roles=[Role.LEADER])
    world.ws2.head = head
    world.ws2.save()
    raised_at(world, at(2025, 9, 29, 10, 0), enterprise=world.ent2)
    run(at(2025, 10, 9, 10, 0))
    assert told() == {("butler2", Kind.OVERDUE), ("head2", Kind.OVERDUE_ESCALATION)}

    # A station head who has left is passed over: the zone's leaders hear of it instead.
    head.is_active = False
    head.save()
    ReminderSent.objects.all().delete()
    Notification.objects.all().delete()
    run(at(2025, 10, 9, 11, 0))
    assert told() == {("butler2", Kind.OVERDUE), ("leader", Kind.OVERDUE_ESCALATION)}


def test_ask_to_rate_after_one_working_day(world):
    with time_machine.travel(at(2025, 10, 9, 15, 0), tick=False):
        request = rs.request_accept(actor=world.butler1, request=raise_request(world))
        rs.request_resolve(actor=world.butler1, request=request, answer="已完成增容。")
    assert run(at(2025, 10, 9, 16, 0)).reminders["rate"] == 0
    summary = run(at(2025, 10, 10, 10, 0))
    assert summary.reminders["rate"] == 1
    assert told() == {("ent1", Kind.RATE_REMINDER)}
    assert "您的诉求已于 2025-10-09 办结" in Notification.objects.get().body
    assert run(at(2025, 10, 11, 10, 0)).total == 0


def test_a_rated_request_is_not_reminded(world):
    with time_machine.travel(at(2025, 10, 9, 15, 0), tick=False):
        request = rs.request_accept(actor=world.butler1, request=raise_request(world))
        request = rs.request_resolve(actor=world.butler1, request=request, answer="已完成增容。")
        rs.request_rate(actor=world.ent1_user, request=request, rating="satisfied")
    assert run(at(2025, 10, 10, 10, 0)).total == 0


@pytest.mark.parametrize("moment", [at(2025, 10, 9, 8, 59), at(2025, 10, 9, 18, 0), at(2025, 10, 12, 10, 0)])
def test_nothing_outside_working_hours_or_on_a_weekend(world, moment):
    raised_at(world, at(2025, 9, 29, 10, 0))
    summary = run(moment)
    assert not summary.ran and summary.reason
    assert not Notification.objects.exists() and not ReminderSent.objects.exists()


def test_running_twice_sends_nothing_new(world):
    raised_at(world, at(2025, 9, 29, 10, 0))
    raised_at(world, at(2025, 10, 9, 9, 30), title="第二件")
    first = run(at(2025, 10, 9, 10, 0))
    assert (first.reminders["overdue"], first.reminders["due_soon"]) == (1, 1)
    count = Notification.objects.count()
    assert run(at(2025, 10, 9, 10, 0)).total == 0
    assert run(at(2025, 10, 9, 10, 15)).total == 0
    assert Notification.objects.count() == count == 2


def test_a_moved_deadline_is_reminded_again(world):
    request = raised_at(world, at(2025, 10, 9, 9, 30))
    run(at(2025, 10, 9, 10, 0))
    request.clocks.filter(kind=ClockKind.SIGN).update(due_at=at(2025, 10, 11, 23, 59, 59, 999999))
    assert run(at(2025, 10, 10, 10, 0)).reminders["due_soon"] == 1
    assert Notification.objects.filter(kind=Kind.DUE_SOON).count() == 2


def test_a_suspended_request_is_not_reminded(world):
    request = raised_at(world, at(2025, 9, 29, 10, 0))
    with time_machine.travel(at(2025, 9, 30, 10, 0), tick=False):
        request = rs.request_accept(actor=world.butler1, request=request)
        rs.request_suspend(actor=world.butler1, request=request, reason="awaiting_material")
    assert run(at(2025, 10, 20, 10, 0)).total == 0


def test_reminders_are_delivered_after_commit(world, committed):
    world.butler1.email = "butler1@example.cn"
    world.butler1.save()
    raised_at(world, at(2025, 9, 29, 10, 0))
    with time_machine.travel(at(2025, 10, 9, 10, 0), tick=False), committed():
        summary = reminders_run()
    assert summary.deliveries == 1
    assert [m.subject for m in mail.outbox][-1].startswith("[管家] 超期催办：")
    assert Delivery.objects.get().status == "sent"


LAST = []


def test_the_number_of_queries_does_not_grow_with_the_clocks(world):
    from guanjia.notifications import services

    world.butler1.email = "butler1@example.cn"
    world.butler1.save()
    services.webhook_endpoint_create(actor=world.admin, zone=world.zone, name="供电公司群", kind="wecom",
                                     url="http://127.0.0.1:9/hook", unit=world.unit1)

    def requests(n):
        for i in range(n):
            raised_at(world, at(2025, 9, 29, 10, 0), title=f"诉求{i}")

    def queries():
        ReminderSent.objects.all().delete()
        Notification.objects.all().delete()
        with time_machine.travel(at(2025, 10, 9, 10, 0), tick=False), CaptureQueriesContext(connection) as captured:
            summary = reminders_run()
        LAST[:] = captured.captured_queries
        return summary, len(captured)

    requests(5)
    few, with_5 = queries()
    requests(45)
    many, with_50 = queries()
    assert (few.reminders["overdue"], many.reminders["overdue"]) == (5, 50)
    # One e-mail each. Each table is one INSERT (executemany, or COPY on PostgreSQL); notices and
    # deliveries first reserve their ids (one query each), since a delivery refers to its notice;
    # the butlers, contact leaders and station heads of a chunk are read in one query. (PostgreSQL's
    # COPY goes past Django's query log, so its three writes are not counted there.)
    assert (few.deliveries, many.deliveries) == (5, 50)
    assert with_50 == with_5 == (15 if connection.vendor == "sqlite" else 12), "\n".join(q["sql"][:150] for q in LAST)


def test_the_command_runs_the_same_service(world):
    from io import StringIO

    raised_at(world, at(2025, 9, 29, 10, 0))
    out = StringIO()
    call_command("send_reminders", "--now", "2025-10-04T10:00", stdout=out)
    assert "未发送：非工作日" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--now", "2025-10-09T10:00", stdout=out)
    assert "提醒 1 条" in out.getvalue() and "超期催办 1" in out.getvalue()
    assert told() == {("butler1", Kind.OVERDUE)}


def test_a_chunk_whose_keys_another_run_took_is_skipped_whole(world):
    """Two runs at once: the one that loses the race on a key writes none of its chunk's notices."""
    from guanjia.core.calendar import WorkingCalendar
    from guanjia.notifications.reminders import ReminderKind, ReminderSummary, Run

    raised_at(world, at(2025, 9, 29, 10, 0))
    moment = at(2025, 10, 9, 10, 0)
    summary = ReminderSummary(now=moment)
    racer = Run(now=moment, calendar=WorkingCalendar.load(), summary=summary)
    racer.clocks(ReminderKind.OVERDUE, racer.running_clocks(ReminderKind.OVERDUE))  # sees the clock …
    assert summary.reminders["overdue"] == 1 and Notification.objects.count() == 1
    late = Run(now=moment, calendar=WorkingCalendar.load(), summary=summary)
    rows = list(racer.running_clocks(ReminderKind.DUE_SOON).values_list("pk", "item_id", "due_at"))
    items = [({"item_id": item_id, "clock_id": pk, "due_at": due_at}, None) for pk, item_id, due_at in rows]
    late.commit(ReminderKind.OVERDUE, items)  # … and so did the other run, which writes the same key
    assert summary.skipped_chunks == 1 and summary.reminders["overdue"] == 1
    assert Notification.objects.count() == 1 and ReminderSent.objects.count() == 1


def test_every_kind_of_item_is_reminded_once_and_to_its_own_people(world):
    """A request's own clock, a unit's task and a meeting's action item, all overdue: each reminded once, to
    whoever answers for it; a second run sends nothing new, and the escalation follows the same way."""
    from guanjia.meetings import services as ms
    from guanjia.workflow.models import Clock

    with time_machine.travel(at(2025, 9, 29, 10, 0), tick=False):
        request = rs.request_accept(actor=world.butler1, request=raise_request(world))
        rs.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                            unit_due=dt.date(2025, 9, 30))
        meeting = ms.meeting_create(actor=world.admin, title="增容会办会", starts_at=at(2025, 9, 29, 9, 0),
                                    units=[world.unit2], requests=[request])
        ms.meeting_hold(actor=world.admin, meeting=meeting, minutes="纪要")
        item = ms.action_item_add(actor=world.admin, meeting=meeting, text="核实用地红线", owner_unit=world.unit2,
                                  owner_person=world.butler2, due_date=dt.date(2025, 9, 30))
    kinds = set(Clock.objects.filter(stopped_at__isnull=True, cancelled=False, due_at__lt=at(2025, 10, 9))
                .values_list("item__kind", flat=True))
    assert kinds == {"unit_task", "action_item"}  # the request's own: first answer and resolution run on
    summary = run(at(2025, 10, 9, 9, 30))  # the first working day after 国庆
    assert summary.reminders["overdue"] == 2
    assert told() == {("unit1", Kind.OVERDUE), ("unit2", Kind.OVERDUE), ("butler2", Kind.OVERDUE),
                      ("admin", Kind.OVERDUE)}  # the action item's convener follows it up
    notice = Notification.objects.get(recipient=world.butler2)
    assert notice.item_id == item.item_id and notice.link == item.get_absolute_url().split("#")[0].replace(
        f"/meetings/{meeting.pk}/", f"/meetings/actions/{item.pk}/")
    assert "督办事项完成时限已于 2025-09-30 23:59 到期" in notice.body
    assert run(at(2025, 10, 9, 11, 0)).total == 0  # once

    summary = run(at(2025, 10, 11, 10, 0))  # Saturday, a make-up workday: three working days over
    assert summary.reminders["escalation"] == 2
    assert {n.recipient.username for n in Notification.objects.filter(kind=Kind.OVERDUE_ESCALATION)} == {"leader"}
    assert run(at(2025, 10, 11, 11, 0)).total == 0


def test_an_action_item_long_overdue_goes_up_to_the_leaders_who_decided_it(world):
    """Its escalation goes to the leaders who attended its meeting; a meeting without one escalates as a
    request does (here, with no enterprise to ask of: every leader of the zone)."""
    from guanjia.meetings import services as ms

    chair = UserFactory(zone=world.zone, username="chair", roles=[Role.LEADER])
    with time_machine.travel(at(2025, 9, 29, 10, 0), tick=False):
        for title, attendees in (("有领导参加的协调会", [chair, world.butler2]), ("无领导参加的协调会", [])):
            meeting = ms.meeting_create(actor=world.admin, title=title, starts_at=at(2025, 9, 29, 9, 0),
                                        units=[world.unit2], attendees=attendees)
            ms.meeting_hold(actor=world.admin, meeting=meeting, minutes="纪要")
            ms.action_item_add(actor=world.admin, meeting=meeting, text=f"{title}议定事项", owner_unit=world.unit2,
                               due_date=dt.date(2025, 9, 30))
    run(at(2025, 10, 9, 9, 30))  # overdue
    summary = run(at(2025, 10, 11, 10, 0))  # three working days over
    assert summary.reminders["escalation"] == 2
    told_of = {(n.recipient.username, n.title.split("：")[1])
               for n in Notification.objects.filter(kind=Kind.OVERDUE_ESCALATION).select_related("recipient")}
    assert told_of == {("chair", "有领导参加的协调会议定事项"),
                       ("chair", "无领导参加的协调会议定事项"), ("leader", "无领导参加的协调会议定事项")}


def test_a_notice_is_shown_in_its_reader_s_language(world, client, django_capture_on_commit_callbacks):
    """The same reminder reads in Chinese for one reader and in English for another, whatever the language of
    the moment it was written in; an e-mail goes out in its recipient's language."""
    from django.utils import translation

    world.butler1.email = "butler1@example.cn"
    world.butler1.language = "en"
    world.butler1.save(update_fields=["email", "language"])
    raised_at(world, at(2025, 9, 29, 10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        run(at(2025, 10, 9, 9, 30))
    notice = Notification.objects.get(recipient=world.butler1)
    assert notice.title.startswith("超期催办：")  # kept in the default language too
    with translation.override("en"):
        assert notice.shown_title.startswith("Overdue: ") and "Sign-for deadline" in notice.shown_body
    with translation.override("zh-hans"):
        assert notice.shown_title.startswith("超期催办：")
    client.force_login(world.butler1)
    assert "Overdue: " in client.get("/notifications/").content.decode()  # their own setting, not the browser's
    assert client.get("/api/v1/notifications/").json()["results"][0]["title"].startswith("Overdue: ")
    assert mail.outbox and "Overdue: GJ-" in mail.outbox[-1].subject
