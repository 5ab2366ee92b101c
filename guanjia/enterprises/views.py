"""Enterprise pages: list with filters, detail with history, create/edit, handover, archive, export."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from guanjia.core import audit
from guanjia.core.masking import can_see_phones
from guanjia.core.views import (
    ArchiveView,
    AssignView,
    FilteredListView,
    HistoryMixin,
    ScopedDetailView,
    ScopedMixin,
    ServiceFormView,
    xlsx_response,
)
from guanjia.enterprises import services
from guanjia.enterprises.filtersets import EnterpriseFilterSet
from guanjia.enterprises.forms import ContactForm, EnterpriseForm
from guanjia.enterprises.models import Contact, Enterprise
from guanjia.projects.models import Project

LIST_QUERYSET = Enterprise.objects.select_related("workstation", "butler", "contact_leader").prefetch_related("tags")


class EnterpriseListView(FilteredListView):
    queryset = LIST_QUERYSET
    filterset_class = EnterpriseFilterSet
    template_name = "enterprises/enterprise_list.html"
    partial_template_name = "enterprises/_enterprise_table.html"

    def shown_rows(self, scoped):
        # The table's columns (enterprise_rows), not every column of the enterprise and its three relations.
        return scoped.select_related(None).select_related("workstation", "butler").only(
            "name", "archived_at", "uscc", "industry", "scale", "workstation__name", "butler__name",
            "butler__username")


class EnterpriseDetailView(HistoryMixin, ScopedDetailView):
    queryset = LIST_QUERYSET
    template_name = "enterprises/enterprise_detail.html"
    private_fields = {"internal_note": "enterprises.view_internal_note"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        enterprise = self.object
        context["contacts"] = list(enterprise.contacts.all())
        context["show_phones"] = can_see_phones(user)
        context["projects"] = list(
            Project.objects.visible_to(user).filter(enterprise=enterprise).select_related("butler")
        )
        context["assignments"] = audit.assignments_as_read(
            list(enterprise.assignments.select_related("person", "assigned_by")), enterprise, reader=user)
        context["can_change"] = user.has_perm("enterprises.change_enterprise", enterprise)
        context["can_assign"] = user.has_perm("enterprises.assign_enterprise", enterprise)
        context["can_archive"] = user.has_perm("enterprises.archive_enterprise", enterprise)
        # The enterprise's hub: its requests (as the person sees them) and the meetings on them, and 登记诉求.
        from guanjia.meetings.selectors import RECENT_MEETINGS, recent_for_enterprise
        from guanjia.requests import selectors as request_selectors
        from guanjia.requests.services import may_raise

        context["requests"] = request_selectors.recent_of(user, enterprise=enterprise.pk)
        meetings = recent_for_enterprise(user, enterprise.pk)
        context["meetings"], context["more_meetings"] = meetings[:RECENT_MEETINGS], len(meetings) > RECENT_MEETINGS
        context["may_raise"] = may_raise(user) and not enterprise.is_archived
        context["portal"] = request_selectors.enterprise_only(user)
        return context


class EnterpriseCreateView(ServiceFormView):
    model = Enterprise
    form_class = EnterpriseForm
    permission = "enterprises.add_enterprise"
    template_name = "enterprises/enterprise_form.html"
    success_message = _("企业已登记。")

    def perform(self, form):
        return services.enterprise_create(actor=self.request.user, zone=self.request.user.zone,
                                          **form.cleaned_data)


class EnterpriseUpdateView(ServiceFormView):
    model = Enterprise
    object_view = True
    form_class = EnterpriseForm
    permission = "enterprises.change_enterprise"
    template_name = "enterprises/enterprise_form.html"
    success_message = _("企业信息已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Parse into a fresh copy so that a failed save does not show half-changed data elsewhere.
        kwargs["instance"] = self.scoped_queryset().get(pk=self.object.pk)
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        tags = data.pop("tags")
        return services.enterprise_update(actor=self.request.user, enterprise=self.object, tags=tags, **data)


def _assign_butler(*, actor, record, person, reason):
    return services.enterprise_assign_butler(actor=actor, enterprise=record, butler=person, reason=reason)


def _assign_leader(*, actor, record, person, reason):
    return services.enterprise_assign_contact_leader(actor=actor, enterprise=record, leader=person, reason=reason)


class EnterpriseAssignView(AssignView):
    model = Enterprise
    permission = "enterprises.assign_enterprise"


class EnterpriseArchiveView(ArchiveView):
    model = Enterprise
    permission = "enterprises.archive_enterprise"
    archive = staticmethod(lambda *, actor, record: services.enterprise_archive(actor=actor, enterprise=record))
    restore_service = staticmethod(
        lambda *, actor, record: services.enterprise_restore(actor=actor, enterprise=record)
    )


class ContactFormView(ServiceFormView):
    """Add a contact to an enterprise (or edit one with `contact_pk`)."""

    model = Enterprise
    object_view = True
    form_class = ContactForm
    permission = "enterprises.change_enterprise"
    template_name = "enterprises/contact_form.html"
    success_message = _("联系人已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["enterprise"] = self.object
        contact_pk = self.kwargs.get("contact_pk")
        kwargs["instance"] = (
            get_object_or_404(Contact, enterprise=self.object, pk=contact_pk) if contact_pk else None
        )
        return kwargs

    def perform(self, form):
        return services.contact_save(
            actor=self.request.user, enterprise=self.object, contact=form.instance if form.instance.pk else None,
            **form.cleaned_data,
        )

    def get_success_url(self, saved=None):
        return self.object.get_absolute_url() + "#contacts"


class EnterpriseExportView(ScopedMixin, View):
    """The filtered list as .xlsx (the same FilterSet and scope as the page)."""

    model = Enterprise

    def get(self, request):
        from guanjia.enterprises.exporting import enterprises_export

        filterset = EnterpriseFilterSet(request.GET, queryset=self.scoped_queryset(), request=request)
        queryset = filterset.qs if filterset.is_valid() else filterset.queryset.none()
        content = enterprises_export(queryset=queryset, user=request.user)
        return xlsx_response(content, "enterprises.xlsx")


