"""Login hardening: repeated failures lock a username (and the address it came from) for a while."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_FAILURES = 5
LOCK_SECONDS = 15 * 60


def _keys(request, username: str) -> list[str]:
    address = request.META.get("REMOTE_ADDR", "") if request else ""
    return [f"login-fail:user:{username.lower()}", f"login-fail:addr:{address}"]


def is_locked(request, username: str) -> bool:
    user_key, addr_key = _keys(request, username)
    return cache.get(user_key, 0) >= MAX_FAILURES or cache.get(addr_key, 0) >= MAX_FAILURES * 4


def record_failure(request, username: str) -> None:
    for key in _keys(request, username):
        cache.add(key, 0, LOCK_SECONDS)
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, LOCK_SECONDS)


def clear_failures(request, username: str) -> None:
    cache.delete(_keys(request, username)[0])


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "locked": _("登录失败次数过多，请 15 分钟后再试或联系管理员。"),
    }

    def clean(self):
        username = (self.cleaned_data.get("username") or "").strip()
        if username and is_locked(self.request, username):
            raise ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                record_failure(self.request, username)
            raise
        clear_failures(self.request, username)
        return cleaned


class ModelBackend(DjangoModelBackend):
    """Django's ModelBackend, reading the signed-in person with their zone: every page's header names it.

    The person's own language (`User.language`, kept by the language switch) replaces the browser's
    as soon as they are read: their pages, and the notices on them, are then in it. Done here rather
    than in a middleware so that a view that never asks who is signed in reads no one.
    """

    def get_user(self, user_id):
        UserModel = get_user_model()  # noqa: N806 - Django's own name for it
        try:
            user = UserModel._default_manager.select_related("zone").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        if not self.user_can_authenticate(user):
            return None
        use_own_language(user)
        return user


def use_own_language(user) -> None:
    """Speak the person's own language from now on in this request, if they chose one."""
    from django.utils import translation

    if user.language and user.language != translation.get_language():
        translation.activate(user.language)
