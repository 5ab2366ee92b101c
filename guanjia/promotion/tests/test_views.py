"""Promotion pages and API per role: scope (404), rights (403), forms and their errors, fixed query counts.

`test_matrix` is this app's copy of core/tests/test_access_matrix.py for its own endpoints.
"""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse

from guanjia.projects.choices import ProjectType, Stage
from guanjia.promotion import services
from guanjia.promotion.models import TableTemplate, TemplateItem, WorkItem
from guanjia.promotion.tests.factories import handed_over, travel
from guanjia.tests_support.factories import EnterpriseFactory, ProjectFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 10, 9)
# url name -> (object kind, HTTP method, extra address argument)
ENDPOINTS = {
    "promotion:hand-over": ("project", "get", None),
    "promotion:table": ("table", "get", None),
    "promotion:table-export": ("table", "get", None),
    "promotion:table-act": ("table", "get", "move"),
    "promotion:work-item": ("work_item", "get", None),
    "promotion:work-item-act": ("work_item", "get", "complete"),
    "promotion:template-item-add": ("template", "get", None),
    "promotion:template-item": ("template_item", "get", None),
    "promotion:template-item-post": ("template_item", "post", "up"),
    "work-item-detail": ("work_item", "get", None),
    "work-item-start": ("work_item", "post", None),
    "work-item-complete": ("work_item", "post", None),
    "work-item-reopen": ("work_item", "post", None),
    "work-item-cancel": ("work_item", "post", None),
}
TABLE = {"project1", "table1", "work_item1"}
TEMPLATES = {"template1", "template_item1"}
VISIBLE = {
    "admin": TABLE | TEMPLATES, "leader": TABLE | TEMPLATES, "supervisor": TABLE | TEMPLATES,
    "butler1": TABLE | TEMPLATES, "butler2": TEMPLATES,
    "unit1": {"work_item1"} | TEMPLATES,  # unit1 answers for one of its work items
    "unit2": TEMPLATES,
    "ent1": TABLE,  # its own project's table, read-only
    "ent2": set(),
}


def matrix_objects(world) -> dict:
    table = handed_over(world)
    foreign_unit = UnitFactory(zone=world.other_zone)
    foreign_admin = world.foreign_admin
    foreign_project = world.foreign_project
    foreign_template = TableTemplate.objects.create(zone=world.other_zone, project_type=ProjectType.INDUSTRIAL,
                                                    name="达州模板")
    foreign_entry = TemplateItem.objects.create(template=foreign_template, stage=Stage.LAND, name="供地",
                                                unit=foreign_unit, days=5)
    foreign_project.signed_on = dt.date(2026, 9, 1)
    foreign_project.full_clean()
    foreign_project.save()
    with travel(dt.date(2026, 9, 29)):
        foreign_table = services.table_hand_over(actor=foreign_admin, project=foreign_project,
                                                 handed_over_on=dt.date(2026, 9, 29))
    template = TableTemplate.objects.get(zone=world.zone)
    return {
        "project1": ("project", world.project1), "foreign_project": ("project", foreign_project),
        "table1": ("table", table), "foreign_table": ("table", foreign_table),
        "work_item1": ("work_item", WorkItem.objects.get(table=table, unit=world.unit1)),
        "foreign_work_item": ("work_item", WorkItem.objects.get(table=foreign_table)),
        "template1": ("template", template), "foreign_template": ("template", foreign_template),
        "template_item1": ("template_item", template.items.first()),
        "foreign_template_item": ("template_item", foreign_entry),
    }


def _object_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, ns)
            elif p.name and "pk" in p.pattern.regex.groupindex:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    return {n for n in names if n.startswith(("promotion:", "work-item"))}


