"""Base models shared by every app: time stamps, zone scope, archiving and the access queryset."""

from __future__ import annotations

import operator
from functools import cache, reduce
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import ZONE_WIDE_ROLES

if TYPE_CHECKING:
    from guanjia.org.models import User


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows who may see its rows: the one definition of access.

    Every list, detail, API, export and count starts from `visible_to(user)`.
    Subclasses say how each role reaches a row in `scope_for_role`; the zone
    always bounds the result, and several roles are united.
    """

    zone_field = "zone"

    def visible_to(self, user: User | None) -> ScopedQuerySet:
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.zone_id is None:
            return self.none()
        roles = user.role_codes
        if roles & ZONE_WIDE_ROLES:
            return self.filter(**{self.zone_field: user.zone_id})
        reaches = [q for q in (self.scope_for_role(user, role) for role in sorted(roles)) if q is not None]
        if not reaches:
            return self.none()
        return self.filter(reduce(operator.or_, reaches), **{self.zone_field: user.zone_id})

    def scope_for_role(self, user: User, role: str) -> Q | None:
        """The rows a user reaches through one role that is not zone-wide (None: none)."""
        return None

    def shows(self, user: User | None, pk) -> bool:
        """Whether `user` may open row `pk`: a page links to a related record only then (else it would 404)."""
        return pk is not None and self.visible_to(user).filter(pk=pk).exists()

    def active(self) -> ScopedQuerySet:
        return self.filter(archived_at__isnull=True)


@cache
def choice_labels(field, language: str | None) -> dict:
    """A field's choices as {value: label}, the labels put into `language` once."""
    return {make_hashable(value): force_str(label, strings_only=True) for value, label in field.flatchoices}


class ChoiceLabels:
    """`get_FOO_display()` as Django's, read from a dict made once per field and language: Django's rebuilds the
    field's choices and hashes each label (translating it) on every call, 0.3 ms a row of 全部诉求's API."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(choice_labels(field, get_language()).get(make_hashable(value), value), strings_only=True)


class TimeStampedModel(ChoiceLabels, models.Model):
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class ArchivableModel(models.Model):
    """Records are never hard-deleted from the UI: they are archived (归档) and can be restored."""

    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class AssignmentBase(models.Model):
    """One period in which a person served a record in a duty (管家 or 联系领导); the history is kept."""

    class Duty(models.TextChoices):
        BUTLER = "butler", _("管家")
        CONTACT_LEADER = "contact_leader", _("联系领导")

    duty = models.CharField(_("职责"), max_length=20, choices=Duty.choices)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("开始"), default=timezone.now)
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    reason = models.CharField(_("交接原因"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        abstract = True
        ordering = ["-started_at", "-pk"]


class ReferenceQuerySet(models.QuerySet):
    """Data the same for every zone (the national holiday calendar): anyone signed in may read it."""

    def visible_to(self, user):
        return self.all() if user is not None and user.is_authenticated and user.is_active else self.none()


class HolidayYear(models.Model):
    """A year whose State Council holiday notice (国务院办公厅关于节假日安排的通知) has been loaded.

    A loaded year is official: its `CalendarDay` rows are the whole list of its
    holidays and make-up workdays, and every other day follows the weekday rule.
    """

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=300, help_text=_("例如：国办发明电〔2026〕7号"))
    loaded_at = models.DateTimeField(_("载入时间"), default=timezone.now)
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("载入人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )


    objects = ReferenceQuerySet.as_manager()
    class Meta:
        ordering = ["-year"]
        verbose_name = _("节假日安排年份")
        verbose_name_plural = _("节假日安排年份")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """One day of our own override table (节假日调整): a holiday (放假) or a make-up workday (调休上班).

    The working-day clock reads this table before the `chinesecalendar` library.
    Rows loaded with a notice point at its `HolidayYear`.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上班")

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=50, blank=True, help_text=_("例如：春节"))
    holiday_year = models.ForeignKey(
        HolidayYear,
        verbose_name=_("所属通知"),
        on_delete=models.CASCADE,
        related_name="days",
        null=True,
        blank=True,
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()  # date may still be a str here
