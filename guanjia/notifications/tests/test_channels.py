"""The channels: the three robots' formats and signatures, e-mail, and retries with backoff that never touch the request."""

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import unquote_plus

import pytest
import time_machine
from django.core import mail

from guanjia.notifications import channels, services
from guanjia.notifications.choices import DeliveryStatus
from guanjia.notifications.models import Delivery, Notification, WebhookEndpoint
from guanjia.notifications.tests.factories import at, raise_request, transferred_request
from guanjia.requests.choices import Status

MESSAGE = channels.Message(title="转办待签收：GJ-2025-000001 厂区二期用电增容", body="请及时签收。",
                           url="https://guanjia.example.cn/requests/1/")


UNIT1 = object()


def robot_for(world, server, kind, *, secret="", unit=UNIT1, person=None, name=None, path="/hook") -> WebhookEndpoint:
    """A robot on the fake server; by default the group of unit1 (供电公司)."""
    return services.webhook_endpoint_create(
        actor=world.admin, zone=world.zone, name=name or f"{kind} 群", kind=kind, url=f"{server.url}{path}",
        secret=secret, unit=world.unit1 if unit is UNIT1 else unit, person=person)


# -- formats and signatures (pure) --------------------------------------------------------------------------------


def test_wecom_markdown_format():
    url, body = channels.webhook_request(kind="wecom", url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
                                         secret="", message=MESSAGE)
    assert url.endswith("?key=k")
    assert body == {"msgtype": "markdown", "markdown": {"content": MESSAGE.as_markdown()}}
    assert body["markdown"]["content"].startswith("**转办待签收") and "[查看详情](https://" in body["markdown"]["content"]


def test_dingtalk_signs_in_the_query_string():
    now = 1760000000.123
    url, body = channels.webhook_request(kind="dingtalk", url="https://oapi.dingtalk.com/robot/send?access_token=t",
                                         secret="SECabc", message=MESSAGE, now=now)
    assert body["msgtype"] == "markdown" and body["markdown"]["title"] == MESSAGE.title
    assert "&timestamp=1760000000123&sign=" in url
    sign = unquote_plus(url.split("sign=")[1])
    expected = base64.b64encode(hmac.new(b"SECabc", b"1760000000123\nSECabc", hashlib.sha256).digest()).decode()
    assert sign == expected


def test_feishu_signs_in_the_body():
    url, body = channels.webhook_request(kind="feishu", url="https://open.feishu.cn/open-apis/bot/v2/hook/x",
                                         secret="s3cret", message=MESSAGE, now=1760000000.9)
    assert url == "https://open.feishu.cn/open-apis/bot/v2/hook/x"
    assert body["msg_type"] == "text" and body["content"]["text"] == MESSAGE.as_text()
    assert body["timestamp"] == "1760000000"
    assert body["sign"] == base64.b64encode(
        hmac.new(b"1760000000\ns3cret", b"", hashlib.sha256).digest()).decode()


def test_unsigned_robots_carry_no_signature():
    url, body = channels.webhook_request(kind="dingtalk", url="https://x/robot/send?access_token=t", secret="",
                                         message=MESSAGE)
    assert "sign=" not in url
    _url, body = channels.webhook_request(kind="feishu", url="https://x/hook", secret="", message=MESSAGE)
    assert "sign" not in body


