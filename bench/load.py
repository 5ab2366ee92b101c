"""`python -m bench.load`: fifty people at once against gunicorn on 127.0.0.1, beside the same server's minimal view.

    python -m bench.load [--requests 200000] [--people 50] [--seconds 30] [--postgres]

Serves the `python -m bench --requests N` dataset (seeded first if missing) with the product's gunicorn
configuration, signs in `--people` staff of the zone (butlers, unit handlers, leaders, admins: each with a
session of their own) and runs two bounded phases of `--seconds` each, every person in a thread of their own,
one request after the other on a kept-alive connection:

- **floor**: everybody asks for Django's minimal JSON view (`/bench/floor/json/`);
- **mix**: everybody works: 我的待办, 全部诉求 (plain and searched), 企业库, a request's page, an
  enterprise's page, the API's worklist, and raising a request (one call in twenty).

It prints each phase's throughput and median and 95th-percentile latency, per kind of call too, and fails on any
error (a status other than the one expected, or a refused connection). The requests it raised are deleted.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Call:
    kind: str
    method: str
    path: str
    body: dict | None = None
    expect: int = 200


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, ms: float) -> None:
        with self.lock:
            self.times[kind].append(ms)

    def fail(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def person_loop(*, port: int, cookie: str, csrf: str, calls, stop: threading.Event, tally: Tally) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": f"sessionid={cookie}; csrftoken={csrf}", "X-CSRFToken": csrf, "Host": "127.0.0.1"}
    for call in calls:
        if stop.is_set():
            break
        body = json.dumps(call.body) if call.body is not None else None
        extra = {"Content-Type": "application/json"} if body else {}
        started = time.perf_counter()
        try:
            connection.request(call.method, call.path, body=body, headers={**headers, **extra})
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException) as error:
            tally.fail(f"{call.kind} {call.path}: {error!r}")
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            continue
        ms = (time.perf_counter() - started) * 1000
        if response.status != call.expect:
            tally.fail(f"{call.kind} {call.path}: {response.status}")
        else:
            tally.add(call.kind, ms)
    connection.close()


def run_phase(name: str, *, port: int, people: list[tuple[str, str]], calls_of, seconds: float) -> Tally:
    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=person_loop, daemon=True,
                                kwargs={"port": port, "cookie": cookie, "csrf": csrf, "calls": calls_of(n),
                                        "stop": stop, "tally": tally})
               for n, (cookie, csrf) in enumerate(people)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    tally.elapsed = time.perf_counter() - started
    return tally


def report(name: str, tally: Tally) -> list[str]:
    every = [ms for times in tally.times.values() for ms in times]
    lines = [f"{name:<12} {len(every) / tally.elapsed:8.1f} calls/s   p50 {statistics.median(every) if every else 0:8.1f} ms"
             f"   p95 {_percentile(every, 0.95):8.1f} ms   {len(every):,} calls, {len(tally.errors)} errors"]
    for kind, times in sorted(tally.times.items()):
        lines.append(f"  {kind:<26} {len(times):7,} calls   p50 {statistics.median(times):8.1f} ms"
                     f"   p95 {_percentile(times, 0.95):8.1f} ms")
    return lines


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped at start (exit {server.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start within a minute")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200_000)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)

    # The dataset as `python -m bench --requests N` leaves it (seeded there, once per size, if missing).
    subprocess.run([sys.executable, "-m", "bench", "--requests", str(args.requests), "--enterprises",
                    str(args.enterprises), "--projects", str(args.projects), "--only", "none",
                    *(["--postgres"] if args.postgres else [])], check=True, cwd=HERE.parent)
    from bench.__main__ import _prepare_environment

    _prepare_environment(argparse.Namespace(postgres=args.postgres, enterprises=args.enterprises,
                                            requests=args.requests, promotion=0, projects=args.projects))
    import django

    django.setup()
    from django.db.models import Max
    from django.test import Client

    from bench.request_figures import _delete_raised
    from guanjia.core.choices import Role
    from guanjia.enterprises.models import Enterprise
    from guanjia.org.models import User, Zone
    from guanjia.requests.models import Request
    from guanjia.requests.services import may_raise

    zone = Zone.objects.order_by("pk").first()
    staff = list(User.objects.filter(zone=zone, is_active=True, roles__in=[
        Role.BUTLER, Role.UNIT, Role.LEADER, Role.ADMIN]).distinct().order_by("pk")[:args.people])
    people, subjects = [], []
    for person in staff:
        client = Client()
        client.force_login(person)
        people.append((client.cookies["sessionid"].value, secrets.token_hex(16)))
        # What this person may read and raise for: the newest request they see, its enterprise, and theirs.
        seen = Request.objects.visible_to(person).order_by("-pk").values_list("pk", "enterprise").first()
        theirs = list(Enterprise.objects.visible_to(person).filter(archived_at__isnull=True).order_by("pk")
                      .values_list("pk", flat=True)[:50]) if may_raise(person) else []
        subjects.append((seen, theirs))
    before = Request.objects.aggregate(top=Max("pk"))["top"] or 0

    def mix(n: int):
        rng, (seen, theirs) = random.Random(n), subjects[n]
        raise_body = {"category": "factors", "source": "phone", "urgency": "normal", "title": "二期厂房用电增容",
                      "description": "二期生产线投产需将变压器容量增至2000kVA。"}
        menu = [Call("我的待办", "GET", "/worklist/")] * 5 + [
            Call("API 我的待办", "GET", "/api/v1/worklist/"), Call("全部诉求", "GET", "/requests/"),
            Call("全部诉求 search", "GET", "/requests/?q=%E8%9E%8D%E8%B5%84"),
            Call("企业库", "GET", "/enterprises/")] * 2
        if seen:
            menu += [Call("request page", "GET", f"/requests/{seen[0]}/"),
                     Call("enterprise page", "GET", f"/enterprises/{seen[1]}/")] * 2
        while True:
            if theirs and rng.random() < 0.05:
                yield Call("raise", "POST", "/api/v1/requests/",
                           {**raise_body, "enterprise": rng.choice(theirs)}, expect=201)
            else:
                yield rng.choice(menu)

    def floor(_n: int):
        return itertools.repeat(Call("minimal view", "GET", "/bench/floor/json/"))

    port = _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "GUANJIA_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:guanjia.settings.gunicorn_conf",
                               "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"],
                              cwd=HERE.parent, env=env, start_new_session=True)
    try:
        _wait_until_up(port, server)
        run_phase("warm-up", port=port, people=people, calls_of=mix, seconds=min(5.0, args.seconds))
        results = [(name, run_phase(name, port=port, people=people, calls_of=calls, seconds=args.seconds))
                   for name, calls in (("floor", floor), ("mix", mix))]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        _delete_raised(zone, before)
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\nLoad on {engine}: {len(people)} people, {args.seconds:g} s a phase, gunicorn on 127.0.0.1 "
          f"({Request.objects.filter(zone=zone).count():,} requests)")
    errors = 0
    for name, tally in results:
        print("\n".join(report(name, tally)))
        for message in tally.errors[:10]:
            print("  error:", message)
        errors += len(tally.errors)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
