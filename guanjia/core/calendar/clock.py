"""The working-day clock (工作日): which days are working days, and when an N-working-day deadline falls.

Where a day's answer comes from, first match wins:

1. our override table (`CalendarDay`), edited by importing a year's notice;
2. a year whose notice was loaded (`HolidayYear`): the weekday rule, since its
   override rows are already the notice's complete list;
3. the `chinesecalendar` library (official data 2004–2026 in 1.11.0);
4. the provisional calendar, for the ONE year right after the last official
   year only: weekends plus the fixed-date holidays, flagged provisional;
5. anything else is refused with `CalendarUnavailable`.

`WorkingCalendar.load()` reads the tables once (two queries); the module-level
functions load a fresh snapshot per call, so loops should load one and reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone
from django.utils.translation import gettext as _

ONE_DAY = timedelta(days=1)

# The close of a working day: its last instant in settings.TIME_ZONE, so "due on 9-28" means
# "overdue from 9-29 00:00". A rule with office hours passes e.g. closing=time(17, 30) instead.
END_OF_DAY = time.max

# The years the library knows, read from its own tables (the library raises NotImplementedError outside).
LIBRARY_FIRST_YEAR = min(chinese_calendar.holidays).year
LIBRARY_LAST_YEAR = max(chinese_calendar.holidays).year
_LIBRARY_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}

# Holidays whose date is fixed by 《全国年节及纪念日放假办法》 (as amended in 2024: 劳动节 is May 1–2).
# 春节, 端午 and 中秋 follow the lunar calendar and 清明 a solar term; their days, and every
# 调休 swap around them, exist only once the State Council publishes its notice, so the
# provisional calendar does not invent them: it says "provisional" instead.
FIXED_HOLIDAYS: dict[tuple[int, int], str] = {
    (1, 1): "元旦",
    (5, 1): "劳动节",
    (5, 2): "劳动节",
    (10, 1): "国庆节",
    (10, 2): "国庆节",
    (10, 3): "国庆节",
}

OFFICIAL = "official"
PROVISIONAL = "provisional"


class CalendarUnavailable(ValueError):
    """No calendar can be had for this year: no official data and not the provisional year."""

    def __init__(self, message: str, *, year: int):
        super().__init__(message)
        self.message = message
        self.year = year


@dataclass(frozen=True)
class Due:
    """When a clock runs out (a date, or an aware datetime for deadlines and hour clocks).

    `provisional` is true when a day counted lies in a year computed on the
    provisional calendar: the answer may move once that year's notice is loaded.
    """

    due: date
    provisional: bool


@dataclass(frozen=True)
class DayInfo:
    """One day as the clock sees it; `name` is the holiday (or the holiday a make-up workday serves)."""

    date: date
    working: bool
    name: str
    provisional: bool


class WorkingCalendar:
    """A snapshot of the working-day calendar: the loaded years and the override rows."""

    def __init__(self, *, loaded_years: frozenset[int] | set[int] = frozenset(),
                 overrides: dict[date, tuple[bool, str]] | None = None):
        self.loaded_years = frozenset(loaded_years)
        self.overrides = dict(overrides or {})
        self.official_years = self.loaded_years | set(range(LIBRARY_FIRST_YEAR, LIBRARY_LAST_YEAR + 1))
        self.first_official_year = min(self.official_years)
        self.last_official_year = max(self.official_years)
        self.provisional_year = self.last_official_year + 1

    @classmethod
    def load(cls) -> WorkingCalendar:
        from guanjia.core.models import CalendarDay, HolidayYear

        years = set(HolidayYear.objects.values_list("year", flat=True))
        overrides = {
            day: (kind == CalendarDay.Kind.WORKDAY, name)
            for day, kind, name in CalendarDay.objects.values_list("date", "kind", "name")
        }
        return cls(loaded_years=years, overrides=overrides)

    # --- years -------------------------------------------------------------------------------------

    def year_status(self, year: int) -> str:
        """OFFICIAL or PROVISIONAL; raises CalendarUnavailable for any other year."""
        if year in self.official_years:
            return OFFICIAL
        if year == self.provisional_year:
            return PROVISIONAL
        if year > self.provisional_year:
            message = _("%(year)s年的节假日安排尚未公布，无法计算工作日；目前最远可算到%(last)s年（临时日历）。") % {
                "year": year, "last": self.provisional_year}
        elif year < self.first_official_year:
            message = _("%(year)s年早于系统已有的节假日数据（%(first)s年起），无法计算工作日。") % {
                "year": year, "first": self.first_official_year}
        else:
            message = _("%(year)s年的节假日安排尚未载入，无法计算工作日。") % {"year": year}
        raise CalendarUnavailable(message, year=year)

    def is_provisional_year(self, year: int) -> bool:
        return year == self.provisional_year

    # --- days --------------------------------------------------------------------------------------

    def day(self, d: date) -> DayInfo:
        provisional = self.year_status(d.year) == PROVISIONAL
        if d in self.overrides:
            working, name = self.overrides[d]
            return DayInfo(d, working, name, provisional)
        weekday_rule = d.weekday() < 5
        if d.year in self.loaded_years:
            return DayInfo(d, weekday_rule, "", False)
        if provisional:
            name = FIXED_HOLIDAYS.get((d.month, d.day), "")
            return DayInfo(d, weekday_rule and not name, name, True)
        if d in chinese_calendar.workdays:
            return DayInfo(d, True, _LIBRARY_NAMES.get(chinese_calendar.workdays[d], ""), False)
        if d in chinese_calendar.holidays:
            return DayInfo(d, False, _LIBRARY_NAMES.get(chinese_calendar.holidays[d], ""), False)
        return DayInfo(d, weekday_rule, "", False)

    def is_working_day(self, d: date) -> bool:
        return self.day(_as_date(d)).working

    def days_between(self, start: date, end: date) -> list[DayInfo]:
        """Every day after `start` up to and including `end`."""
        days, d = [], start + ONE_DAY
        while d <= end:
            days.append(self.day(d))
            d += ONE_DAY
        return days

    # --- clocks ------------------------------------------------------------------------------------

    def add_working_days(self, start: date, days: int, *, count_start_day: bool = False) -> Due:
        """The N-th working day: counted from the next working day (次日起算) unless `count_start_day`.

        `days=0` answers the start itself.
        """
        if days < 0:
            raise ValueError(_("工作日数不能为负数。"))
        start = _as_date(start)
        provisional = self.year_status(start.year) == PROVISIONAL
        if days == 0:
            return Due(start, provisional)
        provisional = provisional and count_start_day
        d = start if count_start_day else start + ONE_DAY
        counted = 0
        # Ends: every step either reaches the N-th working day or, past the provisional year,
        # raises CalendarUnavailable.
        while True:
            info = self.day(d)
            provisional = provisional or info.provisional
            if info.working:
                counted += 1
                if counted == days:
                    return Due(d, provisional)
            d += ONE_DAY

    def deadline_at(self, start: date, days: int, *, closing: time = END_OF_DAY,
                    count_start_day: bool = False) -> Due:
        """The close of the N-th working day, as an aware datetime in settings.TIME_ZONE."""
        result = self.add_working_days(start, days, count_start_day=count_start_day)
        due = datetime.combine(result.due, closing, tzinfo=timezone.get_default_timezone())
        return Due(due, result.provisional)

    def add_hours(self, start: datetime, hours: float, *, working_days_only: bool = False) -> Due:
        """An hour clock: wall-clock hours by default (24 h means 24 h, weekends included).

        With `working_days_only`, only hours falling on working days run.
        """
        if hours < 0:
            raise ValueError(_("小时数不能为负数。"))
        tz = timezone.get_default_timezone()
        if timezone.is_naive(start):
            start = timezone.make_aware(start, tz)
        start = timezone.localtime(start, tz)
        remaining = timedelta(hours=hours)
        if not working_days_only:
            return Due(timezone.localtime(start + remaining, tz), False)
        cursor, provisional = start, False
        while True:
            info = self.day(cursor.date())
            provisional = provisional or info.provisional
            next_midnight = datetime.combine(cursor.date() + ONE_DAY, time.min, tzinfo=tz)
            if info.working:
                span = next_midnight - cursor
                if remaining <= span:
                    return Due(cursor + remaining, provisional)
                remaining -= span
            cursor = next_midnight

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie after `a` up to and including `b` (negative when b < a).

        The inverse of `add_working_days`: working_days_between(s, add_working_days(s, n).due) == n.
        """
        a, b = _as_date(a), _as_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        self.year_status(a.year)
        self.year_status(b.year)  # a date far ahead is refused naming its own year, not the first unknown one
        return sum(1 for info in self.days_between(a, b) if info.working)

    def closing_on_or_before(self, d: date, *, earliest: date, closing: time = END_OF_DAY) -> Due:
        """A deadline chosen as a date: the close of the last working day on or before `d`, but not
        before `earliest`'s close (a date set today for today, or for a weekend ahead, ends today).

        Provisional when `d` lies in the provisional year: that year's notice may make it a working day.
        """
        d, earliest = _as_date(d), _as_date(earliest)
        provisional = self.year_status(d.year) == PROVISIONAL
        day = d
        while day > earliest and not self.day(day).working:
            day -= ONE_DAY
        return Due(datetime.combine(max(day, earliest), closing, tzinfo=timezone.get_default_timezone()), provisional)


