"""Importing an enterprise roster (.xlsx): checks, all-or-nothing writes, audit trail, file guards."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone
from openpyxl import Workbook

from guanjia.core.choices import Role
from guanjia.enterprises import importing, services
from guanjia.enterprises.importing import HEADERS, RosterInvalid, reading, roster_import, roster_parse
from guanjia.enterprises.models import Contact, Enterprise, EnterpriseAssignment, Tag
from guanjia.tests_support import factories as f
from guanjia.tests_support.factories import make_uscc

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples"


def xlsx(rows, headers=HEADERS, *, before=(), title="企业名录") -> bytes:
    """An .xlsx with optional rows above the header (a title line), the header, then `rows`."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for line in before:
        sheet.append(list(line))
    if headers is not None:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row(**values) -> list:
    """One roster line in HEADERS order; keys are the model-ish field names of importing.COLUMNS."""
    line = {c.field: "" for c in importing.COLUMNS}
    line.update(values)
    return [line[c.field] for c in importing.COLUMNS]


def ok_row(n: int, **values) -> list:
    return row(**{"name": f"咸阳导入测试企业{n}有限公司", "uscc": make_uscc(5000 + n), **values})


def messages(preview) -> list[str]:
    return [str(e) for e in preview.errors]


def big_roster(n: int, *, bad_at: int | None = None) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("企业名录")
    sheet.append(list(HEADERS))
    for i in range(n):
        code = make_uscc(100_000 + i)
        if i == bad_at:
            code = code[:-1] + ("0" if code[-1] != "0" else "1")
        sheet.append([
            f"咸阳批量企业{i}有限公司", code, "C39", "规上" if i % 2 else "规下",
            "高新技术企业、专精特新" if i % 3 == 0 else "", f"咸阳市高新区星火大道{i}号", "王建国",
            "第一工作站", "butler1", "leader", f"联系人{i}", f"138{i:08d}", "",
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# A good roster


def test_imports_every_column(world):
    data = xlsx([
        row(name="咸阳彩晶光电科技有限公司", uscc=make_uscc(7001), industry="C39", scale="规上",
            tags="高新技术企业、专精特新", address="咸阳市高新区星火大道36号", legal_representative="王建国",
            workstation="第一工作站", butler="butler1", contact_leader=str(world.leader),
            contact_name="李娜", contact_phone="13812345678", internal_note="玻璃基板"),
        row(name="咸阳启明软件技术有限公司", uscc=make_uscc(7002), industry="65", scale="规模以下"),
    ])
    result = roster_import(actor=world.admin, zone=world.zone, file=data)

    assert (result.created, result.updated, result.unchanged, result.warnings) == (2, 0, 0, [])
    first = Enterprise.objects.get(uscc=make_uscc(7001))
    assert (first.zone, first.name, first.industry, first.scale) == (world.zone, "咸阳彩晶光电科技有限公司", "C39", "above")
    assert (first.address, first.legal_representative, first.internal_note) == ("咸阳市高新区星火大道36号", "王建国", "玻璃基板")
    assert (first.workstation, first.butler, first.contact_leader) == (world.ws1, world.butler1, world.leader)
    assert sorted(first.tags.values_list("code", flat=True)) == ["hnte", "srdi"]
    contact = first.contacts.get()
    assert (contact.name, contact.phone, contact.is_primary) == ("李娜", "13812345678", True)
    history = {a.duty: a for a in first.assignments.all()}
    assert history["butler"].person == world.butler1
    assert history["contact_leader"].person == world.leader
    for period in history.values():
        assert (period.reason, period.assigned_by, period.ended_at) == ("名录导入", world.admin, None)
    second = Enterprise.objects.get(uscc=make_uscc(7002))
    assert (second.industry, second.scale, second.butler, second.contacts.count()) == ("I65", "below", None, 0)


def test_import_writes_the_audit_rows_auditlog_would_write(world):
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([
        row(name="咸阳审计测试有限公司", uscc=make_uscc(7101), industry="C39", tags="专精特新",
            butler="butler1", contact_name="李娜", contact_phone="13812345678"),
    ]))
    enterprise = Enterprise.objects.get(uscc=make_uscc(7101))
    entries = list(LogEntry.objects.get_for_object(enterprise).order_by("pk"))
    created = [e for e in entries if e.action == LogEntry.Action.CREATE]
    assert len(created) == 1
    entry = created[0]
    assert (entry.actor, entry.additional_data, entry.object_repr) == (world.admin, {"source": "import"}, enterprise.name)
    assert entry.timestamp <= timezone.now()
    # The same fields and values as auditlog's own diff of the saved row.
    expected = {k: list(v) for k, v in model_instance_diff(None, enterprise).items()}
    assert entry.changes == expected
    assert entry.changes["uscc"] == ["None", make_uscc(7101)]
    assert entry.changes["butler"] == ["None", str(world.butler1.pk)]
    tags = [e for e in entries if e.action == LogEntry.Action.UPDATE]
    assert [e.changes for e in tags] == [{"tags": {"type": "m2m", "operation": "add", "objects": ["专精特新"]}}]
    for obj in (*enterprise.assignments.all(), *enterprise.contacts.all()):
        logged = LogEntry.objects.get_for_object(obj).get()
        assert (logged.action, logged.actor, logged.additional_data) == (
            LogEntry.Action.CREATE, world.admin, {"source": "import"},
        )


def test_import_audit_rows_have_the_shape_of_a_service_created_enterprise(world):
    by_service = services.enterprise_create(actor=world.admin, zone=world.zone, name="甲", uscc=make_uscc(7201))
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([row(name="乙", uscc=make_uscc(7202))]))
    by_import = Enterprise.objects.get(uscc=make_uscc(7202))

    def create_entry(obj):
        return LogEntry.objects.get_for_object(obj).get(action=LogEntry.Action.CREATE)

    service_entry, import_entry = create_entry(by_service), create_entry(by_import)
    assert set(service_entry.changes) == set(import_entry.changes)
    assert service_entry.content_type == import_entry.content_type
    assert service_entry.changes["scale"] == import_entry.changes["scale"] == ["None", "below"]
    assert service_entry.additional_data == {"source": "command"}
    assert import_entry.additional_data == {"source": "import"}


