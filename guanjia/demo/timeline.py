"""Stage dates of generated projects: 签约 → 供地 → 开工 → 竣工 → 投产 → 达效, in order, none after `as_of`."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from guanjia.projects.choices import STAGE_DATE_FIELDS, KeyLevel, Stage

# The day the generated zone "stands on": fixed so that every run gives the same dates.
AS_OF = date(2026, 10, 31)
EARLIEST = date(2023, 1, 3)

# Days from the previous stage to this one (min, max): land after signing, start after land …
_GAPS: dict[str, tuple[int, int]] = {
    Stage.LAND: (30, 150),
    Stage.STARTED: (20, 120),
    Stage.COMPLETED: (240, 560),
    Stage.PRODUCING: (15, 90),
    Stage.AT_CAPACITY: (120, 330),
}
_ORDER = [stage for stage, _field in STAGE_DATE_FIELDS]
_FIELD = dict(STAGE_DATE_FIELDS)

# How far key and other projects have got (weights of each stage).
STAGE_WEIGHTS_KEY = {
    Stage.SIGNED: 8, Stage.LAND: 10, Stage.STARTED: 30, Stage.COMPLETED: 10,
    Stage.PRODUCING: 26, Stage.AT_CAPACITY: 16,
}
STAGE_WEIGHTS_OTHER = {
    Stage.NEGOTIATING: 12, Stage.SIGNED: 20, Stage.LAND: 12, Stage.STARTED: 22, Stage.COMPLETED: 6,
    Stage.PRODUCING: 18, Stage.AT_CAPACITY: 10,
}
# Total investment in 万元 by key level: (low, high, rounding).
INVESTMENT = {
    KeyLevel.NATIONAL: (150_000, 600_000, 1000),
    KeyLevel.PROVINCIAL: (50_000, 300_000, 500),
    KeyLevel.CITY: (10_000, 120_000, 100),
    KeyLevel.DISTRICT: (3_000, 50_000, 50),
    KeyLevel.NONE: (1_000, 20_000, 10),
}


def pick_stage(rng: random.Random, *, key: bool) -> str:
    weights = STAGE_WEIGHTS_KEY if key else STAGE_WEIGHTS_OTHER
    return rng.choices(list(weights), list(weights.values()))[0]


def stage_dates(rng: random.Random, stage: str, *, as_of: date = AS_OF) -> dict[str, date]:
    """Dates of every stage up to `stage`, increasing, between EARLIEST and `as_of`."""
    if stage == Stage.NEGOTIATING:
        return {}
    reached = _ORDER[: _ORDER.index(stage) + 1]
    gaps = [rng.randint(*_GAPS[s]) for s in reached[1:]]
    # Time since the last stage was reached: shorter than the next stage usually takes.
    following = _ORDER.index(stage) + 1
    slack_max = _GAPS[_ORDER[following]][1] if following < len(_ORDER) else 540
    slack = rng.randint(0, slack_max)
    room = (as_of - EARLIEST).days
    if sum(gaps) + slack > room:  # too long a history for the window: squeeze it
        factor = room / (sum(gaps) + slack)
        gaps = [max(1, int(g * factor)) for g in gaps]
        slack = max(0, room - sum(gaps) - 1)
    day = as_of - timedelta(days=sum(gaps) + slack)
    dates = {_FIELD[reached[0]]: day}
    for s, gap in zip(reached[1:], gaps, strict=True):
        day += timedelta(days=gap)
        dates[_FIELD[s]] = day
    return dates


def investment(rng: random.Random, key_level: str) -> Decimal:
    """Total investment in 万元, rounded as such figures are announced."""
    low, high, step = INVESTMENT[key_level]
    return Decimal(rng.randrange(low, high + 1, step))
