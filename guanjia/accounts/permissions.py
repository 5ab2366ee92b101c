from django.utils.translation import gettext_lazy as _
from rest_framework import permissions


class PasswordIsCurrent(permissions.BasePermission):
    """A person whose password must change (an initial or reset one) may only change it; views that
    stay open meanwhile say `allowed_before_password_change = True`."""

    message = _("请先修改初始密码（POST /api/v1/me/password/），然后再继续使用。")

    def has_permission(self, request, view):
        from guanjia.accounts.middleware import must_change_password

        return getattr(view, "allowed_before_password_change", False) or not must_change_password(request.user)
