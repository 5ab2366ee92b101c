"""Keeps the benchmark code working (tiny sizes; no timing is asserted)."""

import pytest

from bench.run import Figure, make_roster, measure_requests


@pytest.mark.urls("bench.urls")
def test_measure_requests_reports_a_ratio_per_target(client, db):
    from guanjia.tests_support.factories import build_world

    world = build_world()
    client.force_login(world.admin)
    figures = measure_requests(client, {"enterprises": "/api/v1/enterprises/?q=咸阳"}, repeat=3, budget=3)
    assert [f.name for f in figures][1:] == ["enterprises"]
    assert all(f.median_ms > 0 and f.queries is not None for f in figures)
    assert "× floor" in figures[1].line()


def test_roster_is_a_valid_workbook():
    from io import BytesIO

    from openpyxl import load_workbook
    from stdnum.cn import uscc

    rows = list(load_workbook(BytesIO(make_roster(5, start=10)), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码") and len(rows) == 6
    assert all(uscc.is_valid(row[1]) for row in rows[1:])


def test_ratio():
    assert Figure("x", 6.0, 2.0, 1).ratio == 3.0


# The request figures (`python -m bench --requests M`) ---------------------------------------------------------

@pytest.fixture
def seeded_requests(db):
    import datetime as dt

    from django.utils import timezone

    from guanjia.demo.seed import seed_zone
    from guanjia.demo.seed_requests import seed_requests

    as_of = timezone.make_aware(dt.datetime(2026, 6, 30, 17, 0))
    zone = seed_zone(enterprises=80, seed=5).zone
    seed_requests(zone=zone, count=400, seed=5, as_of=as_of)
    return zone, as_of


def test_request_floors_give_the_products_figures(seeded_requests):
    import datetime as dt

    import time_machine

    from bench import floors
    from bench.request_figures import busiest_butler, busiest_unit_handler
    from guanjia.core.choices import Role
    from guanjia.org.models import User
    from guanjia.reports.selectors import request_stats
    from guanjia.requests import services
    from guanjia.requests.choices import Status
    from guanjia.requests.models import Request
    from guanjia.tests_support.factories import UserFactory
    from guanjia.workflow import parties
    from guanjia.workflow.selectors import worklist

    zone, as_of = seeded_requests
    # An extension application awaiting a decision: the center's and the leaders' 我的待办 list it.
    open_one = Request.objects.filter(zone=zone, status=Status.IN_UNITS).order_by("pk").first()
    application = services.request_apply_extension(actor=open_one.butler, request=open_one, days=3, reason="材料未齐")
    # A leader's 批示 on an escalated request: the floor counts it as the product does (批示数).
    escalated = Request.objects.filter(zone=zone, status=Status.ESCALATED, created_at__year=2026).order_by("pk").first()
    services.request_instruct(actor=User.objects.with_role(Role.LEADER).filter(zone=zone).first(),
                              request=escalated, comment="请牵头单位本周内拿出方案。")
    period = {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 12, 31)}
    product = request_stats(Request.objects.filter(zone=zone), now=as_of, **period)
    floor = floors.stats(zone_id=zone.pk, now=as_of, **period)
    assert floor == {name: product[name] for name in floor} and floor["accepted"] > 0
    assert floor["instructions"] == 1
    people = [busiest_butler(zone), User.objects.with_role(Role.ADMIN).get(zone=zone),
              User.objects.with_role(Role.LEADER).filter(zone=zone).first(), busiest_unit_handler(zone),
              UserFactory(zone=zone, roles=[Role.SUPERVISOR])]
    with time_machine.travel(as_of, tick=False):
        for person in people:
            person = User.objects.get(pk=person.pk)
            overdue = as_of if parties.supervises(person) else None
            total, rows = floors.worklist_page(zone_id=zone.pk, parties=parties.of_person(person),
                                               overdue_before=overdue)
            expected = list(worklist(person))
            assert total == len(expected) > 0, person
            assert [(row[1], row[2]) for row in rows] == [(r["kind"], r["object_id"]) for r in expected[:floors.PAGE]]
            # Raw SQL gives SQLite's text; the first 19 characters are the UTC time on both databases.
            assert [str(row[8])[:19] for row in rows] == [str(r["due_at"])[:19] for r in expected[:floors.PAGE]]
    assert ("extension_application", application.extension_applications.get().pk) in {
        (r["kind"], r["object_id"]) for r in worklist(people[1])}


@pytest.mark.urls("bench.urls")
def test_request_figures_measure_and_leave_the_data_as_they_found_it(seeded_requests):
    import datetime as dt

    from django.utils import timezone

    from bench import request_figures as rf
    from guanjia.core.choices import Role
    from guanjia.notifications.models import Notification, ReminderSent
    from guanjia.org.models import User
    from guanjia.requests.models import Request

    zone, as_of = seeded_requests
    admin = User.objects.with_role(Role.ADMIN).get(zone=zone)
    cases = rf.worklist_and_stats_cases(zone=zone, admin=admin, year=2026)
    assert {case.name for case in cases} >= {"page 我的待办, the busiest butler", "page 我的待办, an admin (the center)",
                                             "page 我的待办, the busiest unit's handler"}
    figures = rf.measure_cases(cases, repeat=2, budget=3)
    assert len(figures) == 2 * len(cases) and all(f.median_ms > 0 and f.queries for f in figures)
    assert "× floor (target < 3×)" in figures[1].line()
    before = (Request.objects.count(), Notification.objects.count(), ReminderSent.objects.count())
    minimal, floor, raised = rf.measure_raise(zone=zone, admin=admin, posts=3, rounds=1)
    assert minimal.queries < floor.queries < raised.queries and floor.ratio == 1
    assert "× floor (target < 2×)" in raised.line()
    moment = rf.reminder_moment(timezone.make_aware(dt.datetime(2026, 6, 30, 9, 0)))
    assert moment == timezone.make_aware(dt.datetime(2026, 6, 29, 10, 0))  # Monday: Tuesday 10:00 not yet
    figure, detail = rf.measure_reminders(now=moment)
    assert figure.against == "budget" and "running clocks" in detail
    assert (Request.objects.count(), Notification.objects.count(), ReminderSent.objects.count()) == before


@pytest.mark.urls("bench.urls")
def test_the_raise_floor_writes_the_rows_the_product_writes(client, db):
    """The fair floor of raising inserts what a raise inserts: the same tables, rows and values, but for ids,
    times, the number and the deadline (the floor's is a fixed day ahead)."""
    from django.forms.models import model_to_dict

    from guanjia.requests.models import Request
    from guanjia.tests_support.factories import build_world
    from guanjia.workflow.models import Clock, ClockEvent, Duty, Event, TrackedItem

    world = build_world()
    client.force_login(world.admin)
    body = {"enterprise": world.ent1.pk, "category": "factors", "source": "phone", "urgency": "normal",
            "title": "二期厂房用电增容", "description": "二期生产线投产需将变压器容量增至2000kVA。"}
    made = []
    for url in ("/api/v1/requests/", "/bench/floor/raise/"):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 201
        made.append(Request.objects.get(pk=response.json()["id"]))
    skip = {"id", "item", "clock", "object_id", "number", "created_at", "updated_at", "at", "started_at", "due_at",
            "warn_at"}

    def rows(request):
        item = request.item_id
        found = {"request": [request], "item": [TrackedItem.objects.get(pk=item)],
                 "clocks": list(Clock.objects.filter(item=item)), "duties": list(Duty.objects.filter(item=item)),
                 "ledger": list(ClockEvent.objects.filter(clock__item=item)),
                 "timeline": list(Event.objects.filter(item=item))}
        return {table: [{k: v for k, v in model_to_dict(row).items() if k not in skip} for row in objects]
                for table, objects in found.items()}

    product, floor = (rows(request) for request in made)
    assert product == floor and all(product.values())
    assert made[1].number.startswith(made[0].number[:8]) and made[1].item.object_id == made[1].pk


def test_search_figures_compare_the_index_with_the_scan(db):
    from bench.search_figures import enterprise_search, request_search
    from guanjia.requests import services
    from guanjia.tests_support.factories import build_world

    world = build_world()
    services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                           title="融资贴息", description="。")
    figures = enterprise_search(repeat=2, words=("咸阳", "轮胎")) + request_search(repeat=2, words=("融资",))
    assert all("DIFFERENT" not in f.name and f.median_ms > 0 and f.floor_ms > 0 for f in figures)
    assert "× the scan (target < 0.2×)" in figures[0].line() and "(1 rows)" in figures[2].name


