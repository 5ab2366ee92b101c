"""Enterprise pages: list (full and htmx), detail with history, create/edit/handover/archive through services."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanjia.enterprises.models import Enterprise, EnterpriseAssignment
from guanjia.tests_support.factories import EnterpriseFactory, make_uscc


def queries(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params, **({"HTTP_HX_REQUEST": "true"} if params.pop("_htmx", False) else {}))
    assert response.status_code == 200
    return len(ctx)


def test_list_page_filters_and_htmx_partial(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("enterprises:list"), {"q": "黄河"}).content.decode()
    assert world.ent1.name in page and world.ent2.name not in page and "<nav" in page
    partial = client.get(reverse("enterprises:list"), {"q": "黄河"}, HTTP_HX_REQUEST="true").content.decode()
    assert world.ent1.name in partial and "<nav class=\"navbar" not in partial


def test_list_page_query_count_is_fixed(client, world):
    client.force_login(world.admin)
    url = reverse("enterprises:list")
    small = queries(client, url, q="有限公司")
    for n in range(40):
        EnterpriseFactory(zone=world.zone, name=f"列表测试{n}有限公司", workstation=world.ws1, butler=world.butler1)
    assert queries(client, url, q="有限公司") == small
    assert queries(client, url, q="有限公司", _htmx=True) <= small


def test_detail_shows_history_and_masks_phones(client, world):
    from guanjia.enterprises.services import contact_save, enterprise_update

    contact_save(actor=world.admin, enterprise=world.ent1, name="崔哲", phone="13812345678")
    enterprise_update(actor=world.butler1, enterprise=world.ent1, address="世纪大道88号")
    client.force_login(world.supervisor)
    page = client.get(reverse("enterprises:detail", args=[world.ent1.pk])).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    assert "世纪大道88号" in page and "操作历史" in page
    client.force_login(world.butler1)
    assert "13812345678" in client.get(reverse("enterprises:detail", args=[world.ent1.pk])).content.decode()


def test_history_names_people_and_choices_not_ids(client, world):
    from guanjia.enterprises.services import enterprise_assign_butler, enterprise_update

    world.butler2.name = "李管家"
    world.butler2.save()
    enterprise_assign_butler(actor=world.admin, enterprise=world.ent1, butler=world.butler2, reason="调整")
    enterprise_update(actor=world.admin, enterprise=world.ent1, scale="below")
    client.force_login(world.admin)
    page = client.get(reverse("enterprises:detail", args=[world.ent1.pk])).content.decode()
    assert "企业管家</span>：" in page and "→ 李管家" in page
    assert "规模</span>：规上 → 规下" in page


def test_create_through_the_form(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("enterprises:create"), {
        "name": "咸阳永昌智能装备有限公司", "uscc": make_uscc(4242), "industry": "C35", "scale": "above",
        "workstation": world.ws1.pk, "butler": world.butler1.pk,
    })
    enterprise = Enterprise.objects.get(uscc=make_uscc(4242))
    assert response.status_code == 302 and response.url == enterprise.get_absolute_url()
    assert enterprise.butler == world.butler1
    assert EnterpriseAssignment.objects.filter(enterprise=enterprise).count() == 1


def test_form_shows_service_errors_in_chinese_and_writes_nothing(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("enterprises:create"), {
        "name": "重复企业", "uscc": world.ent1.uscc, "industry": "C35", "scale": "above",
    })
    assert response.status_code == 200
    assert "该统一社会信用代码已登记。" in response.content.decode()
    response = client.post(reverse("enterprises:create"), {
        "name": "错误代码企业", "uscc": "91110000600037341X", "scale": "above",
    })
    assert "校验位错误" in response.content.decode()
    assert not Enterprise.objects.filter(name__in=["重复企业", "错误代码企业"]).exists()


def test_edit_handover_archive(client, world):
    client.force_login(world.admin)
    url = reverse("enterprises:update", args=[world.ent1.pk])
    response = client.post(url, {"name": "咸阳黄河轮胎股份有限公司", "uscc": world.ent1.uscc, "industry": "C29",
                                 "scale": "above", "workstation": world.ws1.pk})
    assert response.status_code == 302
    response = client.post(reverse("enterprises:assign-butler", args=[world.ent1.pk]),
                           {"person": world.butler2.pk, "reason": "工作调整"})
    assert response.status_code == 302
    world.ent1.refresh_from_db()
    assert world.ent1.name == "咸阳黄河轮胎股份有限公司" and world.ent1.butler == world.butler2
    client.post(reverse("enterprises:archive", args=[world.ent1.pk]))
    assert Enterprise.objects.get(pk=world.ent1.pk).is_archived
    assert world.ent1.name not in client.get(reverse("enterprises:list")).content.decode()
    assert world.ent1.name in client.get(reverse("enterprises:list"), {"archived": "true"}).content.decode()


def test_roles_without_rights_get_403(client, world):
    client.force_login(world.supervisor)
    assert client.get(reverse("enterprises:create")).status_code == 403
    assert client.get(reverse("enterprises:update", args=[world.ent1.pk])).status_code == 403
    assert client.post(reverse("enterprises:archive", args=[world.ent1.pk])).status_code == 403
    client.force_login(world.butler1)
    assert client.get(reverse("enterprises:update", args=[world.ent1.pk])).status_code == 200
    assert client.get(reverse("enterprises:assign-butler", args=[world.ent1.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(reverse("enterprises:list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_detail_query_count_does_not_grow_with_contacts_projects_history(client, world):
    from guanjia.enterprises.services import contact_save, enterprise_assign_butler, enterprise_update
    from guanjia.tests_support.factories import ProjectFactory

    client.force_login(world.admin)
    url = reverse("enterprises:detail", args=[world.ent1.pk])
    before = queries(client, url)
    for n in range(5):
        contact_save(actor=world.admin, enterprise=world.ent1, name=f"联系人{n}", phone=f"1380000000{n}")
        enterprise_update(actor=world.admin, enterprise=world.ent1, address=f"世纪大道{n}号")
        ProjectFactory(enterprise=world.ent1, workstation=world.ws1, butler=world.butler1)
        enterprise_assign_butler(actor=world.admin, enterprise=world.ent1,
                                 butler=world.butler2 if n % 2 == 0 else world.butler1, reason="轮换")
    assert queries(client, url) == before
