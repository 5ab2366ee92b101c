"""Writes to the enterprise registry. Views, the API, imports and commands call these only."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from guanjia.core import services as core
from guanjia.core.audit import audit_context
from guanjia.core.models import AssignmentBase
from guanjia.enterprises.models import Contact, Enterprise, EnterpriseAssignment, Tag
from guanjia.enterprises.validators import normalize_uscc

EDITABLE_FIELDS = (
    "name", "uscc", "industry", "scale", "address", "legal_representative", "workstation", "internal_note",
)


def _check_workstation(enterprise: Enterprise) -> None:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if enterprise.workstation_id and enterprise.workstation.zone_id != enterprise.zone_id:
        raise ValidationError({"workstation": _("工作站不在本园区。")})


@core.texts_limited("internal_note")
@transaction.atomic
def enterprise_create(
    *,
    actor,
    zone,
    name: str,
    uscc: str,
    industry: str = "",
    scale: str = "below",
    tags: Iterable[Tag] = (),
    address: str = "",
    legal_representative: str = "",
    workstation=None,
    butler=None,
    contact_leader=None,
    internal_note: str = "",
    reason: str = "",
) -> Enterprise:
    """Register an enterprise (企业入库), with its first butler and contact leader in the history."""
    enterprise = Enterprise(
        zone=zone, name=name.strip(), uscc=normalize_uscc(uscc), industry=industry, scale=scale,
        address=address, legal_representative=legal_representative, workstation=workstation,
        internal_note=internal_note,
    )
    enterprise.full_clean()
    _check_workstation(enterprise)
    for field, person, duty in (
        ("butler", butler, AssignmentBase.Duty.BUTLER),
        ("contact_leader", contact_leader, AssignmentBase.Duty.CONTACT_LEADER),
    ):
        core.check_person_for_duty(zone_id=zone.pk, person=person, duty=duty, field=field)
    with audit_context(actor=actor):
        enterprise.save()
        if tags:
            enterprise.tags.set(tags)
    if butler:
        enterprise_assign_butler(actor=actor, enterprise=enterprise, butler=butler, reason=reason or "入库")
    if contact_leader:
        enterprise_assign_contact_leader(
            actor=actor, enterprise=enterprise, leader=contact_leader, reason=reason or "入库"
        )
    enterprise.refresh_from_db()
    return enterprise


@core.texts_limited("internal_note")
@transaction.atomic
def enterprise_update(*, actor, enterprise: Enterprise, tags: Iterable[Tag] | None = None, **fields) -> Enterprise:
    """Change an enterprise's own fields; butler and leader change only through the assign services."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    for field, value in fields.items():
        if field == "uscc":
            value = normalize_uscc(value)
        setattr(enterprise, field, value)
    enterprise.full_clean()
    _check_workstation(enterprise)
    with audit_context(actor=actor):
        enterprise.save()
        if tags is not None:
            enterprise.tags.set(tags)
    return enterprise


def enterprise_assign_butler(*, actor, enterprise: Enterprise, butler, reason: str = "") -> Enterprise:
    """Hand an enterprise to a new enterprise butler (企业管家), keeping who served it before."""
    return core.assign_duty(
        record=enterprise, history=EnterpriseAssignment, record_field="enterprise",
        duty=AssignmentBase.Duty.BUTLER, person=butler, actor=actor, reason=reason,
    )


def enterprise_assign_contact_leader(*, actor, enterprise: Enterprise, leader, reason: str = "") -> Enterprise:
    """Give an enterprise a new contact leader (联系领导), keeping the history."""
    return core.assign_duty(
        record=enterprise, history=EnterpriseAssignment, record_field="enterprise",
        duty=AssignmentBase.Duty.CONTACT_LEADER, person=leader, actor=actor, reason=reason,
    )


def enterprise_archive(*, actor, enterprise: Enterprise) -> Enterprise:
    return core.archive(record=enterprise, actor=actor)


def enterprise_restore(*, actor, enterprise: Enterprise) -> Enterprise:
    return core.restore(record=enterprise, actor=actor)


@transaction.atomic
def contact_save(
    *, actor, enterprise: Enterprise, contact: Contact | None = None, name: str, title: str = "",
    phone: str = "", email: str = "", is_primary: bool = False,
) -> Contact:
    """Add or change an enterprise contact; one primary contact at most."""
    contact = contact or Contact(enterprise=enterprise)
    contact.name, contact.title, contact.phone, contact.email, contact.is_primary = (
        name.strip(), title.strip(), phone.strip(), email.strip(), is_primary,
    )
    core.save_validated(contact, actor=actor)
    if is_primary:
        with audit_context(actor=actor):
            for other in enterprise.contacts.filter(is_primary=True).exclude(pk=contact.pk):
                other.is_primary = False
                other.save(update_fields=["is_primary", "updated_at"])
    return contact


@transaction.atomic
def contact_remove(*, actor, contact: Contact) -> None:
    with audit_context(actor=actor):
        contact.delete()
