"""Starting the job consumer (`guanjia run_huey`) beside a development or demo server.

Production runs the consumer as its own service (docs/notifications.md); `guanjia demo`
starts it as a child process here, and the child goes when the parent goes.
"""

from __future__ import annotations

import atexit
import logging
import signal
import subprocess
import sys

from django.conf import settings

logger = logging.getLogger("guanjia.notifications")


def consumer_command() -> list[str]:
    """The consumer's command line: the same interpreter, the same settings (inherited environment)."""
    return [sys.executable, "-m", "guanjia", "run_huey"]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    # Linux: the child gets SIGTERM if the parent is killed outright (atexit does not run then).
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except Exception:  # noqa: BLE001, S110 - best effort; atexit still stops it on a normal exit
        pass


def stop(process: subprocess.Popen, timeout: float = 5) -> None:
    """Stop the consumer: SIGTERM (huey finishes the running jobs), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


def start_in_background() -> subprocess.Popen | None:
    """Start `guanjia run_huey` as a child process, stopped when this process exits.

    Returns None (and starts nothing) when huey runs in immediate mode: jobs then run
    in-process and a consumer has nothing to do.
    """
    huey = getattr(settings, "HUEY", {})
    if isinstance(huey, dict) and huey.get("immediate"):
        return None
    preexec = _die_with_parent if sys.platform.startswith("linux") else None
    process = subprocess.Popen(consumer_command(), preexec_fn=preexec)  # noqa: S603, PLW1509
    atexit.register(stop, process)
    logger.info("job consumer started (pid %s)", process.pid)
    return process
