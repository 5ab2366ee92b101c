"""The published schema says what the server enforces, and the server enforces what it says.

Each test reads one rule from the schema (as `/api/schema/` serves it) and sends the server a value on each
side of it: ids, pages, empty filters, the request actions' bodies, the statistics' and meetings' years, …
The disagreements were found by the generated calls of test_schema_fuzzing.py.
"""

import re

import pytest

from guanjia.core.forms import MAX_ID
from guanjia.meetings import services as meeting_services
from guanjia.meetings.tests.factories import held_meeting, raise_request
from guanjia.requests import actions
from guanjia.requests import services as request_services
from guanjia.workflow import registry

V1 = "/api/v1"


def _operation(schema, method, path):
    return schema["paths"][f"/api{path}"][method]


def _parameter(schema, method, path, name):
    return next(p for p in _operation(schema, method, path)["parameters"] if p["name"] == name)


def _body(schema, method, path):
    ref = _operation(schema, method, path)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rpartition("/")[2]]


# Addresses whose id is not a row id: an API token is named by its handle (its row's key is the token's hash).
NOT_ROW_IDS = {"/api/v1/me/tokens/{id}/": {"type": "string", "pattern": "^[0-9a-f]{12}$"}}


def test_every_id_in_an_address_is_a_row_id(schema):
    for path, operations in schema["paths"].items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and path in NOT_ROW_IDS:
                    assert NOT_ROW_IDS[path].items() <= parameter["schema"].items(), path
                elif parameter["in"] == "path":
                    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID}, path


def test_ids_no_row_can_have_are_refused_where_the_schema_says_so(api, world, schema):
    api.force_authenticate(world.admin)
    assert api.get(f"{V1}/enterprises/0/").status_code == 404
    for name in ("butler", "workstation", "contact_leader"):  # a PersonFilter, a select, a PersonFilter
        assert _parameter(schema, "get", "/v1/enterprises/", name)["schema"]["minimum"] == 1
        assert api.get(f"{V1}/enterprises/", {name: "0"}).status_code == 400, name
    request_parameter = _parameter(schema, "get", "/v1/meetings/", "request")["schema"]  # an IdFilter with a method
    assert request_parameter["type"] == "integer" and request_parameter["maximum"] == MAX_ID
    assert api.get(f"{V1}/meetings/", {"request": "2.8"}).status_code == 400
    signed_year = _parameter(schema, "get", "/v1/projects/", "signed_year")["schema"]
    assert (signed_year["minimum"], signed_year["maximum"]) == (1, 9999)
    body = _body(schema, "post", "/v1/requests/")["properties"]
    assert body["enterprise"]["minimum"] == 1 and body["project"]["minimum"] == 1
    assert body["project"]["type"] == ["integer", "null"]  # OpenAPI's `nullable`, as the fixture reads it
    response = api.post(f"{V1}/requests/", {"enterprise": 0, "category": "land", "title": "x", "description": "y"},
                        format="json")
    assert response.status_code == 400 and "enterprise" in response.json()
    units = _body(schema, "post", "/v1/meetings/")["properties"]["units"]["items"]
    assert units["minimum"] == 1


def test_every_list_pages_from_1_and_says_what_a_large_size_is_read_as(api, world, schema):
    lists = [path for path, operations in schema["paths"].items()
             if any(p["name"] == "page" for p in operations.get("get", {}).get("parameters", []))]
    assert "/api/v1/worklist/" in lists and "/api/v1/requests/" in lists
    for path in lists:
        page = _parameter(schema, "get", path.removeprefix("/api"), "page")
        size = _parameter(schema, "get", path.removeprefix("/api"), "page_size")
        assert page["schema"]["minimum"] == size["schema"]["minimum"] == 1, path
        assert "maximum" not in size["schema"] and "at most 500" in size["description"], path
        assert "404" in _operation(schema, "get", path.removeprefix("/api"))["responses"], path
    api.force_authenticate(world.butler1)
    assert api.get(f"{V1}/worklist/", {"page": "0"}).status_code == 400
    assert api.get(f"{V1}/worklist/", {"page": "2"}).status_code == 404
    assert api.get(f"{V1}/worklist/", {"page_size": "501"}).status_code == 200


