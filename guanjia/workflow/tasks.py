"""Background jobs of the workflow kernel (huey): the nightly sweep of files that no attachment names."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, lock_task

from guanjia.workflow.attachments import sweep_orphans


@db_periodic_task(crontab(hour="19", minute="30"))  # huey keeps UTC: 03:30 in Beijing
def sweep_attachment_files() -> int:
    """Every night: delete files of failed changes (older than a day, named by no attachment)."""
    with lock_task("guanjia-attachments-sweep"):
        return len(sweep_orphans().deleted)