def test_parse_previews_without_writing(world):
    data = xlsx([
        ok_row(1, industry="C39 计算机、通信和其他电子设备制造业", scale="规上", tags="瞪羚企业"),
        ok_row(2, workstation="第二工作站", butler="butler2"),
    ])
    before = (Enterprise.objects.count(), LogEntry.objects.count())
    preview = roster_parse(zone=world.zone, file=data)

    assert preview.ok and (preview.new, preview.updated, preview.total) == (2, 0, 2)
    assert (Enterprise.objects.count(), LogEntry.objects.count()) == before
    first, second = preview.rows
    assert first["row_number"] == 2 and first["action"] == "create"
    assert (first["industry"], first["scale_label"], first["tags"]) == ("C39", "规上", ["瞪羚企业"])
    assert first["industry_label"].startswith("C39 计算机")
    assert (second["workstation"], second["butler"], second["scale"]) == ("第二工作站", str(world.butler2), "below")
    assert preview.columns["uscc"] == "统一社会信用代码"


def test_blank_rows_are_skipped_and_row_numbers_are_excels(world):
    data = xlsx([ok_row(1), row(), ok_row(2, uscc="123")], before=[["咸阳高新区企业名录（2026年）"], []])
    preview = roster_parse(zone=world.zone, file=data)
    assert [r["row_number"] for r in preview.rows] == [4, 6]
    assert [(e.row_number, e.column) for e in preview.errors] == [(6, "统一社会信用代码")]


# ---------------------------------------------------------------------------------------------
# Headers


