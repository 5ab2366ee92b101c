"""The catalogue's pages: list, item, admin forms, archive; a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanjia.approvals.models import ApprovalItem
from guanjia.demo.catalogue import load_catalogue
from guanjia.tests_support.approvals import catalogue_item

LIST = reverse("approvals:catalogue")


@pytest.fixture
def catalogue(world):
    return load_catalogue(world.zone, actor=world.admin)


def test_list_grouped_by_list_and_searched(client, world, catalogue):
    client.force_login(world.butler1)
    page = client.get(LIST).content.decode()
    assert "审批事项清单" in page and "建筑工程施工许可证" in page
    assert page.index("审批事项") < page.index("建设单位材料") < page.index("水电气讯报装")
    assert "添加事项" not in page and "导入" not in page  # a butler reads only
    found = client.get(LIST, {"q": "消防"}).content.decode()
    assert "消防设计审查" in found and "供水报装" not in found
    utilities = client.get(LIST, {"list_type": "utility", "stage": "utilities"}, headers={"HX-Request": "true"})
    assert "供电报装（高压）" in utilities.content.decode() and "<html" not in utilities.content.decode()
    assert "施工图审查</a>" not in utilities.content.decode()


def test_list_query_count_is_fixed(client, world, catalogue):
    client.force_login(world.admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx)

    before = count()
    for n in range(15):
        catalogue_item(world.zone, world.unit1, name=f"新增事项{n}", prerequisites=[catalogue["施工图审查"]])
    assert count() == before


def test_item_page_shows_materials_prerequisites_and_dependents(client, world, catalogue):
    item = catalogue["建筑工程施工许可证"]
    client.force_login(world.ent1_user)  # the published catalogue: an enterprise contact reads it too
    page = client.get(item.get_absolute_url()).content.decode()
    for text in ("资金到位证明", "消防设计审查", "质量安全监督备案", "消防验收", "规划核实"):
        assert text in page
    assert "编辑" not in page

    def count(pk):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("approvals:catalogue-item", args=[pk])).status_code == 200
        return len(ctx)

    client.force_login(world.admin)
    assert count(item.pk) == count(catalogue["企业投资项目备案"].pk)
    foreign = catalogue_item(world.other_zone, world.other_zone.units.create(name="达州住建局"), name="达州事项")
    assert client.get(foreign.get_absolute_url()).status_code == 404


def test_admin_adds_and_edits_with_errors_by_their_field(client, world, catalogue):
    client.force_login(world.admin)
    form = {"name": "施工图审查（二次）", "list_type": "approval", "stage": "construction", "unit": world.unit2.pk,
            "statutory_days": "10", "committed_days": "12", "on_correction": "pause", "order": "0",
            "prerequisites": [catalogue["施工图审查"].pk]}
    response = client.get(reverse("approvals:catalogue-create"))
    assert response.status_code == 200 and "data-option-search" in response.content.decode()
    response = client.post(reverse("approvals:catalogue-create"), form)
    assert response.status_code == 200
    assert "承诺时限（12 个工作日）不能超过法定时限（10 个工作日）。" in response.content.decode()
    assert not ApprovalItem.objects.filter(name="施工图审查（二次）").exists()
    form["committed_days"] = "5"
    response = client.post(reverse("approvals:catalogue-create"), form)
    item = ApprovalItem.objects.get(name="施工图审查（二次）")
    assert response.status_code == 302 and response.url == item.get_absolute_url()
    assert list(item.prerequisites.all()) == [catalogue["施工图审查"]]
    # Editing 建设工程规划许可证 to require what follows it closes a cycle: named on the form.
    plan = catalogue["建设工程规划许可证"]
    edit = {"name": plan.name, "list_type": "approval", "stage": "planning", "unit": plan.unit_id,
            "statutory_days": "20", "committed_days": "5", "tolerance_allowed": "on", "tolerance_days": "5",
            "on_correction": "pause", "order": "80", "prerequisites": [item.pk]}
    response = client.post(reverse("approvals:catalogue-update", args=[plan.pk]), edit)
    assert response.status_code == 200
    assert ("前置事项不能形成循环：建设工程规划许可证 → 施工图审查 → 施工图审查（二次） → 建设工程规划许可证"
            in response.content.decode())
    edit["prerequisites"] = [catalogue["不动产权证（土地）"].pk]
    response = client.post(reverse("approvals:catalogue-update", args=[plan.pk]), edit)
    assert response.status_code == 302
    assert list(plan.prerequisites.all()) == [catalogue["不动产权证（土地）"]]


def test_archive_and_restore(client, world, catalogue):
    client.force_login(world.admin)
    leaf = catalogue["通信报装"]
    assert client.post(reverse("approvals:catalogue-archive", args=[leaf.pk])).status_code == 302
    leaf.refresh_from_db()
    assert leaf.is_archived
    assert "通信报装" not in client.get(LIST).content.decode()
    assert "通信报装" in client.get(LIST, {"archived": "true"}).content.decode()
    client.post(reverse("approvals:catalogue-restore", args=[leaf.pk]))
    leaf.refresh_from_db()
    assert not leaf.is_archived
    needed = catalogue["施工图审查"]
    response = client.post(reverse("approvals:catalogue-archive", args=[needed.pk]), follow=True)
    assert "请先从这些事项的前置事项中移除它" in response.content.decode()
    needed.refresh_from_db()
    assert not needed.is_archived


@pytest.mark.parametrize("who", ["leader", "butler1", "unit1", "supervisor", "ent1"])
def test_only_admins_write(client, world, catalogue, who):
    client.force_login(world.users()[who])
    item = catalogue["通信报装"]
    assert client.get(LIST).status_code == 200
    for name, args in (("approvals:catalogue-create", []), ("approvals:catalogue-update", [item.pk]),
                       ("approvals:catalogue-import", [])):
        assert client.get(reverse(name, args=args)).status_code == 403, name
    assert client.post(reverse("approvals:catalogue-archive", args=[item.pk])).status_code == 403
    item.refresh_from_db()
    assert not item.is_archived


def test_navigation_for_staff(client, world):
    client.force_login(world.butler1)
    assert LIST in client.get(reverse("home")).content.decode()
    client.force_login(world.ent1_user)
    assert LIST not in client.get(reverse("home")).content.decode()
