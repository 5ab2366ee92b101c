from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanjia.projects.models import Project
from guanjia.tests_support.factories import ProjectFactory


def test_list_and_detail(client, world):
    client.force_login(world.butler1)
    page = client.get(reverse("projects:list")).content.decode()
    assert world.project1.name in page and world.project2.name not in page
    detail = client.get(reverse("projects:detail", args=[world.project1.pk])).content.decode()
    assert "推进节点" in detail and "12,000.00" in detail


def test_list_query_count_is_fixed(client, world):
    client.force_login(world.admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("projects:list"), {"is_key": "false"}).status_code == 200
        return len(ctx)

    before = count()
    for _n in range(30):
        ProjectFactory(enterprise=world.ent2, butler=world.butler2, workstation=world.ws2)
    assert count() == before


def test_create_with_dates_out_of_order_shows_error(client, world):
    client.force_login(world.butler1)
    response = client.post(reverse("projects:create"), {
        "name": "二期扩建项目", "enterprise": world.ent1.pk, "total_investment": "5000",
        "signed_on": "2025-06-01", "started_on": "2025-01-01",
    })
    assert response.status_code == 200 and "开工日期不能早于签约日期" in response.content.decode()
    response = client.post(reverse("projects:create"), {
        "name": "二期扩建项目", "enterprise": world.ent1.pk, "total_investment": "5000",
        "signed_on": "2025-01-01", "started_on": "2025-06-01", "butler": world.butler1.pk,
    })
    project = Project.objects.get(name="二期扩建项目")
    assert response.status_code == 302 and project.stage == "started"


def test_the_investor_is_a_link_only_for_those_who_may_open_it(client, world):
    """A project's own butler may serve a project whose enterprise another workstation's butler serves."""
    project = ProjectFactory(enterprise=world.ent2, workstation=world.ws1, butler=world.butler1)
    link = f'<a href="{world.ent2.get_absolute_url()}">{world.ent2.name}</a>'
    for person, linked in ((world.butler1, False), (world.butler2, True), (world.admin, True)):
        client.force_login(person)
        page = client.get(project.get_absolute_url()).content.decode()
        assert (link in page, world.ent2.name in page) == (linked, True), person
        assert (client.get(world.ent2.get_absolute_url()).status_code == 200) == linked, person
