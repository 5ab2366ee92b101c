"""API.md "project approvals" and "plan a handbook": shapes, codes and the access matrix."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.services import handbooks as services
from guanjia.tests_support.approvals import catalogue_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thursday_before_mid_autumn")]

ROW = {"id", "catalogue_item", "name", "status", "agent", "planned_start", "planned_due", "baseline_due", "critical",
       "float_days", "due_at", "provisional", "finished_on", "document_number", "working_days_used",
       "committed_days"}


def url(project, plan=False):
    return f"/api/v1/projects/{project.pk}/approvals/{'plan/' if plan else ''}"


def plan(api, world, catalogue, *, who="butler1", start="2026-09-18", items=None, project=None):
    api.force_authenticate(world.users()[who] if isinstance(who, str) else who)
    ids = items if items is not None else [e.pk for e in catalogue.values()]
    return api.post(url(project or world.project1, plan=True), {"start": start, "items": ids}, format="json")


def test_plan_makes_the_handbook_and_answers_the_plan(api, world, catalogue):
    response = plan(api, world, catalogue)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["planned_finish"] == "2026-10-12"
    rows = {r["name"]: r for r in body["items"]}
    assert set(rows["建设工程规划许可证"]) >= ROW
    c = rows["建设工程规划许可证"]
    assert (c["planned_start"], c["planned_due"], c["baseline_due"], c["critical"], c["float_days"]) == (
        "2026-09-28", "2026-10-08", "2026-10-08", True, 0)
    assert rows["供电报装"]["float_days"] == 4 and rows["供电报装"]["critical"] is False
    assert c["agent"] == world.butler1.pk and c["committed_days"] == 4 and c["status"] == "not_started"
    # The list answers the same rows.
    listed = api.get(url(world.project1)).json()
    assert listed["count"] == 5 and {r["name"] for r in listed["results"]} == set(rows)


def test_plan_again_replans_the_handbook_with_those_items(api, world, catalogue):
    plan(api, world, catalogue)
    response = plan(api, world, catalogue, start="2026-09-28",
                    items=[catalogue["A"].pk, catalogue["C"].pk, catalogue["E"].pk])
    assert response.status_code == 201
    assert response.json()["planned_finish"] == "2026-10-20"
    assert Handbook.objects.count() == 1 and Approval.objects.count() == 3
    assert Handbook.objects.get().baseline_finish.isoformat() == "2026-10-12"


@pytest.mark.parametrize("start, items, field", [
    ("2026-02-30", None, "start"), ("yesterday", None, "start"), ("2099-01-01", None, "start"),
    ("2026-09-18", [], "items"), ("2026-09-18", [999999], "items"), ("2026-09-18", ["a"], "items"),
])
def test_bad_input_is_a_400_naming_the_field(api, world, catalogue, start, items, field):
    response = plan(api, world, catalogue, start=start, items=items)
    assert response.status_code == 400
    assert field in response.json()
    assert not Handbook.objects.exists()


def test_foreign_items_and_a_cycle_are_400(api, world, catalogue):
    foreign = catalogue_item(world.other_zone, world.unit1, name="外区事项")
    assert plan(api, world, catalogue, items=[foreign.pk]).status_code == 400
    # A cycle in the catalogue (made behind the catalogue's own checks) is refused naming it.
    catalogue["A"].prerequisites.add(catalogue["E"])
    response = plan(api, world, catalogue)
    assert response.status_code == 400
    assert "循环" in response.json()["items"][0] and "建设用地规划许可证" in response.json()["items"][0]
    assert not Handbook.objects.exists()


@pytest.mark.parametrize("who, code", [
    ("admin", 201), ("butler1", 201), ("butler2", 404), ("leader", 403), ("supervisor", 403), ("unit1", 404),
    ("ent1", 403), ("ent2", 403),
])
def test_who_may_plan(api, world, catalogue, who, code):
    assert plan(api, world, catalogue, who=who).status_code == code


def test_a_project_outside_the_scope_is_404(api, world, catalogue):
    assert plan(api, world, catalogue, who=world.foreign_admin).status_code == 404
    assert plan(api, world, catalogue, who="admin", project=world.foreign_project).status_code == 404
    api.force_authenticate(world.ent2_user)
    assert api.get(url(world.project1)).status_code == 404


@pytest.mark.parametrize("who, code", [
    ("admin", 200), ("leader", 200), ("butler1", 200), ("ent1", 200), ("ent2", 404), ("unit1", 404),
])
def test_who_may_read(api, world, catalogue, who, code):
    services.handbook_create(actor=world.butler1, project=world.project1, start=dt.date(2026, 9, 18))
    api.force_authenticate(world.users()[who])
    assert api.get(url(world.project1)).status_code == code


def test_unauthenticated_is_401(api, world):
    assert api.get(url(world.project1)).status_code == 401


def _count(api, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(address).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["admin", "butler1", "ent1"])
def test_the_list_reads_a_fixed_number_of_queries(api, world, catalogue, who):
    services.handbook_create(actor=world.butler1, project=world.project1, start=dt.date(2026, 9, 18),
                             entries=[catalogue["A"], catalogue["C"]])
    api.force_authenticate(world.users()[who])
    api.get("/api/v1/me/")
    before = _count(api, url(world.project1))
    handbook = Handbook.objects.get()
    more = [catalogue_item(world.zone, world.unit1, name=f"事项{n}", prerequisites=[catalogue["A"]])
            for n in range(12)]
    services.handbook_plan(actor=world.butler1, handbook=handbook, entries=[catalogue["A"], catalogue["C"], *more])
    assert _count(api, url(world.project1)) == before