def _as_date(value: date) -> date:
    """A date; an aware datetime is first read in settings.TIME_ZONE (a request received at 23:30 is that day's)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value, timezone.get_default_timezone())
        return value.date()
    return value


# --- module-level shortcuts: one fresh snapshot per call ---------------------------------------------


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    return calendar if calendar is not None else WorkingCalendar.load()


def is_working_day(d: date, *, calendar: WorkingCalendar | None = None) -> bool:
    """Whether `d` is a working day (工作日) under the PRC official calendar."""
    return _calendar(calendar).is_working_day(d)


def add_working_days(start: date, days: int, *, count_start_day: bool = False,
                     calendar: WorkingCalendar | None = None) -> Due:
    return _calendar(calendar).add_working_days(start, days, count_start_day=count_start_day)


def deadline_at(start: date, days: int, *, closing: time = END_OF_DAY, count_start_day: bool = False,
                calendar: WorkingCalendar | None = None) -> Due:
    return _calendar(calendar).deadline_at(start, days, closing=closing, count_start_day=count_start_day)


def add_hours(start: datetime, hours: float, *, working_days_only: bool = False,
              calendar: WorkingCalendar | None = None) -> Due:
    if not working_days_only:
        return WorkingCalendar().add_hours(start, hours)  # wall-clock: no table needed
    return _calendar(calendar).add_hours(start, hours, working_days_only=True)


def working_days_between(a: date, b: date, *, calendar: WorkingCalendar | None = None) -> int:
    return _calendar(calendar).working_days_between(a, b)


def closing_on_or_before(d: date, *, earliest: date, closing: time = END_OF_DAY,
                         calendar: WorkingCalendar | None = None) -> Due:
    return _calendar(calendar).closing_on_or_before(d, earliest=earliest, closing=closing)
