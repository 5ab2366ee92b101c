"""A butler's scope: requests and projects read the enterprises a butler serves as a list of ids
(`served_ids`); these tests hold it to the scopes written as joins across the enterprise."""

import pytest
from django.db.models import Q

from guanjia.core.choices import Role
from guanjia.enterprises.models import Enterprise, served_ids
from guanjia.notifications.tests.factories import raise_request
from guanjia.projects.models import Project
from guanjia.requests.models import Request
from guanjia.tests_support.factories import EnterpriseFactory, ProjectFactory, UserFactory


@pytest.fixture
def portfolio(world):
    """Enterprises served in every way: by the butler, by their workstation only, by another butler of
    another workstation, with no butler, and in another zone; a request and a project on each."""
    loner = UserFactory(zone=world.zone, username="butler3", roles=[Role.BUTLER])  # no workstation
    own_elsewhere = EnterpriseFactory(zone=world.zone, butler=world.butler1, workstation=world.ws2)
    station_only = EnterpriseFactory(zone=world.zone, butler=None, workstation=world.ws1)
    loners = EnterpriseFactory(zone=world.zone, butler=loner, workstation=None)
    nobodys = EnterpriseFactory(zone=world.zone, butler=None, workstation=None)
    enterprises = [world.ent1, world.ent2, own_elsewhere, station_only, loners, nobodys]
    for enterprise in enterprises:
        raise_request(world, actor=world.admin, enterprise=enterprise, source="phone")
        ProjectFactory(enterprise=enterprise, zone=world.zone, workstation=None, butler=None)
    # A request and a project of butler2's enterprise that butler1 owns themselves (a project's butler).
    theirs = ProjectFactory(enterprise=world.ent2, zone=world.zone, workstation=None, butler=world.butler1)
    raise_request(world, actor=world.admin, enterprise=world.ent2, project=theirs, source="phone")
    raise_request(world, actor=world.admin, enterprise=world.foreign_enterprise, source="phone")
    return [world.butler1, world.butler2, loner]


def test_served_ids_are_the_enterprises_of_the_butler_or_their_workstation(world, portfolio):
    for butler in portfolio:
        listed = set(Enterprise.objects.filter(pk__in=served_ids(butler=butler.pk, workstation=butler.workstation_id)))
        by_join = Q(butler=butler.pk) | (Q(workstation=butler.workstation_id) if butler.workstation_id else Q())
        assert listed == set(Enterprise.objects.filter(by_join if butler.workstation_id else Q(butler=butler.pk)))
        assert listed == set(Enterprise.objects.visible_to(butler))
        assert set(Enterprise.objects.filter(pk__in=served_ids(butler=butler.pk))) == set(
            Enterprise.objects.filter(butler=butler.pk))


@pytest.mark.parametrize(("model", "workstation"), [(Request, "enterprise__workstation"), (Project, "workstation")])
def test_a_butler_sees_their_scope_written_as_an_or_across_the_enterprise(world, portfolio, model, workstation):
    """Requests: their own or their enterprises' or their workstation's enterprises'. Projects: their own
    or their enterprises' or their workstation's (a project's own workstation)."""
    for butler in portfolio:
        by_join = Q(butler=butler.pk) | Q(enterprise__butler=butler.pk)
        if butler.workstation_id:
            by_join |= Q(**{workstation: butler.workstation_id})
        expected = set(model.objects.filter(by_join, zone=world.zone))
        assert expected and set(model.objects.visible_to(butler)) == expected, butler
    # butler1's own request and project on butler2's enterprise
    assert model.objects.visible_to(world.butler1).filter(enterprise=world.ent2).count() == 1
