"""The password policy, the forced change of initial passwords, and the idle timeout."""

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from guanjia.accounts import services
from guanjia.accounts.choices import Outcome
from guanjia.accounts.models import SignInEvent
from guanjia.core.choices import Role
from guanjia.org import services as org


@pytest.mark.parametrize("password", ["abcdefghijkl", "abcdefgh1234", "Short1!"])
def test_policy_refuses(world, password):
    with pytest.raises(ValidationError):
        validate_password(password, world.butler1)


def test_policy_accepts_three_classes(world):
    validate_password("Qindu-park-88", world.butler1)


def test_no_reuse_of_the_last_passwords(world, settings):
    settings.GUANJIA_PASSWORD_HISTORY = 3
    user = world.butler1
    for password in ["First-pass-01", "Second-pass-02", "Third-pass-03"]:
        services.set_password(user=user, password=password, actor=user, forced=False)
    for old in ["Second-pass-02", "Third-pass-03"]:
        with pytest.raises(ValidationError, match="最近"):
            validate_password(old, user)
    services.set_password(user=user, password="Fourth-pass-04", actor=user, forced=False)
    validate_password("First-pass-01", user)  # four changes ago: allowed again


def test_an_initial_password_must_be_changed_first(client, api, world):
    person = org.person_create(actor=world.admin, zone=world.zone, username="newcomer", name="新同事",
                               roles=[Role.BUTLER], workstation=world.ws1, password="Initial-pass-1")
    assert person.must_change_password
    client.post(reverse("login"), {"username": "newcomer", "password": "Initial-pass-1"})
    assert client.get(reverse("requests:list")).url == reverse("password_change")
    answer = api.post("/api/v1/auth/token/", {"username": "newcomer", "password": "Initial-pass-1"}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {answer.json()['token']}")
    assert api.get("/api/v1/requests/").status_code == 403
    assert api.get("/api/v1/me/").status_code == 200
    changed = api.post("/api/v1/me/password/", {"old_password": "Initial-pass-1", "new_password": "Mine-only-77"},
                       format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Token {changed.json()['token']}")
    assert api.get("/api/v1/requests/").status_code == 200
    client.post(reverse("login"), {"username": "newcomer", "password": "Mine-only-77"})
    assert client.get(reverse("requests:list")).status_code == 200


def test_an_admin_reset_must_be_changed_but_not_ones_own(world):
    org.person_set_password(actor=world.admin, person=world.butler1, password="Reset-by-admin-1")
    world.butler1.refresh_from_db()
    assert world.butler1.must_change_password
    event = SignInEvent.objects.get(user=world.butler1, outcome=Outcome.PASSWORD_CHANGED)
    assert event.actor == world.admin
    org.person_set_password(actor=world.butler1, person=world.butler1, password="Chosen-by-me-2")
    world.butler1.refresh_from_db()
    assert not world.butler1.must_change_password


def test_the_demo_keeps_its_shared_password(client, world, settings):
    world.butler1.must_change_password = True  # as a sign-in reads the person
    world.butler1.save(update_fields=["must_change_password"])
    client.force_login(world.butler1)
    assert client.get(reverse("requests:list")).status_code == 302
    settings.GUANJIA_DEMO = True
    assert client.get(reverse("requests:list")).status_code == 200


def test_an_idle_session_ends(client, world, settings):
    client.force_login(world.butler1)
    assert client.get(reverse("home")).status_code == 200
    later = timezone.now() + timezone.timedelta(minutes=settings.GUANJIA_SESSION_IDLE_MINUTES + 1)
    with time_machine.travel(later):
        answer = client.get(reverse("requests:list"))
        assert answer.status_code == 302 and answer.url.startswith(reverse("login"))
        assert client.get(reverse("home")).url.startswith(reverse("login"))
    logout = SignInEvent.objects.get(user=world.butler1, outcome=Outcome.LOGOUT)
    assert logout.detail == "空闲超时"


def test_activity_keeps_a_session(client, world, settings):
    client.force_login(world.butler1)
    start = timezone.now()
    for minutes in range(0, 3 * settings.GUANJIA_SESSION_IDLE_MINUTES, settings.GUANJIA_SESSION_IDLE_MINUTES // 2):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes)):
            assert client.get(reverse("home")).status_code == 200


def test_an_admin_reset_unlocks_the_account(client, world):
    for _n in range(5):
        client.post(reverse("login"), {"username": "butler1", "password": "nope"})
    org.person_set_password(actor=world.admin, person=world.butler1, password="Reset-by-admin-1")
    assert client.post(reverse("login"), {"username": "butler1", "password": "Reset-by-admin-1"}).status_code == 302


def test_an_idle_browser_session_on_the_api_is_signed_out(api, client, world, settings):
    client.force_login(world.butler1)
    later = timezone.now() + timezone.timedelta(minutes=settings.GUANJIA_SESSION_IDLE_MINUTES + 1)
    with time_machine.travel(later):
        assert client.get("/api/v1/me/").status_code in (401, 403)
