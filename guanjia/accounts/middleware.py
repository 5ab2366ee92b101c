"""Sessions end after `GUANJIA_SESSION_IDLE_MINUTES` without a request, and a person whose password
must change (an initial or reset one) reaches nothing else until they change it."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

SEEN_KEY = "_guanjia_seen"
# Kept in the session at sign-in, so that a page that never asks who is signed in reads no one.
MUST_CHANGE_KEY = "_guanjia_must_change_password"
# The session is written again only once this many seconds have passed: not on every page.
STAMP_EVERY = 60


def stamp_activity(request, user=None) -> None:
    """A new session: its idle clock starts, and it remembers whether its password must change first."""
    request.session[SEEN_KEY] = int(time.time())
    request.session[MUST_CHANGE_KEY] = bool(getattr(user, "must_change_password", False))


def password_changed(request) -> None:
    if hasattr(request, "session"):
        request.session[MUST_CHANGE_KEY] = False


def must_change_password(user) -> bool:
    return bool(getattr(user, "must_change_password", False)) and not settings.GUANJIA_DEMO


class SessionPolicyMiddleware:
    """After authentication and messages: the idle timeout, then the forced password change."""

    # Reachable while a password must change: the change itself, signing out, the language switch.
    ALLOWED_NAMES = ("password_change", "logout", "set_language", "javascript-catalog")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id"):
            response = self._check(request, session)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, session):
        now = int(time.time())
        seen = session.get(SEEN_KEY)
        idle = settings.GUANJIA_SESSION_IDLE_MINUTES * 60
        if idle and seen is not None and now - seen > idle:
            request._guanjia_logout_reason = _("空闲超时")
            logout(request)
            if request.path.startswith("/api/"):
                return None  # signed out: the API answers 401/403 by itself
            messages.info(request, _("您已 %(minutes)d 分钟未操作，请重新登录。") % {
                "minutes": settings.GUANJIA_SESSION_IDLE_MINUTES})
            return redirect_to_login(request.get_full_path())
        if seen is None or now - seen >= STAMP_EVERY:
            session[SEEN_KEY] = now
        # The session's flag spares everybody else reading who is signed in; the person is read only to confirm
        # it (a password changed elsewhere has ended this session, and with it the flag).
        if session.get(MUST_CHANGE_KEY) and must_change_password(request.user) and not self._allowed(request):
            if request.path.startswith("/api/"):
                return None  # the API answers for itself (`permissions.PasswordIsCurrent`)
            messages.warning(request, _("请先修改初始密码，然后再继续使用。"))
            return redirect("password_change")
        return None

    def _allowed(self, request) -> bool:
        return request.path in {reverse(name) for name in self.ALLOWED_NAMES}
