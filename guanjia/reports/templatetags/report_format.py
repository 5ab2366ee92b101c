"""Formatting of statistics: rates as percentages, missing figures as a dash."""

from django import template

register = template.Library()

DASH = "—"


@register.filter
def percent(value) -> str:
    """0.6667 → "66.7%"; None (no denominator) → "—"."""
    if value is None or value == "":
        return DASH
    return f"{value * 100:.1f}%"


@register.filter
def figure(value) -> str:
    """A count or a mean as shown; None → "—"."""
    if value is None or value == "":
        return DASH
    return f"{value:g}" if isinstance(value, float) else str(value)
