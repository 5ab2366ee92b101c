"""`python -m bench.growth`: what ten times the data costs each worklist, list and home page.

    python -m bench.growth [--small 20000] [--large 200000] [--repeat 20] [--postgres]

Runs `python -m bench --requests N --only worklists,home,lists --json …` at both sizes (each on its own copy of the
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
GROUPS = "worklists,home,lists"


def run_size(requests: int, *, repeat: int, postgres: bool, out: Path) -> dict:
    command = [sys.executable, "-m", "bench", "--requests", str(requests), "--repeat", str(repeat), "--only", GROUPS,
               "--json", str(out), *(["--postgres"] if postgres else [])]
    print("$", " ".join(command[1:]), flush=True)
    subprocess.run(command, check=True, cwd=Path(__file__).resolve().parent.parent)
    return json.loads(out.read_text())


def _pairs(run: dict) -> dict[str, tuple[dict, dict | None]]:
    """Each page or call with the floor measured just before it (`measure_cases` prints them in pairs)."""
    pairs, floor = {}, None
    for figure in run["figures"]:
        if figure["name"].startswith("floor"):
            floor = figure
        else:
            pairs[figure["name"]], floor = (figure, floor), None
    return pairs


def table(small: dict, large: dict) -> list[str]:
    """Per page or call: its time at each size and their ratio (judged against BUDGET), then its floor's."""
    lines = [f"{'page or call':<58} {small['requests']:>10,} {large['requests']:>10,}   growth   floor's",
             f"{'':<58} {'ms':>10} {'ms':>10}"]
    at_large = _pairs(large)
    for name, (figure, floor) in _pairs(small).items():
        if name not in at_large:
            continue
        other, other_floor = at_large[name]
        growth = other["ms"] / figure["ms"] if figure["ms"] else float("inf")
        floors = f"{other_floor['ms'] / floor['ms']:7.2f}×" if floor and other_floor and floor["ms"] else ""
        verdict = "  ok " if growth <= BUDGET else " OVER"
        lines.append(f"{name[:58]:<58} {figure['ms']:10.2f} {other['ms']:10.2f}   {growth:5.2f}×{verdict} {floors}")
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
