"""API tokens: they expire, die with a password change or 停用, and a person sees and revokes their own."""

import time_machine
from django.urls import reverse
from django.utils import timezone

from guanjia.accounts.choices import Outcome
from guanjia.accounts.models import ApiToken, SignInEvent
from guanjia.org import services as org
from guanjia.tests_support.factories import PASSWORD

TOKEN, ME = "/api/v1/auth/token/", "/api/v1/me/"
NEW = "Xianyang-2027!"


def issue(api, user, label=""):
    answer = api.post(TOKEN, {"username": user.username, "password": PASSWORD, "label": label}, format="json")
    assert answer.status_code == 200, answer.content
    return answer.json()


def get_me(api, key):
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get(ME)


def test_a_token_is_stored_hashed_and_expires(api, world, settings):
    before = timezone.now()
    body = issue(api, world.butler1)
    assert not ApiToken.objects.filter(digest=body["token"]).exists()  # only its hash is kept
    assert get_me(api, body["token"]).status_code == 200
    world.butler1.refresh_from_db()
    assert world.butler1.last_login >= before  # a token sign-in is a sign-in
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=settings.GUANJIA_TOKEN_HOURS, minutes=1)):
        assert get_me(api, body["token"]).status_code == 401


def test_changing_the_password_by_api_revokes_every_earlier_token(api, world):
    first, second = issue(api, world.butler1)["token"], issue(api, world.butler1)["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {first}")
    answer = api.post("/api/v1/me/password/", {"old_password": PASSWORD, "new_password": NEW}, format="json")
    assert answer.status_code == 200, answer.content
    fresh = answer.json()["token"]
    assert get_me(api, first).status_code == 401 and get_me(api, second).status_code == 401
    assert get_me(api, fresh).status_code == 200
    world.butler1.refresh_from_db()
    assert world.butler1.check_password(NEW)
    outcomes = list(SignInEvent.objects.filter(user=world.butler1).values_list("outcome", flat=True))
    assert Outcome.PASSWORD_CHANGED in outcomes and Outcome.TOKEN_REVOKED in outcomes


def test_the_password_endpoint_checks_the_old_password_and_the_policy(api, world):
    api.force_authenticate(world.butler1)
    wrong = api.post("/api/v1/me/password/", {"old_password": "nope", "new_password": NEW}, format="json")
    assert wrong.status_code == 400 and "old_password" in wrong.json()
    weak = api.post("/api/v1/me/password/", {"old_password": PASSWORD, "new_password": "abcdefghijk"},
                    format="json")
    assert weak.status_code == 400 and "non_field_errors" in weak.json()
    assert api.post("/api/v1/me/password/", {}, format="json").status_code == 400


def test_changing_the_password_on_the_page_revokes_tokens(client, api, world):
    key = issue(api, world.butler1)["token"]
    client.force_login(world.butler1)
    answer = client.post(reverse("password_change"),
                         {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert answer.status_code == 302
    assert get_me(api, key).status_code == 401
    assert client.get(reverse("home")).status_code == 200  # this session stays signed in


def test_deactivation_revokes_tokens(api, world):
    key = issue(api, world.unit_user1)["token"]
    org.person_update(actor=world.admin, person=world.unit_user1, is_active=False)
    assert not ApiToken.objects.filter(user=world.unit_user1).exists()
    org.person_update(actor=world.admin, person=world.unit_user1, is_active=True)
    assert get_me(api, key).status_code == 401
    assert SignInEvent.objects.filter(user=world.unit_user1, outcome=Outcome.DEACTIVATED, actor=world.admin).exists()


def test_own_tokens_listed_and_revoked(api, world):
    key = issue(api, world.butler1, label="12345 热线")["token"]
    other = issue(api, world.butler1)["token"]
    issue(api, world.butler2)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    listed = api.get("/api/v1/me/tokens/").json()
    assert listed["count"] == 2
    assert {row["label"] for row in listed["results"]} == {"12345 热线", ""}
    assert [row["current"] for row in listed["results"] if row["label"]] == [True]
    assert not any(key[:15] in str(row) or other[:15] in str(row) for row in listed["results"])
    foreign = ApiToken.objects.get(user=world.butler2).handle
    assert api.delete(f"/api/v1/me/tokens/{foreign}/").status_code == 404
    mine = next(row["id"] for row in listed["results"] if not row["label"])
    assert api.delete(f"/api/v1/me/tokens/{mine}/").status_code == 204
    assert get_me(api, other).status_code == 401 and get_me(api, key).status_code == 200


def test_tokens_page(client, api, world):
    issue(api, world.butler1, label="脚本")
    client.force_login(world.butler1)
    page = client.get(reverse("accounts:tokens"))
    assert "脚本" in page.content.decode()
    client.post(reverse("accounts:tokens"), {"all": "1"})
    assert not ApiToken.objects.filter(user=world.butler1).exists()


def test_the_expiry_is_in_the_zone_time_with_its_offset(api, world):
    assert issue(api, world.butler1)["expiry"].endswith("+08:00")
