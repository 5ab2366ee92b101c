"""The sign-in log, the failure counters behind the lock-out, API tokens and the password history."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken, AuthTokenManager

from guanjia.accounts.choices import Channel, Outcome


class SignInEventQuerySet(models.QuerySet):
    def visible_to(self, user) -> SignInEventQuerySet:
        """Admins (and superusers) only: their zone's rows and attempts on names that are nobody's."""
        from guanjia.core.choices import Role

        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        if user.zone_id is None or Role.ADMIN not in user.role_codes:
            return self.none()
        return self.filter(Q(zone_id=user.zone_id) | Q(zone__isnull=True))

    def update(self, **kwargs):
        raise PermissionDenied("the sign-in log cannot be edited")

    def delete(self):
        raise PermissionDenied("the sign-in log cannot be deleted; rows expire after the retention period")

    def purge_before(self, cutoff) -> int:
        """Drop rows older than `cutoff`: the retention job's, and nobody else's, way to remove rows."""
        old = SignInEvent.objects.filter(at__lt=cutoff)
        return old._raw_delete(old.db)


class SignInEvent(models.Model):
    """One sign-in, failure, lock-out, sign-out, token revocation, password or role change (append-only).

    `user` and `zone` are plain references with no database constraint: a row outlives anything it
    names, and nothing that happens to a person or a zone changes it.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    username = models.CharField(_("账号"), max_length=150, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("人员"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    zone = models.ForeignKey(
        "org.Zone", verbose_name=_("园区"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    address = models.GenericIPAddressField(_("来源地址"), null=True, blank=True)
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    outcome = models.CharField(_("结果"), max_length=20, choices=Outcome.choices, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.DO_NOTHING,
        db_constraint=False, related_name="+",
    )
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    objects = SignInEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("登录日志")
        verbose_name_plural = _("登录日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["zone", "-at"], name="accounts_signin_zone_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username} {self.outcome}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("the sign-in log cannot be edited")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("the sign-in log cannot be deleted")


class FailureCounter(models.Model):
    """Failed sign-ins counted against one key (`user:<name>` or `addr:<address>`) within a window.

    `lockout.reserve` counts an attempt before its password is checked, under a row lock, so that
    parallel guesses cannot all pass a check made before any of them was counted.
    """

    key = models.CharField(max_length=200, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key}: {self.failures}"


class ApiTokenQuerySet(models.QuerySet):
    def visible_to(self, user) -> ApiTokenQuerySet:
        """A person's own tokens, and nobody else's (not even an admin's: they revoke by 停用 or a reset)."""
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class ApiTokenManager(AuthTokenManager.from_queryset(ApiTokenQuerySet)):
    pass


def _token_handle() -> str:
    return secrets.token_hex(6)


class ApiToken(AbstractAuthToken):
    """An API token (django-rest-knox: stored hashed, with an expiry), and where it was issued from.

    `handle` names it in lists and revocations: the key itself is never shown again.
    """

    handle = models.CharField(max_length=12, unique=True, default=_token_handle, editable=False)
    address = models.GenericIPAddressField(_("签发地址"), null=True, blank=True)
    label = models.CharField(_("名称"), max_length=100, blank=True)

    objects = ApiTokenManager()

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")
        ordering = ["-created"]

    @property
    def expired(self) -> bool:
        return self.expiry is not None and self.expiry <= timezone.now()


class PasswordHistory(models.Model):
    """A password a person used (its hash): the policy refuses the last N again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
