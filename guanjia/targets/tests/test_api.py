"""`/api/v1/targets/`, `GET /api/v1/stats/projects/` and the investment endpoints: shapes and access."""

import datetime as dt

import pytest
import time_machine

from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target

STATS_KEYS = {"year", "targets", "agreements_received", "agreements_started", "agreement_start_rate"}


@pytest.fixture(autouse=True)
def _late_2025():
    with time_machine.travel(dt.datetime(2025, 12, 20, 10, 0), tick=False):
        yield


def test_stats_shape_and_figures(api, dataset):
    api.force_authenticate(dataset.w.leader)
    data = api.get("/api/v1/stats/projects/?year=2025").json()
    assert set(data) >= STATS_KEYS
    assert data["year"] == 2025
    assert data["targets"]["new_starts"] == {"target": 4.0, "actual": 2.0, "progress": 0.5}
    assert set(data["targets"]) == {"new_starts", "in_production", "agreements_signed", "investment",
                                    "招商引资到位资金（亿元）"}
    assert (data["agreements_received"], data["agreements_started"], data["agreement_start_rate"]) == (3, 2, 0.6667)
    assert data["half_year"]["targets"]["investment"]["met"] is True


def test_stats_default_year_empty_year_and_bad_year(api, dataset):
    api.force_authenticate(dataset.w.admin)
    assert api.get("/api/v1/stats/projects/").json()["year"] == 2025
    empty = api.get("/api/v1/stats/projects/?year=2031").json()
    assert empty["targets"]["new_starts"] == {"target": None, "actual": 0.0, "progress": None}
    for bad in ("abc", "1999", "2101", "2025.5", "２０２５"):
        answer = api.get(f"/api/v1/stats/projects/?year={bad}")
        assert answer.status_code == 400 and "年度" in answer.json()["year"][0], bad


@pytest.mark.parametrize("who", ["ent1_user", "unit_user1"])
def test_stats_refused_to_enterprises_and_units(api, dataset, who):
    api.force_authenticate(getattr(dataset.w, who))
    assert api.get("/api/v1/stats/projects/?year=2025").status_code == 403


def test_stats_of_another_zone_see_their_own(api, dataset):
    api.force_authenticate(dataset.w.foreign_admin)
    data = api.get("/api/v1/stats/projects/?year=2025").json()
    assert data["targets"]["new_starts"] == {"target": 99.0, "actual": 1.0, "progress": round(1 / 99, 4)}


def test_stats_query_count(api, dataset, django_assert_max_num_queries):
    api.force_authenticate(dataset.w.admin)
    api.get("/api/v1/stats/projects/?year=2025")
    with django_assert_max_num_queries(8):
        assert api.get("/api/v1/stats/projects/?year=2025").status_code == 200


def test_targets_list_shape_and_scope(api, dataset):
    api.force_authenticate(dataset.w.supervisor)
    data = api.get("/api/v1/targets/?year=2025").json()
    assert data["count"] == 3
    row = next(r for r in data["results"] if r["kind"] == "new_starts")
    assert {"id", "zone", "year", "kind", "value", "label", "actual", "progress"} <= set(row)
    assert (row["zone"], row["year"], row["actual"], row["progress"]) == (dataset.w.zone.pk, 2025, "2", 0.5)
    api.force_authenticate(dataset.w.ent1_user)
    assert api.get("/api/v1/targets/").json()["count"] == 0
    assert api.get(f"/api/v1/targets/{dataset.targets.new_starts.pk}/").status_code == 404
    api.force_authenticate(dataset.w.admin)
    assert api.get(f"/api/v1/targets/{dataset.targets.foreign.pk}/").status_code == 404


def test_targets_list_query_count_is_fixed(api, dataset, django_assert_max_num_queries):
    for year in range(2015, 2025):
        Target.objects.create(zone=dataset.w.zone, year=year, kind="new_starts", value=5)
    api.force_authenticate(dataset.w.admin)
    api.get("/api/v1/targets/")
    with django_assert_max_num_queries(9):
        assert api.get("/api/v1/targets/").json()["count"] == 13


def test_admin_writes_targets(api, world):
    api.force_authenticate(world.admin)
    created = api.post("/api/v1/targets/", {"year": 2026, "kind": "new_starts", "value": "20"}, format="json")
    assert created.status_code == 201 and created.json()["zone"] == world.zone.pk
    pk = created.json()["id"]
    assert api.patch(f"/api/v1/targets/{pk}/", {"value": "22"}, format="json").json()["value"] == "22.0000"
    dup = api.post("/api/v1/targets/", {"year": 2026, "kind": "new_starts", "value": "3"}, format="json")
    assert dup.status_code == 400 and "kind" in dup.json()
    foreign = api.post("/api/v1/targets/", {"zone": world.other_zone.pk, "year": 2026, "kind": "investment",
                                            "value": "1"}, format="json")
    assert foreign.status_code == 400 and "zone" in foreign.json()
    custom = api.post("/api/v1/targets/", {"year": 2026, "kind": "custom", "value": "5"}, format="json")
    assert custom.status_code == 400 and "label" in custom.json()
    assert api.delete(f"/api/v1/targets/{pk}/").status_code == 204
    assert not Target.objects.exists()


