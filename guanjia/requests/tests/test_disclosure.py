"""What an enterprise's contact sees of its request, for every action of the transition table (issue 14).

Each action is taken with a comment of its own; the enterprise contact then reads the request's page, its
timeline through the API and its notices: it sees what was done for it and by which unit or by the service
center, the comment only where it is addressed to it, and never the name of a unit's handler, an admin or a
leader. The staff see every event as it was written.
"""

from __future__ import annotations

import pytest

from guanjia.notifications.models import Notification
from guanjia.notifications.services import notify_event
from guanjia.requests import disclosure
from guanjia.requests import services as s
from guanjia.requests.choices import Action, Status
from guanjia.requests.models import Request
from guanjia.requests.selectors import timeline
from guanjia.requests.tests.test_services import raise_one
from guanjia.workflow.models import Event

# The decisions, written out (the table in requests/disclosure.py must say the same).
HIDDEN = {Action.RETURN, Action.APPLY_EXTENSION, Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.NOTE,
          Action.UPHOLD_RETURN, Action.DISMISS_RETURN}
COMMENT_SHOWN = {Action.RAISE, Action.REPLY, Action.SUSPEND, Action.RESOLVE, Action.RATE, Action.SUPPLY}
STAFF_NAMES = {"unit_user1": "王经办", "unit_user2": "李经办", "admin": "赵中心", "leader": "钱领导"}


@pytest.fixture
def named(world):
    for attr, name in STAFF_NAMES.items():
        person = getattr(world, attr)
        person.name = name
        person.save(update_fields=["name"])
    world.butler1.name = "孙管家"
    world.butler1.save(update_fields=["name"])
    return world


def secret(action: str) -> str:
    return f"说明〔{action}〕"


def _accepted(w):
    return s.request_accept(actor=w.butler1, request=raise_one(w))


def _transferred(w, unit=None):
    return s.request_transfer(actor=w.butler1, request=_accepted(w), lead_unit=unit or w.unit1, co_units=[w.unit2])


def _signed(w):
    return s.request_unit_sign(actor=w.unit_user1, request=_transferred(w))


def _returned(w):
    return s.request_return(actor=w.unit_user1, request=_transferred(w), reason=secret(Action.RETURN))


def _co_returned(w):
    """A co-unit's 退单 (the arbitration's own cases): the lead unit goes on meanwhile."""
    request = s.request_unit_sign(actor=w.unit_user1, request=_transferred(w))
    return s.request_return(actor=w.unit_user2, request=request, reason=secret(Action.RETURN))


def _resolved(w):
    return s.request_resolve(actor=w.butler1, request=_accepted(w), answer="已协调")


def _applied(w):
    return s.request_apply_extension(actor=w.unit_user1, request=_signed(w), days=3,
                                     reason=secret(Action.APPLY_EXTENSION))


def _merged(w):
    into = _accepted(w)
    return s.request_merge(actor=w.admin, request=raise_one(w, title="重复"), into=into, comment=secret(Action.MERGE))


