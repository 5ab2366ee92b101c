"""Organization: day-one command, admin pages for workstations, units and people, membership rules."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from guanjia.org import services
from guanjia.org.models import Unit, User, Workstation, Zone


def test_create_zone_command(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("Zhen-Hao-Mi-Ma-2026\n"))
    call_command("create_zone", name="武城经开区", code="wucheng", admin="wc-admin", password_stdin=True)
    admin = User.objects.get(username="wc-admin")
    assert admin.zone == Zone.objects.get(code="wucheng") and admin.role_codes == {"admin"}
    assert admin.check_password("Zhen-Hao-Mi-Ma-2026")


def test_create_zone_refuses_weak_password_and_writes_nothing(db, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("123\n"))
    with pytest.raises(CommandError):
        call_command("create_zone", name="武城经开区", code="wucheng", admin="wc-admin", password_stdin=True)
    assert not Zone.objects.filter(code="wucheng").exists()


def test_memberships_are_required_by_role(world):
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=world.admin, zone=world.zone, username="x", name="x", roles=["unit"])
    assert "unit" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.person_create(actor=world.admin, zone=world.zone, username="y", name="y", roles=["butler"],
                               workstation=world.ws1, unit=None, enterprise=None, password=None)
        services.person_create(actor=world.admin, zone=world.zone, username="z", name="z", roles=["enterprise"],
                               enterprise=world.foreign_enterprise)
    assert "enterprise" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.person_create(actor=world.admin, zone=world.zone, username="w", name="w", roles=["nobody"])


def test_admin_pages_create_workstation_unit_person(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("org:workstation-create"), {"name": "星火大道工作站", "head": world.leader.pk})
    assert response.status_code == 302
    assert Workstation.objects.get(name="星火大道工作站").head == world.leader
    client.post(reverse("org:unit-create"), {"name": "国网咸阳供电公司", "kind": "utility"})
    unit = Unit.objects.get(name="国网咸阳供电公司")
    response = client.post(reverse("org:person-create"), {
        "username": "pdgs", "name": "张工", "roles": ["unit"], "unit": unit.pk, "password": "Gong-Dian-2026-ok"})
    assert response.status_code == 302
    person = User.objects.get(username="pdgs")
    assert person.unit == unit and person.check_password("Gong-Dian-2026-ok")
    response = client.post(reverse("org:person-update", args=[person.pk]), {
        "name": "张工", "roles": ["unit", "supervisor"], "unit": unit.pk, "is_active": "on"})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.role_codes == {"unit", "supervisor"}


def test_person_form_shows_membership_error(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("org:person-create"), {"username": "nobody", "name": "某人", "roles": ["butler"]})
    assert response.status_code == 200 and "管家须属于一个工作站" in response.content.decode()
    assert not User.objects.filter(username="nobody").exists()


def test_only_admins_manage(client, world):
    client.force_login(world.leader)
    assert client.get(reverse("org:person-create")).status_code == 403
    assert client.get(reverse("org:unit-update", args=[world.unit1.pk])).status_code == 403


def test_role_codes_are_the_roles(world, django_assert_num_queries):
    world.butler1.roles.add("leader")
    nobody = User.objects.create_user("no-roles", zone=world.zone)
    for person in (world.admin, world.butler1, world.ent1_user, nobody):
        fresh = User.objects.get(pk=person.pk)
        with django_assert_num_queries(1):
            codes = fresh.role_codes
            assert fresh.role_codes is codes  # once per request
        assert codes == frozenset(role.code for role in person.roles.all())
    assert User.objects.get(pk=world.butler1.pk).role_codes == {"butler", "leader"}
    assert User.objects.get(pk=nobody.pk).role_codes == frozenset()