@pytest.mark.parametrize("who", ["leader", "butler1", "supervisor"])
def test_staff_may_not_write_targets(api, world, who):
    api.force_authenticate(getattr(world, who))
    answer = api.post("/api/v1/targets/", {"year": 2026, "kind": "new_starts", "value": "20"}, format="json")
    assert answer.status_code == 403


def test_enterprise_reports_its_month_in_yuan(api, dataset):
    api.force_authenticate(dataset.w.ent1_user)
    body = {"project": dataset.p3.pk, "month": "2025-11", "amount": "1500000"}
    first = api.post("/api/v1/investment-reports/", body, format="json")
    assert first.status_code == 201, first.json()
    assert first.json()["amount"] == "1500000.00" and first.json()["amount_wan"] == "150.0000"
    again = api.post("/api/v1/investment-reports/", {**body, "amount": "1600000"}, format="json")
    assert again.status_code == 200 and InvestmentReport.objects.get(project=dataset.p3).amount == 160
    future = api.post("/api/v1/investment-reports/", {**body, "month": "2026-01"}, format="json")
    assert future.status_code == 400 and "month" in future.json()
    negative = api.post("/api/v1/investment-reports/", {**body, "amount": "-1"}, format="json")
    assert negative.status_code == 400 and "amount" in negative.json()
    # Another enterprise's project does not exist for it.
    other = api.post("/api/v1/investment-reports/", {**body, "project": dataset.p2.pk}, format="json")
    assert other.status_code == 400 and "project" in other.json()
    listed = api.get("/api/v1/investment-reports/").json()
    assert {r["project"] for r in listed["results"]} == {dataset.p1.pk, dataset.p3.pk}  # ent1's only


def test_roles_that_may_not_report_get_403(api, dataset):
    for who in ("leader", "supervisor"):
        api.force_authenticate(getattr(dataset.w, who))
        answer = api.post("/api/v1/investment-reports/", {"project": dataset.p1.pk, "month": "2025-11",
                                                          "amount": "1"}, format="json")
        assert answer.status_code == 403
    api.force_authenticate(dataset.w.butler2)  # p1 is not theirs: never written
    answer = api.post(f"/api/v1/projects/{dataset.p1.pk}/investment/", {"month": "2025-11", "amount": "1"},
                      format="json")
    assert answer.status_code in (403, 404)
    assert not InvestmentReport.objects.filter(month=dt.date(2025, 11, 1)).exists()


def test_project_investment_endpoint(api, dataset):
    api.force_authenticate(dataset.w.butler1)
    url = f"/api/v1/projects/{dataset.p1.pk}/investment/"
    data = api.get(url + "?year=2025").json()
    assert (data["plan"], data["completed_year"], data["total_investment"]) == ("8000000.00", "5500000.00",
                                                                               "10000000.00")
    assert len(data["months"]) == 5 and data["completion"] == 1.649
    over = api.post(url, {"month": "2025-11", "amount": "10000", "note": ""}, format="json")
    assert over.status_code == 400 and "超过项目总投资" in over.json()["note"][0]
    posted = api.post(url, {"month": "2025-11", "amount": "10000", "note": "概算调增"}, format="json")
    assert posted.status_code == 201
    plan = api.post(url + "plan/", {"year": 2026, "amount": "20000000"}, format="json")
    assert plan.status_code == 200 and InvestmentPlan.objects.get(project=dataset.p1, year=2026).amount == 2000
    api.force_authenticate(dataset.w.ent1_user)
    assert api.post(url + "plan/", {"year": 2026, "amount": "1"}, format="json").status_code == 403
    api.force_authenticate(dataset.w.foreign_admin)
    assert api.get(url).status_code == 404


def test_investment_reports_list_query_count_is_fixed(api, dataset, django_assert_max_num_queries):
    api.force_authenticate(dataset.w.admin)
    with django_assert_max_num_queries(20) as few:
        api.get("/api/v1/investment-reports/")
    for month in range(1, 13):
        InvestmentReport.objects.create(project=dataset.p5, month=dt.date(2023, month, 1), amount=1)
    with django_assert_max_num_queries(len(few)):
        assert api.get("/api/v1/investment-reports/").json()["count"] == 18  # 6 + 12, not the other zone's
