"""The leader's hand (issue 14): a leader's 批示 (`instruct`), and the 转办, 办结 and joint meeting a leader may now
start, through the services, the API and the request's page, for every role they concern."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guanjia.core.errors import Conflict
from guanjia.notifications.choices import Kind
from guanjia.notifications.models import Notification
from guanjia.notifications.services import notify_event
from guanjia.requests import services as s
from guanjia.requests.choices import Action, ClockKind, Status
from guanjia.requests.models import Request
from guanjia.requests.tests.test_services import clock, last_event, raise_one
from guanjia.tests_support.factories import UserFactory, waiting
from guanjia.workflow.models import Event

LIST = "/api/v1/requests/"
INSTRUCTION = "请供电公司本周内拿出增容方案，管家跟进。"


def _accepted(w):
    return s.request_accept(actor=w.butler1, request=raise_one(w))


def _transferred(w):
    return s.request_transfer(actor=w.butler1, request=_accepted(w), lead_unit=w.unit1, co_units=[w.unit2])


def _in_units(w):
    return s.request_unit_sign(actor=w.unit_user1, request=_transferred(w))


def _returned(w):  # the lead unit's return: a co-unit's leaves the request with the lead unit (arbitration)
    return s.request_return(actor=w.unit_user1, request=_transferred(w), reason="不属于本单位职责。")


HOLDERS = {Status.ACCEPTED: _accepted, Status.TRANSFERRED: _transferred, Status.IN_UNITS: _in_units,
           Status.RETURNED: _returned}


def escalated(w, made=_accepted, target="leader"):
    return s.request_escalate(actor=w.butler1, request=made(w), target=target, comment="协调难度大，提请领导研究。")


def instruct(w, request, **kwargs):
    return s.request_instruct(actor=kwargs.pop("actor", w.leader), request=request,
                              comment=kwargs.pop("comment", INSTRUCTION), **kwargs)


# -- the service --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("before", list(HOLDERS))
def test_an_escalated_request_goes_back_to_whoever_held_it_with_the_instruction(world, before):
    request = escalated(world, HOLDERS[before])
    resolution = clock(request, ClockKind.RESOLUTION)
    request = instruct(world, request)
    request.refresh_from_db()
    assert request.status == before
    assert (request.instruction_count, request.instruction, request.instructed_by) == (1, INSTRUCTION, world.leader)
    assert request.instructed_at is not None
    event = last_event(request)
    assert (event.action, event.from_status, event.to_status, event.actor, event.comment) == (
        Action.INSTRUCT, Status.ESCALATED, before, world.leader, INSTRUCTION)
    # The clocks ran on through the escalation, and run on: the 批示 neither stops nor moves them.
    after = clock(request, ClockKind.RESOLUTION)
    assert (after.pk, after.due_at, after.paused_at, after.stopped_at) == (resolution.pk, resolution.due_at, None, None)


def test_neither_addressee_named_addresses_the_butler_and_every_unit_working_on_it(world):
    request = instruct(world, escalated(world, _in_units))
    assert last_event(request).data == {"to_butler": True, "to_units": sorted([world.unit1.pk, world.unit2.pk])}


def test_the_instruction_may_name_its_addressees_among_the_units_working_on_it(world):
    request = instruct(world, escalated(world, _in_units), to_units=[world.unit2])
    assert last_event(request).data == {"to_butler": False, "to_units": [world.unit2.pk]}
    request = instruct(world, request, to_butler=True, comment="管家牵头协调。")
    assert last_event(request).data == {"to_butler": True, "to_units": []}
    assert request.instruction_count == 2 and request.instruction == "管家牵头协调。"


def test_a_unit_not_working_on_it_is_refused_and_nothing_is_written(world):
    request = escalated(world)  # the butler's: no unit on it
    events = Event.objects.filter(item=request.item_id).count()
    with pytest.raises(ValidationError) as error:
        instruct(world, request, to_units=[world.unit1])
    assert "转办" in error.value.message_dict["to_units"][0]
    returned = escalated(world, _returned)  # unit1 returned it: only unit2 still works on it
    with pytest.raises(ValidationError) as error:
        instruct(world, returned, to_units=[world.unit1])
    assert world.unit2.name in error.value.message_dict["to_units"][0]
    request.refresh_from_db()
    assert (request.status, request.instruction_count) == (Status.ESCALATED, 0)
    assert Event.objects.filter(item=request.item_id).count() == events


def test_an_instruction_needs_its_text(world):
    request = escalated(world)
    with pytest.raises(ValidationError) as error:
        instruct(world, request, comment="  ")
    assert "comment" in error.value.message_dict


def test_a_letter_to_a_leader_is_instructed_where_it_stands(world):
    letter = raise_one(world, source="letter", addressed_leader=world.leader, actor=world.leader)
    request = instruct(world, letter, to_butler=True)
    assert request.status == Status.SUBMITTED and request.instruction_count == 1
    request = instruct(world, s.request_accept(actor=world.butler1, request=request), comment="抓紧办理。")
    assert request.status == Status.ACCEPTED and request.instruction_count == 2


def test_a_suspended_escalation_resumes_with_those_the_leader_instructed(world):
    request = s.request_suspend(actor=world.butler1, request=escalated(world, _transferred), reason="judicial")
    request = instruct(world, request)
    assert request.status == Status.SUSPENDED and request.status_before_suspend == Status.TRANSFERRED
    assert s.request_resume(actor=world.butler1, request=request).status == Status.TRANSFERRED


def test_an_escalation_the_timeline_does_not_name_goes_back_as_its_units_tasks_say(world):
    request = escalated(world, _in_units)
    Event.objects.filter(item=request.item_id, action=Action.ESCALATE).update(from_status="")
    assert instruct(world, request).status == Status.IN_UNITS


@pytest.mark.parametrize("who", ["butler1", "admin", "unit_user1", "supervisor", "ent1_user"])
def test_only_a_leader_instructs(world, who):
    request = escalated(world, _transferred)
    with pytest.raises(PermissionDenied):
        instruct(world, request, actor=getattr(world, who))
    request.refresh_from_db()
    assert request.status == Status.ESCALATED and request.instruction_count == 0


def test_a_superuser_instructs_as_the_pattern_has_it(world):
    boss = UserFactory(zone=world.zone, is_superuser=True)
    assert instruct(world, escalated(world), actor=boss).status == Status.ACCEPTED


@pytest.mark.parametrize("state", ["resolved", "closed", "merged"])
def test_a_settled_request_takes_no_instruction(world, state):
    request = s.request_resolve(actor=world.butler1, request=_accepted(world), answer="已办结")
    if state == "closed":
        request = s.request_close(actor=world.admin, request=request)
    elif state == "merged":
        request = s.request_merge(actor=world.butler1, request=_accepted(world), into=_accepted(world))
    with pytest.raises(Conflict):
        instruct(world, request)


def test_a_leader_transfers_and_settles_an_escalated_request(world):
    request = s.request_transfer(actor=world.leader, request=escalated(world), lead_unit=world.unit1,
                                 comment="领导批转供电公司。")
    assert request.status == Status.TRANSFERRED and request.unit_tasks.get().unit == world.unit1
    request = s.request_resolve(actor=world.leader, request=escalated(world), answer="经领导协调已解决。")
    assert request.status == Status.RESOLVED
    assert last_event(request).actor == world.leader
    # What stays the butler's and the center's: 签收, 答复, 中止 (403).
    for take in (lambda r: s.request_accept(actor=world.leader, request=r),):
        with pytest.raises(PermissionDenied):
            take(raise_one(world))
    with pytest.raises(PermissionDenied):
        s.request_suspend(actor=world.leader, request=escalated(world), reason="judicial")


def test_who_may_convene_a_meeting_on_a_request(world):
    accepted, up = _accepted(world), escalated(world)
    assert world.leader.has_perm("requests.convene_request", accepted)  # a leader on any open request
    assert world.leader.has_perm("requests.convene_request", up)
    assert world.butler1.has_perm("requests.convene_request", up)  # the others on an escalated one
    assert not world.butler1.has_perm("requests.convene_request", accepted)
    resolved = s.request_resolve(actor=world.butler1, request=_accepted(world), answer="已办")
    assert not world.leader.has_perm("requests.convene_request", resolved)
    for who in (world.unit_user1, world.supervisor, world.ent1_user):
        assert not who.has_perm("requests.convene_request", up)


# -- 我的待办 -------------------------------------------------------------------------------------------------------


def test_the_instruction_takes_it_off_the_leaders_list_and_back_to_the_butler_and_units(world):
    request = escalated(world, _transferred)
    assert ("request", request.pk) in waiting(world.leader)
    request = instruct(world, request)
    assert ("request", request.pk) not in waiting(world.leader)
    assert ("request", request.pk) in waiting(world.butler1, apart=True)  # 已转办: the units act first
    tasks = {t.unit_id: t.pk for t in request.unit_tasks.all()}
    assert ("unit_task", tasks[world.unit1.pk]) in waiting(world.unit_user1)
    back = instruct(world, escalated(world))
    assert ("request", back.pk) in waiting(world.butler1) and ("request", back.pk) not in waiting(world.leader)


def test_a_letter_the_leader_instructed_waits_apart_in_their_list(world):
    letter = raise_one(world, source="letter", addressed_leader=world.leader, actor=world.leader)
    assert ("request", letter.pk) in waiting(world.leader)
    other = UserFactory(zone=world.zone, roles=["leader"])
    instruct(world, letter, actor=other)  # another leader's 批示: still the addressed leader's to act on
    assert ("request", letter.pk) in waiting(world.leader)
    instruct(world, letter)
    assert ("request", letter.pk) not in waiting(world.leader)
    assert ("request", letter.pk) in waiting(world.leader, apart=True)


# -- notices ------------------------------------------------------------------------------------------------------


def _told(request) -> dict[int, list[str]]:
    notify_event(event_id=last_event(request).pk)
    told: dict[int, list[str]] = {}
    for notice in Notification.objects.filter(event=last_event(request).pk):
        told.setdefault(notice.recipient_id, []).append(notice.kind)
    return told


def test_the_butler_and_the_addressed_units_are_told(world):
    handler = UserFactory(zone=world.zone, unit=world.unit2, roles=["unit"])
    request = instruct(world, escalated(world, _in_units), to_butler=True, to_units=[world.unit2])
    told = _told(request)
    assert told == {world.butler1.pk: [Kind.INSTRUCTED], world.unit_user2.pk: [Kind.INSTRUCTED],
                    handler.pk: [Kind.INSTRUCTED]}  # not unit1 (not addressed), the leader, nor the enterprise
    notice = Notification.objects.get(recipient=world.butler1, kind=Kind.INSTRUCTED)
    assert INSTRUCTION in notice.body_in() and str(world.leader) in notice.body_in()
    assert request.number in notice.title


def test_units_only_the_butler_is_not_told(world):
    request = instruct(world, escalated(world, _in_units), to_units=[world.unit1])
    assert set(_told(request)) == {world.unit_user1.pk}


# -- the API ------------------------------------------------------------------------------------------------------


def test_instruct_through_the_api(api, world):
    request = escalated(world, _in_units)
    url = f"{LIST}{request.pk}/"
    api.force_authenticate(world.leader)
    assert api.get(url).json()["latest_instruction"] is None
    response = api.post(f"{url}instruct/", {"to_units": [world.unit1.pk]}, format="json")
    assert response.status_code == 400 and "comment" in response.json()
    response = api.post(f"{url}instruct/", {"comment": "x", "to_units": [world.foreign_admin.pk + 10**6]},
                        format="json")
    assert response.status_code == 400 and "to_units" in response.json()
    response = api.post(f"{url}instruct/", {"comment": INSTRUCTION, "to_units": [world.unit1.pk],
                                            "version": request.version}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == Status.IN_UNITS and body["instruction_count"] == 1
    latest = body["latest_instruction"]
    assert (latest["text"], latest["leader"], latest["leader_name"]) == (INSTRUCTION, world.leader.pk,
                                                                         str(world.leader))
    assert latest["at"]
    timeline = api.get(f"{url}timeline/").json()
    assert timeline[-1]["action"] == "instruct" and timeline[-1]["data"]["to_units"] == [world.unit1.pk]
    listed = api.get(LIST).json()["results"]
    assert [r["latest_instruction"]["text"] for r in listed if r["id"] == request.pk] == [INSTRUCTION]
    # The staff read it; the enterprise's answer has no such field.
    api.force_authenticate(world.butler1)
    assert api.get(url).json()["latest_instruction"]["text"] == INSTRUCTION
    api.force_authenticate(world.ent1_user)
    detail = api.get(url).json()
    assert detail["latest_instruction"] is None and INSTRUCTION not in str(detail)
    assert str(world.leader) not in str(detail) and detail["instruction_count"] == 1  # a leader attended to it
    assert all(r["latest_instruction"] is None for r in api.get(LIST).json()["results"])


@pytest.mark.parametrize("who", ["butler1", "admin", "unit_user1", "supervisor"])
def test_instruct_is_403_for_other_roles_whatever_the_body(api, world, who):
    request = escalated(world, _transferred)
    api.force_authenticate(getattr(world, who))
    response = api.post(f"{LIST}{request.pk}/instruct/", {"nonsense": True}, format="json")
    assert response.status_code == 403 and "批示" in response.json()["detail"]


def test_instruct_is_409_on_a_settled_request_and_404_outside_the_zone(api, world):
    request = s.request_resolve(actor=world.butler1, request=_accepted(world), answer="已办结")
    api.force_authenticate(world.leader)
    assert api.post(f"{LIST}{request.pk}/instruct/", {"comment": "x"}, format="json").status_code == 409
    outsider = UserFactory(zone=world.other_zone, roles=["leader"])
    api.force_authenticate(outsider)
    assert api.post(f"{LIST}{request.pk}/instruct/", {"comment": "x"}, format="json").status_code == 404


def test_a_leader_transfers_and_resolves_through_the_api(api, world):
    api.force_authenticate(world.leader)
    first, second = escalated(world), escalated(world)
    response = api.post(f"{LIST}{first.pk}/transfer/", {"lead_unit": world.unit2.pk}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.TRANSFERRED
    response = api.post(f"{LIST}{second.pk}/resolve/", {"answer": "经领导协调解决。"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == Status.RESOLVED


def test_instruct_is_in_the_schema(client, world):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/requests/{id}/instruct/"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/InstructActionRequest")
    body = schema["components"]["schemas"]["InstructActionRequest"]
    assert body["required"] == ["comment"] and {"to_butler", "to_units", "version"} <= set(body["properties"])
    assert "批示" in operation["description"]
    request = schema["components"]["schemas"]["RequestDetail"]["properties"]
    assert "instruction_count" in request and "Instruction" in str(request["latest_instruction"])


# -- the page -----------------------------------------------------------------------------------------------------


def test_the_leader_acts_from_the_request_page(client, world):
    request = escalated(world, _in_units)
    client.force_login(world.leader)
    page = client.get(request.get_absolute_url()).content.decode()
    for tab in ("act-instruct", "act-transfer", "act-resolve", "召集会办会"):
        assert tab in page, tab
    assert 'id="latest-instruction"' not in page
    assert world.unit1.name in page.split('id="act-instruct"')[1].split("</form>")[0]  # its addressees
    refused = client.post(f"/requests/{request.pk}/act/instruct/", {"comment": "", "version": request.version})
    assert refused.status_code == 200 and "请填写批示内容" in refused.content.decode()
    response = client.post(f"/requests/{request.pk}/act/instruct/",
                           {"comment": INSTRUCTION, "to_units": [world.unit1.pk], "version": request.version})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == Status.IN_UNITS and last_event(request).data["to_units"] == [world.unit1.pk]
    page = client.get(request.get_absolute_url()).content.decode()
    card = page.split('id="latest-instruction"')[1].split("</div></div>")[0]
    assert INSTRUCTION in card and str(world.leader) in card
    assert f"已批示。已通知：{world.unit1.name}。" in page  # those it was sent to, not a fixed phrase
    client.post(f"/requests/{request.pk}/act/instruct/",
                {"comment": INSTRUCTION, "to_butler": "on", "version": request.version})
    page = client.get(request.get_absolute_url()).content.decode()
    assert f"已通知：责任管家（{world.butler1}）。" in page


def test_the_instruction_card_is_for_the_staff(client, world):
    request = instruct(world, escalated(world, _transferred))
    for who in ("butler1", "unit_user1", "admin", "supervisor"):
        client.force_login(getattr(world, who))
        page = client.get(request.get_absolute_url()).content.decode()
        assert 'id="latest-instruction"' in page and INSTRUCTION in page, who
        assert "act-instruct" not in page, who
    client.force_login(world.ent1_user)
    page = client.get(request.get_absolute_url()).content.decode()
    assert 'id="latest-instruction"' not in page and INSTRUCTION not in page
    assert str(world.leader) not in page and "领导批示" in page  # at most: a leader attended to it


def test_a_leader_convenes_from_any_open_request_page(client, world):
    client.force_login(world.leader)
    assert "召集会办会" in client.get(_accepted(world).get_absolute_url()).content.decode()
    client.force_login(world.butler1)
    assert "召集会办会" not in client.get(_accepted(world).get_absolute_url()).content.decode()


def test_a_request_counts_its_instructions_in_the_stats(world):
    import datetime as dt

    from django.utils import timezone

    from guanjia.reports.selectors import request_stats, request_stats_by

    first = instruct(world, escalated(world))
    instruct(world, first, comment="再次督促。")
    instruct(world, escalated(world, _transferred))
    today = timezone.localdate()
    period = {"date_from": today - dt.timedelta(days=1), "date_to": today + dt.timedelta(days=1)}
    assert request_stats(Request.objects.all(), **period)["instructions"] == 3
    months = request_stats_by(Request.objects.all(), "month", **period)
    assert sum(row["instructions"] for row in months) == 3
    by_butler = request_stats_by(Request.objects.all(), "butler", **period)
    assert [(row["key"], row["instructions"]) for row in by_butler] == [(world.butler1.pk, 3)]


def test_the_stats_page_api_and_export_show_the_instructions(client, api, world):
    import io

    from openpyxl import load_workbook

    instruct(world, escalated(world))
    api.force_authenticate(world.leader)
    assert api.get("/api/v1/stats/requests/").json()["instructions"] == 1
    client.force_login(world.leader)
    page = client.get("/reports/requests/").content.decode()
    assert '<div class="fs-3 fw-semibold" data-stat="instructions">1</div>' in page
    workbook = load_workbook(io.BytesIO(client.get("/reports/requests.xlsx").content), read_only=True)
    rows = {row[0]: row[1] for row in workbook.worksheets[0].iter_rows(min_row=3, values_only=True) if len(row) > 1}
    assert rows["领导批示数"] == 1
