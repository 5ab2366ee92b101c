"""Test helpers for meetings: requests raised through the request services, meetings through ours."""

import datetime as dt
from zoneinfo import ZoneInfo

from guanjia.meetings import services
from guanjia.requests import services as request_services

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def raise_request(world, *, enterprise=None, butler=None, title="二期厂房用电增容", accept=True):
    enterprise = enterprise or world.ent1
    butler = butler or world.butler1
    request = request_services.request_raise(
        actor=butler, enterprise=enterprise, source="visit", category="factors", title=title,
        description="二期厂房投产需增容至 2000 kVA。")
    return request_services.request_accept(actor=butler, request=request) if accept else request


def make_meeting(world, **overrides):
    data = {"actor": world.butler1, "kind": "joint", "title": "供电增容会办会", "starts_at": at(2026, 3, 2, 9, 30),
            "place": "服务中心三楼会议室", "units": [world.unit1], "attendees": [world.unit_user1]}
    data.update(overrides)
    return services.meeting_create(**data)


def held_meeting(world, minutes="会议研究了供电增容事项。", **overrides):
    meeting = make_meeting(world, **overrides)
    return services.meeting_hold(actor=overrides.get("actor", world.butler1), meeting=meeting, minutes=minutes)
