"""Text shown to people, put together in the language of the page."""

from django.utils.translation import pgettext

# Free text a person types (诉求内容, 说明, 答复, 纪要, 备注 …): about twenty pages of Chinese, enough for a
# letter, and a bound on what a row, its timeline and every notice or export about it carry.
TEXT_MAX = 10_000


def listed(items) -> str:
    """Items joined as the language lists them: 用电、用地 in Chinese, "power, land" in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)
