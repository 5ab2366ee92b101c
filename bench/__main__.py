"""`make bench` / `python -m bench`: Guanjia's speed, as ratios to floors measured in the same run.

    python -m bench [--enterprises 100000] [--projects 20000] [--repeat 40] [--postgres]
    python -m bench --requests 200000 [--posts 200] [--repeat 20] [--postgres]

The dataset is seeded once per size and database (kept under bench/results/) and
reused by later runs. With --requests M the request figures are measured instead, on a
copy of that dataset with M requests added (data-…-rM, or the database guanjia_bench_N_rM),
so that the plain run keeps its own data. Nothing here asserts a time: the machine is
noisy, so read the ratios. Query counts are asserted in the test suite, not here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REQUEST_GROUPS = ("worklists", "home", "lists", "detail", "layout", "replay", "search", "raise", "reminders")


def _prepare_environment(args) -> Path:
    base = HERE / "results" / f"data-{'pg' if args.postgres else 'sqlite'}-{args.enterprises}"
    # The request and promotion figures write to their own copy of the seeded data, so the others stay as seeded.
    suffix = f"-r{args.requests}" if args.requests else f"-p{args.promotion}" if args.promotion else ""
    data_dir = base.with_name(f"{base.name}{suffix}")
    if suffix and not data_dir.exists() and (base / _marker(args)).exists():
        print(f"copying {base.name} to {data_dir.name} …", flush=True)  # the database itself below on PostgreSQL
        shutil.copytree(base, data_dir, ignore=shutil.ignore_patterns("huey.sqlite3*", "cache"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["GUANJIA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if args.postgres:
        name = f"guanjia_bench_{args.enterprises}"
        url = os.environ.get("DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/{name}"
        template = None
        if suffix and not os.environ.get("DATABASE_URL"):
            url, template = f"{url}_{suffix[1:]}", name if (base / _marker(args)).exists() else None
        os.environ["DATABASE_URL"] = url
        _ensure_pg_database(url, template=template)
    else:
        os.environ.pop("DATABASE_URL", None)
    return data_dir


def _marker(args) -> str:
    return f"seeded-{args.enterprises}-{args.projects}"


def _ensure_pg_database(url: str, *, template: str | None = None) -> None:
    """Create the database if missing: empty, or a copy of `template` (the dataset without requests)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            if template:
                print(f"copying the database {template} to {cfg['NAME']} …", flush=True)
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"' + (f' TEMPLATE "{template}"' if template else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (DATABASE_URL or a local database)")
    parser.add_argument("--requests", type=int, default=0,
                        help="seed M requests (once per size) and measure the request figures instead")
    parser.add_argument("--posts", type=int, default=200, help="sequential POSTs per run of the raise figure")
    parser.add_argument("--only", default="", help="with --requests: some of the figures, comma-separated: "
                                                   + ", ".join(REQUEST_GROUPS))
    parser.add_argument("--json", default="", help="with --requests: write the figures to this file as well")
    parser.add_argument("--promotion", type=int, default=0,
                        help="give N key projects a promotion table (once per size) and measure the 挂图作战 board")
    args = parser.parse_args(argv)

    data_dir = _prepare_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.run import measure_import, measure_requests
    from guanjia.core.choices import Role
    from guanjia.org.models import User, Zone

    call_command("migrate", verbosity=0)
    marker = data_dir / _marker(args)
    if not marker.exists():
        print(f"seeding {args.enterprises} enterprises and {args.projects} projects (once per size) …", flush=True)
        started = time.perf_counter()
        call_command("seed", enterprises=args.enterprises, projects=args.projects, seed=1)
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
        marker.touch()

    zone = Zone.objects.order_by("pk").first()
    admin, _created = User.objects.get_or_create(username="bench-admin", defaults={"zone": zone, "name": "基准"})
    admin.roles.add(Role.ADMIN)
    # The seeded zone has no supervisor (督办): one reads every overdue item of the zone in 我的待办.
    supervisor, _created = User.objects.get_or_create(username="bench-supervisor",
                                                      defaults={"zone": zone, "name": "督办"})
    supervisor.roles.add(Role.SUPERVISOR)
    from django.test import Client

    engine = "PostgreSQL" if args.postgres else "SQLite"
    if args.requests:
        return _request_figures(args, data_dir, zone, admin, engine)
    if args.promotion:
        return _promotion_figures(args, zone, admin, engine)

    client = Client()
    client.force_login(admin)
    targets = {
        "API enterprises, page of 50, filtered + searched": "/api/v1/enterprises/?q=科技&scale=above&page_size=50",
        "API enterprises, page of 50, by section": "/api/v1/enterprises/?section=C&page_size=50",
        "page 企业库, filtered + searched": "/enterprises/?q=科技&scale=above",
        "API projects, page of 50, key projects": "/api/v1/projects/?is_key=true&page_size=50",
        "page 项目库": "/projects/",
    }
    print(f"\nGuanjia benchmark on {engine}: {args.enterprises} enterprises, {args.projects} projects, "
          f"median of {args.repeat} interleaved runs")
    for figure in measure_requests(client, targets, repeat=args.repeat, budget=3):
        print(figure.line())
    from bench.search_figures import enterprise_search

    for figure in enterprise_search(repeat=max(3, args.repeat // 4)):
        print(figure.line(), flush=True)
    from django.utils import timezone

    from bench.project_stats_figures import project_stats_figures

    for figure in project_stats_figures(zone=zone, admin=admin, client=client, year=timezone.localdate().year,
                                        repeat=max(3, args.repeat // 2)):
        print(figure.line(), flush=True)
    from bench.planning_figures import handbook_figures, planning_figure

    for figure in [*planning_figure(repeat=max(3, args.repeat // 8)),
                   *handbook_figures(client=client, zone=zone, admin=admin, repeat=args.repeat)]:
        print(figure.line(), flush=True)
    if args.import_rows:
        figure = measure_import(actor=admin, zone=zone, rows=args.import_rows)
        print(figure.line() + f"  [{figure.median_ms / 1000:.1f} s]")
    return 0


def _request_figures(args, data_dir: Path, zone, admin, engine: str) -> int:
    from django.core.management import call_command
    from django.utils import timezone

    from bench import request_figures as rf
    from guanjia.requests.models import Request
    from guanjia.workflow.models import Event

    marker = data_dir / f"seeded-requests-{args.requests}"
    if not marker.exists():
        missing = args.requests - Request.objects.filter(zone=zone).count()
        if missing > 0:
            print(f"seeding {missing} requests (once per size) …", flush=True)
            call_command("seed", requests=missing, seed=1, zone_name=zone.name)
        marker.touch()
    requests = Request.objects.filter(zone=zone).count()
    events = Event.objects.filter(item__zone=zone).count()
    year = timezone.localdate().year
    print(f"\nGuanjia request benchmark on {engine}: {requests:,} requests, {events:,} timeline rows, "
          f"{args.enterprises} enterprises; median of {args.repeat} runs, each case alternating with its floor")
    groups = set(args.only.split(",")) if args.only else set(REQUEST_GROUPS)
    figures = []

    def shown(found):
        for figure in found:
            print(figure.line(), flush=True)
            figures.append(figure)

    if "worklists" in groups:
        shown(rf.measure_cases(rf.worklist_and_stats_cases(zone=zone, admin=admin, year=year), repeat=args.repeat,
                               budget=2))
    if "home" in groups:
        from bench import home_figures

        shown(rf.measure_cases(home_figures.cases(zone=zone, admin=admin), repeat=args.repeat, budget=3))
    if "lists" in groups:
        from bench import list_figures

        shown(rf.measure_cases(list_figures.cases(rf.signed_in(admin)), repeat=args.repeat, budget=2))
    if "detail" in groups:
        from bench import detail_figures

        shown(rf.measure_cases(detail_figures.cases(zone=zone, admin=admin), repeat=args.repeat, budget=3))
    if "layout" in groups:
        from bench import layout

        shown(rf.measure_cases(layout.list_cases(zone=zone, admin=admin), repeat=args.repeat, budget=2))
        shown(rf.measure_cases(layout.page_cases(zone=zone, admin=admin), repeat=args.repeat, budget=3))
    if "replay" in groups:
        from bench import replay

        shown(rf.measure_cases(replay.cases(zone=zone, admin=admin), repeat=args.repeat, budget=3))
    if "search" in groups:
        from bench.search_figures import request_search

        shown(request_search(repeat=max(3, args.repeat)))
    if "raise" in groups:
        shown(rf.measure_raise(zone=zone, admin=admin, posts=args.posts))
    if "reminders" in groups:
        figure, detail = rf.measure_reminders()
        print(figure.line() + detail, flush=True)
        figures.append(figure)
    if args.json:
        Path(args.json).write_text(json.dumps({"engine": engine, "requests": requests, "figures": [
            {"name": f.name.strip(), "ms": f.median_ms, "floor_ms": f.floor_ms, "ratio": f.ratio, "queries": f.queries}
            for f in figures]}, ensure_ascii=False, indent=1))
    return 0


def _promotion_figures(args, zone, admin, engine: str) -> int:
    from django.utils import timezone

    from bench import promotion_figures as pf

    print(f"making promotion tables for {args.promotion} key projects (once per size) …", flush=True)
    tables = pf.seed_tables(zone=zone, admin=admin, count=args.promotion, today=timezone.localdate())
    print(f"\nGuanjia promotion benchmark on {engine}: {tables:,} promotion tables; median of {args.repeat} runs, "
          "alternating with the floor")
    print(pf.board_figure(user=admin, zone_id=zone.pk, repeat=args.repeat).line(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
