"""The demo's replayed year really commits here (a transactional test), so after-commit notices would run."""

import pytest

from guanjia.demo import zone as demo


@pytest.mark.django_db(transaction=True)
def test_the_replayed_year_sends_no_notices():
    from guanjia.notifications.models import Delivery, Notification
    from guanjia.tests_support.factories import ensure_reference_data

    ensure_reference_data()  # another transactional test may have flushed the migrations' rows

    summary = demo.load_demo_zone()
    assert summary.counts["requests"] > 400
    assert not Notification.objects.exists() and not Delivery.objects.exists()
