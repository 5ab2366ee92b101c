"""The inbox (消息中心) with mark-as-read, and the admins' group robot pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import generic

from guanjia.core.views import FilteredListView, ScopedMixin, ServiceFormView
from guanjia.notifications import selectors, services
from guanjia.notifications.choices import DeliveryStatus
from guanjia.notifications.filtersets import NotificationFilterSet
from guanjia.notifications.forms import WebhookEndpointForm
from guanjia.notifications.models import Notification, WebhookEndpoint

# htmx listeners (the unread badge) refresh on this event.
CHANGED_EVENT = "notificationsChanged"


class InboxView(FilteredListView):
    model = Notification
    queryset = Notification.objects.select_related("item")
    filterset_class = NotificationFilterSet
    template_name = "notifications/inbox.html"
    partial_template_name = "notifications/_list.html"
    paginate_by = 30

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread_total"] = selectors.unread_count(self.request.user)
        return context


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return fallback


class MarkReadView(ScopedMixin, generic.View):
    """POST: mark one's notice read. htmx gets the row back; `open=1` goes on to what the notice is about."""

    model = Notification
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = get_object_or_404(self.scoped_queryset(), pk=pk)
        services.notification_mark_read(actor=request.user, notification=notification)
        if request.POST.get("open") and notification.link:
            if not selectors.can_open(request.user, notification):
                messages.info(request, _("该事项已不在您的办理范围内（如任务已撤回），无法查看。"))
                return HttpResponseRedirect(reverse("notifications:inbox"))
            target = notification.link
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(target)
        if getattr(request, "htmx", False):
            response = render(request, "notifications/_item.html", {"n": notification})
            response["HX-Trigger"] = CHANGED_EVENT
            return response
        return HttpResponseRedirect(_safe_next(request, reverse("notifications:inbox")))


class MarkAllReadView(LoginRequiredMixin, generic.View):
    http_method_names = ["post"]

    def post(self, request):
        services.notification_mark_all_read(actor=request.user)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return HttpResponseRedirect(_safe_next(request, reverse("notifications:inbox")))


class BadgeView(LoginRequiredMixin, generic.View):
    """The unread badge alone, for an htmx element that refreshes on `notificationsChanged`."""

    def get(self, request):
        return render(request, "notifications/_badge.html",
                      {"notifications_unread": selectors.unread_count(request.user)})


class WebhookAdminMixin:
    permission = "notifications.manage_webhooks"

    def check_permission(self, obj=None) -> None:
        if not self.request.user.has_perm(self.permission, obj):
            raise PermissionDenied


class WebhookListView(WebhookAdminMixin, ScopedMixin, generic.ListView):
    """Admins only: the zone's group robots, with the deliveries that failed or wait for a retry."""

    model = WebhookEndpoint
    template_name = "notifications/webhook_list.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.check_permission()
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        return (super().get_queryset().select_related("unit", "person")
                .annotate(sent=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SENT)),
                          failed=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.FAILED)),
                          pending=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PENDING))))


class WebhookFormView(WebhookAdminMixin, ServiceFormView):
    model = WebhookEndpoint
    form_class = WebhookEndpointForm
    template_name = "notifications/webhook_form.html"
    success_message = _("群机器人已保存。")

    def perform(self, form):
        data = {k: form.cleaned_data.get(k) for k in ("name", "kind", "url", "unit", "person", "enabled")}
        if self.object is None:
            return services.webhook_endpoint_create(actor=self.request.user, zone=self.request.user.zone,
                                                    secret=form.secret_value() or "", **data)
        return services.webhook_endpoint_update(actor=self.request.user, endpoint=self.object,
                                                secret=form.secret_value(), **data)

    def get_success_url(self, saved=None):
        return reverse("notifications:webhooks")
