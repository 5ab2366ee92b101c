"""The API answers as its published OpenAPI schema says (what a schemathesis run checks against `/api/schema/`).

The schema is generated in-process, as `/api/schema/` serves it; each answer's status must be one the
operation documents, and its JSON body must validate against that status's schema (OpenAPI 3.0's
`nullable` read as JSON Schema's `"null"` type).
"""

import pytest

from guanjia.meetings import services as meeting_services
from guanjia.meetings.tests.factories import held_meeting, raise_request
from guanjia.reports.selectors import BREAKDOWNS

V1 = "/api/v1"


@pytest.fixture
def scene(world, api):
    """Requests in several states (one without rating or lead unit), a held meeting whose decisions
    have no project, no request and no owner person."""
    fresh = raise_request(world, title="只登记未签收", accept=False)  # no lead unit, no rating
    transferred = raise_request(world, title="待单位办理")
    api.force_authenticate(world.butler1)
    api.post(f"{V1}/requests/{transferred.pk}/transfer/", {"lead_unit": world.unit1.pk}, format="json")
    meeting = held_meeting(world, projects=[world.project1])
    meeting_services.action_item_add(actor=world.butler1, meeting=meeting, text="出具供电方案",
                                     owner_unit=world.unit1, days=5)
    meeting_services.action_item_add(actor=world.butler1, meeting=meeting, text="跟进项目用地",
                                     owner_unit=world.unit2, days=5, project=world.project1)
    api.force_authenticate(None)
    return {"fresh": fresh, "transferred": transferred, "meeting": meeting}


@pytest.mark.parametrize("who", ["admin", "butler1", "unit1", "ent1", "supervisor"])
def test_me_matches_the_schema(api, world, check, who):
    """A butler has no unit or enterprise, a unit handler no workstation, a contact neither: nulls."""
    api.force_authenticate(world.users()[who])
    check("get", "/v1/me/", api.get(f"{V1}/me/"))


def test_requests_list_detail_and_timeline(api, world, check, scene):
    api.force_authenticate(world.butler1)
    listing = check("get", "/v1/requests/", api.get(f"{V1}/requests/"))
    fresh = next(row for row in listing["results"] if row["id"] == scene["fresh"].pk)
    assert fresh["rating"] == "" and fresh["lead_unit_name"] is None  # the values API.md readers rely on
    detail = check("get", "/v1/requests/{id}/", api.get(f"{V1}/requests/{scene['fresh'].pk}/"))
    assert detail["rating"] == "" and detail["lead_unit"] is None
    timeline = check("get", "/v1/requests/{id}/timeline/", api.get(f"{V1}/requests/{scene['transferred'].pk}/timeline/"))
    assert isinstance(timeline, list) and any(event["unit_name"] is None for event in timeline)


