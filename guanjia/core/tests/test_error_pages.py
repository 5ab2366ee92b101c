"""403, 404 and 500: the product's own pages in the layout, JSON under /api/, never Django's bare English."""

import json

import pytest
from django.urls import reverse

FULL_WIDTH_ONE = "%EF%BC%91"  # "１"


def test_a_page_out_of_scope_is_the_products_404_with_the_menu_and_a_way_back(client, world):
    client.force_login(world.butler1)
    response = client.get(reverse("enterprises:detail", args=[world.ent2.pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and 'id="nav"' in html and 'name="viewport"' in html
    assert f'href="{reverse("home")}"' in html and "Not Found" not in html


def test_a_page_a_role_may_not_open_is_the_products_403(client, world):
    client.force_login(world.butler1)
    response = client.get(reverse("calendar:years"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "无权操作" in html and 'id="nav"' in html and "403 Forbidden" not in html


def test_the_404_page_follows_the_language(client, world):
    client.force_login(world.butler1)
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_an_api_address_no_route_matches_is_a_json_404(api, world):
    api.force_authenticate(world.admin)
    response = api.get("/api/v1/visits-that-do-not-exist/")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "未找到。"}


def test_an_api_object_out_of_scope_says_not_found_in_the_callers_language(api, world):
    api.force_authenticate(world.butler1)
    url = f"/api/v1/enterprises/{world.ent2.pk}/"
    assert api.get(url).json() == {"detail": "未找到。"}
    assert api.get(url, headers={"accept-language": "en"}).json() == {"detail": "Not found."}


@pytest.mark.parametrize("path", ["enterprises", "requests", "meetings"])
def test_api_ids_are_ascii_digits_only(api, world, path):
    api.force_authenticate(world.admin)
    assert api.get(f"/api/v1/{path}/{FULL_WIDTH_ONE}/").status_code == 404


@pytest.mark.parametrize("url", ["/api/v1/auth/token/", "/api/v1/requests/"])
def test_json_nested_too_deep_is_a_400_not_a_500(api, world, url):
    api.force_authenticate(world.butler1)
    body = "[" * 5000 + "]" * 5000
    response = api.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in json.loads(response.content)["detail"]


def test_the_500_page_needs_neither_a_request_nor_the_database(client, world, settings):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "服务器出错了" in html and "Server error" in html