# Every action: (who acts, how the request gets there and the action is taken). The actors are the staff whose
# names the enterprise must not read wherever the table allows it.
TAKE = {
    Action.RAISE: lambda w: raise_one(w, description=secret(Action.RAISE)),
    Action.ACCEPT: lambda w: s.request_accept(actor=w.admin, request=raise_one(w), comment=secret(Action.ACCEPT)),
    Action.REPLY: lambda w: s.request_reply(actor=w.admin, request=_accepted(w), answer=secret(Action.REPLY)),
    Action.TRANSFER: lambda w: s.request_transfer(actor=w.admin, request=_accepted(w), lead_unit=w.unit1,
                                                  comment=secret(Action.TRANSFER)),
    Action.SIGN: lambda w: s.request_unit_sign(actor=w.unit_user1, request=_transferred(w),
                                               comment=secret(Action.SIGN)),
    Action.FEEDBACK: lambda w: s.request_unit_feedback(actor=w.unit_user1, request=_signed(w),
                                                       comment=secret(Action.FEEDBACK)),
    Action.RETURN: _returned,
    Action.REASSIGN: lambda w: s.request_reassign(actor=w.admin, request=_returned(w), lead_unit=w.unit2,
                                                  comment=secret(Action.REASSIGN)),
    Action.EXTEND: lambda w: s.request_extend(actor=w.leader, request=_accepted(w), days=3,
                                              reason=secret(Action.EXTEND)),
    Action.SUSPEND: lambda w: s.request_suspend(actor=w.admin, request=_accepted(w), reason="awaiting_material",
                                                comment=secret(Action.SUSPEND)),
    Action.RESUME: lambda w: s.request_resume(
        actor=w.admin, request=s.request_suspend(actor=w.butler1, request=_accepted(w), reason="judicial"),
        comment=secret(Action.RESUME)),
    Action.ESCALATE: lambda w: s.request_escalate(actor=w.admin, request=_accepted(w), target="leader",
                                                  comment=secret(Action.ESCALATE)),
    Action.RESOLVE: lambda w: s.request_resolve(actor=w.admin, request=_accepted(w), answer=secret(Action.RESOLVE)),
    Action.RATE: lambda w: s.request_rate(actor=w.ent1_user, request=_resolved(w), rating="unsatisfied",
                                          reason=secret(Action.RATE)),
    Action.REOPEN: lambda w: s.request_reopen(actor=w.leader, request=s.request_close(actor=w.admin,
                                              request=_resolved(w)), comment=secret(Action.REOPEN)),
    Action.CLOSE: lambda w: s.request_close(actor=w.admin, request=_resolved(w), comment=secret(Action.CLOSE)),
    Action.MERGE: _merged,
    Action.NOTE: lambda w: s.request_add_note(actor=w.admin, request=_accepted(w), comment=secret(Action.NOTE)),
    Action.SUPPLY: lambda w: s.request_supply(actor=w.ent1_user, request=_accepted(w), comment=secret(Action.SUPPLY)),
    Action.APPLY_EXTENSION: _applied,
    Action.APPROVE_EXTENSION: lambda w: s.request_approve_extension(actor=w.leader, request=_applied(w),
                                                                    comment=secret(Action.APPROVE_EXTENSION)),
    Action.DENY_EXTENSION: lambda w: s.request_deny_extension(actor=w.admin, request=_applied(w),
                                                              reason=secret(Action.DENY_EXTENSION)),
    # -- arbitration (issue 14): the lead unit's return upheld, a co-unit's dismissed --
    Action.UPHOLD_RETURN: lambda w: s.request_uphold_return(actor=w.admin, request=_returned(w),
                                                            comment=secret(Action.UPHOLD_RETURN)),
    Action.DISMISS_RETURN: lambda w: s.request_dismiss_return(actor=w.admin, request=_co_returned(w),
                                                              comment=secret(Action.DISMISS_RETURN)),
    # A leader's 批示 on a request escalated to the leaders, to the butler and the units.
    Action.INSTRUCT: lambda w: s.request_instruct(
        actor=w.leader, request=s.request_escalate(actor=w.butler1, request=_transferred(w), target="leader"),
        comment=secret(Action.INSTRUCT)),
}


def take(world, action):
    """Take the action on a fresh request; answers the request whose timeline holds it and its event."""
    TAKE[action](world)
    event = Event.objects.get(action=action, comment__contains=secret(action))
    return Request.objects.get(item=event.item_id), event


def test_the_table_names_every_action_and_says_what_the_tests_say():
    assert set(disclosure.ENTERPRISE_SEES) == set(Action)
    assert {a for a, shown in disclosure.ENTERPRISE_SEES.items() if shown is None} == HIDDEN - {Action.NOTE}
    assert {a for a, shown in disclosure.ENTERPRISE_SEES.items() if shown and shown.comment} == (
        COMMENT_SHOWN | {Action.NOTE})  # a note marked 企业可见 is addressed to the enterprise
    assert set(TAKE) == set(Action)


def _leaks(text: str, action: str) -> list[str]:
    """What of the staff's words and names `text` shows, which the enterprise must not read."""
    found = [name for name in STAFF_NAMES.values() if name in text]
    if action not in COMMENT_SHOWN and secret(action) in text:
        found.append(secret(action))
    if action in (Action.REASSIGN, Action.UPHOLD_RETURN, Action.DISMISS_RETURN) and secret(Action.RETURN) in text:
        found.append(secret(Action.RETURN))
    return found


