"""Issue 14: arbitration that settles something (同意退单, 驳回退单, 仲裁改派 per returned task), and unit
deadlines that agree with the request's own 办结时限."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanjia.core.errors import Conflict
from guanjia.notifications.choices import Kind
from guanjia.notifications.models import Notification
from guanjia.notifications.services import notify_event
from guanjia.requests import services as s
from guanjia.requests.choices import Action, Arbitration, ClockKind, Status, UnitTaskStatus
from guanjia.requests.models import Request
from guanjia.tests_support.factories import waiting
from guanjia.workflow.models import Event

TZ = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)  # a working week without holidays


def raise_one(world, **overrides) -> Request:
    data = {"actor": world.butler1, "enterprise": world.ent1, "source": "visit", "category": "factors",
            "title": "厂区二期用电增容", "description": "二期厂房投产需增容至 2000 kVA。"}
    data.update(overrides)
    return s.request_raise(**data)


def in_units(world, co_units=None) -> Request:
    """Transferred to unit1 (lead) and unit2 (co-unit), and signed for by the lead unit."""
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                 co_units=[world.unit2] if co_units is None else co_units)
    return s.request_unit_sign(actor=world.unit_user1, request=request)


def co_returned(world) -> Request:
    return s.request_return(actor=world.unit_user2, request=in_units(world), reason="非本单位职责")


def task(request, unit):
    return request.unit_tasks.filter(unit=unit).order_by("-pk").first()


def last_event(request) -> Event:
    return Event.objects.filter(item=request.item_id).order_by("-pk").first()


def told(event) -> set[tuple[str, str]]:
    notify_event(event_id=event.pk)
    return {(n.recipient.username, n.kind) for n in Notification.objects.filter(event=event.pk)
            .select_related("recipient")}


# -- a co-unit's 退单 never blocks the lead unit ---------------------------------------------------------------------


def test_a_co_unit_s_return_leaves_the_lead_unit_working_and_waits_for_the_center(world):
    request = co_returned(world)
    assert request.status == Status.IN_UNITS  # not 退单待仲裁: the lead unit goes on
    returned = task(request, world.unit2)
    assert returned.status == UnitTaskStatus.RETURNED and returned.awaits_arbitration
    assert ("unit_task", returned.pk) in waiting(world.admin)  # the center's 我的待办
    assert ("unit_task", returned.pk) in waiting(world.unit_user2, apart=True)  # the unit waits on it
    request = s.request_unit_feedback(actor=world.unit_user1, request=request, comment="已完成线路勘察。")
    assert task(request, world.unit1).status == UnitTaskStatus.DONE
    assert last_event(request).action == Action.FEEDBACK


def test_the_lead_unit_s_return_sends_the_request_to_the_center(world):
    request = s.request_return(actor=world.unit_user1, request=in_units(world), reason="应由规划部门牵头")
    assert request.status == Status.RETURNED
    assert ("request", request.pk) in waiting(world.admin)
    assert ("unit_task", task(request, world.unit2).pk) in waiting(world.unit_user2, apart=True)


def test_the_butler_hears_of_every_return(world):
    request = co_returned(world)
    assert told(last_event(request)) == {("admin", Kind.RETURNED), ("butler1", Kind.RETURNED)}
    body = Notification.objects.filter(recipient=world.butler1).get().body
    assert "非本单位职责" in body and "牵头单位照常办理" in body


def test_the_center_s_worklist_reads_waiting_co_unit_returns_at_a_fixed_count(client, world):
    client.force_login(world.admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("workflow:worklist"))
        return len(ctx), response.context["paginator"].count

    co_returned(world)
    queries, listed = count()
    for _n in range(3):
        co_returned(world)
    assert count() == (queries, listed + 3)


# -- 同意退单 ---------------------------------------------------------------------------------------------------------


def test_upholding_a_co_unit_s_return_releases_it_and_the_rest_continue(world):
    request = co_returned(world)
    returned = task(request, world.unit2)
    request = s.request_uphold_return(actor=world.admin, request=request, comment="由供电公司独立办理")
    returned.refresh_from_db()
    assert request.status == Status.IN_UNITS and request.lead_unit == world.unit1
    assert (returned.status, returned.arbitration, returned.instruction) == (
        UnitTaskStatus.RETURNED, Arbitration.UPHELD, "由供电公司独立办理")
    assert not returned.clocks.filter(stopped_at__isnull=True, cancelled=False).exists()
    assert ("unit_task", returned.pk) not in waiting(world.admin)
    assert task(request, world.unit1).status == UnitTaskStatus.SIGNED
    event = last_event(request)
    assert (event.action, event.unit, event.data["decision"]) == (Action.UPHOLD_RETURN, world.unit2, "upheld")
    assert told(event) == {("unit2", Kind.ARBITRATED), ("butler1", Kind.ARBITRATED)}
    with pytest.raises(Conflict):  # decided: nothing waits any more
        s.request_uphold_return(actor=world.admin, request=request)


def test_upholding_the_lead_unit_s_return_gives_the_request_back_to_be_transferred_again(world):
    request = s.request_return(actor=world.unit_user1, request=in_units(world), reason="应由规划部门牵头")
    request = s.request_uphold_return(actor=world.admin, request=request)
    assert request.status == Status.ACCEPTED and request.lead_unit is None
    assert ("request", request.pk) in waiting(world.butler1)
    body = told(last_event(request)) and Notification.objects.get(recipient=world.butler1).body
    assert "请重新转办" in body
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit2)
    assert request.status == Status.TRANSFERRED and request.lead_unit == world.unit2


def test_only_the_center_arbitrates(world, api):
    request = co_returned(world)
    for person in (world.butler1, world.leader, world.unit_user1):
        with pytest.raises(PermissionDenied):
            s.request_uphold_return(actor=person, request=request)
    api.force_authenticate(world.butler1)
    assert api.post(f"/api/v1/requests/{request.pk}/uphold-return/", {}, format="json").status_code == 403
    api.force_authenticate(world.ent1_user)
    assert api.post(f"/api/v1/requests/{request.pk}/dismiss-return/", {}, format="json").status_code == 403


def test_with_two_returns_waiting_the_center_names_the_unit(world, api):
    from guanjia.tests_support.factories import UnitFactory, UserFactory

    third = UnitFactory(zone=world.zone, name="水务公司")
    handler = UserFactory(zone=world.zone, unit=third, roles=["unit"])
    request = in_units(world, co_units=[world.unit2, third])
    request = s.request_return(actor=world.unit_user2, request=request, reason="非本单位职责")
    request = s.request_return(actor=handler, request=request, reason="非本单位职责")
    url = f"/api/v1/requests/{request.pk}/uphold-return/"
    api.force_authenticate(world.admin)
    response = api.post(url, {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["unit"]
    response = api.post(url, {"unit": world.unit1.pk}, format="json")  # signed, not returned
    assert response.status_code == 400 and list(response.json()) == ["unit"]
    response = api.post(url, {"unit": third.pk, "comment": "不涉及供水"}, format="json")
    assert response.status_code == 200
    tasks = {t["unit"]: t for t in response.json()["unit_tasks"]}
    assert tasks[third.pk]["arbitration"] == "upheld" and tasks[world.unit2.pk]["arbitration"] == ""


# -- 驳回退单 ---------------------------------------------------------------------------------------------------------


@time_machine.travel(MONDAY, tick=False)
def test_dismissing_a_return_gives_the_task_back_with_the_instruction_and_its_old_deadline(world, api):
    request = co_returned(world)
    returned = task(request, world.unit2)
    old_due = returned.due_at
    api.force_authenticate(world.admin)
    url = f"/api/v1/requests/{request.pk}/dismiss-return/"
    response = api.post(url, {}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["comment"]
    response = api.post(url, {"comment": "线路迁改属协办职责，请配合"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.IN_UNITS
    returned.refresh_from_db()
    assert (returned.status, returned.arbitration, returned.instruction) == (
        UnitTaskStatus.PENDING, Arbitration.DISMISSED, "线路迁改属协办职责，请配合")
    assert returned.due_at == old_due  # 退单不停表: the deadline it had
    running = returned.clocks.get(stopped_at__isnull=True, cancelled=False)
    assert running.due_at == old_due and running.kind == ClockKind.UNIT
    assert waiting(world.unit_user2) == [("unit_task", returned.pk)]
    assert ("unit_task", returned.pk) not in waiting(world.admin)
    event = last_event(request)
    assert told(event) == {("unit2", Kind.ARBITRATED), ("butler1", Kind.ARBITRATED)}
    assert "线路迁改属协办职责" in Notification.objects.filter(recipient=world.unit_user2).get().body
    s.request_unit_sign(actor=world.unit_user2, request=request)  # the unit's to act on again


def test_dismissing_the_lead_unit_s_return_takes_the_request_back_to_the_units(world):
    request = s.request_return(actor=world.unit_user1, request=in_units(world), reason="应由规划部门牵头")
    request = s.request_dismiss_return(actor=world.admin, request=request, comment="属供电职责，请继续办理")
    assert request.status == Status.IN_UNITS
    assert task(request, world.unit1).status == UnitTaskStatus.SIGNED  # signed before: signed again
    assert ("unit_task", task(request, world.unit2).pk) in waiting(world.unit_user2)  # the co-unit goes on


# -- 仲裁改派 ---------------------------------------------------------------------------------------------------------


def test_reassigning_keeps_the_feedback_a_unit_already_gave_and_the_lead_unit_s_work(world):
    from guanjia.tests_support.factories import UnitFactory

    third = UnitFactory(zone=world.zone, name="水务公司")
    request = in_units(world)
    request = s.request_unit_sign(actor=world.unit_user2, request=request)
    request = s.request_unit_feedback(actor=world.unit_user2, request=request, comment="协办意见：同意增容。")
    request = s.request_return(actor=world.unit_user1, request=request, reason="应由水务公司牵头")
    done = task(request, world.unit2)
    request = s.request_reassign(actor=world.admin, request=request, lead_unit=third, co_units=[world.unit2])
    done.refresh_from_db()
    assert request.status == Status.IN_UNITS  # a kept unit has answered
    assert (done.status, done.feedback, done.role) == (UnitTaskStatus.DONE, "协办意见：同意增容。", "co")
    assert request.unit_tasks.filter(unit=world.unit2).count() == 1  # no second task for it
    assert task(request, world.unit1).arbitration == Arbitration.REASSIGNED
    assert task(request, third).status == UnitTaskStatus.PENDING


def test_reassigning_a_co_unit_s_share_keeps_the_lead_unit_s_task(world):
    from guanjia.tests_support.factories import UnitFactory, UserFactory

    third = UnitFactory(zone=world.zone, name="水务公司")
    UserFactory(zone=world.zone, unit=third, roles=["unit"], username="unit3")
    request = co_returned(world)
    lead = task(request, world.unit1)
    request = s.request_reassign(actor=world.admin, request=request, lead_unit=world.unit1, co_units=[third])
    assert task(request, world.unit1).pk == lead.pk and task(request, world.unit1).status == UnitTaskStatus.SIGNED
    assert request.status == Status.IN_UNITS
    event = last_event(request)
    assert event.data["arbitrated_units"] == [world.unit2.pk] and "withdrawn_units" not in event.data
    # The released unit hears the decision; the lead unit, which keeps its task, is not asked to sign again.
    assert told(event) == {("unit2", Kind.ARBITRATED), ("butler1", Kind.ARBITRATED), ("unit3", Kind.TRANSFERRED)}


def test_reassigning_without_a_waiting_return_is_refused(world):
    with pytest.raises(Conflict):
        s.request_reassign(actor=world.admin, request=in_units(world), lead_unit=world.unit2)


def test_a_waiting_return_is_settled_when_the_request_is_resolved(world):
    request = co_returned(world)
    request = s.request_resolve(actor=world.butler1, request=request, answer="已协调完成增容。")
    returned = task(request, world.unit2)
    assert returned.arbitration == Arbitration.SETTLED and not returned.awaits_arbitration
    assert ("unit_task", returned.pk) not in waiting(world.admin)


# -- deadlines that agree ---------------------------------------------------------------------------------------------


def _due_day(request) -> dt.date:
    return timezone.localtime(request.due_at).date()


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("field", ["unit_due", "co_unit_due"])
def test_a_unit_deadline_past_the_request_s_is_a_400_naming_both_dates(world, api, field):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    late = _due_day(request) + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, co_units=[world.unit2],
                           **{field: late})
    message = error.value.message_dict[field][0]
    assert "2026年3月24日" in message and "2026年3月23日" in message  # the unit's date, then the request's
    api.force_authenticate(world.butler1)
    response = api.post(f"/api/v1/requests/{request.pk}/transfer/",
                        {"lead_unit": world.unit1.pk, "co_units": [world.unit2.pk], field: late.isoformat()},
                        format="json")
    assert response.status_code == 400 and list(response.json()) == [field]
    assert "2026年3月23日" in response.json()[field][0]
    assert not request.unit_tasks.exists()
    # Extended first, the same date is accepted.
    request = s.request_extend(actor=world.leader, request=request, days=2, reason="需上级审批")
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                 co_units=[world.unit2], **{"unit_due": late, field: late})
    assert timezone.localtime(task(request, world.unit2).due_at).date() == late


@time_machine.travel(MONDAY, tick=False)
def test_reassigning_checks_the_deadline_too(world):
    request = s.request_return(actor=world.unit_user1, request=in_units(world), reason="应由规划部门牵头")
    with pytest.raises(ValidationError) as error:
        s.request_reassign(actor=world.admin, request=request, lead_unit=world.unit2,
                           unit_due=_due_day(request) + dt.timedelta(days=7))
    assert "unit_due" in error.value.message_dict
    request.refresh_from_db()
    assert request.status == Status.RETURNED and task(request, world.unit1).awaits_arbitration


@time_machine.travel(MONDAY, tick=False)
@pytest.mark.parametrize("move", [False, True])
def test_an_extension_moves_the_open_unit_deadlines_only_when_asked(world, move):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    request = s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, co_units=[world.unit2],
                                 unit_due=dt.date(2026, 3, 20), co_unit_due=dt.date(2026, 3, 13))
    request = s.request_unit_sign(actor=world.unit_user2, request=request)
    request = s.request_unit_feedback(actor=world.unit_user2, request=request, comment="已答复")  # done: stays
    before = {t.unit_id: t.due_at for t in request.unit_tasks.all()}
    request = s.request_extend(actor=world.leader, request=request, days=5, reason="需上级审批",
                               move_unit_deadlines=move)
    after = {t.unit_id: t.due_at for t in request.unit_tasks.all()}
    assert after[world.unit2.pk] == before[world.unit2.pk]  # answered: nothing to move
    event = last_event(request)
    if move:
        assert after[world.unit1.pk] == request.due_at  # moved to the request's new 办结时限
        assert event.data["moved_units"] == [world.unit1.pk]
        assert task(request, world.unit1).clocks.get(cancelled=False).due_at == request.due_at
    else:
        assert after[world.unit1.pk] == before[world.unit1.pk] and "moved_units" not in event.data


@time_machine.travel(MONDAY, tick=False)
def test_approving_an_application_may_move_the_units_and_the_page_says_which(world, client):
    request = in_units(world, co_units=[])
    request = s.request_apply_extension(actor=world.unit_user1, request=request, days=3, reason="需补测")
    client.force_login(world.leader)
    url = reverse("requests:act", args=[request.pk, Action.APPROVE_EXTENSION])
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'name="move_unit_deadlines"' in page
    response = client.post(url, {"version": request.version, "move_unit_deadlines": "on"}, follow=True)
    request.refresh_from_db()
    assert task(request, world.unit1).due_at == request.due_at
    assert f"以下单位的办理时限已顺延至新的办结时限：{world.unit1.name}" in response.content.decode()


def test_the_detail_page_offers_arbitration_only_while_a_return_waits(world, client):
    request = in_units(world)
    client.force_login(world.admin)
    assert 'id="act-uphold_return"' not in client.get(request.get_absolute_url()).content.decode()
    request = s.request_return(actor=world.unit_user2, request=request, reason="非本单位职责")
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="act-uphold_return"' in page and 'id="act-dismiss_return"' in page and 'id="act-reassign"' in page
    response = client.post(reverse("requests:act", args=[request.pk, Action.DISMISS_RETURN]),
                           {"version": request.version, "comment": ""})
    assert response.status_code == 200 and "请填写仲裁意见" in response.content.decode()
    response = client.post(reverse("requests:act", args=[request.pk, Action.DISMISS_RETURN]),
                           {"version": request.version, "comment": "请配合牵头单位办理"}, follow=True)
    page = response.content.decode()
    assert "已驳回退单" in page and "请配合牵头单位办理" in page
    client.force_login(world.ent1_user)
    assert "请配合牵头单位办理" not in client.get(request.get_absolute_url()).content.decode()


@time_machine.travel(MONDAY, tick=False)
def test_the_timeline_says_how_long_an_extension_is_and_which_units_moved(world, client):
    request = s.request_extend(actor=world.leader, request=in_units(world, co_units=[]), days=5,
                               reason="需上级审批", move_unit_deadlines=True)
    client.force_login(world.butler1)
    timeline = client.get(request.get_absolute_url()).content.decode().split('id="timeline"')[1]
    assert "延长 5 个工作日" in timeline and f"随同顺延：{world.unit1.name}" in timeline
    client.force_login(world.ent1_user)  # what moved among the units is the staff's
    assert "随同顺延" not in client.get(request.get_absolute_url()).content.decode()


def test_dismissing_a_co_unit_s_return_leaves_a_waiting_lead_return_waiting(world):
    request = co_returned(world)  # unit2 (co) returned; the request stays with unit1
    request = s.request_return(actor=world.unit_user1, request=request, reason="应由规划部门牵头")
    assert request.status == Status.RETURNED
    request = s.request_dismiss_return(actor=world.admin, request=request, unit=world.unit2, comment="请继续协办")
    request.refresh_from_db()
    assert request.status == Status.RETURNED  # the lead unit's return still waits for the center
    assert task(request, world.unit1).awaits_arbitration and not task(request, world.unit2).awaits_arbitration
    request = s.request_uphold_return(actor=world.admin, request=request, comment="同意")
    assert request.status == Status.ACCEPTED  # the lead released: back to be transferred again


def test_upholding_a_co_unit_s_return_made_before_the_arbitration_gives_the_request_back_to_its_lead(world):
    request = co_returned(world)
    Request.objects.filter(pk=request.pk).update(status=Status.RETURNED)  # as every return did before
    request = s.request_uphold_return(actor=world.admin, request=Request.objects.get(pk=request.pk))
    assert request.status == Status.IN_UNITS and task(request, world.unit1).status == "signed"
