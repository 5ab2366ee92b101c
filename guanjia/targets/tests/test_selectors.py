"""The projects statistics against hand-counted data across the 2024/2025/2026 boundaries (conftest.dataset).

2025: new starts p1 (5 Jan), p2 (1 Aug) = 2, by 30 June 1; in production p5 (30 Jun) = 1; agreements received
p2, p3 (31 Dec), p4 = 3, of them started p2 and p4 (its start in 2026 still counts: it has a started_on) = 2.
Investment of 2025: p1 200 + 300 + 50, p2 25 = 575 万元, by 30 June 500; plans 800 + 400 = 1200.
The archived project and the other zone's count nowhere.
"""

import datetime as dt

from guanjia.projects.models import Project
from guanjia.targets.selectors import actuals_by_year, project_investment, project_stats


def stats(d, user=None, year=2025, today=dt.date(2025, 12, 31)):
    user = user or d.w.admin
    return project_stats(projects=Project.objects.visible_to(user), zone_id=user.zone_id, year=year, today=today)


def test_year_figures_against_hand_count(dataset):
    s = stats(dataset)
    assert s["year"] == 2025
    assert s["targets"]["new_starts"] == {"target": 4, "actual": 2, "progress": 0.5}
    assert s["targets"]["in_production"] == {"target": None, "actual": 1, "progress": None}
    assert s["targets"]["agreements_signed"] == {"target": None, "actual": 3, "progress": None}
    assert s["targets"]["investment"] == {"target": 1000, "actual": 575, "progress": 0.575}
    assert s["targets"]["招商引资到位资金（亿元）"] == {"target": 10, "actual": 3, "progress": 0.3, "custom": True}
    assert (s["agreements_received"], s["agreements_started"], s["agreement_start_rate"]) == (3, 2, 0.6667)


def test_half_year_mark(dataset):
    half = stats(dataset)["half_year"]
    assert half["targets"]["new_starts"] == {"target": 2, "actual": 1, "progress": 0.25, "met": False}
    assert half["targets"]["investment"] == {"target": 500, "actual": 500, "progress": 0.5, "met": True}
    assert half["passed"] is False and half["final"] is True
    assert stats(dataset, today=dt.date(2025, 6, 30))["half_year"]["final"] is False


def test_funnel_months_and_key_projects(dataset):
    s = stats(dataset)
    funnel = {row["stage"]: (row["current"], row["reached"]) for row in s["funnel"]}
    # p3 signed; p1, p2, p4 started; p5, p6 producing (the archived one is left out)
    assert funnel["signed"] == (1, 6) and funnel["started"] == (3, 5) and funnel["completed"] == (0, 2)
    assert funnel["producing"] == (2, 2) and funnel["at_capacity"] == (0, 0)
    months = {row["month"]: row for row in s["investment"]["months"]}
    assert months["2025-01"]["completed"] == 200 and months["2025-07"]["completed"] == 75
    assert months["2025-12"]["cumulative"] == 575 and months["2025-12"]["plan_cumulative"] == 1200
    assert months["2025-06"]["plan_cumulative"] == 600
    assert s["investment"]["plan"] == 1200 and s["investment"]["completion"] == round(575 / 1200, 4)
    assert s["key_projects"] == {"count": 2, "total_investment": 6000, "plan": 800, "completed": 550,
                                 "completion": round(550 / 6000, 4)}


def test_a_year_without_targets_or_projects_answers_zeros(dataset):
    s = stats(dataset, year=2030)
    assert s["targets"]["new_starts"] == {"target": None, "actual": 0, "progress": None}
    assert s["agreement_start_rate"] is None and s["half_year"]["targets"] == {}
    assert s["investment"]["completed"] == 0 and s["investment"]["completion"] is None


def test_next_year_across_the_boundary(dataset):
    s = stats(dataset, year=2026, today=dt.date(2026, 3, 1))
    assert s["targets"]["new_starts"]["actual"] == 1  # p4, started 2 January 2026
    assert s["targets"]["investment"]["actual"] == 999 and s["investment"]["plan"] == 9999
    months = {row["month"]: row for row in s["investment"]["months"]}
    assert months["2026-03"]["cumulative"] == 999 and months["2026-04"]["completed"] is None  # not begun yet
    assert months["2026-04"]["plan_cumulative"] == 3333


def test_a_butler_counts_their_own_projects(dataset):
    s = stats(dataset, user=dataset.w.butler2)  # p2 and p4 are butler2's
    assert s["targets"]["new_starts"]["actual"] == 1 and s["agreements_received"] == 2


def test_fixed_number_of_queries(dataset, django_assert_max_num_queries):
    projects = Project.objects.visible_to(dataset.w.admin)  # the roles are read here, once
    with django_assert_max_num_queries(5):  # the counts, the months, the plans, the funnel, the targets
        project_stats(projects=projects, zone_id=dataset.w.zone.pk, year=2025)


def test_actuals_by_year(dataset):
    actuals = actuals_by_year(projects=Project.objects.visible_to(dataset.w.admin), years=[2024, 2025, 2026])
    assert actuals[2025] == {"new_starts": 2, "in_production": 1, "agreements_signed": 3, "investment": 575}
    assert actuals[2024]["in_production"] == 1 and actuals[2024]["investment"] == 100


def test_project_investment_card(dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        card = project_investment(dataset.p1, year=2025, today=dt.date(2025, 12, 1))
    assert card["plan"] == 800 and card["completed_year"] == 550 and card["completed_total"] == 1649
    assert card["completion"] == round(1649 / 1000, 4) and card["year_completion"] == round(550 / 800, 4)
    assert [r.month.month for r in card["year_reports"]] == [7, 6, 1]
