"""Words of a notice, kept so that each reader sees them in their own language.

A notice is written once, for people who may read different languages, and read later,
perhaps after they have changed theirs. So it is stored as messages (the Chinese source
strings, which are the msgids of the translation catalogue) with their values, and put
into words when it is shown or sent: in the reader's language on their pages, in the
recipient's for an e-mail, in the zone's default for a group robot.

    title = text(gettext_noop("新诉求待签收：%(request)s"), request=label)
    body = [text(gettext_noop("%(unit)s 反馈：%(feedback)s"), unit=name, feedback=comment)]

A value that must itself be translated (a status, a category) is given as `label(…)`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext


@dataclass(frozen=True)
class Text:
    """One message and its values; `render()` puts it into the active language's words."""

    message: str
    values: dict = field(default_factory=dict)

    def render(self, translate=gettext) -> str:
        message = translate(self.message) if self.message else ""
        if not self.values:
            return message
        values = {name: _value(value, translate) for name, value in self.values.items()}
        try:
            return message % values
        except (KeyError, ValueError, TypeError):  # a translation that names a value the message lacks
            return self.message % values

    def dump(self) -> list:
        return [self.message, self.values]


def _value(value, translate=gettext):
    if isinstance(value, dict) and "t" in value:
        return translate(value["t"]) if value["t"] else ""
    return value


def text(message: str, **values) -> Text:
    """A translatable message (marked with gettext_noop) with its values."""
    return Text(message, values)


def plain(words: str) -> Text:
    """Words that are shown as they are in every language (a comment someone typed, a name)."""
    return Text("%(words)s", {"words": words})


def label(choice) -> dict:
    """A value shown in the reader's language: a choice's label or a lazy translation (its Chinese msgid)."""
    with translation.override("zh-hans"):
        return {"t": str(choice)}


def render(dumped, language: str | None = None, translate=gettext) -> str:
    """A stored message (`Text.dump()`, or a list of them joined by lines) in `language` (default: the active one).

    `translate` may be a `Translator`'s, for many notices rendered in one language."""
    with translation.override(language) if language else contextlib.nullcontext():
        if dumped and isinstance(dumped[0], str):
            return Text(*dumped).render(translate)
        return "\n".join(line for line in (Text(*part).render(translate) for part in dumped or ()) if line)


class Translator:
    """`gettext` remembered, for rendering thousands of notices in the active language (a reminder run): each
    call of Django's reads the active language through thread-local lookups, most of a notice's time."""

    def __init__(self):
        self._words: dict[str, str] = {}

    def __call__(self, message: str) -> str:
        words = self._words.get(message)
        if words is None:
            words = self._words[message] = gettext(message)
        return words

