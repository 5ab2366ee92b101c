"""Form pieces shared by every app."""

from django import forms
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role


class RequestFormMixin:
    """Forms get the request so that every choice list is limited to what the user may see."""

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select | forms.SelectMultiple) else "form-control"
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            widget.attrs.setdefault("class", css)


def people_with_role(request, role: str):
    from guanjia.org.models import User

    return User.objects.visible_to(request.user).with_role(role).filter(is_active=True).order_by("name")


class AssignForm(RequestFormMixin, forms.Form):
    """Hand a record to another butler or contact leader, with the reason kept in the history."""

    person = forms.ModelChoiceField(label=_("接任人"), queryset=None, required=False,
                                    help_text=_("留空表示暂不指派。"))
    reason = forms.CharField(label=_("交接原因"), max_length=200)

    def __init__(self, *args, duty_role: str = Role.BUTLER, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["person"].queryset = people_with_role(self.request, duty_role)