def test_header_synonyms_spaces_and_full_width(world):
    headers = ["＊企业 名称", "信用代码", "行业", "规模（规上/规下）", "企业标签", "注册地址", "法人",
               "所属工作站", "管家", "包联领导", "联系人姓名", "手机", "说明"]
    data = xlsx([["咸阳同义词测试有限公司", make_uscc(7301), "39", "规上", "高企", "星火大道", "王五",
                  "第一工作站", "butler1", "leader", "赵六", 13800000000, "备注文字"]], headers=headers)
    roster_import(actor=world.admin, zone=world.zone, file=data)
    enterprise = Enterprise.objects.get(uscc=make_uscc(7301))
    assert (enterprise.industry, enterprise.scale, enterprise.address, enterprise.internal_note) == ("C39", "above", "星火大道", "备注文字")
    assert (enterprise.butler, enterprise.contact_leader, enterprise.workstation) == (world.butler1, world.leader, world.ws1)
    assert list(enterprise.tags.values_list("code", flat=True)) == ["hnte"]
    assert enterprise.contacts.get().phone == "13800000000"


def test_社会信用代码_is_also_understood(world):
    preview = roster_parse(zone=world.zone, file=xlsx([["甲公司", make_uscc(7302)]], headers=["名称", "社会信用代码"]))
    assert preview.ok and preview.new == 1


def test_a_missing_required_column_is_named(world):
    preview = roster_parse(zone=world.zone, file=xlsx([["甲公司", "C39"]], headers=["企业名称", "所属行业"]))
    assert messages(preview) == ["缺少必填列“统一社会信用代码”。"]
    assert preview.file_errors == preview.errors
    with pytest.raises(RosterInvalid) as raised:
        roster_import(actor=world.admin, zone=world.zone, file=xlsx([["甲公司", "C39"]], headers=["企业名称", "所属行业"]))
    assert raised.value.messages == ["缺少必填列“统一社会信用代码”。"]
    assert raised.value.preview.errors[0].column == "统一社会信用代码"


def test_unknown_columns_are_ignored_with_a_warning(world):
    headers = [*HEADERS, "注册资本（万元）"]
    preview = roster_parse(zone=world.zone, file=xlsx([[*ok_row(1), "5000"]], headers=headers))
    assert preview.ok
    assert [(w.row_number, w.column, w.message) for w in preview.warnings] == [(1, "注册资本（万元）", "无法识别的列，已忽略。")]
    result = roster_import(actor=world.admin, zone=world.zone, file=xlsx([[*ok_row(1), "5000"]], headers=headers))
    assert result.created == 1 and len(result.warnings) == 1


def test_two_columns_meaning_the_same_are_an_error(world):
    preview = roster_parse(
        zone=world.zone, file=xlsx([["甲", make_uscc(1), make_uscc(1)]], headers=["企业名称", "统一社会信用代码", "信用代码"])
    )
    assert messages(preview) == ["第1行“信用代码”列：与“统一社会信用代码”列重复（都表示“统一社会信用代码”），请删去一列。"]


# ---------------------------------------------------------------------------------------------
# Values


def test_full_width_uscc_is_folded(world):
    code = make_uscc(7401)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in code)
    assert full_width.startswith("９１６１")
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([row(name="全角代码公司", uscc=f" {full_width} ")]))
    assert Enterprise.objects.filter(uscc=code).exists()


@pytest.mark.parametrize(
    ("written", "code"),
    [("C39", "C39"), ("c39", "C39"), ("39", "C39"), (39, "C39"), ("Ｃ３９", "C39"), ("C 39", "C39"),
     ("C39 计算机、通信和其他电子设备制造业", "C39"), ("计算机、通信和其他电子设备制造业", "C39"),
     ("I65", "I65"), ("软件和信息技术服务业", "I65"), ("1", "A01")],
)
def test_industry_forms(world, written, code):
    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(1, industry=written)]))
    assert preview.ok, messages(preview)
    assert preview.rows[0]["industry"] == code


