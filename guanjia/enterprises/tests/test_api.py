"""The enterprise API of API.md: token auth, filters, pagination, writes through services, errors."""

import pytest
from django.urls import reverse

from guanjia.enterprises.models import Enterprise
from guanjia.tests_support.factories import PASSWORD, EnterpriseFactory, make_uscc

LIST = "/api/v1/enterprises/"


def token_for(api, user):
    response = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def test_token_auth_and_me(api, world):
    token = token_for(api, world.butler1)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me == {"id": world.butler1.pk, "username": "butler1", "name": world.butler1.name,
                  "roles": ["butler"], "unit": None, "enterprise": None, "workstation": world.ws1.pk,
                  "zone": world.zone.pk}


def test_unauthenticated_is_401(api, world):
    assert api.get(LIST).status_code == 401
    assert api.post("/api/v1/auth/token/", {"username": "admin", "password": "wrong"},
                    format="json").status_code == 400


def test_list_shape_filters_search_and_paging(api, world):
    api.force_authenticate(world.admin)
    for n in range(7):
        EnterpriseFactory(zone=world.zone, name=f"秦都电子{n}有限公司", industry="C39", workstation=world.ws2)
    body = api.get(LIST, {"page_size": 5}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 9 and len(body["results"]) == 5 and body["next"]
    first = body["results"][0]
    for field in ("id", "name", "uscc", "industry", "scale", "tags", "workstation", "butler", "contact_leader"):
        assert field in first
    assert api.get(LIST, {"q": "秦都电子"}).json()["count"] == 7
    assert api.get(LIST, {"q": world.ent1.uscc[:17].lower()}).json()["count"] == 1
    assert api.get(LIST, {"workstation": world.ws1.pk}).json()["count"] == 1
    assert api.get(LIST, {"section": "C"}).json()["count"] == 9
    assert api.get(LIST, {"butler": world.butler1.pk}).json()["results"][0]["name"] == world.ent1.name
    assert api.get(LIST, {"page_size": 1000}).json()["results"].__len__() == 9  # capped at 500, not an error


def test_bad_filter_value_is_400_not_500(api, world):
    api.force_authenticate(world.admin)
    response = api.get(LIST, {"workstation": "abc"})
    assert response.status_code == 400


def test_create_update_archive(api, world):
    api.force_authenticate(world.admin)
    payload = {"name": "咸阳华星光电有限公司", "uscc": make_uscc(777), "industry": "C39", "scale": "above",
               "tags": ["高新技术企业"], "workstation": world.ws1.pk, "butler": world.butler1.pk}
    response = api.post(LIST, payload, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["butler"] == world.butler1.pk and created["tags"] == ["高新技术企业"]
    url = f"{LIST}{created['id']}/"
    response = api.patch(url, {"butler": world.butler2.pk, "address": "世纪大道55号"}, format="json")
    assert response.status_code == 200 and response.json()["butler"] == world.butler2.pk
    assert api.delete(url).status_code == 204
    assert api.get(url).json()["archived"] is True
    assert created["id"] not in [r["id"] for r in api.get(LIST).json()["results"]]
    assert api.post(f"{url}restore/").json()["archived"] is False


@pytest.mark.parametrize(
    ("payload", "field", "fragment"),
    [
        ({"uscc": "91110000600037341X"}, "uscc", "校验位错误"),
        ({"uscc": "DUP"}, "uscc", "已登记"),
        ({"industry": "Z99"}, "industry", ""),
        ({"butler": 999999}, "butler", ""),
    ],
)
def test_bad_input_is_400_with_field_errors(api, world, payload, field, fragment):
    api.force_authenticate(world.admin)
    data = {"name": "测试企业", "uscc": make_uscc(778), **payload}
    if data["uscc"] == "DUP":
        data["uscc"] = world.ent1.uscc
    response = api.post(LIST, data, format="json")
    assert response.status_code == 400
    assert fragment in " ".join(response.json()[field])


def test_butler_of_other_zone_via_api_is_unknown(api, world):
    api.force_authenticate(world.admin)
    response = api.post(LIST, {"name": "x", "uscc": make_uscc(779), "butler": world.foreign_admin.pk},
                        format="json")
    assert response.status_code == 400 and "butler" in response.json()


def test_role_without_right_gets_403_on_visible_object(api, world):
    api.force_authenticate(world.supervisor)
    assert api.patch(f"{LIST}{world.ent1.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.post(LIST, {"name": "x", "uscc": make_uscc(780)}, format="json").status_code == 403
    api.force_authenticate(world.butler1)
    # A butler may edit their enterprise but not hand it to someone else.
    assert api.patch(f"{LIST}{world.ent1.pk}/", {"address": "永昌路1号"}, format="json").status_code == 200
    assert api.patch(f"{LIST}{world.ent1.pk}/", {"butler": world.butler2.pk}, format="json").status_code == 403


def test_phone_numbers_masked_for_roles_that_do_not_need_them(api, world):
    from guanjia.enterprises.services import contact_save

    contact_save(actor=world.admin, enterprise=world.ent1, name="崔哲", phone="13812345678", is_primary=True)
    api.force_authenticate(world.butler1)
    assert api.get(f"{LIST}{world.ent1.pk}/").json()["contacts"][0]["phone"] == "13812345678"
    api.force_authenticate(world.supervisor)
    assert api.get(f"{LIST}{world.ent1.pk}/").json()["contacts"][0]["phone"] == "138****5678"


def test_list_query_count_does_not_grow(api, world):
    api.force_login(world.admin)  # a session: the user is loaded afresh on every request
    url = reverse("enterprise-list")

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert api.get(url, {"q": "有限公司"}).status_code == 200
        return len(ctx)

    small = count_queries()
    for n in range(30):
        EnterpriseFactory(zone=world.zone, name=f"扩容测试{n}有限公司", butler=world.butler1, workstation=world.ws1)
    assert count_queries() == small
    # session, user, roles, count, the page's ids, its rows, tags
    assert small == 7


def test_schema_and_docs_are_served_locally(client, world):
    client.force_login(world.admin)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/enterprises/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower() and "/static/drf_spectacular_sidecar/" in docs


def test_names_of_people_are_null_where_there_is_none(api, world):
    """`*_name` is the person as shown, or null: never the text of `None.__str__`."""
    bare = EnterpriseFactory(zone=world.zone, name="咸阳无管家测试有限公司")
    api.force_authenticate(world.admin)
    rows = {r["id"]: r for r in api.get(LIST, {"page_size": 500}).json()["results"]}
    assert (rows[world.ent1.pk]["butler_name"], rows[world.ent1.pk]["contact_leader_name"]) == (
        str(world.butler1), str(world.leader))
    assert (rows[world.ent2.pk]["butler_name"], rows[world.ent2.pk]["contact_leader_name"]) == (
        str(world.butler2), None)
    assert (rows[bare.pk]["butler_name"], rows[bare.pk]["contact_leader_name"]) == (None, None)
    detail = api.get(f"{LIST}{bare.pk}/").json()
    assert (detail["butler_name"], detail["contact_leader_name"]) == (None, None)


@pytest.mark.parametrize("field", ["workstation", "butler", "contact_leader"])
def test_a_fraction_is_no_id(api, world, field):
    """The database would read leader.pk + 0.5 as the leader: the relation is refused, nothing changes."""
    target = {"workstation": world.ws1, "butler": world.butler1, "contact_leader": world.leader}[field]
    api.force_authenticate(world.admin)
    response = api.patch(f"{LIST}{world.ent2.pk}/", {field: target.pk + 0.5}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    response = api.post(LIST, {"name": "咸阳华星光电有限公司", "uscc": make_uscc(778), field: target.pk + 0.5},
                        format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    world.ent2.refresh_from_db()
    assert (world.ent2.workstation, world.ent2.butler, world.ent2.contact_leader) == (world.ws2, world.butler2, None)
    assert not Enterprise.objects.filter(name="咸阳华星光电有限公司").exists()
