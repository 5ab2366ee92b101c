"""Demo service handbooks (个性化项目服务手册): projects not yet started get a handbook from the zone's catalogue,
planned through the services at the moment it was made (`core.clock.at`), so their plan clocks run and some are
already overdue. Without a catalogue in the zone (the catalogue's demo loads it) nothing is made.
Deterministic for a seed and a last day."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from guanjia.core.clock import at

HANDBOOKS = 8


def load_demo_handbooks(zone, *, seed: int, last_day: dt.date | None = None, count: int = HANDBOOKS) -> int:
    """Handbooks for up to `count` projects of the zone with a butler and no start date; returns how many."""
    from guanjia.approvals.models import ApprovalItem
    from guanjia.approvals.services.handbooks import catalogue_for, handbook_create
    from guanjia.core import calendar as workcal
    from guanjia.projects.models import Project

    if not ApprovalItem.objects.filter(zone=zone, archived_at__isnull=True).exists():
        return 0
    rng = random.Random(seed)
    last_day = last_day or (timezone.localdate() - dt.timedelta(days=1))
    projects = list(Project.objects.filter(zone=zone, started_on__isnull=True, butler__isnull=False,
                                           handbook__isnull=True).select_related("butler").order_by("pk")[:count])
    calendar = workcal.WorkingCalendar.load()
    made = 0
    for n, project in enumerate(projects):
        # Started from a week to three months ago: the later ones are on time, the earlier ones overdue.
        start = last_day - dt.timedelta(days=7 + 12 * n + rng.randrange(0, 5))
        while not calendar.is_working_day(start):
            start -= dt.timedelta(days=1)
        entries = catalogue_for(project)
        if not entries:
            continue
        moment = timezone.make_aware(dt.datetime.combine(start, dt.time(10, 0)))
        with at(moment):
            handbook_create(actor=project.butler, project=project, start=start, entries=entries)
        made += 1
    return made
