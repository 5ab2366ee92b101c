from guanjia.tests_support.factories import ProjectFactory

LIST = "/api/v1/projects/"


def test_money_is_yuan_as_decimal_string(api, world):
    api.force_authenticate(world.admin)
    row = api.get(f"{LIST}{world.project1.pk}/").json()
    assert row["total_investment"] == "120000000.00"  # 12 000 万元
    assert row["total_investment_wan"] == "12000.00"
    for field in ("id", "name", "enterprise", "stage", "total_investment", "is_key", "butler", "contact_leader",
                  "signed_on", "started_on", "completed_on", "producing_on"):
        assert field in row


def test_create_in_yuan_and_filters(api, world):
    api.force_authenticate(world.admin)
    response = api.post(LIST, {"name": "年产5.8万套专用轮胎建设项目二期", "enterprise": world.ent1.pk,
                               "total_investment": "350000000", "key_level": "provincial",
                               "signed_on": "2025-03-01", "started_on": "2025-09-10"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["total_investment"] == "350000000.00" and body["stage"] == "started" and body["is_key"]
    assert api.get(LIST, {"is_key": "true"}).json()["count"] == 1
    assert api.get(LIST, {"stage": "started"}).json()["count"] == 1
    assert api.get(LIST, {"started_year": 2025}).json()["count"] == 1


def test_negative_investment_and_enterprise_outside_scope(api, world):
    api.force_authenticate(world.butler1)
    response = api.post(LIST, {"name": "x", "enterprise": world.ent1.pk, "total_investment": "-5"}, format="json")
    assert response.status_code == 400 and "total_investment" in response.json()
    response = api.post(LIST, {"name": "x", "enterprise": world.ent2.pk, "total_investment": "5"}, format="json")
    assert response.status_code == 400 and "enterprise" in response.json()


def test_query_count_is_fixed(api, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api.force_login(world.admin)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(LIST).status_code == 200
        return len(ctx)

    before = count()
    for _n in range(20):
        ProjectFactory(enterprise=world.ent1, butler=world.butler1)
    assert count() == before == 6  # session, user, roles, count, the page's ids, its rows


def test_names_of_people_are_null_where_there_is_none(api, world):
    """`*_name` is the person as shown, or null: never the text of `None.__str__`."""
    bare = ProjectFactory(enterprise=world.ent1, name="无管家测试项目")
    api.force_authenticate(world.admin)
    rows = {r["id"]: r for r in api.get(LIST, {"page_size": 500}).json()["results"]}
    assert (rows[world.project1.pk]["butler_name"], rows[world.project1.pk]["contact_leader_name"]) == (
        str(world.butler1), None)
    assert (rows[bare.pk]["butler_name"], rows[bare.pk]["contact_leader_name"]) == (None, None)


def test_a_list_reads_only_what_it_shows_of_the_related_rows_and_shows_what_a_whole_read_shows(api, world):
    """`list_related_columns`: the list's enterprise and people are read for their names only; every row
    answers as one read whole (the detail) does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ProjectFactory(enterprise=world.ent1, butler=world.butler1, contact_leader=world.leader)
    api.force_authenticate(world.admin)
    with CaptureQueriesContext(connection) as ctx:
        rows = api.get(LIST, {"page_size": 500}).json()["results"]
    read = next(q["sql"] for q in ctx.captured_queries if '"enterprises_enterprise"."name"' in q["sql"])
    assert '"enterprises_enterprise"."uscc"' not in read and '"org_user"."password"' not in read
    assert '"projects_project"."description"' in read  # the project's own columns are all read
    assert len(rows) >= 2
    for row in rows:
        assert row == api.get(f"{LIST}{row['id']}/").json()
