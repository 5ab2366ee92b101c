"""The import pages: upload → preview → confirm, errors by row, nothing written on any error."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from guanjia.enterprises.importing import HEADERS
from guanjia.enterprises.models import Enterprise
from guanjia.tests_support.factories import make_uscc

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def roster(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append(row + [""] * (len(HEADERS) - len(row)))
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("名录.xlsx", out.getvalue(), content_type=XLSX)


def test_upload_preview_confirm(client, world):
    client.force_login(world.admin)
    upload = roster([["咸阳新奥科技有限公司", make_uscc(5001), "C39", "规上"],
                     ["咸阳秦川机床有限公司", make_uscc(5002), "C34", "规下"]])
    page = client.post(reverse("enterprises:import"), {"file": upload}).content.decode()
    assert "校验通过" in page and "咸阳新奥科技有限公司" in page
    assert not Enterprise.objects.filter(uscc=make_uscc(5001)).exists()  # preview writes nothing
    response = client.post(reverse("enterprises:import"), {"confirm": "1"})
    assert response.status_code == 302
    assert Enterprise.objects.filter(uscc__in=[make_uscc(5001), make_uscc(5002)]).count() == 2


def test_one_bad_row_is_named_and_nothing_is_written(client, world):
    client.force_login(world.admin)
    bad = make_uscc(5004)[:-1] + ("0" if make_uscc(5004)[-1] != "0" else "1")
    upload = roster([["好企业有限公司", make_uscc(5003), "C39", "规上"], ["坏企业有限公司", bad, "C39", "规上"]])
    page = client.post(reverse("enterprises:import"), {"file": upload}).content.decode()
    assert "文件未导入" in page and "校验位错误" in page and "<td>3</td>" in page
    assert client.post(reverse("enterprises:import"), {"confirm": "1"}).status_code == 302
    assert not Enterprise.objects.filter(name__in=["好企业有限公司", "坏企业有限公司"]).exists()


def test_not_an_excel_file(client, world):
    client.force_login(world.admin)
    fake = SimpleUploadedFile("名录.xlsx", b"this is not a spreadsheet", content_type=XLSX)
    response = client.post(reverse("enterprises:import"), {"file": fake})
    page = response.content.decode()
    assert response.status_code == 200 and "文件未导入" in page
    assert "xlsx" in page.lower()


def test_oversized_upload_is_refused_before_reading(client, world, settings):
    settings.GUANJIA_UPLOAD_MAX_BYTES = 1024
    client.force_login(world.admin)
    big = SimpleUploadedFile("名录.xlsx", b"x" * 200_000, content_type=XLSX)
    response = client.post(reverse("enterprises:import"), {"file": big})
    assert response.status_code == 413 and "文件过大" in response.content.decode()


def test_only_admins_import_and_template_downloads(client, world):
    client.force_login(world.butler1)
    assert client.get(reverse("enterprises:import")).status_code == 403
    response = client.get(reverse("enterprises:import-template"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
