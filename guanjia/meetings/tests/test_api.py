"""The meetings API: list / retrieve / create with nested decisions, transitions, action items, error codes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanjia.meetings import services
from guanjia.meetings.models import Meeting
from guanjia.meetings.tests.factories import at, held_meeting, make_meeting, raise_request

LIST = "/api/v1/meetings/"
ITEMS = "/api/v1/meeting-actions/"


def test_create_list_retrieve_shape(api, world):
    request = raise_request(world)
    api.force_authenticate(world.butler1)
    response = api.post(LIST, {
        "kind": "coordination", "title": "用电增容协调会", "starts_at": "2026-03-02T09:30:00+08:00", "place": "三楼",
        "units": [world.unit1.pk], "attendees": [world.unit_user1.pk], "requests": [request.pk],
        "projects": [world.project1.pk],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "planned" and body["convener"] == world.butler1.pk
    assert body["kind_display"] == "协调会" and body["decisions"] == []
    assert body["agenda_requests"][0]["number"] == request.number
    assert body["unit_list"] == [{"id": world.unit1.pk, "name": "供电公司"}]
    listing = api.get(LIST).json()
    assert listing["count"] == 1
    row = listing["results"][0]
    for field in ("id", "kind", "title", "starts_at", "place", "convener", "status", "units", "attendees", "requests",
                  "projects", "item_count", "open_item_count", "overdue_item_count"):
        assert field in row
    assert row["starts_at"] == "2026-03-02T09:30:00+08:00"


def test_transitions_decisions_and_settle(api, world):
    request = raise_request(world)
    meeting = make_meeting(world, requests=[request])
    url = f"{LIST}{meeting.pk}/"
    api.force_authenticate(world.butler1)
    assert api.post(f"{url}hold/", {}, format="json").status_code == 400
    body = api.post(f"{url}hold/", {"minutes": "研究了增容。"}, format="json").json()
    assert body["status"] == "held" and body["minutes"] == "研究了增容。"
    response = api.post(f"{url}decisions/", {"text": "出具方案", "owner_unit": world.unit1.pk, "days": 5,
                                             "request": request.pk}, format="json")
    assert response.status_code == 201, response.json()
    item = response.json()
    assert item["deadline"] == "2026-03-09T23:59:59.999999+08:00" and item["state"] == "open"
    assert item["request_number"] == request.number and item["owner_unit_name"] == "供电公司"
    response = api.post(f"{url}decisions/", {"text": "x", "owner_unit": world.unit1.pk, "due_date": "2026-02-28"},
                        format="json")
    assert response.status_code == 400
    assert response.json() == {"due_date": ["完成时限（2026-02-28）不能早于会议日期（2026-03-02）。"]}
    detail = api.get(url).json()
    assert [d["text"] for d in detail["decisions"]] == ["出具方案"] and detail["item_count"] == 1

    # Its action item is still open: settling the request must be confirmed, and the refusal names the item.
    response = api.post(f"{url}settle/", {"request": request.pk, "answer": "会议议定。"}, format="json")
    assert response.status_code == 400 and "出具方案" in response.json()["confirm"][0]
    assert api.get(f"/api/v1/requests/{request.pk}/").json()["status"] != "resolved"
    response = api.post(f"{url}settle/", {"request": request.pk, "answer": "会议议定。", "confirm": True},
                        format="json")
    assert response.status_code == 200 and response.json()["settled_requests"] == [request.pk]
    assert api.get(f"/api/v1/requests/{request.pk}/").json()["status"] == "resolved"
    response = api.post(f"{url}settle/", {"request": request.pk, "answer": "again"}, format="json")
    assert response.status_code == 409 and "已由本次会议办结" in response.json()["detail"]

    api.force_authenticate(world.unit_user1)
    assert api.post(f"{ITEMS}{item['id']}/complete/", {"result": ""}, format="json").status_code == 400
    done = api.post(f"{ITEMS}{item['id']}/complete/", {"result": "已出具"}, format="json").json()
    assert done["status"] == "done" and done["state"] == "done" and done["done_by"] == world.unit_user1.pk
    assert api.post(f"{ITEMS}{item['id']}/complete/", {"result": "x"}, format="json").status_code == 409

    api.force_authenticate(world.butler1)
    assert api.post(f"{url}close/", format="json").json()["status"] == "closed"
    assert api.post(f"{url}close/", format="json").status_code == 409


def test_error_codes(api, world):
    meeting = make_meeting(world)
    url = f"{LIST}{meeting.pk}/"
    api.force_authenticate(world.leader)  # sees everything, convenes its own, but edits only its own
    assert api.get(url).status_code == 200
    assert api.post(f"{url}hold/", {"minutes": "x"}, format="json").status_code == 403
    assert api.patch(url, {"title": "x"}, format="json").status_code == 403
    api.force_authenticate(world.unit_user1)
    assert api.post(LIST, {"title": "x", "starts_at": "2026-03-02T09:00:00+08:00"}, format="json").status_code == 403
    api.force_authenticate(world.butler2)
    assert api.get(url).status_code == 404
    assert api.post(f"{url}hold/", {"minutes": "x"}, format="json").status_code == 404
    api.force_authenticate(world.ent1_user)
    assert api.get(LIST).json()["count"] == 0 and api.get(url).status_code == 404
    api.force_authenticate(world.butler1)
    # Relations outside the caller's scope do not exist for it.
    response = api.post(LIST, {"title": "x", "starts_at": "2026-03-02T09:00:00+08:00",
                               "requests": [raise_request(world, enterprise=world.ent2, butler=world.butler2).pk]},
                        format="json")
    assert response.status_code == 400 and "requests" in response.json()
    response = api.post(LIST, {"title": "x", "starts_at": "2026-03-02T09:00:00+08:00", "minutes": "提前"},
                        format="json")
    assert response.status_code == 400 and "minutes" in response.json()
    assert api.post(f"{url}cancel/", {}, format="json").status_code == 400
    assert api.post(f"{url}cancel/", {"reason": "改期"}, format="json").json()["status"] == "cancelled"
    assert api.post(f"{url}hold/", {"minutes": "x"}, format="json").status_code == 409
    api.force_authenticate(None)
    assert api.get(LIST).status_code == 401


def test_update(api, world):
    meeting = make_meeting(world)
    api.force_authenticate(world.butler1)
    response = api.patch(f"{LIST}{meeting.pk}/", {"title": "改名的会办会", "units": [world.unit2.pk]}, format="json")
    assert response.status_code == 200 and response.json()["title"] == "改名的会办会"
    assert response.json()["units"] == [world.unit2.pk]
    response = api.patch(f"{LIST}{meeting.pk}/", {"convener": world.admin.pk}, format="json")
    assert response.status_code == 400 and "convener" in response.json()


def test_filters(api, world):
    make_meeting(world, title="会办会甲")
    review = make_meeting(world, title="研判会乙", kind="review")
    services.meeting_cancel(actor=world.butler1, meeting=review, reason="改期")
    api.force_authenticate(world.admin)
    assert [r["title"] for r in api.get(LIST, {"kind": "review"}).json()["results"]] == ["研判会乙"]
    assert [r["title"] for r in api.get(LIST, {"status": "planned"}).json()["results"]] == ["会办会甲"]
    assert api.get(LIST, {"date_from": "2026-03-03"}).json()["count"] == 0
    assert api.get(LIST, {"date_to": "2026-03-02"}).json()["count"] == 2
    assert api.get(LIST, {"date_from": "tomorrow"}).status_code == 400


def test_action_items_list_and_overdue_filter(api, world):
    import time_machine

    meeting = held_meeting(world)
    services.action_item_add(actor=world.butler1, meeting=meeting, text="当天完成", owner_unit=world.unit1,
                             due_date=meeting.meeting_date)
    services.action_item_add(actor=world.butler1, meeting=meeting, text="五日内完成", owner_unit=world.unit2, days=5)
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        api.force_authenticate(world.admin)
        assert [r["text"] for r in api.get(ITEMS, {"state": "overdue"}).json()["results"]] == ["当天完成"]
        assert [r["text"] for r in api.get(ITEMS, {"state": "open"}).json()["results"]] == ["五日内完成"]
        assert api.get(ITEMS, {"owner_unit": world.unit2.pk}).json()["count"] == 1
        api.force_authenticate(world.unit_user2)  # owns an item of a meeting its unit did not attend
        assert [r["text"] for r in api.get(ITEMS).json()["results"]] == ["当天完成", "五日内完成"]
        api.force_authenticate(world.ent1_user)
        assert api.get(ITEMS).json()["count"] == 0


def test_minutes_file(api, world):
    meeting = held_meeting(world)
    api.force_authenticate(world.unit_user1)
    response = api.get(f"{LIST}{meeting.pk}/minutes/")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    response = api.get(f"{LIST}{meeting.pk}/minutes/",
                       HTTP_ACCEPT="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert response.status_code == 200
    api.force_authenticate(world.unit_user2)
    assert api.get(f"{LIST}{meeting.pk}/minutes/").status_code == 404


def _count(api, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(url).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["admin", "butler1", "unit1"])
def test_query_counts_are_fixed(api, world, who):
    meeting = held_meeting(world, requests=[raise_request(world)])
    services.action_item_add(actor=world.butler1, meeting=meeting, text="a", owner_unit=world.unit1, days=3)
    api.force_authenticate(world.users()[who])
    urls = [LIST, ITEMS, f"{LIST}{meeting.pk}/"]
    api.get("/api/v1/me/")  # force_authenticate keeps one user object: read its roles once before counting
    before = [_count(api, url) for url in urls]
    # list: count, the page's ids, its rows, 5 relations; items: count, ids, rows; detail: the meeting and its 6
    # relations
    assert before == [8, 3, 7]
    for n in range(15):
        other = held_meeting(world, title=f"会办会{n}", requests=[raise_request(world, title=f"诉求{n}")],
                             units=[world.unit1, world.unit2], attendees=[world.unit_user1, world.leader])
        services.action_item_add(actor=world.butler1, meeting=other, text=f"事项{n}", owner_unit=world.unit1,
                                 owner_person=world.unit_user1, days=2, request=other.requests.get())
        services.action_item_add(actor=world.butler1, meeting=meeting, text=f"同会事项{n}", owner_unit=world.unit1,
                                 days=4)
    assert [_count(api, url) for url in urls] == before
    assert api.get(LIST).json()["count"] == 16


def test_names_of_people_are_null_where_there_is_none(api, world):
    """`*_name` is the person as shown, or null: never the text of `None.__str__`."""
    meeting = held_meeting(world)
    item = services.action_item_add(actor=world.butler1, meeting=meeting, text="a", owner_unit=world.unit1, days=3)
    api.force_authenticate(world.butler1)
    decision = api.get(f"{LIST}{meeting.pk}/").json()["decisions"][0]
    assert (decision["owner_person_name"], decision["done_by_name"]) == (None, None)
    assert api.get(f"{ITEMS}{item.pk}/").json()["owner_person_name"] is None
    services.action_item_complete(actor=world.unit_user1, item=item, result="已办")
    body = api.get(f"{LIST}{meeting.pk}/").json()
    assert body["decisions"][0]["done_by_name"] == str(world.unit_user1)
    assert body["convener_name"] == str(world.butler1)
    assert body["attendee_list"] == [{"id": world.unit_user1.pk, "name": str(world.unit_user1)}]


def _fraction(pk: int) -> float:
    """An id the database would round down to `pk` if it were let through."""
    return pk + 0.5


@pytest.mark.parametrize("field", ["convener", "units", "attendees", "requests", "projects"])
def test_a_fraction_is_no_id_when_convening(api, world, field):
    ids = {"convener": world.admin.pk, "units": world.unit1.pk, "attendees": world.unit_user1.pk,
           "requests": raise_request(world).pk, "projects": world.project1.pk}
    value = _fraction(ids[field]) if field == "convener" else [_fraction(ids[field])]
    api.force_authenticate(world.admin)
    response = api.post(LIST, {"title": "x", "starts_at": "2026-03-02T09:00:00+08:00", field: value}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not Meeting.objects.exists()


def test_a_fraction_is_no_id_when_editing_deciding_or_settling(api, world):
    request = raise_request(world)
    meeting = held_meeting(world, requests=[request])
    url = f"{LIST}{meeting.pk}/"
    api.force_authenticate(world.butler1)
    response = api.patch(url, {"units": [_fraction(world.unit2.pk)]}, format="json")
    assert response.status_code == 400 and "units" in response.json()
    assert list(meeting.units.all()) == [world.unit1]
    response = api.post(f"{url}decisions/", {"text": "x", "owner_unit": _fraction(world.unit1.pk),
                                             "owner_person": _fraction(world.unit_user1.pk), "days": 3},
                        format="json")
    assert response.status_code == 400 and {"owner_unit", "owner_person"} <= set(response.json())
    for field, pk in (("request", request.pk), ("project", world.project1.pk)):
        response = api.post(f"{url}decisions/", {"text": "x", "owner_unit": world.unit1.pk, "days": 3,
                                                 field: _fraction(pk)}, format="json")
        assert response.status_code == 400 and field in response.json()
    assert not meeting.action_items.exists()
    response = api.post(f"{url}settle/", {"request": _fraction(request.pk), "answer": "x"}, format="json")
    assert response.status_code == 400 and "request" in response.json()
    assert not meeting.settled_requests.exists()


def test_relations_outside_the_callers_scope_do_not_exist(api, world):
    """Each writable relation looks its id up in what the caller may see: else 400 "does not exist"."""
    from guanjia.tests_support.factories import UnitFactory

    meeting = held_meeting(world)
    foreign_unit = UnitFactory(zone=world.other_zone)
    api.force_authenticate(world.admin)
    for field, value in (("convener", world.ent1_user.pk), ("convener", world.foreign_admin.pk),
                         ("units", [foreign_unit.pk]), ("attendees", [world.foreign_admin.pk]),
                         ("projects", [world.foreign_project.pk])):
        response = api.post(LIST, {"title": "x", "starts_at": "2026-03-02T09:00:00+08:00", field: value},
                            format="json")
        assert response.status_code == 400 and "不存在" in response.json()[field][0], (field, response.json())
    for field, value in (("owner_unit", foreign_unit.pk), ("owner_person", world.ent1_user.pk)):
        body = {"text": "x", "owner_unit": world.unit1.pk, "days": 3, field: value}
        response = api.post(f"{LIST}{meeting.pk}/decisions/", body, format="json")
        assert response.status_code == 400 and "不存在" in response.json()[field][0], (field, response.json())
    assert Meeting.objects.count() == 1 and not meeting.action_items.exists()


@pytest.mark.parametrize("starts_at", ["0001-01-01T00:00:00-12:00", "0001-01-01T00:00:00+14:00",
                                       "1899-12-31T12:00:00+08:00", "9999-12-31T23:59:59+14:00"])
def test_the_meeting_time_has_bounds(api, world, starts_at):
    meeting = make_meeting(world)
    api.force_authenticate(world.butler1)
    response = api.post(LIST, {"title": "x", "starts_at": starts_at}, format="json")
    assert response.status_code == 400 and "starts_at" in response.json(), response.json()
    response = api.patch(f"{LIST}{meeting.pk}/", {"starts_at": starts_at}, format="json")
    assert response.status_code == 400 and "starts_at" in response.json(), response.json()
    assert Meeting.objects.get().starts_at == meeting.starts_at


def test_a_decision_is_not_due_before_today(api, world):
    meeting = held_meeting(world, starts_at=at(2026, 2, 26, 9, 0))  # today is 2026-03-02
    api.force_authenticate(world.butler1)
    response = api.post(f"{LIST}{meeting.pk}/decisions/", {"text": "x", "owner_unit": world.unit1.pk,
                                                           "due_date": "2026-02-27"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"due_date": ["完成时限（2026-02-27）不能早于今天（2026-03-02）。"]}
    assert not meeting.action_items.exists()
