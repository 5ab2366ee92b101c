"""Every sign-in, sign-out, token and password change, each written to the sign-in log.

The web login form and the API token endpoint both sign in through `sign_in`, so they share one
lock-out; tokens are django-rest-knox's, with the lifetime of `GUANJIA_TOKEN_HOURS`.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.accounts import lockout
from guanjia.accounts.addresses import client_address
from guanjia.accounts.choices import Channel, Outcome
from guanjia.accounts.models import ApiToken, SignInEvent


class SignInRefused(Exception):
    """A sign-in that did not succeed; `locked` when the account or address is locked out."""

    def __init__(self, *, locked: bool, locked_until=None):
        super().__init__("locked" if locked else "invalid")
        self.locked = locked
        self.locked_until = locked_until


def record(*, outcome: str, channel: str, request=None, user=None, username: str = "", actor=None,
           detail: str = "", address: str | None = None) -> SignInEvent:
    """One row of the sign-in log."""
    if user is not None and not username:
        username = user.get_username()
    return SignInEvent.objects.create(
        username=username[:150], user=user, zone_id=getattr(user, "zone_id", None),
        address=address if address is not None else client_address(request),
        channel=channel, outcome=outcome, actor=actor, detail=detail[:300],
    )


def _person_named(username: str):
    """The person a failed attempt named, if that name is anybody's (the row then has their zone)."""
    UserModel = auth.get_user_model()  # noqa: N806
    return UserModel._default_manager.filter(**{UserModel.USERNAME_FIELD: username}).first()


def sign_in(request, *, username: str, password: str, channel: str):
    """The person whose password this is, counted against the lock-out; raises `SignInRefused`."""
    address = client_address(request)
    checks = lockout.limits(username, address)
    verdict = lockout.reserve(checks)
    if not verdict.allowed:
        record(outcome=Outcome.LOCKED, channel=channel, user=_person_named(username), username=username,
               address=address, detail=_("锁定至 %(time)s") % {
                   "time": timezone.localtime(verdict.locked_until).strftime("%Y-%m-%d %H:%M")})
        raise SignInRefused(locked=True, locked_until=verdict.locked_until)
    user = auth.authenticate(request, username=username, password=password)
    if user is None:
        detail = _("失败次数已达上限，锁定 %(minutes)d 分钟") % {
            "minutes": settings.GUANJIA_LOGIN_LOCK_MINUTES} if verdict.locks_now else ""
        record(outcome=Outcome.FAILURE, channel=channel, user=_person_named(username), username=username,
               address=address, detail=detail)
        raise SignInRefused(locked=False)
    lockout.release(checks)
    record(outcome=Outcome.SUCCESS, channel=channel, user=user, address=address)
    return user


def token_lifetime() -> timedelta | None:
    hours = settings.GUANJIA_TOKEN_HOURS
    return timedelta(hours=hours) if hours > 0 else None


def issue_token(request, user, *, label: str = "") -> tuple[ApiToken, str]:
    """A new API token for `user` (the key is returned once; only its hash is kept). A token sign-in
    is a sign-in: `last_login` says so."""
    with transaction.atomic():
        token, key = ApiToken.objects.create(
            user=user, expiry=token_lifetime(), address=client_address(request), label=label[:100])
        update_last_login(None, user)
    return token, key


def revoke_tokens(*, user, actor=None, request=None, handles=None, channel: str = Channel.WEB,
                  reason: str = "") -> int:
    """Revoke `user`'s tokens (those named by `handles`, else all of them); each revocation is logged."""
    tokens = ApiToken.objects.filter(user=user)
    if handles is not None:
        tokens = tokens.filter(handle__in=list(handles))
    revoked = list(tokens.values_list("handle", flat=True))
    if not revoked:
        return 0
    with transaction.atomic():
        ApiToken.objects.filter(user=user, handle__in=revoked).delete()
        detail = reason or _("吊销令牌 %(handles)s") % {"handles": ", ".join(revoked)}
        record(outcome=Outcome.TOKEN_REVOKED, channel=channel, request=request, user=user,
               actor=actor, detail=detail)
    return len(revoked)


def change_own_password(request, *, user, old_password: str, new_password: str, channel: str) -> None:
    """A person changes their own password: checked, validated by the policy, every token revoked."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("原密码不正确。")})
    validate_password(new_password, user)
    set_password(user=user, password=new_password, actor=user, request=request, channel=channel, forced=False)


@transaction.atomic
def set_password(*, user, password: str, actor, request=None, channel: str = Channel.WEB, forced: bool) -> None:
    """Set `user`'s password (already validated); `forced`: they must change it at their next sign-in
    (an admin's reset, an initial password). Every token issued before it stops working."""
    user.set_password(password)
    user.must_change_password = forced
    user.save(update_fields=["password", "must_change_password"])
    lockout.unlock(user.get_username())  # a new password: the account may sign in with it at once
    record(outcome=Outcome.PASSWORD_CHANGED, channel=channel, request=request, user=user, actor=actor,
           detail=_("管理员重置，须在下次登录时修改") if forced else "")
    revoke_tokens(user=user, actor=actor, request=request, channel=channel, reason=_("修改密码，此前签发的令牌全部失效"))


def roles_changed(*, person, before: set[str], after: set[str], actor, request=None) -> None:
    from guanjia.core.choices import Role

    if before == after:
        return
    names = dict(Role.choices)
    parts = [f"+{names.get(code, code)}" for code in sorted(after - before)]
    parts += [f"−{names.get(code, code)}" for code in sorted(before - after)]
    record(outcome=Outcome.ROLE_CHANGED, channel=Channel.WEB, request=request, user=person, actor=actor,
           detail=" ".join(str(part) for part in parts))


def deactivated(*, person, actor, request=None) -> None:
    """An admin's 停用: logged, and every token of the person revoked (a session ends at its next request)."""
    record(outcome=Outcome.DEACTIVATED, channel=Channel.WEB, request=request, user=person, actor=actor)
    revoke_tokens(user=person, actor=actor, request=request, reason=_("账号停用，令牌全部吊销"))
