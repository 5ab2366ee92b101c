"""Test helpers for a handbook item's life: dates in Beijing time, items made through tests_support."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from guanjia.approvals.models import Approval, Handbook
from guanjia.tests_support.approvals import catalogue_item, handbook
from guanjia.workflow import items

TZ = ZoneInfo("Asia/Shanghai")
START = dt.date(2026, 9, 21)  # a Monday; the handbook's 起算日期


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TZ)


def end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=TZ)


def pdf(name: str = "承诺书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")


def item(world, *, committed: int = 5, statutory: int = 20, unit=None, project=None, agent=None, **fields):
    """One item of a fresh handbook of project1 (else `project`), decided by unit2 (自然资源局) unless said."""
    project = project or world.project1
    entry = catalogue_item(world.zone, unit or world.unit2, committed=committed, statutory=statutory, **fields)
    book = Handbook.objects.filter(project=project).first()
    if book is None:
        return handbook(project, [entry], start=START, agent=agent).approvals.get()
    approval = Approval(
        zone_id=project.zone_id, handbook=book, project=project, catalogue_item=entry, name=entry.name,
        unit_id=entry.unit_id, stage=entry.stage, statutory_days=entry.statutory_days,
        committed_days=entry.committed_days, on_correction=entry.on_correction,
        tolerance_allowed=entry.tolerance_allowed, tolerance_days=entry.tolerance_days, agent=agent,
        order=book.approvals.count())
    items.insert(approval)
    return approval


def travel(moment: dt.datetime):
    return time_machine.travel(moment, tick=False)
