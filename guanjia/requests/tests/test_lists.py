"""全部诉求: its filters (one FilterSet for the page, the API and the export) and its .xlsx export."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guanjia.requests import exporting
from guanjia.requests import services as s
from guanjia.requests.models import Request
from guanjia.tests_support import factories as f
from guanjia.workflow.models import TrackedItem


def raise_one(world, *, actor=None, enterprise=None, source="visit", title="用电增容", urgency="normal"):
    return s.request_raise(actor=actor or world.butler1, enterprise=enterprise or world.ent1, source=source,
                           category="factors", urgency=urgency, title=title, description="需增容。")


def page_numbers(client, query: str) -> set[str]:
    response = client.get(reverse("requests:list") + query)
    assert response.status_code == 200
    return {row["number"] for row in response.context["object_list"]}


def api_numbers(api, query: str) -> set[str]:
    response = api.get("/api/v1/requests/" + query)
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def export_rows(client, query: str = "") -> list[tuple]:
    response = client.get(reverse("requests:export") + query)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def spread(world):
    """Four requests: ent1's by visit (unit1 leads, unit2 co-unit), ent1's by 吹哨, ent2's by phone (unit2 leads),
    and ent2's letter-less visit left untouched."""
    transferred = s.request_accept(actor=world.butler1, request=raise_one(world, title="甲"))
    s.request_transfer(actor=world.butler1, request=transferred, lead_unit=world.unit1, co_units=[world.unit2])
    portal = raise_one(world, actor=world.ent1_user, source="portal", title="乙")
    other = s.request_accept(actor=world.butler2, request=raise_one(
        world, actor=world.butler2, enterprise=world.ent2, source="phone", title="丙", urgency="urgent"))
    s.request_transfer(actor=world.butler2, request=other, lead_unit=world.unit2)
    plain = raise_one(world, actor=world.butler2, enterprise=world.ent2, title="丁")
    return {r.title: Request.objects.get(pk=r.pk) for r in (transferred, portal, other, plain)}


def _numbers(spread, *titles):
    return {spread[t].number for t in titles}


@pytest.mark.parametrize("query, titles", [
    ("?source=portal", ("乙",)),
    ("?channel=portal", ("乙",)),  # the statistics' name for the same field
    ("?channel=phone&source=phone", ("丙",)),
    ("?urgency=urgent", ("丙",)),
    ("?category=factors", ("甲", "乙", "丙", "丁")),
    ("?status=transferred", ("甲", "丙")),
    ("?status=transferred&status=submitted", ("甲", "乙", "丙", "丁")),
    ("?open=true", ("甲", "乙", "丙", "丁")),
])
def test_choice_filters_on_the_page_and_the_api_alike(client, api, world, spread, query, titles):
    client.force_login(world.admin)
    api.force_authenticate(world.admin)
    assert page_numbers(client, query) == api_numbers(api, query) == _numbers(spread, *titles)


def test_the_pages_status_select_sends_blank_for_all(client, api, world, spread):
    client.force_login(world.admin)
    assert page_numbers(client, "?status=") == _numbers(spread, "甲", "乙", "丙", "丁")
    page = client.get(reverse("requests:list") + "?status=transferred").content.decode()
    assert '<option value="transferred" selected>' in page
    api.force_authenticate(world.admin)
    assert api.get("/api/v1/requests/?status=").status_code == 400  # the API's contract: no empty value


def test_a_unit_is_any_unit_holding_a_task_on_the_request(client, api, world, spread):
    client.force_login(world.admin)
    api.force_authenticate(world.admin)
    # unit2 is co-unit of 甲 and lead of 丙: lead_unit alone found only 丙.
    assert page_numbers(client, f"?unit={world.unit2.pk}") == _numbers(spread, "甲", "丙")
    assert api_numbers(api, f"?unit={world.unit2.pk}") == _numbers(spread, "甲", "丙")
    assert api_numbers(api, f"?lead_unit={world.unit2.pk}") == _numbers(spread, "丙")
    assert api_numbers(api, f"?unit={world.unit1.pk}") == _numbers(spread, "甲")
    # A unit's own handler filtering by another unit sees only what it sees anyway.
    api.force_authenticate(world.unit_user1)
    assert api_numbers(api, f"?unit={world.unit2.pk}") == _numbers(spread, "甲")
    assert list(api.get("/api/v1/requests/?unit=abc").json()) == ["unit"]