def test_a_wecom_robot_takes_no_secret(world):
    with pytest.raises(Exception) as error:
        services.webhook_endpoint_create(actor=world.admin, zone=world.zone, name="企业微信", kind="wecom",
                                         url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", secret="x")
    assert "secret" in error.value.message_dict


def test_a_robot_is_of_its_zone(world):
    from guanjia.tests_support.factories import UnitFactory

    with pytest.raises(Exception) as error:
        services.webhook_endpoint_create(actor=world.admin, zone=world.zone, name="外园区", kind="wecom",
                                         url="https://qyapi.weixin.qq.com/x", unit=UnitFactory(zone=world.other_zone))
    assert "unit" in error.value.message_dict


# -- through the fake robot ---------------------------------------------------------------------------------------


def test_a_transfer_posts_once_to_the_units_wecom_group(world, committed, robot, settings):
    from guanjia.core.choices import Role
    from guanjia.tests_support.factories import UserFactory

    settings.GUANJIA_SITE_URL = "https://guanjia.example.cn/"
    UserFactory(zone=world.zone, username="unit1b", unit=world.unit1, roles=[Role.UNIT])
    endpoint = robot_for(world, robot, "wecom")
    with committed():
        request = transferred_request(world)
    assert len(robot.received) == 1  # two handlers, one group: one message
    content = robot.received[0].body["markdown"]["content"]
    assert robot.received[0].body["msgtype"] == "markdown"
    assert request.number in content and f"https://guanjia.example.cn/requests/{request.pk}/" in content
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")


def test_signed_dingtalk_and_feishu_robots(world, committed, robot):
    robot_for(world, robot, "dingtalk", secret="SECding", path="/ding?access_token=abc", name="钉钉")
    robot_for(world, robot, "feishu", secret="feishu-secret", path="/feishu", name="飞书")
    robot.answer = {"errcode": 0, "code": 0, "msg": "success"}
    with time_machine.travel(at(2025, 10, 9, 10, 0), tick=False), committed():
        transferred_request(world)
    by_path = {r.path: r for r in robot.received}
    ding, feishu = by_path["/ding"], by_path["/feishu"]
    timestamp = ding.query["timestamp"][0]
    assert timestamp == str(int(at(2025, 10, 9, 10, 0).timestamp() * 1000)) and ding.query["access_token"] == ["abc"]
    assert ding.query["sign"][0] == base64.b64encode(
        hmac.new(b"SECding", f"{timestamp}\nSECding".encode(), hashlib.sha256).digest()).decode()
    assert ding.body["msgtype"] == "markdown" and "转办待签收" in ding.body["markdown"]["title"]
    assert feishu.body["msg_type"] == "text" and "转办待签收" in feishu.body["content"]["text"]
    assert feishu.body["sign"] == base64.b64encode(
        hmac.new(f"{feishu.body['timestamp']}\nfeishu-secret".encode(), b"", hashlib.sha256).digest()).decode()
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


def test_a_personal_robot_and_the_center_robot(world, committed, robot):
    robot_for(world, robot, "wecom", unit=None, person=world.butler1, path="/butler1", name="管家一")
    robot_for(world, robot, "wecom", unit=None, path="/center", name="服务中心群")
    with committed():
        request = raise_request(world)
    assert [r.path for r in robot.received] == ["/butler1"]
    request = transferred_request(world)  # no callbacks: nothing told
    with committed():
        from guanjia.requests import services as rs

        rs.request_return(actor=world.unit_user1, request=request, reason="不属于本单位。")
    # A return is the admins' business, and the butler hears of it (issue 14).
    assert sorted(r.path for r in robot.received) == ["/butler1", "/butler1", "/center"]


def test_a_refusal_in_a_200_answer_is_a_failure(world, committed, robot):
    robot_for(world, robot, "dingtalk", secret="bad")
    robot.answer = {"errcode": 310000, "errmsg": "sign not match"}
    with committed():
        transferred_request(world)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert "310000" in delivery.last_error and "sign not match" in delivery.last_error
    assert robot.url not in delivery.last_error


def test_a_disabled_robot_hears_nothing(world, committed, robot):
    endpoint = robot_for(world, robot, "wecom")
    services.webhook_endpoint_update(actor=world.admin, endpoint=endpoint, name=endpoint.name, kind="wecom",
                                     url=endpoint.url, enabled=False, unit=world.unit1)
    with committed():
        transferred_request(world)
    assert robot.received == [] and not Delivery.objects.exists()


# -- e-mail -------------------------------------------------------------------------------------------------------


def test_email_through_the_configured_backend(world, committed, settings):
    settings.GUANJIA_SITE_URL = "https://guanjia.example.cn"
    world.unit_user1.email = "gd@example.cn"
    world.unit_user1.save()
    with committed():
        request = transferred_request(world)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["gd@example.cn"] and message.subject == f"[管家] 转办待签收：{request.number} 厂区二期用电增容"
    assert f"https://guanjia.example.cn/requests/{request.pk}/" in message.body
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_email_can_be_switched_off(world, committed, settings):
    settings.GUANJIA_NOTIFY_EMAIL = False
    world.unit_user1.email = "gd@example.cn"
    world.unit_user1.save()
    with committed():
        transferred_request(world)
    assert mail.outbox == [] and Notification.objects.filter(recipient=world.unit_user1).count() == 1


def test_a_failing_mail_server_is_retried(world, committed, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    world.unit_user1.email = "gd@example.cn"
    world.unit_user1.save()
    with committed():
        request = transferred_request(world)
    delivery = Delivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1 and delivery.last_error
    request.refresh_from_db()
    assert request.status == Status.TRANSFERRED


# -- retries ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_robot_answering_500_is_retried_with_backoff_and_the_request_is_kept(world, robot, caplog):
    """Real commits (no test transaction): the transfer commits, its notice fails, and retries follow 1, 5, 30, 120 min."""
    robot.status, robot.answer = 500, {"error": "internal"}
    endpoint = robot_for(world, robot, "wecom")
    start = at(2025, 10, 9, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        request = transferred_request(world)
        request.refresh_from_db()
        assert request.status == Status.TRANSFERRED and request.unit_tasks.count() == 1
        assert Notification.objects.filter(recipient=world.unit_user1).count() == 1  # the inbox has it anyway
        delivery = Delivery.objects.get(endpoint=endpoint)
        assert (delivery.status, delivery.attempts) == (DeliveryStatus.PENDING, 1)
        assert delivery.next_attempt_at == start + dt.timedelta(minutes=1)
        assert "HTTP 500" in delivery.last_error

        assert services.deliveries_send_due().taken == 0  # not yet due
        waited = start
        for attempt, wait in [(2, 1), (3, 5), (4, 30), (5, 120)]:
            waited += dt.timedelta(minutes=wait)
            clock.move_to(waited)
            services.deliveries_send_due()
            delivery.refresh_from_db()
            assert delivery.attempts == attempt
        assert delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at is None
        assert len(robot.received) == 5
        clock.move_to(waited + dt.timedelta(days=1))
        assert services.deliveries_send_due().taken == 0
    request.refresh_from_db()
    assert request.status == Status.TRANSFERRED
    assert any("failed for good" in r.getMessage() for r in caplog.records)


def test_a_recovered_robot_gets_the_retry(world, committed, robot):
    robot.status = 500
    endpoint = robot_for(world, robot, "wecom")
    start = at(2025, 10, 9, 10, 0)
    with time_machine.travel(start, tick=False) as clock:
        with committed():
            transferred_request(world)
        robot.status = 200
        clock.move_to(start + dt.timedelta(minutes=1))
        summary = services.deliveries_send_due()
    delivery = Delivery.objects.get(endpoint=endpoint)
    assert summary.sent == 1 and (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 2, "")


def test_a_down_robot_is_tried_once_per_batch(world, robot):
    from guanjia.workflow.models import Event

    robot.status = 500
    robot_for(world, robot, "wecom")
    with time_machine.travel(at(2025, 10, 9, 10, 0), tick=False):
        for title in ("一", "二", "三"):
            transferred_request(world, title=title)  # no after-commit callbacks here: nothing sent yet
        ids = []
        for event in Event.objects.filter(action="transfer"):
            ids += services.notify_event(event_id=event.pk)
        services.deliveries_send(ids=ids)
    assert len(ids) == 3 and len(robot.received) == 1
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [0, 0, 1]  # the others wait with it
    assert set(Delivery.objects.values_list("next_attempt_at", flat=True)) == {at(2025, 10, 9, 10, 1)}


def test_two_senders_never_send_the_same_delivery(world, committed, robot):
    robot_for(world, robot, "wecom")
    transferred_request(world)
    from guanjia.workflow.models import Event

    ids = services.notify_event(event_id=Event.objects.get(action="transfer").pk)
    first = services.deliveries_send(ids=ids)
    second = services.deliveries_send(ids=ids)
    assert (first.sent, second.taken) == (1, 0) and len(robot.received) == 1


def test_sending_takes_a_fixed_number_of_queries(world, django_assert_num_queries):
    from guanjia.workflow.models import Event

    def batch(n):
        for i in range(n):
            transferred_request(world, title=f"诉求{i}")
        world.unit_user1.email = "gd@example.cn"
        world.unit_user1.save()
        ids = []
        for event in Event.objects.filter(action="transfer"):
            ids += services.notify_event(event_id=event.pk)
        return ids

    ids = batch(2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        services.deliveries_send(ids=ids)
    ids = batch(20)
    with django_assert_num_queries(len(few)):
        assert services.deliveries_send(ids=ids).sent == 20
