"""`guanjia demo` serves with gunicorn: a burst of connections waits in the listen queue and is answered, pages
load their CSS and JS with DEBUG off, Ctrl-C stops the web server and the job consumer, and on PostgreSQL the
demo never holds more database connections than it has threads (issue 16: 98 of 100 held by one demo
process, every later request a 500).

The tests run the real `guanjia demo` (a session of its own, as a terminal's job; it starts gunicorn and the
consumer in process groups of their own) against the test database, whose rows are committed (transactional
tests): one demo for the module, started once (it takes a few seconds), and one of its own for the test that
stops it as Ctrl-C does (SIGINT to the terminal's foreground group, the demo's).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.management import CommandError
from django.db import connection
from django.test import Client

from guanjia.core import processes
from guanjia.core.management.commands import demo as demo_command
from guanjia.notifications import consumer
from guanjia.settings import gunicorn_conf
from guanjia.tests_support.factories import ZoneFactory, build_world, ensure_reference_data

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table in /proc")
served = pytest.mark.django_db(transaction=True)  # the demo, another process, reads what the test committed

BURST = 30
# Failure guards only (a server that never comes up, a connection never accepted), not measurements.
STARTUP_LIMIT = 90
STOP_LIMIT = 30  # seconds a stopped demo's processes may take to be gone: a bound, not a measurement
CONNECT_LIMIT = 3


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url(application_name: str) -> str:
    """The test database, as the demo reads it; on PostgreSQL its connections carry a name of their own."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    return (f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            f"?application_name={application_name}")


def _session(sid: int) -> dict[int, str]:
    """The live processes of a session (the demo's: it, and the children it starts in process groups of their
    own), each pid with its command line, parent and state."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, ppid, _pgrp, session = stat[stat.rindex(")") + 2:].split()[:4]
        if int(session) == sid and state != "Z":
            found[int(entry)] = f"{cmdline}(parent {ppid}, state {state})"
    return found


def _processes_in_session(sid: int) -> list[str]:
    return list(_session(sid).values())


class Demo:
    """`guanjia demo --port <free port>` on the test database, its output in a file."""

    def __init__(self, data_dir: Path, **env: str):
        self.port = _free_port()
        self.application_name = f"guanjia-demo-test-{self.port}"
        self.log = data_dir / "demo.log"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "guanjia.settings.base",  # what `guanjia demo` runs with: no test settings
            "DATABASE_URL": _database_url(self.application_name),
            "GUANJIA_DATA_DIR": str(data_dir),
            "GUANJIA_SECRET_KEY": settings.SECRET_KEY,  # so the sessions this test signs in are the server's
            **env,
        }
        environment.pop("GUNICORN_CMD_ARGS", None)
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "guanjia", "demo", "--port", str(self.port)],
                env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )
        self.sid = self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def get(self, path: str, **headers: str) -> tuple[int, dict, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def wait_until_serving(self) -> None:
        deadline = time.monotonic() + STARTUP_LIMIT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the demo exited ({self.process.returncode}):\n{self.output()}"
            try:
                if self.get("/accounts/login/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        pytest.fail(f"the demo did not answer on port {self.port}:\n{self.output()}")

    def ctrl_c(self) -> int:
        """What Ctrl-C in its terminal does: SIGINT to every process of the group. Returns the exit status."""
        os.killpg(self.sid, signal.SIGINT)  # the terminal's foreground group: the demo command alone
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the demo did not stop on Ctrl-C:\n{self.output()}")

    def signal_all(self, signum: int) -> None:
        """Send a signal to every process of the demo: the command, gunicorn and its workers, the consumer."""
        for pid in _session(self.sid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signum)

    def kill(self) -> None:
        self.signal_all(signal.SIGKILL)
        self.process.wait()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo shared by the module, with persistent database connections on (the stronger case)."""
    with django_db_blocker.unblock():
        ZoneFactory()  # committed: a zone, so the demo serves it instead of loading its own (a transactional
        # test's flush removes it afterwards)
    demo = Demo(tmp_path_factory.mktemp("demo"), GUANJIA_DB_CONN_MAX_AGE="60")
    try:
        demo.wait_until_serving()
        yield demo
    finally:
        demo.kill()  # it holds no lock: a test's flush does not wait for it


