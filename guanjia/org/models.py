"""The organization of a zone: the zone itself, its workstations, units and people."""

from __future__ import annotations

from functools import cache, cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connections, models, router
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role as RoleCode
from guanjia.core.models import ArchivableModel, ScopedQuerySet, TimeStampedModel
from guanjia.org.choices import UnitKind


class ZoneQuerySet(ScopedQuerySet):
    zone_field = "pk"

    def scope_for_role(self, user, role):
        return Q(pk=user.zone_id)


class Zone(TimeStampedModel):
    """A high-tech or development zone (园区) with its enterprise service center."""

    name = models.CharField(_("园区名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    code = models.SlugField(_("代码"), max_length=30, unique=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("园区")
        verbose_name_plural = _("园区")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ZoneScopedQuerySet(ScopedQuerySet):
    """Reference data that every person of the zone may read."""

    def scope_for_role(self, user, role):
        return Q(zone=user.zone_id)


class Workstation(TimeStampedModel, ArchivableModel):
    """A workstation (工作站): butlers sharing resources and a station head."""

    zone = models.ForeignKey(Zone, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="workstations")
    name = models.CharField(_("名称"), max_length=100)
    head = models.ForeignKey(
        "org.User",
        verbose_name=_("站长"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_workstations",
    )
    area = models.CharField(_("服务片区"), max_length=200, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作站")
        verbose_name_plural = _("工作站")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="workstation_unique_name")]

    def __str__(self) -> str:
        return self.name


class Unit(TimeStampedModel, ArchivableModel):
    """A unit (部门/单位): an internal department or an outside body such as the power company."""

    zone = models.ForeignKey(Zone, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=20, choices=UnitKind.choices, default=UnitKind.AGENCY)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class UnitGroup(TimeStampedModel):
    """A 1+N group (1+N联动): one lead unit and its partner units for a kind of matter."""

    zone = models.ForeignKey(Zone, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="unit_groups")
    name = models.CharField(_("名称"), max_length=100)
    lead = models.ForeignKey(Unit, verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="led_groups")
    partners = models.ManyToManyField(Unit, verbose_name=_("配合单位"), related_name="partner_groups", blank=True)

    objects = ZoneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("1+N联动组")
        verbose_name_plural = _("1+N联动组")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="unitgroup_unique_name")]

    def __str__(self) -> str:
        return self.name


class Role(models.Model):
    """A role of DOMAIN.md; rows are fixed (made by a migration) so people can hold several."""

    code = models.CharField(_("代码"), max_length=20, primary_key=True, choices=RoleCode.choices)

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class UserQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        if role == RoleCode.ENTERPRISE:
            # An enterprise contact sees itself, its colleagues and the people who serve it.
            q = Q(pk=user.pk)
            if user.enterprise_id:
                q |= Q(enterprise=user.enterprise_id)
                q |= _servers_of(user.enterprise_id)
            return q
        # Staff of the zone (butlers, unit handlers) see the zone's staff, not enterprise contacts.
        return Q(enterprise__isnull=True)

    def with_role(self, role: str) -> UserQuerySet:
        return self.filter(roles=role)


def _servers_of(enterprise_id: int) -> Q:
    from guanjia.enterprises.models import Enterprise

    own = Enterprise.objects.filter(pk=enterprise_id)
    return Q(pk__in=own.values("butler")) | Q(pk__in=own.values("contact_leader"))


class GuanjiaUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


@cache
def _roles_sql(alias: str) -> str:
    """`SELECT role_id FROM org_user_roles WHERE user_id = %s`, from the link table's own names."""
    link = User.roles.through._meta
    quote = connections[alias].ops.quote_name
    return (f"SELECT {quote(link.get_field('role').column)} FROM {quote(link.db_table)} "
            f"WHERE {quote(link.get_field('user').column)} = %s")


class User(AbstractUser):
    """A person who uses Guanjia: center staff, leaders, butlers, unit handlers, supervisors, enterprise contacts."""

    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("手机"), max_length=30, blank=True)
    zone = models.ForeignKey(
        Zone, verbose_name=_("园区"), on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    roles = models.ManyToManyField(Role, verbose_name=_("角色"), blank=True, related_name="people")
    unit = models.ForeignKey(
        Unit, verbose_name=_("所属单位"), on_delete=models.PROTECT, null=True, blank=True, related_name="people"
    )
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_users",
    )
    workstation = models.ForeignKey(
        Workstation,
        verbose_name=_("工作站"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    # The person's own language for pages, notices and e-mails; blank: the zone's default (GUANJIA_LANGUAGE).
    language = models.CharField(_("语言"), max_length=10, choices=settings.LANGUAGES, blank=True)
    # An initial or reset password, set by somebody else: it must be changed before anything else is done.
    must_change_password = models.BooleanField(_("须修改密码"), default=False, editable=False)

    objects = GuanjiaUserManager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["username"]
        indexes = [
            # A zone's people by name (the pickers, 全部诉求's butler select): the first 201 butlers of 4 000 read
            # in order, not all of them sorted (PostgreSQL 2.7 ms before).
            models.Index(fields=["zone", "name", "id"], name="user_zone_name"),
        ]

    def __str__(self) -> str:
        return self.label(self.name, self.username)

    @staticmethod
    def label(name: str | None, username: str | None) -> str:
        """How a person is shown: the name, else the username (also for rows read as values)."""
        return name or username or ""

    @cached_property
    def role_codes(self) -> frozenset[str]:
        """The person's roles, read once per request.

        Read from the link table alone: a role's primary key is its code, so no join is needed.
        Every request reads them, and the ORM spent nine times the statement's own time building
        the query, so the statement is written once from the link table's names (`_roles_sql`).
        """
        if self.pk is None:
            return frozenset()
        alias = self._state.db or router.db_for_read(User)
        with connections[alias].cursor() as cursor:
            cursor.execute(_roles_sql(alias), [self.pk])
            return frozenset(code for (code,) in cursor.fetchall())

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes & set(roles))

    @property
    def role_labels(self) -> list[str]:
        return [str(RoleCode(code).label) for code in RoleCode.values if code in self.role_codes]
