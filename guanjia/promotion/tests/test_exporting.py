"""The promotion table's .xlsx: the printed layout, a round trip, all-or-nothing imports with per-row errors,
and LibreOffice opening the file."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from guanjia.promotion import exporting
from guanjia.promotion.choices import TableAction, WorkItemStatus
from guanjia.promotion.models import PromotionTable, WorkItem
from guanjia.promotion.tests.factories import handed_over, travel
from guanjia.workflow.models import Event

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 10, 9)


def _book(world, table):
    return exporting.tables_workbook(tables=PromotionTable.objects.filter(pk=table.pk), user=world.admin,
                                     title="项目跟踪服务促建表")


def test_layout_one_row_per_item_under_a_merged_project_header(world):
    table = handed_over(world)
    sheet = load_workbook(io.BytesIO(_book(world, table))).active
    assert sheet["A1"].value == "项目跟踪服务促建表"
    assert [c.value for c in sheet[2]] == exporting.COLUMNS
    assert sheet["A3"].value.startswith(f"项目：{world.project1.name}")
    assert "A3:I3" in {str(r) for r in sheet.merged_cells.ranges}
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert [r[2] for r in rows] == ["完成土地挂牌出让", "供电接入方案答复", "取得施工许可证"]
    assert rows[0][5].date() == dt.date(2026, 10, 12) and rows[0][4] == world.unit2.name


def test_round_trip_changes_adds_and_completes(world):
    table = handed_over(world)
    book = load_workbook(io.BytesIO(_book(world, table)))
    sheet = book.active
    sheet["C4"] = "完成土地挂牌出让（第二批）"
    sheet["F5"] = dt.datetime(2026, 11, 20)
    sheet["H6"] = dt.datetime(2026, 10, 9)
    sheet.append([None, "开工", "施工图审查", world.unit_user1.name, world.unit1.name, "2026-10-30", None, None, "新增"])
    out = io.BytesIO()
    book.save(out)
    with travel(TODAY):
        result = exporting.tables_import(actor=world.butler1, content=out.getvalue())
    assert (result.updated, result.added, result.completed) == (2, 1, 1)
    items = {w.name: w for w in WorkItem.objects.filter(table=table)}
    assert "完成土地挂牌出让（第二批）" in items
    assert items["供电接入方案答复"].due_on == dt.date(2026, 11, 20)
    assert items["取得施工许可证"].status == WorkItemStatus.DONE
    assert items["施工图审查"].responsible == world.unit_user1
    assert Event.objects.filter(item=table.item_id, action=TableAction.IMPORT).count() == 1
    # Export again and read back unchanged: nothing moves.
    with travel(TODAY):
        again = exporting.tables_import(actor=world.butler1, content=_book(world, table))
    assert (again.updated, again.added, again.completed) == (0, 0, 0)


def test_bad_rows_write_nothing_and_name_row_and_column(world):
    table = handed_over(world)
    book = load_workbook(io.BytesIO(_book(world, table)))
    sheet = book.active
    sheet["C4"] = "改了名字"
    sheet["F5"] = "明天"
    sheet["D6"] = "查无此人"
    sheet.append([None, "奠基", "x", None, None, "2026-10-30"])
    sheet.append([99999, "供地", "x", None, None, "2026-10-30"])
    out = io.BytesIO()
    book.save(out)
    with travel(TODAY), pytest.raises(ValidationError) as error:
        exporting.tables_import(actor=world.butler1, content=out.getvalue())
    messages = error.value.message_dict["file"]
    assert any("第 5 行“完成时限”" in m for m in messages)
    assert any("第 6 行“责任人”" in m for m in messages)
    assert any("第 7 行“阶段”" in m for m in messages)
    assert any("第 8 行“编号”" in m for m in messages)
    assert not WorkItem.objects.filter(name="改了名字").exists()
    assert not Event.objects.filter(item=table.item_id, action=TableAction.IMPORT).exists()


def test_import_refuses_what_the_person_may_not_change(world):
    table = handed_over(world)
    with travel(TODAY), pytest.raises(ValidationError) as error:
        exporting.tables_import(actor=world.butler2, content=_book(world, table))
    assert "第 3 行" in str(error.value)
    with pytest.raises(ValidationError):
        exporting.tables_import(actor=world.butler1, content=b"not a workbook")


def test_import_page(client, world):
    table = handed_over(world)
    client.force_login(world.butler1)
    upload = io.BytesIO(_book(world, table))
    upload.name = "促建表.xlsx"
    with travel(TODAY):
        response = client.post(reverse("promotion:import"), {"file": upload})
    assert response.status_code == 302
    bad = io.BytesIO(b"junk")
    bad.name = "x.xlsx"
    response = client.post(reverse("promotion:import"), {"file": bad})
    assert response.status_code == 200 and "无法读取" in response.content.decode()


def test_exports_by_page(client, world):
    table = handed_over(world)
    client.force_login(world.ent1_user)
    response = client.get(reverse("promotion:table-export", args=[table.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(world.leader)
    response = client.get(reverse("promotion:board-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A3"].value.startswith("项目：")


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice absent")
def test_libreoffice_opens_the_export(world, tmp_path):
    table = handed_over(world)
    path = tmp_path / "table.xlsx"
    path.write_bytes(_book(world, table))
    binary = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([binary, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1",  # 76: UTF-8, whatever the locale
                    "--outdir", str(tmp_path), str(path)], check=True, timeout=120, capture_output=True)
    text = (tmp_path / "table.csv").read_text(encoding="utf-8", errors="replace")
    assert "完成土地挂牌出让" in text
