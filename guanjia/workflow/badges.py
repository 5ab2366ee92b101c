"""An open item's deadline as a badge: 红牌 overdue, 黄牌 due soon (working time: its `warn_at`), paused."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from guanjia.workflow.choices import CLOCK_COLOURS, ClockState
from guanjia.workflow.models import item_state


class DeadlineBadge:
    """For tables: one moment and the words, translated once, for all the rows. Called with an open item's
    soonest running deadline, when it turns due soon, whether its clocks are paused, and its provisional flag."""

    def __init__(self, now=None):
        self.now = now or timezone.now()
        self.zone = timezone.get_current_timezone()
        self.words = {state: conditional_escape(word) for state, word in (
            (ClockState.OVERDUE, _("超期")), (ClockState.DUE_SOON, _("临期")), (ClockState.ON_TRACK, _("正常")),
            (ClockState.PAUSED, _("已暂停")))}
        self.provisional = conditional_escape(_("临时日历"))

    def __call__(self, due_at, warn_at, paused: bool = False, provisional: bool = False) -> str:
        state = item_state(is_open=True, paused=paused, due_at=due_at, warn_at=warn_at, now=self.now)
        if state is None:
            return ""
        word, colour = self.words[state], CLOCK_COLOURS[state]
        if state == ClockState.PAUSED:
            return mark_safe(f'<span class="badge text-bg-{colour}">{word}</span>')  # noqa: S308
        due = due_at.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")
        mark = f' <span class="text-warning-emphasis small">{self.provisional}</span>' if provisional else ""
        # Safe by construction: a colour of our own, escaped words and a date of digits.
        return mark_safe(f'<span class="badge text-bg-{colour}" title="{word}">{due} {word}</span>{mark}')  # noqa: S308