def test_every_object_endpoint_is_in_the_matrix():
    assert _object_url_names() == set(ENDPOINTS)


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_matrix(client, world, role):
    objects = matrix_objects(world)
    client.force_login(world.users()[role])
    failures = []
    with travel(TODAY):
        for url_name, (kind, method, extra) in ENDPOINTS.items():
            for key, (obj_kind, obj) in objects.items():
                if obj_kind != kind:
                    continue
                args = [obj.pk] if extra is None else [obj.pk, extra]
                with transaction.atomic():
                    response = getattr(client, method)(reverse(url_name, args=args))
                    transaction.set_rollback(True)
                visible = key in VISIBLE[role]
                if visible and response.status_code == 404:
                    failures.append(f"{url_name} {key}: 404 but should be visible")
                if not visible and response.status_code != 404:
                    failures.append(f"{url_name} {key}: {response.status_code}, expected 404")
                if response.status_code >= 500:
                    failures.append(f"{url_name} {key}: {response.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["ent1", "unit1", "butler2", "supervisor"])
def test_seeing_is_not_managing(client, world, role):
    objects = matrix_objects(world)
    table, item = objects["table1"][1], objects["work_item1"][1]
    client.force_login(world.users()[role])
    with travel(TODAY):
        if role in ("ent1", "supervisor"):
            assert client.get(reverse("promotion:table", args=[table.pk])).status_code == 200
            for action in ("move", "correct", "plan", "task-force", "add-item"):
                assert client.get(reverse("promotion:table-act", args=[table.pk, action])).status_code == 403
            assert client.get(reverse("promotion:work-item-act", args=[item.pk, "complete"])).status_code == 403
            body = client.get(reverse("promotion:table", args=[table.pk])).content.decode()
            assert reverse("promotion:table-act", args=[table.pk, "move"]) not in body
        if role == "unit1":  # answers for its item: may complete it, not cancel it
            assert client.get(reverse("promotion:work-item-act", args=[item.pk, "complete"])).status_code == 200
            assert client.get(reverse("promotion:work-item-act", args=[item.pk, "cancel"])).status_code == 403
        for url in (reverse("promotion:templates"), reverse("promotion:template-create")):
            assert client.get(url).status_code == 403


def test_pages_show_the_table_and_take_the_forms(client, world):
    table = handed_over(world)
    client.force_login(world.butler1)
    with travel(TODAY):
        page = client.get(reverse("projects:detail", args=[world.project1.pk])).content.decode()
        assert "完成土地挂牌出让" in page and reverse("promotion:table", args=[table.pk]) in page
        page = client.get(reverse("promotion:table", args=[table.pk])).content.decode()
        assert "供电接入方案答复" in page and 'data-colour="yellow"' in page  # 10-12 is due soon on 10-09
        response = client.post(reverse("promotion:table-act", args=[table.pk, "move"]),
                               {"stage": Stage.PRODUCING, "on": "2026-10-09"})
        assert response.status_code == 200 and "尚未竣工" in response.content.decode()
        response = client.post(reverse("promotion:table-act", args=[table.pk, "move"]),
                               {"stage": Stage.LAND, "on": "2026-10-09"})
        assert response.status_code == 302
        response = client.post(reverse("promotion:table-act", args=[table.pk, "plan"]),
                               {"plan_started": "2026-12-01", "plan_completed": "2026-11-01"})
        assert "计划竣工日期不能早于计划开工日期" in response.content.decode()
        response = client.post(reverse("promotion:table-act", args=[table.pk, "add-item"]),
                               {"stage": Stage.STARTED, "name": "施工图审查", "due_on": "2026-10-30",
                                "unit": world.unit1.pk})
        assert response.status_code == 302
        item = WorkItem.objects.get(name="施工图审查")
        response = client.post(reverse("promotion:work-item-act", args=[item.pk, "complete"]),
                               {"done_on": "2026-10-09"})
        assert response.status_code == 302
        page = client.get(reverse("promotion:work-item", args=[item.pk])).content.decode()
        assert "已完成" in page and "新增推进事项" in page
    world.project1.refresh_from_db()
    assert world.project1.land_on == TODAY


def test_hand_over_page(client, world):
    world.project2.signed_on = dt.date(2026, 9, 1)
    world.project2.full_clean()
    world.project2.save()
    handed_over(world, project=world.project1)  # makes the zone's template
    client.force_login(world.butler2)
    with travel(TODAY):
        page = client.get(reverse("projects:detail", args=[world.project2.pk])).content.decode()
        assert reverse("promotion:hand-over", args=[world.project2.pk]) in page
        response = client.post(reverse("promotion:hand-over", args=[world.project2.pk]),
                               {"handed_over_on": "2026-10-10"})
        assert "不能晚于今天" in response.content.decode()
        response = client.post(reverse("promotion:hand-over", args=[world.project2.pk]),
                               {"handed_over_on": "2026-10-09"})
        assert response.status_code == 302
    assert world.project2.work_items.count() == 3


def test_board_filters_and_colours(client, world):
    handed_over(world)
    world.project1.planned_land_on = dt.date(2026, 6, 10)  # four months late on 10-09: red
    world.project1.full_clean()
    world.project1.save()
    world.project2.key_level = "city"
    world.project2.planned_signed_on = dt.date(2026, 12, 1)
    world.project2.full_clean()
    world.project2.save()
    client.force_login(world.leader)
    with travel(TODAY):
        body = client.get(reverse("promotion:board")).content.decode()
        assert world.project1.name in body and world.project2.name in body
        body = client.get(reverse("promotion:board"), {"colour": "red"}).content.decode()
        assert world.project1.name in body and world.project2.name not in body
        body = client.get(reverse("promotion:board"), {"butler": world.butler2.pk}).content.decode()
        assert world.project1.name not in body and world.project2.name in body
        body = client.get(reverse("promotion:board"), {"key_level": "city", "stage": "negotiating"}).content.decode()
        assert world.project2.name in body
        client.force_login(world.ent1_user)
        assert client.get(reverse("promotion:board")).status_code == 403
        client.force_login(world.butler2)
        body = client.get(reverse("promotion:board")).content.decode()
        assert world.project1.name not in body


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_query_counts_are_fixed(client, world):
    table = handed_over(world)
    client.force_login(world.admin)
    urls = [reverse("promotion:board"), reverse("promotion:table", args=[table.pk]),
            reverse("projects:detail", args=[world.project1.pk]),
            reverse("project-work-items", args=[world.project1.pk]),
            reverse("promotion:work-item", args=[WorkItem.objects.filter(table=table).first().pk])]
    with travel(TODAY):
        before = [_count(client, url) for url in urls]
        for n in range(6):
            enterprise = EnterpriseFactory(zone=world.zone, workstation=world.ws1, butler=world.butler1)
            project = ProjectFactory(enterprise=enterprise, butler=world.butler1, workstation=world.ws1,
                                     name=f"重点项目{n}")
            handed_over(world, project=project, on=dt.date(2026, 9, 29))
            services.work_item_add(actor=world.admin, table=table, stage=Stage.LAND, name=f"加办{n}",
                                   due_on=dt.date(2026, 10, 30), responsible=UserFactory(zone=world.zone,
                                                                                          roles=["butler"]),
                                   unit=world.unit1)
            services.task_force_set(actor=world.admin, table=table, members=[world.butler1, world.butler2])
        after = [_count(client, url) for url in urls]
    assert after == before


def test_link_page_offers_only_the_projects_requests_and_approvals(client, world):
    from guanjia.tests_support.approvals import catalogue_item, handbook

    table = handed_over(world)
    item = WorkItem.objects.filter(table=table, unit=world.unit2).get()
    book = handbook(world.project1, [catalogue_item(world.zone, world.unit2, name="建设用地规划许可证")],
                    start=dt.date(2026, 9, 29))
    handbook(world.project2, [catalogue_item(world.zone, world.unit2, name="别的项目的许可")],
             start=dt.date(2026, 9, 29))
    client.force_login(world.unit_user2)
    url = reverse("promotion:work-item-act", args=[item.pk, "link"])
    page = client.get(url).content.decode()
    assert "建设用地规划许可证" in page and "别的项目的许可" not in page
    approval = book.approvals.get()
    assert client.post(url, {"approvals": [approval.pk]}).status_code == 302
    assert list(item.approvals.all()) == [approval]
    assert "建设用地规划许可证" in client.get(reverse("promotion:work-item", args=[item.pk])).content.decode()


def test_templates_are_kept_by_the_center(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("promotion:template-create"), {"project_type": "service", "name": "服务业模板"})
    assert response.status_code == 302
    template = TableTemplate.objects.get(zone=world.zone, project_type="service")
    assert "该项目类型已有模板" in client.post(reverse("promotion:template-create"),
                                             {"project_type": "service", "name": "重复"}).content.decode()
    add = reverse("promotion:template-item-add", args=[template.pk])
    assert client.post(add, {"stage": "land", "name": "x", "days": 0}).status_code == 200  # refused by its field
    for name, days in (("落实经营场所", 30), ("办理营业执照", 60)):
        assert client.post(add, {"stage": "land", "name": name, "days": days, "unit": world.unit2.pk}).status_code == 302
    first, second = template.items.order_by("order", "pk")
    client.post(reverse("promotion:template-item-post", args=[second.pk, "up"]))
    assert [i.name for i in template.items.order_by("order", "pk")] == ["办理营业执照", "落实经营场所"]
    edit = reverse("promotion:template-item", args=[first.pk])
    assert client.post(edit, {"stage": "started", "name": "落实经营场所（租赁）", "days": 20}).status_code == 302
    client.post(reverse("promotion:template-item-post", args=[second.pk, "remove"]))
    assert [i.name for i in template.items.all()] == ["落实经营场所（租赁）"]
    assert "落实经营场所（租赁）" in client.get(reverse("promotion:templates")).content.decode()


def test_a_key_projects_table_lists_its_leader_task_force_and_review_meetings(client, world):
    from django.utils import timezone

    from guanjia.meetings import services as meetings

    table = handed_over(world)
    services.task_force_set(actor=world.leader, table=table, members=[world.unit_user1])
    meetings.meeting_create(actor=world.admin, kind="review", title="轮胎项目推进研判会", starts_at=timezone.now(),
                            projects=[world.project1])
    meetings.meeting_create(actor=world.admin, kind="joint", title="不是研判会", starts_at=timezone.now(),
                            projects=[world.project1])
    client.force_login(world.leader)
    page = client.get(reverse("promotion:table", args=[table.pk])).content.decode()
    assert "轮胎项目推进研判会" in page and "不是研判会" not in page
    assert str(world.unit_user1) in page and str(world.leader) in page


def test_an_enterprise_reads_no_staff_name_but_its_butlers(client, api, world):
    table = handed_over(world)
    item = WorkItem.objects.filter(table=table).first()
    with travel(TODAY):
        services.work_item_update(actor=world.admin, work_item=item, responsible=world.unit_user2)
        services.task_force_set(actor=world.leader, table=table, members=[world.unit_user1])
    client.force_login(world.ent1_user)
    page = client.get(reverse("promotion:table", args=[table.pk])).content.decode()
    assert str(world.butler1) in page
    assert str(world.unit_user2) not in page and str(world.unit_user1) not in page and str(world.admin) not in page
    page = client.get(reverse("promotion:work-item", args=[item.pk])).content.decode()
    assert str(world.unit_user2) not in page and str(world.admin) not in page
    api.force_authenticate(world.ent1_user)
    rows = {r["id"]: r for r in api.get(reverse("project-work-items", args=[world.project1.pk])).json()["results"]}
    assert rows[item.pk]["responsible"] is None
    assert {r["responsible"] for pk, r in rows.items() if pk != item.pk} == {world.butler1.pk}
    client.force_login(world.leader)
    assert str(world.unit_user2) in client.get(reverse("promotion:table", args=[table.pk])).content.decode()
