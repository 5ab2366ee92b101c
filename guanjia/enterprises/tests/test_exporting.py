"""Exporting enterprises to .xlsx: the import's headers, masked phones, a fixed query count, round trip."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from guanjia.core.choices import Role
from guanjia.enterprises import services
from guanjia.enterprises.exporting import enterprises_export, roster_template
from guanjia.enterprises.importing import HEADERS, roster_import, roster_parse
from guanjia.enterprises.models import Contact, Enterprise, Tag
from guanjia.tests_support import factories as f
from guanjia.tests_support.factories import make_uscc


def read(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.active.iter_rows(values_only=True))


def by_uscc(rows: list[tuple]) -> dict[str, dict]:
    header, *data = rows
    return {line[1]: dict(zip(header, line, strict=True)) for line in data}


@pytest.fixture
def dressed(world):
    """ent1 with tags, an address, a primary and a second contact."""
    ent1 = world.ent1
    ent1.tags.set(Tag.objects.filter(code__in=["hnte", "srdi"]))
    Enterprise.objects.filter(pk=ent1.pk).update(address="咸阳市高新区星火大道36号", legal_representative="王建国",
                                                 internal_note="=HYPERLINK(\"http://x\")")
    Contact.objects.create(enterprise=ent1, name="备用联系人", phone="13700000000")
    Contact.objects.create(enterprise=ent1, name="李娜", phone="13812345678", is_primary=True)
    return world


def test_export_has_the_import_headers_and_the_values(dressed):
    world = dressed
    rows = read(enterprises_export(queryset=Enterprise.objects.all(), user=world.admin))

    assert rows[0] == HEADERS
    lines = by_uscc(rows)
    assert set(lines) == {world.ent1.uscc, world.ent2.uscc}  # not the other zone's enterprise
    line = lines[world.ent1.uscc]
    assert line == {
        "企业名称": "咸阳黄河轮胎橡胶有限公司", "统一社会信用代码": world.ent1.uscc,
        "所属行业": "C39 计算机、通信和其他电子设备制造业", "企业规模": "规上", "标签": "高新技术企业、专精特新",
        "地址": "咸阳市高新区星火大道36号", "法定代表人": "王建国", "工作站": "第一工作站",
        "企业管家": world.butler1.name, "联系领导": world.leader.name, "联系人": "李娜", "联系电话": "13812345678",
        "内部备注": "=HYPERLINK(\"http://x\")",
    }
    assert lines[world.ent2.uscc]["联系领导"] is None


def test_text_that_looks_like_a_formula_stays_text(dressed):
    content = enterprises_export(queryset=Enterprise.objects.all(), user=dressed.admin)
    sheet = load_workbook(io.BytesIO(content)).active
    notes = [row[12] for row in sheet.iter_rows(min_row=2) if row[12].value]
    assert [(c.value, c.data_type) for c in notes] == [("=HYPERLINK(\"http://x\")", "s")]


def test_header_is_bold_frozen_and_columns_have_widths(world):
    content = enterprises_export(queryset=Enterprise.objects.all(), user=world.admin)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet.title == "企业名录"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.column_dimensions["A"].width >= 30
    assert sheet.column_dimensions["B"].width >= 20


@pytest.mark.parametrize(
    ("who", "phone"),
    [("admin", "13812345678"), ("leader", "13812345678"), ("butler1", "13812345678"),
     ("supervisor", "138****5678")],
)
def test_phones_are_masked_for_roles_that_may_not_read_them(dressed, who, phone):
    user = dressed.users()[who]
    lines = by_uscc(read(enterprises_export(queryset=Enterprise.objects.all(), user=user)))
    assert lines[dressed.ent1.uscc]["联系电话"] == phone


def test_a_superuser_sees_phones(dressed):
    root = f.UserFactory(zone=None, is_superuser=True)
    lines = by_uscc(read(enterprises_export(queryset=Enterprise.objects.all(), user=root)))
    assert lines[dressed.ent1.uscc]["联系电话"] == "13812345678"


def test_export_keeps_to_what_the_user_may_see(world):
    lines = by_uscc(read(enterprises_export(queryset=Enterprise.objects.all(), user=world.butler1)))
    assert set(lines) == {world.ent1.uscc}
    assert read(enterprises_export(queryset=Enterprise.objects.all(), user=world.unit_user1)) == [HEADERS]


def test_a_shared_name_is_written_with_the_username(world):
    f.UserFactory(zone=world.zone, username="butler1b", name=world.butler1.name, roles=[Role.BUTLER])
    lines = by_uscc(read(enterprises_export(queryset=Enterprise.objects.all(), user=world.admin)))
    assert lines[world.ent1.uscc]["企业管家"] == f"{world.butler1.name}（butler1）"
    assert lines[world.ent2.uscc]["企业管家"] == world.butler2.name


def _many(zone, n, *, ws, butler, leader):
    tags = list(Tag.objects.all()[:2])
    for i in range(n):
        enterprise = f.EnterpriseFactory(zone=zone, workstation=ws, butler=butler, contact_leader=leader,
                                         uscc=make_uscc(30_000 + i + (0 if n < 10 else 1000)))
        enterprise.tags.set(tags)
        Contact.objects.create(enterprise=enterprise, name=f"联系人{i}", phone=f"139{i:08d}", is_primary=True)


def test_the_number_of_queries_does_not_grow_with_the_rows(world, django_assert_num_queries):
    def count_queries():
        user = type(world.admin).objects.get(pk=world.admin.pk)  # role_codes not cached yet
        with CaptureQueriesContext(connection) as captured:
            enterprises_export(queryset=Enterprise.objects.all(), user=user)
        return len(captured)

    _many(world.zone, 5, ws=world.ws1, butler=world.butler1, leader=world.leader)
    with_5 = count_queries()
    _many(world.zone, 45, ws=world.ws2, butler=world.butler2, leader=world.leader)
    assert Enterprise.objects.filter(zone=world.zone).count() == 52
    user = type(world.admin).objects.get(pk=world.admin.pk)
    # roles, shared names, enterprises (joined), tags, contacts
    with django_assert_num_queries(with_5):
        enterprises_export(queryset=Enterprise.objects.all(), user=user)
    assert with_5 == 5


def test_template_has_the_headers_and_instructions():
    workbook = load_workbook(io.BytesIO(roster_template()))
    assert workbook.sheetnames == ["企业名录", "填写说明"]
    assert next(workbook.active.iter_rows(values_only=True)) == HEADERS


def test_export_then_import_into_another_zone_gives_the_same_roster(dressed):
    """USCCs are unique across zones, so the enterprises leave zone 1 before zone 2 imports the file.

    Zone 2 has a workstation and people with the same names (not usernames) as zone 1's, as a second
    zone set up from the same staff list would.
    """
    world = dressed
    services.enterprise_assign_butler(actor=world.admin, enterprise=world.ent2, butler=world.butler2)
    content = enterprises_export(queryset=Enterprise.objects.all(), user=world.admin)
    original = by_uscc(read(content))

    target = world.other_zone
    ws = f.WorkstationFactory(zone=target, name="第一工作站")
    f.WorkstationFactory(zone=target, name="第二工作站")
    admin2 = f.UserFactory(zone=target, username="admin2", roles=[Role.ADMIN])
    for person, role in ((world.butler1, Role.BUTLER), (world.butler2, Role.BUTLER), (world.leader, Role.LEADER)):
        f.UserFactory(zone=target, username=f"{person.username}-2", name=person.name, roles=[role])
    ids = [world.ent1.pk, world.ent2.pk]
    world.project1.delete()
    world.project2.delete()
    type(world.ent1_user).objects.filter(enterprise__in=ids).update(enterprise=None)
    Enterprise.objects.filter(pk__in=ids).delete()

    preview = roster_parse(zone=target, file=content)
    assert preview.ok, [str(e) for e in preview.errors]
    assert preview.warnings == []
    assert roster_import(actor=admin2, zone=target, file=content).created == 2

    again = by_uscc(read(enterprises_export(queryset=Enterprise.objects.filter(zone=target), user=admin2)))
    foreign = world.foreign_enterprise.uscc
    assert {k: v for k, v in again.items() if k != foreign} == original
    moved = Enterprise.objects.get(uscc=world.ent1.uscc)
    assert (moved.zone, moved.workstation, moved.butler.username) == (target, ws, "butler1-2")