def test_a_four_digit_class_is_filed_under_its_division_with_a_warning(world):
    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(1, industry="C3911")]))
    assert preview.ok and preview.rows[0]["industry"] == "C39"
    assert [w.message for w in preview.warnings] == ["已按大类“C39 计算机、通信和其他电子设备制造业”登记。"]


@pytest.mark.parametrize(("written", "scale"), [("规上", "above"), ("规模以上", "above"), ("规上企业", "above"),
                                                 ("规下", "below"), ("规模以下", "below"), ("", "below")])
def test_scale_forms(world, written, scale):
    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(1, scale=written)]))
    assert preview.ok and preview.rows[0]["scale"] == scale


def test_tags_split_on_every_usual_separator(world):
    text = "高新技术企业、专精特新,瞪羚企业；上市企业 外资企业;独角兽企业，专精特新“小巨人”"
    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(1, tags=text)]))
    assert preview.ok, messages(preview)
    assert sorted(preview.rows[0]["tags"]) == sorted(
        ["高新技术企业", "专精特新", "瞪羚企业", "上市企业", "外资企业", "独角兽企业", "专精特新“小巨人”"]
    )


def test_person_by_name_with_username_settles_a_shared_name(world):
    twin = f.UserFactory(zone=world.zone, username="butler1b", name=world.butler1.name, roles=[Role.BUTLER])
    ambiguous = roster_parse(zone=world.zone, file=xlsx([ok_row(1, butler=world.butler1.name)]))
    assert [(e.row_number, e.column) for e in ambiguous.errors] == [(2, "企业管家")]
    assert "butler1、butler1b" in ambiguous.errors[0].message
    assert "请改填" in ambiguous.errors[0].message
    settled = roster_parse(zone=world.zone, file=xlsx([ok_row(1, butler=f"{twin.name}（butler1b）")]))
    assert settled.ok and settled.rows[0]["butler"] == str(twin)


# ---------------------------------------------------------------------------------------------
# Row errors: every one named by row and column, in Chinese, and nothing written


def test_every_kind_of_row_error(world):
    f.UserFactory(zone=world.zone, username="gone", name="离职管家", is_active=False, roles=[Role.BUTLER])
    bad_check = make_uscc(7501)[:-1] + ("0" if make_uscc(7501)[-1] != "0" else "1")
    data = xlsx([
        ok_row(1),                                                          # 2: fine
        row(name="", uscc=make_uscc(7502)),                                 # 3
        row(name="校验位错", uscc=bad_check),                                # 4
        row(name="位数错", uscc="9161040000000"),                           # 5
        ok_row(6, industry="火星产业"),                                      # 6
        ok_row(7, scale="中型"),                                             # 7
        ok_row(8, tags="高新技术企业、独角兽之王"),                            # 8
        ok_row(9, workstation="第九工作站"),                                  # 9
        ok_row(10, workstation="达州工作站"),                                 # 10: another zone's station
        ok_row(11, butler="nobody"),                                        # 11
        ok_row(12, butler="unit1"),                                         # 12: no butler role
        ok_row(13, butler="dz-admin"),                                      # 13: another zone
        ok_row(14, contact_leader="butler2"),                               # 14: not a leader
        ok_row(15, butler="离职管家"),                                        # 15: inactive
        ok_row(16, contact_phone="13800000000"),                            # 16: phone without a name
        ok_row(17, contact_name="名" * 51),                                  # 17: too long
        row(name="长" * 201, uscc=make_uscc(7518)),                          # 18: too long
    ])
    preview = roster_parse(zone=world.zone, file=data)
    found = {(e.row_number, e.column): e.message for e in preview.errors}
    assert set(found) == {
        (3, "企业名称"), (4, "统一社会信用代码"), (5, "统一社会信用代码"), (6, "所属行业"), (7, "企业规模"),
        (8, "标签"), (9, "工作站"), (10, "工作站"), (11, "企业管家"), (12, "企业管家"), (13, "企业管家"),
        (14, "联系领导"), (15, "企业管家"), (16, "联系人"), (17, "联系人"), (18, "企业名称"),
    }
    assert found[(3, "企业名称")] == "请填写企业名称。"
    assert found[(4, "统一社会信用代码")].startswith("统一社会信用代码校验位错误")
    assert found[(5, "统一社会信用代码")] == "统一社会信用代码应为18位，当前为13位。"
    assert "火星产业" in found[(6, "所属行业")]
    assert found[(7, "企业规模")] == "无法识别的企业规模“中型”：请填写“规上”或“规下”。"
    assert found[(8, "标签")].startswith("无法识别的标签：独角兽之王。可用的标签：高新技术企业")
    assert found[(9, "工作站")] == "本园区没有名为“第九工作站”的工作站。"
    assert found[(11, "企业管家")] == "未找到人员“nobody”：请填写本园区管家的姓名或用户名。"
    assert found[(12, "企业管家")] == f"“{world.unit_user1}”没有“管家”角色，不能指派。"
    assert found[(13, "企业管家")] == f"“{world.foreign_admin}”不是本园区人员，不能指派。"
    assert found[(14, "联系领导")] == f"“{world.butler2}”没有“园区领导”角色，不能指派。"
    assert found[(15, "企业管家")] == "“离职管家”已停用，不能指派。"
    assert found[(16, "联系人")] == "填写了联系电话，请同时填写联系人姓名。"
    assert preview.error_rows == list(range(3, 19))
    assert [r["action"] for r in preview.rows] == ["create"] + ["error"] * 16
    assert preview.new == 1
    assert str(preview.errors[0]) == "第3行“企业名称”列：请填写企业名称。"

    count = Enterprise.objects.count()
    with pytest.raises(RosterInvalid) as raised:
        roster_import(actor=world.admin, zone=world.zone, file=data)
    assert isinstance(raised.value, ValidationError)
    assert raised.value.preview.error_rows == preview.error_rows
    assert len(raised.value.messages) == 16
    assert Enterprise.objects.count() == count  # not even row 2


