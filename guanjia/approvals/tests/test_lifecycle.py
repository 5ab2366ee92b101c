"""A handbook item's life: every move (allowed and refused), its clocks on the official calendar, the gap.

Dates are real: 2026-10-01…07 is 国庆 (National Day), Sunday 2026-09-20 and Saturday 2026-10-10 are make-up
working days (调休上班); 2026-09-25…27 is 中秋.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanjia.approvals.choices import APPROVAL_MOVES, Action, Clock, Status
from guanjia.approvals.models import Approval
from guanjia.approvals.services import lifecycle as lc
from guanjia.approvals.signals import approval_moved
from guanjia.approvals.tests.factories import at, end_of, item, pdf, travel
from guanjia.core.errors import Conflict
from guanjia.workflow import clocks
from guanjia.workflow.models import Attachment, Event

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 9, 28, 10, 0)


@pytest.fixture
def moved():
    seen = []

    def receiver(sender, approval, actor, action, **kwargs):
        seen.append(action)

    approval_moved.connect(receiver)
    yield seen
    approval_moved.disconnect(receiver)


def made(world, **fields):
    with travel(at(2026, 9, 21, 9, 0)):
        return item(world, **fields)


def accepted(world, approval, moment=MONDAY, **kwargs):
    with travel(moment):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        return lc.approval_accept(actor=world.butler1, approval=approval, **kwargs)


def limits(approval) -> dict:
    return {c.kind: c for c in approval.clocks.filter(kind__in=lc.LIMITS)}


def last_event(approval) -> Event:
    return approval.events.order_by("-pk").first()


def test_accept_starts_both_limits_across_national_day(world, moved):
    approval = made(world)
    approval = accepted(world, approval)
    assert approval.status == Status.ACCEPTED and approval.accepted_on == dt.date(2026, 9, 28)
    clock = limits(approval)
    # 5 working days from Monday 9-28 (次日起算): 9-29, 9-30, 10-08, 10-09, Saturday 10-10 (调休上班).
    assert clock[Clock.COMMITTED].due_at == end_of(dt.date(2026, 10, 10))
    # 20: … 10-12 … 10-30.
    assert clock[Clock.STATUTORY].due_at == end_of(dt.date(2026, 10, 30))
    assert approval.due_at == end_of(dt.date(2026, 10, 10))
    assert approval.item.__class__.objects.get(pk=approval.item_id).due_at == end_of(dt.date(2026, 10, 10))
    event = last_event(approval)
    assert (event.action, event.from_status, event.to_status) == (Action.ACCEPT, Status.PREPARING, Status.ACCEPTED)
    assert moved == [Action.ACCEPT]


def test_accept_stops_the_plan_clock(world):
    approval = made(world)
    with travel(at(2026, 9, 21, 9, 0)):
        clocks.start(item=approval.item_id, kind=Clock.PLAN, at=at(2026, 9, 21, 9, 0),
                     rule=clocks.Rule("days", 10))
    approval = accepted(world, approval)
    plan = approval.clocks.get(kind=Clock.PLAN)
    assert plan.stopped_at is not None


def test_accept_date_checks(world):
    approval = made(world)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        with pytest.raises(ValidationError) as error:
            lc.approval_accept(actor=world.butler1, approval=approval, accepted_on=dt.date(2026, 9, 29))
        assert error.value.message_dict == {"accepted_on": ["日期（2026-09-29）不能晚于今天（2026-09-28）。"]}
        with pytest.raises(ValidationError) as error:
            lc.approval_accept(actor=world.butler1, approval=approval, accepted_on=dt.date(2026, 9, 18))
        assert error.value.message_dict == {
            "accepted_on": ["受理日期（2026-09-18）不能早于服务手册的起算日期（2026-09-21）。"]}
        assert Approval.objects.get(pk=approval.pk).status == Status.PREPARING
        assert not limits(approval)
        # A past date: the limits count from it.
        approval = lc.approval_accept(actor=world.butler1, approval=approval, accepted_on=dt.date(2026, 9, 24))
    assert approval.accepted_on == dt.date(2026, 9, 24)
    # 9-25…27 中秋; 9-28, 9-29, 9-30, 10-08, 10-09.
    assert limits(approval)[Clock.COMMITTED].due_at == end_of(dt.date(2026, 10, 9))


def test_acceptance_before_preparation_is_refused(world):
    approval = made(world)
    with travel(MONDAY), pytest.raises(Conflict) as error:
        lc.approval_accept(actor=world.butler1, approval=approval)
    assert "未启动" in error.value.message and "受理" in error.value.message


def test_correction_pauses_and_resubmit_resumes_then_approve_counts_used_days(world, moved):
    approval = accepted(world, made(world))
    with travel(at(2026, 9, 30, 10, 0)):
        lc.approval_review(actor=world.unit_user2, approval=approval)
        approval = lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补充规划总平面图")
    assert approval.status == Status.CORRECTING
    assert all(c.paused_at is not None for c in limits(approval).values())
    assert approval.item.__class__.objects.get(pk=approval.item_id).paused
    with travel(at(2026, 10, 9, 10, 0)):
        approval = lc.approval_resubmit(actor=world.butler1, approval=approval, attachments=[pdf("总平面图.pdf")])
    assert approval.status == Status.REVIEWING
    # Paused over 10-08 and 10-09 (the 国庆 days are no working days): 5 + 2 → 10-13.
    assert limits(approval)[Clock.COMMITTED].due_at == end_of(dt.date(2026, 10, 13))
    assert approval.due_at == end_of(dt.date(2026, 10, 13))
    with travel(at(2026, 10, 13, 16, 0)):
        approval = lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="咸高规字〔2026〕18号",
                                       approved_on=dt.date(2026, 10, 13), attachments=[pdf("许可证.pdf")])
    assert approval.status == Status.APPROVED and approval.finished_on == dt.date(2026, 10, 13)
    assert approval.working_days_used == 5 and approval.document_number == "咸高规字〔2026〕18号"
    assert all(c.stopped_at is not None for c in limits(approval).values())
    assert limits(approval)[Clock.COMMITTED].state() == "met"
    assert Attachment.objects.filter(item=approval.item_id).count() == 2
    assert moved == [Action.ACCEPT, Action.REQUEST_CORRECTION, Action.RESUBMIT, Action.APPROVE]
    # (its own plan moved with it: the re-planning's rows are left out here)
    actions = list(approval.events.exclude(action=Action.REPLAN).values_list("action", "from_status", "to_status"))
    assert actions[-5:] == [
        ("accept", "preparing", "accepted"), ("review", "accepted", "reviewing"),
        ("request_correction", "reviewing", "correcting"), ("resubmit", "correcting", "reviewing"),
        ("approve", "reviewing", "approved")]


def test_correction_restarts_the_full_limit_where_the_item_says_so(world):
    approval = accepted(world, made(world, on_correction="restart"))
    with travel(at(2026, 9, 30, 10, 0)):
        approval = lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补正")
    with travel(at(2026, 10, 9, 10, 0)):
        approval = lc.approval_resubmit(actor=world.butler1, approval=approval)
    # The full 5 again from Friday 10-09: 10-10 (调休), 10-12, 10-13, 10-14, 10-15.
    assert limits(approval)[Clock.COMMITTED].due_at == end_of(dt.date(2026, 10, 15))
    with travel(at(2026, 10, 16, 10, 0)):
        approval = lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="文号1",
                                       approved_on=dt.date(2026, 10, 16))
    # Counted from the restart: 10-10, 10-12 … 10-16 = 6 working days, one over the committed 5.
    assert approval.working_days_used == 6
    assert limits(approval)[Clock.COMMITTED].state() == "met_late"


def test_approve_needs_number_and_sane_date(world):
    approval = accepted(world, made(world))
    with travel(at(2026, 9, 30, 10, 0)):
        with pytest.raises(ValidationError) as error:
            lc.approval_approve(actor=world.unit_user2, approval=approval, document_number=" ", approved_on=None)
        assert error.value.message_dict == {"document_number": ["请填写批准文号。"], "approved_on": ["请填写办结日期。"]}
        with pytest.raises(ValidationError) as error:
            lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="1号",
                                approved_on=dt.date(2026, 9, 27))
        assert error.value.message_dict == {"approved_on": ["办结日期（2026-09-27）不能早于受理日期（2026-09-28）。"]}
        with pytest.raises(ValidationError) as error:
            lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="1号",
                                approved_on=dt.date(2026, 10, 1))
        assert "不能晚于今天" in error.value.message_dict["approved_on"][0]
    assert Approval.objects.get(pk=approval.pk).status == Status.ACCEPTED


def test_refuse_and_not_applicable(world, moved):
    approval = accepted(world, made(world))
    with travel(at(2026, 9, 30, 10, 0)):
        with pytest.raises(ValidationError):
            lc.approval_refuse(actor=world.unit_user2, approval=approval, reason="")
        approval = lc.approval_refuse(actor=world.unit_user2, approval=approval, reason="不符合园区规划")
    assert approval.status == Status.REFUSED and approval.working_days_used == 2
    assert approval.finished_on == dt.date(2026, 9, 30) and approval.outcome_reason == "不符合园区规划"
    other = made(world)
    with travel(MONDAY):
        clocks.start(item=other.item_id, kind=Clock.PLAN, at=MONDAY, rule=clocks.Rule("days", 10))
        other = lc.approval_not_applicable(actor=world.butler1, approval=other, reason="项目不涉及燃气")
    assert other.status == Status.NOT_APPLICABLE and other.working_days_used is None
    assert other.clocks.get(kind=Clock.PLAN).cancelled
    assert other.item.__class__.objects.get(pk=other.item_id).is_open is False
    assert moved[-2:] == [Action.REFUSE, Action.NOT_APPLICABLE]


def test_gap_accept_needs_tolerance_text_and_commitment(world):
    strict = made(world)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=strict)
        with pytest.raises(ValidationError) as error:
            lc.approval_accept_with_gap(actor=world.butler1, approval=strict, gap="土地证", attachments=[pdf()])
        assert error.value.message_dict == {"gap": ["该事项不允许容缺受理。"]}
    tolerant = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=tolerant)
        with pytest.raises(ValidationError) as error:
            lc.approval_accept_with_gap(actor=world.butler1, approval=tolerant, gap="")
        assert set(error.value.message_dict) == {"gap", "attachments"}
        with pytest.raises(ValidationError) as error:
            lc.approval_accept_with_gap(actor=world.butler1, approval=tolerant, gap="土地证", attachments=[pdf()],
                                        commit_by=dt.date(2026, 9, 25))
        assert error.value.message_dict == {
            "commit_by": ["承诺补齐日期（2026-09-25）不能早于受理日期（2026-09-28）。"]}
        assert not tolerant.clocks.exists()


def test_gap_default_date_make_good_and_approval_waits_for_it(world, moved):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        approval = lc.approval_accept_with_gap(actor=world.butler1, approval=approval, gap="不动产权证书",
                                               attachments=[pdf()])
    # 3 working days from 9-28: 9-29, 9-30, 10-08.
    assert approval.gap_commit_by == dt.date(2026, 10, 8)
    assert approval.clocks.get(kind=Clock.GAP).due_at == end_of(dt.date(2026, 10, 8))
    assert approval.status == Status.ACCEPTED_WITH_GAP and moved == [Action.ACCEPT_WITH_GAP]
    with travel(at(2026, 10, 9, 10, 0)):
        with pytest.raises(Conflict):
            lc.approval_approve(actor=world.unit_user2, approval=approval, document_number="1号",
                                approved_on=dt.date(2026, 10, 9))
        with pytest.raises(PermissionDenied):  # another enterprise's contact
            lc.approval_make_good(actor=world.ent2_user, approval=approval, attachments=[pdf("产权证.pdf")])
        approval = lc.approval_make_good(actor=world.ent1_user, approval=approval, attachments=[pdf("产权证.pdf")])
    assert approval.gap_made_good_on == dt.date(2026, 10, 9)
    assert approval.clocks.get(kind=Clock.GAP).state() == "met_late"
    assert last_event(approval).data["late"] is True
    with travel(at(2026, 10, 9, 11, 0)), pytest.raises(Conflict):
        lc.approval_make_good(actor=world.ent1_user, approval=approval, attachments=[pdf()])


def test_enterprise_supplies_material_only_when_owed(world):
    approval = accepted(world, made(world))
    with travel(at(2026, 9, 29, 10, 0)):
        with pytest.raises(Conflict):
            lc.approval_supply(actor=world.ent1_user, approval=approval, attachments=[pdf("图纸.pdf")])
        lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补图纸")
        lc.approval_supply(actor=world.ent1_user, approval=approval, attachments=[pdf("图纸.pdf")])
        with pytest.raises(PermissionDenied):  # the enterprise supplies; it does not move the item
            lc.approval_resubmit(actor=world.ent1_user, approval=approval)
    assert last_event(approval).action == Action.SUPPLY


@pytest.mark.parametrize("action", [a for a in APPROVAL_MOVES if a not in (Action.REPLAN,)])
def test_every_move_refused_from_a_finished_item(world, action):
    approval = made(world)
    with travel(MONDAY):
        lc.approval_not_applicable(actor=world.butler1, approval=approval, reason="不涉及")
        kwargs = {"reason": "x", "gap": "x", "document_number": "1", "approved_on": dt.date(2026, 9, 28),
                  "attachments": [pdf()]}
        service = lc.ACTION_SERVICES[action]
        import inspect

        accepted_args = inspect.signature(service).parameters
        with pytest.raises(Conflict):
            service(actor=world.admin, approval=approval, **{k: v for k, v in kwargs.items() if k in accepted_args})


def test_who_may_move_an_item(world):
    """The center, the agent, the project's butler and the authority's handlers; not another butler, not the
    handlers of another authority, not a leader or supervisor, not the enterprise."""
    approval = made(world)
    allowed = {"admin", "butler1", "unit2"}
    for name, person in world.users().items():
        assert person.has_perm("approvals.handle_approval", approval) == (name in allowed), name
        assert person.has_perm("approvals.supply_approval", approval) == (name in allowed | {"ent1"}), name
    with travel(MONDAY):
        for name in ("butler2", "unit1", "leader", "supervisor", "ent1"):
            with pytest.raises(PermissionDenied):
                lc.approval_prepare(actor=world.users()[name], approval=approval)
    agent_item = made(world, agent=world.butler2)
    assert world.butler2.has_perm("approvals.handle_approval", agent_item)


def test_version_read_is_checked(world):
    approval = made(world)
    with travel(MONDAY):
        with pytest.raises(Conflict):
            lc.approval_prepare(actor=world.butler1, approval=approval, version=approval.version + 5)
        lc.approval_prepare(actor=world.butler1, approval=approval, version=approval.version)
