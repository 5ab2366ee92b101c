"""Text shown to people, put together in the language of the page."""

from django.utils.translation import pgettext


def listed(items) -> str:
    """Items joined as the language lists them: 用电、用地 in Chinese, "power, land" in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)
