"""Starting the job consumer (`guanjia run_huey`) beside a development or demo server.

Production runs the consumer as its own service (docs/notifications.md); `guanjia demo`
starts it as a child process here, and the child goes when the parent goes.
"""

from __future__ import annotations

import logging
import subprocess
import sys

from django.conf import settings

from guanjia.core import processes

logger = logging.getLogger("guanjia.notifications")


def consumer_command() -> list[str]:
    """The consumer's command line: the same interpreter, the same settings (inherited environment)."""
    return [sys.executable, "-m", "guanjia", "run_huey"]


def start_in_background() -> subprocess.Popen | None:
    """Start `guanjia run_huey` as a child process, stopped when this process exits.

    Returns None (and starts nothing) when huey runs in immediate mode: jobs then run
    in-process and a consumer has nothing to do.
    """
    huey = getattr(settings, "HUEY", {})
    if isinstance(huey, dict) and huey.get("immediate"):
        return None
    process = processes.start(consumer_command())
    logger.info("job consumer started (pid %s)", process.pid)
    return process
