"""The demo zone's targets and investment (guanjia/demo/targets.py): Dianjiang's shares, Baotou's completion."""

import pytest
from django.db import transaction

from guanjia.demo import zone as demo
from guanjia.demo.timeline import AS_OF
from guanjia.projects.models import Project
from guanjia.targets.models import InvestmentReport, Target
from guanjia.targets.selectors import project_stats

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield demo.load_demo_zone()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def test_targets_and_investment_look_like_the_seeds(loaded):
    zone = loaded.zone
    stats = project_stats(projects=Project.objects.filter(zone=zone), zone_id=zone.pk, year=AS_OF.year,
                          today=AS_OF)
    figures = stats["targets"]
    assert figures["new_starts"]["progress"] == pytest.approx(0.55, abs=0.04)
    assert figures["in_production"]["progress"] == pytest.approx(0.95, abs=0.04)
    assert figures["新增规上工业企业（家）"] == {"target": 12, "actual": 7, "progress": 0.5833, "custom": True}
    key = stats["key_projects"]
    assert key["count"] == 79 and key["completion"] == pytest.approx(0.27, abs=0.03)
    assert 0 < figures["investment"]["progress"] < 1.2
    assert stats["agreements_received"] > 0 and stats["agreements_started"] <= stats["agreements_received"]
    months = [row["completed"] for row in stats["investment"]["months"]]
    assert all(months[: AS_OF.month]) and not any(months[AS_OF.month:])  # reported up to the demo's month
    assert Target.objects.filter(zone=zone, year=AS_OF.year).count() == 6
    assert InvestmentReport.objects.filter(project__zone=zone, reported_by__isnull=False).count() > 100
