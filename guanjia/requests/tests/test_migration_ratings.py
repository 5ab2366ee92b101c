"""Migration 0013 makes a rating record of every rating already given, from the timeline, and keeps every row.

Rows are written as the product stood before (the historical models of requests 0011), then the
migrations run forward, as on an installed system.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

SHANGHAI = ZoneInfo("Asia/Shanghai")
BEFORE = ("requests", "0011_drop_request_clocks")


def at(*args):
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1] is not None]).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _before():
    """Every other app as it is now (their historical models must match the tables), requests at 0011; the
    apps whose first migration needs a later requests (the search indexes, the promotion table's links to
    requests) not yet made."""
    later = {"search", "promotion"}
    return [BEFORE if app == "requests" else (app, None if app in later else name) for app, name in _latest()]


@pytest.mark.django_db(transaction=True)
def test_every_rating_on_the_timeline_becomes_a_record():
    old = _migrate(_before())
    Zone, User = old.get_model("org", "Zone"), old.get_model("org", "User")
    Enterprise, Request = old.get_model("enterprises", "Enterprise"), old.get_model("requests", "Request")
    Item, Event = old.get_model("workflow", "TrackedItem"), old.get_model("workflow", "Event")

    zone = Zone.objects.create(name="迁移园区", code="mig")
    butler = User.objects.create(username="mig-butler", zone=zone)
    contact = User.objects.create(username="mig-contact", zone=zone)
    enterprise = Enterprise.objects.create(zone=zone, name="迁移测试企业", uscc="91610400MA6XXXXX01", butler=butler)
    numbers = iter(range(1, 100))

    def request(title, **fields):
        item = Item.objects.create(kind="request", zone=zone, title=title, status=fields.get("status", "closed"))
        made = Request.objects.create(zone=zone, number=f"GJ-2026-{next(numbers):06d}", enterprise=enterprise,
                                      source="visit", category="factors", title=title, description="x",
                                      butler=butler, item=item, **fields)
        item.object_id = made.pk
        item.save()
        return made, item

    def event(item, action, moment, **fields):
        return Event.objects.create(item=item, action=action, at=moment, from_status="resolved", **fields)

    # 不满意 → 重办 → 满意: two rate events, the request holding the last.
    twice, twice_item = request("两次评价", rating="satisfied", rated_at=at(2026, 3, 9, 9), reopen_count=1)
    event(twice_item, "resolve", at(2026, 3, 2, 9), actor=butler)
    event(twice_item, "rate", at(2026, 3, 3, 9), actor=contact, comment="仍未送电", data={"rating": "unsatisfied"})
    event(twice_item, "rate", at(2026, 3, 9, 9), actor=contact, data={"rating": "satisfied"})
    # Rated on a system that wrote no event for it (loaded from elsewhere): one record from its fields.
    loaded, _item = request("导入的评价", rating="basically_satisfied", rating_reason="尚可", rated_at=at(2026, 2, 1, 10))
    # Reopened by an unsatisfied rating and by the center, with a reopen_count that missed the second.
    behind, behind_item = request("重办两次", status="accepted", rating="unsatisfied", rating_reason="没有变化",
                                  rated_at=at(2026, 4, 1, 9), reopen_count=1)
    event(behind_item, "reopen", at(2026, 3, 20, 9), actor=butler, comment="中心决定重办")
    event(behind_item, "rate", at(2026, 4, 1, 9), actor=contact, comment="没有变化", data={"rating": "unsatisfied"})
    never, never_item = request("未评价", status="resolved")
    event(never_item, "resolve", at(2026, 3, 2, 9), actor=butler)
    other_kind = Item.objects.create(kind="action_item", zone=zone, title="会议事项", status="open", object_id=twice.pk)
    event(other_kind, "rate", at(2026, 3, 5, 9), data={"rating": "unsatisfied"})  # not a request's

    new = _migrate(_latest())
    Rating, NewRequest = new.get_model("requests", "RequestRating"), new.get_model("requests", "Request")
    records = list(Rating.objects.order_by("request_id", "number").values_list(
        "request_id", "number", "rating", "reason", "rated_by_id", "rated_at"))
    assert records == [
        (twice.pk, 1, "unsatisfied", "仍未送电", contact.pk, at(2026, 3, 3, 9)),
        (twice.pk, 2, "satisfied", "", contact.pk, at(2026, 3, 9, 9)),
        (loaded.pk, 1, "basically_satisfied", "尚可", None, at(2026, 2, 1, 10)),
        (behind.pk, 1, "unsatisfied", "没有变化", contact.pk, at(2026, 4, 1, 9)),
    ]
    counts = dict(NewRequest.objects.values_list("pk", "reopen_count"))
    assert (counts[twice.pk], counts[behind.pk], counts[loaded.pk], counts[never.pk]) == (1, 2, 0, 0)
    # Every row stays: the requests keep their current rating, the timeline its events.
    assert NewRequest.objects.get(pk=twice.pk).rating == "satisfied"
    assert new.get_model("workflow", "Event").objects.count() == 7