@pytest.fixture
def committed_world():
    ensure_reference_data()  # a transactional test's flush removed the rows the migrations made
    return build_world()


@served
def test_the_demo_serves_with_gunicorn_beside_the_consumer_and_ctrl_c_stops_them_all(committed_world, tmp_path):
    demo = Demo(tmp_path)
    try:
        demo.wait_until_serving()
        expected = {"gunicorn": 1 + gunicorn_conf.workers, "run_huey": 1}  # master and workers, the consumer
        deadline = time.monotonic() + STARTUP_LIMIT
        while True:  # the workers boot one after the other
            group = _processes_in_session(demo.sid)
            counts = {name: sum(name in line for line in group) for name in expected}
            if counts == expected or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert counts == expected, (group, demo.output())
        assert len(group) == 1 + sum(expected.values()), group  # and the demo command watching them

        assert demo.ctrl_c() == 0
        gone_by = time.monotonic() + STOP_LIMIT  # the last ones may still be on their way out (slowly on a busy machine)
        while _processes_in_session(demo.sid) and time.monotonic() < gone_by:
            time.sleep(0.05)
        assert _processes_in_session(demo.sid) == [], demo.output()
        assert "Traceback" not in demo.output(), demo.output()
        if connection.vendor == "postgresql":
            watch = ConnectionWatch(demo)
            try:
                assert watch.wait_for_none() == 0
            finally:
                watch.conn.close()
    finally:
        demo.kill()


@served
def test_pages_load_their_css_and_js_with_debug_off(demo):
    status, _headers, body = demo.get("/accounts/login/")
    assert status == 200
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', body.decode())
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets), assets
    for asset in assets:
        status, headers, content = demo.get(asset)
        assert status == 200 and content, asset
        kind = "text/css" if asset.endswith(".css") else "javascript" if asset.endswith(".js") else ""
        assert kind in headers["Content-Type"], (asset, headers["Content-Type"])
    status, _headers, body = demo.get("/no-such-page/")
    assert status == 404 and b"DEBUG = True" not in body  # the product's page, not Django's debug page


@served
def test_a_burst_of_connections_waits_in_the_listen_queue_and_is_answered(demo):
    """30 connections at once, arriving while the server accepts none (its processes are stopped here, so
    the test does not depend on timing: a busy server): each must wait in the listen queue, none be refused
    or reset. Django's runserver queued 10."""
    request = f"GET /accounts/login/ HTTP/1.1\r\nHost: 127.0.0.1:{demo.port}\r\nConnection: close\r\n\r\n".encode()
    sockets, refused = [], None
    demo.signal_all(signal.SIGSTOP)
    try:
        for _ in range(BURST):
            try:
                sock = socket.create_connection(("127.0.0.1", demo.port), timeout=CONNECT_LIMIT)
            except OSError as exc:  # the kernel dropped the connection: the queue was full
                refused = exc
                break
            sock.sendall(request)
            sockets.append(sock)
    finally:
        demo.signal_all(signal.SIGCONT)
    try:
        assert refused is None, f"only {len(sockets)} of {BURST} connections were queued: {refused!r}"
        statuses = []
        for sock in sockets:
            sock.settimeout(60)
            response = http.client.HTTPResponse(sock)
            response.begin()
            response.read()
            statuses.append(response.status)
        assert statuses == [200] * BURST
    finally:
        for sock in sockets:
            sock.close()


class ConnectionWatch(threading.Thread):
    """Counts the demo's connections to the test database (pg_stat_activity) until stopped; keeps the most."""

    def __init__(self, demo: Demo):
        super().__init__(daemon=True)
        import psycopg

        db = connection.settings_dict
        self.conn = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                                    password=db["PASSWORD"] or None, dbname="postgres", autocommit=True)
        self.database = db["NAME"]
        self.application_name = demo.application_name
        self.most = 0
        self.samples = 0
        self.done = threading.Event()

    def count(self) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            [self.database, self.application_name],
        ).fetchone()[0]

    def run(self):
        while not self.done.is_set():
            self.most = max(self.most, self.count())
            self.samples += 1
            time.sleep(0.002)

    def stop(self) -> None:
        self.done.set()
        self.join()

    def wait_for_none(self) -> int:
        """The count once the demo's processes are gone (a backend ends a moment after its client)."""
        for _ in range(200):
            if (left := self.count()) == 0:
                break
            time.sleep(0.01)
        return left