# The projects statistics (bench/project_stats_figures.py) ----------------------------------------------------------

def test_project_stats_floor_gives_the_products_figures(db):
    import datetime as dt

    from django.utils import timezone

    from bench.project_stats_figures import ensure_investment, floor_figures, product_figures
    from guanjia.demo.seed import seed_zone
    from guanjia.projects.models import Project
    from guanjia.targets.selectors import project_stats

    zone = seed_zone(enterprises=60, projects=80, seed=5).zone
    archived = Project.objects.filter(zone=zone).exclude(started_on=None).order_by("pk").first()
    Project.objects.filter(pk=archived.pk).update(archived_at=timezone.now())  # counted by neither
    for year in (2025, 2026):
        assert ensure_investment(zone=zone, year=year) > 0
        product = product_figures(project_stats(projects=Project.objects.filter(zone=zone), zone_id=zone.pk,
                                                year=year, today=dt.date(year, 12, 31)))
        floor = floor_figures(zone_id=zone.pk, year=year)
        assert floor == product
        assert floor["investment"] > 0 and floor["targets"]["新增规上企业"] == 50
    assert ensure_investment(zone=zone, year=2026) == 0  # once per dataset


# The 代办 planning figures ---------------------------------------------------------------------------------------


def test_planning_floor_gives_the_planners_dates(db):
    from bench.planning_figures import bare_all, plan_all, planning_figure, synthetic_handbooks
    from guanjia.core.calendar import WorkingCalendar

    cases = synthetic_handbooks(handbooks=30, items=40, seed=3)
    assert plan_all(cases, WorkingCalendar.load()) == bare_all(cases, WorkingCalendar.load())
    floor, figure = planning_figure(repeat=2, handbooks=20, items=40)
    assert "DIFFERENT" not in figure.name and figure.budget == 2 and figure.median_ms > 0


