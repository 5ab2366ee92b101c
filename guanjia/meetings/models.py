"""Joint meetings (会办会 / 联席会 / 协调会 / 研判会 / 调度会) and the action items (督办事项) they decide."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.models import ScopedQuerySet, TimeStampedModel
from guanjia.meetings.choices import ITEM_COLOURS, STATUS_COLOURS, ItemState, ItemStatus, Kind, Status
from guanjia.workflow.models import TrackedModel


def meeting_scope(user, role: str) -> Q | None:
    """The meetings a person reaches through one role that is not zone-wide (None: none).

    Meetings are internal: enterprise contacts reach none. Staff reach the meetings
    they convened, attend, or own a decision of; a butler also those convened in
    their workstation or with their requests/projects on the agenda; a unit handler
    those their unit attends or owns a decision of.
    """
    if role not in (Role.BUTLER, Role.UNIT):
        return None
    attending = Meeting.attendees.through.objects.filter(user=user.pk).values("meeting")
    owning = ActionItem.objects.filter(owner_person=user.pk).values("meeting")
    q = Q(convener=user.pk) | Q(pk__in=attending) | Q(pk__in=owning)
    if role == Role.BUTLER:
        if user.workstation_id:
            q |= Q(convener__workstation=user.workstation_id)
        q |= Q(pk__in=Meeting.requests.through.objects.filter(request__butler=user.pk).values("meeting"))
        q |= Q(pk__in=Meeting.projects.through.objects.filter(project__butler=user.pk).values("meeting"))
    if role == Role.UNIT and user.unit_id:
        q |= Q(pk__in=Meeting.units.through.objects.filter(unit=user.unit_id).values("meeting"))
        q |= Q(pk__in=ActionItem.objects.filter(owner_unit=user.unit_id).values("meeting"))
    return q


class MeetingQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        return meeting_scope(user, role)


class Meeting(TimeStampedModel):
    """A joint meeting (会办会 / 联席会 / 协调会 / 研判会 / 调度会) convened to settle hard requests and projects.

    Its decisions are action items (督办事项), each with an owner unit and a deadline.
    """

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(_("会议类型"), max_length=20, choices=Kind.choices, default=Kind.JOINT)
    title = models.CharField(_("会议名称"), max_length=200)
    starts_at = models.DateTimeField(_("会议时间"))
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    convener = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("召集人"), on_delete=models.PROTECT, related_name="convened_meetings"
    )
    units = models.ManyToManyField("org.Unit", verbose_name=_("参会单位"), blank=True, related_name="meetings")
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("参会人员"), blank=True, related_name="attended_meetings"
    )
    requests = models.ManyToManyField(
        "requests.Request", verbose_name=_("议题诉求"), blank=True, related_name="meetings"
    )
    projects = models.ManyToManyField(
        "projects.Project", verbose_name=_("议题项目"), blank=True, related_name="meetings"
    )
    settled_requests = models.ManyToManyField(
        "requests.Request", verbose_name=_("会议办结的诉求"), blank=True, related_name="settled_by_meetings"
    )
    minutes = models.TextField(_("会议纪要"), blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED,
                              editable=False)
    held_at = models.DateTimeField(_("纪要登记时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True, editable=False)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["zone", "starts_at"], name="meeting_zone_starts"),
            models.Index(fields=["zone", "status"], name="meeting_zone_status"),
            models.Index(fields=["convener"], name="meeting_convener"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("meetings:detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")

    @property
    def meeting_date(self):
        """The meeting's day in the zone's time zone: deadlines count from it."""
        return timezone.localtime(self.starts_at).date()


class ActionItemQuerySet(ScopedQuerySet):
    zone_field = "meeting__zone"

    def scope_for_role(self, user, role):
        # An action item is seen by whoever sees its meeting: one definition of access.
        q = meeting_scope(user, role)
        return None if q is None else Q(meeting__in=Meeting.objects.filter(q).values("pk"))

    def overdue(self, now=None):
        return self.filter(status=ItemStatus.OPEN, deadline__lt=now or timezone.now())


class ActionItem(TrackedModel, TimeStampedModel):
    """An action item (督办事项): one decision of a meeting, owned by a unit, due on the working-day clock.

    Its tracked item (meetings.workflow) holds its clock, timeline and place in its owner's 我的待办;
    `deadline` and `deadline_provisional` show that clock's due time here.
    """

    WORKFLOW = "action_item"
    meeting = models.ForeignKey(Meeting, verbose_name=_("会议"), on_delete=models.CASCADE,
                                related_name="action_items")
    text = models.TextField(_("事项"))
    owner_unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT,
                                   related_name="meeting_action_items")
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="meeting_action_items",
    )
    request = models.ForeignKey(
        "requests.Request", verbose_name=_("关联诉求"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="meeting_action_items",
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("关联项目"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="meeting_action_items",
    )
    deadline = models.DateTimeField(_("完成时限"))
    deadline_days = models.PositiveSmallIntegerField(
        _("时限（工作日）"), null=True, blank=True, help_text=_("自会议日期次日起算的工作日数；按日期给出时为空。")
    )
    deadline_provisional = models.BooleanField(_("时限按临时日历"), default=False, editable=False)
    # A deadline chosen as a date: kept so that loading that year's notice can recount it (the deadline
    # itself is the close of the last working day on or before it).
    deadline_date = models.DateField(_("选定的截止日期"), null=True, blank=True, editable=False)
    status = models.CharField(_("状态"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.OPEN,
                              editable=False)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True, editable=False)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("完成登记人"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="+", editable=False)
    result = models.TextField(_("办理结果"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+", editable=False)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("督办事项")
        verbose_name_plural = _("督办事项")
        ordering = ["deadline", "pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="actionitem_status_deadline"),
            models.Index(fields=["owner_unit", "status"], name="actionitem_unit_status"),
        ]

    def __str__(self) -> str:
        return self.text[:50]

    def get_absolute_url(self) -> str:
        return f"{self.meeting.get_absolute_url()}#item-{self.pk}"

    def state(self, now=None) -> str:
        if self.status == ItemStatus.DONE:
            return ItemState.DONE
        if (now or timezone.now()) > self.deadline:
            return ItemState.OVERDUE
        return ItemState.OPEN

    @property
    def is_overdue(self) -> bool:
        return self.state() == ItemState.OVERDUE

    @property
    def state_display(self) -> str:
        return str(ItemState(self.state()).label)

    @property
    def state_colour(self) -> str:
        return ITEM_COLOURS[self.state()]
