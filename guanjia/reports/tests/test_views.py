"""The statistics page (/reports/requests/) and its Excel export (/reports/requests.xlsx)."""

import io
import json
from dataclasses import replace
from pathlib import Path

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client
from openpyxl import load_workbook

from guanjia.reports.selectors import BREAKDOWNS
from guanjia.reports.tests.conftest import NOW
from guanjia.tests_support.factories import PASSWORD

PAGE, XLSX = "/reports/requests/", "/reports/requests.xlsx"
PERIOD = {"from": "2025-09-01", "to": "2025-10-31"}


@pytest.fixture
def get(dataset):
    def get(user, url, **params):
        client = Client()
        if user is not None:
            assert client.login(username=user.username, password=PASSWORD)
        with time_machine.travel(NOW, tick=False):
            return client.get(url, params)
    return get


def test_the_page_shows_cards_charts_and_tables(get, dataset):
    response = get(dataset.world.admin, PAGE, **PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("chart-trend", "chart-category", "chart-unit"):
        assert f'id="{chart}"' in html
    assert '<script id="stats-data" type="application/json">' in html
    assert "vendor/echarts/echarts.min.js" in html and "reports/request_stats.js" in html
    assert 'data-stat="closure_rate">60.0%<' in html and 'data-stat="response_rate">66.7%<' in html
    assert 'data-stat="avg_working_days_to_resolve">8.33<' in html
    for by in ("month", "unit", "butler", "category", "workstation", "source"):
        assert f'data-breakdown="{by}"' in html
    assert "供电公司" in html and "?from=2025-09-01&amp;to=2025-10-31" in html


def test_the_page_shows_every_rating_the_first_and_reopening(dataset):
    """The cards and every breakdown's table show 满意率 over all ratings, 一次满意率 and 重办率."""
    from guanjia.reports.tests.conftest import at, on, resolve
    from guanjia.requests import services as s

    resolve(at(2025, 11, 3, 10, 30), dataset.r2, dataset.world.admin)
    on(at(2025, 11, 3, 11, 0), s.request_rate, actor=dataset.world.ent1_user, request=dataset.r2,
       rating="satisfied")
    client = Client()
    client.force_login(dataset.world.admin)
    with time_machine.travel(NOW, tick=False):
        html = client.get(PAGE, PERIOD).content.decode()
    assert 'data-stat="satisfaction_rate">80.0%<' in html and "4 / 5 条评价" in html
    assert 'data-stat="first_satisfaction_rate">75.0%<' in html and "3 / 4 件首次评价即满意" in html
    assert 'data-stat="reopen_rate">25.0%<' in html and "1 / 4 件办结曾重办" in html
    assert html.count("<th class=\"text-end\">一次满意率</th>") == len(BREAKDOWNS)
    assert html.count("<th class=\"text-end\">重办率</th>") == len(BREAKDOWNS)
    assert "一次满意率：" in html and "重办率：" in html  # the definitions


def test_the_chart_data_is_escaped_json(get, dataset):
    response = get(dataset.world.admin, PAGE, **PERIOD)
    data = response.context["chart_data"]
    assert data["month"] == {"labels": ["2025-09", "2025-10"], "received": [2, 5], "accepted": [3, 2],
                             "resolved": [2, 1], "closure_rate": [66.7, 50.0]}
    assert data["unit"]["labels"] == ["供电公司", "自然资源局", "未转办"]
    html = response.content.decode()
    start = html.index('<script id="stats-data" type="application/json">') + len(
        '<script id="stats-data" type="application/json">')
    assert json.loads(html[start:html.index("</script>", start)]) == data


def test_chart_axis_labels_are_measured_and_long_names_shortened():
    """ECharts' containLabel only estimates the labels: a long first unit name, slanted, was cut at the edge.

    The charts are drawn by the static script, so this reads it; the layout was checked in Chromium.
    """
    script = Path(finders.find("reports/request_stats.js")).read_text(encoding="utf-8")
    assert "containLabel: true" not in script
    assert 'outerBoundsMode: "same", outerBoundsContain: "axisLabel"' in script
    assert 'overflow: "truncate"' in script
    assert "axisLabel: nameLabel(160)" in script  # the categories
    assert "axisLabel: nameLabel(104, {" in script  # the lead units


def test_the_page_defaults_to_the_current_year(get, dataset):
    response = get(dataset.world.leader, PAGE)
    assert response.status_code == 200
    assert response.context["report"]["from"].isoformat() == "2025-01-01"
    assert 'data-stat="accepted">6<' in response.content.decode()


@pytest.mark.parametrize(("params", "shown"), [
    ({}, ("2025-01-01", "2025-12-31")),
    ({"from": "2025-07-01"}, ("2025-07-01", "2025-12-31")),
    ({"to": "2025-06-30"}, ("2025-01-01", "2025-06-30")),
    (PERIOD, ("2025-09-01", "2025-10-31")),
])
def test_the_date_inputs_show_the_period_the_figures_are_for(get, dataset, params, shown):
    """The default page (and 本年度, a link to it) and a single date fill the inputs with the dates used."""
    response = get(dataset.world.admin, PAGE, **params)
    html = response.content.decode()
    report = response.context["report"]
    assert (report["from"].isoformat(), report["to"].isoformat()) == shown
    assert f'name="from" value="{shown[0]}"' in html and f'name="to" value="{shown[1]}"' in html


def test_bad_dates_show_the_error_and_no_figures(get, dataset):
    response = get(dataset.world.admin, PAGE, **{"from": "2025-10-01", "to": "2025-09-01"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "结束日期不能早于开始日期" in html and "stats-data" not in html


@pytest.mark.parametrize("who", ["admin", "leader", "supervisor", "butler1", "unit1", "ent1"])
def test_page_access_by_role(get, dataset, who):
    response = get(dataset.world.users()[who], PAGE, **PERIOD)
    assert response.status_code == (403 if who == "ent1" else 200)


def test_a_butler_page_counts_only_their_requests(get, dataset):
    response = get(dataset.world.butler1, PAGE, **PERIOD)
    assert response.context["report"]["overall"]["accepted"] == 3
    assert "第二工作站" not in response.content.decode()


def test_anonymous_is_sent_to_login(get, dataset):
    response = get(None, PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert get(None, XLSX).status_code == 302


def test_the_export_opens_with_openpyxl(get, dataset):
    response = get(dataset.world.admin, XLSX, **PERIOD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "request-stats-20250901-20251031.xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames == ["总体", "月份", "牵头单位", "管家", "类别", "工作站", "渠道"]
    overall = {row[0]: row[1] for row in workbook["总体"].iter_rows(min_row=3, values_only=True)}
    assert overall["受理"] == 5 and overall["办结"] == 3 and overall["办结率"] == 0.6
    assert overall["响应率"] == 4 / 6 and overall["平均办结工作日"] == 8.33 and overall["超期未办结"] == 1
    units = list(workbook["牵头单位"].iter_rows(min_row=2, values_only=True))
    assert units[0][:4] == ("牵头单位", "收到诉求", "受理", "办结")
    assert [row[0] for row in units[1:]] == ["供电公司", "自然资源局", "未转办"]
    months = list(workbook["月份"].iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[2]) for row in months] == [("2025-09", 3), ("2025-10", 2)]
    assert (overall["评价次数"], overall["满意及基本满意评价"], overall["满意率"]) == (4, 3, 0.75)
    assert (overall["一次满意率"], overall["重办率"]) == (0.75, 0.0)


def test_the_export_formats_rates_as_percentages_and_freezes_its_headers(get, dataset):
    workbook = load_workbook(io.BytesIO(get(dataset.world.admin, XLSX, **PERIOD).content))
    overall = workbook["总体"]
    assert overall.freeze_panes == "A3"  # the period and the column names stay in view
    formats = {row[0].value: row[1].number_format for row in overall.iter_rows(min_row=3)}
    rates = ("响应率", "办结率", "按期办结率", "满意率", "一次满意率", "重办率")
    assert {name: formats[name] for name in rates} == dict.fromkeys(rates, "0.0%")
    assert formats["受理"] == formats["评价次数"] == "General"
    for title in workbook.sheetnames[1:]:
        sheet = workbook[title]
        assert sheet.freeze_panes == "B3", title  # and the names of the rows
        header = [cell.value for cell in sheet[2]]
        first = sheet[3]
        assert first[header.index("一次满意率")].number_format == "0.0%", title
        assert first[header.index("重办率")].number_format == "0.0%", title
        assert first[header.index("评价次数")].number_format == "General", title


def test_the_export_follows_the_language_like_the_page(get, dataset, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(dataset.world.admin)
    with time_machine.travel(NOW, tick=False):
        response = client.get(XLSX, PERIOD)
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert workbook.sheetnames[:3] == ["Overall", "Month", "Lead unit"]
    units = list(workbook["Lead unit"].iter_rows(values_only=True))
    assert units[0][0].startswith("Period: 2025-09-01 to 2025-10-31 (by acceptance date")
    assert units[1][:4] == ("Lead unit", "Requests received", "Accepted", "Resolved")
    assert units[-1][0] == "Not transferred"
    assert "Workstation" in workbook.sheetnames  # one workstation per row, not the menu's "Workstations"


def test_sheet_names_keep_to_excels_rules_whatever_the_translation(get, dataset, monkeypatch):
    label = "Lead unit / department: the one that answers [first]"
    monkeypatch.setitem(BREAKDOWNS, "unit", replace(BREAKDOWNS["unit"], label=label))
    monkeypatch.setitem(BREAKDOWNS, "butler", replace(BREAKDOWNS["butler"], label="'总体'"))
    workbook = load_workbook(io.BytesIO(get(dataset.world.admin, XLSX, **PERIOD).content), read_only=True)
    assert workbook.sheetnames[1:4] == ["月份", "Lead unit - department- the one", "总体 (2)"]
    assert next(workbook["Lead unit - department- the one"].iter_rows(min_row=2, values_only=True))[0] == label


def test_sheet_title_shortens_and_numbers_clashes():
    from guanjia.reports.exports import sheet_title

    taken = set()
    titles = [sheet_title(label, taken) for label in ("x" * 40, "X" * 35, "a?b", "")]
    assert titles == ["x" * 31, "X" * 27 + " (2)", "a-b", "-"]


def test_the_export_of_a_bad_period_is_400(get, dataset):
    response = get(dataset.world.admin, XLSX, **{"from": "2025-02-30"})
    assert response.status_code == 400


def test_enterprise_contacts_get_no_export(get, dataset):
    assert get(dataset.world.ent2_user, XLSX, **PERIOD).status_code == 403
