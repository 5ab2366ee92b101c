"""Child processes that go with their parent: the web server and the job consumer beside `guanjia demo`."""

from __future__ import annotations

import atexit
import signal
import subprocess
import sys


def _prepare_child() -> None:  # pragma: no cover - runs in the child between fork and exec
    # Ctrl-C in a terminal reaches every process of the job. A child still starting up would die of it
    # with a traceback; ignored here, it stays so until the child sets its own handler (gunicorn and huey
    # both do as they start), and the parent stops a child that is not ready yet with SIGTERM.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if not sys.platform.startswith("linux"):
        return
    # Linux: the child gets SIGTERM if the parent is killed outright (atexit does not run then).
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    except Exception:  # noqa: BLE001, S110 - best effort; atexit still stops it on a normal exit
        pass


def start(command: list[str]) -> subprocess.Popen:
    """Start `command` as a child process, stopped when this process exits."""
    process = subprocess.Popen(command, preexec_fn=_prepare_child)  # noqa: S603, PLW1509
    atexit.register(stop, process)
    return process


def stop(process: subprocess.Popen, timeout: float = 5) -> None:
    """Stop a child: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)
