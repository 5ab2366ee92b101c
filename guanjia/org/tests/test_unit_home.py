"""A unit's handler's home page shows what their unit has (its items, overdue, due soon), each linking to
我的待办 narrowed so, not enterprise and project counts that are always 0 for them."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from guanjia.requests import services as s
from guanjia.requests.models import UnitTask
from guanjia.workflow.models import TrackedItem


def transferred(world, title, unit):
    request = s.request_accept(actor=world.butler1, request=s.request_raise(
        actor=world.butler1, enterprise=world.ent1, source="visit", category="factors", title=title,
        description="说明"))
    return s.request_transfer(actor=world.butler1, request=request, lead_unit=unit)


def task_due(request, *, due, warn):
    item = UnitTask.objects.get(request=request).item_id
    TrackedItem.objects.filter(pk=item).update(due_at=due, warn_at=warn)


def three_tasks(world):
    """unit1's three tasks: one overdue, one due soon, one on track; and one of unit2's."""
    now, hour = timezone.now(), dt.timedelta(hours=1)
    late, soon, fine = (transferred(world, title, world.unit1) for title in ("超期的", "临期的", "正常的"))
    task_due(late, due=now - hour, warn=now - 2 * hour)
    task_due(soon, due=now + hour, warn=now - hour)
    task_due(fine, due=now + 50 * hour, warn=now + 30 * hour)
    task_due(transferred(world, "别的单位的", world.unit2), due=now - hour, warn=now - 2 * hour)
    return late, soon, fine


def test_a_units_home_shows_its_items_overdue_and_due_soon(client, world):
    three_tasks(world)
    client.force_login(world.unit_user1)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response.context["unit_states"] == {"open": 3, "overdue": 1, "due_soon": 1}
    assert 'data-stat="enterprises"' not in page and 'data-stat="projects"' not in page
    assert f'href="{reverse("workflow:worklist")}?state=overdue"' in page
    assert f'href="{reverse("workflow:worklist")}?state=due_soon"' in page
    assert f'href="{reverse("requests:list")}?unit={world.unit1.pk}"' in page
    # Other roles keep their registry counts and have no unit's numbers.
    client.force_login(world.butler1)
    response = client.get(reverse("home"))
    assert "unit_states" not in response.context and 'data-stat="enterprises"' in response.content.decode()


def test_the_numbers_link_to_worklist_narrowed_alike(client, api, world):
    late, soon, fine = three_tasks(world)
    client.force_login(world.unit_user1)

    def titles(query):
        return {row["title"] for row in client.get(reverse("workflow:worklist") + query).context["object_list"]}

    assert titles("") == {"超期的", "临期的", "正常的"}
    assert titles("?state=overdue") == {"超期的"}
    assert titles("?state=due_soon") == {"临期的"}
    assert titles("?state=overdue&kind=unit_task") == {"超期的"}
    assert titles("?state=nonsense") == {"超期的", "临期的", "正常的"}  # an unknown state narrows nothing
    assert "只看：超期（红牌）" in client.get(reverse("workflow:worklist") + "?state=overdue").content.decode()
    api.force_authenticate(world.unit_user1)
    answer = api.get("/api/v1/worklist/?state=due_soon").json()
    assert [row["title"] for row in answer["results"]] == ["临期的"] and answer["counts"] == {"unit_task": 1}
    assert list(api.get("/api/v1/worklist/?state=red").json()) == ["state"]


def test_a_supervisors_worklist_narrows_its_overdue_items_too(client, world):
    three_tasks(world)
    client.force_login(world.supervisor)
    listed = client.get(reverse("workflow:worklist") + "?state=overdue").context["object_list"]
    assert {row["title"] for row in listed} == {"超期的", "别的单位的"}
    assert not client.get(reverse("workflow:worklist") + "?state=due_soon").context["object_list"]


def test_a_units_home_takes_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    three_tasks(world)
    client.force_login(world.unit_user1)
    client.get(reverse("home"))
    # session, person, roles, the worklist's counts per kind, its first rows, the unit's states, the unit,
    # the person's permissions (two: may they raise?), the bell; no enterprise or project counts (11 before)
    with django_assert_num_queries(10):
        client.get(reverse("home"))
    for n in range(6):
        transferred(world, f"第{n}件", world.unit1)
    with django_assert_num_queries(10):
        assert client.get(reverse("home")).context["unit_states"]["open"] == 9
