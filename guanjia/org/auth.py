"""The web login form (on the shared lock-out of `guanjia.accounts`) and the authentication backend."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class LockoutAuthenticationForm(AuthenticationForm):
    """Django's login form, signing in through `accounts.services.sign_in`: each attempt counted per
    account and per real client address before its password is checked, and logged."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码不正确。"),
        "locked": _("登录失败次数过多，请 %(minutes)d 分钟后再试或联系管理员。"),
    }

    def clean(self):
        from django.conf import settings

        from guanjia.accounts import services
        from guanjia.accounts.choices import Channel

        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            try:
                self.user_cache = services.sign_in(self.request, username=username, password=password,
                                                   channel=Channel.WEB)
            except services.SignInRefused as refused:
                if refused.locked:
                    raise ValidationError(self.error_messages["locked"], code="locked",
                                          params={"minutes": settings.GUANJIA_LOGIN_LOCK_MINUTES}) from None
                raise self.get_invalid_login_error() from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


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
