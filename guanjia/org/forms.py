from django import forms
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.forms import RequestFormMixin, people_with_role
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Unit, User, Workstation


class WorkstationForm(RequestFormMixin, forms.ModelForm):
    class Meta:
        model = Workstation
        fields = ["name", "area", "head"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = people_with_role(self.request, Role.LEADER)

    def _post_clean(self):
        pass  # validated by the service


class UnitForm(RequestFormMixin, forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "kind", "phone"]

    def _post_clean(self):
        pass


class PersonForm(RequestFormMixin, forms.ModelForm):
    """Add or edit a person: roles, memberships and (optionally) a new password."""

    roles = forms.MultipleChoiceField(label=_("角色"), choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    password = forms.CharField(label=_("登录密码"), required=False, widget=forms.PasswordInput(render_value=False),
                               help_text=_("新建时留空则暂不能登录；编辑时留空表示不修改。"))

    class Meta:
        model = User
        fields = ["username", "name", "phone", "email", "roles", "workstation", "unit", "enterprise", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["roles"].widget.attrs["class"] = "form-check-input"
        self.fields["workstation"].queryset = Workstation.objects.visible_to(user)
        self.fields["unit"].queryset = Unit.objects.visible_to(user)
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).active().only("pk", "name")
        if self.instance.pk:
            self.fields["username"].disabled = True
            self.initial["roles"] = sorted(self.instance.role_codes)
        else:
            del self.fields["is_active"]

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            validate_password(password, self.instance if self.instance.pk else None)
        return password

    def _post_clean(self):
        pass
