"""The measurements. Each figure is the median of interleaved runs, divided by a floor measured in the same run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


@dataclass
class Figure:
    name: str
    median_ms: float
    floor_ms: float
    queries: int | None
    budget: float | None = None
    against: str = "floor"  # what floor_ms is: a floor measured in the run, or a fixed budget

    @property
    def ratio(self) -> float:
        return self.median_ms / self.floor_ms if self.floor_ms else float("inf")

    def line(self) -> str:
        budget = f" (target < {self.budget:g}×)" if self.budget else ""
        queries = f", {self.queries} queries" if self.queries is not None else ""
        return f"{self.name:<48} {self.median_ms:9.2f} ms  {self.ratio:7.2f}× {self.against}{budget}{queries}"


def _timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def _query_count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        call()
    return len(ctx)


def measure_requests(client: Client, targets: dict[str, str], *, repeat: int, budget: float) -> list[Figure]:
    """Interleave the floor with each target so that machine noise hits all of them alike."""

    def get(url: str) -> Callable[[], object]:
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    floor = get("/bench/floor/json/")
    calls = {name: get(url) for name, url in targets.items()}
    for call in [floor, *calls.values()]:  # warm up caches and connections
        call()
    samples: dict[str, list[float]] = {"floor": [], **{name: [] for name in calls}}
    for _ in range(repeat):
        samples["floor"].append(_timed(floor))
        for name, call in calls.items():
            samples[name].append(_timed(call))
    floor_ms = statistics.median(samples["floor"])
    figures = [Figure("floor: minimal Django JSON view", floor_ms, floor_ms, _query_count(floor))]
    for name, call in calls.items():
        figures.append(Figure(name, statistics.median(samples[name]), floor_ms, _query_count(call), budget))
    return figures


def make_roster(rows: int, *, start: int) -> bytes:
    """An .xlsx roster with Chinese headers and valid, fresh USCCs."""
    from openpyxl import Workbook
    from stdnum.cn import uscc

    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业名录")
    sheet.append(["企业名称", "统一社会信用代码", "所属行业", "企业规模", "地址"])
    for n in range(start, start + rows):
        body = f"91610499{n:09d}"
        sheet.append([f"基准导入测试{n}有限公司", body + uscc.calc_check_digit(body), "C39", "规下",
                      "咸阳高新区世纪大道"])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def measure_import(*, actor, zone, rows: int) -> Figure:
    """A roster import of `rows` rows, against a floor of a bare bulk_create of the same rows (rolled back)."""
    from django.db import transaction

    from guanjia.enterprises.importing import roster_import
    from guanjia.enterprises.models import Enterprise

    content = make_roster(rows, start=900_000_000 - rows * 2)

    class Rollback(Exception):
        pass

    def floor():
        try:
            with transaction.atomic():
                Enterprise.objects.bulk_create(
                    [Enterprise(zone=zone, name=f"地板{n}", uscc=f"FLOOR{n:013d}") for n in range(rows)],
                    batch_size=1000,
                )
                raise Rollback
        except Rollback:
            pass

    def real():
        try:
            with transaction.atomic():
                roster_import(actor=actor, zone=zone, file=BytesIO(content))
                raise Rollback
        except Rollback:
            pass

    floor_ms = _timed(floor)
    real_ms = _timed(real)
    return Figure(f"roster import, {rows} rows (budget 10 s)", real_ms, floor_ms, None)
