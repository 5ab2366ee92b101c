"""The minutes as .docx: opened again with python-docx, the Chinese text and the eastAsia fonts are there."""

import datetime as dt
import shutil
import subprocess
from io import BytesIO

import pytest
from django.urls import reverse

from guanjia.core.docx import CONTENT_TYPE
from guanjia.meetings import selectors, services
from guanjia.meetings.minutes import minutes_docx
from guanjia.meetings.tests.factories import held_meeting, make_meeting, raise_request

docx = pytest.importorskip("docx")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _meeting(world):
    request = raise_request(world, title="二期厂房用电增容")
    meeting = held_meeting(world, title="供电增容会办会", requests=[request], projects=[world.project1],
                           units=[world.unit1, world.unit2], attendees=[world.unit_user1, world.unit_user2],
                           minutes="会议听取了企业关于二期用电增容的汇报。\n供电公司、自然资源局作了说明。")
    services.action_item_add(actor=world.butler1, meeting=meeting, text="出具二期增容供电方案",
                             owner_unit=world.unit1, owner_person=world.unit_user1, days=5, request=request)
    services.action_item_add(actor=world.butler1, meeting=meeting, text="核实用地红线",
                             owner_unit=world.unit2, due_date=dt.date(2026, 3, 20))
    services.meeting_settle_request(actor=world.butler1, meeting=meeting, request=request, answer="会议议定。",
                                    confirm=True)
    return selectors.meeting_detail(world.butler1).get(pk=meeting.pk), request


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_minutes_document_holds_everything(world):
    meeting, request = _meeting(world)
    document = docx.Document(BytesIO(minutes_docx(meeting)))
    text = _text(document)
    for expected in ("供电增容会办会", "会办会纪要", "2026年3月2日 09:30", "服务中心三楼会议室", world.butler1.name,
                     "供电公司、自然资源局", f"{world.unit_user1.name}、{world.unit_user2.name}",
                     f"诉求 {request.number}：二期厂房用电增容（咸阳黄河轮胎橡胶有限公司）——经本次会议办结",
                     "项目：年产5.8万套专用轮胎建设项目", "会议听取了企业关于二期用电增容的汇报。",
                     "供电公司、自然资源局作了说明。"):
        assert expected in text, expected
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "事项", "责任单位", "完成时限", "状态"]
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows[0] == ["1", f"出具二期增容供电方案〔诉求 {request.number}〕", f"供电公司（{world.unit_user1.name}）",
                       "2026年3月9日（5个工作日）", "办理中"]
    assert rows[1] == ["2", "核实用地红线", "自然资源局", "2026年3月20日", "办理中"]


def test_chinese_fonts_are_set_on_the_styles(world):
    meeting, _request = _meeting(world)
    document = docx.Document(BytesIO(minutes_docx(meeting)))
    for name in ("Normal", "Title", "Heading 1", "Table Grid"):
        rfonts = document.styles[name].element.rPr.find(f"{W}rFonts")
        assert rfonts.get(f"{W}eastAsia") in ("仿宋", "黑体", "宋体"), name
        assert rfonts.get(f"{W}eastAsiaTheme") is None, name  # a theme font would win over eastAsia
    lang = document.styles["Normal"].element.rPr.find(f"{W}lang")
    assert lang.get(f"{W}eastAsia") == "zh-CN"
    defaults = document.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
    assert defaults.get(f"{W}eastAsia") == "仿宋" and defaults.get(f"{W}eastAsiaTheme") is None


def test_an_empty_planned_meeting_still_exports(world):
    meeting = selectors.meeting_detail(world.admin).get(pk=make_meeting(world, units=[], attendees=[]).pk)
    text = _text(docx.Document(BytesIO(minutes_docx(meeting))))
    assert "尚未登记会议纪要" in text and "本次会议未形成议定事项" in text


def test_building_the_document_runs_no_query(world, django_assert_num_queries):
    meeting, _request = _meeting(world)
    with django_assert_num_queries(0):
        minutes_docx(meeting)


def test_download_by_scope(client, world):
    meeting, _request = _meeting(world)
    url = reverse("meetings:minutes", args=[meeting.pk])
    assert url.endswith("/minutes.docx")
    client.force_login(world.unit_user1)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == CONTENT_TYPE
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert "供电增容会办会" in _text(docx.Document(BytesIO(response.content)))
    client.force_login(world.butler2)
    assert client.get(url).status_code == 404


@pytest.mark.skipif(not (shutil.which("libreoffice") or shutil.which("soffice")), reason="LibreOffice not installed")
def test_libreoffice_opens_it(world, tmp_path):
    meeting, _request = _meeting(world)
    source = tmp_path / "minutes.docx"
    source.write_bytes(minutes_docx(meeting))
    office = shutil.which("libreoffice") or shutil.which("soffice")
    subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, timeout=120, capture_output=True)
    assert (tmp_path / "minutes.pdf").stat().st_size > 1000
