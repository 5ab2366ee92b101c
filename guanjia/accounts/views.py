"""Pages: changing one's password, one's API tokens, and the sign-in log (admins) with its export."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View, generic

from guanjia.accounts import services
from guanjia.accounts.choices import Channel
from guanjia.accounts.filtersets import SignInEventFilterSet
from guanjia.accounts.middleware import password_changed
from guanjia.accounts.models import ApiToken, SignInEvent
from guanjia.core.views import FilteredListView, xlsx_response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's form (old password, the new one twice, the policy's help), saved through the service:
    logged, every API token revoked, the must-change flag cleared; this session stays signed in."""

    template_name = "org/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        services.set_password(user=self.request.user, password=form.cleaned_data["new_password1"],
                              actor=self.request.user, request=self.request, channel=Channel.WEB, forced=False)
        from django.contrib.auth import update_session_auth_hash

        update_session_auth_hash(self.request, form.user)
        password_changed(self.request)
        messages.success(self.request, _("密码已修改；此前签发的接口令牌已全部失效。"))
        return redirect(self.get_success_url())


class MyTokensView(LoginRequiredMixin, generic.ListView):
    """One's own API tokens (never their keys): when and where each was issued, when it expires; revoke."""

    template_name = "accounts/tokens.html"
    context_object_name = "tokens"

    def get_queryset(self):
        return ApiToken.objects.visible_to(self.request.user).order_by("-created")

    def post(self, request):
        handles = None if request.POST.get("all") else request.POST.getlist("token")
        count = services.revoke_tokens(user=request.user, actor=request.user, request=request, handles=handles)
        if count:
            messages.success(request, _("已吊销 %(n)d 个令牌。") % {"n": count})
        return redirect("accounts:tokens")


class SignInLogMixin:
    model = SignInEvent

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("accounts.view_sign_in_log"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class SignInLogView(SignInLogMixin, FilteredListView):
    filterset_class = SignInEventFilterSet
    template_name = "accounts/sign_in_log.html"
    partial_template_name = "accounts/_sign_in_log_table.html"

    def get_queryset(self):
        return super().get_queryset().select_related("actor")

    def get_context_data(self, **kwargs):
        from guanjia.accounts.tasks import retention_days

        return super().get_context_data(**kwargs, retention_days=retention_days())


class SignInLogExportView(SignInLogMixin, LoginRequiredMixin, View):
    def get(self, request):
        from guanjia.accounts.exporting import sign_in_log_workbook

        filterset = SignInEventFilterSet(request.GET, queryset=SignInEvent.objects.visible_to(request.user))
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        return xlsx_response(sign_in_log_workbook(queryset), "sign-in-log.xlsx")
