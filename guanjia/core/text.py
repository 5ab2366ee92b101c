"""Text shown to people, put together in the language of the page, and the bound on free text."""

from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy, pgettext

# Free text a person types (诉求内容, 说明, 答复, 纪要, 备注 …): about twenty pages of Chinese, enough for a
# letter, and a bound on what a row, its timeline and every notice or export about it carry.
TEXT_MAX = 10_000


class TextLengthValidator(MaxLengthValidator):
    """At most TEXT_MAX characters, said as the services say it (core.services.texts_limited)."""

    message = gettext_lazy("不能超过 %(limit_value)d 个字（现为 %(show_value)d 个）。")

    def __init__(self, limit_value=TEXT_MAX, message=None):
        super().__init__(limit_value, message)


def listed(items) -> str:
    """Items joined as the language lists them: 用电、用地 in Chinese, "power, land" in English."""
    return pgettext("list separator", "、").join(str(item) for item in items)
