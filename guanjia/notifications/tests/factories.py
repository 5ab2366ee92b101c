"""Factories and builders of the notification tests: notices, and requests at a given stage."""

import datetime as dt
from zoneinfo import ZoneInfo

import factory

from guanjia.notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    zone = factory.LazyAttribute(lambda o: o.recipient.zone)
    kind = "new_request"
    title = factory.Sequence(lambda n: f"新诉求待签收：GJ-2025-{n:06d} 测试诉求")
    body = "咸阳黄河轮胎橡胶有限公司 · 要素保障（水电气）"
    link = "/requests/1/"


TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def raise_request(world, **overrides):
    from guanjia.requests import services

    data = {"actor": world.ent1_user, "enterprise": world.ent1, "source": "portal", "category": "factors",
            "title": "厂区二期用电增容", "description": "二期厂房投产需增容至 2000 kVA。"}
    data.update(overrides)
    return services.request_raise(**data)


def transferred_request(world, *, co_units=(), **overrides):
    """A request raised by the enterprise, accepted by its butler and transferred to unit1 (供电公司)."""
    from guanjia.requests import services

    request = raise_request(world, **overrides)
    request = services.request_accept(actor=world.butler1, request=request)
    return services.request_transfer(actor=world.butler1, request=request, lead_unit=world.unit1,
                                     co_units=list(co_units), comment="请供电公司牵头办理。")
