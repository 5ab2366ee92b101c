"""Writes to the working-day calendar: loading a year's holiday notice."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.audit import audit_context
from guanjia.core.calendar.clock import ONE_DAY, WorkingCalendar
from guanjia.core.models import CalendarDay, HolidayYear
from guanjia.core.signals import calendar_year_loaded

logger = logging.getLogger(__name__)

MIN_YEAR = 2000
# The longest holiday so far is 9 days (春节 2026); a longer range is a typo.
MAX_HOLIDAY_DAYS = 15
NAME_MAX = CalendarDay._meta.get_field("name").max_length

HolidayItem = tuple[date | tuple[date, date], str]
WorkdayItem = date | tuple[date, str]


@transaction.atomic
def calendar_load_year(
    *,
    actor,
    year: int,
    holidays: Iterable[HolidayItem],
    workdays: Iterable[WorkdayItem],
    source: str,
) -> HolidayYear:
    """Load one year's State Council holiday notice (节假日安排通知); the year becomes official.

    `holidays` are (date or (first, last), name); `workdays` the make-up workdays (调休上班),
    as dates or (date, name). Dates lie in the year, or in the December before it (a
    notice's 元旦 may start there). Every override row of the year is replaced in one
    transaction; after commit `calendar_year_loaded` is sent so that deadlines computed on
    the provisional calendar are recomputed. Reloading a year replaces it again.
    """
    calendar = WorkingCalendar.load()
    if not isinstance(year, int) or year < MIN_YEAR:
        raise ValidationError({"year": _("年份无效。")})
    if year > calendar.provisional_year:
        raise ValidationError({"year": _("请先载入%(year)s年的节假日安排。") % {"year": calendar.provisional_year}})
    days, errors = _days(year=year, holidays=holidays, workdays=workdays)
    if errors:
        raise ValidationError(errors)
    was_provisional = calendar.is_provisional_year(year)

    with audit_context(actor=actor):
        holiday_year = HolidayYear.objects.select_for_update().filter(year=year).first() or HolidayYear(year=year)
        holiday_year.source = (source or "").strip()
        holiday_year.loaded_at = timezone.now()
        holiday_year.loaded_by = actor
        holiday_year.full_clean()
        holiday_year.save()
        CalendarDay.objects.filter(
            Q(holiday_year=holiday_year) | Q(date__year=year, holiday_year__isnull=True) | Q(date__in=list(days))
        ).delete()
        for d, (kind, name) in sorted(days.items()):
            row = CalendarDay(date=d, kind=kind, name=name, holiday_year=holiday_year)
            # The rows that could clash on `date` were deleted just above.
            row.full_clean(validate_unique=False)
            row.save()

    transaction.on_commit(lambda: _send_loaded(holiday_year=holiday_year, was_provisional=was_provisional,
                                               actor=actor))
    return holiday_year


def _days(*, year: int, holidays: Iterable[HolidayItem],
          workdays: Iterable[WorkdayItem]) -> tuple[dict[date, tuple[str, str]], dict[str, list[str]]]:
    """The notice as {date: (kind, name)}, and the errors found, by argument name."""
    window = (date(year - 1, 12, 1), date(year, 12, 31))
    days: dict[date, tuple[str, str]] = {}
    errors: dict[str, list[str]] = {}

    def check(field: str, d: date, name: str) -> bool:
        if not window[0] <= d <= window[1]:
            errors.setdefault(field, []).append(
                _("%(date)s 不在%(year)s年内。") % {"date": f"{d:%Y-%m-%d}", "year": year})
            return False
        if d in days:
            errors.setdefault(field, []).append(_("%(date)s 重复出现。") % {"date": f"{d:%Y-%m-%d}"})
            return False
        if len(name) > NAME_MAX:
            errors.setdefault(field, []).append(_("名称“%(name)s”过长。") % {"name": name})
            return False
        return True

    for when, name in holidays:
        name = (name or "").strip()
        first, last = when if isinstance(when, tuple) else (when, when)
        if not name:
            errors.setdefault("holidays", []).append(
                _("%(date)s：请写明节日名称。") % {"date": f"{first:%Y-%m-%d}"})
            continue
        if last < first or (last - first).days >= MAX_HOLIDAY_DAYS:
            errors.setdefault("holidays", []).append(
                _("%(first)s 至 %(last)s 不是有效的假期（应在%(max)s天以内）。") % {
                    "first": f"{first:%Y-%m-%d}", "last": f"{last:%Y-%m-%d}", "max": MAX_HOLIDAY_DAYS})
            continue
        d = first
        while d <= last:
            if check("holidays", d, name):
                days[d] = (CalendarDay.Kind.HOLIDAY, name)
            d += ONE_DAY
    if not days and "holidays" not in errors:
        errors["holidays"] = [_("通知中至少应有一个放假日期。")]

    for item in workdays:
        d, name = item if isinstance(item, tuple) else (item, "")
        name = (name or "").strip()
        if d.weekday() < 5:
            errors.setdefault("workdays", []).append(
                _("%(date)s 是工作日（周一至周五），调休上班日应为周六或周日。") % {"date": f"{d:%Y-%m-%d}"})
            continue
        if check("workdays", d, name):
            days[d] = (CalendarDay.Kind.WORKDAY, name)
    return days, errors


def _send_loaded(*, holiday_year: HolidayYear, was_provisional: bool, actor) -> None:
    # The year is committed by now: a receiver's failure is logged rather than turning the
    # admin's successful load into an error; receivers are idempotent and can be run again.
    results = calendar_year_loaded.send_robust(
        sender=HolidayYear, year=holiday_year.year, holiday_year=holiday_year,
        was_provisional=was_provisional, actor=actor,
    )
    for receiver, result in results:
        if isinstance(result, Exception):
            logger.error("calendar_year_loaded receiver %r failed for %s", receiver, holiday_year.year,
                         exc_info=result)
