"""Pages: the targets (edited in place), the projects statistics and its export, a project's investment card."""

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal

import pytest
import time_machine
from openpyxl import load_workbook

from guanjia.targets.models import InvestmentPlan, InvestmentReport, Target


@pytest.fixture(autouse=True)
def _late_2025():
    with time_machine.travel(dt.datetime(2025, 12, 20, 10, 0), tick=False):
        yield


def test_targets_page_lists_every_kind_with_progress(client, dataset):
    client.force_login(dataset.w.leader)
    page = client.get("/targets/?year=2025")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-target-row="new_starts"' in text and "50.0%" in text and "招商引资到位资金" in text
    assert 'name="value"' not in text  # a leader reads, never edits


def test_admin_edits_a_target_in_place(client, dataset):
    client.force_login(dataset.w.admin)
    answer = client.post("/targets/save/", {"year": 2025, "kind": "new_starts", "value": "8"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "25.0%" in answer.content.decode()
    assert Target.objects.get(zone=dataset.w.zone, year=2025, kind="new_starts").value == 8
    bad = client.post("/targets/save/", {"year": 2025, "kind": "in_production", "value": "-3"},
                      HTTP_HX_REQUEST="true")
    assert "不能为负数" in bad.content.decode()
    assert not Target.objects.filter(year=2025, kind="in_production").exists()
    unnamed = client.post("/targets/save/", {"year": 2025, "kind": "custom", "label": "", "value": "3"})
    assert unnamed.status_code == 302 and Target.objects.filter(kind="custom").count() == 1
    new = client.post("/targets/save/", {"year": 2025, "kind": "custom", "label": "新增规上企业", "value": "3"})
    assert new.status_code == 302 and Target.objects.filter(kind="custom").count() == 2
    custom = dataset.targets.custom
    renamed = client.post("/targets/save/", {"year": 2025, "kind": "custom", "target": custom.pk,
                                             "label": "到位资金（亿元）", "value": "12", "actual": "4"},
                          HTTP_HX_REQUEST="true")
    custom.refresh_from_db()
    assert renamed.status_code == 200 and (custom.label, custom.value, custom.actual) == ("到位资金（亿元）", 12, 4)


@pytest.mark.parametrize("who", ["leader", "butler1", "supervisor"])
def test_others_may_not_save_targets(client, dataset, who):
    client.force_login(getattr(dataset.w, who))
    assert client.post("/targets/save/", {"year": 2025, "kind": "new_starts", "value": "8"}).status_code == 403


def test_enterprise_has_no_targets_or_statistics(client, dataset):
    client.force_login(dataset.w.ent1_user)
    assert client.get("/targets/").status_code == 403
    assert client.get("/targets/projects/").status_code == 403
    assert client.get("/targets/projects.xlsx").status_code == 403


def test_stats_page(client, dataset, django_assert_max_num_queries):
    client.force_login(dataset.w.admin)
    client.get("/targets/projects/?year=2025")
    with django_assert_max_num_queries(12):
        page = client.get("/targets/projects/?year=2025")
    text = page.content.decode()
    assert page.status_code == 200 and 'id="project-stats-data"' in text and "project_stats.js" in text
    assert "66.7%" in text and "未实现双过半" in text
    assert client.get("/targets/projects/?year=abc").status_code == 200  # the message by the field, no 500
    with time_machine.travel(dt.datetime(2025, 5, 20, 10, 0), tick=False):  # June not over yet
        assert "上半年尚未结束" in client.get("/targets/projects/?year=2025").content.decode()


def test_stats_page_query_count_does_not_grow(client, dataset, django_assert_max_num_queries):
    from guanjia.tests_support.factories import ProjectFactory

    for n in range(30):
        p = ProjectFactory(enterprise=dataset.w.ent1, started_on=dt.date(2025, 3, 1), name=f"批量{n}")
        InvestmentReport.objects.create(project=p, month=dt.date(2025, 4, 1), amount=10)
        InvestmentPlan.objects.create(project=p, year=2025, amount=10)
    client.force_login(dataset.w.admin)
    client.get("/targets/projects/?year=2025")
    with django_assert_max_num_queries(12):
        assert client.get("/targets/projects/?year=2025").status_code == 200


def test_stats_export(client, dataset):
    client.force_login(dataset.w.butler1)
    answer = client.get("/targets/projects.xlsx?year=2025")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == ["目标完成", "阶段分布", "月度投资"]
    rows = list(book["目标完成"].iter_rows(values_only=True))
    assert rows[2][:4] == ("新开工项目（个）", 4, 1, 0.25)  # butler1: p1 only (p2 is butler2's)
    assert client.get("/targets/projects.xlsx?year=99").status_code == 400


def test_project_page_shows_the_investment_card(client, dataset, django_assert_max_num_queries):
    client.force_login(dataset.w.ent1_user)
    url = dataset.p1.get_absolute_url()
    client.get(url)
    page = client.get(url)
    text = page.content.decode()
    assert 'data-card="investment"' in text and 'id="investment-report-form"' in text
    assert 'id="investment-plan-form"' not in text  # the plan is the butler's
    # The card costs the same whatever the number of months reported.
    with django_assert_max_num_queries(60) as few:
        client.get(url)
    for month in range(1, 13):
        InvestmentReport.objects.create(project=dataset.p1, month=dt.date(2023, month, 1), amount=1)
    with django_assert_max_num_queries(len(few)):
        assert client.get(url).status_code == 200


def test_enterprise_reports_the_month_from_the_card(client, dataset):
    client.force_login(dataset.w.ent1_user)
    url = f"/targets/projects/{dataset.p3.pk}/investment/"
    answer = client.post(url, {"month": "2025-12", "amount": "88.5"}, HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and "月度完成投资已填报" in answer.content.decode()
    assert InvestmentReport.objects.get(project=dataset.p3).amount == 88.5
    future = client.post(url, {"month": "2026-01", "amount": "1"}, HTTP_HX_REQUEST="true")
    assert "未来月份" in future.content.decode()
    assert client.post(f"/targets/projects/{dataset.p2.pk}/investment/", {"month": "2025-12",
                                                                          "amount": "1"}).status_code == 404
    assert client.post(f"/targets/projects/{dataset.p3.pk}/plan/", {"year": 2025,
                                                                   "amount": "1"}).status_code == 403


def test_butler_sets_the_year_plan(client, dataset):
    client.force_login(dataset.w.butler1)
    answer = client.post(f"/targets/projects/{dataset.p3.pk}/plan/", {"year": 2026, "amount": "300"})
    assert answer.status_code == 302 and InvestmentPlan.objects.get(project=dataset.p3).amount == 300


def test_targets_page_query_count_does_not_grow(client, dataset, django_assert_max_num_queries):
    client.force_login(dataset.w.admin)
    with django_assert_max_num_queries(30) as few:
        client.get("/targets/?year=2025")
    for n in range(10):
        Target.objects.create(zone=dataset.w.zone, year=2025, kind="custom", label=f"指标{n}", value=n + 1, actual=n)
    with django_assert_max_num_queries(len(few)):
        page = client.get("/targets/?year=2025")
    assert page.content.decode().count("data-target-row=") == 4 + 11
    assert client.get("/targets/?year=abc").status_code == 200  # the message by the field, this year shown


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice not installed")
def test_libreoffice_opens_the_export(client, dataset, tmp_path):
    client.force_login(dataset.w.admin)
    book = tmp_path / "project-stats.xlsx"
    book.write_bytes(client.get("/targets/projects.xlsx?year=2025").content)
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=120)
    text = (tmp_path / "project-stats.csv").read_text(encoding="utf-8")
    # As LibreOffice reads it: numbers, percentages formatted as such, the 双过半 mark.
    assert "新开工项目（个）,4,2,50.0%,1,25.0%,未过半" in text
    assert "完成投资（万元）,1000,575,57.5%,500,50.0%,已过半" in text and "签约项目开工率,66.7%" in text


def test_the_card_offers_the_month_just_ended_until_it_is_reported(client, dataset):
    """Monthly investment is reported in the first days of the next month: on 20 December the form offers
    November, and December once November is in."""
    client.force_login(dataset.w.ent1_user)
    url = dataset.p3.get_absolute_url()
    assert 'value="2025-11"' in client.get(url).content.decode()
    InvestmentReport.objects.create(project=dataset.p3, month=dt.date(2025, 11, 1), amount=1)
    assert 'value="2025-12"' in client.get(url).content.decode()


def test_figures_read_with_thousands_separators(client, dataset):
    from guanjia.targets.templatetags.targets_tags import figure_grouped

    assert [figure_grouped(v) for v in (Decimal("150000.5000"), Decimal("20.0000"), -1234567, None, 0.5)] == [
        "150,000.5", "20", "-1,234,567", "", "0.5"]
    # Amounts the statistics hand over as floats, whole digits kept (no exponent, no rounding).
    assert [figure_grouped(v) for v in (1823600.5, 12345.67, 3.0)] == ["1,823,600.5", "12,345.67", "3"]
    InvestmentReport.objects.create(project=dataset.p1, month=dt.date(2025, 3, 1), amount=Decimal("12345.6"))
    client.force_login(dataset.w.admin)
    assert "12,345.6" in client.get("/targets/projects/?year=2025").content.decode()


def test_a_butler_is_told_their_figures_are_their_own_projects_against_the_zone_s_targets(client, dataset):
    client.force_login(dataset.w.butler1)
    assert 'id="stats-partial-scope"' in client.get("/targets/projects/?year=2025").content.decode()
    client.force_login(dataset.w.admin)
    assert 'id="stats-partial-scope"' not in client.get("/targets/projects/?year=2025").content.decode()