def test_a_filter_left_blank_is_not_applied_except_a_repeated_one(api, world, schema):
    api.force_authenticate(world.butler1)
    assert _parameter(schema, "get", "/v1/notifications/", "kind")["allowEmptyValue"] is True
    assert api.get(f"{V1}/notifications/", {"kind": ""}).status_code == 200
    assert _parameter(schema, "get", "/v1/requests/", "ordering")["allowEmptyValue"] is True
    assert api.get(f"{V1}/requests/", {"ordering": ""}).status_code == 200
    assert "allowEmptyValue" not in _parameter(schema, "get", "/v1/requests/", "status")  # one status: none
    assert api.get(f"{V1}/requests/", {"status": ""}).status_code == 400


def test_a_lists_ordering_is_one_its_filterset_knows(api, world, schema):
    ordering = _parameter(schema, "get", "/v1/requests/", "ordering")
    assert ordering["schema"]["type"] == "array" and "-due_at" in ordering["schema"]["items"]["enum"]
    api.force_authenticate(world.admin)
    assert api.get(f"{V1}/requests/", {"ordering": "-due_at,created_at"}).status_code == 200
    assert api.get(f"{V1}/requests/", {"ordering": "title_en"}).status_code == 400


@pytest.mark.parametrize(("value", "filtered"), [("true", True), ("1", True), ("false", False), ("", None),
                                                 ("abc", "400"), ("-634", "400")])
def test_a_yes_or_no_filter_takes_yes_no_or_nothing(api, world, schema, value, filtered):
    assert _parameter(schema, "get", "/v1/requests/", "open")["schema"] == {"type": "boolean"}
    raise_request(world)
    api.force_authenticate(world.butler1)
    response = api.get(f"{V1}/requests/", {"open": value})
    if filtered == "400":
        assert response.status_code == 400 and list(response.json()) == ["open"]
    else:
        assert response.status_code == 200 and response.json()["count"] == (0 if filtered is False else 1)


def test_the_worklist_reads_its_kinds_and_a_yes_or_no(api, world, schema):
    kind = _parameter(schema, "get", "/v1/worklist/", "kind")["schema"]
    assert kind["enum"] == sorted(w.kind for w in registry.registered())
    api.force_authenticate(world.butler1)
    assert api.get(f"{V1}/worklist/", {"apart": "true"}).status_code == 200
    response = api.get(f"{V1}/worklist/", {"apart": "3552"})  # was read as false
    assert response.status_code == 400 and list(response.json()) == ["apart"]


BODY = {  # a body for each action with what it must carry, and nothing else
    "reply": {"answer": "已答复"}, "transfer": {"lead_unit": None}, "feedback": {"comment": "已办"},
    "return": {"reason": "非本单位职责"}, "reassign": {"lead_unit": None}, "extend": {"days": 3, "reason": "待批复"},
    "suspend": {"reason": "awaiting_material"}, "escalate": {"target": "leader"}, "resolve": {"answer": "已办结"},
    "rate": {"rating": "satisfied"}, "reopen": {"comment": "重新办理"}, "merge": {"into": None},
    "apply_extension": {"days": 3, "reason": "待批复"}, "deny_extension": {"reason": "理由不足"},
    "dismiss_return": {"comment": "属本单位职责，请继续办理"},
    "instruct": {"comment": "请抓紧办理"},
}


def test_each_actions_body_requires_what_the_server_requires(schema):
    assert set(BODY) == set(actions.BODY_REQUIRED)
    for name in actions.ACTION_SERVICES:
        body = _body(schema, "post", f"/v1/requests/{{id}}/{name.replace('_', '-')}/")
        assert sorted(body.get("required", [])) == sorted(actions.BODY_REQUIRED.get(name, [])), name
        assert set(body["properties"]) <= {*actions.ACTION_SERVICES[name][1], "version"}, name
        for field in {"comment", "answer"} & set(body["properties"]):
            assert body["properties"][field]["maxLength"] == 10_000, (name, field)
    suspend = _body(schema, "post", "/v1/requests/{id}/suspend/")["properties"]["reason"]
    assert schema["components"]["schemas"][suspend["$ref"].rpartition("/")[2]]["enum"][0] == "awaiting_material"
    assert _body(schema, "post", "/v1/requests/{id}/extend/")["properties"]["days"]["maximum"] == 30


