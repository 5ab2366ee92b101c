"""Meeting pages: list with filters, detail, convene/edit, hold (minutes), decisions, settle, export.

Every object comes through `visible_to(request.user)` (selectors); every write calls a service.
"""

from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View

from guanjia.core.docx import CONTENT_TYPE
from guanjia.core.errors import Conflict
from guanjia.core.views import FilteredListView, HistoryMixin, ScopedDetailView, ScopedMixin, ServiceFormView
from guanjia.meetings import selectors, services
from guanjia.meetings.choices import TRANSITIONS, Action, ItemStatus
from guanjia.meetings.filtersets import ActionItemFilterSet, MeetingFilterSet
from guanjia.meetings.forms import ActionItemForm, CancelForm, CompleteForm, HoldForm, MeetingForm, SettleForm
from guanjia.meetings.minutes import minutes_docx
from guanjia.meetings.models import ActionItem, Meeting


def can_do(user, meeting: Meeting, action: str) -> bool:
    """The user may change the meeting and its status allows the action (buttons and forms on the page)."""
    return meeting.status in TRANSITIONS[action][0] and user.has_perm("meetings.change_meeting", meeting)


def can_resolve_requests(user) -> bool:
    """Settling goes through the request's own 办结: whoever may resolve requests (its permission)."""
    return user.has_perm("requests.resolve_request")


class MeetingListView(FilteredListView):
    model = Meeting
    filterset_class = MeetingFilterSet
    template_name = "meetings/meeting_list.html"
    partial_template_name = "meetings/_meeting_table.html"

    def scoped_queryset(self):
        return selectors.meeting_list(self.request.user)


class MeetingDetailView(HistoryMixin, ScopedDetailView):
    model = Meeting
    template_name = "meetings/meeting_detail.html"

    def scoped_queryset(self):
        return selectors.meeting_detail(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, meeting = self.request.user, self.object
        items = list(meeting.action_items.all())
        timelines = selectors.action_item_timelines(items)
        for item in items:
            item.can_complete = item.status == ItemStatus.OPEN and user.has_perm(
                "meetings.complete_actionitem", item)
            item.timeline = timelines.get(item.item_id, [])
        settled = {r.pk for r in meeting.settled_requests.all()}
        agenda_requests = [(r, r.pk in settled) for r in meeting.requests.all()]
        context.update(
            items=items,
            agenda_requests=agenda_requests,
            can_change=can_do(user, meeting, Action.UPDATE),
            can_hold=can_do(user, meeting, Action.HOLD),
            can_close=can_do(user, meeting, Action.CLOSE),
            can_cancel=can_do(user, meeting, Action.CANCEL),
            can_add_item=can_do(user, meeting, Action.ADD_ACTION_ITEM),
            can_settle=(can_do(user, meeting, Action.SETTLE) and can_resolve_requests(user)
                        and len(settled) < len(agenda_requests)),
        )
        if context["can_add_item"]:
            context["item_form"] = ActionItemForm(request=self.request, instance=meeting, auto_id="item_%s")
        if context["can_settle"]:
            context["settle_form"] = SettleForm(request=self.request, instance=meeting, auto_id="settle_%s")
        return context


class MeetingCreateView(ServiceFormView):
    model = Meeting
    form_class = MeetingForm
    permission = "meetings.add_meeting"
    template_name = "meetings/meeting_form.html"
    success_message = _("会议已召集。")

    def get_initial(self):
        initial = {}
        request_id = self.request.GET.get("request")
        if request_id and request_id.isdigit():
            initial["requests"] = [int(request_id)]
        return initial

    def perform(self, form):
        return services.meeting_create(actor=self.request.user, **form.cleaned_data)


class MeetingUpdateView(ServiceFormView):
    model = Meeting
    object_view = True
    form_class = MeetingForm
    permission = "meetings.change_meeting"
    template_name = "meetings/meeting_form.html"
    success_message = _("会议信息已保存。")

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        # Parse into a fresh copy so that a failed save does not show half-changed data elsewhere.
        kwargs["instance"] = self.scoped_queryset().get(pk=self.object.pk)
        return kwargs

    def perform(self, form):
        return services.meeting_update(actor=self.request.user, meeting=self.object, **form.cleaned_data)


class MeetingActionFormView(ServiceFormView):
    """A form on one meeting (hold, cancel, add a decision, settle a request) handed to one service."""

    model = Meeting
    object_view = True
    permission = "meetings.change_meeting"
    template_name = "meetings/action_form.html"
    title = ""
    anchor = ""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.object
        context["title"] = self.title
        return context

    def get_success_url(self, saved=None):
        return self.object.get_absolute_url() + self.anchor


class MeetingHoldView(MeetingActionFormView):
    form_class = HoldForm
    title = _("登记会议召开及纪要")
    success_message = _("会议已登记为已召开。")

    def perform(self, form):
        return services.meeting_hold(actor=self.request.user, meeting=self.object, **form.cleaned_data)


class MeetingCancelView(MeetingActionFormView):
    form_class = CancelForm
    title = _("取消会议")
    success_message = _("会议已取消。")

    def perform(self, form):
        return services.meeting_cancel(actor=self.request.user, meeting=self.object, **form.cleaned_data)


class ActionItemAddView(MeetingActionFormView):
    form_class = ActionItemForm
    title = _("新增督办事项")
    success_message = _("督办事项已登记。")
    anchor = "#items"

    def perform(self, form):
        return services.action_item_add(actor=self.request.user, meeting=self.object, **form.cleaned_data)


class MeetingSettleView(MeetingActionFormView):
    form_class = SettleForm
    title = _("会议办结诉求")
    success_message = _("诉求已由会议办结。")
    anchor = "#agenda"

    def perform(self, form):
        return services.meeting_settle_request(actor=self.request.user, meeting=self.object, **form.cleaned_data)


class MeetingCloseView(ScopedMixin, View):
    """POST only: 结束 a held meeting; a refusal comes back as a message on the detail page."""

    model = Meeting

    def post(self, request, pk):
        meeting = get_object_or_404(self.scoped_queryset(), pk=pk)
        if not request.user.has_perm("meetings.change_meeting", meeting):
            raise PermissionDenied
        try:
            services.meeting_close(actor=request.user, meeting=meeting)
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, _("会议已结束，未完成的督办事项继续跟踪。"))
        return HttpResponseRedirect(meeting.get_absolute_url())


