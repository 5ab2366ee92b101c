"""Who is told of what: one receiver on the requests' timeline, per event kind (DOMAIN.md "Who uses it")."""

import pytest

from guanjia.core.choices import Role
from guanjia.notifications import services
from guanjia.notifications.choices import Kind
from guanjia.notifications.models import Notification
from guanjia.notifications.tests.factories import raise_request, transferred_request
from guanjia.requests import services as rs
from guanjia.tests_support.factories import UnitFactory, UserFactory
from guanjia.workflow.models import Event


def told(kind=None) -> set[tuple[str, str]]:
    rows = Notification.objects.all() if kind is None else Notification.objects.filter(kind=kind)
    return {(n.recipient.username, n.kind) for n in rows.select_related("recipient")}


def test_a_raised_request_goes_to_its_butler(world, committed):
    with committed():
        request = raise_request(world)
    assert told() == {("butler1", Kind.NEW_REQUEST)}
    notice = Notification.objects.get()
    assert notice.item_id == request.item_id and notice.zone == world.zone
    assert notice.title == f"新诉求待签收：{request.number} 厂区二期用电增容"
    assert notice.link == f"/requests/{request.pk}/" or notice.link.endswith(f"/{request.pk}/")
    assert world.ent1.name in notice.body and notice.read_at is None


def test_nobody_is_told_of_their_own_act(world, committed):
    with committed():
        raise_request(world, actor=world.butler1, source="visit")
    assert not Notification.objects.exists()


def test_a_request_without_butler_goes_to_the_center(world, committed):
    world.ent2.butler = None
    world.ent2.save()
    world.project2.butler = None
    world.project2.save()
    with committed():
        raise_request(world, actor=world.ent2_user, enterprise=world.ent2)
    assert told() == {("admin", Kind.NEW_REQUEST)}


def test_a_letter_also_reaches_its_leader(world, committed):
    with committed():
        raise_request(world, actor=world.admin, source="letter", addressed_leader=world.leader)
    assert told() == {("butler1", Kind.NEW_REQUEST), ("leader", Kind.LETTER)}


def test_a_transfer_reaches_the_handlers_of_every_unit(world, committed):
    colleague = UserFactory(zone=world.zone, username="unit1b", unit=world.unit1, roles=[Role.UNIT])
    UserFactory(zone=world.zone, username="unit1-retired", unit=world.unit1, roles=[Role.UNIT], is_active=False)
    with committed():
        transferred_request(world, co_units=[world.unit2])
    assert told(Kind.TRANSFERRED) == {("unit1", Kind.TRANSFERRED), ("unit1b", Kind.TRANSFERRED),
                                      ("unit2", Kind.TRANSFERRED)}
    assert "请供电公司牵头办理" in Notification.objects.filter(recipient=colleague).get().body


def test_a_return_goes_to_the_admins_and_a_reassignment_to_the_new_unit(world, committed):
    request = transferred_request(world)
    with committed():
        request = rs.request_return(actor=world.unit_user1, request=request, reason="不属于本单位职责。")
    assert told() == {("admin", Kind.RETURNED), ("butler1", Kind.RETURNED)}  # the butler hears of every return
    assert "供电公司 退回了该诉求：不属于本单位职责。" in Notification.objects.filter(recipient=world.admin).get().body
    with committed():
        rs.request_reassign(actor=world.admin, request=request, lead_unit=world.unit2)
    assert told(Kind.TRANSFERRED) == {("unit2", Kind.TRANSFERRED)}


@pytest.mark.parametrize(("target", "expected"), [
    ("station_head", "head"), ("leader", "leader"), ("meeting", "admin"),
])
def test_an_escalation_goes_where_its_target_says(world, committed, target, expected):
    head = UserFactory(zone=world.zone, username="head", roles=[Role.LEADER])
    world.ws1.head = head
    world.ws1.save()
    request = rs.request_accept(actor=world.butler1, request=raise_request(world))
    with committed():
        rs.request_escalate(actor=world.butler1, request=request, target=target, comment="多部门交叉，需协调。")
    assert told() == {(expected, Kind.ESCALATED)}
    assert "多部门交叉" in Notification.objects.get().body


def test_a_station_without_head_escalates_to_the_leaders(world, committed):
    request = rs.request_accept(actor=world.butler1, request=raise_request(world))
    with committed():
        rs.request_escalate(actor=world.butler1, request=request, target="station_head")
    assert told() == {("leader", Kind.ESCALATED)}


def test_a_resolution_asks_the_enterprise_to_rate(world, committed):
    request = rs.request_accept(actor=world.butler1, request=raise_request(world))
    with committed():
        rs.request_resolve(actor=world.butler1, request=request, answer="已完成增容。")
    assert told() == {("ent1", Kind.RATE_ASKED)}
    assert "已完成增容" in Notification.objects.get().body
    assert not Notification.objects.filter(recipient=world.ent2_user).exists()


