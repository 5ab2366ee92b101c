from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from guanjia.core.choices import Role
from guanjia.core.forms import IdsField, RequestFormMixin, people_with_role
from guanjia.enterprises.models import Enterprise
from guanjia.org.models import Unit
from guanjia.projects.models import Project
from guanjia.requests.actions import ACTION_SERVICES
from guanjia.requests.choices import (
    OPEN_TASK_STATUSES,
    TRANSITIONS,
    Action,
    Category,
    EscalationTarget,
    Rating,
    Source,
    Status,
    SuspendReason,
    Urgency,
)
from guanjia.requests.models import Request
from guanjia.requests.services import INTAKE_KEY_MAX


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class RaiseForm(RequestFormMixin, forms.Form):
    """提出诉求: staff register one from any channel; an enterprise contact blows the whistle (吹哨)."""

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None)
    project = forms.ModelChoiceField(label=_("相关项目"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.VISIT)
    addressed_leader = forms.ModelChoiceField(label=_("直通车领导"), queryset=None, required=False,
                                              help_text=_("来源为“直通车”时必选。"))
    category = forms.ChoiceField(label=_("类别"), choices=Category.choices)
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("附件"))
    # One-time key of this form: sent twice (a double-click, a reload), it finds the first request.
    intake_key = forms.CharField(label=_("重复提交校验码"), required=False, max_length=INTAKE_KEY_MAX,
                                 widget=forms.HiddenInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["enterprise"].queryset = Enterprise.objects.visible_to(user).active().only("pk", "name")
        self.fields["project"].queryset = Project.objects.visible_to(user).active().only("pk", "name")
        self.fields["addressed_leader"].queryset = people_with_role(self.request, Role.LEADER)
        self.fields["attachments"].widget.attrs["class"] = "form-control"
        if self.is_portal:
            # 吹哨: always for the contact's own enterprise, whatever the browser sends.
            for name in ("enterprise", "source", "addressed_leader"):
                del self.fields[name]

    @property
    def is_portal(self) -> bool:
        user = self.request.user
        from guanjia.requests.selectors import enterprise_only

        return enterprise_only(user)


def merge_targets(user, subject):
    """The requests a duplicate may be merged into (并单): the same enterprise's others that still go on,
    newest first, as the person sees them; none without a subject. Read only when the 并单 tab shows."""
    if subject is None:
        return Request.objects.none()
    statuses = [*TRANSITIONS[Action.MERGE].sources, Status.RESOLVED]
    return (Request.objects.visible_to(user).filter(enterprise=subject.enterprise_id, status__in=statuses)
            .exclude(pk=subject.pk).order_by("-pk"))


def working_units(units, subject):
    """The units still working on the request (a task 待签收 or 办理中), among `units`: whom a 批示 may address.
    Read from the request's tasks as its page prefetched them."""
    if subject is None:
        return units.none()
    return units.filter(pk__in=[t.unit_id for t in subject.unit_tasks.all() if t.status in OPEN_TASK_STATUSES])


class ActionForm(RequestFormMixin, forms.Form):
    """One form for every action; each action reads the fields it takes (actions.ACTION_SERVICES)."""

    comment = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    answer = forms.CharField(label=_("答复内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reason = forms.CharField(label=_("理由"), required=False)
    resolve = forms.BooleanField(label=_("答复即办结"), required=False)
    lead_unit = forms.ModelChoiceField(label=_("牵头单位"), queryset=None, required=False)
    co_units = IdsField(label=_("协办单位"), queryset=None, required=False)
    unit_due = forms.DateField(label=_("办理时限（可选）"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}))
    co_unit_due = forms.DateField(label=_("协办时限（可选）"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("不填与牵头单位相同。"))
    days = forms.IntegerField(label=_("延期工作日"), required=False, min_value=1, max_value=30)
    target = forms.ChoiceField(label=_("升级至"), required=False, choices=[("", "—"), *EscalationTarget.choices])
    rating = forms.ChoiceField(label=_("评价"), required=False, choices=[("", "—"), *Rating.choices])
    suspend_reason = forms.ChoiceField(label=_("中止原因"), required=False,
                                       choices=[("", "—"), *SuspendReason.choices])
    into = forms.ModelChoiceField(label=_("并入诉求"), queryset=None, required=False,
                                  help_text=_("同一企业的另一条未关闭的诉求；本诉求将关闭为“已并单”，计时停止。"))
    # 批示's addressees: neither chosen addresses the butler and every unit working on the request.
    to_butler = forms.BooleanField(label=_("致责任管家"), required=False)
    to_units = IdsField(label=_("致承办单位"), queryset=None, required=False,
                        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                        help_text=_("都不选时，批示致责任管家和所有正在办理的单位。"))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput())
    attachments = MultipleFileField(label=_("附件"))

    def __init__(self, *args, subject=None, **kwargs):
        """`subject` is the request acted on: 并单's choices are the other requests of its enterprise."""
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(self.request.user).filter(archived_at__isnull=True)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["into"].queryset = merge_targets(self.request.user, subject)
        self.fields["to_units"].queryset = working_units(units, subject)

    # A service argument that comes from a form field of another name: 中止's reason is a choice, not text.
    RENAMED = {"suspend": {"reason": "suspend_reason"}}

    def data_for(self, action: str) -> dict:
        data = dict(self.cleaned_data)
        for argument, field in self.RENAMED.get(action, {}).items():
            data[argument] = data.pop(field)
        data["co_units"] = list(data.get("co_units") or [])
        data["to_units"] = list(data.get("to_units") or [])
        data.pop("attachments", None)
        return data

    def refuse(self, action: str, error: ValidationError | None = None) -> None:
        """Put the errors of `action` where its tab shows them: a service's on the field its argument came
        from, and any on a field the tab has not (a hand-made post, the hidden version) above the fields."""
        if error is not None:
            renamed = self.RENAMED.get(action, {})
            for argument, messages in (error.message_dict if hasattr(error, "error_dict")
                                       else {NON_FIELD_ERRORS: error.messages}).items():
                field = renamed.get(argument, argument)
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        shown = {self.RENAMED.get(action, {}).get(name, name) for name in ACTION_SERVICES[action][1]}
        for name in [n for n in self.errors if n != NON_FIELD_ERRORS and n not in shown]:
            for message in self.errors.pop(name):
                self.add_error(None, self._labelled(name, message))

    def error_lines(self) -> list[str]:
        """Every error on one line each, labelled, for a page with no tab left to show them in."""
        return [message if name == NON_FIELD_ERRORS else self._labelled(name, message)
                for name, messages in self.errors.items() for message in messages]

    def _labelled(self, name: str, message: str) -> str:
        label = self.fields[name].label if name in self.fields else None
        return f"{label}{pgettext('label separator', '：')}{message}" if label else message


class NoteForm(RequestFormMixin, forms.Form):
    comment = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"required": _("请填写内容。")})
    attachments = MultipleFileField(label=_("附件"))


class ClockRuleForm(RequestFormMixin, forms.ModelForm):
    """A time limit for a clock kind, optionally only for a channel, category or urgency."""

    class Meta:
        from guanjia.requests.models import ClockRule

        model = ClockRule
        fields = ["kind", "source", "category", "urgency", "measure", "amount", "warn"]

    def _post_clean(self):
        pass  # the service validates the rule and replays the clocks it governs
