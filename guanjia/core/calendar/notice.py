"""The holiday notice text (节假日安排文本): a year's State Council notice as an admin types or pastes it.

    # 2027年节假日安排（国办发明电〔2026〕N号）
    2027-01-01..2027-01-03 元旦
    2027-02-06..2027-02-13 春节
    上班 2027-02-14 春节
    上班 2027-02-20, 2027-02-21 春节

- A holiday line: dates, then the holiday's name (a space or a colon between).
- A make-up workday (调休上班) line starts with `上班` (or `调休上班`): dates, then an optional name.
- Dates are `YYYY-MM-DD`; a range `YYYY-MM-DD..YYYY-MM-DD` includes both ends (`~` and `至` work
  too); several dates or ranges are separated by commas.
- Blank lines and lines starting with `#` are ignored.

The same text is read by the admin page and by `guanjia load_holidays --file`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from guanjia.core.calendar.clock import ONE_DAY, DayInfo, WorkingCalendar

_DATE = r"\d{4}-\d{1,2}-\d{1,2}"
_ITEM = rf"{_DATE}(?:\s*(?:\.\.|~|～|至)\s*{_DATE})?"
_DATES = rf"{_ITEM}(?:\s*[,，、]\s*{_ITEM})*"
WORKDAY_WORDS = ("调休上班", "上班", "workday")
_WORKDAY_LINE = re.compile(rf"^(?:{'|'.join(WORKDAY_WORDS)})\s*[:：]?\s*(?P<dates>{_DATES})\s*[:：]?\s*(?P<name>.*)$")
_HOLIDAY_LINE = re.compile(rf"^(?P<dates>{_DATES})\s*[:：]?\s*(?P<name>.*)$")
_RANGE_SPLIT = re.compile(r"\s*(?:\.\.|~|～|至)\s*")
_LIST_SPLIT = re.compile(r"\s*[,，、]\s*")
EXAMPLE = "2027-01-01..2027-01-03 元旦 / 上班 2027-02-14 春节"


@dataclass
class Notice:
    """A parsed notice: holiday ranges (first, last, name) and make-up workdays (date, name)."""

    holidays: list[tuple[tuple[date, date], str]] = field(default_factory=list)
    workdays: list[tuple[date, str]] = field(default_factory=list)


def parse_notice(text: str) -> Notice:
    """Read the notice text; every bad line is reported (with its number) in one ValidationError."""
    notice, errors = Notice(), []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        workday = _WORKDAY_LINE.match(line)
        match = workday or _HOLIDAY_LINE.match(line)
        if match is None:
            errors.append(_("第%(n)s行无法识别：“%(line)s”。每行应形如：%(example)s。") % {
                "n": number, "line": line, "example": EXAMPLE})
            continue
        name = match["name"].strip()
        if name[:1].isdigit():
            errors.append(_("第%(n)s行：名称“%(name)s”不能以数字开头；多个日期请用逗号分隔。") % {
                "n": number, "name": name})
            continue
        if not workday and name in WORKDAY_WORDS:
            errors.append(_("第%(n)s行：调休上班日请把“上班”写在行首，例如“上班 2027-02-14 春节”。") % {"n": number})
            continue
        if not workday and not name:
            errors.append(_("第%(n)s行：请在日期后写明节日名称，例如“2027-01-01..2027-01-03 元旦”。") % {"n": number})
            continue
        try:
            ranges = [_parse_range(item) for item in _LIST_SPLIT.split(match["dates"].strip())]
        except ValueError as error:
            errors.append(_("第%(n)s行：%(error)s") % {"n": number, "error": error})
            continue
        if workday:
            for first, last in ranges:
                d = first
                while d <= last:
                    notice.workdays.append((d, name))
                    d += ONE_DAY
        else:
            notice.holidays.extend((r, name) for r in ranges)
    if errors:
        raise ValidationError(errors)
    return notice


def _parse_range(item: str) -> tuple[date, date]:
    parts = _RANGE_SPLIT.split(item)
    first = _parse_date(parts[0])
    last = _parse_date(parts[-1])
    if last < first:
        raise ValueError(_("结束日期 %(last)s 早于开始日期 %(first)s。") % {"first": parts[0], "last": parts[-1]})
    return first, last


def _parse_date(text: str) -> date:
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("%(text)s 不是有效的日期。") % {"text": text}) from None


def notice_text_for_year(year: int, *, calendar: WorkingCalendar | None = None) -> str:
    """The official calendar of `year` written back in the notice format, for an admin to correct and reload.

    Empty for the provisional year: its notice has to be typed from the published one.
    """
    from guanjia.core.models import CalendarDay

    calendar = calendar if calendar is not None else WorkingCalendar.load()
    if year not in calendar.official_years:
        return ""
    days: list[DayInfo] = []
    # A notice may start in the December before its year (元旦 of 2023 began on 2022-12-31).
    for d in CalendarDay.objects.filter(holiday_year__year=year, date__year__lt=year).values_list("date", flat=True):
        days.append(calendar.day(d))
    d = date(year, 1, 1)
    while d.year == year:
        info = calendar.day(d)
        if info.working != (d.weekday() < 5) or (not info.working and info.name):
            days.append(info)
        d += ONE_DAY
    return format_notice(days)


def format_notice(days: list[DayInfo]) -> str:
    """Holidays as ranges of consecutive days of the same name, make-up workdays one per line, by date."""
    lines: list[tuple[date, str]] = []
    run: list[DayInfo] = []

    def close_run() -> None:
        if run:
            first, last = run[0].date, run[-1].date
            dates = f"{first:%Y-%m-%d}" if first == last else f"{first:%Y-%m-%d}..{last:%Y-%m-%d}"
            lines.append((first, f"{dates} {run[0].name or _('放假')}"))
            run.clear()

    for info in sorted(days, key=lambda i: i.date):
        if info.working:
            close_run()
            lines.append((info.date, f"上班 {info.date:%Y-%m-%d} {info.name}".rstrip()))
            continue
        if run and (info.date - run[-1].date != ONE_DAY or info.name != run[-1].name):
            close_run()
        run.append(info)
    close_run()
    return "\n".join(line for _d, line in sorted(lines, key=lambda x: x[0])) + ("\n" if lines else "")
