"""The requests API of API.md: raise, list, the 15 actions, the timeline, and the error codes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanjia.requests import services as s
from guanjia.requests.models import Request

LIST = "/api/v1/requests/"


def raise_api(api, world, **extra):
    body = {"enterprise": world.ent1.pk, "category": "land", "title": "二期用地指标",
            "description": "需新增工业用地 50 亩。", "source": "visit", **extra}
    response = api.post(LIST, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_raise_list_and_shape(api, world):
    api.force_authenticate(world.butler1)
    created = raise_api(api, world)
    for field in ("id", "number", "enterprise", "project", "source", "category", "title", "description", "status",
                  "butler", "due_at", "created_at"):
        assert field in created
    assert created["status"] == "submitted" and created["number"].startswith("GJ-")
    body = api.get(LIST, {"status": "submitted"}).json()
    assert body["count"] == 1 and body["results"][0]["id"] == created["id"]


def test_actions_through_the_api(api, world):
    api.force_authenticate(world.butler1)
    request_id = raise_api(api, world)["id"]
    url = f"{LIST}{request_id}/"
    assert api.post(f"{url}accept/", {}, format="json").json()["status"] == "accepted"
    response = api.post(f"{url}transfer/", {"lead_unit": world.unit1.pk, "co_units": [world.unit2.pk],
                                            "comment": "转供电公司"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "transferred"
    assert len(response.json()["unit_tasks"]) == 2
    api.force_authenticate(world.unit_user1)
    assert api.post(f"{url}sign/", {}, format="json").json()["status"] == "in_units"
    assert api.post(f"{url}feedback/", {"comment": "已出具供地方案"}, format="json").status_code == 200
    api.force_authenticate(world.butler1)
    assert api.post(f"{url}resolve/", {"answer": "已供地"}, format="json").json()["status"] == "resolved"
    api.force_authenticate(world.ent1_user)
    response = api.post(f"{url}rate/", {"rating": "basically_satisfied"}, format="json")
    assert response.json()["status"] == "closed"
    timeline = api.get(f"{url}timeline/").json()
    assert [e["action"] for e in timeline] == ["raise", "accept", "transfer", "sign", "feedback", "resolve", "rate"]
    assert timeline[2]["from_status"] == "accepted" and timeline[2]["to_status"] == "transferred"


def test_transfer_takes_a_deadline_for_the_co_units(api, world):
    from django.utils import timezone

    api.force_authenticate(world.butler1)
    url = f"{LIST}{raise_api(api, world)['id']}/"
    api.post(f"{url}accept/", {}, format="json")
    body = {"lead_unit": world.unit1.pk, "co_unit_due": timezone.localdate().isoformat()}
    response = api.post(f"{url}transfer/", body, format="json")  # no co-units: nothing to date
    assert response.status_code == 400 and "co_unit_due" in response.json()
    response = api.post(f"{url}transfer/", {**body, "co_units": [world.unit2.pk]}, format="json")
    assert response.status_code == 200, response.json()
    dues = {t["role"]: t["due_at"] for t in response.json()["unit_tasks"]}
    assert dues["co"] < dues["lead"]


def test_error_codes(api, world):
    api.force_authenticate(world.butler1)
    request_id = raise_api(api, world)["id"]
    url = f"{LIST}{request_id}/"
    # 409: the status does not allow it
    response = api.post(f"{url}resolve/", {"answer": "x"}, format="json")
    assert response.status_code == 409 and "待签收" in response.json()["detail"]
    # 400: a required field
    assert api.post(f"{url}extend/", {"reason": "x"}, format="json").status_code in (400, 403)
    # 403: visible, but the role may not
    api.force_authenticate(world.supervisor)
    assert api.post(f"{url}accept/", {}, format="json").status_code == 403
    # 404: outside the caller's scope
    api.force_authenticate(world.butler2)
    assert api.post(f"{url}accept/", {}, format="json").status_code == 404
    api.force_authenticate(world.ent2_user)
    assert api.get(url).status_code == 404
    # 409 on a stale version
    api.force_authenticate(world.butler1)
    api.post(f"{url}accept/", {}, format="json")
    assert api.post(f"{url}resolve/", {"answer": "x", "version": 1}, format="json").status_code == 409


def test_bad_rating_and_unknown_category_are_400(api, world):
    api.force_authenticate(world.butler1)
    response = api.post(LIST, {"enterprise": world.ent1.pk, "category": "weather", "title": "x",
                               "description": "y"}, format="json")
    assert response.status_code == 400 and "category" in response.json()
    request_id = raise_api(api, world)["id"]
    api.force_authenticate(world.ent1_user)
    response = api.post(f"{LIST}{request_id}/rate/", {"rating": "great"}, format="json")
    assert response.status_code == 400 and "rating" in response.json()


def test_unit_sees_only_what_was_transferred_to_it(api, world):
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="land",
                              title="用地", description="x")
    api.force_authenticate(world.unit_user1)
    assert api.get(LIST).json()["count"] == 0
    s.request_accept(actor=world.butler1, request=request)
    s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    assert api.get(LIST).json()["count"] == 1
    api.force_authenticate(world.unit_user2)
    assert api.get(LIST).json()["count"] == 0


def test_internal_notes_hidden_from_the_enterprise(api, world):
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="land",
                              title="用地", description="x")
    s.request_add_note(actor=world.butler1, request=request, comment="内部研判：指标紧张")
    api.force_authenticate(world.ent1_user)
    comments = [e["comment"] for e in api.get(f"{LIST}{request.pk}/timeline/").json()]
    assert "内部研判：指标紧张" not in comments
    api.force_authenticate(world.butler1)
    comments = [e["comment"] for e in api.get(f"{LIST}{request.pk}/timeline/").json()]
    assert "内部研判：指标紧张" in comments


def test_list_query_count_is_fixed(api, world):
    api.force_login(world.admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST, {"open": "true"}).status_code == 200
        return len(ctx)

    s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="land", title="a",
                    description="x")
    before = count()
    for n in range(15):
        s.request_raise(actor=world.butler1, enterprise=world.ent2 if n % 2 else world.ent1, source="phone",
                        category="talent", title=f"用工{n}", description="x")
    assert count() == before


def test_roles_that_do_not_take_requests_cannot_raise_one(api, world):
    """403 with the reason, before the body is looked at (a unit cannot even see the enterprise)."""
    for user in (world.supervisor, world.unit_user1):
        api.force_authenticate(user)
        response = api.post(LIST, {"enterprise": world.ent1.pk, "category": "land", "title": "x",
                                   "description": "y"}, format="json")
        assert response.status_code == 403, user
        assert response.json()["detail"] == "您的角色不能登记诉求。"


def test_a_role_that_may_not_act_hears_403_whatever_the_body(api, world):
    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="land", title="x", description="y"))
    api.force_authenticate(world.ent1_user)
    response = api.post(f"{LIST}{request.pk}/extend/", {"days": "many"}, format="json")
    assert response.status_code == 403 and "延期" in response.json()["detail"]


def test_raising_refers_only_to_rows_the_caller_can_see(api, world):
    from guanjia.requests.models import Request

    api.force_authenticate(world.butler1)
    body = {"category": "land", "title": "x", "description": "y", "source": "visit"}
    for extra in ({"enterprise": world.foreign_enterprise.pk},
                  {"enterprise": world.ent1.pk, "project": world.foreign_project.pk},
                  {"enterprise": world.ent1.pk, "source": "letter", "addressed_leader": world.foreign_admin.pk}):
        response = api.post(LIST, {**body, **extra}, format="json")
        assert response.status_code == 400, extra
        assert set(response.json()) & {"enterprise", "project", "addressed_leader"}, response.json()
    assert not Request.objects.exists()


@pytest.mark.parametrize("value", [1.5, True, "1.5", "abc", -1, 0, 99999999999999999999999, [1], {"id": 1}])
def test_raising_with_an_id_that_is_no_id_is_400(api, world, value):
    api.force_authenticate(world.butler1)
    response = api.post(LIST, {"enterprise": value, "category": "land", "title": "x", "description": "y"},
                        format="json")
    assert response.status_code == 400 and "enterprise" in response.json(), (value, response.content[:200])
    assert not Request.objects.exists()


def test_raising_takes_a_fixed_number_of_queries(api, world):
    api.force_authenticate(world.butler1)
    raise_api(api, world)  # the zone's counter for the year exists from here on
    with CaptureQueriesContext(connection) as captured:
        raise_api(api, world)
    # The enterprise (with its butler); then in the transaction the number (one UPDATE … RETURNING),
    # its tracked item, the request, the clock rule, the calendar (2), the sign clock and its ledger
    # row, the item's object id with its deadline, its duty (the butler's 我的待办), the timeline
    # event; besides the transaction's own statements. (The caller's roles are read once per request
    # and held by the test's user object.)
    statements = [q["sql"] for q in captured.captured_queries
                  if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "BEGIN"))]
    assert len(statements) == 12, "\n".join(sql[:120] for sql in statements)


def test_raising_again_with_the_same_idempotency_key_answers_the_first_request(api, world):
    api.force_authenticate(world.butler1)
    body = {"enterprise": world.ent1.pk, "category": "land", "title": "用地", "description": "x"}
    first = api.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="c0ffee-1")
    again = api.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="c0ffee-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["number"] == first.json()["number"]
    assert api.post(LIST, body, format="json").status_code == 201  # no key: every call raises one
    bad = api.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="含空格 的键")
    # A list of messages, as every field error (API.md) and the 422 of a reused key.
    assert bad.status_code == 400 and bad.json() == {"Idempotency-Key": ["须为 1–64 个字母、数字或 - _ . : 。"]}
    assert Request.objects.count() == 2
    # An empty header is no key, as the schema says (`^(…)?$`): each such call raises one.
    assert api.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="").status_code == 201
    assert Request.objects.count() == 3  # the schema says so too: test_schema_contract


def test_an_idempotency_key_reused_with_another_body_is_422(api, world):
    api.force_authenticate(world.butler1)
    body = {"enterprise": world.ent1.pk, "category": "land", "title": "用地", "description": "x"}
    assert api.post(LIST, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    # The same body with its text spaced differently is the same request: a repeat.
    assert api.post(LIST, {**body, "title": " 用地 "}, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 200
    for other in ({"title": "用水"}, {"category": "financing"}, {"urgency": "urgent"}, {"description": "y"}):
        reused = api.post(LIST, {**body, **other}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
        assert reused.status_code == 422, other
        assert "内容不同" in reused.json()["Idempotency-Key"][0]
    assert Request.objects.count() == 1


def test_raising_takes_attachments_as_the_actions_do(api, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.force_authenticate(world.ent1_user)
    pdf = SimpleUploadedFile("用电负荷.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    response = api.post(LIST, {"enterprise": world.ent1.pk, "category": "factors", "title": "停电",
                               "description": "频繁停电。", "attachments": [pdf]}, format="multipart")
    assert response.status_code == 201, response.json()
    request = Request.objects.get(pk=response.json()["id"])
    assert [a.name for a in request.attachments.all()] == ["用电负荷.pdf"]
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    response = api.post(LIST, {"enterprise": world.ent1.pk, "category": "factors", "title": "x", "description": "y",
                               "attachments": [bad]}, format="multipart")
    assert response.status_code == 400 and "attachments" in response.json()
    assert Request.objects.count() == 1


@pytest.mark.parametrize("url", [
    f"{LIST}?butler=99999999999999999999999", f"{LIST}?enterprise=99999999999999999999999",
    f"{LIST}?lead_unit=-1", "/api/v1/enterprises/?butler=99999999999999999999999",
    "/api/v1/projects/?signed_year=0", "/api/v1/projects/?started_year=99999",
    "/api/v1/projects/?enterprise=99999999999999999999999", "/api/v1/meetings/?request=99999999999999999999999",
    "/api/v1/meeting-actions/?meeting=99999999999999999999999",
])
def test_an_id_or_year_out_of_range_is_400_not_500(api, world, url):
    api.force_authenticate(world.admin)
    response = api.get(url)
    assert response.status_code == 400, (url, response.status_code)


def test_free_text_has_a_limit_and_nothing_is_written_past_it(api, world):
    from guanjia.core.text import TEXT_MAX
    from guanjia.requests.models import Request
    from guanjia.workflow.models import Event

    api.force_authenticate(world.butler1)
    response = api.post(LIST, {"enterprise": world.ent1.pk, "category": "land", "title": "长文",
                               "description": "字" * (TEXT_MAX + 1), "source": "visit"}, format="json")
    assert response.status_code == 400 and f"不能超过 {TEXT_MAX} 个字" in response.json()["description"][0]
    assert not Request.objects.exists()
    url = f"{LIST}{raise_api(api, world, description='字' * TEXT_MAX)['id']}/"  # the limit itself is fine
    events = Event.objects.count()
    api.force_authenticate(world.admin)
    for action, body in [("accept", {"comment": "说" * (TEXT_MAX + 1)}),
                         ("reply", {"answer": "答" * (TEXT_MAX + 1), "comment": "好"}),
                         ("extend", {"days": 1, "reason": "理" * (TEXT_MAX + 1)})]:
        response = api.post(f"{url}{action}/", body, format="json")
        assert response.status_code == 400, (action, response.status_code)
        assert list(response.json()) == [next(k for k, v in body.items() if len(str(v)) > TEXT_MAX)]
    assert Event.objects.count() == events


def test_a_long_file_name_keeps_its_type(api, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    api.force_authenticate(world.ent1_user)
    upload = SimpleUploadedFile("名" * 300 + ".pdf", b"%PDF-1.4", content_type="application/pdf")
    response = api.post(LIST, {"enterprise": world.ent1.pk, "category": "land", "title": "附件名",
                               "description": "见附件", "attachments": [upload]}, format="multipart")
    assert response.status_code == 201, response.json()
    name = Request.objects.get(pk=response.json()["id"]).attachments.get().name
    assert len(name) == 200 and name.endswith(".pdf")


def test_names_of_people_are_null_where_there_is_none(api, world):
    """`butler_name` and the timeline's `actor_name` are the person as shown, or null (not `None.__str__`)."""
    from guanjia.tests_support.factories import EnterpriseFactory
    from guanjia.workflow.models import Event

    unserved = EnterpriseFactory(zone=world.zone, name="咸阳无管家测试有限公司")
    request = s.request_raise(actor=world.admin, enterprise=unserved, source="visit", category="land", title="用地",
                              description="x")
    Event.objects.create(item_id=request.item_id, actor=None, action="note", comment="系统提醒")
    api.force_authenticate(world.admin)
    assert request.butler is None
    assert api.get(f"{LIST}{request.pk}/").json()["butler_name"] is None
    assert [r["butler_name"] for r in api.get(LIST).json()["results"]] == [None]
    assert [e["actor_name"] for e in api.get(f"{LIST}{request.pk}/timeline/").json()] == [str(world.admin), None]


