"""The enterprise registry (企业库): the enterprises a zone serves, their contacts and who serves them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from guanjia.core.choices import Role
from guanjia.core.models import ArchivableModel, AssignmentBase, ScopedQuerySet, TimeStampedModel
from guanjia.core.text import TextLengthValidator
from guanjia.enterprises import industry
from guanjia.enterprises.choices import Scale
from guanjia.enterprises.validators import validate_uscc


class Tag(models.Model):
    """A label such as 高新技术企业 or 专精特新 (a catalogue shared by all zones)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)

    class Meta:
        verbose_name = _("企业标签")
        verbose_name_plural = _("企业标签")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        if role == Role.BUTLER:
            q = Q(butler=user.pk)
            if user.workstation_id:
                q |= Q(workstation=user.workstation_id)
            return q
        if role == Role.ENTERPRISE and user.enterprise_id:
            return Q(pk=user.enterprise_id)
        return None


class Enterprise(TimeStampedModel, ArchivableModel):
    """An enterprise (企业) in the zone, keyed by its unified social credit code (统一社会信用代码)."""

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="enterprises")
    name = models.CharField(_("企业名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("该统一社会信用代码已登记。")},
    )
    industry = models.CharField(_("所属行业"), max_length=3, choices=industry.CHOICES, blank=True)
    scale = models.CharField(_("规模"), max_length=10, choices=Scale.choices, default=Scale.BELOW)
    tags = models.ManyToManyField(Tag, verbose_name=_("标签"), blank=True, related_name="enterprises")
    address = models.CharField(_("地址"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    workstation = models.ForeignKey(
        "org.Workstation",
        verbose_name=_("工作站"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
    )
    # The current holders; the full history is in EnterpriseAssignment, written by the services.
    butler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("企业管家"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="butler_enterprises",
    )
    contact_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联系领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_enterprises",
    )
    # The staff's note about the enterprise: only people with `enterprises.view_internal_note` read it (never an
    # enterprise contact: page, API, export, history). Bounded in the model too, so that the roster import
    # (which checks rows with full_clean) keeps to it.
    internal_note = models.TextField(_("内部备注"), blank=True, validators=[TextLengthValidator()],
                                     help_text=_("仅园区工作人员可见，企业联系人在页面、接口和导出中都看不到。"))

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = pgettext_lazy("plural", "企业")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["zone", "name"], name="enterprise_zone_name"),
            models.Index(fields=["zone", "workstation"], name="enterprise_zone_ws"),
            # A butler's enterprises by name (the home page): the foreign key's own index covers butler alone.
            models.Index(fields=["butler", "name"], name="enterprise_butler_name"),
            # A workstation's current enterprises counted from the index alone (the home page's workstations). Not
            # a partial index of current rows: PostgreSQL took such an index for any list of current enterprises.
            models.Index(fields=["workstation", "archived_at"], name="enterprise_ws_current"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("enterprises:detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.uscc:
            from guanjia.enterprises.validators import normalize_uscc

            self.uscc = normalize_uscc(self.uscc)

    @property
    def industry_label(self) -> str:
        return industry.label(self.industry) if self.industry else ""


class Contact(TimeStampedModel):
    """A contact person (联系人) at an enterprise; phone numbers are masked for roles that do not need them."""

    enterprise = models.ForeignKey(Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=30, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    is_primary = models.BooleanField(_("主要联系人"), default=False)

    class Meta:
        verbose_name = _("企业联系人")
        verbose_name_plural = _("企业联系人")
        ordering = ["-is_primary", "pk"]

    def __str__(self) -> str:
        return self.name


class EnterpriseAssignment(AssignmentBase):
    """Who served an enterprise as butler or contact leader, from when to when (服务交接记录)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="assignments"
    )

    class Meta(AssignmentBase.Meta):
        verbose_name = _("企业服务交接记录")
        verbose_name_plural = _("企业服务交接记录")


def served_ids(*, butler: int, workstation: int | None = None) -> RawSQL:
    """The ids of the enterprises a butler serves, or their workstation does, for `enterprise__in=`.

    The scopes of requests and projects read an enterprise's butler and workstation this way, not as
    an OR across a join (`enterprise__butler=`): SQLite then checked the enterprise of every request
    in the zone, and a butler's 全部诉求 count took 240 ms at 200 000 requests (70 ms this way). It
    is SQL because, built as a queryset, the subquery cost every 我的待办 0.15 ms more to compile.
    core/tests/test_scopes.py checks it against the scopes written as joins. The enterprises' own scope
    keeps the OR of these two columns: as `pk IN` this list, PostgreSQL counted a butler's enterprises in
    30 ms instead of 5 (a hash join over the zone), though SQLite did better (13 → 2.6 ms).
    """
    meta = Enterprise._meta
    column = {name: meta.get_field(name).column for name in ("butler", "workstation")}
    sql, params = f'SELECT "{meta.pk.column}" FROM "{meta.db_table}" WHERE "{column["butler"]}" = %s', [butler]
    if workstation:
        sql += f' OR "{column["workstation"]}" = %s'
        params.append(workstation)
    return RawSQL(sql, params)