@pytest.mark.parametrize("name", sorted(actions.BODY_REQUIRED))
def test_an_action_without_a_field_it_requires_is_a_400_naming_it(api, world, name):
    """As the butler (or the unit, or the enterprise) who may take it, on a request in a state that allows it
    where one is at hand: the body's check comes first either way."""
    request = raise_request(world)
    who = {"feedback": world.unit_user1, "return": world.unit_user1, "rate": world.ent1_user,
           "reassign": world.admin, "extend": world.leader, "deny_extension": world.leader,
           "merge": world.admin, "reopen": world.admin, "dismiss_return": world.admin,
           "instruct": world.leader}.get(name, world.butler1)
    if name in ("feedback", "return"):
        request_services.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1)
    api.force_authenticate(who)
    url = f"{V1}/requests/{request.pk}/{name.replace('_', '-')}/"
    filled = {field: value if value is not None else (world.unit1.pk if field == "lead_unit" else request.pk)
              for field, value in BODY[name].items()}
    for field in actions.BODY_REQUIRED[name]:
        response = api.post(url, {k: v for k, v in filled.items() if k != field}, format="json")
        assert response.status_code == 400 and field in response.json(), (name, field, response.content[:200])


def test_a_suspension_reason_is_one_of_its_kinds_and_an_extension_at_most_30_days(api, world):
    request = raise_request(world)
    api.force_authenticate(world.butler1)
    response = api.post(f"{V1}/requests/{request.pk}/suspend/", {"reason": "lunch"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["reason"]
    response = api.post(f"{V1}/requests/{request.pk}/apply-extension/", {"days": 31, "reason": "x"}, format="json")
    assert response.status_code == 400 and list(response.json()) == ["days"]


@pytest.mark.parametrize(("day", "inside"), [("1900-01-01", True), ("2999-12-31", True), ("1899-12-31", False),
                                             ("3000-01-01", False), ("0001-01-01", False)])
def test_the_statistics_period_and_a_meetings_time_lie_in_the_years_the_schema_says(api, world, schema, check,
                                                                                    day, inside):
    period = _parameter(schema, "get", "/v1/stats/requests/", "from")["schema"]
    assert period["format"] == "date" and bool(re.match(period["pattern"], day)) is inside
    api.force_authenticate(world.admin)
    assert (api.get(f"{V1}/stats/requests/", {"from": day, "to": day}).status_code == 200) is inside
    starts_at = _body(schema, "post", "/v1/meetings/")["properties"]["starts_at"]
    assert bool(re.match(starts_at["pattern"], f"{day}T09:00:00+08:00")) is inside
    response = api.post(f"{V1}/meetings/", {"title": "会办会", "starts_at": f"{day}T09:00:00+08:00"}, format="json")
    assert (response.status_code == 201) is inside, response.content[:200]
    if inside:  # in 1900 Asia/Shanghai was +08:05:43, which RFC 3339 cannot write: that time is said in UTC
        assert check("post", "/v1/meetings/", response)["starts_at"] == {
            "1900-01-01": "1900-01-01T01:00:00Z", "2999-12-31": "2999-12-31T09:00:00+08:00"}[day]
    assert "not before `from`" in _parameter(schema, "get", "/v1/stats/requests/", "to")["description"]


@pytest.mark.parametrize("how", [{"format": "docx"}, {"HTTP_ACCEPT": "application/vnd.openxmlformats-"
                                                                     "officedocument.wordprocessingml.document"}])
def test_the_minutes_refused_are_a_json_error_not_a_document(api, world, check, how):
    meeting = held_meeting(world)
    api.force_authenticate(world.unit_user2)  # a unit that did not attend: outside the scope
    query = {"format": how["format"]} if "format" in how else {}
    headers = {k: v for k, v in how.items() if k != "format"}
    response = api.get(f"{V1}/meetings/{meeting.pk}/minutes/", query, **headers)
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert check("get", "/v1/meetings/{id}/minutes/", response) == {"detail": "未找到。"}
    api.force_authenticate(world.unit_user1)
    response = api.get(f"{V1}/meetings/{meeting.pk}/minutes/", query, **headers)
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_a_partial_update_answers_every_field_its_schema_requires(api, world, check):
    api.force_authenticate(world.admin)
    response = api.patch(f"{V1}/enterprises/{world.ent1.pk}/", {"workstation": None}, format="json")
    assert response.status_code == 200
    assert check("patch", "/v1/enterprises/{id}/", response)["workstation_name"] is None
    meeting = held_meeting(world)  # its decision has no request and no project
    meeting_services.action_item_add(actor=world.butler1, meeting=meeting, text="出具方案", owner_unit=world.unit1,
                                     days=5)
    api.force_authenticate(world.butler1)
    response = api.patch(f"{V1}/meetings/{meeting.pk}/", {"place": "三楼"}, format="json")
    decision = check("patch", "/v1/meetings/{id}/", response)["decisions"][0]
    assert decision["request_number"] is None and decision["project_name"] is None


def test_an_idempotency_key_is_what_the_schema_says(api, world, schema):
    key = _parameter(schema, "post", "/v1/requests/", "Idempotency-Key")["schema"]
    api.force_authenticate(world.butler1)
    body = {"enterprise": world.ent1.pk, "category": "land", "title": "用地", "description": "需新增用地。"}
    for value, valid in (("a-1.b_2:c", True), ("x" * 64, True), ("x" * 65, False), ("含空格 的键", False)):
        assert bool(re.match(key["pattern"], value)) is valid
        response = api.post(f"{V1}/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY=value)
        assert (response.status_code in (200, 201)) is valid, value


@pytest.mark.parametrize(("yuan", "valid"), [("24", True), ("24.00", True), ("999999999999999", True),
                                             ("24.73", False), ("1000000000000000", False), ("-5", False)])
def test_an_investment_is_whole_yuan_as_the_schema_says(api, world, schema, yuan, valid):
    pattern = _body(schema, "post", "/v1/projects/")["properties"]["total_investment"]["pattern"]
    assert bool(re.match(pattern, yuan)) is valid
    api.force_authenticate(world.admin)
    response = api.post(f"{V1}/projects/", {"name": "二期", "enterprise": world.ent1.pk, "total_investment": yuan},
                        format="json")
    assert (response.status_code == 201) is valid, response.content[:200]
    if valid:
        assert response.json()["total_investment"] == f"{int(yuan.partition('.')[0])}.00"
    else:
        assert list(response.json()) == ["total_investment"]


def test_what_is_made_links_to_the_operations_on_it(schema):
    links = _operation(schema, "post", "/v1/requests/")["responses"]["201"]["links"]
    assert links["V1RequestsAcceptCreate"] == {
        "operationId": "v1_requests_accept_create", "parameters": {"id": "$response.body#/id"},
        "description": "POST /api/v1/requests/{id}/accept/ of the object made."}
    assert "V1RequestsTimelineList" in links and "V1RequestsRetrieve" in links
    decision = _operation(schema, "post", "/v1/meetings/{id}/decisions/")["responses"]["201"]["links"]
    assert set(decision) == {"V1MeetingActionsRetrieve", "V1MeetingActionsCompleteCreate"}
    operations = {op["operationId"] for ops in schema["paths"].values() for op in ops.values()}
    for path, ops in schema["paths"].items():
        for op in ops.values():
            for link in op["responses"].get("201", {}).get("links", {}).values():
                assert link["operationId"] in operations, path


def test_the_idempotency_key_s_pattern_is_what_the_server_takes(schema):
    """An empty Idempotency-Key is read as none (each call raises a request), so the schema's pattern admits it;
    a fuzzer's empty key was "accepted" against the pattern of 1–64 characters."""
    pattern = _parameter(schema, "post", "/v1/requests/", "Idempotency-Key")["schema"]["pattern"]
    assert re.search(pattern, "") and re.search(pattern, "c0ffee-1:2.x_y")
    assert not re.search(pattern, "含空格 的键") and not re.search(pattern, "x" * 65)