def test_request_workflow_answers(api, world, check):
    """Raising (new, replayed, reused key, bad key) and a few actions, each answer as documented."""
    api.force_authenticate(world.butler1)
    body = {"enterprise": world.ent1.pk, "category": "land", "title": "二期用地", "description": "需新增用地。"}
    created = check("post", "/v1/requests/", api.post(f"{V1}/requests/", body, format="json",
                                                      HTTP_IDEMPOTENCY_KEY="k-1"))
    replay = api.post(f"{V1}/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 200 and check("post", "/v1/requests/", replay)["id"] == created["id"]
    reused = api.post(f"{V1}/requests/", {**body, "title": "用水"}, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422
    check("post", "/v1/requests/", reused)
    bad_key = api.post(f"{V1}/requests/", body, format="json", HTTP_IDEMPOTENCY_KEY="含空格 的键")
    assert bad_key.status_code == 400
    check("post", "/v1/requests/", bad_key)
    bad_body = api.post(f"{V1}/requests/", {**body, "category": "nonsense"}, format="json")
    assert bad_body.status_code == 400
    check("post", "/v1/requests/", bad_body)

    url = f"{V1}/requests/{created['id']}/"
    conflict = api.post(f"{url}resolve/", {"answer": "x"}, format="json")
    assert conflict.status_code == 409
    check("post", "/v1/requests/{id}/resolve/", conflict)
    check("post", "/v1/requests/{id}/accept/", api.post(f"{url}accept/", {}, format="json"))
    stale = api.post(f"{url}reply/", {"answer": "x", "version": 1}, format="json")
    assert stale.status_code == 409
    check("post", "/v1/requests/{id}/reply/", stale)
    api.force_authenticate(world.supervisor)
    refused = api.post(f"{url}accept/", {}, format="json")
    assert refused.status_code == 403
    check("post", "/v1/requests/{id}/accept/", refused)
    api.force_authenticate(world.butler2)  # another butler's enterprise: outside the scope
    hidden = api.post(f"{url}accept/", {}, format="json")
    assert hidden.status_code == 404
    check("post", "/v1/requests/{id}/accept/", hidden)
    check("get", "/v1/requests/{id}/", api.get(url))
    check("get", "/v1/requests/{id}/timeline/", api.get(f"{url}timeline/"))


def test_errors_match_the_documented_error_bodies(api, world, check, scene):
    check("get", "/v1/requests/", api.get(f"{V1}/requests/"))  # 401
    check("get", "/v1/me/", api.get(f"{V1}/me/"))
    api.force_authenticate(world.butler1)
    for params in ({"page": "0"}, {"page_size": "x"}, {"status": "nonsense"}):
        response = api.get(f"{V1}/requests/", params)
        assert response.status_code == 400, params
        check("get", "/v1/requests/", response)
    past_the_end = api.get(f"{V1}/requests/", {"page": "99"})
    assert past_the_end.status_code == 404
    check("get", "/v1/requests/", past_the_end)
    for template in ("/v1/requests/{id}/", "/v1/requests/{id}/timeline/", "/v1/meetings/{id}/",
                     "/v1/enterprises/{id}/", "/v1/projects/{id}/", "/v1/meeting-actions/{id}/"):
        response = api.get(V1 + template.removeprefix("/v1").replace("{id}", "999999"))
        assert response.status_code == 404, template
        check("get", template, response)
    response = api.post(f"{V1}/meetings/{scene['meeting'].pk}/close/", format="json")
    check("post", "/v1/meetings/{id}/close/", response)
    response = api.post(f"{V1}/meetings/{scene['meeting'].pk}/close/", format="json")
    assert response.status_code == 409
    check("post", "/v1/meetings/{id}/close/", response)
    response = api.post(f"{V1}/enterprises/", {"name": ""}, format="json")
    assert response.status_code in (400, 403)
    check("post", "/v1/enterprises/", response)
    response = api.post(f"{V1}/requests/", "{not json", content_type="application/json")
    assert response.status_code == 400
    check("post", "/v1/requests/", response)
    response = api.post(f"{V1}/requests/", "x", content_type="text/plain")
    assert response.status_code == 415
    check("post", "/v1/requests/", response)
    response = api.get(f"{V1}/calendar/add-working-days/", {"start": "x"})
    assert response.status_code == 400
    check("get", "/v1/calendar/add-working-days/", response)


@pytest.mark.parametrize("by", ["", *BREAKDOWNS])
def test_stats_with_and_without_a_breakdown(api, world, check, scene, by):
    api.force_authenticate(world.admin)
    data = check("get", "/v1/stats/requests/", api.get(f"{V1}/stats/requests/", {"by": by} if by else {}))
    assert ("rows" in data) == bool(by)
    api.force_authenticate(world.ent1_user)
    refused = api.get(f"{V1}/stats/requests/")
    assert refused.status_code == 403
    check("get", "/v1/stats/requests/", refused)
    api.force_authenticate(world.admin)
    check("get", "/v1/stats/requests/", api.get(f"{V1}/stats/requests/", {"by": "nonsense"}))


def test_meeting_detail_and_actions(api, world, check, scene):
    api.force_authenticate(world.butler1)
    detail = check("get", "/v1/meetings/{id}/", api.get(f"{V1}/meetings/{scene['meeting'].pk}/"))
    assert any(decision["project_name"] is None for decision in detail["decisions"])
    listing = check("get", "/v1/meeting-actions/", api.get(f"{V1}/meeting-actions/"))
    assert any(item["project_name"] is None and item["request_number"] is None for item in listing["results"])
    check("get", "/v1/meetings/", api.get(f"{V1}/meetings/"))


LISTS = ["/v1/units/", "/v1/workstations/", "/v1/people/", "/v1/enterprises/", "/v1/projects/", "/v1/requests/",
         "/v1/meetings/", "/v1/meeting-actions/", "/v1/notifications/"]


@pytest.mark.parametrize("who", ["admin", "leader", "butler1", "unit1", "supervisor", "ent1"])
def test_every_list_and_detail_as_each_role(api, world, check, scene, who):
    """Every JSON list of the API, the first row's detail, and each request's timeline, as each role."""
    api.force_authenticate(world.users()[who])
    for template in LISTS:
        listing = check("get", template, api.get(V1 + template.removeprefix("/v1")))
        for row in listing["results"][:1]:
            detail = f"{template}{{id}}/"
            check("get", detail, api.get(V1 + detail.removeprefix("/v1").replace("{id}", str(row["id"]))))
        if template == "/v1/requests/":
            for row in listing["results"]:
                check("get", "/v1/requests/{id}/timeline/", api.get(f"{V1}/requests/{row['id']}/timeline/"))


def test_every_operation_documents_its_errors(schema):
    """The statuses API.md promises, each with a JSON body: on all 61 operations, not only where a test calls."""
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            codes = operation["responses"]
            where = (method, path, sorted(codes))
            assert path == "/api/v1/auth/token/" or "401" in codes, where
            assert "{id}" not in path or "404" in codes, where
            assert method not in ("post", "put", "patch") or "400" in codes, where
            assert not (path.startswith("/api/v1/requests/{id}/") and method == "post") or "409" in codes, where
            for code, response in codes.items():
                assert code < "400" or "application/json" in response.get("content", {}), (*where, code)
    timeline = schema["paths"]["/api/v1/requests/{id}/timeline/"]["get"]
    assert [p["name"] for p in timeline["parameters"]] == ["id"]  # no filters, no paging: every event