@pytest.mark.urls("bench.urls")
def test_handbook_floor_gives_the_pages_rows(client, db):
    from bench.planning_figures import ensure_handbook, handbook_cases, handbook_rows
    from bench.request_figures import measure_cases
    from guanjia.tests_support.factories import build_world

    world = build_world()
    handbook = ensure_handbook(zone=world.zone, admin=world.admin, items=12)
    assert ensure_handbook(zone=world.zone, admin=world.admin, items=12) == handbook  # made once
    client.force_login(world.admin)
    api = client.get(f"/api/v1/projects/{handbook.project_id}/approvals/").json()["results"]
    rows = handbook_rows(handbook.pk)
    assert [(r[0], r[1], r[8], r[9], r[10], r[11], bool(r[12])) for r in rows] == [
        (a["id"], a["name"], a["planned_start"], a["planned_due"], a["baseline_due"], a["float_days"], a["critical"])
        for a in api]
    assert client.get(f"/bench/floor/handbook/{handbook.pk}/").json()["results"][0][1] == rows[0][1]
    figures = measure_cases(handbook_cases(client=client, handbook=handbook), repeat=2, budget=3)
    assert all(f.median_ms > 0 and f.queries for f in figures)


# The promotion board (`python -m bench --promotion N`) ----------------------------------------------------------


