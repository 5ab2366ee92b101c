"""visible_to(user): the one definition of who sees what, per role (DOMAIN.md "Who uses it")."""

import pytest

from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Unit, User
from guanjia.projects.models import Project


def names(qs):
    return sorted(str(o) for o in qs)


def test_zone_wide_roles_see_their_zone_only(world):
    for user in (world.admin, world.leader, world.supervisor):
        assert set(Enterprise.objects.visible_to(user)) == {world.ent1, world.ent2}
        assert set(Project.objects.visible_to(user)) == {world.project1, world.project2}
    assert set(Enterprise.objects.visible_to(world.foreign_admin)) == {world.foreign_enterprise}


def test_butler_sees_portfolio_and_workstation(world):
    assert list(Enterprise.objects.visible_to(world.butler1)) == [world.ent1]
    assert list(Project.objects.visible_to(world.butler1)) == [world.project1]
    assert list(Enterprise.objects.visible_to(world.butler2)) == [world.ent2]


def test_enterprise_contact_sees_only_its_own(world):
    assert list(Enterprise.objects.visible_to(world.ent1_user)) == [world.ent1]
    assert list(Project.objects.visible_to(world.ent1_user)) == [world.project1]
    people = set(User.objects.visible_to(world.ent1_user))
    assert world.butler1 in people and world.leader in people and world.ent1_user in people
    assert world.butler2 not in people and world.ent2_user not in people


def test_unit_handler_sees_units_but_no_enterprise_yet(world):
    assert not Enterprise.objects.visible_to(world.unit_user1).exists()
    assert not Project.objects.visible_to(world.unit_user1).exists()
    assert set(Unit.objects.visible_to(world.unit_user1)) == {world.unit1, world.unit2}


def test_anonymous_and_inactive_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Enterprise.objects.visible_to(AnonymousUser()).exists()
    world.admin.is_active = False
    assert not Enterprise.objects.visible_to(world.admin).exists()


def test_several_roles_are_united(world):
    world.butler2.roles.add("butler", "leader")
    world.butler2.__dict__.pop("role_codes", None)
    assert set(Enterprise.objects.visible_to(world.butler2)) == {world.ent1, world.ent2}


@pytest.mark.parametrize("who, method, url, body", [
    ("supervisor", "patch", "/api/v1/enterprises/{ent}/", {"scale": "gigantic"}),
    ("butler1", "post", "/api/v1/enterprises/", {}),
    ("leader", "post", "/api/v1/enterprises/", {"name": ""}),
    ("supervisor", "patch", "/api/v1/projects/{project}/", {"total_investment": "abc"}),
    ("ent1", "post", "/api/v1/projects/", {}),
    ("ent1", "post", "/api/v1/meetings/", {}),
    ("unit1", "post", "/api/v1/meetings/", {"kind": "nonsense"}),
])
def test_a_role_that_may_not_write_gets_403_whatever_the_body(api, world, who, method, url, body):
    """403 is checked before the body is read: a refused caller never sees the fields' rules as a 400."""
    api.force_authenticate(world.users()[who])
    url = url.format(ent=world.ent1.pk, project=world.project1.pk)
    response = getattr(api, method)(url, body, format="json")
    assert response.status_code == 403, (response.status_code, response.content[:200])
