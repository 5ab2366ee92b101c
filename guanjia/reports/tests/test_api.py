"""`GET /api/v1/stats/requests/`: API.md's names, the period, `by`, errors and access."""

import pytest
import time_machine

from guanjia.reports.tests.conftest import NOW

URL = "/api/v1/stats/requests/"
PERIOD = {"from": "2025-09-01", "to": "2025-10-31"}
API_FIGURES = ["received", "accepted", "resolved", "response_rate", "closure_rate", "on_time_closure_rate",
               "satisfaction_rate", "avg_working_days_to_resolve", "overdue", "ratings", "satisfied_ratings",
               "first_satisfaction_rate", "reopen_rate"]


@pytest.fixture
def get(api, dataset):
    def get(user, **params):
        api.force_authenticate(user)
        with time_machine.travel(NOW, tick=False):
            return api.get(URL, params)
    return get


def test_the_figures_under_api_names(get, dataset):
    response = get(dataset.world.admin, **PERIOD)
    assert response.status_code == 200
    data = response.json()
    assert set(API_FIGURES) <= set(data)
    assert (data["from"], data["to"]) == ("2025-09-01", "2025-10-31")
    assert {name: data[name] for name in API_FIGURES} == {
        "received": 7, "accepted": 5, "resolved": 3, "response_rate": 4 / 6, "closure_rate": 0.6,
        "on_time_closure_rate": 2 / 3, "satisfaction_rate": 0.75, "avg_working_days_to_resolve": 8.33, "overdue": 1,
        "ratings": 4, "satisfied_ratings": 3, "first_satisfaction_rate": 0.75, "reopen_rate": 0.0}
    assert "rows" not in data


def test_every_rating_first_satisfaction_and_reopen_rate(api, rerated):
    """r2: 不满意 → 重办 → 满意. Its two ratings both count; its first was not satisfied; it was reopened."""
    api.force_authenticate(rerated.world.admin)
    with time_machine.travel(NOW, tick=False):
        data = api.get(URL, {**PERIOD, "by": "workstation"}).json()
    assert {name: data[name] for name in ("ratings", "satisfied_ratings", "satisfaction_rate",
                                          "first_satisfaction_rate", "reopen_rate")} == {
        "ratings": 5, "satisfied_ratings": 4, "satisfaction_rate": 0.8, "first_satisfaction_rate": 0.75,
        "reopen_rate": 0.25}
    assert (data["rated"], data["first_satisfied"], data["reopened"]) == (4, 3, 1)
    first = data["rows"][0]  # the first workstation: r1, r2 (twice), r8
    assert (first["key"], first["ratings"], first["satisfaction_rate"], first["first_satisfaction_rate"],
            first["reopen_rate"]) == (rerated.world.ws1.pk, 4, 0.75, 2 / 3, 1 / 3)


def test_the_default_period_is_the_current_year(get, dataset):
    data = get(dataset.world.admin).json()
    assert (data["from"], data["to"]) == ("2025-01-01", "2025-12-31")
    # The period adds r8 (raised 08-29) to the received and r9 (signed for 11-03) to the accepted.
    assert (data["received"], data["accepted"], data["resolved"]) == (8, 6, 3)


def test_one_date_alone_means_its_year(get, dataset):
    data = get(dataset.world.admin, **{"from": "2025-10-01"}).json()
    assert (data["from"], data["to"]) == ("2025-10-01", "2025-12-31")


def test_null_rates_where_nothing_happened(get, dataset):
    data = get(dataset.world.admin, **{"from": "2025-03-01", "to": "2025-03-31"}).json()
    assert [data[name] for name in API_FIGURES] == [0, 0, 0, None, None, None, None, None, 0, 0, 0, None, None]


@pytest.mark.parametrize("by", ["month", "unit", "butler", "category", "workstation", "source"])
def test_by_adds_rows_and_keeps_the_figures(get, dataset, by):
    data = get(dataset.world.admin, **PERIOD, by=by).json()
    assert data["by"] == by and data["accepted"] == 5
    assert data["rows"] and all({"key", "label", *API_FIGURES} <= set(row) for row in data["rows"])
    assert sum(row["accepted"] for row in data["rows"]) == 5


def test_by_unit_rows(get, dataset):
    w = dataset.world
    rows = get(w.admin, **PERIOD, by="unit").json()["rows"]
    assert [(r["key"], r["label"], r["accepted"], r["on_time_closure_rate"]) for r in rows] == [
        (w.unit1.pk, "供电公司", 1, 1.0), (w.unit2.pk, "自然资源局", 1, 0.0), (None, "未转办", 3, 1.0)]


@pytest.mark.parametrize(("params", "field"), [
    ({"from": "2025-13-01"}, "from"),
    ({"from": "2025/09/01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2025-10-01", "to": "2025-09-30"}, "to"),
    ({"by": "weather"}, "by"),
    ({"from": "0001-01-01"}, "from"),  # moments a database cannot hold
    ({"to": "9999-12-31"}, "to"),
])
def test_bad_input_is_a_field_error_in_chinese(get, dataset, params, field):
    response = get(dataset.world.admin, **params)
    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in errors[field][0])


def test_a_butler_sees_their_own_figures(get, dataset):
    data = get(dataset.world.butler1, **PERIOD, by="workstation").json()
    assert (data["received"], data["accepted"], data["resolved"]) == (3, 3, 2)
    assert [row["key"] for row in data["rows"]] == [dataset.world.ws1.pk]


def test_a_unit_sees_its_own_figures(get, dataset):
    data = get(dataset.world.unit_user2, **PERIOD).json()
    assert (data["received"], data["accepted"], data["resolved"], data["on_time_closure_rate"]) == (1, 1, 1, 0.0)


@pytest.mark.parametrize("who", ["admin", "leader", "supervisor", "butler1", "butler2", "unit1", "unit2",
                                 "ent1", "ent2"])
def test_access_by_role(get, dataset, who):
    response = get(dataset.world.users()[who], **PERIOD)
    assert response.status_code == (403 if who.startswith("ent") else 200)


def test_anonymous_is_401(api, dataset):
    assert api.get(URL).status_code == 401


def test_the_schema_names_the_endpoint(api, dataset):
    api.force_authenticate(dataset.world.admin)
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/v1/stats/requests/"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"from", "to", "by"}
