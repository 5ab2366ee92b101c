"""Writes to the organization: zones, workstations, units, 1+N groups and people."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from guanjia.accounts import services as accounts
from guanjia.core.audit import audit_context
from guanjia.core.choices import Role
from guanjia.core.services import save_validated
from guanjia.core.text import listed
from guanjia.org.models import Unit, UnitGroup, User, Workstation, Zone


def zone_create(*, actor=None, name: str, code: str, short_name: str = "") -> Zone:
    return save_validated(Zone(name=name, code=code, short_name=short_name), actor=actor)


def workstation_create(*, actor, zone: Zone, name: str, area: str = "", head: User | None = None) -> Workstation:
    """Open a workstation (工作站); its head must be a leader of the zone."""
    if head is not None and (head.zone_id != zone.pk or Role.LEADER not in head.role_codes):
        raise ValidationError({"head": _("站长须为本园区的领导。")})
    return save_validated(Workstation(zone=zone, name=name, area=area, head=head), actor=actor)


def workstation_set_head(*, actor, workstation: Workstation, head: User | None) -> Workstation:
    if head is not None and (head.zone_id != workstation.zone_id or Role.LEADER not in head.role_codes):
        raise ValidationError({"head": _("站长须为本园区的领导。")})
    workstation.head = head
    return save_validated(workstation, actor=actor)


def workstation_update(*, actor, workstation: Workstation, name: str, area: str = "",
                       head: User | None = None) -> Workstation:
    workstation.name, workstation.area = name, area
    return workstation_set_head(actor=actor, workstation=workstation, head=head)


def unit_update(*, actor, unit: Unit, name: str, kind: str, phone: str = "") -> Unit:
    unit.name, unit.kind, unit.phone = name, kind, phone
    return save_validated(unit, actor=actor)


def unit_create(*, actor, zone: Zone, name: str, kind: str, phone: str = "") -> Unit:
    return save_validated(Unit(zone=zone, name=name, kind=kind, phone=phone), actor=actor)


@transaction.atomic
def unit_group_create(*, actor, zone: Zone, name: str, lead: Unit, partners: Iterable[Unit]) -> UnitGroup:
    """A 1+N group: one lead unit (牵头) and its partners (配合), all of the zone."""
    partners = list(partners)
    if any(unit.zone_id != zone.pk for unit in [lead, *partners]):
        raise ValidationError({"partners": _("联动单位须为本园区的单位。")})
    if lead in partners:
        raise ValidationError({"partners": _("牵头单位不能同时是配合单位。")})
    group = save_validated(UnitGroup(zone=zone, name=name, lead=lead), actor=actor)
    with audit_context(actor=actor):
        group.partners.set(partners)
    return group


def _check_memberships(*, zone: Zone, roles: set[str], unit, enterprise, workstation) -> None:
    errors = {}
    if not roles:
        errors["roles"] = _("请至少选择一个角色。")
    unknown = roles - set(Role.values)
    if unknown:
        errors["roles"] = _("未知角色：%(roles)s") % {"roles": listed(sorted(unknown))}
    if Role.UNIT in roles and unit is None:
        errors["unit"] = _("部门经办人须属于一个单位。")
    if Role.ENTERPRISE in roles and enterprise is None:
        errors["enterprise"] = _("企业联系人须属于一家企业。")
    if Role.BUTLER in roles and workstation is None:
        errors["workstation"] = _("管家须属于一个工作站。")
    if Role.ENTERPRISE in roles and roles - {Role.ENTERPRISE}:
        errors["roles"] = _("企业联系人不能兼任园区工作人员角色。")
    for field, obj in (("unit", unit), ("enterprise", enterprise), ("workstation", workstation)):
        if obj is not None and obj.zone_id != zone.pk:
            errors[field] = _("所选%(what)s不在本园区。") % {"what": obj._meta.verbose_name}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(
    *,
    actor,
    zone: Zone,
    username: str,
    name: str,
    roles: Iterable[str],
    password: str | None = None,
    phone: str = "",
    email: str = "",
    unit: Unit | None = None,
    enterprise=None,
    workstation: Workstation | None = None,
    validate_pw: bool = True,
    request=None,
) -> User:
    """Add a person with their roles and memberships; without a password they cannot log in until one is set.

    A password an admin gives here is an initial one: they must change it at their first sign-in (the
    operator's own, typed into `create_zone`, is not)."""
    roles = set(roles)
    _check_memberships(zone=zone, roles=roles, unit=unit, enterprise=enterprise, workstation=workstation)
    person = User(
        username=username.strip(), name=name.strip(), phone=phone, email=email, zone=zone,
        unit=unit, enterprise=enterprise, workstation=workstation,
    )
    if password:
        if validate_pw:
            validate_password(password, person)
        person.set_password(password)
        person.must_change_password = actor is not None
    else:
        person.set_unusable_password()
    save_validated(person, actor=actor)
    with audit_context(actor=actor):
        person.roles.set(sorted(roles))
    person.__dict__.pop("role_codes", None)
    if actor is not None:  # a person granted them; a seed, the demo or a command did not
        accounts.roles_changed(person=person, before=set(), after=roles, actor=actor, request=request)
    return person


@transaction.atomic
def person_update(
    *, actor, person: User, roles: Iterable[str] | None = None, request=None, **fields
) -> User:
    """Change a person's name, contact data, memberships or roles.

    Role changes and 停用 go to the sign-in log; 停用 also revokes the person's API tokens."""
    allowed = {"name", "phone", "email", "unit", "enterprise", "workstation", "is_active"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"not editable here: {sorted(unknown)}")
    was_active = person.is_active
    before = set(person.role_codes)
    for field, value in fields.items():
        setattr(person, field, value)
    role_set = set(roles) if roles is not None else before
    _check_memberships(
        zone=person.zone, roles=role_set, unit=person.unit, enterprise=person.enterprise,
        workstation=person.workstation,
    )
    save_validated(person, actor=actor, exclude=["password"])
    if roles is not None:
        with audit_context(actor=actor):
            person.roles.set(sorted(role_set))
        person.__dict__.pop("role_codes", None)
        accounts.roles_changed(person=person, before=before, after=role_set, actor=actor, request=request)
    if was_active and not person.is_active:
        accounts.deactivated(person=person, actor=actor, request=request)
    return person


def person_set_password(*, actor, person: User, password: str, request=None) -> User:
    """Set a new password (validated by the password policy). Set by somebody else, it is a reset:
    the person must change it at their next sign-in. Every API token of theirs stops working."""
    validate_password(password, person)
    with audit_context(actor=actor):
        accounts.set_password(user=person, password=password, actor=actor, request=request,
                              forced=actor is None or actor.pk != person.pk)
    return person


def person_set_language(*, actor, person, language: str) -> None:
    """A person's own language (blank: the zone's default), chosen by themselves with the language switch."""
    from django.conf import settings
    from django.core.exceptions import PermissionDenied

    if actor.pk != person.pk:
        raise PermissionDenied
    if language and language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("不支持的语言。")})
    if person.language != language:
        person.language = language
        User.objects.filter(pk=person.pk).update(language=language)
