"""Keeps the benchmark code working (tiny sizes; no timing is asserted)."""

import pytest

from bench.run import Figure, make_roster, measure_requests


@pytest.mark.urls("bench.urls")
def test_measure_requests_reports_a_ratio_per_target(client, db):
    from guanjia.tests_support.factories import build_world

    world = build_world()
    client.force_login(world.admin)
    figures = measure_requests(client, {"enterprises": "/api/v1/enterprises/?q=咸阳"}, repeat=3, budget=3)
    assert [f.name for f in figures][1:] == ["enterprises"]
    assert all(f.median_ms > 0 and f.queries is not None for f in figures)
    assert "× floor" in figures[1].line()


def test_roster_is_a_valid_workbook():
    from io import BytesIO

    from openpyxl import load_workbook
    from stdnum.cn import uscc

    rows = list(load_workbook(BytesIO(make_roster(5, start=10)), read_only=True).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("企业名称", "统一社会信用代码") and len(rows) == 6
    assert all(uscc.is_valid(row[1]) for row in rows[1:])


def test_ratio():
    assert Figure("x", 6.0, 2.0, 1).ratio == 3.0
