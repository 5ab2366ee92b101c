"""Meeting pages per role: scope (404), rights (403), forms and their errors, fixed query counts.

`test_matrix` is this app's copy of core/tests/test_access_matrix.py for its own endpoints.
"""

import datetime as dt

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from guanjia.meetings import services
from guanjia.meetings.models import ActionItem, Meeting
from guanjia.meetings.tests.factories import at, held_meeting, make_meeting, raise_request
from guanjia.requests.choices import Status as RequestStatus
from guanjia.tests_support.factories import UnitFactory, UserFactory

# url name -> (object kind, HTTP method): the lines for core/tests/test_access_matrix.py's ENDPOINTS.
ENDPOINTS = {
    "meetings:detail": ("meeting", "get"),
    "meetings:update": ("meeting", "get"),
    "meetings:hold": ("meeting", "get"),
    "meetings:close": ("meeting", "post"),
    "meetings:cancel": ("meeting", "get"),
    "meetings:action-add": ("meeting", "get"),
    "meetings:settle": ("meeting", "get"),
    "meetings:minutes": ("meeting", "get"),
    "meetings:action-complete": ("action_item", "get"),
    "meetings:action-item": ("action_item", "get"),
    "meeting-detail": ("meeting", "get"),
    "meeting-hold": ("meeting", "post"),
    "meeting-close": ("meeting", "post"),
    "meeting-cancel": ("meeting", "post"),
    "meeting-decisions": ("meeting", "post"),
    "meeting-settle": ("meeting", "post"),
    "meeting-minutes": ("meeting", "get"),
    "meeting-action-detail": ("action_item", "get"),
    "meeting-action-complete": ("action_item", "post"),
}
IN_SCOPE = {"meeting1", "action_item1"}
VISIBLE = {
    "admin": IN_SCOPE, "leader": IN_SCOPE, "supervisor": IN_SCOPE, "butler1": IN_SCOPE, "unit1": IN_SCOPE,
    "butler2": set(), "unit2": set(), "ent1": set(), "ent2": set(),
}


def matrix_objects(world) -> dict:
    """The objects of the access matrix: a meeting convened by butler1 with unit1 attending, and one elsewhere."""
    from guanjia.requests import services as rs

    request1 = rs.request_accept(actor=world.butler1, request=rs.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="land", title="用地", description="x"))
    meeting1 = services.meeting_create(actor=world.butler1, title="用地会办会", starts_at=timezone.now(),
                                       units=[world.unit1], requests=[request1])
    services.meeting_hold(actor=world.butler1, meeting=meeting1, minutes="纪要")
    item1 = services.action_item_add(actor=world.butler1, meeting=meeting1, text="出具供地方案",
                                     owner_unit=world.unit1, due_date=timezone.localdate() + dt.timedelta(days=30))
    foreign_unit = UnitFactory(zone=world.other_zone)
    foreign_meeting = services.meeting_create(actor=world.foreign_admin, title="达州协调会",
                                              starts_at=timezone.now(), units=[foreign_unit])
    services.meeting_hold(actor=world.foreign_admin, meeting=foreign_meeting, minutes="纪要")
    foreign_item = services.action_item_add(actor=world.foreign_admin, meeting=foreign_meeting, text="x",
                                            owner_unit=foreign_unit,
                                            due_date=timezone.localdate() + dt.timedelta(days=30))
    return {
        "meeting1": ("meeting", meeting1), "foreign_meeting": ("meeting", foreign_meeting),
        "action_item1": ("action_item", item1), "foreign_action_item": ("action_item", foreign_item),
    }


def _object_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif p.name and "pk" in p.pattern.regex.groupindex:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return {n for n in names if n.startswith(("meetings:", "meeting-"))}


