"""Project pages: list with filters, detail with history, create/edit, handover, archive."""

from django.utils.translation import gettext_lazy as _

from guanjia.core import audit
from guanjia.core.views import (
    ArchiveView,
    AssignView,
    FilteredListView,
    HistoryMixin,
    ScopedDetailView,
    ServiceFormView,
)
from guanjia.enterprises.models import Enterprise
from guanjia.projects import services
from guanjia.projects.choices import STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS
from guanjia.projects.filtersets import ProjectFilterSet
from guanjia.projects.forms import ProjectForm
from guanjia.projects.models import Project

LIST_QUERYSET = Project.objects.select_related("enterprise", "workstation", "butler", "contact_leader")


class ProjectListView(FilteredListView):
    queryset = LIST_QUERYSET
    filterset_class = ProjectFilterSet
    template_name = "projects/project_list.html"
    partial_template_name = "projects/_project_table.html"

    def shown_rows(self, scoped):
        # The table's columns (project_rows), not every column of the project, its enterprise, workstation and
        # two people: five model instances a row, each date of each converted, were most of the page's Python.
        return scoped.select_related(None).select_related("enterprise", "butler").only(
            "name", "archived_at", "stage", "key_level", "total_investment", "started_on",
            "enterprise__name", "butler__name", "butler__username")


class ProjectDetailView(HistoryMixin, ScopedDetailView):
    queryset = LIST_QUERYSET
    template_name = "projects/project_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        context["assignments"] = audit.assignments_as_read(
            list(project.assignments.select_related("person", "assigned_by")), project, reader=user)
        context["can_change"] = user.has_perm("projects.change_project", project)
        context["can_assign"] = user.has_perm("projects.assign_project", project)
        context["can_archive"] = user.has_perm("projects.archive_project", project)
        context["enterprise_shown"] = Enterprise.objects.shows(user, project.enterprise_id)
        from guanjia.requests import selectors as request_selectors
        from guanjia.requests.services import may_raise

        context["requests"] = request_selectors.recent_of(user, project=project.pk)
        context["may_raise"] = may_raise(user) and not project.is_archived
        context["portal"] = request_selectors.enterprise_only(user)
        context["stage_dates"] = [
            (Project._meta.get_field(field).verbose_name, getattr(project, field), getattr(project, planned))
            for (_s, field), (_p, planned) in zip(STAGE_DATE_FIELDS, STAGE_PLAN_FIELDS, strict=True)
        ]
        return context


class ProjectCreateView(ServiceFormView):
    model = Project
    form_class = ProjectForm
    permission = "projects.add_project"
    template_name = "projects/project_form.html"
    success_message = _("项目已登记。")

    def get_initial(self):
        return {"enterprise": self.request.GET.get("enterprise")}

    def perform(self, form):
        return services.project_create(actor=self.request.user, zone=self.request.user.zone, **form.cleaned_data)


class ProjectUpdateView(ServiceFormView):
    model = Project
    object_view = True
    form_class = ProjectForm
    permission = "projects.change_project"
    template_name = "projects/project_form.html"
    success_message = _("项目信息已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.scoped_queryset().get(pk=self.object.pk)
        return kwargs

    def perform(self, form):
        return services.project_update(actor=self.request.user, project=self.object, **form.cleaned_data)


def _assign_butler(*, actor, record, person, reason):
    return services.project_assign_butler(actor=actor, project=record, butler=person, reason=reason)


def _assign_leader(*, actor, record, person, reason):
    return services.project_assign_contact_leader(actor=actor, project=record, leader=person, reason=reason)


class ProjectAssignView(AssignView):
    model = Project
    permission = "projects.assign_project"


class ProjectArchiveView(ArchiveView):
    model = Project
    permission = "projects.archive_project"
    archive = staticmethod(lambda *, actor, record: services.project_archive(actor=actor, project=record))
    restore_service = staticmethod(lambda *, actor, record: services.project_restore(actor=actor, project=record))
