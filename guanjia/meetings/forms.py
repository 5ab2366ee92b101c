"""Forms of the meeting pages: they parse input and limit every choice to what the user may see.

The services validate; a form never assigns a status.
"""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.forms import IdsField, RequestFormMixin
from guanjia.meetings.choices import Status
from guanjia.meetings.models import Meeting

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _staff(user):
    """People of the zone who may attend or own an item: staff, never enterprise contacts."""
    from guanjia.org.models import User

    return User.objects.visible_to(user).filter(is_active=True, enterprise__isnull=True).order_by("name", "pk")


def person_label(person) -> str:
    """A person with where they work, "姓名（单位）" (else the workstation, else the zone): two 王伟 of
    different units are told apart. Read with the person's unit, workstation and zone (select_related)."""
    place = person.unit or person.workstation or person.zone
    return _("%(name)s（%(place)s）") % {"name": person, "place": place} if place else str(person)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


def _units(user):
    from guanjia.org.models import Unit

    return Unit.objects.visible_to(user).active()


def _agenda_requests(user, meeting):
    """The meeting's agenda requests that the user may see."""
    from guanjia.requests.models import Request

    return Request.objects.visible_to(user).filter(pk__in=meeting.requests.values("pk")).order_by("number")


class MeetingForm(RequestFormMixin, forms.ModelForm):
    """Convene or edit a meeting. The convener is chosen by an administrator on creation only;
    the minutes are entered once the meeting is held."""

    convener = forms.ModelChoiceField(label=_("召集人"), queryset=None, required=False,
                                      help_text=_("留空表示由本人召集。"))

    class Meta:
        model = Meeting
        fields = ["kind", "title", "starts_at", "place", "units", "attendees", "requests", "projects", "minutes"]
        widgets = {"starts_at": DATETIME_WIDGET, "minutes": forms.Textarea(attrs={"rows": 8}),
                   "units": forms.SelectMultiple(attrs={"size": 6}),
                   "attendees": forms.SelectMultiple(attrs={"size": 6}),
                   "requests": forms.SelectMultiple(attrs={"size": 6}),
                   "projects": forms.SelectMultiple(attrs={"size": 6})}
        field_classes = {"starts_at": forms.DateTimeField, "units": IdsField, "attendees": IdsField,
                         "requests": IdsField, "projects": IdsField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from guanjia.projects.models import Project
        from guanjia.requests.choices import OPEN_STATUSES
        from guanjia.requests.models import Request

        user = self.request.user
        instance = self.instance
        self.fields["units"].queryset = _units(user)
        self.fields["attendees"].queryset = _staff(user).select_related("unit", "workstation", "zone")
        self.fields["attendees"].label_from_instance = person_label
        agenda = Q(status__in=OPEN_STATUSES)
        if instance.pk:
            # Requests already on the agenda stay selectable even once resolved.
            agenda |= Q(pk__in=instance.requests.values("pk"))
        self.fields["requests"].queryset = Request.objects.visible_to(user).filter(agenda).order_by("-pk")
        self.fields["projects"].queryset = Project.objects.visible_to(user).active()
        for name in ("units", "attendees", "requests", "projects"):
            self.fields[name].help_text = _("按住 Ctrl（Mac 为 ⌘）可多选。")
        if instance.pk or not user.has_perm("meetings.appoint_convener"):
            del self.fields["convener"]
        else:
            self.fields["convener"].queryset = _staff(user).filter(
                roles__in=[Role.ADMIN, Role.BUTLER, Role.LEADER]).distinct()
        if instance.status != Status.HELD:
            del self.fields["minutes"]
        else:
            self.fields["minutes"].required = True

    def _post_clean(self):
        # The service validates the real object (full_clean); the form only parses input.
        pass


class HoldForm(RequestFormMixin, forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 12}),
                              help_text=_("记录会议研究的问题和形成的意见；议定事项请在会议详情页逐条登记。"))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        if instance is not None and instance.minutes:
            self.fields["minutes"].initial = instance.minutes


class CancelForm(RequestFormMixin, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance


class ActionItemForm(RequestFormMixin, forms.Form):
    """A decision of the meeting: what, who, by when (N working days from the meeting date, or a date)."""

    text = forms.CharField(label=_("事项"), widget=forms.Textarea(attrs={"rows": 3}))
    owner_unit = forms.ModelChoiceField(label=_("责任单位"), queryset=None)
    owner_person = PersonChoiceField(label=_("责任人"), queryset=None, required=False)
    days = forms.IntegerField(label=_("时限（工作日）"), min_value=1, max_value=365, required=False,
                              help_text=_("自会议日期次日起算；与截止日期二选一。"))
    due_date = forms.DateField(label=_("截止日期"), required=False, widget=DATE_WIDGET,
                               help_text=_("不能早于会议日期，也不能早于今天。"))
    request = forms.ModelChoiceField(label=_("关联诉求"), queryset=None, required=False)
    project = forms.ModelChoiceField(label=_("关联项目"), queryset=None, required=False)

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        user = self.request.user
        self.fields["owner_unit"].queryset = _units(user)
        # The zone's staff with their unit (else workstation, else zone), read in the options' one query.
        self.fields["owner_person"].queryset = _staff(user).select_related("unit", "workstation", "zone")
        self.fields["request"].queryset = _agenda_requests(user, instance)
        self.fields["project"].queryset = instance.projects.all()


class SettleForm(RequestFormMixin, forms.Form):
    """Settle (办结) a request on the agenda by the meeting's decision."""

    request = forms.ModelChoiceField(label=_("议题诉求"), queryset=None)
    answer = forms.CharField(label=_("办结答复"), widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("将作为诉求的办结答复，企业可见。"))
    confirm = forms.BooleanField(label=_("确认办结"), required=False,
                                 help_text=_("诉求尚有未完成的督办事项时，须勾选确认；这些事项办结后仍继续督办。"))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["request"].queryset = _agenda_requests(user=self.request.user, meeting=instance).exclude(
            pk__in=instance.settled_requests.values("pk"))


class CompleteForm(RequestFormMixin, forms.Form):
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