def test_a_workstation_is_the_enterprises_and_a_butler_by_id(client, api, world, spread):
    client.force_login(world.leader)
    api.force_authenticate(world.leader)
    assert page_numbers(client, f"?workstation={world.ws1.pk}") == _numbers(spread, "甲", "乙")
    assert api_numbers(api, f"?workstation={world.ws2.pk}") == _numbers(spread, "丙", "丁")
    assert page_numbers(client, f"?butler={world.butler2.pk}") == _numbers(spread, "丙", "丁")
    assert list(api.get("/api/v1/requests/?workstation=x").json()) == ["workstation"]


def test_the_date_range_is_the_day_raised(client, api, world, spread):
    old = spread["丁"]
    Request.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=40))
    api.force_authenticate(world.admin)
    since = (timezone.localdate() - dt.timedelta(days=7)).isoformat()
    assert api_numbers(api, f"?created_from={since}") == _numbers(spread, "甲", "乙", "丙")
    assert api_numbers(api, f"?created_to={since}") == _numbers(spread, "丁")


def test_clock_lights_are_the_badges_of_the_list(client, api, world, spread):
    """Red overdue, yellow from the time it turns due soon (warn_at, counted in working time), green before,
    grey while paused: as `workflow.models.item_state` colours the 最近时限 badge."""
    now = timezone.now()
    hour = dt.timedelta(hours=1)
    times = {"甲": (now - hour, now - 2 * hour, False), "乙": (now + hour, now - hour, False),
             "丙": (now + 5 * hour, now + 2 * hour, False), "丁": (None, None, True)}
    for title, (due, warn, paused) in times.items():
        TrackedItem.objects.filter(pk=spread[title].item_id).update(due_at=due, warn_at=warn, paused=paused)
    client.force_login(world.admin)
    api.force_authenticate(world.admin)
    for light, title in (("red", "甲"), ("yellow", "乙"), ("green", "丙"), ("grey", "丁")):
        assert page_numbers(client, f"?clock={light}") == api_numbers(api, f"?clock={light}") == \
            _numbers(spread, title), light
    page = client.get(reverse("requests:list") + "?clock=yellow").content.decode()
    assert "临期" in page  # the row shows the light it was found by
    assert list(api.get("/api/v1/requests/?clock=blue").json()) == ["clock"]


def test_the_page_offers_the_zones_units_workstations_and_butlers_only(client, world, spread):
    f.UnitFactory(zone=world.other_zone, name="达州供电公司")
    f.UserFactory(zone=world.other_zone, username="dz-butler", name="达州管家", roles=["butler"])
    client.force_login(world.butler1)
    page = client.get(reverse("requests:list")).content.decode()
    form = client.get(reverse("requests:list")).context["filter"].form
    assert {label for _pk, label in form.fields["unit"].widget.choices} >= {"供电公司", "自然资源局"}
    assert "达州供电公司" not in page and "达州工作站" not in page and "达州管家" not in page
    assert 'name="workstation"' in page and 'name="butler"' in page and 'type="date"' in page
    assert "更多筛选" in page
    # An enterprise's contact filters its own requests; who serves whom is no filter of its page.
    client.force_login(world.ent1_user)
    page = client.get(reverse("requests:list")).content.decode()
    assert 'name="unit"' not in page and 'name="butler"' not in page and 'name="workstation"' not in page
    assert "自然资源局" not in page
    assert page_numbers(client, "") == _numbers(spread, "甲", "乙")


def test_a_zone_of_many_butlers_finds_them_by_name_not_in_a_select(client, world, spread, monkeypatch):
    from guanjia.requests import filtersets

    monkeypatch.setattr(filtersets, "BUTLER_SELECT_MAX", 1)
    client.force_login(world.admin)
    page = client.get(reverse("requests:list")).content.decode()
    assert 'name="butler"' not in page and 'name="butler_name"' in page
    named = client.get(reverse("requests:list"), {"butler_name": world.butler2.name})
    assert page_numbers(client, f"?butler_name={world.butler2.name}") == _numbers(spread, "丙", "丁")
    assert named.status_code == 200
    monkeypatch.setattr(filtersets, "BUTLER_SELECT_MAX", 200)
    page = client.get(reverse("requests:list")).content.decode()
    assert 'name="butler"' in page and 'name="butler_name"' not in page