class MinutesDocxView(ScopedMixin, View):
    """The minutes as a Word document (.docx)."""

    model = Meeting

    def scoped_queryset(self):
        return selectors.meeting_detail(self.request.user)

    def get(self, request, pk):
        meeting = get_object_or_404(self.scoped_queryset(), pk=pk)
        return minutes_response(meeting)


def minutes_response(meeting: Meeting) -> HttpResponse:
    response = HttpResponse(minutes_docx(meeting), content_type=CONTENT_TYPE)
    name = quote(f"{meeting.title}-会议纪要.docx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"meeting-{meeting.pk}-minutes.docx\"; filename*=UTF-8''{name}"
    )
    return response


class ActionItemListView(FilteredListView):
    """督办事项: every decision the user may see, overdue ones in red."""

    model = ActionItem
    filterset_class = ActionItemFilterSet
    template_name = "meetings/action_item_list.html"
    partial_template_name = "meetings/_action_item_table.html"

    def scoped_queryset(self):
        return selectors.action_item_list(self.request.user)


class ActionItemCompleteView(ServiceFormView):
    model = ActionItem
    object_view = True
    form_class = CompleteForm
    permission = "meetings.complete_actionitem"
    template_name = "meetings/action_form.html"
    success_message = _("督办事项已办结。")

    def scoped_queryset(self):
        return selectors.action_item_list(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["meeting"] = self.object.meeting
        context["item"] = self.object
        context["title"] = _("办结督办事项")
        return context

    def perform(self, form):
        return services.action_item_complete(actor=self.request.user, item=self.object, **form.cleaned_data)

    def get_success_url(self, saved=None):
        return self.object.meeting.get_absolute_url() + "#items"



class ActionItemView(ScopedMixin, View):
    """One action item's own address (我的待办, notices): its place on its meeting's page."""

    model = ActionItem

    def get(self, request, pk):
        item = get_object_or_404(self.scoped_queryset().select_related("meeting"), pk=pk)
        return HttpResponseRedirect(item.get_absolute_url())
