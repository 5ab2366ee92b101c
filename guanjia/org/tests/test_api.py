def test_units_list(api, world):
    api.force_authenticate(world.unit_user1)
    body = api.get("/api/v1/units/").json()
    assert {r["name"] for r in body["results"]} == {"供电公司", "自然资源局"}
    assert set(body["results"][0]) >= {"id", "name", "kind"}


def test_people_scope_for_enterprise_contact(api, world):
    api.force_authenticate(world.ent1_user)
    names = {r["username"] for r in api.get("/api/v1/people/").json()["results"]}
    assert names == {"ent1", "butler1", "leader"}
