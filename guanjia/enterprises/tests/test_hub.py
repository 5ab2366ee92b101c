"""An enterprise's page is its hub: its requests, the meetings on them, and 登记诉求 for it; a project's page lists
its requests. Each as the person may see it, in a fixed number of queries."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guanjia.meetings import services as meetings
from guanjia.requests import services as s


def raise_one(world, *, actor=None, enterprise=None, project=None, title="用电增容"):
    return s.request_raise(actor=actor or world.butler1, enterprise=enterprise or world.ent1, project=project,
                           source="visit", category="factors", title=title, description="需增容。")


def meeting_on(world, *, requests=(), projects=(), title="用电协调会"):
    return meetings.meeting_create(actor=world.admin, title=title, starts_at=timezone.now() + dt.timedelta(days=1),
                                   requests=requests, projects=projects)


def get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(ctx)


def test_the_enterprise_page_lists_its_requests_and_meetings(client, world):
    mine = raise_one(world, title="二期用电增容")
    raise_one(world, enterprise=world.ent2, actor=world.butler2, title="彩虹的诉求")
    on_request = meeting_on(world, requests=[mine], title="增容协调会")
    on_project = meeting_on(world, projects=[world.project1], title="轮胎项目研判会")
    meeting_on(world, projects=[world.project2], title="新材料调度会")
    client.force_login(world.butler1)
    response = client.get(reverse("enterprises:detail", args=[world.ent1.pk]))
    page = response.content.decode()
    assert "二期用电增容" in page and mine.number in page and "彩虹的诉求" not in page
    assert f'href="{reverse("requests:list")}?enterprise={world.ent1.pk}"' in page
    assert {m.pk for m in response.context["meetings"]} == {on_request.pk, on_project.pk}
    assert "增容协调会" in page and "轮胎项目研判会" in page and "新材料调度会" not in page
    assert f'href="{reverse("requests:create")}?enterprise={world.ent1.pk}"' in page
    assert response.context["requests"]["total"] == 1 and response.context["requests"]["open"] == 1


def test_the_full_lists_behind_the_links_are_the_enterprises(client, world):
    mine = raise_one(world)
    raise_one(world, enterprise=world.ent2, actor=world.butler2)
    meeting = meeting_on(world, requests=[mine])
    meeting_on(world, projects=[world.project2], title="新材料调度会")
    client.force_login(world.admin)
    listed = client.get(reverse("requests:list"), {"enterprise": world.ent1.pk}).context["object_list"]
    assert [row["pk"] for row in listed] == [mine.pk]
    listed = client.get(reverse("meetings:list"), {"enterprise": world.ent1.pk}).context["object_list"]
    assert [m.pk for m in listed] == [meeting.pk]


def test_raise_opens_with_the_enterprise_chosen(client, world):
    client.force_login(world.butler1)
    form = client.get(reverse("requests:create"), {"enterprise": world.ent1.pk}).context["form"]
    assert str(form["enterprise"].value()) == str(world.ent1.pk)
    picker = str(form["enterprise"])  # the searchable picker: its value input holds the chosen enterprise
    assert f'value="{world.ent1.pk}" data-enterprise-value' in picker and world.ent1.name in picker


def test_an_enterprise_contact_sees_its_own_requests_and_no_meetings(client, world):
    mine = raise_one(world, title="二期用电增容")
    s.request_add_note(actor=world.butler1, request=mine, comment="内部：先摸底", internal=True)
    meeting_on(world, requests=[mine], title="增容协调会")
    client.force_login(world.ent1_user)
    response = client.get(reverse("enterprises:detail", args=[world.ent1.pk]))
    page = response.content.decode()
    assert "二期用电增容" in page and "内部：先摸底" not in page
    assert "增容协调会" not in page and 'id="meetings"' not in page
    assert "我要吹哨" in page
    # Another enterprise's page is not there for it at all.
    assert client.get(reverse("enterprises:detail", args=[world.ent2.pk])).status_code == 404


def test_roles_that_may_not_raise_get_no_button(client, world):
    client.force_login(world.supervisor)
    page = client.get(reverse("enterprises:detail", args=[world.ent1.pk])).content.decode()
    assert 'id="raise-for-enterprise"' not in page and "诉求" in page


def test_the_enterprise_page_takes_a_fixed_number_of_queries(client, world):
    client.force_login(world.admin)
    url = reverse("enterprises:detail", args=[world.ent1.pk])
    raise_one(world)
    meeting_on(world, projects=[world.project1])
    _response, before = get(client, url)
    for n in range(12):
        request = raise_one(world, title=f"第{n}件")
        meeting_on(world, requests=[request], projects=[world.project1], title=f"第{n}次会议")
    response, after = get(client, url)
    assert after == before
    assert len(response.context["requests"]["rows"]) == 10 and response.context["requests"]["total"] == 13
    assert len(response.context["meetings"]) == 10 and response.context["more_meetings"]
    assert f'{reverse("meetings:list")}?enterprise={world.ent1.pk}' in response.content.decode()


def test_the_project_page_lists_its_requests(client, world):
    on_project = raise_one(world, project=world.project1, title="项目用地")
    raise_one(world, title="企业的另一件")
    client.force_login(world.butler1)
    url = reverse("projects:detail", args=[world.project1.pk])
    response, before = get(client, url)
    page = response.content.decode()
    assert "项目用地" in page and on_project.number in page and "企业的另一件" not in page
    assert f'href="{reverse("requests:list")}?project={world.project1.pk}"' in page
    assert f"?enterprise={world.ent1.pk}&amp;project={world.project1.pk}" in page  # 登记诉求 for the project
    listed = client.get(reverse("requests:list"), {"project": world.project1.pk}).context["object_list"]
    assert [row["pk"] for row in listed] == [on_project.pk]
    for n in range(12):
        raise_one(world, project=world.project1, title=f"第{n}件")
    assert get(client, url)[1] == before
    # The enterprise's contact reads its project's requests too.
    client.force_login(world.ent1_user)
    page = client.get(url).content.decode()
    assert "第11件" in page and "企业的另一件" not in page
