from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from guanjia.core.choices import Role
from guanjia.core.forms import IdsField, RequestFormMixin, is_id, people_with_role
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
    UnitTaskStatus,
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


class KeptInput(forms.TextInput):
    """A value the page carries but does not show, in a text input: a browser puts a text input's value back
    when the page is opened again with Back (not a hidden input's, nor one never changed since it was
    served: guanjia.js makes the served value its current one alone, `data-keep-on-back`). The raise form's one-time key survives Back
    this way, so that sending the form again finds the first request."""

    is_hidden = True

    def __init__(self, attrs=None):
        super().__init__({"hidden": True, "data-keep-on-back": True, **(attrs or {})})


class EnterprisePicker(forms.Widget):
    """A search box (名称或统一社会信用代码) that lists matching enterprises as one types (htmx,
    `requests:enterprise-search`), and the picked one's id in a KeptInput; picking it loads its projects
    into the project select (`requests:raise-projects`). Without script, the full name or credit code typed
    into the box is taken when it names exactly one enterprise (RaiseForm.clean)."""

    chosen_name = ""  # the picked enterprise's name, set by the form
    search_text: str | None = None  # what was typed into the box, on a refused form

    def render(self, name, value, attrs=None, renderer=None):
        from django.template.loader import render_to_string
        from django.urls import reverse

        attrs = attrs or {}
        return render_to_string("requests/_enterprise_picker.html", {
            "name": name, "value": "" if value is None else value, "id": attrs.get("id", f"id_{name}"),
            "search": self.search_text if self.search_text is not None else self.chosen_name,
            "chosen": self.chosen_name, "search_url": reverse("requests:enterprise-search"),
            "projects_url": reverse("requests:raise-projects"),
        })


class RaiseForm(RequestFormMixin, forms.Form):
    """提出诉求: staff register one from any channel; an enterprise contact blows the whistle (吹哨)."""

    enterprise = forms.ModelChoiceField(label=_("企业"), queryset=None, required=False, widget=EnterprisePicker)
    project = forms.ModelChoiceField(label=_("相关项目"), queryset=None, required=False)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.VISIT)
    addressed_leader = forms.ModelChoiceField(label=_("直通车领导"), queryset=None, required=False,
                                              help_text=_("来源为“直通车”时必选。"))
    # No silent default: a request filed under a category nobody chose skews the statistics by category.
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("请选择")), *Category.choices])
    urgency = forms.ChoiceField(label=_("紧急程度"), choices=Urgency.choices, initial=Urgency.NORMAL)
    title = forms.CharField(label=_("标题"), max_length=200)
    description = forms.CharField(label=_("诉求内容"), widget=forms.Textarea(attrs={"rows": 5}))
    attachments = MultipleFileField(label=_("附件"))
    # One-time key of this form: sent twice (a double-click, a reload, Back and again), it finds the first
    # request. Kept in a text input so that Back brings the same key back (KeptInput).
    intake_key = forms.CharField(label=_("重复提交校验码"), required=False, max_length=INTAKE_KEY_MAX,
                                 widget=KeptInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.request.user
        self.fields["addressed_leader"].queryset = people_with_role(self.request, Role.LEADER)
        self.fields["attachments"].widget.attrs["class"] = "form-control"
        projects = Project.objects.visible_to(user).active().only("pk", "name")
        if self.is_portal:
            # 吹哨: always for the contact's own enterprise, whatever the browser sends.
            for name in ("enterprise", "source", "addressed_leader"):
                del self.fields[name]
            self.fields["project"].queryset = projects
            return
        field = self.fields["enterprise"]
        field.queryset = Enterprise.objects.visible_to(user).active().only("pk", "name")
        chosen = self.data.get("enterprise") if self.is_bound else self.initial.get("enterprise")
        chosen = str(chosen).strip() if chosen is not None and is_id(chosen) else None
        # Only the chosen enterprise's projects; none before one is chosen. The service refuses another's too.
        self.fields["project"].queryset = projects.filter(enterprise=chosen) if chosen else projects.none()
        if not chosen:
            self.fields["project"].empty_label = _("请先选择企业")
        if self.is_bound:
            field.widget.search_text = self.data.get("enterprise_search", "")
        elif chosen:  # ?enterprise=<id>: the picker shows its name (one query, on this page only)
            found = field.queryset.filter(pk=chosen).first()
            field.widget.chosen_name = found.name if found else ""
            if found is None:
                self.initial["enterprise"] = None

    @property
    def is_portal(self) -> bool:
        user = self.request.user
        from guanjia.requests.selectors import enterprise_only

        return enterprise_only(user)

    def clean(self):
        data = super().clean()
        if "enterprise" in self.fields and not data.get("enterprise") and "enterprise" not in self.errors:
            from guanjia.requests.selectors import raise_enterprise_exact

            typed = self.data.get("enterprise_search", "").strip()
            found = raise_enterprise_exact(user=self.request.user, text=typed) if typed else None
            if found is not None:
                data["enterprise"] = found
            else:
                self.add_error("enterprise", _("请从搜索结果中选择企业。") if typed else _("请选择企业。"))
        return data


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
    # -- arbitration and deadlines that agree (issue 14) --
    unit = forms.ModelChoiceField(label=_("退单单位"), queryset=None, required=False,
                                  help_text=_("多个单位退单待仲裁时必选。"))
    move_unit_deadlines = forms.BooleanField(
        label=_("同时顺延各单位的办理时限"), required=False,
        help_text=_("勾选后，未办结的部门任务中早于新办结时限的，其办理时限顺延至新的办结时限；不勾选则各单位时限不变。"))

    def __init__(self, *args, subject=None, **kwargs):
        """`subject` is the request acted on: 并单's choices are the other requests of its enterprise."""
        super().__init__(*args, **kwargs)
        units = Unit.objects.visible_to(self.request.user).filter(archived_at__isnull=True)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        self.fields["into"].queryset = merge_targets(self.request.user, subject)
        self.fields["to_units"].queryset = working_units(units, subject)
        self._arbitration_fields(subject)

    def _arbitration_fields(self, subject) -> None:
        """The units whose 退单 waits (for 同意 / 驳回), and the request's 办结时限 on the units' date fields: the
        page warns at once of a unit deadline past it (guanjia.js, `data-request-due`), which saving refuses."""
        self.fields["unit"].queryset = (
            Unit.objects.none() if subject is None else
            Unit.objects.filter(tasks__request=subject.pk, tasks__status=UnitTaskStatus.RETURNED,
                                tasks__arbitrated_at__isnull=True).distinct())
        if subject is not None and subject.due_at is not None:
            due = timezone.localtime(subject.due_at).date()
            warning = _("晚于诉求的办结时限 %(due)s，保存时将被拒绝；请先为诉求延期，或选择不晚于该日的日期。") % {
                "due": formats.date_format(due, "SHORT_DATE_FORMAT")}
            for name in ("unit_due", "co_unit_due"):
                self.fields[name].widget.attrs.update({"data-request-due": due.isoformat(),
                                                       "data-request-due-warning": warning})

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
