"""The password policy an operator sets (README, Configuration): character classes and no reuse.

Length is Django's `MinimumLengthValidator`; both of these read their numbers from the settings.
"""

from __future__ import annotations

import string

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _classes(password: str) -> int:
    kinds = (
        any(c in string.ascii_lowercase for c in password),
        any(c in string.ascii_uppercase for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )
    return sum(kinds)


class CharacterClassesValidator:
    """At least N of: lower-case letters, capitals, digits, symbols."""

    def __init__(self, min_classes: int | None = None):
        self._min_classes = min_classes

    @property
    def min_classes(self) -> int:  # read when used: Django builds its validators once per process
        return self._min_classes if self._min_classes is not None else settings.GUANJIA_PASSWORD_MIN_CLASSES

    def validate(self, password, user=None):
        if _classes(password) < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return ngettext(
            "密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。",
            "密码须包含小写字母、大写字母、数字、符号中的至少 %(n)d 类。",
            self.min_classes,
        ) % {"n": self.min_classes}


class PasswordHistoryValidator:
    """None of the person's last N passwords again (N = `GUANJIA_PASSWORD_HISTORY`; 0 turns it off)."""

    def __init__(self, keep: int | None = None):
        self._keep = keep

    @property
    def keep(self) -> int:
        return self._keep if self._keep is not None else settings.GUANJIA_PASSWORD_HISTORY

    def _recent(self, user):
        from guanjia.accounts.models import PasswordHistory

        if not self.keep or user is None or user.pk is None:
            return []
        return list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[: self.keep])

    def validate(self, password, user=None):
        if not self.keep or user is None:
            return
        recent = self._recent(user)
        if user.password and user.has_usable_password() and user.password not in recent:
            recent = [user.password, *recent]
        if any(check_password(password, encoded) for encoded in recent[: self.keep]):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.keep}, code="password_reused")

    def password_changed(self, password, user=None):
        """Django calls this after saving a new password: keep its hash, and only the last N."""
        from guanjia.accounts.models import PasswordHistory

        if not self.keep or user is None or user.pk is None:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[self.keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("不能使用最近 %(n)d 次用过的密码。") % {"n": self.keep}
