"""The transition helper and the specs: a move the table refuses (409), a permission refused (403), a stale
version (409), and everything a move writes (row, item, duties, timeline) written together or not at all."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from guanjia.core.errors import Conflict
from guanjia.meetings import services as ms
from guanjia.meetings.workflow import ACTION_ITEM
from guanjia.requests import services as s
from guanjia.requests.choices import MOVES, Action, Status
from guanjia.requests.models import Request
from guanjia.requests.workflow import REQUEST
from guanjia.workflow import registry, transitions
from guanjia.workflow.models import Duty, Event, TrackedItem


def raise_one(world):
    return s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                           title="用电增容", description="需增容。")


def duties(obj) -> set[tuple[str, bool]]:
    return set(Duty.objects.filter(item=obj.item_id).values_list("party", "actionable"))


def test_every_kind_is_registered_with_a_table_whose_moves_name_known_statuses_and_permissions():
    import rules

    kinds = {w.kind for w in registry.registered()}
    assert kinds >= {"request", "unit_task", "extension_application", "action_item"}
    for workflow in registry.registered():
        statuses = set(workflow.statuses.values)
        assert workflow.open_statuses <= statuses, workflow.kind
        for action, move in workflow.moves.items():
            assert move.sources <= statuses and (move.target is None or move.target in statuses), (workflow.kind,
                                                                                                  action)
            assert not move.permission or rules.perm_exists(move.permission), (workflow.kind, action)


def test_a_move_the_table_does_not_allow_is_refused_and_nothing_is_written(world):
    request = raise_one(world)
    events = Event.objects.count()
    with pytest.raises(Conflict) as refused:
        s.request_resolve(actor=world.butler1, request=request, answer="x")  # not from 待签收
    assert "诉求当前为“待签收”，不能办结。" in refused.value.message
    assert Event.objects.count() == events and Request.objects.get(pk=request.pk).status == Status.SUBMITTED
    assert Status.SUBMITTED not in MOVES[Action.RESOLVE].sources


def test_a_role_that_may_not_move_it_is_refused_before_the_status_is_looked_at(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    with pytest.raises(PermissionDenied):
        s.request_close(actor=world.unit_user1, request=request)  # neither its role nor its status allows it
    with pytest.raises(PermissionDenied):
        transitions.check_permission(REQUEST, actor=world.unit_user1, action=Action.ACCEPT)


def test_a_stale_version_is_refused(world):
    request = raise_one(world)
    s.request_accept(actor=world.butler1, request=request, version=request.version)
    with pytest.raises(Conflict, match="已被他人处理"):
        s.request_escalate(actor=world.butler1, request=request, target="leader", version=request.version)


def test_a_move_writes_the_row_its_item_its_duties_and_its_timeline_together(world):
    request = s.request_accept(actor=world.butler1, request=raise_one(world))
    assert duties(request) == {(f"butler:{world.butler1.pk}", True)}
    request = s.request_escalate(actor=world.butler1, request=request, target="leader", comment="需领导协调")
    item = TrackedItem.objects.get(pk=request.item_id)
    assert (item.status, item.is_open, item.object_id, item.kind) == (Status.ESCALATED, True, request.pk, "request")
    assert duties(request) == {(f"butler:{world.butler1.pk}", True), (f"leader@{world.zone.pk}", True)}
    event = Event.objects.filter(item=request.item_id).latest("pk")
    assert (event.action, event.from_status, event.to_status, event.comment) == (
        Action.ESCALATE, Status.ACCEPTED, Status.ESCALATED, "需领导协调")
    assert (str(event.action_label), str(event.from_label), str(event.to_label)) == ("升级", "办理中", "已升级")

    # A failure after the move (in the caller's transaction) takes all of it back.
    with pytest.raises(RuntimeError), transaction.atomic():
        s.request_resolve(actor=world.butler1, request=request, answer="已协调解决")
        raise RuntimeError
    assert Request.objects.get(pk=request.pk).status == Status.ESCALATED
    assert TrackedItem.objects.get(pk=request.item_id).status == Status.ESCALATED
    assert Event.objects.filter(item=request.item_id).latest("pk").pk == event.pk
    assert duties(request) == {(f"butler:{world.butler1.pk}", True), (f"leader@{world.zone.pk}", True)}

    request = s.request_resolve(actor=world.butler1, request=request, answer="已协调解决")
    request = s.request_rate(actor=world.ent1_user, request=request, rating="satisfied")
    item.refresh_from_db()
    assert not item.is_open and duties(request) == set()  # closed: it waits for nobody


def test_an_action_item_moves_by_its_own_table(world):
    from guanjia.meetings.tests.factories import held_meeting

    meeting = held_meeting(world)
    item = ms.action_item_add(actor=world.butler1, meeting=meeting, text="出具方案", owner_unit=world.unit1,
                              owner_person=world.unit_user1, days=5)
    assert duties(item) == {(f"unit:{world.unit1.pk}", True), (f"person:{world.unit_user1.pk}", True)}
    assert [e.action for e in item.events.all()] == ["add"]
    by_date = ms.action_item_add(actor=world.butler1, meeting=meeting, text="核实红线", owner_unit=world.unit2,
                                 due_date=dt.date.today() + dt.timedelta(days=12))
    for each in (item, by_date):  # the deadline shown on the row is its clock's
        assert each.deadline == each.clocks.get().due_at == TrackedItem.objects.get(pk=each.item_id).due_at
    with pytest.raises(PermissionDenied):
        ms.action_item_complete(actor=world.unit_user2, item=item, result="x")  # not its owner
    item = ms.action_item_complete(actor=world.unit_user1, item=item, result="方案已出具")
    assert duties(item) == set() and [e.action for e in item.events.all()] == ["add", "complete"]
    assert item.clocks.get().stopped_at == item.done_at
    with pytest.raises(Conflict) as refused:
        ms.action_item_complete(actor=world.unit_user1, item=item, result="again")
    assert "督办事项当前为“已完成”，不能办结。" in refused.value.message
    assert ACTION_ITEM.moves["complete"].permission == "meetings.complete_actionitem"