def test_a_reply_that_settles_also_asks_to_rate(world, committed):
    request = rs.request_accept(actor=world.butler1, request=raise_request(world))
    with committed():
        rs.request_reply(actor=world.butler1, request=request, answer="政策已明确，可直接申报。", resolve=True)
    assert told() == {("ent1", Kind.RATE_ASKED)}


def test_internal_events_never_reach_enterprise_contacts(world, committed):
    request = rs.request_accept(actor=world.butler1, request=raise_request(world))
    with committed():
        rs.request_add_note(actor=world.butler1, request=request, comment="企业负责人态度强硬。")
    assert not Notification.objects.exists()
    # Even an event that would ask the enterprise to rate says nothing to it when it is internal.
    event = Event.objects.create(item_id=request.item_id, actor=world.butler1, action="resolve", internal=True)
    services.notify_event(event_id=event.pk)
    assert not Notification.objects.exists()


def test_an_event_is_told_once(world, committed):
    with committed():
        request = raise_request(world)
    event = Event.objects.get(item=request.item_id, action="raise")
    assert services.notify_event(event_id=event.pk) == []
    assert Notification.objects.count() == 1


def test_a_broken_notifier_never_breaks_the_request(world, committed, monkeypatch):
    from guanjia.notifications import tasks

    def broken(event_id):
        raise RuntimeError("queue is down")

    monkeypatch.setattr(tasks, "notify_event", broken)
    with committed():
        request = raise_request(world)
    request.refresh_from_db()
    assert request.number.startswith("GJ-") and not Notification.objects.exists()


def test_other_zones_are_never_told(world, committed):
    UserFactory(zone=world.other_zone, username="dz-unit", unit=world.unit1, roles=[Role.UNIT])
    with committed():
        transferred_request(world)
    assert told(Kind.TRANSFERRED) == {("unit1", Kind.TRANSFERRED)}


def test_a_notice_is_dated_when_its_event_happened(world, committed):
    import time_machine

    from guanjia.notifications.tests.factories import at

    with time_machine.travel(at(2025, 10, 9, 10, 0), tick=False), committed():
        raise_request(world)
    assert Notification.objects.get().created_at == at(2025, 10, 9, 10, 0)


def test_muted_blocks_tell_nobody(world, committed):
    from guanjia.notifications.receivers import muted

    with muted(), committed():
        raise_request(world)
    assert not Notification.objects.exists()
    with committed():
        raise_request(world, title="第二件")
    assert Notification.objects.count() == 1


def test_a_merge_tells_the_unit_its_task_is_withdrawn(world, committed):
    request = transferred_request(world)
    other = raise_request(world, title="厂区二期用电增容（重复）")
    with committed():
        rs.request_merge(actor=world.butler1, request=request, into=other)
    assert told(Kind.WITHDRAWN) == {("unit1", Kind.WITHDRAWN)}
    notice = Notification.objects.get(kind=Kind.WITHDRAWN)
    assert notice.title == f"任务已撤回：{request.number} 厂区二期用电增容"
    assert notice.body == "该诉求已并入另一条诉求，本单位的办理任务已撤回，无需继续办理。"
    event = Event.objects.get(item=request.item_id, action="merge")
    assert event.data == {"into": other.pk, "withdrawn_units": [world.unit1.pk]}


def test_a_resolution_in_the_units_tells_every_unit_still_holding_it(world, committed):
    request = transferred_request(world, co_units=[world.unit2])
    request = rs.request_unit_sign(actor=world.unit_user1, request=request)
    with committed():
        rs.request_resolve(actor=world.butler1, request=request, answer="已协调完成增容。")
    assert told() == {("ent1", Kind.RATE_ASKED), ("unit1", Kind.WITHDRAWN), ("unit2", Kind.WITHDRAWN)}
    assert Notification.objects.filter(kind=Kind.WITHDRAWN).first().body.startswith("该诉求已办结，")


def test_a_transfer_after_an_escalation_tells_only_the_units_left_out(world, committed):
    request = transferred_request(world, co_units=[world.unit2])
    request = rs.request_escalate(actor=world.butler1, request=request, target="meeting")
    with committed():
        rs.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    assert told() == {("unit1", Kind.TRANSFERRED), ("unit2", Kind.WITHDRAWN)}
    assert "已改由其他单位办理" in Notification.objects.get(kind=Kind.WITHDRAWN).body


def test_an_event_that_withdraws_nothing_tells_no_unit(world, committed):
    request = rs.request_accept(actor=world.butler1, request=raise_request(world))
    with committed():
        rs.request_resolve(actor=world.butler1, request=request, answer="已完成增容。")
    assert not Notification.objects.filter(kind=Kind.WITHDRAWN).exists()
    assert "withdrawn_units" not in Event.objects.get(item=request.item_id, action="resolve").data


