"""How SQLite reads 我的待办: the page's ids from the duties' party index, whatever the zone holds.

SQLite plans without statistics (nothing runs ANALYZE), so between two equally good-looking
indexes its choice follows the order they were made in. Reading a person's 我的待办 by walking
the zone's items (the zone/open/deadline index) instead of their few duties read every open
item of the zone: these tests read the plan of the database the migrations made, as an
installed one is.
"""

import pytest
from django.db import connection
from django.db.models import Count

from guanjia.core.choices import Role
from guanjia.tests_support.factories import UserFactory
from guanjia.tests_support.planner import plan
from guanjia.workflow import selectors

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner; PostgreSQL keeps statistics")


@pytest.mark.parametrize("who", ["butler1", "unit_user1", "admin"])
def test_a_worklist_is_read_from_the_duties_of_the_person_s_parties(world, who):
    listed = selectors.worklist(getattr(world, who))
    for queryset in (listed.ids()[:30], listed._listed_duties().values("kind").annotate(n=Count("item")).order_by()):
        steps = plan(queryset)
        assert "USING COVERING INDEX duty_party_due" in steps, steps
        assert "workflow_trackeditem" not in steps, steps  # sorted and counted on the duties alone


def test_a_supervisor_s_is_read_from_the_zone_s_overdue_items(world):
    supervisor = UserFactory(zone=world.zone, roles=[Role.SUPERVISOR])
    steps = plan(selectors.worklist(supervisor).ids()[:30])
    assert "trackeditem_zone_open_due" in steps, steps


def test_a_request_s_clocks_are_read_through_its_items_not_the_zone_s_clocks(world):
    """A request's page reads its own and its units' clocks by the items' ids: as an OR across the join to the
    items, SQLite walked every clock (370 ms a page at 200 000 requests)."""
    from guanjia.requests import selectors as request_selectors
    from guanjia.requests import services

    request = services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                                     title="用电增容", description="。")
    steps = plan(request_selectors.clocks(request))
    assert "SCAN" not in steps.replace("SCAN CONSTANT", ""), steps
    assert "SEARCH" in steps, steps
