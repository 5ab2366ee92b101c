"""`/api/v1/approval-items/` as API.md's "approval catalogue" row says."""

import pytest

from guanjia.approvals.models import ApprovalItem
from guanjia.tests_support.approvals import catalogue_item

LIST = "/api/v1/approval-items/"


@pytest.fixture
def items(world):
    plan = catalogue_item(world.zone, world.unit2, name="建设工程规划许可证", stage="planning", committed=5,
                          statutory=20)
    drawings = catalogue_item(world.zone, world.unit2, name="施工图审查", stage="construction", committed=5,
                              statutory=20, prerequisites=[plan])
    power = catalogue_item(world.zone, world.unit1, name="供电报装", stage="utilities", list_type="utility",
                           committed=15, statutory=30, prerequisites=[plan], tolerance_allowed=True,
                           tolerance_days=5, on_correction="restart")
    foreign_unit = world.foreign_enterprise.zone.units.create(name="达州住建局")
    foreign = catalogue_item(world.other_zone, foreign_unit, name="达州施工图审查")
    return {"plan": plan, "drawings": drawings, "power": power, "foreign": foreign}


def test_fields_as_api_md_names_them(api, world, items):
    api.force_authenticate(world.butler1)
    row = api.get(f"{LIST}{items['power'].pk}/").json()
    for field in ("id", "name", "unit", "stage", "list_type", "statutory_days", "committed_days", "prerequisites",
                  "tolerance_allowed", "on_correction"):
        assert field in row
    assert (row["unit"], row["stage"], row["list_type"], row["statutory_days"], row["committed_days"],
            row["prerequisites"], row["tolerance_allowed"], row["tolerance_days"], row["on_correction"]) == (
        world.unit1.pk, "utilities", "utility", 30, 15, [items["plan"].pk], True, 5, "restart")
    plan = api.get(f"{LIST}{items['plan'].pk}/").json()
    assert sorted(plan["dependents"]) == sorted([items["drawings"].pk, items["power"].pk])


def test_filters_and_every_person_of_the_zone_reads(api, world, items):
    for person in world.users().values():
        api.force_authenticate(person)
        assert api.get(LIST).json()["count"] == 3, person
    assert api.get(LIST, {"stage": "planning"}).json()["results"][0]["name"] == "建设工程规划许可证"
    assert [r["name"] for r in api.get(LIST, {"list_type": "utility"}).json()["results"]] == ["供电报装"]
    assert [r["name"] for r in api.get(LIST, {"q": "施工图"}).json()["results"]] == ["施工图审查"]
    assert api.get(LIST, {"stage": "moon"}).status_code == 400
    api.force_authenticate(None)
    assert api.get(LIST).status_code == 401


def test_another_zone_is_404(api, world, items):
    api.force_authenticate(world.admin)
    assert api.get(f"{LIST}{items['foreign'].pk}/").status_code == 404
    assert api.patch(f"{LIST}{items['foreign'].pk}/", {"committed_days": 1}, format="json").status_code == 404
    assert api.delete(f"{LIST}{items['foreign'].pk}/").status_code == 404
    response = api.post(LIST, {"name": "x", "unit": world.unit1.pk, "stage": "land", "statutory_days": 5,
                               "committed_days": 5, "prerequisites": [items["foreign"].pk]}, format="json")
    assert response.status_code == 400 and "prerequisites" in response.json()