def test_codes_registered_before_or_twice_in_the_file(world):
    data = xlsx([
        row(name="已登记", uscc=world.ent1.uscc),
        row(name="他区已登记", uscc=world.foreign_enterprise.uscc),
        ok_row(3),
        row(name="重复", uscc=" " + make_uscc(5003).lower()),
    ])
    preview = roster_parse(zone=world.zone, file=data)
    assert [(e.row_number, e.message) for e in preview.errors] == [
        (2, f"该统一社会信用代码已登记为“{world.ent1.name}”。如需更新已登记企业，请选择“更新已登记企业”后重新导入。"),
        (3, "该统一社会信用代码已被其他园区登记，不能导入。"),
        (5, "与第4行的统一社会信用代码重复（第4行、第5行）。"),
    ]


def test_an_archived_enterprise_is_named_as_archived(world):
    services.enterprise_archive(actor=world.admin, enterprise=world.ent2)
    preview = roster_parse(zone=world.zone, file=xlsx([row(name="x", uscc=world.ent2.uscc)]))
    assert "（已归档）" in preview.errors[0].message


def test_the_same_name_twice_is_only_a_warning(world):
    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(1, name="同名公司"), ok_row(2, name="同名公司")]))
    assert preview.ok
    assert [(w.row_number, w.message) for w in preview.warnings] == [(3, "与第2行的企业名称相同。")]


# ---------------------------------------------------------------------------------------------
# Updating registered enterprises


