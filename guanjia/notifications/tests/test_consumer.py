"""`guanjia demo` starts the job consumer as a child that goes with its parent; the huey jobs call the services."""

import subprocess
import sys

from guanjia.core import processes
from guanjia.notifications import consumer


def test_the_consumer_command_is_run_huey_with_this_interpreter():
    assert consumer.consumer_command() == [sys.executable, "-m", "guanjia", "run_huey"]


def test_nothing_is_started_in_immediate_mode(settings):
    settings.HUEY = {**settings.HUEY, "immediate": True}
    assert consumer.start_in_background() is None


def test_start_and_stop_at_exit(settings, monkeypatch):
    settings.HUEY = {**settings.HUEY, "immediate": False}
    registered = []
    monkeypatch.setattr(consumer, "consumer_command",
                        lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    monkeypatch.setattr(processes.atexit, "register", lambda fn, *args: registered.append((fn, args)))
    process = consumer.start_in_background()
    try:
        assert isinstance(process, subprocess.Popen) and process.poll() is None
        assert registered == [(processes.stop, (process,))]
        fn, args = registered[0]
        fn(*args)  # what atexit does when the demo exits
        assert process.poll() is not None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_the_periodic_jobs_call_the_services(world, monkeypatch):
    from guanjia.notifications import reminders, services, tasks

    calls = []
    monkeypatch.setattr(services, "deliveries_send_due", lambda **kw: calls.append("send"))
    monkeypatch.setattr(reminders, "reminders_run", lambda **kw: calls.append("remind"))
    tasks.send_due_deliveries.call_local()
    tasks.run_reminders.call_local()
    assert calls == ["send", "remind"]



def test_the_queue_file_is_wal_with_normal_sync_and_keeps_its_jobs(tmp_path):
    """Enqueueing no longer waits for the disk (synchronous=NORMAL), and what one connection queues, another reads."""
    from guanjia.notifications.queue import WalSqliteHuey
    from guanjia.settings import base

    assert base.HUEY["huey_class"] == "guanjia.notifications.queue.WalSqliteHuey"
    web = WalSqliteHuey("jobs", filename=str(tmp_path / "huey.sqlite3"))
    conn = web.storage.conn
    assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL; SQLite's default FULL is 2
    web.storage.enqueue(b"job", 0)
    consumer_side = WalSqliteHuey("jobs", filename=str(tmp_path / "huey.sqlite3"))
    assert consumer_side.storage.dequeue() == b"job"