def test_promotion_floor_gives_the_products_rows(db):
    import datetime as dt

    from django.utils import timezone

    from bench import promotion_figures as pf
    from guanjia.promotion.tests.factories import handed_over, travel
    from guanjia.tests_support.factories import build_world

    world = build_world()
    handed_over(world)
    world.project2.key_level = "city"
    world.project2.planned_signed_on = dt.date(2026, 3, 1)
    world.project2.full_clean()
    world.project2.save()
    with travel(dt.date(2026, 10, 9)):
        now = timezone.now()
        product = pf.product_rows(world.admin, now)
        assert product == pf.floor_rows(zone_id=world.zone.pk, now=now)
        assert [row[0] for row in product] == sorted([world.project1.pk, world.project2.pk],
                                                     key=lambda pk: [world.project1, world.project2][
                                                         pk != world.project1.pk].name)
        assert product[[r[0] for r in product].index(world.project1.pk)][3:5] == (0, 1)  # one due soon
        figure = pf.board_figure(user=world.admin, zone_id=world.zone.pk, repeat=2)
    assert "DIFFERENT" not in figure.name and figure.queries == 2


def test_promotion_seed_makes_tables_through_the_services(db):
    import datetime as dt

    from bench import promotion_figures as pf
    from guanjia.promotion.models import PromotionTable
    from guanjia.tests_support.factories import build_world

    world = build_world()
    assert pf.seed_tables(zone=world.zone, admin=world.admin, count=2, today=dt.date(2026, 10, 9)) == 2
    assert PromotionTable.objects.filter(zone=world.zone).count() == 2


@pytest.mark.urls("bench.urls")
def test_the_list_floors_give_the_products_rows_and_counts(seeded_requests, client):
    """Each list's floor (bench/list_figures.py) returns the page the product shows: the same ids in the same
    order and the same total, in the default order, filtered and searched (the words taken from the data, so
    that each search finds rows), with an archived enterprise and project and a merged request about."""
    import dataclasses

    from django.db import connection

    from bench import list_figures
    from guanjia.core.choices import Role
    from guanjia.enterprises.models import Enterprise
    from guanjia.org.models import User
    from guanjia.projects.models import Project
    from guanjia.requests.models import Request

    zone, _as_of = seeded_requests
    admin = User.objects.with_role(Role.ADMIN).get(zone=zone)
    Enterprise.objects.filter(pk=Enterprise.objects.filter(zone=zone).order_by("name").values("pk")[:1]).update(
        archived_at="2026-01-01T00:00:00Z")
    Project.objects.filter(pk=Project.objects.filter(zone=zone).order_by("name").values("pk")[:1]).update(
        archived_at="2026-01-01T00:00:00Z")
    merged, into = Request.objects.filter(zone=zone).order_by("-created_at")[:2]
    Request.objects.filter(pk=merged.pk).update(status="merged", merged_into=into)
    words = {"enterprises": Enterprise.objects.filter(zone=zone).order_by("pk").first().name[2:4],
             "projects": Project.objects.filter(zone=zone).order_by("pk").first().name[-4:-2],
             "requests": Request.objects.filter(zone=zone).order_by("pk").first().title[:2]}
    client.force_login(admin)
    checked = 0
    for spec in list_figures.LISTS.values():
        for variant in spec.variants:
            if variant.search:  # the floor's SQL with the data's word
                variant = dataclasses.replace(variant, query={"q": words[spec.key]}, search=words[spec.key])
                sql, params = list_figures.floor_sql(spec, variant, zone_id=zone.pk, limit=20)
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    rows = cursor.fetchall()
                floor = {"ids": [row[0] for row in rows], "count": rows[0][-1] if rows else 0}
            else:  # the floor's view, as the benchmark calls it
                floor = client.get(f"/bench/floor/list/{spec.key}/{variant.name}/", {"limit": 20}).json()
            answer = client.get(spec.api, {**variant.query, "page_size": 20}).json()
            assert floor["ids"] == [row["id"] for row in answer["results"]], (spec.key, variant.name)
            assert floor["count"] == answer["count"] > 0, (spec.key, variant.name)
            checked += 1
    assert checked == 9


