"""API.md "promotion table": `/api/v1/projects/{id}/work-items/` and `POST /api/v1/work-items/{id}/{action}/`."""

import datetime as dt

import pytest
from django.urls import reverse

from guanjia.projects.choices import Stage
from guanjia.promotion.models import WorkItem
from guanjia.promotion.tests.factories import handed_over, travel

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 10, 9)
FIELDS = {"id", "stage", "name", "responsible", "unit", "due_on", "status", "colour", "done_on"}


def test_list_has_the_contract_fields(api, world):
    handed_over(world)
    api.force_authenticate(world.ent1_user)
    with travel(TODAY):
        answer = api.get(reverse("project-work-items", args=[world.project1.pk])).json()
    assert answer["count"] == 3
    first = answer["results"][0]
    assert set(first) >= FIELDS
    assert (first["stage"], first["due_on"], first["status"], first["colour"]) == (
        "land", "2026-10-12", "not_started", "yellow")


@pytest.mark.parametrize(("role", "status"), [("ent2", 404), ("butler2", 404), ("unit2", 200), ("unit1", 200),
                                              ("leader", 200)])
def test_list_scope(api, world, role, status):
    handed_over(world)
    api.force_authenticate(world.users()[role])
    response = api.get(reverse("project-work-items", args=[world.project1.pk]))
    assert response.status_code == status
    if role.startswith("unit"):  # a unit sees the items it answers for
        assert response.json()["count"] == 1


def test_create_and_actions(api, world):
    table = handed_over(world)
    url = reverse("project-work-items", args=[world.project1.pk])
    with travel(TODAY):
        api.force_authenticate(world.ent1_user)
        assert api.post(url, {"stage": "land", "name": "x", "due_on": "2026-10-30"}).status_code == 403
        api.force_authenticate(world.butler1)
        bad = api.post(url, {"stage": "land", "name": "x", "due_on": "2026-09-01"})
        assert bad.status_code == 400 and "due_on" in bad.json()
        made = api.post(url, {"stage": "started", "name": "施工图审查", "due_on": "2026-10-30",
                              "unit": world.unit1.pk})
        assert made.status_code == 201 and made.json()["colour"] == "green"
        pk = made.json()["id"]
        assert WorkItem.objects.get(pk=pk).table == table
        assert api.post(reverse("work-item-reopen", args=[pk]), {"reason": "x"}).status_code == 409
        api.force_authenticate(world.unit_user1)
        assert api.post(reverse("work-item-cancel", args=[pk]), {"reason": "x"}).status_code == 403
        assert api.post(reverse("work-item-start", args=[pk])).json()["status"] == "in_progress"
        done = api.post(reverse("work-item-complete", args=[pk]), {"done_on": "2026-10-09"})
        assert done.status_code == 200 and done.json()["status"] == "done" and done.json()["colour"] == "done"
        api.force_authenticate(world.butler1)
        again = api.post(reverse("work-item-reopen", args=[pk]), {"reason": "返工"})
        assert again.json()["status"] == "in_progress" and again.json()["done_on"] is None
        assert api.post(reverse("work-item-cancel", args=[pk]), {"reason": ""}).status_code == 400
        assert api.post(reverse("work-item-cancel", args=[pk]), {"reason": "合并"}).json()["status"] == "cancelled"
        api.force_authenticate(world.ent2_user)
        assert api.post(reverse("work-item-start", args=[pk])).status_code == 404


def test_project_api_takes_type_and_planned_dates_in_order(api, world):
    api.force_authenticate(world.admin)
    url = reverse("project-detail", args=[world.project1.pk])
    bad = api.patch(url, {"planned_started_on": "2027-03-01", "planned_completed_on": "2027-01-01"})
    assert bad.status_code == 400 and "planned_completed_on" in bad.json()
    good = api.patch(url, {"project_type": "service", "planned_started_on": "2027-03-01"}).json()
    assert good["project_type"] == "service" and good["planned_started_on"] == "2027-03-01"
    assert Stage.SIGNED  # the stages the plan follows


def test_work_items_wait_in_the_worklist(api, world):
    from guanjia.tests_support.factories import waiting

    table = handed_over(world)
    mine = WorkItem.objects.get(table=table, unit=world.unit2)
    assert ("work_item", mine.pk) in waiting(world.unit_user2)
    api.force_authenticate(world.unit_user2)
    answer = api.get("/api/v1/worklist/", {"kind": "work_item"}).json()
    assert answer["counts"]["work_item"] == 1
    assert answer["results"][0]["url"] == reverse("promotion:work-item", args=[mine.pk])
    with travel(TODAY):
        from guanjia.promotion import services

        services.work_item_complete(actor=world.unit_user2, work_item=mine, done_on=TODAY)
    assert ("work_item", mine.pk) not in waiting(world.unit_user2)
