"""Writes to the project registry."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.core import services as core
from guanjia.core.audit import audit_context
from guanjia.core.models import AssignmentBase
from guanjia.projects.choices import STAGE_PLAN_FIELDS
from guanjia.projects.models import Project, ProjectAssignment

EDITABLE_FIELDS = (
    "name", "enterprise", "total_investment", "key_level", "workstation", "signed_on", "land_on",
    "started_on", "completed_on", "producing_on", "capacity_on", "address", "description", "project_type",
    *(field for _stage, field in STAGE_PLAN_FIELDS),
)


def _check_zone(project: Project) -> None:
    if project.workstation_id and project.workstation.zone_id != project.zone_id:
        raise ValidationError({"workstation": _("工作站不在本园区。")})


@core.texts_limited("description")
@transaction.atomic
def project_create(
    *,
    actor,
    zone,
    name: str,
    enterprise,
    total_investment: Decimal,
    butler=None,
    contact_leader=None,
    reason: str = "",
    **fields,
) -> Project:
    """Register a project (项目入库); its stage follows from the dates given."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unknown project fields: {sorted(unknown)}")
    project = Project(zone=zone, name=name.strip(), enterprise=enterprise, total_investment=total_investment, **fields)
    if project.workstation_id is None and enterprise is not None:
        project.workstation_id = enterprise.workstation_id
    project.full_clean()
    _check_zone(project)
    for field, person, duty in (
        ("butler", butler, AssignmentBase.Duty.BUTLER),
        ("contact_leader", contact_leader, AssignmentBase.Duty.CONTACT_LEADER),
    ):
        core.check_person_for_duty(zone_id=zone.pk, person=person, duty=duty, field=field)
    with audit_context(actor=actor):
        project.save()
    if butler:
        project_assign_butler(actor=actor, project=project, butler=butler, reason=reason or "入库")
    if contact_leader:
        project_assign_contact_leader(actor=actor, project=project, leader=contact_leader, reason=reason or "入库")
    project.refresh_from_db()
    return project


@core.texts_limited("description")
@transaction.atomic
def project_update(*, actor, project: Project, **fields) -> Project:
    """Change a project's fields and stage dates; the stage is derived again from the dates."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    project = Project.objects.select_for_update().get(pk=project.pk)
    for field, value in fields.items():
        setattr(project, field, value)
    project.full_clean()
    _check_zone(project)
    with audit_context(actor=actor):
        project.save()
    return project


def project_assign_butler(*, actor, project: Project, butler, reason: str = "") -> Project:
    """Hand a project to a new project butler (项目管家), keeping the history."""
    return core.assign_duty(
        record=project, history=ProjectAssignment, record_field="project",
        duty=AssignmentBase.Duty.BUTLER, person=butler, actor=actor, reason=reason,
    )


def project_assign_contact_leader(*, actor, project: Project, leader, reason: str = "") -> Project:
    return core.assign_duty(
        record=project, history=ProjectAssignment, record_field="project",
        duty=AssignmentBase.Duty.CONTACT_LEADER, person=leader, actor=actor, reason=reason,
    )


def project_archive(*, actor, project: Project) -> Project:
    return core.archive(record=project, actor=actor)


def project_restore(*, actor, project: Project) -> Project:
    return core.restore(record=project, actor=actor)