def _transferred(world, *co_units):
    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="land", title="用地", description="x"))
    return s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, co_units=list(co_units))


@pytest.mark.parametrize(("now", "provisional"), [((2026, 3, 2, 9, 0), False), ((2026, 12, 28, 9, 0), True)])
def test_unit_deadlines_say_when_they_are_provisional(api, world, now, provisional):
    """A unit's deadline running into a year without a holiday notice is returned as provisional (DOMAIN.md)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    import time_machine

    with time_machine.travel(dt.datetime(*now, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        request = _transferred(world, world.unit2)
        api.force_authenticate(world.butler1)
        body = api.get(f"{LIST}{request.pk}/").json()
        tasks = body["unit_tasks"]
        assert [t["due_provisional"] for t in tasks] == [provisional, provisional], tasks
        assert body["due_provisional"] is provisional  # named as the request's own flag
        api.force_authenticate(world.unit_user1)
        answer = api.post(f"{LIST}{request.pk}/sign/", {}, format="json").json()  # actions answer the same shape
        assert [t["due_provisional"] for t in answer["unit_tasks"]] == [provisional, provisional]


def test_detail_query_count_does_not_grow_with_the_unit_tasks(api, world):
    from guanjia.tests_support.factories import UnitFactory

    api.force_login(world.admin)

    def count(request):
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{LIST}{request.pk}/").status_code == 200
        return len(ctx)

    assert count(_transferred(world)) == count(_transferred(world, *UnitFactory.create_batch(4, zone=world.zone)))


def test_an_action_is_described_by_its_own_serializer(api, world):
    from guanjia.requests.api.serializers import action_serializer
    from guanjia.requests.api.views import RequestViewSet

    view = RequestViewSet(action="action_transfer")
    assert view.get_serializer_class() is action_serializer("transfer")
    assert list(action_serializer("transfer")().fields) == ["lead_unit", "co_units", "unit_due", "co_unit_due",
                                                            "comment", "version"]
    assert RequestViewSet(action="retrieve").get_serializer_class() is not action_serializer("transfer")


def test_an_extension_is_applied_for_and_approved_through_the_api(api, world):
    request = s.request_transfer(actor=world.butler1, request=s.request_accept(
        actor=world.butler1, request=s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit",
                                                     category="land", title="x", description="y")),
        lead_unit=world.unit1)
    url = f"{LIST}{request.pk}/"
    api.force_authenticate(world.unit_user1)
    assert api.get(url).json()["pending_extension"] is None
    response = api.post(f"{url}apply-extension/", {"reason": "等待停电窗口"}, format="json")
    assert response.status_code == 400 and "days" in response.json()
    response = api.post(f"{url}apply-extension/", {"days": 5, "reason": "等待停电窗口"}, format="json")
    assert response.status_code == 200, response.json()
    pending = response.json()["pending_extension"]
    assert (pending["days"], pending["reason"], pending["applicant"], pending["unit"]) == (
        5, "等待停电窗口", world.unit_user1.pk, world.unit1.pk)
    response = api.post(f"{url}apply-extension/", {"days": 2, "reason": "再一份"}, format="json")
    assert response.status_code == 409 and "待审批" in response.json()["detail"]
    assert api.post(f"{url}approve-extension/", {}, format="json").status_code == 403
    api.force_authenticate(world.leader)
    assert api.get(url).json()["pending_extension"]["days"] == 5
    response = api.post(f"{url}approve-extension/", {"comment": "同意"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["pending_extension"] is None and response.json()["extension_count"] == 1
    assert api.post(f"{url}deny-extension/", {"reason": "x"}, format="json").status_code == 409
    actions = [e["action"] for e in api.get(f"{url}timeline/").json()]
    assert actions[-3:] == ["apply_extension", "approve_extension", "extend"]


def test_an_extension_is_denied_through_the_api_and_the_enterprise_sees_no_application(api, world):
    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="land", title="x", description="y"))
    s.request_apply_extension(actor=world.butler1, request=request, days=3, reason="补充材料")
    url = f"{LIST}{request.pk}/"
    api.force_authenticate(world.ent1_user)
    assert api.get(url).json()["pending_extension"] is None  # the center's deliberation, not the enterprise's
    assert "apply_extension" not in [e["action"] for e in api.get(f"{url}timeline/").json()]
    api.force_authenticate(world.admin)
    assert api.post(f"{url}deny-extension/", {}, format="json").status_code == 400
    response = api.post(f"{url}deny-extension/", {"reason": "可按期办结"}, format="json")
    assert response.status_code == 200 and response.json()["pending_extension"] is None
    assert response.json()["extension_count"] == 0


def test_the_extension_actions_are_in_the_schema(client, world):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for name in ("apply-extension", "approve-extension", "deny-extension"):
        operation = schema["paths"][f"/api/v1/requests/{{id}}/{name}/"]["post"]
        body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        assert body.endswith(f"/{name.title().replace('-', '')}ActionRequest")  # each action its own body
    detail = schema["components"]["schemas"]["RequestDetail"]["properties"]["pending_extension"]
    assert "ExtensionApplication" in str(detail) and "nullable" in str(detail)
    assert "申请延期" in operation_doc(schema, "apply-extension")


def operation_doc(schema, name: str) -> str:
    return schema["paths"][f"/api/v1/requests/{{id}}/{name}/"]["post"].get("description", "")
