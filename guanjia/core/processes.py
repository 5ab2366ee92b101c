"""Child processes that go with their parent: the web server and the job consumer beside `guanjia demo`.

Each child runs in a process group of its own, so that the parent alone decides how it stops. Ctrl-C in a
terminal signals the terminal's foreground group only, that is the parent, which then stops each child with
one SIGTERM, and kills what is left of the child's group. Had the children shared the terminal's group,
gunicorn's workers would get two stop signals at once (the terminal's SIGINT and their master's SIGQUIT),
and a gthread worker handling the second one inside the first can wait forever on its own thread pool's lock
(CPython issue 121649): seen as workers left running after the demo had stopped, holding its port.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import time

POLL = 0.05


def _prepare_child() -> None:  # pragma: no cover - runs in the child between fork and exec
    # A child still starting up must not die of a stray SIGINT with a traceback; ignored here, it stays so
    # until the child sets its own handler (gunicorn and huey both do as they start).
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
    """Start `command` as a child process in a process group of its own, stopped when this process exits."""
    process = subprocess.Popen(command, preexec_fn=_prepare_child, process_group=0)  # noqa: S603, PLW1509
    atexit.register(stop, process)
    return process


def _exited(process: subprocess.Popen, timeout: float) -> bool:
    """Wait up to `timeout` seconds for the child to exit, without reaping it: while it is not reaped, its
    pid (and so its process group's id) cannot be given to another process."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:  # reaped already
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL)


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a child started by `start`: one SIGTERM to it, up to `timeout` seconds for it to exit (gunicorn
    finishes the requests under way), then SIGKILL to whatever is left of its group (a lingering child, or
    processes it started that outlived it), and reap it."""
    if process.returncode is None:  # not reaped: its pid still names its group
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)  # not Popen.terminate(), which would reap it first
        _exited(process, timeout)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    process.wait()
