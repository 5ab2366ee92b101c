"""Writes to the zone's approval catalogue (审批事项清单 and the efficiency lists): add, change, archive, restore.

Every rule an item must keep is checked here, before anything is written: the model's own
(`full_clean`: limits of 1–365 working days), a committed limit (承诺时限) within the statutory one
(法定时限), 容缺 tolerance days given exactly when 容缺受理 is allowed, an authority unit and
prerequisites (前置事项) of the same zone, and prerequisites that never form a cycle. The import
(catalogue_import) checks whole files with the same functions.

Writes to one zone's catalogue take turns (the zone's row is locked): two admins each adding one
harmless prerequisite could otherwise close a cycle between them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.approvals.graph import describe_cycle, find_cycle, rotate
from guanjia.approvals.models import ApprovalItem
from guanjia.core import services as core
from guanjia.core.audit import audit_context
from guanjia.core.errors import Conflict
from guanjia.core.text import listed
from guanjia.org.models import Zone
from guanjia.projects.choices import ProjectType

EDITABLE_FIELDS = (
    "code", "name", "unit", "stage", "list_type", "statutory_days", "committed_days", "materials",
    "tolerance_allowed", "tolerance_days", "on_correction", "project_types", "order",
)
_UNSET = object()
Errors = dict[str, list[str]]


def _add(errors: Errors, field: str, message: str) -> None:
    messages = errors.setdefault(field, [])
    if message not in messages:
        messages.append(message)


def item_errors(item: ApprovalItem) -> Errors:
    """What is wrong with an item's own fields (not its name's uniqueness, not its prerequisites): field → messages."""
    errors: Errors = {}
    try:
        # The unit is checked against the zone below (one query fewer per row of an import); the constraints
        # say again what is checked here with the numbers named.
        item.full_clean(exclude=["zone", "unit", "prerequisites"], validate_unique=False,
                        validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            for message in messages:
                _add(errors, field, message)
    if item.unit_id is None:
        _add(errors, "unit", _("请选择审批部门。"))
    elif item.unit.zone_id != item.zone_id:
        _add(errors, "unit", _("审批部门须为本园区的单位。"))
    committed, statutory = item.committed_days, item.statutory_days
    if (isinstance(committed, int) and isinstance(statutory, int) and "committed_days" not in errors
            and "statutory_days" not in errors and committed > statutory):
        _add(errors, "committed_days", _("承诺时限（%(committed)d 个工作日）不能超过法定时限（%(statutory)d 个工作日）。")
             % {"committed": committed, "statutory": statutory})
    if item.tolerance_allowed and item.tolerance_days is None and "tolerance_days" not in errors:
        _add(errors, "tolerance_days", _("可容缺受理的事项须填写容缺补齐时限（工作日）。"))
    if not item.tolerance_allowed and item.tolerance_days is not None:
        _add(errors, "tolerance_days", _("不可容缺受理的事项不填写容缺补齐时限。"))
    types = item.project_types
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        _add(errors, "project_types", _("适用项目类型须为项目类型的列表。"))
    else:
        unknown = [t for t in types if t not in ProjectType.values]
        if unknown:
            _add(errors, "project_types", _("未知的项目类型：%(types)s。") % {"types": listed(unknown)})
        item.project_types = list(dict.fromkeys(types))
    return errors


def zone_graph(zone_id: int) -> dict[int, list[int]]:
    """The zone's prerequisites as `{item id: [its prerequisites' ids]}` (one query)."""
    through = ApprovalItem.prerequisites.through
    graph: dict[int, list[int]] = {}
    rows = through.objects.filter(from_approvalitem__zone=zone_id).order_by("from_approvalitem_id", "pk")
    for item_id, prerequisite_id in rows.values_list("from_approvalitem_id", "to_approvalitem_id"):
        graph.setdefault(item_id, []).append(prerequisite_id)
    return graph


def cycle_message(cycle: list, names: Mapping) -> str:
    return _("前置事项不能形成循环：%(cycle)s") % {"cycle": describe_cycle(cycle, names)}


def _check_prerequisites(item: ApprovalItem, prerequisites: list[ApprovalItem], errors: Errors) -> None:
    if any(p.zone_id != item.zone_id for p in prerequisites):
        _add(errors, "prerequisites", _("前置事项须为本园区清单中的事项。"))
        return
    if item.pk is not None and any(p.pk == item.pk for p in prerequisites):
        _add(errors, "prerequisites", _("事项不能以自身为前置事项。"))
        return
    current = set(item.prerequisites.values_list("pk", flat=True)) if item.pk else set()
    newly_archived = [p.name for p in prerequisites if p.is_archived and p.pk not in current]
    if newly_archived:
        _add(errors, "prerequisites", _("已归档的事项不能作为前置事项：%(names)s。") % {"names": listed(newly_archived)})
        return
    if item.pk is None:
        return  # nothing requires an item not yet written: it cannot close a cycle
    graph = zone_graph(item.zone_id)
    graph[item.pk] = [p.pk for p in prerequisites]
    cycle = find_cycle(graph)
    if cycle:
        names = dict(ApprovalItem.objects.filter(zone=item.zone_id).values_list("pk", "name"))
        names[item.pk] = item.name
        _add(errors, "prerequisites", cycle_message(rotate(cycle, item.pk), names))


def _validate(item: ApprovalItem, prerequisites: list[ApprovalItem] | None, *, unit_before: int | None = None) -> None:
    errors = item_errors(item)
    if item.unit_id and item.unit_id != unit_before and item.unit.is_archived and "unit" not in errors:
        _add(errors, "unit", _("单位“%(name)s”已归档，不能再作为审批部门。") % {"name": item.unit.name})
    if item.name and "name" not in errors:
        clash = ApprovalItem.objects.filter(zone=item.zone_id, name=item.name).exclude(pk=item.pk).first()
        if clash is not None:
            archived = _("（已归档）") if clash.is_archived else ""
            _add(errors, "name", _("本园区清单中已有名为“%(name)s”的事项%(archived)s。")
                 % {"name": item.name, "archived": archived})
    if prerequisites is not None:
        _check_prerequisites(item, prerequisites, errors)
    if errors:
        raise ValidationError(errors)


def _lock_catalogue(zone_id: int) -> None:
    Zone.objects.select_for_update().filter(pk=zone_id).values_list("pk", flat=True).first()


def _check_fields(fields: Iterable[str]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not catalogue fields: {sorted(unknown)}")


@core.texts_limited("materials")
@transaction.atomic
def approval_item_create(*, actor, zone: Zone, name: str, prerequisites: Iterable[ApprovalItem] = (),
                         **fields) -> ApprovalItem:
    """Add an item to the zone's catalogue (审批事项清单), with its prerequisites (前置事项)."""
    _check_fields(fields)
    _lock_catalogue(zone.pk)
    prerequisites = list(prerequisites)
    item = ApprovalItem(zone=zone, name=(name or "").strip(), **fields)
    _validate(item, prerequisites)
    with audit_context(actor=actor):
        item.save()
        if prerequisites:
            item.prerequisites.set(prerequisites)
    return item


@core.texts_limited("materials")
@transaction.atomic
def approval_item_update(*, actor, item: ApprovalItem, prerequisites=_UNSET, **fields) -> ApprovalItem:
    """Change a catalogue item; `prerequisites`, when given, replaces its prerequisites. Handbooks already made
    keep the copy they took (approvals.Approval)."""
    _check_fields(fields)
    _lock_catalogue(item.zone_id)
    item = ApprovalItem.objects.select_for_update().select_related("unit").get(pk=item.pk)
    unit_before = item.unit_id
    for field, value in fields.items():
        setattr(item, field, value.strip() if field == "name" and isinstance(value, str) else value)
    wanted = None if prerequisites is _UNSET else list(prerequisites)
    _validate(item, wanted, unit_before=unit_before)
    with audit_context(actor=actor):
        item.save()
        if wanted is not None:
            item.prerequisites.set(wanted)
    return item


@transaction.atomic
def approval_item_archive(*, actor, item: ApprovalItem) -> ApprovalItem:
    """Archive (归档) an item: new handbooks no longer take it. Refused (409) while a current item requires it."""
    _lock_catalogue(item.zone_id)
    dependents = list(item.dependents.filter(archived_at__isnull=True).order_by("order", "pk")
                      .values_list("name", flat=True))
    if dependents and not item.is_archived:
        raise Conflict(_("“%(name)s”是以下在册事项的前置事项：%(names)s。请先从这些事项的前置事项中移除它，再归档。")
                       % {"name": item.name, "names": listed(dependents)})
    return core.archive(record=item, actor=actor)


def approval_item_restore(*, actor, item: ApprovalItem) -> ApprovalItem:
    return core.restore(record=item, actor=actor)
