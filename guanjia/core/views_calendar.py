"""Pages of the working-day clock: the calculator (工作日计算器) and the admins' holiday years page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views import generic

from guanjia.core.calendar import (
    FIXED_HOLIDAYS,
    CalendarUnavailable,
    WorkingCalendar,
    calendar_load_year,
    notice_text_for_year,
)
from guanjia.core.calendar.clock import LIBRARY_FIRST_YEAR, LIBRARY_LAST_YEAR
from guanjia.core.calendar.services import MIN_YEAR
from guanjia.core.forms_calendar import HolidayNoticeForm, WorkingDaysForm
from guanjia.core.models import CalendarDay, HolidayYear
from guanjia.core.predicates import is_admin
from guanjia.core.views import ServiceFormView


class WorkingDayCalculatorView(LoginRequiredMixin, generic.TemplateView):
    """Start date + N working days → due date; a GET form, so an answer can be linked to."""

    template_name = "core/calendar.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = WorkingDaysForm(self.request.GET or None, request=self.request)
        calendar = WorkingCalendar.load()
        context.update(
            form=form, calendar=calendar, can_manage=is_admin(self.request.user),
            fixed_holidays="、".join(dict.fromkeys(FIXED_HOLIDAYS.values())),
        )
        if form.is_bound and form.is_valid():
            start, days = form.cleaned_data["start"], form.cleaned_data["days"]
            try:
                result = calendar.add_working_days(start, days)
            except CalendarUnavailable as error:
                form.add_error("start" if error.year <= start.year else "days", error.message)
            else:
                context["result"] = result
                context["notable_days"] = [
                    info for info in calendar.days_between(start, result.due)
                    if info.name or info.working != (info.date.weekday() < 5)
                ]
        return context


class HolidayYearsView(ServiceFormView):
    """Admins only: the years with official holiday data, and the form that loads a year's notice."""

    template_name = "core/calendar_years.html"
    form_class = HolidayNoticeForm

    def check_permission(self, obj=None) -> None:
        if not is_admin(self.request.user):
            raise PermissionDenied

    def get_initial(self):
        if self.request.method != "GET":
            return {}
        calendar = self.calendar
        try:
            year = int(self.request.GET.get("year", ""))
        except ValueError:
            year = calendar.provisional_year
        initial = {"year": year}
        loaded = HolidayYear.objects.visible_to(self.request.user).filter(year=year).first()
        if loaded is not None:
            initial["source"] = loaded.source
        if MIN_YEAR <= year <= calendar.provisional_year:
            initial["notice"] = notice_text_for_year(year, calendar=calendar)
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        calendar = self.calendar
        loaded = {
            y.year: y for y in HolidayYear.objects.visible_to(self.request.user).select_related("loaded_by").annotate(
                holiday_count=Count("days", filter=Q(days__kind=CalendarDay.Kind.HOLIDAY)),
                workday_count=Count("days", filter=Q(days__kind=CalendarDay.Kind.WORKDAY)),
            )
        }
        shown = {calendar.provisional_year, calendar.last_official_year, timezone.localdate().year, *loaded}
        rows = []
        for year in sorted(shown, reverse=True):
            if year in loaded:
                status = "loaded"
            elif year == calendar.provisional_year:
                status = "provisional"
            elif year in calendar.official_years:
                status = "library"
            else:
                status = "missing"
            rows.append({"year": year, "status": status, "loaded": loaded.get(year)})
        context.update(rows=rows, calendar=calendar, library_first=LIBRARY_FIRST_YEAR,
                       library_last=LIBRARY_LAST_YEAR)
        return context

    @cached_property
    def calendar(self) -> WorkingCalendar:
        return WorkingCalendar.load()

    def perform(self, form):
        notice = form.parsed
        try:
            holiday_year = calendar_load_year(
                actor=self.request.user, year=form.cleaned_data["year"], holidays=notice.holidays,
                workdays=notice.workdays, source=form.cleaned_data["source"],
            )
        except ValidationError as error:
            # The service names its arguments; on this form both lists come from the one text box.
            raise ValidationError(_on_form_fields(error)) from error
        messages.success(self.request, _("已载入%(year)s年节假日安排（%(holidays)s个放假日、%(workdays)s个调休上班日）。") % {
            "year": holiday_year.year,
            "holidays": holiday_year.days.filter(kind=CalendarDay.Kind.HOLIDAY).count(),
            "workdays": holiday_year.days.filter(kind=CalendarDay.Kind.WORKDAY).count(),
        })
        return holiday_year

    def get_success_url(self, saved=None):
        return reverse("calendar:years")


def _on_form_fields(error: ValidationError) -> dict[str, list[str]]:
    """The service's errors by form field: its `holidays` and `workdays` both come from the `notice` box."""
    merged: dict[str, list[str]] = {}
    by_field = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
    for field, field_messages in by_field.items():
        merged.setdefault("notice" if field in ("holidays", "workdays") else field, []).extend(field_messages)
    return merged