def test_update_existing_changes_only_what_the_roster_says(world):
    services.contact_save(actor=world.admin, enterprise=world.ent1, name="老联系人", phone="13900000000", is_primary=True)
    data = xlsx([
        row(name="咸阳黄河轮胎橡胶股份有限公司", uscc=world.ent1.uscc, industry="C29", tags="上市企业",
            butler="butler2", contact_name="老联系人", contact_phone="13911112222"),
        row(name=world.ent2.name, uscc=world.ent2.uscc),   # nothing new: unchanged
        ok_row(3),                                       # new
    ])
    preview = roster_parse(zone=world.zone, file=data, update_existing=True)
    assert preview.ok, messages(preview)
    assert (preview.new, preview.updated, preview.unchanged) == (1, 1, 1)
    assert [r["action"] for r in preview.rows] == ["update", "unchanged", "create"]
    assert preview.rows[0]["enterprise_id"] == world.ent1.pk

    result = roster_import(actor=world.admin, zone=world.zone, file=data, update_existing=True)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    ent1 = Enterprise.objects.get(pk=world.ent1.pk)
    assert (ent1.name, ent1.industry, ent1.butler, ent1.contact_leader) == (
        "咸阳黄河轮胎橡胶股份有限公司", "C29", world.butler2, world.leader,
    )
    assert ent1.scale == "above" and ent1.workstation == world.ws1  # empty cells keep what is on record
    assert list(ent1.tags.values_list("code", flat=True)) == ["listed"]
    assert list(ent1.contacts.values_list("name", "phone")) == [("老联系人", "13911112222")]
    open_butler = ent1.assignments.get(duty="butler", ended_at__isnull=True)
    assert (open_butler.person, open_butler.reason, open_butler.assigned_by) == (world.butler2, "名录导入", world.admin)
    update = LogEntry.objects.get_for_object(ent1).filter(action=LogEntry.Action.UPDATE).order_by("pk").first()
    assert (update.actor, update.additional_data["source"]) == (world.admin, "import")


def test_a_masked_phone_never_overwrites_a_real_one(world):
    services.contact_save(actor=world.admin, enterprise=world.ent1, name="张三", phone="13912345678", is_primary=True)
    data = xlsx([row(name=world.ent1.name, uscc=world.ent1.uscc, contact_name="张三", contact_phone="139****5678")])
    preview = roster_parse(zone=world.zone, file=data, update_existing=True)
    assert preview.ok and preview.unchanged == 1 and preview.warnings == []
    new = roster_parse(zone=world.zone, file=xlsx([ok_row(1, contact_name="李四", contact_phone="139****5678")]))
    assert [w.message for w in new.warnings] == ["联系电话为脱敏号码（含 *），未导入该电话。"]
    roster_import(actor=world.admin, zone=world.zone, file=xlsx([ok_row(1, contact_name="李四", contact_phone="139****5678")]))
    assert Contact.objects.get(name="李四").phone == ""


# ---------------------------------------------------------------------------------------------
# The file itself


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的。"),
        ("企业名称,统一社会信用代码\n甲,91610400000000001P\n".encode(), "不是 Excel 工作簿（.xlsx）文件"),
        (CFB + b"\x00" * 100 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 100, "文件设有打开密码"),
        (CFB + b"\x00" * 600, "旧版 Excel（.xls）"),
        (b"PK\x03\x04" + b"\x00" * 200, "文件已损坏"),
        (_zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), "不是 Excel 工作簿（.xlsx）文件"),
        (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"not xml"}), "无法读取该文件"),
    ],
)
def test_files_that_are_not_a_readable_xlsx(world, content, message):
    preview = roster_parse(zone=world.zone, file=content)
    assert len(preview.errors) == 1 and preview.errors[0].row_number is None
    assert message in preview.errors[0].message
    with pytest.raises(RosterInvalid):
        roster_import(actor=world.admin, zone=world.zone, file=content)