def test_every_object_endpoint_is_in_the_matrix():
    assert _object_url_names() == set(ENDPOINTS)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix(client, world, role):
    objects = matrix_objects(world)
    client.force_login(world.users()[role])
    failures = []
    for url_name, (kind, method) in ENDPOINTS.items():
        for key, (obj_kind, obj) in objects.items():
            if obj_kind != kind:
                continue
            with transaction.atomic():
                response = getattr(client, method)(reverse(url_name, args=[obj.pk]))
                transaction.set_rollback(True)
            visible = key in VISIBLE[role]
            if visible and response.status_code == 404:
                failures.append(f"{url_name} {key}: 404 but should be visible")
            if not visible and response.status_code != 404:
                failures.append(f"{url_name} {key}: {response.status_code}, expected 404")
            if response.status_code >= 500:
                failures.append(f"{url_name} {key}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_lists_show_exactly_the_scope(client, world, role):
    objects = matrix_objects(world)
    client.force_login(world.users()[role])
    pages = {"meetings:list": "meeting", "meeting-list": "meeting"}
    for url_name, kind in pages.items():
        response = client.get(reverse(url_name))
        assert response.status_code == 200, url_name
        body = response.content.decode()
        for key, (obj_kind, obj) in objects.items():
            if obj_kind == kind:
                assert (obj.title in body) == (key in VISIBLE[role]), f"{url_name} {key}"
    for url_name in ("meetings:action-list", "meeting-action-list"):
        body = client.get(reverse(url_name)).content.decode()
        assert ("出具供地方案" in body) == ("action_item1" in VISIBLE[role]), url_name


# -- rights: visible but not allowed is 403 ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["leader", "supervisor", "unit1"])
def test_seeing_is_not_editing(client, world, who):
    meeting = make_meeting(world)
    client.force_login(world.users()[who])
    assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    for name in ("update", "hold", "cancel", "action-add", "settle"):
        assert client.get(reverse(f"meetings:{name}", args=[meeting.pk])).status_code == 403, name
    assert client.post(reverse("meetings:close", args=[meeting.pk])).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("unit1", 403), ("supervisor", 403), ("ent1", 403), ("butler2", 200),
                                             ("leader", 200)])
def test_who_may_convene(client, world, who, status):
    client.force_login(world.users()[who])
    assert client.get(reverse("meetings:create")).status_code == status


