"""The item's page (`/approvals/<id>/`), its action forms, files, and the 代办 report page and export."""

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guanjia.approvals.services import lifecycle as lc
from guanjia.approvals.tests.factories import at, item, pdf, travel
from guanjia.tests_support.factories import PASSWORD

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 9, 28, 10, 0)


def made(world, **fields):
    with travel(at(2026, 9, 21, 9, 0)):
        return item(world, **fields)


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_page_shows_limits_plan_and_offers_the_moves_the_person_may_take(client, world):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept(actor=world.butler1, approval=approval)
    url = f"/approvals/{approval.pk}/"
    login(client, world.unit_user2)
    with travel(at(2026, 9, 30, 10, 0)), CaptureQueriesContext(connection) as first:
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and approval.name in html
    assert 'id="act-review"' in html and 'id="act-approve"' in html and 'id="act-prepare"' not in html
    assert 'data-used="2"' in html  # 9-29 and 9-30 of the committed 5 so far
    assert "承诺时限" in html and "法定时限" in html
    with travel(at(2026, 9, 30, 10, 0)):  # more events and files: the same number of queries
        lc.approval_review(actor=world.unit_user2, approval=approval)
        lc.approval_request_correction(actor=world.unit_user2, approval=approval, reason="补图纸")
        lc.approval_supply(actor=world.ent1_user, approval=approval, attachments=[pdf("a.pdf"), pdf("b.pdf")])
        lc.approval_resubmit(actor=world.butler1, approval=approval, attachments=[pdf("c.pdf")])
        with CaptureQueriesContext(connection) as second:
            assert client.get(url).status_code == 200
    assert len(second) == len(first) <= 30
    login(client, world.ent1_user)
    html = client.get(url).content.decode()
    assert 'id="act-' not in html  # nothing owed: no move for the enterprise
    for name in ("unit1", "butler2", "ent2"):
        login(client, world.users()[name])
        assert client.get(url).status_code == 404, name


def test_refused_action_keeps_what_was_typed_and_shows_the_error_by_its_field(client, world):
    approval = made(world)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept(actor=world.butler1, approval=approval)
    login(client, world.unit_user2)
    with travel(at(2026, 9, 30, 10, 0)):
        page = client.post(f"/approvals/{approval.pk}/approve/", {"approved_on": "2026-09-30", "comment": "审查通过",
                                                                 "version": approval.version + 2})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-error-for="document_number"' in html and "请填写批准文号。" in html
    assert "审查通过" in html and 'value="2026-09-30"' in html
    with travel(at(2026, 9, 30, 10, 0)):
        fresh = approval.__class__.objects.get(pk=approval.pk)
        page = client.post(f"/approvals/{approval.pk}/approve/", {
            "approved_on": "2026-09-30", "document_number": "咸高规字〔2026〕18号", "version": fresh.version,
            "attachments": [pdf("许可证.pdf")]})
    assert page.status_code == 302
    fresh.refresh_from_db()
    assert fresh.status == "approved" and fresh.document_number == "咸高规字〔2026〕18号"
    page = client.get(f"/approvals/{approval.pk}/")
    attachment = fresh.attachments.get()
    assert f"/approvals/{approval.pk}/files/{attachment.pk}/" in page.content.decode()
    download = client.get(f"/approvals/{approval.pk}/files/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_enterprise_makes_good_its_gap_on_the_page(client, world):
    approval = made(world, tolerance_allowed=True, tolerance_days=3)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept_with_gap(actor=world.butler1, approval=approval, gap="不动产权证书", attachments=[pdf()])
    login(client, world.ent1_user)
    with travel(at(2026, 10, 9, 10, 0)):
        html = client.get(f"/approvals/{approval.pk}/").content.decode()
        assert 'id="act-make_good"' in html and "已逾期未补齐" in html
        page = client.post(f"/approvals/{approval.pk}/make_good/", {"comment": "已补齐", "attachments": [pdf("证.pdf")]})
    assert page.status_code == 302
    approval.refresh_from_db()
    assert approval.gap_made_good_on == dt.date(2026, 10, 9)


def test_report_page_and_export(client, world):
    approval = made(world)
    with travel(MONDAY):
        lc.approval_prepare(actor=world.butler1, approval=approval)
        lc.approval_accept(actor=world.butler1, approval=approval)
    with travel(at(2026, 10, 9, 15, 0)):
        lc.approval_approve(actor=world.admin, approval=approval, document_number="文号", approved_on=dt.date(2026, 10, 9))
    login(client, world.supervisor)
    with travel(at(2026, 11, 2, 10, 0)):
        html = client.get("/approvals/report/").content.decode()
        assert 'data-stat="handled">1<' in html and 'data-stat="on_time_rate">100.0%<' in html
        assert "自然资源局" in html and 'id="benchmark"' in html
        response = client.get("/approvals/report.xlsx?from=2026-07-01&to=2026-12-31")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == ["代办情况统计（2026-07-01 至 2026-12-31）"]
    assert ["自然资源局", 1, 1, 1.0, 4.0, 5.0, 20.0, 1, 0] in values
    assert client.get("/approvals/report.xlsx?from=x").status_code == 400
    for name in ("butler1", "unit2", "ent1"):
        login(client, world.users()[name])
        assert client.get("/approvals/report/").status_code == 403, name


def test_the_page_says_which_prerequisites_are_not_finished_before_the_item_is_taken_in(client, world):
    """并联审批 may take an item in early, so it is not refused: the page says what it still waits on."""
    first = made(world)
    second = made(world)
    second.prerequisites.add(first)
    login(client, world.butler1)
    html = client.get(f"/approvals/{second.pk}/").content.decode()
    assert 'id="waiting-on"' in html and first.name in html.split('id="waiting-on"')[1].split("</div>")[0]
    assert 'id="waiting-on"' not in client.get(f"/approvals/{first.pk}/").content.decode()
    with travel(MONDAY):
        lc.approval_not_applicable(actor=world.butler1, approval=first, reason="本项目不涉及")
    assert 'id="waiting-on"' not in client.get(f"/approvals/{second.pk}/").content.decode()
