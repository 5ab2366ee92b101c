"""Home (我的工作台), login, and the organization pages (units, workstations, people)."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import Count, Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import generic

from guanjia.core.views import ScopedMixin, ServiceFormView
from guanjia.enterprises.models import Enterprise
from guanjia.org import selectors, services
from guanjia.org.auth import LockoutAuthenticationForm
from guanjia.org.forms import PersonForm, UnitForm, WorkstationForm
from guanjia.org.models import Unit, UnitGroup, User, Workstation


class LoginView(auth_views.LoginView):
    form_class = LockoutAuthenticationForm
    template_name = "org/login.html"
    redirect_authenticated_user = True


class HomeView(LoginRequiredMixin, generic.TemplateView):
    template_name = "org/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(selectors.dashboard(self.request.user))
        return context


class UnitListView(ScopedMixin, generic.ListView):
    model = Unit
    template_name = "org/unit_list.html"

    def get_queryset(self):
        return super().get_queryset().filter(archived_at__isnull=True).annotate(people_count=Count("people"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["groups"] = (
            UnitGroup.objects.visible_to(self.request.user)
            .select_related("lead")
            .prefetch_related(Prefetch("partners", queryset=Unit.objects.order_by("name")))
        )
        return context


class WorkstationListView(ScopedMixin, generic.ListView):
    model = Workstation
    template_name = "org/workstation_list.html"

    def get_queryset(self):
        return (
            super().get_queryset().filter(archived_at__isnull=True).select_related("head")
            .annotate(people_count=Count("people", distinct=True),
                      enterprise_count=selectors.workstation_count(Enterprise, current=False))
        )


class PeopleListView(ScopedMixin, generic.ListView):
    model = User
    template_name = "org/people_list.html"
    paginate_by = 50

    def get_queryset(self):
        queryset = (
            super().get_queryset().filter(is_active=True)
            .select_related("unit", "workstation", "enterprise")
            .prefetch_related("roles")
            .order_by("username")
        )
        role = self.request.GET.get("role")
        if role:
            queryset = queryset.filter(roles=role)
        return queryset

    def get_context_data(self, **kwargs):
        from guanjia.core.choices import Role as RoleCode

        context = super().get_context_data(**kwargs)
        context["role_choices"] = RoleCode.choices
        context["current_role"] = self.request.GET.get("role", "")
        return context


class ManageMixin:
    """Organization changes are the service center admins' (org.manage_org)."""

    permission = "org.manage_org"
    template_name = "org/form.html"

    def get_success_url(self, saved=None):
        return reverse(self.success_url_name)


class WorkstationFormView(ManageMixin, ServiceFormView):
    model = Workstation
    form_class = WorkstationForm
    success_url_name = "org:workstations"
    success_message = _("工作站已保存。")

    def perform(self, form):
        data = form.cleaned_data
        if self.object is None:
            return services.workstation_create(actor=self.request.user, zone=self.request.user.zone, **data)
        return services.workstation_update(actor=self.request.user, workstation=self.object, **data)


class UnitFormView(ManageMixin, ServiceFormView):
    model = Unit
    form_class = UnitForm
    success_url_name = "org:units"
    success_message = _("单位已保存。")

    def perform(self, form):
        data = form.cleaned_data
        if self.object is None:
            return services.unit_create(actor=self.request.user, zone=self.request.user.zone, **data)
        return services.unit_update(actor=self.request.user, unit=self.object, **data)


class PersonFormView(ManageMixin, ServiceFormView):
    model = User
    form_class = PersonForm
    success_url_name = "org:people"
    success_message = _("人员已保存。")

    def perform(self, form):
        data = dict(form.cleaned_data)
        password = data.pop("password", "")
        if self.object is None:
            return services.person_create(actor=self.request.user, zone=self.request.user.zone, request=self.request,
                                          password=password or None, **data)
        data.pop("username", None)
        person = services.person_update(actor=self.request.user, person=self.object, request=self.request, **data)
        if password:
            services.person_set_password(actor=self.request.user, person=person, password=password,
                                         request=self.request)
        return person


def set_language(request):
    """The language switch: Django's own (its cookie serves the sign-in page), and for a signed-in person also
    their setting, so that their pages, notices and e-mails follow it wherever they sign in."""
    from django.conf import settings
    from django.views.i18n import set_language as django_set_language

    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if request.method == "POST" and user.is_authenticated and language in dict(settings.LANGUAGES):
        services.person_set_language(actor=user, person=user, language=language)
    return response
