"""The sign-in log's retention (GUANJIA_SIGN_IN_LOG_DAYS, at least six months) and stale counters."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


def purge_sign_in_log(now=None) -> int:
    from guanjia.accounts import lockout
    from guanjia.accounts.models import SignInEvent

    now = now or timezone.now()
    lockout.purge(now)
    return SignInEvent.objects.purge_before(now - timedelta(days=retention_days()))


def retention_days() -> int:
    """The configured period, never under the six months (183 days) 等保 2.0 asks for."""
    return max(183, settings.GUANJIA_SIGN_IN_LOG_DAYS)


@db_periodic_task(crontab(hour="3", minute="41"), name="purge_sign_in_log")
def purge_sign_in_log_task():
    purge_sign_in_log()
