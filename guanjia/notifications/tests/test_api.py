"""API: /api/v1/notifications/ lists one's own; POST {id}/read/ and read-all/; another's is 404."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guanjia.notifications.models import Notification
from guanjia.notifications.tests.factories import NotificationFactory


def test_list_own_only(api, world):
    NotificationFactory(recipient=world.butler1, title="我的")
    NotificationFactory(recipient=world.butler2, title="别人的")
    api.force_authenticate(world.butler1)
    data = api.get("/api/v1/notifications/").json()
    assert [row["title"] for row in data["results"]] == ["我的"]
    row = data["results"][0]
    assert row["unread"] is True and row["kind"] == "new_request" and row["kind_label"] == "新诉求待签收"


def test_filter_unread(api, world):
    NotificationFactory(recipient=world.butler1, title="旧")
    Notification.objects.update(read_at="2025-10-09T10:00:00+08:00")
    NotificationFactory(recipient=world.butler1, title="新")
    api.force_authenticate(world.butler1)
    assert [r["title"] for r in api.get("/api/v1/notifications/?unread=true").json()["results"]] == ["新"]


def test_read_one_and_all(api, world):
    one, _two = NotificationFactory.create_batch(2, recipient=world.butler1)
    theirs = NotificationFactory(recipient=world.butler2)
    api.force_authenticate(world.butler1)
    response = api.post(reverse("notification-read", args=[one.pk]))
    assert response.status_code == 200 and response.json()["unread"] is False
    assert api.post(reverse("notification-read", args=[theirs.pk])).status_code == 404
    assert api.get(reverse("notification-detail", args=[theirs.pk])).status_code == 404
    assert api.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    assert Notification.objects.filter(read_at__isnull=True).get() == theirs


def test_anonymous_is_refused(api, world):
    assert api.get("/api/v1/notifications/").status_code in (401, 403)


def test_the_list_has_a_fixed_number_of_queries(api, world, django_assert_num_queries):
    api.force_authenticate(world.butler1)
    NotificationFactory.create_batch(2, recipient=world.butler1)
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/notifications/")
    NotificationFactory.create_batch(30, recipient=world.butler1)
    with django_assert_num_queries(len(few)):
        api.get("/api/v1/notifications/")