def test_anonymous_goes_to_login(client, world):
    meeting = make_meeting(world)
    for url in (reverse("meetings:list"), reverse("meetings:detail", args=[meeting.pk]),
                reverse("meetings:hold", args=[meeting.pk]), reverse("meetings:minutes", args=[meeting.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


# -- the pages --------------------------------------------------------------------------------------------------


def test_convene_hold_decide_settle_and_complete_through_the_pages(client, world):
    request = raise_request(world)
    client.force_login(world.butler1)
    page = client.get(reverse("meetings:create") + f"?request={request.pk}").content.decode()
    assert "召集会议" in page and request.number in page
    response = client.post(reverse("meetings:create"), {
        "kind": "joint", "title": "二期供电增容会办会", "starts_at": "2026-03-02T09:30", "place": "服务中心",
        "units": [world.unit1.pk, world.unit2.pk], "attendees": [world.unit_user1.pk], "requests": [request.pk],
        "projects": [world.project1.pk],
    })
    meeting = Meeting.objects.get(title="二期供电增容会办会")
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert timezone.localtime(meeting.starts_at) == at(2026, 3, 2, 9, 30)

    response = client.post(reverse("meetings:hold", args=[meeting.pk]), {"minutes": "会议研究了增容方案。"})
    assert response.status_code == 302
    response = client.post(reverse("meetings:action-add", args=[meeting.pk]), {
        "text": "供电公司出具增容方案", "owner_unit": world.unit1.pk, "days": "5", "request": request.pk})
    assert response.status_code == 302 and response["Location"].endswith("#items")
    item = ActionItem.objects.get()
    assert timezone.localtime(item.deadline).date() == dt.date(2026, 3, 9)

    page = client.get(meeting.get_absolute_url()).content.decode()
    for text in ("二期供电增容会办会", "供电公司", "自然资源局", request.number, world.project1.name,
                 "会议研究了增容方案。", "供电公司出具增容方案", "2026-03-09", "5个工作日", "办理中", "导出纪要",
                 "会议办结诉求"):
        assert text in page, text

    response = client.post(reverse("meetings:settle", args=[meeting.pk]), {"request": request.pk, "answer": "会议议定增容。"})
    assert response.status_code == 200 and "供电公司出具增容方案" in response.content.decode()  # asks to confirm
    request.refresh_from_db()
    assert request.status != RequestStatus.RESOLVED
    response = client.post(reverse("meetings:settle", args=[meeting.pk]),
                           {"request": request.pk, "answer": "会议议定增容。", "confirm": "on"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RequestStatus.RESOLVED and meeting.settled_requests.get() == request
    assert "经本会办结" in client.get(meeting.get_absolute_url()).content.decode()

    client.force_login(world.unit_user1)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:action-complete", args=[item.pk]) in page  # the owner unit completes it there
    assert "会议办结诉求" not in page and reverse("meetings:update", args=[meeting.pk]) not in page
    assert client.get(reverse("meetings:action-complete", args=[item.pk])).status_code == 200
    response = client.post(reverse("meetings:action-complete", args=[item.pk]), {"result": " "})
    assert response.status_code == 200 and "该字段是必填项" in response.content.decode()
    response = client.post(reverse("meetings:action-complete", args=[item.pk]), {"result": "方案已出具"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.result == "方案已出具"

    client.force_login(world.butler1)
    assert client.post(reverse("meetings:close", args=[meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "closed"
    history = client.get(meeting.get_absolute_url()).content.decode()
    assert "操作历史" in history and world.butler1.name in history


def test_errors_come_back_on_the_form_in_chinese(client, world):
    meeting = held_meeting(world)
    client.force_login(world.butler1)
    response = client.post(reverse("meetings:action-add", args=[meeting.pk]), {
        "text": "x", "owner_unit": world.unit1.pk, "due_date": "2026-03-01"})
    assert response.status_code == 200
    assert "完成时限（2026-03-01）不能早于会议日期（2026-03-02）。" in response.content.decode()
    response = client.post(reverse("meetings:action-add", args=[meeting.pk]), {"text": "x", "owner_unit": world.unit1.pk})
    assert response.status_code == 200 and "二选一" in response.content.decode()
    response = client.post(reverse("meetings:hold", args=[meeting.pk]), {"minutes": "再次"})
    assert response.status_code == 200 and "不能召开并记录纪要" in response.content.decode()
    response = client.post(reverse("meetings:create"), {"kind": "joint", "title": "", "starts_at": "not a date"})
    assert response.status_code == 200
    assert not ActionItem.objects.exists()


def test_the_pages_check_the_dates_as_the_api_does(client, world):
    """The bounds live in the services: the pages answer with the same words."""
    meeting = held_meeting(world, starts_at=at(2026, 2, 26, 9, 0))  # today is 2026-03-02
    client.force_login(world.butler1)
    for starts_at in ("0001-01-01T00:00", "9999-12-31T23:59"):
        response = client.post(reverse("meetings:create"), {"kind": "joint", "title": "远古会议", "starts_at": starts_at})
        assert response.status_code == 200
        assert "会议时间须在 1900-01-01 至 2999-12-31 之间。" in response.content.decode(), starts_at
    response = client.post(reverse("meetings:action-add", args=[meeting.pk]), {
        "text": "x", "owner_unit": world.unit1.pk, "due_date": "2026-02-27"})
    assert response.status_code == 200
    assert "完成时限（2026-02-27）不能早于今天（2026-03-02）。" in response.content.decode()
    assert Meeting.objects.count() == 1 and not ActionItem.objects.exists()


def test_close_refused_is_a_message_not_an_error(client, world):
    meeting = make_meeting(world)
    client.force_login(world.butler1)
    response = client.post(reverse("meetings:close", args=[meeting.pk]), follow=True)
    assert response.status_code == 200 and "不能结束" in response.content.decode()


def test_cancel_through_the_page(client, world):
    meeting = make_meeting(world)
    client.force_login(world.butler1)
    response = client.post(reverse("meetings:cancel", args=[meeting.pk]), {"reason": "改期"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "cancelled" and "改期" in client.get(meeting.get_absolute_url()).content.decode()


def test_overdue_items_are_red(client, world):
    meeting = held_meeting(world)
    services.action_item_add(actor=world.butler1, meeting=meeting, text="逾期事项", owner_unit=world.unit1,
                             due_date=dt.date(2026, 3, 2))
    with time_machine.travel(at(2026, 3, 3, 9, 0), tick=False):
        client.force_login(world.admin)
        page = client.get(meeting.get_absolute_url()).content.decode()
        assert 'class="table-danger"' in page and "已超期" in page
        listing = client.get(reverse("meetings:action-list"), {"state": "overdue"}).content.decode()
        assert "逾期事项" in listing and "table-danger" in listing
        assert "超期 1" in client.get(reverse("meetings:list")).content.decode()


def test_list_filters(client, world):
    make_meeting(world, title="三月会办会", kind="joint")
    make_meeting(world, title="四月研判会", kind="review", starts_at=at(2026, 4, 8, 9, 0))
    cancelled = make_meeting(world, title="取消的调度会", kind="dispatch")
    services.meeting_cancel(actor=world.butler1, meeting=cancelled, reason="改期")
    client.force_login(world.admin)

    def titles(**params):
        body = client.get(reverse("meetings:list"), params).content.decode()
        return {t for t in ("三月会办会", "四月研判会", "取消的调度会") if t in body}

    assert titles() == {"三月会办会", "四月研判会", "取消的调度会"}
    assert titles(kind="review") == {"四月研判会"}
    assert titles(status="cancelled") == {"取消的调度会"}
    assert titles(date_from="2026-04-01") == {"四月研判会"}
    assert titles(date_to="2026-03-31") == {"三月会办会", "取消的调度会"}
    assert titles(q="研判") == {"四月研判会"}
    assert titles(date_from="yesterday") == set()  # a bad filter shows nothing, not an error
    assert titles(unit=world.unit1.pk) == {"三月会办会", "四月研判会", "取消的调度会"}
    partial = client.get(reverse("meetings:list"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "三月会办会" in partial


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params or {}).status_code == 200
    return len(ctx)


def test_query_counts_are_fixed(client, world):
    client.force_login(world.admin)
    meeting = held_meeting(world, requests=[raise_request(world)], projects=[world.project1])
    services.action_item_add(actor=world.admin, meeting=meeting, text="a", owner_unit=world.unit1, days=3)
    urls = [reverse("meetings:list"), reverse("meetings:action-list"), meeting.get_absolute_url(),
            reverse("meetings:minutes", args=[meeting.pk])]
    before = [_count(client, url) for url in urls]
    for n in range(12):
        other = held_meeting(world, title=f"会办会{n}", requests=[raise_request(world, title=f"诉求{n}")],
                             units=[world.unit1, world.unit2], attendees=[world.unit_user1, world.butler1])
        services.action_item_add(actor=world.butler1, meeting=other, text=f"事项{n}", owner_unit=world.unit2,
                                 owner_person=world.unit_user2, days=2)
        request = raise_request(world, title=f"同会诉求{n}")
        services.meeting_update(actor=world.admin, meeting=meeting,
                                requests=[*meeting.requests.all(), request], units=[world.unit1, world.unit2],
                                attendees=[world.unit_user1, world.butler1, world.unit_user2])
        services.action_item_add(actor=world.admin, meeting=meeting, text=f"事项{n}", owner_unit=world.unit2,
                                 owner_person=world.unit_user2, days=4, request=request)
    assert [_count(client, url) for url in urls] == before


def test_the_owner_person_picker_names_each_persons_unit(client, world):
    """责任人 reads "姓名（单位）" (else the workstation, else the zone), only the zone's staff, one query."""
    meeting = held_meeting(world)
    client.force_login(world.butler1)
    url = reverse("meetings:action-add", args=[meeting.pk])
    page = client.get(url).content.decode()
    for person, place in ((world.unit_user1, "供电公司"), (world.unit_user2, "自然资源局"),
                          (world.butler1, "第一工作站"), (world.admin, "咸阳高新区")):
        assert f"{person.name}（{place}）" in page, person.username
    assert world.foreign_admin.name not in page and world.ent1_user.name not in page
    before = _count(client, url)
    for n in range(5):
        UnitFactory(zone=world.zone, name=f"单位{n}").people.add(
            UserFactory(zone=world.zone, name=f"经办人{n}", roles=["unit"]))
    assert _count(client, url) == before
    assert "经办人4（单位4）" in client.get(url).content.decode()
