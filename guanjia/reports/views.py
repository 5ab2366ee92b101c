"""The request statistics page (诉求统计) and its Excel export; both read `Request.objects.visible_to(user)`."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views import generic

from guanjia.core.views import xlsx_response
from guanjia.reports.exports import request_stats_workbook
from guanjia.reports.forms import RequestStatsForm
from guanjia.reports.predicates import may_view_request_stats
from guanjia.reports.selectors import BREAKDOWNS, FIGURE_LABELS, request_stats_report
from guanjia.requests.models import Request

# The cards, in order: (figure, how it is shown, icon).
CARDS = (
    ("received", "count", "inbox"),
    ("accepted", "count", "check2-square"),
    ("resolved", "count", "check2-all"),
    ("overdue", "count", "alarm"),
    ("response_rate", "rate", "lightning-charge"),
    ("closure_rate", "rate", "clipboard-check"),
    ("on_time_closure_rate", "rate", "stopwatch"),
    ("satisfaction_rate", "rate", "emoji-smile"),
    ("first_satisfaction_rate", "rate", "1-circle"),
    ("reopen_rate", "rate", "arrow-counterclockwise"),
    ("avg_working_days_to_resolve", "days", "calendar-check"),
    ("instructions", "count", "pen"),
)


class RequestStatsMixin(LoginRequiredMixin):
    """Reads the period form and builds the report over the caller's visible requests; 403 for other roles."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not may_view_request_stats(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_report(self):
        self.form = RequestStatsForm(self.request.GET or None)
        if self.form.is_bound and not self.form.is_valid():
            return None
        date_from, date_to = self.form.period if self.form.is_bound else (self.form.default_from,
                                                                            self.form.default_to)
        return request_stats_report(Request.objects.visible_to(self.request.user), date_from=date_from,
                                    date_to=date_to)


class RequestStatsView(RequestStatsMixin, generic.TemplateView):
    template_name = "reports/request_stats.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.get_report()
        context["form"] = self.form
        context["report"] = report
        if report is not None:
            overall = report["overall"]
            context["cards"] = [{"name": name, "label": FIGURE_LABELS[name], "value": overall[name], "kind": kind,
                                 "icon": icon} for name, kind, icon in CARDS]
            context["tables"] = [{"by": by, "label": BREAKDOWNS[by].label, "rows": rows}
                                 for by, rows in report["breakdowns"].items()]
            context["chart_data"] = chart_data(report)
            context["export_query"] = f"from={report['from'].isoformat()}&to={report['to'].isoformat()}"
        return context


class RequestStatsExportView(RequestStatsMixin, generic.View):
    def get(self, request):
        report = self.get_report()
        if report is None:
            return HttpResponse("; ".join(f"{field}: {' '.join(errors)}"
                                          for field, errors in self.form.error_detail().items()),
                                status=400, content_type="text/plain; charset=utf-8")
        return xlsx_response(request_stats_workbook(report),
                             f"request-stats-{report['from']:%Y%m%d}-{report['to']:%Y%m%d}.xlsx")


def _percent(value):
    return None if value is None else round(value * 100, 1)


def chart_data(report: dict) -> dict:
    """What the three ECharts charts draw (rates as percentages); sent to the page with json_script."""
    breakdowns = report["breakdowns"]

    def series(by: str, *names: str, limit: int | None = None) -> dict:
        rows = breakdowns[by][:limit] if limit else breakdowns[by]
        data = {"labels": [row["label"] for row in rows]}
        for name in names:
            data[name] = [_percent(row[name]) if name.endswith("_rate") else row[name] for row in rows]
        return data

    return {
        "names": {name: str(FIGURE_LABELS[name]) for name in
                  ("received", "accepted", "resolved", "closure_rate", "on_time_closure_rate")},
        "empty": _("区间内没有数据"),
        "month": series("month", "received", "accepted", "resolved", "closure_rate"),
        "category": series("category", "accepted", "resolved"),
        # The 15 busiest lead units; the full list is in the table and the export.
        "unit": series("unit", "accepted", "resolved", "on_time_closure_rate", limit=15),
    }
