"""Forms of a handbook item's page (one per move) and of the half-yearly 代办 report's period."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from guanjia.approvals.choices import Action
from guanjia.approvals.report import default_period

DATE_ERRORS = {"invalid": _("日期格式应为 YYYY-MM-DD，例如 2026-06-30。")}
DATE_BOUNDS = [MinValueValidator(dt.date(1900, 1, 1)), MaxValueValidator(dt.date(2999, 12, 31))]
DATE_WIDGET = {"type": "date", "class": "form-control"}


def _date(label, **kwargs):
    return forms.DateField(label=label, required=False, input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS,
                           validators=DATE_BOUNDS, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
                           **kwargs)


def _text(label, rows=2):
    return forms.CharField(label=label, required=False, widget=forms.Textarea(attrs={"rows": rows,
                                                                                    "class": "form-control"}))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one input (`attachments`); the service checks their types and sizes."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("class", "form-control")

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(FilesField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class MoveForm(forms.Form):
    """A move without input of its own: an optional note (说明)."""

    comment = _text(_("说明"))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class AcceptForm(MoveForm):
    accepted_on = _date(_("受理日期"), help_text=_("默认今天"))
    attachments = FilesField(label=_("受理通知书"))


class AcceptWithGapForm(AcceptForm):
    gap = _text(_("容缺材料"))
    commit_by = _date(_("承诺补齐日期"), help_text=_("默认受理日起按容缺补齐时限计算"))
    attachments = FilesField(label=_("企业书面承诺"))
    field_order = ["gap", "commit_by", "accepted_on", "attachments", "comment"]


class FilesForm(MoveForm):
    attachments = FilesField(label=_("材料"))


class ReasonForm(forms.Form):
    reason = _text(_("理由"))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class CorrectionForm(ReasonForm):
    reason = _text(_("需补正的材料"))


class RefuseForm(ReasonForm):
    attachments = FilesField(label=_("不予许可决定书"))


class ApproveForm(MoveForm):
    document_number = forms.CharField(label=_("批准文号"), required=False,
                                      widget=forms.TextInput(attrs={"class": "form-control"}))
    approved_on = _date(_("办结日期"))
    attachments = FilesField(label=_("批文扫描件"))
    field_order = ["document_number", "approved_on", "attachments", "comment"]


class SupplyForm(forms.Form):
    comment = _text(_("说明"))
    attachments = FilesField(label=_("材料"))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


FORMS = {
    Action.PREPARE: MoveForm, Action.ACCEPT: AcceptForm, Action.ACCEPT_WITH_GAP: AcceptWithGapForm,
    Action.MAKE_GOOD: FilesForm, Action.SUPPLY: SupplyForm, Action.REVIEW: MoveForm,
    Action.REQUEST_CORRECTION: CorrectionForm, Action.RESUBMIT: FilesForm, Action.APPROVE: ApproveForm,
    Action.REFUSE: RefuseForm, Action.NOT_APPLICABLE: ReasonForm,
}


class ReportForm(forms.Form):
    """`from` and `to` (YYYY-MM-DD, both included; default: the current half year)."""

    def __init__(self, *args, today: dt.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_from, self.default_to = default_period(today)
        self.fields["from"] = _date(_("开始日期"), initial=self.default_from)
        self.fields["to"] = _date(_("结束日期"), initial=self.default_to)
        for name in ("from", "to"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        data["from"] = data.get("from") or self.default_from
        data["to"] = data.get("to") or self.default_to
        if data["from"] > data["to"]:
            self.add_error("to", _("结束日期不能早于开始日期。"))
        return data

    @property
    def period(self) -> tuple[dt.date, dt.date]:
        if not self.is_bound:
            return self.default_from, self.default_to
        return self.cleaned_data["from"], self.cleaned_data["to"]

    def error_detail(self) -> dict[str, list[str]]:
        return {("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
                for field, messages in self.errors.items()}