def test_a_truncated_xlsx_is_reported_as_damaged(world):
    data = xlsx([ok_row(1)])
    preview = roster_parse(zone=world.zone, file=data[: len(data) // 2])
    assert "损坏" in preview.errors[0].message


def test_too_big_a_file(world, settings):
    data = xlsx([ok_row(1)])
    settings.GUANJIA_UPLOAD_MAX_BYTES = len(data) - 1
    preview = roster_parse(zone=world.zone, file=io.BytesIO(data))
    assert preview.errors[0].message.startswith("文件过大")


def test_a_zip_bomb_is_refused_before_unpacking(world, monkeypatch):
    data = xlsx([ok_row(1)])
    # The module that reads the limit: the package re-exports it, so patching the package would not apply.
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 2000)
    preview = roster_parse(zone=world.zone, file=data)
    assert preview.errors[0].message.startswith("文件解压后过大")


def test_an_empty_sheet_a_header_without_rows_and_a_sheet_without_header(world):
    empty = roster_parse(zone=world.zone, file=xlsx([], headers=None))
    assert empty.errors[0].message.startswith("工作表是空的")
    header_only = roster_parse(zone=world.zone, file=xlsx([]))
    assert header_only.errors[0].message == "表格中没有数据行：表头下面是空的。"
    no_header = roster_parse(zone=world.zone, file=xlsx([["甲", "乙"]], headers=["列一", "列二"]))
    assert no_header.errors[0].message.startswith("未找到表头")


def test_too_many_rows(world, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)  # where it is read, as for MAX_UNPACKED_BYTES above
    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(i) for i in range(4)]))
    assert preview.errors[0].message == "数据行超过 3 行，无法一次导入。请分成几个文件分批导入。"