@served
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's connections (pg_stat_activity)")
def test_the_demo_never_holds_more_database_connections_than_it_has_threads(demo, committed_world):
    """~150 API calls in bursts of 30, each on a connection the client keeps open (as the clients that
    leaked it did), with persistent database connections on: the web server's threads are a fixed pool, so
    it holds at most workers × threads connections, and the consumer at most its workers."""
    web = Client()
    web.force_login(committed_world.admin)
    cookie = f"{settings.SESSION_COOKIE_NAME}={web.cookies[settings.SESSION_COOKIE_NAME].value}"
    limit = gunicorn_conf.workers * gunicorn_conf.threads + settings.HUEY["consumer"]["workers"]
    paths = ["/api/v1/me/", "/api/v1/enterprises/", "/api/v1/projects/", "/api/v1/requests/", "/api/v1/worklist/"]

    kept_open: list[http.client.HTTPConnection] = []
    statuses: list[int] = []
    lock = threading.Lock()

    def call(path: str, start: threading.Barrier) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", demo.port, timeout=60)
        with lock:
            kept_open.append(conn)
        start.wait()
        conn.request("GET", path, headers={"Cookie": cookie, "Accept": "application/json"})
        response = conn.getresponse()
        response.read()
        with lock:
            statuses.append(response.status)

    watch = ConnectionWatch(demo)
    watch.start()
    try:
        with ThreadPoolExecutor(max_workers=BURST) as pool:
            for _round in range(5):
                start = threading.Barrier(BURST, timeout=60)
                list(pool.map(call, [paths[i % len(paths)] for i in range(BURST)], [start] * BURST))
                if watch.most > limit:
                    break  # failed already: spare the shared server the rest
        after = watch.count()
    finally:
        watch.stop()
        for conn in kept_open:
            conn.close()
    try:
        assert watch.most <= limit, f"{watch.most} connections held at once; {limit} threads"
        assert statuses == [200] * (BURST * 5), sorted(set(statuses))
        assert watch.samples > 10
        assert 1 <= after <= limit  # persistent ones stay, within the pool
    finally:
        watch.conn.close()


@pytest.fixture
def children(monkeypatch, settings):
    """`serve` with stand-ins: for gunicorn the command in `web`, for the consumer a sleep; `started` lists both."""
    settings.HUEY = {**settings.HUEY, "immediate": False}
    stand_ins = SimpleNamespace(web=[], started=[])
    start = processes.start

    def recording_start(command):
        stand_ins.started.append(start(command))
        return stand_ins.started[-1]

    monkeypatch.setattr(processes, "start", recording_start)
    monkeypatch.setattr(demo_command, "web_server_command", lambda *, port: stand_ins.web)
    monkeypatch.setattr(consumer, "consumer_command", lambda: [sys.executable, "-c", "import time; time.sleep(60)"])
    yield stand_ins
    for process in stand_ins.started:
        processes.stop(process, timeout=1)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_sigterm_to_the_demo_alone_stops_both_children(children, signum):
    # The stand-in web server signals the demo as soon as it runs, as a person or a service manager would.
    children.web = [sys.executable, "-c", f"import os, time; os.kill(os.getppid(), {int(signum)}); time.sleep(60)"]
    before = signal.getsignal(signum)
    out = StringIO()
    demo_command.serve(demo_command.Command(stdout=out), port=_free_port())
    assert len(children.started) == 2 and all(p.poll() is not None for p in children.started)
    assert "网页服务和后台任务已停止。" in out.getvalue()
    assert signal.getsignal(signum) is before  # the handlers are given back


def test_a_web_server_that_exits_stops_the_demo_and_the_consumer(children):
    children.web = [sys.executable, "-c", "raise SystemExit(3)"]  # e.g. the port is taken
    with pytest.raises(CommandError, match="退出码 3"):
        demo_command.serve(demo_command.Command(stdout=StringIO()), port=_free_port())
    assert len(children.started) == 2 and all(p.poll() is not None for p in children.started)
