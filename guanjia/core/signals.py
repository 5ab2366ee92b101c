"""Signals that the core app sends; other apps connect to them.

`calendar_year_loaded` — an administrator has loaded a year's State Council holiday
notice (`guanjia.core.calendar.calendar_load_year`). Sent once, after the
transaction commits (never for a rolled-back load), with:

- `sender`: the `HolidayYear` model;
- `year`: the year loaded (int), and `holiday_year`: its `HolidayYear` row;
- `was_provisional`: True when the year was, until now, computed on the provisional
  calendar (weekends plus fixed-date holidays); False when an official year was reloaded
  (a correction);
- `actor`: who loaded it (None from the command line).

Receivers recompute the open deadlines that depend on that year: those stored with
provisional=True whose counted days reach into `year` (and, for a correction, any
open deadline counted through `year`). They must be idempotent: a receiver's error
is logged and does not undo the load, so it may be run again.
"""

from django.dispatch import Signal

calendar_year_loaded = Signal()
