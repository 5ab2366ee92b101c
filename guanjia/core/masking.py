"""Phone numbers shown in part (脱敏) to roles that do not need them: one rule for pages, API and exports."""

from __future__ import annotations

import re

from guanjia.core.choices import PHONE_ROLES

# Several numbers in one cell ("13812345678 / 029-33221234") are masked one by one.
_SEPARATORS = re.compile(r"(\s*[,，/、;；]\s*|\s{2,})")


def _mask_one(number: str) -> str:
    number = re.sub(r"\s+", "", number)
    if not number or "*" in number:
        return number
    if len(number) >= 8:
        # The usual Chinese form: 138****5678, 029****1234.
        return number[:3] + "****" + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 2) + number[-2:]
    return "****"


def mask_phone(value: str | None) -> str:
    """'13812345678' -> '138****5678'; a short number keeps only its last two digits; '' stays ''."""
    if not value:
        return ""
    parts = _SEPARATORS.split(str(value).strip())
    return "".join(part if i % 2 else _mask_one(part) for i, part in enumerate(parts))


def can_see_phones(user) -> bool:
    """Whether a person may read contacts' phone numbers in full (PHONE_ROLES, or a superuser)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return bool(user.role_codes & PHONE_ROLES)
