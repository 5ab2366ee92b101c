"""Write helpers shared by every app's services."""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.audit import audit_context
from guanjia.core.choices import Role
from guanjia.core.models import AssignmentBase
from guanjia.core.text import TEXT_MAX, TextLengthValidator


def texts_limited(*fields: str):
    """A service decorator: refuse a call whose free text in `fields` (keyword arguments) is over TEXT_MAX
    characters, as field errors, before anything is read or written."""

    def decorator(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            errors = {name: TextLengthValidator.message % {"limit_value": TEXT_MAX, "show_value": len(kwargs[name])}
                      for name in fields if isinstance(kwargs.get(name), str) and len(kwargs[name]) > TEXT_MAX}
            if errors:
                raise ValidationError(errors)
            return service(*args, **kwargs)

        return wrapper

    return decorator


# Which role a person needs to take a duty.
DUTY_ROLE = {AssignmentBase.Duty.BUTLER: Role.BUTLER, AssignmentBase.Duty.CONTACT_LEADER: Role.LEADER}


def save_validated(obj: models.Model, *, actor=None, exclude: list[str] | None = None) -> models.Model:
    """`full_clean()` then `save()`, recording the actor on the audit row."""
    obj.full_clean(exclude=exclude)
    with audit_context(actor=actor):
        obj.save()
    return obj


def check_person_for_duty(*, zone_id: int, person, duty: str, field: str) -> None:
    """A butler or contact leader must be an active person of the same zone holding the matching role."""
    if person is None:
        return
    if not person.is_active:
        raise ValidationError({field: _("%(name)s 已停用，不能指派。") % {"name": person}})
    if person.zone_id != zone_id:
        raise ValidationError({field: _("%(name)s 不是本园区人员，不能指派。") % {"name": person}})
    role = DUTY_ROLE[duty]
    if role not in person.role_codes:
        raise ValidationError(
            {field: _("%(name)s 没有“%(role)s”角色，不能指派。") % {"name": person, "role": Role(role).label}}
        )


@transaction.atomic
def assign_duty(
    *,
    record: models.Model,
    history: type[AssignmentBase],
    record_field: str,
    duty: str,
    person,
    actor,
    reason: str = "",
) -> models.Model:
    """Hand a record's duty (butler or contact leader) to a person, closing the previous period.

    The record's own field holds the current holder; `history` keeps every period.
    """
    field = "butler" if duty == AssignmentBase.Duty.BUTLER else "contact_leader"
    record = type(record).objects.select_for_update().get(pk=record.pk)
    check_person_for_duty(zone_id=record.zone_id, person=person, duty=duty, field=field)
    current_id = getattr(record, f"{field}_id")
    new_id = person.pk if person else None
    if current_id == new_id:
        return record
    now = timezone.now()
    with audit_context(actor=actor):
        for open_period in history.objects.filter(**{record_field: record}, duty=duty, ended_at__isnull=True):
            open_period.ended_at = now
            open_period.save(update_fields=["ended_at"])
        if person is not None:
            period = history(**{record_field: record}, duty=duty, person=person, started_at=now,
                             reason=reason, assigned_by=actor)
            period.full_clean()
            period.save()
        setattr(record, field, person)
        record.save(update_fields=[field, "updated_at"])
    return record


@transaction.atomic
def archive(*, record: models.Model, actor) -> models.Model:
    """Archive (归档) a record: it leaves the lists but keeps its history and can be restored."""
    if record.archived_at is None:
        record.archived_at = timezone.now()
        with audit_context(actor=actor):
            record.save(update_fields=["archived_at", "updated_at"])
    return record


@transaction.atomic
def restore(*, record: models.Model, actor) -> models.Model:
    if record.archived_at is not None:
        record.archived_at = None
        with audit_context(actor=actor):
            record.save(update_fields=["archived_at", "updated_at"])
    return record
