"""时限规则: a zone's configured time limits, and replaying the open deadlines a changed rule governs."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.core.audit import audit_context
from guanjia.core.services import save_validated
from guanjia.requests import clocks as rules
from guanjia.requests.choices import ClockKind
from guanjia.requests.models import ClockRule, Request
from guanjia.workflow.choices import Ledger
from guanjia.workflow.models import Clock, ClockEvent
from guanjia.workflow.services import replayed


@transaction.atomic
def clock_rule_save(*, actor, zone, rule=None, kind: str, measure: str, amount: int, warn: int = 1,
                    source: str = "", category: str = "", urgency: str = "") -> tuple:
    """Add or change a time-limit rule (时限规则) and replay the zone's open clocks it now governs.

    Each open clock of that kind whose request matches is recomputed from its ledger under the
    rule that now applies to it (the most specific one); returns (rule, clocks moved).
    """
    if not actor.has_perm("requests.manage_clockrules"):
        raise PermissionDenied
    if amount is None or amount < 1:
        raise ValidationError({"amount": _("时限须为正整数。")})
    rule = rule or ClockRule(zone=zone)
    rule.kind, rule.measure, rule.amount, rule.warn = kind, measure, amount, warn
    rule.source, rule.category, rule.urgency = source, category, urgency
    with audit_context(actor=actor):
        save_validated(rule, actor=actor)
    governed = Request.objects.filter(zone=zone)
    if source:
        governed = governed.filter(source=source)
    if category:
        governed = governed.filter(category=category)
    if urgency:
        governed = governed.filter(urgency=urgency)
    # A unit's clock is its task's: its item hangs from the request's.
    where = {"item__parent__in" if kind == ClockKind.UNIT else "item__in": governed.values("item")}
    open_clocks = Clock.objects.filter(kind=kind, stopped_at__isnull=True, cancelled=False, **where)
    # A deadline someone set by hand (a unit's 办理时限 given as a date) does not follow the rules.
    fixed = ClockEvent.objects.filter(clock__in=open_clocks, kind=Ledger.START, data__fixed=True).values("clock")
    open_clocks = open_clocks.exclude(pk__in=fixed)
    # Each clock's request: its channel, category and urgency pick the rule that applies to it now.
    parents = dict(open_clocks.values_list("item", "item__parent")) if kind == ClockKind.UNIT else {}
    by_item = {item: attributes for item, *attributes in governed.filter(
        item__in=set(parents.values()) if parents else open_clocks.values("item")).values_list(
        "item", "source", "category", "urgency")}

    def rule_for(clock: Clock) -> rules.Rule:
        source_, category_, urgency_ = by_item[parents.get(clock.item_id, clock.item_id)]
        return rules.rule_for(zone_id=zone.pk, kind=kind, source=source_, category=category_, urgency=urgency_)

    return rule, replayed(open_clocks, rule_for=rule_for)