def resolved_request(world, **overrides):
    request = rs.request_accept(actor=world.butler1, request=raise_request(world, **overrides))
    return rs.request_resolve(actor=world.butler1, request=request, answer="已完成增容。")


def test_an_unsatisfied_rating_tells_the_butler_and_the_enterprises_other_contacts(world, committed):
    UserFactory(zone=world.zone, username="ent1b", enterprise=world.ent1, roles=[Role.ENTERPRISE])
    request = resolved_request(world)
    Notification.objects.all().delete()
    with committed():
        rs.request_rate(actor=world.ent1_user, request=request, rating="unsatisfied", reason="电压仍不稳定。")
    # ent1 rated it: not told of its own act; ent2 is another enterprise; the units never had it.
    assert told() == {("butler1", Kind.REOPENED), ("ent1b", Kind.REOPENED)}
    to_butler = Notification.objects.get(recipient=world.butler1)
    assert to_butler.title == f"诉求重办：{request.number} 厂区二期用电增容"
    assert to_butler.body == f"{world.ent1.name}\n企业评价不满意：电压仍不稳定。"
    assert Notification.objects.get(recipient__username="ent1b").title.startswith("诉求已重新办理：")
    other = resolved_request(world, title="污水管网接入")
    Notification.objects.all().delete()
    with committed():  # a satisfied rating closes the request and tells nobody
        rs.request_rate(actor=world.ent1_user, request=other, rating="satisfied")
    assert not Notification.objects.exists()


def test_a_reopening_without_butler_goes_to_the_center_and_the_enterprise(world, committed):
    UserFactory(zone=world.zone, username="admin2", roles=[Role.ADMIN])
    request = resolved_request(world)
    request.butler = None
    request.save(update_fields=["butler"])
    Notification.objects.all().delete()
    with committed():
        rs.request_reopen(actor=world.admin, request=request, comment="领导督办：须彻底解决。")
    assert told() == {("admin2", Kind.REOPENED), ("ent1", Kind.REOPENED)}
    assert "重办理由：领导督办：须彻底解决。" in Notification.objects.get(recipient__username="admin2").body


def test_a_units_feedback_tells_the_butler(world, committed):
    request = transferred_request(world, co_units=[world.unit2])
    request = rs.request_unit_sign(actor=world.unit_user1, request=request)
    Notification.objects.all().delete()
    with committed():
        rs.request_unit_feedback(actor=world.unit_user1, request=request, comment="已完成线路改造，待验收。")
    # Not the unit that answered, nor the co-unit, the center or the enterprise (it hears at the resolution).
    assert told() == {("butler1", Kind.FEEDBACK)}
    notice = Notification.objects.get()
    assert notice.title == f"部门已反馈：{request.number} 厂区二期用电增容"
    assert notice.body == "供电公司 反馈：已完成线路改造，待验收。"


def test_a_suspension_awaiting_material_asks_the_enterprise_and_its_supply_tells_the_butler(world, committed):
    UserFactory(zone=world.zone, username="ent1b", enterprise=world.ent1, roles=[Role.ENTERPRISE])
    request = transferred_request(world)
    Notification.objects.all().delete()
    with committed():  # another reason asks the enterprise nothing
        request = rs.request_suspend(actor=world.butler1, request=request, reason="policy_pending")
    assert not Notification.objects.exists()
    request = rs.request_resume(actor=world.butler1, request=request)
    with committed():
        request = rs.request_suspend(actor=world.butler1, request=request, reason="awaiting_material",
                                     comment="请补充二期厂房用电负荷清单。")
    # The enterprise must act, not the butler who suspended it, the unit, or another enterprise.
    assert told() == {("ent1", Kind.MATERIAL_NEEDED), ("ent1b", Kind.MATERIAL_NEEDED)}
    notice = Notification.objects.get(recipient=world.ent1_user)
    assert notice.title == f"请补充材料：{request.number} 厂区二期用电增容"
    assert notice.body == "办理您的诉求需要补充材料，诉求已暂停计时，请在诉求页面补充。\n请补充二期厂房用电负荷清单。"
    Notification.objects.all().delete()
    with committed():
        rs.request_supply(actor=world.ent1_user, request=request, comment="负荷清单见附件。")
    assert told() == {("butler1", Kind.MATERIAL_SUPPLIED)}
    assert Notification.objects.get().body == (f"{world.ent1.name} 补充了材料：负荷清单见附件。\n"
                                               "该诉求仍在中止中，请核对材料后恢复办理。")



