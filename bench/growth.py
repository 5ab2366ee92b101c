"""`python -m bench.growth`: what ten times the data costs each worklist and list.

    python -m bench.growth [--small 20000] [--large 200000] [--repeat 20] [--postgres]

Runs `python -m bench --requests N --only worklists,lists --json …` at both sizes (each on its own copy of the
seeded dataset, made once per size) and prints, for every page and call, its time at each size and their
ratio, against the budget of 1.5×. The floors' own growth is printed beside: what the same SQL costs at ten
times the data, the database's share of the growth.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BUDGET = 1.5
GROUPS = "worklists,lists"


def run_size(requests: int, *, repeat: int, postgres: bool, out: Path) -> dict:
    command = [sys.executable, "-m", "bench", "--requests", str(requests), "--repeat", str(repeat), "--only", GROUPS,
               "--json", str(out), *(["--postgres"] if postgres else [])]
    print("$", " ".join(command[1:]), flush=True)
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.read_text())


def table(small: dict, large: dict) -> list[str]:
    lines = [f"{'page or call':<58} {small['requests']:>10,} {large['requests']:>10,}   growth",
             f"{'':<58} {'ms':>10} {'ms':>10}"]
    at_large = {figure["name"]: figure for figure in large["figures"]}
    for figure in small["figures"]:
        other = at_large.get(figure["name"])
        if other is None:
            continue
        growth = other["ms"] / figure["ms"] if figure["ms"] else float("inf")
        floor = figure["name"].startswith("floor")
        verdict = "" if floor else ("  ok" if growth <= BUDGET else f"  OVER {BUDGET:g}×")
        lines.append(f"{figure['name'][:58]:<58} {figure['ms']:10.2f} {other['ms']:10.2f}   {growth:5.2f}×{verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.growth", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--large", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        small, large = (run_size(size, repeat=args.repeat, postgres=args.postgres, out=Path(scratch) / f"{size}.json")
                        for size in (args.small, args.large))
    engine = "PostgreSQL" if args.postgres else "SQLite"
    print(f"\nGrowth on {engine}: {args.large // args.small}× the requests (budget {BUDGET:g}× the time)")
    print("\n".join(table(small, large)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
