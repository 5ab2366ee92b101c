"""The statistics period (统计区间): one form read by the page, the export and the API alike."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from guanjia.reports.selectors import BREAKDOWNS, default_period

DATE_ERRORS = {"invalid": _("日期格式应为 YYYY-MM-DD，例如 2025-09-26。")}
# Periods count local days as moments, which year 1 or 9999 would overflow; no request is that old or young.
DATE_BOUNDS = [MinValueValidator(dt.date(1900, 1, 1)), MaxValueValidator(dt.date(2999, 12, 31))]


class RequestStatsForm(forms.Form):
    """`from` and `to` (YYYY-MM-DD, both included; default: the current year) and an optional `by`.

    A period is whole local days (Asia/Shanghai by default).

    The query parameters are named `from` and `to` (API.md), which Python cannot declare
    as class attributes, so the fields are added in `__init__`.
    """

    def __init__(self, *args, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.default_from, self.default_to = default_period(now)
        date_widget = {"type": "date", "class": "form-control form-control-sm"}
        # Unbound (the default page, 本年度) the inputs show the current year the figures are for.
        self.fields["from"] = forms.DateField(
            label=_("开始日期"), required=False, initial=self.default_from, input_formats=["%Y-%m-%d"],
            error_messages=DATE_ERRORS, validators=DATE_BOUNDS,
            widget=forms.DateInput(attrs=date_widget, format="%Y-%m-%d"))
        self.fields["to"] = forms.DateField(
            label=_("结束日期"), required=False, initial=self.default_to, input_formats=["%Y-%m-%d"],
            error_messages=DATE_ERRORS, validators=DATE_BOUNDS,
            widget=forms.DateInput(attrs=date_widget, format="%Y-%m-%d"))
        self.fields["by"] = forms.ChoiceField(
            label=_("分组"), required=False,
            choices=[("", _("不分组")), *((key, spec.label) for key, spec in BREAKDOWNS.items())],
            error_messages={"invalid_choice": _("分组须为 %(choices)s 之一。") % {
                "choices": "、".join(BREAKDOWNS)}},
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        date_from, date_to = data.get("from"), data.get("to")
        # One date alone means its year: from 2025-07-01 runs to 2025-12-31, to 2025-06-30 from 2025-01-01.
        if date_from is None:
            date_from = date_to.replace(month=1, day=1) if date_to else self.default_from
        if date_to is None:
            date_to = date_from.replace(month=12, day=31) if data.get("from") else self.default_to
        data["from"], data["to"] = date_from, date_to
        if data["from"] > data["to"]:
            self.add_error("to", _("结束日期不能早于开始日期。"))
        else:
            # The inputs show the period the figures are for, the dates filled in above included.
            self.data = self.data.copy()
            self.data["from"], self.data["to"] = date_from.isoformat(), date_to.isoformat()
        return data

    @property
    def period(self) -> tuple:
        return self.cleaned_data["from"], self.cleaned_data["to"]

    def error_detail(self) -> dict[str, list[str]]:
        """The errors as API.md's `{"field": ["message", …]}`."""
        return {("non_field_errors" if field == "__all__" else field): [str(m) for m in messages]
                for field, messages in self.errors.items()}
