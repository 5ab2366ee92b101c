"""The official PRC working-day clock (工作日): every deadline in Guanjia is counted with it.

See docs/calendar.md. Reads: `is_working_day`, `add_working_days`, `deadline_at`,
`add_hours`, `working_days_between`, `closing_on_or_before` (or a `WorkingCalendar.load()` snapshot reused in
loops). The one write: `calendar_load_year`, which sends `core.signals.calendar_year_loaded`.
"""

from guanjia.core.calendar.clock import (
    END_OF_DAY,
    FIXED_HOLIDAYS,
    CalendarUnavailable,
    DayInfo,
    Due,
    WorkingCalendar,
    add_hours,
    add_working_days,
    closing_on_or_before,
    deadline_at,
    is_working_day,
    working_days_between,
)
from guanjia.core.calendar.notice import Notice, format_notice, notice_text_for_year, parse_notice
from guanjia.core.calendar.services import calendar_load_year

__all__ = [
    "END_OF_DAY",
    "FIXED_HOLIDAYS",
    "CalendarUnavailable",
    "DayInfo",
    "Due",
    "Notice",
    "WorkingCalendar",
    "add_hours",
    "add_working_days",
    "calendar_load_year",
    "closing_on_or_before",
    "deadline_at",
    "format_notice",
    "is_working_day",
    "notice_text_for_year",
    "parse_notice",
    "working_days_between",
]