def test_the_roster_sheet_is_found_even_when_not_first(world):
    workbook = Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["本表为咸阳高新区企业名录"])
    sheet = workbook.create_sheet("名录")
    sheet.append(list(HEADERS))
    sheet.append(ok_row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = roster_parse(zone=world.zone, file=buffer.getvalue())
    assert preview.ok and preview.sheet == "名录" and preview.new == 1


def test_a_path_or_an_uploaded_file_is_accepted(world, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    path = tmp_path / "roster.xlsx"
    path.write_bytes(xlsx([ok_row(1)]))
    assert roster_parse(zone=world.zone, file=path).ok
    upload = SimpleUploadedFile("roster.xlsx", path.read_bytes())
    upload.read(10)  # a view may have peeked at it
    assert roster_parse(zone=world.zone, file=upload).ok


# ---------------------------------------------------------------------------------------------
# A large roster: bulk writes, all or nothing


def test_a_10000_row_roster_imports_completely(world):
    data = big_roster(10_000)
    before = LogEntry.objects.count()

    result = roster_import(actor=world.admin, zone=world.zone, file=data)

    assert result.created == 10_000
    imported = Enterprise.objects.filter(uscc__in=[make_uscc(100_000 + i) for i in range(10_000)])
    assert imported.count() == 10_000
    assert imported.filter(butler=world.butler1, contact_leader=world.leader, workstation=world.ws1).count() == 10_000
    assert Contact.objects.filter(enterprise__in=imported, is_primary=True).count() == 10_000
    assert EnterpriseAssignment.objects.filter(enterprise__in=imported, reason="名录导入").count() == 20_000
    assert Enterprise.tags.through.objects.filter(enterprise__in=imported).count() == 2 * 3334
    new_entries = LogEntry.objects.filter(pk__gt=0).count() - before
    # one CREATE per enterprise, assignment and contact, and one tags entry per tagged enterprise
    assert new_entries == 10_000 + 20_000 + 10_000 + 3334
    enterprise_entries = LogEntry.objects.get_for_objects(imported).filter(action=LogEntry.Action.CREATE)
    assert enterprise_entries.count() == 10_000
    assert enterprise_entries.filter(actor=world.admin, additional_data__source="import").count() == 10_000
    sample = imported.get(uscc=make_uscc(105_000))
    assert sample.contacts.get().phone == "13800005000"
    assert set(sample.tags.values_list("code", flat=True)) == set()


def test_one_bad_row_in_10000_writes_nothing(world):
    data = big_roster(10_000, bad_at=6_000)
    enterprises, entries = Enterprise.objects.count(), LogEntry.objects.count()

    with pytest.raises(RosterInvalid) as raised:
        roster_import(actor=world.admin, zone=world.zone, file=data)

    preview = raised.value.preview
    assert preview.error_rows == [6_002]  # data row 6 000 (0-based) sits under the header, on Excel row 6 002
    assert preview.errors[0].column == "统一社会信用代码"
    assert preview.errors[0].message.startswith("统一社会信用代码校验位错误")
    assert preview.new == 9_999
    assert (Enterprise.objects.count(), LogEntry.objects.count()) == (enterprises, entries)
    assert not Contact.objects.filter(name="联系人1").exists()


# ---------------------------------------------------------------------------------------------
# The example file shipped in docs/examples


@pytest.fixture
def demo_staff(world):
    """The demo zone's workstations and people that the example names, added to the test zone."""
    from openpyxl import load_workbook

    sheet = load_workbook(EXAMPLES / "企业名录示例.xlsx", read_only=True).active
    _header, *lines = list(sheet.iter_rows(values_only=True))
    for station in {line[7] for line in lines}:
        f.WorkstationFactory(zone=world.zone, name=station)
    for column, role in ((8, Role.BUTLER), (9, Role.LEADER)):
        for username in {line[column] for line in lines}:
            if not type(world.admin).objects.filter(username=username).exists():
                f.UserFactory(zone=world.zone, username=username, roles=[role])
    return world


def test_the_shipped_example_roster_imports_cleanly(demo_staff):
    world = demo_staff
    path = EXAMPLES / "企业名录示例.xlsx"
    preview = roster_parse(zone=world.zone, file=path)
    assert preview.ok, messages(preview)
    assert preview.warnings == []
    assert 10 <= preview.new <= 20
    result = roster_import(actor=world.admin, zone=world.zone, file=path)
    assert result.created == preview.new
    first = Enterprise.objects.get(zone=world.zone, name="咸阳彩晶光电科技有限公司")
    assert (first.industry, first.workstation.name, first.butler.username) == ("C39", "星火大道工作站", "butler3")
    assert first.contacts.get().phone == "029-33210001"


def test_the_shipped_example_is_what_the_command_writes():
    from openpyxl import load_workbook

    from guanjia.enterprises.management.commands.make_example_roster import example_rows

    sheet = load_workbook(EXAMPLES / "企业名录示例.xlsx", read_only=True).active
    shipped = [[cell or "" for cell in line] for line in sheet.iter_rows(min_row=2, values_only=True)]
    assert shipped == example_rows(), "run `guanjia make_example_roster` to refresh docs/examples"


def test_the_example_names_the_demo_workstations():
    from guanjia.demo.names import WORKSTATIONS
    from guanjia.enterprises.management.commands.make_example_roster import example_rows

    assert {line[7] for line in example_rows()} <= {name for name, _area, _streets in WORKSTATIONS}


def test_the_shipped_template_has_the_headers_and_no_rows(world):
    preview = roster_parse(zone=world.zone, file=EXAMPLES / "企业名录模板.xlsx")
    assert set(preview.columns.values()) == set(HEADERS)
    assert messages(preview) == ["表格中没有数据行：表头下面是空的。"]


def test_make_example_roster_regenerates_both_files(demo_staff, tmp_path):
    call_command("make_example_roster", str(tmp_path / "example.xlsx"), stdout=io.StringIO())
    assert (tmp_path / "企业名录模板.xlsx").exists()
    assert roster_import(actor=demo_staff.admin, zone=demo_staff.zone, file=tmp_path / "example.xlsx").created == 15


def test_tag_catalogue_is_what_the_roster_understands(db):
    # The template's instructions and the error message list the catalogue; it must not be empty.
    assert Tag.objects.count() >= 9


def test_a_note_past_the_free_text_limit_is_a_row_error(world):
    """The roster import checks rows with the model's full_clean: the note's bound is on the model, so the
    import keeps to the same 10 000 characters as the pages and the API."""
    from guanjia.core.text import TEXT_MAX

    preview = roster_parse(zone=world.zone, file=xlsx([ok_row(1, internal_note="注" * TEXT_MAX),
                                                    ok_row(2, internal_note="注" * (TEXT_MAX + 1))]))
    assert [(e.row_number, e.column) for e in preview.errors] == [(3, "内部备注")]