@pytest.mark.parametrize("action", list(Action))
def test_the_enterprise_contact_reads_what_was_done_for_it_and_by_whom(named, client, api, action):
    world = named
    request, event = take(world, action)
    contact = world.ent1_user

    # The timeline as its pages and the API read it.
    rows = timeline(request, contact)
    mine = [e for e in rows if e.pk == event.pk]
    assert bool(mine) == (action not in HIDDEN)
    for row in mine:
        assert (secret(action) in row.comment) == (action in COMMENT_SHOWN)
        assert row.by not in STAFF_NAMES.values() and row.data == {}
        assert row.by in {"服务中心", "孙管家", str(contact), world.unit1.name, world.unit2.name}
        if action == Action.REASSIGN:
            assert row.action == Action.TRANSFER and row.handed_to == world.unit2.name
        if action in (Action.SIGN, Action.FEEDBACK):
            assert row.by == world.unit1.name
    assert all(e.to_status != Status.RETURNED and e.action != Action.RETURN for e in rows)

    client.force_login(contact)
    page = client.get(request.get_absolute_url()).content.decode()
    assert _leaks(page, action) == []
    api.force_authenticate(contact)
    answer = api.get(f"/api/v1/requests/{request.pk}/timeline/")
    assert answer.status_code == 200 and _leaks(answer.content.decode(), action) == []
    assert all(row["data"] == {} and not row["internal"] for row in answer.json())
    detail = api.get(f"/api/v1/requests/{request.pk}/").content.decode()
    assert _leaks(detail, action) == [] and '"returned"' not in detail

    for each in Event.objects.filter(item=request.item_id):
        notify_event(event_id=each.pk)
    for notice in Notification.objects.filter(recipient=contact):
        assert _leaks(f"{notice.title} {notice.body} {notice.content}", action) == []
    if action in HIDDEN:
        assert not Notification.objects.filter(recipient=contact, event=event.pk).exists()


@pytest.mark.parametrize("action", list(Action))
def test_the_staff_read_every_event_as_it_was_written(named, api, action):
    world = named
    request, event = take(world, action)
    api.force_authenticate(world.admin)
    rows = {row["id"]: row for row in api.get(f"/api/v1/requests/{request.pk}/timeline/").json()}
    row = rows[event.pk]
    assert row["action"] == action and secret(action) in row["comment"]
    assert row["actor_name"] == str(event.actor) and row["actor"] == event.actor_id


def test_a_note_marked_for_the_enterprise_shows_with_the_butler_s_name(named):
    world = named
    request = _accepted(world)
    s.request_add_note(actor=world.butler1, request=request, comment="已约好周三现场查看", internal=False)
    rows = [e for e in timeline(request, world.ent1_user) if e.action == Action.NOTE]
    assert [(e.by, e.comment) for e in rows] == [("孙管家", "已约好周三现场查看")]


def test_a_unit_s_feedback_files_are_not_the_enterprise_s_to_open(named, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    world = named
    request = s.request_unit_feedback(actor=world.unit_user1, request=_signed(world), comment="内部测算",
                                      attachments=[SimpleUploadedFile("测算.txt", b"kVA", content_type="text/plain")])
    attachment = request.attachments.get()
    url = f"/requests/{request.pk}/attachments/{attachment.pk}/"
    client.force_login(world.ent1_user)
    assert "测算.txt" not in client.get(request.get_absolute_url()).content.decode()
    assert client.get(url).status_code == 404
    client.force_login(world.butler1)
    assert client.get(url).status_code == 200


def test_a_returned_request_reads_transferred_to_the_enterprise(named, client, api):
    world = named
    request = _returned(world)
    client.force_login(world.ent1_user)
    for url in ("/requests/", request.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "退单待仲裁</span>" not in page and "已转办</span>" in page
    api.force_authenticate(world.ent1_user)
    assert api.get(f"/api/v1/requests/{request.pk}/").json()["status"] == Status.TRANSFERRED
    client.force_login(world.admin)
    assert "退单待仲裁</span>" in client.get("/requests/").content.decode()
    api.force_authenticate(world.admin)
    assert api.get(f"/api/v1/requests/{request.pk}/").json()["status"] == Status.RETURNED