@pytest.mark.urls("bench.urls")
def test_the_detail_floors_read_the_products_timeline_and_contacts(seeded_requests, client):
    from bench import detail_figures
    from guanjia.core.choices import Role
    from guanjia.enterprises.models import Contact
    from guanjia.org.models import User
    from guanjia.requests.models import Request

    zone, _as_of = seeded_requests
    admin = User.objects.with_role(Role.ADMIN).get(zone=zone)
    request_pk, enterprise_pk = detail_figures.subjects(zone)
    assert Request.objects.get(pk=request_pk).enterprise_id == enterprise_pk
    Contact.objects.create(enterprise_id=enterprise_pk, name="李四", phone="13800000000")
    client.force_login(admin)
    timeline = client.get(f"/api/v1/requests/{request_pk}/timeline/", {"page_size": 500}).json()
    timeline = timeline["results"] if isinstance(timeline, dict) else timeline
    rows = detail_figures.floor_rows("request", request_pk, zone.pk)
    assert [row[detail_figures.EVENT_ID] for row in rows] == [event["id"] for event in timeline]
    assert len(rows) >= 5
    contacts = detail_figures.floor_rows("enterprise", enterprise_pk, zone.pk)
    page = client.get(f"/enterprises/{enterprise_pk}/")
    assert [row[detail_figures.CONTACT_ID] for row in contacts] == [
        contact.pk for contact in page.context["contacts"]]
    for case in detail_figures.cases(zone=zone, admin=admin):
        assert case.client.get(case.url).status_code == case.client.get(case.floor_url).status_code == 200


@pytest.mark.urls("bench.urls")
def test_the_home_floor_reads_the_pages_counts(seeded_requests, client):
    from bench import home_figures
    from bench.request_figures import busiest_butler
    from guanjia.core.choices import Role
    from guanjia.enterprises.models import Enterprise
    from guanjia.org.models import User
    from guanjia.projects.models import Project

    zone, _as_of = seeded_requests
    admin = User.objects.with_role(Role.ADMIN).get(zone=zone)
    butler = busiest_butler(zone)
    # An archived enterprise and project, counted by neither
    Enterprise.objects.filter(pk=Enterprise.objects.filter(zone=zone, butler=butler).order_by("pk").values("pk")[:1]
                              ).update(archived_at="2026-01-01T00:00:00Z")
    Project.objects.filter(pk=Project.objects.filter(zone=zone).order_by("pk").values("pk")[:1]).update(
        archived_at="2026-01-01T00:00:00Z")
    for person in (admin, butler):
        client.force_login(person)
        page = client.get("/").context
        floor = client.get("/bench/floor/home/").json()
        ents, projs = page["enterprise_counts"], page["project_counts"]
        assert [floor[name] for name in home_figures.COUNTS] == [
            ents["total"], ents["above"], ents["mine"], projs["total"], projs["key"], projs["mine"], projs["building"]]
        assert floor["worklist_count"] == page["worklist_count"] > 0
        assert [(row[1], row[2]) for row in floor["worklist"]] == [
            (row["kind"], row["object_id"]) for row in page["worklist"]]
        if person is admin:
            assert [tuple(row) for row in floor["workstations"]] == [
                (w.pk, w.enterprise_count, w.project_count) for w in page["by_workstation"]]
            assert sum(row[1] for row in floor["workstations"]) > 0
        else:
            assert ents["mine"] > 0
    for case in home_figures.cases(zone=zone, admin=admin):
        assert case.client.get(case.url).status_code == case.client.get(case.floor_url).status_code == 200


@pytest.mark.urls("bench.urls")
def test_the_layout_floors_are_their_floors_rows_in_the_products_base_template(seeded_requests, client):
    from bench import detail_figures, layout
    from guanjia.core.choices import Role
    from guanjia.org.models import User

    zone, _as_of = seeded_requests
    admin = User.objects.with_role(Role.ADMIN).get(zone=zone)
    found = [*layout.list_cases(zone=zone, admin=admin), *layout.page_cases(zone=zone, admin=admin)]
    worklists = [case for case in found if case.name.startswith("page 我的待办")]
    assert len(worklists) >= 3  # the busiest butler, the center, a leader, … (whoever the zone has)
    assert len(found) == len(worklists) + 9 + 2 + 2  # 我的待办, three lists × three ways, two detail, two home
    for case in found:
        page, floor = case.client.get(case.url), case.client.get(case.floor_url)
        assert page.status_code == floor.status_code == 200, case.name
        html = floor.content.decode()
        assert 'class="navbar' in html and html.count("<tr>") > 0, case.name  # the product's menu, the rows
    request_pk, _enterprise = detail_figures.subjects(zone)
    client.force_login(admin)
    html = client.get(f"/bench/floor/detail/request/{request_pk}/", {"layout": "1"}).content.decode()
    assert html.count("<tr>") == len(detail_figures.floor_rows("request", request_pk, zone.pk))
    total, rows = client.get("/bench/floor/worklist/").json().values()
    html = client.get("/bench/floor/worklist/", {"layout": "1"}).content.decode()
    assert rows and html.count("<tr>") == 1 + len(rows) and f"<td>{total}</td>" in html  # the total, the rows