def test_admin_writes(api, world, items):
    api.force_authenticate(world.admin)
    response = api.post(LIST, {"name": "消防设计审查", "unit": world.unit2.pk, "stage": "construction",
                               "statutory_days": 15, "committed_days": 5, "prerequisites": [items["drawings"].pk],
                               "tolerance_allowed": True, "tolerance_days": 3, "project_types": ["industrial"],
                               "materials": "消防设计文件"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["prerequisites"] == [items["drawings"].pk] and body["list_type"] == "approval"
    assert body["on_correction"] == "pause" and body["project_types"] == ["industrial"]
    response = api.patch(f"{LIST}{body['id']}/", {"committed_days": 3}, format="json")
    assert response.status_code == 200 and response.json()["committed_days"] == 3
    assert response.json()["prerequisites"] == [items["drawings"].pk]
    assert api.delete(f"{LIST}{body['id']}/").status_code == 204
    assert api.get(LIST).json()["count"] == 3
    assert api.get(LIST, {"archived": "true"}).json()["count"] == 1
    restored = api.post(f"{LIST}{body['id']}/restore/")
    assert restored.status_code == 200 and restored.json()["archived"] is False
    # An item others require is not archived: 409.
    response = api.delete(f"{LIST}{items['plan'].pk}/")
    assert response.status_code == 409 and "施工图审查" in response.json()["detail"]


@pytest.mark.parametrize(("body", "field", "message"), [
    ({"committed_days": 25}, "committed_days", "承诺时限（25 个工作日）不能超过法定时限（20 个工作日）。"),
    ({"committed_days": 0}, "committed_days", "时限须至少为 1 个工作日。"),
    ({"statutory_days": -1}, "statutory_days", "时限须至少为 1 个工作日。"),
    ({"statutory_days": 99999}, "statutory_days", "时限不能超过 365 个工作日。"),
    ({"tolerance_allowed": True}, "tolerance_days", "可容缺受理的事项须填写容缺补齐时限（工作日）。"),
])
def test_bad_limits_are_400(api, world, items, body, field, message):
    api.force_authenticate(world.admin)
    response = api.patch(f"{LIST}{items['drawings'].pk}/", body, format="json")
    assert response.status_code == 400 and message in response.json()[field], response.json()
    items["drawings"].refresh_from_db()
    assert (items["drawings"].committed_days, items["drawings"].statutory_days) == (5, 20)


def test_a_cycle_is_400_with_the_cycle_named(api, world, items):
    api.force_authenticate(world.admin)
    response = api.patch(f"{LIST}{items['plan'].pk}/", {"prerequisites": [items["drawings"].pk]}, format="json")
    assert response.status_code == 400
    assert response.json()["prerequisites"] == ["前置事项不能形成循环：建设工程规划许可证 → 施工图审查 → 建设工程规划许可证"]
    assert not items["plan"].prerequisites.exists()
    response = api.post(LIST, {"name": "施工图审查", "unit": world.unit2.pk, "stage": "construction",
                               "statutory_days": 5, "committed_days": 5}, format="json")
    assert response.status_code == 400 and "本园区清单中已有名为“施工图审查”的事项。" in response.json()["name"]


@pytest.mark.parametrize("who", ["leader", "butler1", "unit1", "supervisor", "ent1"])
def test_others_may_not_write_whatever_they_send(api, world, items, who):
    api.force_authenticate(world.users()[who])
    assert api.post(LIST, {}, format="json").status_code == 403
    assert api.post(LIST, "not json", content_type="application/json").status_code == 403
    pk = items["plan"].pk
    assert api.patch(f"{LIST}{pk}/", {"committed_days": 0}, format="json").status_code == 403
    assert api.put(f"{LIST}{pk}/", {}, format="json").status_code == 403
    assert api.delete(f"{LIST}{pk}/").status_code == 403
    assert api.post(f"{LIST}{pk}/restore/").status_code == 403
    assert ApprovalItem.objects.filter(archived_at__isnull=True).count() == 4


def test_query_count_is_fixed(api, world, items, django_assert_max_num_queries):
    api.force_login(world.admin)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST).status_code == 200
        return len(ctx)

    before = count()
    for n in range(20):
        catalogue_item(world.zone, world.unit1, name=f"报装事项{n}", prerequisites=[items["plan"], items["power"]])
    assert count() == before
    with django_assert_max_num_queries(8):  # session, user, roles, count, the page's ids, its rows, prerequisites, dependents
        api.get(LIST)
