from django import forms

from guanjia.core.choices import Role
from guanjia.core.forms import RequestFormMixin, people_with_role
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Workstation
from guanjia.projects.choices import STAGE_PLAN_FIELDS, ProjectType
from guanjia.projects.models import Project

DATE_FIELDS = ["signed_on", "land_on", "started_on", "completed_on", "producing_on", "capacity_on"]
PLAN_FIELDS = [field for _stage, field in STAGE_PLAN_FIELDS]


class ProjectForm(RequestFormMixin, forms.ModelForm):
    """Create or edit a project; the stage follows from the dates. Butler and leader change by handover."""

    class Meta:
        model = Project
        fields = ["name", "enterprise", "project_type", "total_investment", "key_level", "workstation", "butler",
                  "contact_leader", *DATE_FIELDS, *PLAN_FIELDS, "address", "description"]
        widgets = {
            **{f: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for f in DATE_FIELDS + PLAN_FIELDS},
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["project_type"].required = False
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).active().only("pk", "name")
        self.fields["workstation"].queryset = Workstation.objects.visible_to(user)
        if self.instance.pk:
            del self.fields["butler"]
            del self.fields["contact_leader"]
        else:
            self.fields["butler"].queryset = people_with_role(self.request, Role.BUTLER)
            self.fields["contact_leader"].queryset = people_with_role(self.request, Role.LEADER)

    def clean_project_type(self):
        # Optional on the form (a form that predates it keeps working): the project's own, else the default.
        return self.cleaned_data.get("project_type") or self.instance.project_type or ProjectType.INDUSTRIAL

    def _post_clean(self):
        # The service validates the real object (full_clean); the form only parses input.
        pass