@pytest.mark.urls("bench.urls")
def test_the_replay_floor_runs_the_pages_own_statements_and_reads_its_rows(seeded_requests, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench import replay
    from guanjia.core.choices import Role
    from guanjia.org.models import User

    zone, _as_of = seeded_requests
    admin = User.objects.with_role(Role.ADMIN).get(zone=zone)
    found = replay.cases(zone=zone, admin=admin)
    assert [case.name for case in found] == [
        "page of a request (诉求详情) (its own SQL)", "page of an enterprise (企业详情) (its own SQL)",
        "page 我的工作台, the center (an admin) (its own SQL)", "page 我的工作台, the busiest butler (its own SQL)"]
    for case in found:
        key = int(case.floor_url.rstrip("/").rsplit("/", 1)[1])
        statements = replay._CAPTURED[key]
        with CaptureQueriesContext(connection) as page:
            assert case.client.get(case.url).status_code == 200
        with CaptureQueriesContext(connection) as floor:
            answer = case.client.get(case.floor_url)
        assert answer.status_code == 200
        # The floor runs what the page runs: its own statements plus what any signed-in request reads anyway.
        assert len(floor) == len(page) and len(statements) >= len(page) - 4, case.name
        assert [q["sql"] for q in floor][-len(statements):] == [q["sql"] for q in page][-len(statements):]
        assert sum(len(rows) for rows in answer.json()["statements"]) > 0
    request_page = found[0]
    key = int(request_page.floor_url.rstrip("/").rsplit("/", 1)[1])
    timeline = next(rows for (sql, _params), rows in zip(replay._CAPTURED[key], replay.rows_of(replay._CAPTURED[key]),
                                                         strict=True) if "workflow_event" in sql.split("FROM")[1])
    assert len(timeline) == len(request_page.client.get(request_page.url).context["events"])


def test_growth_is_each_figures_time_at_the_large_size_over_the_small():
    from bench.growth import table

    def run(requests, times):
        names = ["floor: one SQL", "page 全部诉求", "floor: one SQL", "page 企业库"]
        return {"requests": requests, "figures": [{"name": n, "ms": ms} for n, ms in zip(names, times, strict=True)]}

    lines = table(run(20_000, [2.0, 10.0, 5.0, 10.0]), run(200_000, [8.0, 14.0, 5.0, 16.0]))
    assert "20,000" in lines[0] and "200,000" in lines[0] and len(lines) == 4
    by_name = {line.split()[1]: line for line in lines[2:]}
    assert "1.40×  ok" in by_name["全部诉求"] and by_name["全部诉求"].rstrip().endswith("4.00×")  # its own floor's
    assert "1.60× OVER" in by_name["企业库"] and by_name["企业库"].rstrip().endswith("1.00×")


def test_load_reports_throughput_and_percentiles_and_errors():
    from bench.load import Tally, _percentile, report

    assert _percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.95) == 5.0 and _percentile([], 0.95) == 0.0
    tally = Tally(elapsed=2.0)
    for ms in range(1, 101):
        tally.add("我的待办", float(ms))
    tally.fail("raise /api/v1/requests/: 400")
    first, kind = report("mix", tally)
    assert "50.0 calls/s" in first and "p95     96.0 ms" in first and "1 errors" in first
    assert kind.split()[0] == "我的待办" and "100 calls" in kind
