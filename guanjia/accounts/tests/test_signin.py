"""One lock-out for the web and the API, per account and per real client address, and its log."""

import pytest
from django.urls import reverse

from guanjia.accounts.choices import Channel, Outcome
from guanjia.accounts.models import SignInEvent
from guanjia.tests_support.factories import PASSWORD

TOKEN = "/api/v1/auth/token/"


def web_login(client, username, password, address="198.51.100.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def token(api, username, password, **meta):
    return api.post(TOKEN, {"username": username, "password": password}, format="json", **meta)


def test_a_web_lockout_refuses_a_token_too(client, api, world):
    for _n in range(5):
        assert "用户名或密码不正确" in web_login(client, "butler1", "nope").content.decode()
    answer = token(api, "butler1", PASSWORD)
    assert answer.status_code == 400
    assert "锁定" in answer.json()["non_field_errors"][0]
    assert "token" not in answer.json()


def test_rotating_a_forwarded_header_does_not_reset_the_count(api, world, settings):
    """The token endpoint's old throttle was keyed on X-Forwarded-For; the account's count is not."""
    settings.GUANJIA_TRUSTED_PROXIES = []
    for n in range(5):
        assert token(api, "butler1", "nope", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}").status_code == 400
    assert "锁定" in token(api, "butler1", PASSWORD, HTTP_X_FORWARDED_FOR="1.2.3.99").json()["non_field_errors"][0]
    addresses = set(SignInEvent.objects.filter(username="butler1").values_list("address", flat=True))
    assert addresses == {"127.0.0.1"}  # the connection's address, not the header's


def test_one_address_behind_the_proxy_does_not_lock_everybody(client, world, settings):
    """Behind the README's proxy every connection comes from it; failures count per real client."""
    settings.GUANJIA_TRUSTED_PROXIES = ["10.0.0.2"]
    settings.GUANJIA_LOGIN_ADDRESS_MAX_FAILURES = 8
    for n in range(8):  # one client guesses at several accounts until its address is locked
        client.post(reverse("login"), {"username": f"nobody{n}", "password": "x"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    refused = client.post(reverse("login"), {"username": "admin", "password": PASSWORD},
                          REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert "登录失败次数过多" in refused.content.decode()
    colleague = client.post(reverse("login"), {"username": "admin", "password": PASSWORD},
                            REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert colleague.status_code == 302
    assert SignInEvent.objects.filter(outcome=Outcome.SUCCESS, username="admin").get().address == "198.51.100.7"


def test_a_success_starts_the_account_count_again(client, world):
    for _n in range(4):
        web_login(client, "butler1", "nope")
    assert web_login(client, "butler1", PASSWORD).status_code == 302
    client.logout()
    for _n in range(4):
        web_login(client, "butler1", "nope")
    assert web_login(client, "butler1", PASSWORD).status_code == 302


def test_the_lock_ends_after_its_period(client, world, settings):
    import time_machine
    from django.utils import timezone

    for _n in range(5):
        web_login(client, "butler1", "nope")
    assert "登录失败次数过多" in web_login(client, "butler1", PASSWORD).content.decode()
    with time_machine.travel(timezone.now() + timezone.timedelta(minutes=settings.GUANJIA_LOGIN_LOCK_MINUTES + 1)):
        assert web_login(client, "butler1", PASSWORD).status_code == 302


def test_every_attempt_is_logged(client, world):
    for _n in range(5):
        web_login(client, "butler1", "nope")
    web_login(client, "butler1", PASSWORD)
    web_login(client, "ghost", "nope")
    rows = list(SignInEvent.objects.order_by("id").values_list("username", "outcome", "channel", "address"))
    assert rows == [
        *[("butler1", Outcome.FAILURE, Channel.WEB, "198.51.100.7")] * 5,
        ("butler1", Outcome.LOCKED, Channel.WEB, "198.51.100.7"),
        ("ghost", Outcome.FAILURE, Channel.WEB, "198.51.100.7"),
    ]
    events = SignInEvent.objects.filter(username="butler1")
    assert {e.zone_id for e in events} == {world.zone.pk} and {e.user_id for e in events} == {world.butler1.pk}
    assert "锁定 15 分钟" in events.filter(outcome=Outcome.FAILURE).order_by("id").last().detail


def test_sign_in_and_out_are_logged(client, world):
    assert web_login(client, "butler1", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert list(SignInEvent.objects.order_by("id").values_list("outcome", "user")) == [
        (Outcome.SUCCESS, world.butler1.pk), (Outcome.LOGOUT, world.butler1.pk)]


def test_an_inactive_person_gets_no_token(api, world):
    world.butler1.is_active = False
    world.butler1.save()
    assert token(api, "butler1", PASSWORD).status_code == 400


@pytest.mark.parametrize("locked_by", ["web", "api"])
def test_locked_either_way_counts_for_both(client, api, world, locked_by):
    for _n in range(5):
        if locked_by == "web":
            web_login(client, "unit1", "nope")
        else:
            token(api, "unit1", "nope")
    assert "登录失败次数过多" in web_login(client, "unit1", PASSWORD).content.decode()
    assert token(api, "unit1", PASSWORD).status_code == 400
