"""The handbook's pages: the page (items by stage, plan against baseline, critical path, chart data), its
forms, the project's card, the .docx, who may see and do what, and a fixed number of queries."""

import datetime as dt
import json
import shutil
import subprocess
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanjia.approvals.models import Approval, Handbook
from guanjia.approvals.services import handbooks as services
from guanjia.tests_support.approvals import catalogue_item

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thursday_before_mid_autumn")]
START = dt.date(2026, 9, 18)


def login(client, user):
    client.force_login(user)
    return client


def make(world, catalogue=None, entries=None):
    return services.handbook_create(actor=world.butler1, project=world.project1, start=START, entries=entries)


def page(handbook):
    return reverse("approvals:handbook", args=[handbook.pk])


def test_the_page_shows_the_plan_the_critical_path_and_the_chart(client, world, catalogue):
    handbook = make(world)
    response = login(client, world.butler1).get(page(handbook))
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("建设用地规划许可证", "用地", "报装", "2026-10-12", "关键路径", "120", "尚未上传", "4 / 20"):
        assert text in html, text
    critical = response.context["view"].critical
    assert [a.name for a in critical] == ["建设用地规划许可证", "建设工程规划许可证", "建筑工程施工许可证"]
    assert response.context["view"].committed_total == 12  # 9-18 → 10-12: twelve working days
    chart = json.loads(html.split('id="handbook-chart-data" type="application/json">')[1].split("</script>")[0])
    assert chart["origin"] == "2026-09-18" and len(chart["rows"]) == 5
    assert {r["name"]: (r["from"], r["to"]) for r in chart["rows"]}["建设工程规划许可证"] == (10, 21)
    assert 'src="/static/approvals/handbook_gantt.js"' in html or "handbook_gantt" in html
    assert "<script>" not in html  # no inline script (the CSP)
    legend = html.split('id="handbook-gantt-legend"')[1].split("</ul>")[0]  # the chart's colours named
    assert all(word in legend for word in ("计划办理", "关键路径", "已办结", "基准办结", "今天"))


@pytest.mark.parametrize("who, code", [("admin", 200), ("leader", 200), ("supervisor", 200), ("butler1", 200),
                                       ("butler2", 404), ("ent1", 200), ("ent2", 404), ("unit1", 404)])
def test_who_sees_the_handbook(client, world, catalogue, who, code):
    handbook = make(world)
    assert login(client, world.users()[who]).get(page(handbook)).status_code == code


