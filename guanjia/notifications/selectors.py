"""Reads for notifications: the inbox, and who is told of what (DOMAIN.md "Who uses it")."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model

from guanjia.core.choices import Role
from guanjia.notifications.models import Notification

# The fields a notice needs of a person: the inbox, the e-mail address, and the unit for its robot.
PERSON_FIELDS = ("zone", "email", "unit", "enterprise", "is_active", "name", "username", "language")


def inbox(user):
    return Notification.objects.visible_to(user)


def can_open(user, notification: Notification) -> bool:
    """Whether what a notice is about is still the user's to see, through its workflow's own `visible_to`:
    a unit whose unsigned task was withdrawn (撤回) no longer sees the request its 转办 notice names."""
    if notification.item_id is None:
        return True
    from guanjia.workflow import registry
    from guanjia.workflow.models import TrackedItem

    item = TrackedItem.objects.filter(pk=notification.item_id).values("kind", "object_id").first()
    workflow = registry.find(item["kind"]) if item is not None else None
    if workflow is None:
        return False
    model = workflow.get_model()
    return model.objects.visible_to(user).filter(pk=item["object_id"]).exists()


def unread_count(user) -> int:
    return Notification.objects.unread_count(user)


def _people():
    User = get_user_model()  # noqa: N806
    return User.objects.filter(is_active=True).only(*PERSON_FIELDS)


def people_with_role(zone_id: int, role: str) -> list:
    """Active people of a zone holding a role (the center's admins, the zone's leaders)."""
    return list(_people().filter(zone=zone_id, roles=role).order_by("pk"))


def unit_handlers(zone_id: int, unit_ids: Iterable[int]) -> list:
    """The handlers (部门经办人) of some units: people with the unit role who belong to them."""
    unit_ids = [u for u in unit_ids if u]
    if not unit_ids:
        return []
    return list(_people().filter(zone=zone_id, roles=Role.UNIT, unit__in=unit_ids).order_by("pk"))


def enterprise_contacts(enterprise_ids: Iterable[int]) -> dict[int, list]:
    """Each enterprise's own contacts (企业联系人) who sign in to Guanjia."""
    contacts: dict[int, list] = defaultdict(list)
    ids = [e for e in enterprise_ids if e]
    if ids:
        for person in _people().filter(enterprise__in=ids, roles=Role.ENTERPRISE).order_by("pk"):
            contacts[person.enterprise_id].append(person)
    return contacts


def people_by_id(ids: Iterable[int]) -> dict[int, object]:
    """Some active people by primary key, in one query (the inactive and unknown are left out)."""
    return {person.pk: person for person in _people().filter(pk__in=list(ids))}


def people_by_zone(role: str) -> dict[int, list]:
    """Every zone's active people holding a role, in one query (for a run over many zones)."""
    by_zone: dict[int, list] = defaultdict(list)
    for person in _people().filter(roles=role, zone__isnull=False).order_by("pk"):
        by_zone[person.zone_id].append(person)
    return by_zone


def handlers_by_unit() -> dict[int, list]:
    """Every unit's handlers, in one query."""
    by_unit: dict[int, list] = defaultdict(list)
    for person in _people().filter(roles=Role.UNIT, unit__isnull=False).order_by("pk"):
        by_unit[person.unit_id].append(person)
    return by_unit
