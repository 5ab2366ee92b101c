"""The demo's children stop with their parent, each with one signal, and leave nothing behind."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from guanjia.core import processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups as Linux has them")


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"


def _wait_for(path: Path) -> str:
    deadline = time.monotonic() + 30  # a failure guard, not a measurement
    while not path.exists() or not path.read_text().strip():
        assert time.monotonic() < deadline, f"{path} never written"
        time.sleep(0.05)
    return path.read_text().strip()


def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def test_a_child_runs_in_a_process_group_of_its_own(tmp_path):
    """So Ctrl-C in a terminal, which signals the terminal's foreground group, reaches the parent alone."""
    process = processes.start(_python("import time; time.sleep(60)"))
    try:
        assert os.getpgid(process.pid) == process.pid != os.getpgid(0)
    finally:
        processes.stop(process, timeout=5)
    assert process.returncode == -signal.SIGTERM


def test_stop_kills_what_a_child_left_behind(tmp_path):
    """As gunicorn's master stopping while a worker hangs: the child exits on SIGTERM, its own child does not
    (it ignores SIGTERM), and stop() kills it through the group."""
    pid_file = tmp_path / "grandchild"
    code = (
        "import os, signal, subprocess, sys, time\n"
        "g = subprocess.Popen([sys.executable, '-c', 'import signal, time; "
        "signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(g.pid))\n"
        "time.sleep(120)\n"
    )
    process = processes.start(_python(code))
    grandchild = int(_wait_for(pid_file))
    assert _alive(grandchild)
    processes.stop(process, timeout=5)
    deadline = time.monotonic() + 30
    while _alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(grandchild)


def test_stop_kills_a_child_that_ignores_sigterm(tmp_path):
    ready = tmp_path / "ready"
    process = processes.start(_python(
        "import signal, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        f"open({str(ready)!r}, 'w').write('1')\n"
        "time.sleep(120)\n"
    ))
    _wait_for(ready)
    processes.stop(process, timeout=0.5)
    assert process.returncode == -signal.SIGKILL


def test_stopping_a_child_that_has_exited_and_been_reaped_does_nothing():
    process = processes.start(_python("pass"))
    assert process.wait(timeout=30) == 0
    processes.stop(process)
    assert process.returncode == 0
