"""The staff's internal note (内部备注) about an enterprise: no enterprise contact ever reads it (issue 14).

Page, form, API (absent from the answer, not null), export, history tab; the staff see it everywhere.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from guanjia.enterprises import services
from guanjia.enterprises.exporting import enterprises_export
from guanjia.enterprises.models import Enterprise

NOTE = "企业资金链紧张，勿对外透露"
STAFF = ("admin", "leader", "butler1", "supervisor")


@pytest.fixture
def noted(world):
    services.enterprise_update(actor=world.butler1, enterprise=world.ent1, internal_note=NOTE)
    return world


def _export_text(user) -> str:
    sheet = load_workbook(io.BytesIO(enterprises_export(queryset=Enterprise.objects.all(), user=user))).active
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)


def test_the_enterprise_contact_never_reads_it_on_its_page(client, noted):
    client.force_login(noted.ent1_user)
    page = client.get(noted.ent1.get_absolute_url()).content.decode()
    assert NOTE not in page
    assert "内部备注" not in page  # neither the note nor, in the history tab, that it was changed


@pytest.mark.parametrize("who", STAFF)
def test_the_staff_read_it_on_the_page_and_in_the_history(client, noted, who):
    client.force_login(noted.users()[who])
    page = client.get(noted.ent1.get_absolute_url()).content.decode()
    assert page.count(NOTE) == 2  # the 基本信息 tab and the 操作历史 row of the change


def test_an_update_of_the_internal_note_alone_leaves_no_row_in_the_contacts_history(client, noted):
    from guanjia.core.audit import history_for

    rows = history_for(noted.ent1)
    hidden = history_for(noted.ent1, hidden={"internal_note"})
    assert len(hidden) == len(rows) - 1
    assert all("内部备注" not in [label for label, *_ in row.changes] for row in hidden)


def test_the_api_answer_of_an_enterprise_contact_has_no_internal_note_field(api, noted):
    api.force_authenticate(noted.ent1_user)
    one = api.get(f"/api/v1/enterprises/{noted.ent1.pk}/").json()
    listed = api.get("/api/v1/enterprises/").json()["results"]
    assert "internal_note" not in one and NOTE not in str(one)
    assert listed and all("internal_note" not in row for row in listed)


@pytest.mark.parametrize("who", STAFF)
def test_the_staff_read_it_in_the_api(api, noted, who):
    api.force_authenticate(noted.users()[who])
    assert api.get(f"/api/v1/enterprises/{noted.ent1.pk}/").json()["internal_note"] == NOTE


def test_the_export_of_an_enterprise_contact_has_no_internal_note_column(noted):
    text = _export_text(noted.ent1_user)
    assert NOTE not in text and "内部备注" not in text
    assert noted.ent1.name in text


@pytest.mark.parametrize("who", STAFF)
def test_the_staff_export_has_it(noted, who):
    text = _export_text(noted.users()[who])
    assert "内部备注" in text and NOTE in text


def test_the_form_says_what_the_enterprise_sees(client, noted):
    client.force_login(noted.butler1)
    page = client.get(f"/enterprises/{noted.ent1.pk}/edit/").content.decode()
    assert 'id="enterprise-sees"' in page and "内部备注除外" in page
    assert "仅园区工作人员可见" in page  # the field's own help text


def test_the_old_note_column_of_a_roster_fills_the_internal_note(world):
    """Rosters written before the rename call the column 备注; it is the staff's note still."""
    from guanjia.enterprises.importing import HEADERS, roster_import
    from guanjia.enterprises.tests.test_importing import ok_row, xlsx

    headers = [("备注" if h == "内部备注" else h) for h in HEADERS]
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([ok_row(1, internal_note="旧名录备注")],
                                                                  headers=headers))
    assert Enterprise.objects.get(name="咸阳导入测试企业1有限公司").internal_note == "旧名录备注"