def test_the_butlers_select_reads_them_in_order_through_an_index(world):
    """The first 201 butlers by name are read in order through the (zone, name, id) index, not all of a zone's
    thousands sorted (2.7 ms on PostgreSQL and 2.1 ms on SQLite at 3 834 butlers; 0.5-0.6 ms through it)."""
    from guanjia.core.bulk import refresh_statistics
    from guanjia.core.choices import Role
    from guanjia.org.models import User
    from guanjia.requests.filtersets import BUTLER_SELECT_MAX, butlers_by_name
    from guanjia.tests_support.planner import plan

    people = User.objects.bulk_create(User(zone=world.zone, username=f"b{n:04d}", name=f"管家{n:04d}")
                                      for n in range(600))
    User.roles.through.objects.bulk_create(User.roles.through(user_id=p.pk, role_id=Role.BUTLER) for p in people)
    refresh_statistics(models=(User, User.roles.through))
    steps = plan(butlers_by_name(world.admin)[:BUTLER_SELECT_MAX + 1], disable=("seqscan", "sort"))
    if connection.vendor == "postgresql":  # a test database's few rows: show the index can serve the order
        assert "user_zone_name" in steps and "Sort" not in steps, steps
    else:
        assert "user_zone_name" in steps and "TEMP B-TREE" not in steps, steps
    names = [name for _pk, name, _username in butlers_by_name(world.admin)[:BUTLER_SELECT_MAX + 1]]
    assert names == sorted(names) and len(names) == BUTLER_SELECT_MAX + 1


def test_the_export_link_carries_the_filters(client, world, spread):
    client.force_login(world.admin)
    page = client.get(reverse("requests:list") + "?source=portal&clock=red").content.decode()
    assert f'href="{reverse("requests:export")}?source=portal&amp;clock=red"' in page
    # The htmx answer (the table only) carries it too, so the link follows the filters as they change.
    partial = client.get(reverse("requests:list") + "?urgency=urgent", HTTP_HX_REQUEST="true").content.decode()
    assert "urgency=urgent" in partial and "导出 Excel" in partial


def test_the_export_has_the_columns_a_zone_prints(client, world, spread):
    client.force_login(world.admin)
    header, *rows = export_rows(client, f"?unit={world.unit2.pk}")
    assert header == ("编号", "标题", "企业", "类别", "来源", "紧急程度", "状态", "责任管家", "牵头单位", "协办单位",
                      "提出时间", "办结时限", "办结时间", "是否超期")
    by_title = {row[1]: row for row in rows}
    assert set(by_title) == {"甲", "丙"}
    first = by_title["甲"]
    assert first[0] == spread["甲"].number and first[2] == world.ent1.name
    assert first[3:7] == ("要素保障（水电气）", "走访发现", "一般", "已转办")
    assert first[7] == str(world.butler1.name or world.butler1.username)
    assert first[8:10] == ("供电公司", "自然资源局")
    assert isinstance(first[10], dt.datetime) and first[12] is None and first[13] == "否"
    assert by_title["丙"][5] == "紧急" and by_title["丙"][8:10] == ("自然资源局", None)
    sheet = load_workbook(io.BytesIO(client.get(reverse("requests:export")).content)).active
    assert sheet.freeze_panes == "A2"


def test_the_export_says_overdue_as_the_list_does(client, world, spread):
    TrackedItem.objects.filter(pk=spread["乙"].item_id).update(due_at=timezone.now() - dt.timedelta(hours=1))
    client.force_login(world.admin)
    rows = {row[1]: row for row in export_rows(client, "?clock=red")[1:]}
    assert set(rows) == {"乙"} and rows["乙"][13] == "是"


def test_an_enterprise_exports_its_own_requests_as_it_reads_them(client, world, spread):
    first = spread["甲"]
    s.request_unit_sign(actor=world.unit_user1, request=first)
    s.request_return(actor=world.unit_user1, request=Request.objects.get(pk=first.pk), reason="不属本单位职责：内部")
    client.force_login(world.ent1_user)
    header, *rows = export_rows(client)
    assert {row[1] for row in rows} == {"甲", "乙"}  # never ent2's
    returned = next(row for row in rows if row[1] == "甲")
    assert returned[6] == "已转办"  # 退单待仲裁 is the units' dispute with the center
    content = client.get(reverse("requests:export")).content
    assert "内部".encode() not in content
    # The staff read the status as it is.
    client.force_login(world.admin)
    assert next(row for row in export_rows(client) if row[1] == "甲")[6] == "退单待仲裁"


