"""`make bench` / `python -m bench`: Guanjia's speed, as ratios to floors measured in the same run.

    python -m bench [--enterprises 100000] [--projects 20000] [--repeat 40] [--postgres]

The dataset is seeded once per size and database (kept under bench/results/) and
reused by later runs. Nothing here asserts a time: the machine is noisy, so read
the ratios. Query counts are asserted in the test suite, not here.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _prepare_environment(args) -> Path:
    data_dir = HERE / "results" / f"data-{'pg' if args.postgres else 'sqlite'}-{args.enterprises}"
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["GUANJIA_DATA_DIR"] = str(data_dir)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    if args.postgres:
        url = os.environ.get("DATABASE_URL") or f"postgres://postgres@127.0.0.1:5432/guanjia_bench_{args.enterprises}"
        os.environ["DATABASE_URL"] = url
        _ensure_pg_database(url)
    else:
        os.environ.pop("DATABASE_URL", None)
    return data_dir


def _ensure_pg_database(url: str) -> None:
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    admin = psycopg.connect(host=cfg["HOST"], port=cfg["PORT"] or 5432, user=cfg["USER"],
                            password=cfg["PASSWORD"] or None, dbname="postgres", autocommit=True)
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--postgres", action="store_true", help="use PostgreSQL (DATABASE_URL or a local database)")
    args = parser.parse_args(argv)

    data_dir = _prepare_environment(args)
    import django

    django.setup()
    from django.core.management import call_command

    from bench.run import measure_import, measure_requests
    from guanjia.core.choices import Role
    from guanjia.org.models import User, Zone

    call_command("migrate", verbosity=0)
    marker = data_dir / f"seeded-{args.enterprises}-{args.projects}"
    if not marker.exists():
        print(f"seeding {args.enterprises} enterprises and {args.projects} projects (once per size) …", flush=True)
        started = time.perf_counter()
        call_command("seed", enterprises=args.enterprises, projects=args.projects, seed=1)
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)
        marker.touch()

    zone = Zone.objects.order_by("pk").first()
    admin, _created = User.objects.get_or_create(username="bench-admin", defaults={"zone": zone, "name": "基准"})
    admin.roles.add(Role.ADMIN)
    from django.test import Client

    client = Client()
    client.force_login(admin)
    targets = {
        "API enterprises, page of 50, filtered + searched": "/api/v1/enterprises/?q=科技&scale=above&page_size=50",
        "API enterprises, page of 50, by section": "/api/v1/enterprises/?section=C&page_size=50",
        "page 企业库, filtered + searched": "/enterprises/?q=科技&scale=above",
        "API projects, page of 50, key projects": "/api/v1/projects/?is_key=true&page_size=50",
        "page 项目库": "/projects/",
    }
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\nGuanjia benchmark on {engine}: {args.enterprises} enterprises, {args.projects} projects, "
          f"median of {args.repeat} interleaved runs")
    for figure in measure_requests(client, targets, repeat=args.repeat, budget=3):
        print(figure.line())
    if args.import_rows:
        figure = measure_import(actor=admin, zone=zone, rows=args.import_rows)
        print(figure.line() + f"  [{figure.median_ms / 1000:.1f} s]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
