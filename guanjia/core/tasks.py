"""Background jobs of the core (huey): the nightly backup.

It runs at `GUANJIA_BACKUP_HOUR` o'clock local time (default 2; "off" turns it off), writes an archive into
`GUANJIA_BACKUP_DIR` and keeps the newest `GUANJIA_BACKUP_KEEP` of them. The hour is read when the job
runs, not when the consumer starts, and in local time, so that a change of time zone or a summer time
moves it with the clock on the wall.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import db_periodic_task, lock_task

from guanjia.core.backup import backup_create, backup_prune

logger = logging.getLogger(__name__)


def backup_due(moment: dt.datetime) -> bool:
    """huey's schedule test, called every minute with the time in UTC (naive)."""
    hour = settings.GUANJIA_BACKUP_HOUR
    if hour is None:
        return False
    local = timezone.localtime(moment.replace(tzinfo=dt.UTC))
    return local.hour == hour and local.minute == 0


@db_periodic_task(backup_due)
def scheduled_backup() -> str:
    """Every night: an archive in the backup folder, the oldest beyond the number kept deleted."""
    with lock_task("guanjia-backup"):
        result = backup_create(output=settings.GUANJIA_BACKUP_DIR)
        deleted = backup_prune(directory=result.path.parent, keep=settings.GUANJIA_BACKUP_KEEP)
    logger.info("backup written to %s in %.1f s; %d older archives deleted", result.path, result.seconds,
                len(deleted))
    return str(result.path)
