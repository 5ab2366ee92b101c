"""The inbox page: one's own notices only, mark-as-read (single, all, htmx), the badge; the admins' robot pages."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from guanjia.notifications.context_processors import unread
from guanjia.notifications.models import Notification, WebhookEndpoint
from guanjia.notifications.tests.factories import NotificationFactory


def test_the_inbox_shows_only_ones_own(client, world):
    mine = NotificationFactory(recipient=world.butler1, title="给管家一的通知")
    NotificationFactory(recipient=world.butler2, title="给管家二的通知")
    client.force_login(world.butler1)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "给管家一的通知" in page and "给管家二的通知" not in page
    assert reverse("notifications:read", args=[mine.pk]) in page


def test_another_persons_notice_is_404(client, world):
    theirs = NotificationFactory(recipient=world.butler2)
    for user in (world.butler1, world.admin, world.leader):
        client.force_login(user)
        assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_superuser_reads_only_their_own_inbox(client, world):
    from guanjia.tests_support.factories import UserFactory

    root = UserFactory(zone=world.zone, is_superuser=True)
    theirs = NotificationFactory(recipient=world.butler1)
    client.force_login(root)
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404


def test_mark_one_read_and_open_it(client, world):
    notice = NotificationFactory(recipient=world.butler1, link="/requests/7/")
    client.force_login(world.butler1)
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/requests/7/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_mark_one_read_with_htmx(client, world):
    notice = NotificationFactory(recipient=world.butler1, title="转办待签收")
    client.force_login(world.butler1)
    response = client.post(reverse("notifications:read", args=[notice.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Trigger"] == "notificationsChanged"
    body = response.content.decode()
    assert f'id="notification-{notice.pk}"' in body and "转办待签收" in body and "<html" not in body


def test_an_external_next_is_ignored(client, world):
    notice = NotificationFactory(recipient=world.butler1)
    client.force_login(world.butler1)
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read_touches_only_ones_own(client, world):
    NotificationFactory.create_batch(3, recipient=world.butler1)
    theirs = NotificationFactory(recipient=world.butler2)
    client.force_login(world.butler1)
    assert client.get(reverse("notifications:read-all")).status_code == 405
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.butler1, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_filter_and_badge(client, world):
    NotificationFactory(recipient=world.butler1, title="已读的")
    Notification.objects.update(read_at="2025-10-09T10:00:00+08:00")
    NotificationFactory(recipient=world.butler1, title="未读的")
    client.force_login(world.butler1)
    page = client.get(reverse("notifications:inbox"), {"unread": "true"}).content.decode()
    assert "未读的" in page and "已读的" not in page
    badge = client.get(reverse("notifications:badge")).content.decode()
    assert 'text-bg-danger">1</span>' in badge


def test_the_inbox_has_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.butler1)
    NotificationFactory.create_batch(3, recipient=world.butler1)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("notifications:inbox"))
    NotificationFactory.create_batch(25, recipient=world.butler1)
    with django_assert_num_queries(len(few)):
        client.get(reverse("notifications:inbox"))


def test_the_context_processor_counts_lazily(world, django_assert_num_queries):
    NotificationFactory.create_batch(2, recipient=world.butler1)
    request = RequestFactory().get("/")
    request.user = world.butler1
    with django_assert_num_queries(0):
        context = unread(request)
    with django_assert_num_queries(1):
        assert Template("{% if notifications_unread %}{{ notifications_unread }}{% endif %}").render(
            Context(context)) == "2"
    request.user = type("Anon", (), {"is_authenticated": False})()
    assert unread(request) == {}


def test_anonymous_is_sent_to_login(client, world):
    notice = NotificationFactory(recipient=world.butler1)
    assert client.get(reverse("notifications:inbox")).status_code == 302
    assert client.post(reverse("notifications:read", args=[notice.pk])).status_code == 302


# -- robots (admins only) -----------------------------------------------------------------------------------------


def test_admins_add_edit_and_disable_robots(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("notifications:webhook-create"), {
        "name": "供电公司工作群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
        "secret": "SECxyz", "unit": world.unit1.pk, "enabled": "on"})
    assert response.status_code == 302, response.content.decode()
    endpoint = WebhookEndpoint.objects.get()
    assert (endpoint.zone, endpoint.unit, endpoint.secret, endpoint.enabled) == (world.zone, world.unit1, "SECxyz",
                                                                                 True)
    page = client.get(reverse("notifications:webhooks")).content.decode()
    assert "供电公司工作群" in page and "access_token" not in page and "SECxyz" not in page
    form = client.get(reverse("notifications:webhook-update", args=[endpoint.pk])).content.decode()
    assert "SECxyz" not in form
    response = client.post(reverse("notifications:webhook-update", args=[endpoint.pk]), {
        "name": "供电公司工作群", "kind": "dingtalk", "url": endpoint.url, "secret": "", "unit": world.unit1.pk})
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.enabled is False and endpoint.secret == "SECxyz"  # blank secret keeps it


def test_form_errors_come_back_on_the_form(client, world):
    client.force_login(world.admin)
    response = client.post(reverse("notifications:webhook-create"), {
        "name": "企业微信群", "kind": "wecom", "url": "ftp://example.cn/x", "secret": "nope", "enabled": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "企业微信群机器人不使用签名密钥" in body or "有效" in body
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize("role", ["butler1", "leader", "supervisor", "unit1", "ent1"])
def test_robots_are_for_admins_only(client, world, role):
    from guanjia.notifications import services

    endpoint = services.webhook_endpoint_create(actor=world.admin, zone=world.zone, name="群", kind="wecom",
                                                url="https://qyapi.weixin.qq.com/x?key=k")
    client.force_login(world.users()[role])
    assert client.get(reverse("notifications:webhooks")).status_code == 403
    assert client.get(reverse("notifications:webhook-create")).status_code == 403
    assert client.get(reverse("notifications:webhook-update", args=[endpoint.pk])).status_code == 404


def test_another_zones_admin_cannot_see_the_robot(client, world):
    from guanjia.notifications import services

    endpoint = services.webhook_endpoint_create(actor=world.admin, zone=world.zone, name="咸阳中心群",
                                                kind="wecom", url="https://qyapi.weixin.qq.com/x?key=k")
    client.force_login(world.foreign_admin)
    assert client.get(reverse("notifications:webhook-update", args=[endpoint.pk])).status_code == 404
    assert "咸阳中心群" not in client.get(reverse("notifications:webhooks")).content.decode()


def test_opening_a_notice_of_a_request_withdrawn_from_ones_unit_says_so(client, world, committed):
    from guanjia.notifications.choices import Kind
    from guanjia.notifications.tests.factories import transferred_request
    from guanjia.requests import services as rs

    with committed():
        request = transferred_request(world, co_units=[world.unit2])
    rs.request_unit_sign(actor=world.unit_user1, request=request)
    with committed():
        rs.request_resolve(actor=world.butler1, request=request, answer="已协调完成增容。")
    for user, kind in ((world.unit_user2, Kind.TRANSFERRED), (world.unit_user2, Kind.WITHDRAWN)):
        client.force_login(user)  # unit2 never signed: the request is no longer its to see
        notice = Notification.objects.get(recipient=user, kind=kind)
        response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"}, follow=True)
        assert response.redirect_chain == [(reverse("notifications:inbox"), 302)]
        assert "该事项已不在您的办理范围内" in response.content.decode()
        notice.refresh_from_db()
        assert notice.read_at is not None
        assert client.get(notice.link).status_code == 404
    client.force_login(world.unit_user1)  # unit1 signed for it: it keeps seeing the request
    notice = Notification.objects.get(recipient=world.unit_user1, kind=Kind.WITHDRAWN)
    response = client.post(reverse("notifications:read", args=[notice.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == notice.link
    assert client.get(notice.link).status_code == 200
