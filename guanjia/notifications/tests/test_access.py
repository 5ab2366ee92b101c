"""Every notification endpoint with a pk × every role of the standard world × in-scope and out-of-scope objects.

Mirrors guanjia/core/tests/test_access_matrix.py (the entries to add there are in this app's report):
a notice is its recipient's alone; a robot is its zone admins'.
"""

import pytest
from django.db import transaction
from django.urls import reverse

from guanjia.notifications.models import Notification, WebhookEndpoint

ENDPOINTS = {
    "notifications:read": ("notification", "post"),
    "notifications:webhook-update": ("webhook", "get"),
    "notification-detail": ("notification", "get"),
    "notification-read": ("notification", "post"),
}
VISIBLE = {"butler1": {"notification1"}, "admin": {"webhook"}}
ROLES = ["admin", "leader", "supervisor", "butler1", "butler2", "unit1", "unit2", "ent1", "ent2"]


@pytest.fixture
def objects(world):
    def notice(zone, person):
        return Notification.objects.create(zone=zone, recipient=person, kind="new_request", title="通知")

    def robot(zone, name):
        return WebhookEndpoint.objects.create(zone=zone, name=name, kind="wecom",
                                              url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")

    return {
        "notification1": ("notification", notice(world.zone, world.butler1)),
        "foreign_notification": ("notification", notice(world.other_zone, world.foreign_admin)),
        "webhook": ("webhook", robot(world.zone, "供电公司群")),
        "foreign_webhook": ("webhook", robot(world.other_zone, "达州群")),
    }


def test_every_pk_endpoint_of_the_app_is_here():
    from django.urls import get_resolver

    names = set()

    def walk(patterns, namespace=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, f"{namespace}{p.namespace}:" if p.namespace else namespace)
            elif p.name and "pk" in p.pattern.regex.groupindex:
                names.add(namespace + p.name)

    walk(get_resolver().url_patterns)
    assert {n for n in names if "notification" in n or "webhook" in n} == set(ENDPOINTS)


@pytest.mark.parametrize("role", ROLES)
def test_matrix(client, world, objects, role):
    client.force_login(world.users()[role])
    failures = []
    for url_name, (kind, method) in ENDPOINTS.items():
        for key, (obj_kind, obj) in objects.items():
            if obj_kind != kind:
                continue
            with transaction.atomic():
                response = getattr(client, method)(reverse(url_name, args=[obj.pk]))
                transaction.set_rollback(True)
            visible = key in VISIBLE.get(role, set())
            if visible == (response.status_code == 404) or response.status_code >= 500:
                failures.append(f"{url_name} {key}: {response.status_code}")
    assert not failures, "\n".join(failures)


def test_the_unread_count_is_the_count_of_the_visible_unread_notices(world):
    from django.contrib.auth.models import AnonymousUser
    from django.utils import timezone

    from guanjia.notifications.tests.factories import NotificationFactory
    from guanjia.org.models import User

    for person, unread, read in ((world.butler1, 3, 2), (world.admin, 1, 0), (world.leader, 0, 4),
                                 (world.unit_user1, 2, 0)):
        NotificationFactory.create_batch(unread, recipient=person)
        NotificationFactory.create_batch(read, recipient=person, read_at=timezone.now())
    superuser = User.objects.create_superuser("root-notices", zone=world.zone)
    world.unit_user1.is_active = False  # signed out for good: no inbox
    people = [world.butler1, world.admin, world.leader, world.unit_user1, superuser, AnonymousUser()]
    counts = [Notification.objects.unread_count(person) for person in people]
    assert counts == [Notification.objects.visible_to(person).unread().count() for person in people]
    assert counts == [3, 1, 0, 0, 0, 0]
