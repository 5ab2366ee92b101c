"""The item in the kernel: 我的待办 for each party, who hears of each move, the reminders (a late gap flagged and
reminded), and deadlines mirrored when the calendar moves them."""

import datetime as dt

import pytest

from guanjia.approvals import notices
from guanjia.approvals.choices import Clock
from guanjia.approvals.services import lifecycle as lc
from guanjia.approvals.tests.factories import at, end_of, item, pdf, travel
from guanjia.notifications.choices import Kind
from guanjia.notifications.models import Notification
from guanjia.notifications.reminders import reminders_run
from guanjia.tests_support.factories import waiting
from guanjia.workflow.models import Event

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 9, 28, 10, 0)


def made(world, **fields):
    with travel(at(2026, 9, 21, 9, 0)):
        return item(world, **fields)


def approvals_waiting(person, apart=False):
    return [pk for kind, pk in waiting(person, apart=apart) if kind == "approval"]


def test_worklist_follows_the_item(world):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    users = world.users()
    assert approvals_waiting(users["butler1"]) == [approval.pk]  # the agent's (here the butler's) to start
    assert approvals_waiting(users["unit2"]) == [] and approvals_waiting(users["ent1"]) == []
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept_with_gap(actor=world.butler1, approval=approval, gap="不动产权证书", attachments=[pdf()])
    # The authority has it; the enterprise owes the gap; the butler follows it (apart).
    assert approvals_waiting(users["unit2"]) == [approval.pk]
    assert approvals_waiting(users["ent1"]) == [approval.pk]
    assert approvals_waiting(users["butler1"]) == [] and approvals_waiting(users["butler1"], apart=True) == [approval.pk]
    assert approvals_waiting(users["unit1"]) == [] and approvals_waiting(users["ent2"]) == []
    with travel(at(2026, 9, 29, 10, 0)):
        lc.approval_make_good(actor=world.ent1_user, approval=approval, attachments=[pdf("证.pdf")])
        assert approvals_waiting(users["ent1"]) == []
        lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补图纸")
    # 补正: the enterprise and the agent must act; the unit waits.
    assert approvals_waiting(users["ent1"]) == [approval.pk] and approvals_waiting(users["butler1"]) == [approval.pk]
    assert approvals_waiting(users["unit2"]) == [] and approvals_waiting(users["unit2"], apart=True) == [approval.pk]
    with travel(at(2026, 9, 30, 10, 0)):
        lc.approval_resubmit(actor=world.butler1, approval=approval)
        lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="1号",
                            approved_on=dt.date(2026, 9, 30))
    for person in users.values():
        assert approvals_waiting(person) == [] and approvals_waiting(person, apart=True) == []


def told(event) -> set[tuple[str, str]]:
    return {(person.username, notice.kind) for notice in notices.event_notices(event) for person in notice.recipients}


def test_who_hears_of_each_move(world):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept_with_gap(actor=world.butler1, approval=approval, gap="不动产权证书", attachments=[pdf()])
    event = Event.objects.filter(item=approval.item_id).last()
    assert told(event) == {("unit2", Kind.TRANSFERRED), ("butler1", Kind.TRANSFERRED), ("ent1", Kind.MATERIAL_NEEDED)}
    with travel(at(2026, 9, 29, 10, 0)):
        lc.approval_make_good(actor=world.ent1_user, approval=approval, attachments=[pdf("证.pdf")])
        assert told(Event.objects.filter(item=approval.item_id).last()) == {
            ("unit2", Kind.MATERIAL_SUPPLIED), ("butler1", Kind.MATERIAL_SUPPLIED)}
        lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补图纸")
        assert told(Event.objects.filter(item=approval.item_id).last()) == {
            ("butler1", Kind.MATERIAL_NEEDED), ("ent1", Kind.MATERIAL_NEEDED)}
        lc.approval_resubmit(actor=world.butler1, approval=approval)
        lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="1号",
                            approved_on=dt.date(2026, 9, 29))
    notice = notices.event_notices(Event.objects.filter(item=approval.item_id).last())[0]
    assert {p.username for p in notice.recipients} == {"butler1", "ent1"} and notice.kind == Kind.FEEDBACK


def test_a_gap_not_made_good_is_flagged_and_reminded(world):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept_with_gap(actor=world.butler1, approval=approval, gap="不动产权证书", attachments=[pdf()])
    with travel(at(2026, 10, 9, 10, 0)):  # the gap was due 10-08; the limits run to 10-10 and 10-30
        summary = reminders_run()
        from guanjia.approvals.models import Approval

        assert Approval.objects.filter(pk=approval.pk, item__due_at__lt=at(2026, 10, 9, 10, 0)).exists()
    overdue = {(n.recipient.username, n.title) for n in Notification.objects.filter(kind=Kind.OVERDUE)
               .select_related("recipient")}
    assert {name for name, _title in overdue} == {"butler1", "ent1"}
    assert summary.reminders["overdue"] == 1
    # The committed limit (due Saturday 10-10, 调休) is due soon on Friday: its unit and the butler hear.
    due_soon = {n.recipient.username for n in Notification.objects.filter(kind=Kind.DUE_SOON)}
    assert due_soon == {"unit2", "butler1"}
    with travel(at(2026, 10, 9, 11, 0)):
        assert reminders_run().total == 0  # once


def test_deadlines_moved_mirror_due_at(world):
    approval = made(world)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept(actor=world.butler1, approval=approval)
    from guanjia.approvals.models import Approval

    Approval.objects.filter(pk=approval.pk).update(due_at=None)
    lc.mirror_deadlines([approval.item_id])
    approval.refresh_from_db()
    assert approval.due_at == end_of(dt.date(2026, 10, 10))
    assert approval.clocks.filter(kind=Clock.COMMITTED).get().due_at == approval.due_at


def test_a_long_overdue_item_goes_up_to_the_project_s_contact_leader(world):
    world.project1.contact_leader = world.leader
    world.project1.save(update_fields=["contact_leader"])
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept_with_gap(actor=world.butler1, approval=approval, gap="不动产权证书", attachments=[pdf()])
    with travel(at(2026, 10, 13, 10, 0)):  # the gap due 10-08: 10-09, 10-10 (调休), 10-12 over
        summary = reminders_run()
    assert summary.reminders["escalation"] >= 1
    assert {n.recipient.username for n in Notification.objects.filter(kind=Kind.OVERDUE_ESCALATION)} == {"leader"}
