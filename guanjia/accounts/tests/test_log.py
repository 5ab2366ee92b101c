"""The sign-in log: admins only, filtered alike on the page, the export and the API; append-only; kept
for the configured period."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from guanjia.accounts.choices import Channel, Outcome
from guanjia.accounts.models import SignInEvent
from guanjia.accounts.tasks import purge_sign_in_log
from guanjia.core.choices import Role
from guanjia.org import services as org
from guanjia.tests_support.factories import PASSWORD

LOG = "/api/v1/sign-in-log/"


@pytest.fixture
def events(world, client):
    client.post(reverse("login"), {"username": "butler1", "password": "nope"}, REMOTE_ADDR="198.51.100.7")
    client.post(reverse("login"), {"username": "butler1", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    stranger = Client()  # the first is signed in now: the login page would only redirect it
    stranger.post(reverse("login"), {"username": "dz-admin", "password": "nope"})
    stranger.post(reverse("login"), {"username": "ghost", "password": "nope"})
    org.person_update(actor=world.admin, person=world.unit_user1, roles=[Role.UNIT, Role.SUPERVISOR])
    return SignInEvent.objects.all()


def test_api_is_the_admins_and_their_zones(api, world, events):
    api.force_authenticate(world.butler1)
    assert api.get(LOG).status_code == 403
    api.force_authenticate(world.admin)
    body = api.get(LOG).json()
    assert set(body) >= {"count", "results"}
    rows = {(row["username"], row["outcome"], row["channel"]) for row in body["results"]}
    assert rows == {
        ("butler1", "failure", "web"), ("butler1", "success", "web"), ("ghost", "failure", "web"),
        ("unit1", "role_changed", "web"),
    }  # not the other zone's admin
    first = body["results"][0]
    assert set(first) >= {"username", "at", "address", "channel", "outcome"}
    failures = api.get(LOG, {"username": "butler1", "outcome": "failure"}).json()
    assert failures["count"] == 1 and failures["results"][0]["address"] == "198.51.100.7"
    assert api.get(LOG, {"outcome": "nonsense"}).status_code == 400
    assert api.get(LOG, {"address": "not-an-address"}).status_code == 400


def test_a_role_change_names_who_and_what(world, events):
    change = SignInEvent.objects.get(outcome=Outcome.ROLE_CHANGED)
    assert change.actor == world.admin and change.user == world.unit_user1
    assert change.detail.startswith("+") and str(Role.SUPERVISOR.label) in change.detail


def test_page_and_export(client, world, events):
    client.force_login(world.butler1)
    assert client.get(reverse("accounts:sign-in-log")).status_code == 403
    client.force_login(world.admin)
    page = client.get(reverse("accounts:sign-in-log"), {"outcome": "failure"})
    text = page.content.decode()
    assert "ghost" in text and "dz-admin" not in text and "登录成功" not in text.split("</form>")[-1]
    export = client.get(reverse("accounts:sign-in-log-export"), {"username": "butler1"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "账号", "姓名", "结果")
    assert sorted(row[3] for row in rows[1:]) == ["登录失败", "登录成功"]
    assert sheet.freeze_panes == "A2"


def test_the_log_cannot_be_edited_or_deleted(world, events):
    row = SignInEvent.objects.first()
    row.outcome = Outcome.SUCCESS
    with pytest.raises(PermissionDenied):
        row.save()
    with pytest.raises(PermissionDenied):
        row.delete()
    with pytest.raises(PermissionDenied):
        SignInEvent.objects.filter(pk=row.pk).update(outcome=Outcome.SUCCESS)
    with pytest.raises(PermissionDenied):
        SignInEvent.objects.all().delete()


def test_retention_keeps_at_least_six_months(world, settings):
    now = timezone.now()
    for days in (30, 182, 184, 400):
        SignInEvent.objects.create(outcome=Outcome.FAILURE, channel=Channel.API, username=f"d{days}",
                                   at=now - timezone.timedelta(days=days))
    settings.GUANJIA_SIGN_IN_LOG_DAYS = 30  # below the floor: six months are kept all the same
    purge_sign_in_log(now)
    assert sorted(SignInEvent.objects.values_list("username", flat=True)) == ["d182", "d30"]
    settings.GUANJIA_SIGN_IN_LOG_DAYS = 100
    purge_sign_in_log(now)
    assert sorted(SignInEvent.objects.values_list("username", flat=True)) == ["d182", "d30"]


def test_people_loaded_by_a_command_are_not_role_changes(world):
    org.person_create(actor=None, zone=world.zone, username="loaded", name="导入", roles=[Role.SUPERVISOR])
    org.person_create(actor=world.admin, zone=world.zone, username="granted", name="新增", roles=[Role.SUPERVISOR])
    assert list(SignInEvent.objects.values_list("username", "outcome", "actor")) == [
        ("granted", Outcome.ROLE_CHANGED, world.admin.pk)]
