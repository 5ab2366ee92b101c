"""Numbers no row or date can have, typed into addresses and forms: a message or a 404, never a 500.

A database refuses an integer beyond 64 bits (SQLite raises OverflowError) and Python a year
outside 1..9999; each must be stopped where the input is read.
"""

import pytest
from django.urls import reverse

from guanjia.requests import services as s

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("url", [
    f"/requests/?butler={HUGE}", f"/requests/?enterprise={HUGE}&lead_unit={HUGE}", f"/enterprises/?butler={HUGE}",
    f"/enterprises/export/?contact_leader={HUGE}", f"/projects/?enterprise={HUGE}&signed_year=0",
    f"/meetings/?request={HUGE}", f"/meetings/actions/?meeting={HUGE}",
])
def test_list_pages_ignore_a_filter_no_row_can_match(client, world, url):
    client.force_login(world.admin)
    assert client.get(url).status_code == 200, url


def test_a_page_number_beyond_any_offset_is_404(client, world):
    client.force_login(world.butler1)
    assert client.get(f"/worklist/?page={HUGE}").status_code == 404


def test_statistics_of_a_period_no_database_can_hold_is_a_message(client, world):
    client.force_login(world.admin)
    assert client.get("/reports/requests/?to=9999-12-31").status_code in (200, 400)
    assert client.get("/reports/requests.xlsx?from=0001-01-01").status_code == 400


def test_forms_answer_an_impossible_id_in_a_multiple_choice(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("meetings:create"), {
        "kind": "joint", "title": "用地协调会", "starts_at": "2026-12-01T09:00", "place": "三楼",
        "units": [world.unit1.pk, HUGE]})
    assert response.status_code == 200 and "units" in response.context["form"].errors
    response = client.post(reverse("enterprises:update", args=[world.ent1.pk]), {
        "name": world.ent1.name, "uscc": world.ent1.uscc, "industry": world.ent1.industry,
        "scale": world.ent1.scale, "tags": [HUGE], "workstation": world.ent1.workstation_id})
    assert response.status_code == 200 and "tags" in response.context["form"].errors

    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="land", title="x", description="y"))
    client.force_login(world.butler1)
    response = client.post(reverse("requests:act", args=[request.pk, "transfer"]),
                           {"lead_unit": world.unit1.pk, "co_units": [HUGE], "version": request.version})
    forms = {name: form for name, _label, form in response.context["actions"]}
    assert response.status_code == 200 and "co_units" in forms["transfer"].errors
    request.refresh_from_db()
    assert request.status == "accepted" and not request.unit_tasks.exists()


@pytest.mark.parametrize("query, field", [
    ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"), ("page=%EF%BC%92", "page"),
    ("page_size=0", "page_size"), ("page_size=abc", "page_size"), ("page_size=-5", "page_size"),
])
def test_an_api_page_or_size_that_is_no_whole_number_is_a_400_naming_it(api, world, query, field):
    api.force_authenticate(world.admin)
    response = api.get(f"/api/v1/requests/?{query}")
    assert response.status_code == 400, query
    assert list(response.json()) == [field]


def test_an_api_page_past_the_last_is_404_and_a_size_above_the_most_is_the_most(api, world):
    api.force_authenticate(world.admin)
    assert api.get(f"/api/v1/enterprises/?page={HUGE}").status_code == 404
    assert api.get("/api/v1/enterprises/?page=last").status_code == 200
    response = api.get("/api/v1/enterprises/?page_size=100000&page=1")
    assert response.status_code == 200 and len(response.json()["results"]) == response.json()["count"]
    assert api.get("/api/v1/enterprises/?page_size=&page=").status_code == 200
