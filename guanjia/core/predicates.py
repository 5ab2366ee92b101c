"""Predicates (django-rules) for what a role may do with an object it can already see."""

import rules

from guanjia.core.choices import ZONE_WIDE_ROLES, Role


def has_role(*roles: str):
    name = "has_role:" + ",".join(roles)

    @rules.predicate(name=name)
    def predicate(user) -> bool:
        return bool(getattr(user, "is_authenticated", False) and user.role_codes & set(roles))

    return predicate


is_superuser = rules.is_superuser
is_admin = has_role(Role.ADMIN) | is_superuser
is_leader = has_role(Role.LEADER)
is_butler = has_role(Role.BUTLER)
# Sees every record of the zone (visible_to's zone-wide roles): figures of "theirs" are the zone's.
sees_whole_zone = has_role(*ZONE_WIDE_ROLES) | is_superuser


@rules.predicate
def is_zone_staff(user) -> bool:
    """Someone who works for the zone (any role but an enterprise's contact), and is no enterprise's contact:
    what is written about an enterprise for the staff (its internal note) is theirs alone."""
    if not getattr(user, "is_authenticated", False) or user.enterprise_id:
        return False
    return user.is_superuser or bool(user.role_codes - {Role.ENTERPRISE})


@rules.predicate
def serves_record(user, record) -> bool:
    """The user is the record's butler, or of the workstation it belongs to."""
    if record is None:
        return False
    if record.butler_id == user.pk:
        return True
    return bool(user.workstation_id and record.workstation_id == user.workstation_id)


def require(user, perm: str, obj=None) -> None:
    """Raise PermissionDenied (403) where the user may see the object but not act on it."""
    from django.core.exceptions import PermissionDenied

    if not user.has_perm(perm, obj):
        raise PermissionDenied
