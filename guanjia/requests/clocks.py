"""A request's time limits (时限规则): which rule a clock of a request counts by.

The clocks themselves (start, pause, extend, replay …) are the workflow kernel's
(`guanjia.workflow.clocks`); what belongs to requests is the rules: 签收, 首次答复, 办结 and
each unit's 部门办理时限, per zone, configurable by channel, category and urgency, with
the defaults below where a zone has set none.
"""

from __future__ import annotations

from guanjia.requests.choices import ClockKind, Source, Urgency
from guanjia.requests.models import ClockRule
from guanjia.workflow.clocks import DAYS, HOURS, Rule

__all__ = ["DAYS", "DEFAULT_RULES", "HOURS", "Rule", "rule_for"]

# When a zone has configured nothing: 签收 1 working day (吹哨 24 h, DOMAIN.md), first answer
# 3 working days, resolution and unit handling by urgency. `warn`: how early a deadline turns
# due soon (黄牌), in working days before the due day (1: from the working day before it), or in hours.
DEFAULT_RULES: dict[tuple[str, str, str], Rule] = {
    (ClockKind.SIGN, "", ""): Rule(DAYS, 1, 1),
    (ClockKind.SIGN, Source.PORTAL, ""): Rule(HOURS, 24, 4),
    (ClockKind.FIRST_REPLY, "", ""): Rule(DAYS, 3, 1),
    (ClockKind.RESOLUTION, "", Urgency.NORMAL): Rule(DAYS, 15, 2),
    (ClockKind.RESOLUTION, "", Urgency.URGENT): Rule(DAYS, 7, 1),
    (ClockKind.RESOLUTION, "", Urgency.CRITICAL): Rule(DAYS, 3, 1),
    (ClockKind.UNIT, "", Urgency.NORMAL): Rule(DAYS, 10, 2),
    (ClockKind.UNIT, "", Urgency.URGENT): Rule(DAYS, 5, 1),
    (ClockKind.UNIT, "", Urgency.CRITICAL): Rule(DAYS, 2, 1),
}


def rule_for(*, zone_id: int, kind: str, source: str, category: str, urgency: str) -> Rule:
    """The zone's most specific rule for this clock, else the default."""
    # A zone has a few rules per kind: matching them here keeps the query the ORM builds on each
    # raise small (three IN lookups cost more to compile than the rows they would filter out).
    candidates = [r for r in ClockRule.objects.filter(zone=zone_id, kind=kind)
                  if r.source in ("", source) and r.category in ("", category) and r.urgency in ("", urgency)]
    best = max(candidates, key=lambda r: (bool(r.category), bool(r.source), bool(r.urgency)), default=None)
    if best is not None:
        return Rule(best.measure, best.amount, best.warn)
    return (DEFAULT_RULES.get((kind, source, urgency)) or DEFAULT_RULES.get((kind, source, ""))
            or DEFAULT_RULES.get((kind, "", urgency)) or DEFAULT_RULES[(kind, "", "")])