def test_a_unit_exports_what_was_transferred_to_it(client, world, spread):
    client.force_login(world.unit_user1)
    assert {row[1] for row in export_rows(client)[1:]} == {"甲"}


def test_the_export_takes_a_fixed_number_of_queries(client, world):
    client.force_login(world.admin)
    for _n in range(2):
        raise_one(world)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows = export_rows(client)
        return len(ctx), len(rows)

    few, two = count()
    for n in range(25):
        request = s.request_accept(actor=world.butler1, request=raise_one(world, title=f"第{n}件"))
        s.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1, co_units=[world.unit2])
    many, all_rows = count()
    assert (two, all_rows) == (3, 28) and many == few


def test_the_export_is_cut_with_a_message(client, world, monkeypatch):
    monkeypatch.setattr(exporting, "MAX_ROWS", 3)
    monkeypatch.setattr(exporting, "CHUNK_SIZE", 2)
    for _n in range(5):
        raise_one(world)
    client.force_login(world.admin)
    rows = export_rows(client)
    assert len(rows) == 1 + 3 + 1 and "仅导出前 3 条" in rows[-1][0]
    assert len(rows[1]) == 14 and rows[1][0].startswith("GJ-")


def test_an_invalid_filter_exports_nothing_rather_than_everything(client, world, spread):
    client.force_login(world.admin)
    assert export_rows(client, "?unit=abc") == [export_rows(client)[0]]


def test_an_enterprise_contact_filters_statuses_as_it_reads_them(client, world):
    """It reads 退单待仲裁 as 已转办: 已转办 finds a returned request, 退单待仲裁 finds nothing, on the page and
    in the API, and the page does not offer 退单待仲裁."""
    from rest_framework.test import APIClient

    returned = s.request_accept(actor=world.butler1, request=raise_one(world, title="退回的诉求"))
    returned = s.request_transfer(actor=world.butler1, request=returned, lead_unit=world.unit1)
    returned = s.request_return(actor=world.unit_user1, request=returned, reason="不属于本单位职责。")
    assert returned.status == "returned"
    client.force_login(world.ent1_user)
    assert page_numbers(client, "?status=transferred") == {returned.number}
    assert page_numbers(client, "?status=returned") == set()
    assert 'value="returned"' not in client.get(reverse("requests:list")).content.decode()
    api = APIClient()
    api.force_authenticate(world.ent1_user)
    assert api_numbers(api, "?status=transferred") == {returned.number}
    assert api_numbers(api, "?status=returned") == set()
    client.force_login(world.admin)  # the staff read it as it is
    assert page_numbers(client, "?status=returned") == {returned.number}
    assert page_numbers(client, "?status=transferred") == set()


def test_an_enterprise_contact_s_sort_by_status_reads_a_return_as_transferred(client, world):
    """Stored, 退单待仲裁 (returned) sorts before 已提交 (submitted) and 已转办 (transferred) after it: sorted so,
    a returned request would stand apart from the 已转办 it reads as."""
    returned = s.request_accept(actor=world.butler1, request=raise_one(world, title="退回的诉求"))
    returned = s.request_transfer(actor=world.butler1, request=returned, lead_unit=world.unit1)
    returned = s.request_return(actor=world.unit_user1, request=returned, reason="不属于本单位职责。")
    transferred = s.request_transfer(actor=world.butler1, request=s.request_accept(
        actor=world.butler1, request=raise_one(world, title="转办的诉求")), lead_unit=world.unit1)
    submitted = raise_one(world, title="刚提交的诉求")
    client.force_login(world.ent1_user)
    rows = [r["number"] for r in client.get(reverse("requests:list") + "?ordering=status").context["object_list"]]
    assert rows.index(submitted.number) < min(rows.index(returned.number), rows.index(transferred.number))
    client.force_login(world.admin)  # the staff sort on the status as it is
    rows = [r["number"] for r in client.get(reverse("requests:list") + "?ordering=status").context["object_list"]]
    assert rows.index(returned.number) < rows.index(submitted.number) < rows.index(transferred.number)