def test_an_enterprise_reads_it_and_may_only_upload_its_authorization(client, world, catalogue):
    handbook = make(world)
    response = login(client, world.ent1_user).get(page(handbook))
    assert not response.context["can_plan"] and response.context["can_authorize"]
    assert "plan_form" not in response.context
    assert client.get(reverse("approvals:handbook-plan", args=[handbook.pk])).status_code == 403
    assert client.get(reverse("approvals:handbook-agent", args=[handbook.pk])).status_code == 403
    letter = SimpleUploadedFile("委托书.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(reverse("approvals:handbook-authorize", args=[handbook.pk]), {"letter": letter})
    assert response.status_code == 302
    handbook.refresh_from_db()
    assert handbook.authorized_on == dt.date(2026, 9, 17)
    html = client.get(page(handbook)).content.decode()
    assert "委托书.pdf" in html
    attachment = client.get(page(handbook)).context["view"].letters[0]
    download = client.get(reverse("approvals:handbook-attachment", args=[handbook.pk, attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_a_bad_upload_is_refused_with_a_message(client, world, catalogue):
    handbook = make(world)
    fake = SimpleUploadedFile("委托书.pdf", b"not a pdf", content_type="application/pdf")
    response = login(client, world.ent1_user).post(reverse("approvals:handbook-authorize", args=[handbook.pk]),
                                                   {"letter": fake})
    assert response.status_code == 400
    assert "内容与文件类型不符" in response.content.decode()
    handbook.refresh_from_db()
    assert handbook.authorized_on is None


def test_make_a_handbook_from_the_projects_page(client, world, catalogue):
    login(client, world.butler1)
    project_page = client.get(world.project1.get_absolute_url()).content.decode()
    create = reverse("approvals:handbook-create", args=[world.project1.pk])
    assert create in project_page and "编制服务手册" in project_page
    form = client.get(create)
    assert set(form.context["form"].initial["items"]) == {e.pk for e in catalogue.values()}
    response = client.post(create, {"start": "2026-09-18", "items": [e.pk for e in catalogue.values()],
                                    "agent": world.butler1.pk})
    handbook = Handbook.objects.get()
    assert response.status_code == 302 and response.url == page(handbook)
    assert handbook.planned_finish == dt.date(2026, 10, 12)
    project_page = client.get(world.project1.get_absolute_url()).content.decode()
    assert page(handbook) in project_page and "0 / 5" in project_page
    # Twice: the second visit goes to the handbook.
    assert client.get(create).url == page(handbook)


def test_the_create_form_refuses_bad_input(client, world, catalogue):
    login(client, world.butler1)
    create = reverse("approvals:handbook-create", args=[world.project1.pk])
    response = client.post(create, {"start": "2099-01-01", "items": [catalogue["A"].pk]})
    assert response.status_code == 400 and "起算日期" in response.content.decode()
    response = client.post(create, {"start": "2026-09-18", "items": []})
    assert response.status_code == 400
    assert not Handbook.objects.exists()
    assert login(client, world.ent1_user).get(create).status_code == 403
    assert login(client, world.admin).get(
        reverse("approvals:handbook-create", args=[world.foreign_project.pk])).status_code == 404


def test_replan_agent_and_prerequisites_forms(client, world, catalogue):
    handbook = make(world)
    login(client, world.butler1)
    response = client.post(reverse("approvals:handbook-plan", args=[handbook.pk]), {
        "start": "2026-09-28", "items": [catalogue["A"].pk, catalogue["C"].pk, catalogue["E"].pk]})
    assert response.status_code == 302
    handbook.refresh_from_db()
    assert handbook.planned_finish == dt.date(2026, 10, 20)
    e = Approval.objects.get(handbook=handbook, name="建筑工程施工许可证")
    a = Approval.objects.get(handbook=handbook, name="建设用地规划许可证")
    address = reverse("approvals:handbook-prerequisites", args=[handbook.pk, a.pk])
    response = client.post(address, {"prerequisites": [e.pk]})
    assert response.status_code == 400 and "循环" in response.content.decode()
    response = client.post(reverse("approvals:handbook-prerequisites", args=[handbook.pk, e.pk]),
                           {"prerequisites": [a.pk]})
    assert response.status_code == 302
    response = client.post(reverse("approvals:handbook-agent", args=[handbook.pk]), {"agent": world.admin.pk})
    assert response.status_code == 302
    handbook.refresh_from_db()
    assert handbook.agent == world.admin


def _count(client, address) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(address).status_code == 200
    return len(ctx)


@pytest.mark.parametrize("who", ["butler1", "ent1", "leader"])
def test_the_page_reads_a_fixed_number_of_queries(client, world, catalogue, who):
    handbook = make(world, entries=[catalogue["A"], catalogue["C"]])
    login(client, world.users()[who])
    client.get(page(handbook))
    before = _count(client, page(handbook)), _count(client, world.project1.get_absolute_url())
    more = [catalogue_item(world.zone, world.unit1, name=f"事项{n}", prerequisites=[catalogue["A"]],
                           materials="申请表\n营业执照") for n in range(15)]
    services.handbook_plan(actor=world.butler1, handbook=handbook, entries=[catalogue["A"], catalogue["C"], *more])
    services.handbook_authorize(actor=world.butler1, handbook=handbook, uploads=[
        SimpleUploadedFile("委托书.pdf", b"%PDF-1.4", content_type="application/pdf")])
    assert (_count(client, page(handbook)), _count(client, world.project1.get_absolute_url())) == before


docx = pytest.importorskip("docx")


def _text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_the_handbook_as_a_word_document(client, world, catalogue, tmp_path):
    catalogue["A"].materials = "建设用地规划许可申请表\n土地出让合同"
    catalogue["A"].save()
    handbook = make(world)
    response = login(client, world.butler1).get(reverse("approvals:handbook-docx", args=[handbook.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = docx.Document(BytesIO(response.content))
    text = _text(document)
    for expected in ("年产5.8万套专用轮胎建设项目", "个性化项目服务手册", "咸阳黄河轮胎橡胶有限公司", "2026年10月12日",
                     "建设用地规划许可申请表；土地出让合同", "建设用地规划许可证 → 建设工程规划许可证 → 建筑工程施工许可证",
                     "120", world.butler1.name):
        assert expected in text, expected
    W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    fonts = document.styles["Normal"].element.rPr.find(f"{W}rFonts")
    assert fonts.get(f"{W}eastAsia") == "仿宋"
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office:
        path = tmp_path / "handbook.docx"
        path.write_bytes(response.content)
        subprocess.run([office, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                       check=True, timeout=120, capture_output=True)
        assert (tmp_path / "handbook.pdf").stat().st_size > 1000
    assert login(client, world.ent2_user).get(reverse("approvals:handbook-docx", args=[handbook.pk])).status_code \
        == 404


def test_the_pages_timeline_shows_the_plans(client, world, catalogue):
    handbook = make(world)
    html = login(client, world.butler1).get(page(handbook)).content.decode()
    assert "生成手册" in html and "排期" in html and "2026-10-12" in html


@pytest.mark.parametrize("who, seen", [("admin", 2), ("butler1", 1), ("butler2", 1), ("ent1", 1), ("ent2", 1),
                                       ("unit1", 0)])
def test_the_list_of_handbooks(client, world, catalogue, who, seen):
    make(world)
    services.handbook_create(actor=world.butler2, project=world.project2, start=START, entries=[catalogue["B"]])
    response = login(client, world.users()[who]).get(reverse("approvals:handbooks"))
    assert response.status_code == 200
    assert len(response.context["object_list"]) == seen
    if who == "admin":
        rows = {h.project_id: h for h in response.context["object_list"]}
        first = rows[world.project1.pk]
        assert (first.total, first.finished, first.committed_total) == (5, 0, 12)
        assert "代办" in response.content.decode()  # in the menu
    assert login(client, world.admin).get(reverse("approvals:handbooks") + "?status=finished").context[
        "object_list"].count() == 0


def test_the_list_reads_a_fixed_number_of_queries(client, world, catalogue):
    make(world)
    login(client, world.admin)
    client.get(reverse("approvals:handbooks"))
    before = _count(client, reverse("approvals:handbooks"))
    services.handbook_create(actor=world.butler2, project=world.project2, start=START, entries=[catalogue["B"]])
    assert _count(client, reverse("approvals:handbooks")) == before


def test_each_row_opens_its_items_page_which_leads_back_to_the_handbook(client, world, catalogue):
    handbook = make(world)
    approval = Approval.objects.filter(handbook=handbook).first()
    item_page = reverse("approvals:approval", args=[approval.pk])
    assert f'href="{item_page}"' in login(client, world.butler1).get(page(handbook)).content.decode()
    response = client.get(item_page)
    assert response.status_code == 200 and f'href="{page(handbook)}"' in response.content.decode()
    assert login(client, world.ent2_user).get(reverse("approvals:approval", args=[approval.pk])).status_code == 404
    # 我的待办 links to it.
    assert login(client, world.butler1).get(reverse("workflow:worklist")).status_code == 200
