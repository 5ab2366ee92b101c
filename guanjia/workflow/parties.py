"""Parties: who an item's duty names, written as short keys, and the keys a person answers to.

A duty names a party, not a query: `butler:12` (person 12, as a butler), `leader:7` (person 7,
as a leader: a 直通车 letter's addressee), `person:5` (person 5 in any staff role: an action
item's owner), `unit:3` (every handler of unit 3), `admin@1` / `leader@1` (every admin or leader
of zone 1), `enterprise:40` (the contacts of enterprise 40). A person answers to the keys of the
roles they hold (`of_person`), so a role taken away takes its duties out of their 我的待办, as a
role given brings them in; the zone bounds the list as it bounds what the person sees.
"""

from __future__ import annotations

from guanjia.core.choices import Role

# The roles a duty can name a person in (as themselves), and the zone-wide roles that take a duty as a group.
PERSONAL_ROLES = (Role.BUTLER, Role.LEADER)
GROUP_ROLES = (Role.ADMIN, Role.LEADER)


def person(role: str, user_id: int) -> str:
    return f"{role}:{user_id}"


def butler(user_id: int) -> str:
    return person(Role.BUTLER, user_id)


def leader(user_id: int) -> str:
    return person(Role.LEADER, user_id)


def staff(user_id: int) -> str:
    """A person named on an item whatever their staff role (an action item's owner)."""
    return f"person:{user_id}"


def unit(unit_id: int) -> str:
    return f"unit:{unit_id}"


def group(role: str, zone_id: int) -> str:
    return f"{role}@{zone_id}"


def center(zone_id: int) -> str:
    """The service center: the zone's admins."""
    return group(Role.ADMIN, zone_id)


def leaders(zone_id: int) -> str:
    return group(Role.LEADER, zone_id)


def enterprise(enterprise_id: int) -> str:
    return f"enterprise:{enterprise_id}"


def of_person(user) -> list[str]:
    """The parties a signed-in person answers to, from the roles they hold (a superuser: the center's)."""
    if user is None or not user.is_authenticated or not user.is_active or user.zone_id is None:
        return []
    roles = user.role_codes
    keys = []
    if user.is_superuser or Role.ADMIN in roles:
        keys.append(center(user.zone_id))
    if Role.LEADER in roles:
        keys += [leaders(user.zone_id), leader(user.pk)]
    if Role.BUTLER in roles:
        keys.append(butler(user.pk))
    if Role.UNIT in roles and user.unit_id:
        keys.append(unit(user.unit_id))
    if Role.ENTERPRISE in roles and user.enterprise_id:
        keys.append(enterprise(user.enterprise_id))
    if user.is_superuser or roles - {Role.ENTERPRISE}:
        keys.append(staff(user.pk))
    return keys


def supervises(user) -> bool:
    """A supervisor's 我的待办 holds every open item of the zone past its deadline (督办)."""
    return bool(user.is_authenticated and user.zone_id and Role.SUPERVISOR in user.role_codes)