def test_an_extension_tells_the_butler_and_the_units_still_working_on_it(world, committed):
    unit3 = UnitFactory(zone=world.zone, name="住建局")
    UserFactory(zone=world.zone, username="unit3", unit=unit3, roles=[Role.UNIT])
    request = transferred_request(world, co_units=[world.unit2, unit3])
    for user, answer in ((world.unit_user1, None), (world.unit_user2, "已完成用地核查。")):
        request = rs.request_unit_sign(actor=user, request=request)
        if answer:
            request = rs.request_unit_feedback(actor=user, request=request, comment=answer)
    Notification.objects.all().delete()
    with committed():
        rs.request_extend(actor=world.leader, request=request, days=5, reason="线路改造需停电窗口。")
    # unit1 signed and unit3 has yet to sign: both still work on it; unit2 has answered. Not the leader
    # who approved it, nor the center or the enterprise.
    assert told() == {("butler1", Kind.EXTENDED), ("unit1", Kind.EXTENDED), ("unit3", Kind.EXTENDED)}
    notice = Notification.objects.get(recipient=world.butler1)
    assert notice.title == f"诉求延期：{request.number} 厂区二期用电增容"
    assert notice.body == "该诉求的办结时限已延期 5 个工作日。延期理由：线路改造需停电窗口。"


def test_an_application_for_an_extension_tells_the_approvers(world, committed):
    second_leader = UserFactory(zone=world.zone, username="leader2", roles=[Role.LEADER])
    request = rs.request_unit_sign(actor=world.unit_user1, request=transferred_request(world))
    Notification.objects.all().delete()
    with committed():
        rs.request_apply_extension(actor=world.unit_user1, request=request, days=5, reason="线路改造需停电窗口。")
    # The enterprise's contact leader (as an escalation to a leader) and the center; not the other leader,
    # the butler, nor the enterprise.
    assert told() == {("leader", Kind.EXTENSION_APPLIED), ("admin", Kind.EXTENSION_APPLIED)}
    notice = Notification.objects.get(recipient=world.leader)
    assert notice.title == f"延期申请待审批：{request.number} 厂区二期用电增容"
    assert notice.body == f"{world.unit_user1}（供电公司） 申请延期 5 个工作日。延期理由：线路改造需停电窗口。"
    world.ent1.contact_leader = None
    world.ent1.save()
    rs.request_deny_extension(actor=world.admin, request=request, reason="可按期办结")
    Notification.objects.all().delete()
    with committed():  # without a contact leader: every leader of the zone
        rs.request_apply_extension(actor=world.butler1, request=request, days=2, reason="再等两天")
    assert told() == {("leader", Kind.EXTENSION_APPLIED), (second_leader.username, Kind.EXTENSION_APPLIED),
                      ("admin", Kind.EXTENSION_APPLIED)}


def test_an_approval_tells_the_applicant_once_and_the_others_of_the_extension(world, committed):
    request = rs.request_unit_sign(actor=world.unit_user1, request=transferred_request(world))
    request = rs.request_apply_extension(actor=world.unit_user1, request=request, days=5, reason="停电窗口")
    Notification.objects.all().delete()
    with committed():
        rs.request_approve_extension(actor=world.leader, request=request, comment="同意，请抓紧")
    # unit1 asked: it hears of the approval, not a second time of the extension; the butler of the extension.
    assert told() == {("unit1", Kind.EXTENSION_APPROVED), ("butler1", Kind.EXTENDED)}
    notice = Notification.objects.get(recipient=world.unit_user1)
    assert notice.title == f"延期申请已批准：{request.number} 厂区二期用电增容"
    assert notice.body == "您申请的 5 个工作日延期已批准，办结时限已延长。\n审批意见：同意，请抓紧"


def test_a_denial_tells_the_applicant(world, committed):
    request = rs.request_unit_sign(actor=world.unit_user1, request=transferred_request(world))
    request = rs.request_apply_extension(actor=world.butler1, request=request, days=3, reason="企业补充材料")
    Notification.objects.all().delete()
    with committed():
        rs.request_deny_extension(actor=world.admin, request=request, reason="材料齐全，可按期办结")
    assert told() == {("butler1", Kind.EXTENSION_DENIED)}
    assert Notification.objects.get().body == ("您申请的 3 个工作日延期未获批准，办结时限不变。\n"
                                               "审批意见：材料齐全，可按期办结")


def test_a_job_queued_under_the_name_before_the_kernel_still_tells(world):
    """A notice job an upgrade finds in the queue is found by its old name and tells as the new one does."""
    from huey.contrib.djhuey import HUEY

    request = raise_request(world)  # not committed: nothing was told yet
    assert not Notification.objects.exists()
    event = Event.objects.get(item=request.item_id, action="raise")
    job = HUEY._registry.string_to_task("guanjia.notifications.tasks.notify_request_event")
    job(args=(event.pk,)).execute()
    assert told() == {("butler1", Kind.NEW_REQUEST)}
