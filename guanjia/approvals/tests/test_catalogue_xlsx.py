"""The catalogue's .xlsx: export, import (all or nothing, errors by row and column), the round trip."""

import io
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from guanjia.approvals.catalogue_xlsx import COLUMNS, catalogue_export
from guanjia.approvals.models import ApprovalItem
from guanjia.approvals.services.catalogue_import import CatalogueInvalid, catalogue_import, catalogue_parse
from guanjia.demo.catalogue import load_catalogue
from guanjia.tests_support.factories import UnitFactory

HEADERS = [c.header for c in COLUMNS]


def _snapshot(zone) -> set[tuple]:
    """A zone's catalogue as plain values (units and prerequisites by name), to compare across zones."""
    rows = set()
    for item in ApprovalItem.objects.filter(zone=zone).select_related("unit").prefetch_related("prerequisites"):
        rows.add((item.name, item.code, item.list_type, item.stage, item.unit.name, item.statutory_days,
                  item.committed_days, tuple(sorted(p.name for p in item.prerequisites.all())),
                  item.tolerance_allowed, item.tolerance_days, item.on_correction, tuple(item.project_types),
                  item.materials, item.order))
    return rows


def _workbook(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row(name, *, unit="自然资源局", list_type="审批事项", stage="规划", statutory=20, committed=5, prerequisites="",
         tolerance="否", tolerance_days=None, correction="暂停", types="", materials="", order=0, code=""):
    return [name, code, list_type, stage, unit, statutory, committed, prerequisites, tolerance, tolerance_days,
            correction, types, materials, order]


@pytest.fixture
def catalogue(world):
    return load_catalogue(world.zone, actor=world.admin)


def test_round_trip_into_another_zone_and_back(world, catalogue):
    data = catalogue_export(queryset=ApprovalItem.objects.filter(zone=world.zone))
    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == len(catalogue) + 1
    # Into an empty zone with units of the same names: the same catalogue.
    for name in {i.unit.name for i in catalogue.values()}:
        UnitFactory(zone=world.other_zone, name=name)
    result = catalogue_import(actor=world.foreign_admin, zone=world.other_zone, file=data)
    assert (result.created, result.updated, result.unchanged) == (len(catalogue), 0, 0)
    assert _snapshot(world.other_zone) == _snapshot(world.zone)
    # Into the zone it came from: every row unchanged, nothing written.
    preview = catalogue_parse(zone=world.zone, file=data)
    assert preview.ok and (preview.new, preview.updated, preview.unchanged) == (0, 0, len(catalogue))


def test_update_by_name_and_prerequisites_from_the_same_file(world, catalogue):
    data = _workbook([
        _row("地下管线探测", prerequisites="管线设计审查", stage="施工", types="工业项目、服务业项目"),
        _row("管线设计审查", prerequisites="建设工程规划许可证", tolerance="是", tolerance_days=3, correction="重新计时"),
        _row("施工图审查", unit="住建局", stage="施工", statutory=20, committed=3, prerequisites="建设工程规划许可证"),
    ])
    preview = catalogue_parse(zone=world.zone, file=data)
    assert preview.ok, [str(e) for e in preview.errors]
    assert (preview.new, preview.updated) == (2, 1)
    catalogue_import(actor=world.admin, zone=world.zone, file=data)
    probe = ApprovalItem.objects.get(zone=world.zone, name="地下管线探测")
    assert [p.name for p in probe.prerequisites.all()] == ["管线设计审查"]
    assert probe.project_types == ["industrial", "service"]
    design = ApprovalItem.objects.get(zone=world.zone, name="管线设计审查")
    assert (design.tolerance_allowed, design.tolerance_days, design.on_correction) == (True, 3, "restart")
    drawings = ApprovalItem.objects.get(pk=catalogue["施工图审查"].pk)
    assert drawings.committed_days == 3 and drawings.unit.name == "住建局"


def test_bad_rows_name_row_and_column_and_nothing_is_written(world, catalogue):
    before = _snapshot(world.zone)
    data = _workbook([
        _row("新事项甲", committed=30, statutory=20),
        _row("新事项乙", unit="不存在的局"),
        _row("新事项丙", stage="登月", statutory="很快"),
        _row("新事项丁", tolerance="是"),
        _row("新事项甲"),
        _row("新事项戊", prerequisites="没有这个事项、新事项戊"),
        _row("", committed=0),
        _row("新事项己", committed=0, types="火箭项目"),
        _row("新事项庚", tolerance="也许"),
    ])
    preview = catalogue_parse(zone=world.zone, file=data)
    errors = {(e.row_number, e.column, e.message) for e in preview.errors}
    expected = {
        (2, "承诺时限（工作日）", "承诺时限（30 个工作日）不能超过法定时限（20 个工作日）。"),
        (3, "审批部门", "本园区没有名为“不存在的局”的单位。"),
        (4, "审批阶段", "无法识别“登月”：请填写立项、用地、规划、施工、验收、报装之一。"),
        (4, "法定时限（工作日）", "“很快”不是整数。"),
        (5, "容缺补齐时限（工作日）", "可容缺受理的事项须填写容缺补齐时限（工作日）。"),
        (6, "事项名称", "与第2行的事项名称重复。"),
        (7, "前置事项", "事项不能以自身为前置事项。"),
        (7, "前置事项", "本园区清单和本文件中都没有这些事项：没有这个事项。"),
        (8, "事项名称", "请填写事项名称。"),
        (9, "承诺时限（工作日）", "时限须至少为 1 个工作日。"),
        (9, "适用项目类型", "未知的项目类型：火箭项目。"),
        (10, "可容缺受理", "请填写“是”或“否”。"),
    }
    assert expected <= errors, sorted(errors - expected)
    assert "第2行“承诺时限（工作日）”列：" in str(preview.errors[0])
    with pytest.raises(CatalogueInvalid):
        catalogue_import(actor=world.admin, zone=world.zone, file=data)
    assert _snapshot(world.zone) == before


def test_a_cycle_across_the_file_and_the_catalogue_is_refused_by_name(world, catalogue):
    data = _workbook([
        _row("甲", prerequisites="丙"),
        _row("乙", prerequisites="甲"),
        _row("丙", prerequisites="乙"),
    ])
    preview = catalogue_parse(zone=world.zone, file=data)
    assert [(e.row_number, e.column, e.message) for e in preview.errors] == [
        (2, "前置事项", "前置事项不能形成循环：甲 → 乙 → 丙 → 甲")]
    # Through the catalogue: 企业投资项目备案 made to require 施工图审查, which already follows from it.
    data = _workbook([_row("企业投资项目备案", unit="发改局", stage="立项", statutory=3, committed=1,
                           prerequisites="施工图审查")])
    messages = [e.message for e in catalogue_parse(zone=world.zone, file=data).errors]
    assert len(messages) == 1 and messages[0].startswith("前置事项不能形成循环：企业投资项目备案 → ")
    assert messages[0].endswith("施工图审查 → 企业投资项目备案")
    with pytest.raises(CatalogueInvalid):
        catalogue_import(actor=world.admin, zone=world.zone, file=data)
    assert not catalogue["企业投资项目备案"].prerequisites.exists()


def test_files_that_are_not_a_catalogue(world):
    assert [e.message for e in catalogue_parse(zone=world.zone, file=b"hello").errors] == [
        "不是 Excel 工作簿（.xlsx）文件。请使用模板，或在 Excel 中“另存为” .xlsx 格式。"]
    messages = [e.message for e in catalogue_parse(zone=world.zone, file=_workbook([], ["foo", "bar"])).errors]
    assert messages[0].startswith("未找到表头")
    messages = [e.message for e in catalogue_parse(zone=world.zone, file=_workbook([["x"]], ["事项名称"])).errors]
    assert messages[0].startswith("缺少必填列：清单、审批阶段、审批部门")
    assert [e.message for e in catalogue_parse(zone=world.zone, file=_workbook([])).errors] == ["文件中没有数据行。"]


def test_pages_export_preview_and_confirm(client, world, catalogue):
    client.force_login(world.butler1)
    response = client.get(reverse("approvals:catalogue-export"), {"list_type": "utility"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert {row[2] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"水电气讯报装"}
    assert client.get(reverse("approvals:catalogue-template")).status_code == 200
    client.force_login(world.admin)
    url = reverse("approvals:catalogue-import")
    bad = _workbook([_row("新事项", committed=30, statutory=20)])
    page = client.post(url, {"file": SimpleUploadedFile("清单.xlsx", bad)}).content.decode()
    assert "承诺时限（30 个工作日）不能超过法定时限（20 个工作日）。" in page and "确认导入" not in page
    good = _workbook([_row("新事项", prerequisites="施工图审查")])
    page = client.post(url, {"file": SimpleUploadedFile("清单.xlsx", good)}).content.decode()
    assert "新增 1 项" in page and "确认导入" in page
    assert not ApprovalItem.objects.filter(name="新事项").exists()
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 302
    assert [p.name for p in ApprovalItem.objects.get(name="新事项").prerequisites.all()] == ["施工图审查"]


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice not installed")
def test_libreoffice_opens_the_export(world, catalogue, tmp_path):
    source = tmp_path / "catalogue.xlsx"
    source.write_bytes(catalogue_export(queryset=ApprovalItem.objects.filter(zone=world.zone)))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=120, capture_output=True)
    text = (tmp_path / "catalogue.csv").read_text(encoding="utf-8")
    assert "建筑工程施工许可证" in text and "事项名称" in text
