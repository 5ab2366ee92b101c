"""Enterprise requests (诉求): what an enterprise needs, who owns it, its clocks and its timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.models import ScopedQuerySet, TimeStampedModel
from guanjia.requests.choices import (
    STATUS_COLOURS,
    Action,
    Category,
    ClockKind,
    ClockState,
    EscalationTarget,
    ExtensionApplicationStatus,
    Rating,
    Source,
    Status,
    SuspendReason,
    UnitTaskRole,
    UnitTaskStatus,
    Urgency,
)


class RequestQuerySet(ScopedQuerySet):
    def scope_for_role(self, user, role):
        if role == Role.BUTLER:  # their own, and those of the enterprises they or their workstation serve
            from guanjia.enterprises.models import served_ids

            return Q(butler=user.pk) | Q(enterprise__in=served_ids(butler=user.pk, workstation=user.workstation_id))
        if role == Role.UNIT and user.unit_id:
            # A unit sees what was transferred to it; once it signed for a task it keeps seeing the
            # request even if the task was later withdrawn (reassigned or settled without its feedback).
            return Q(pk__in=UnitTask.objects.filter(unit=user.unit_id).exclude(
                status=UnitTaskStatus.CANCELLED, signed_at__isnull=True).values("request"))
        if role == Role.ENTERPRISE and user.enterprise_id:
            return Q(enterprise=user.enterprise_id)
        return None

    def open(self):
        from guanjia.requests.choices import OPEN_STATUSES

        return self.filter(status__in=OPEN_STATUSES)


class Request(TimeStampedModel):
    """A request (诉求) raised by or for an enterprise: a difficulty to be answered on time and settled."""

    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="requests")
    number = models.CharField(_("编号"), max_length=20, editable=False)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="requests"
    )
    project = models.ForeignKey(
        "projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="requests",
    )
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("诉求内容"))
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.SUBMITTED,
                              editable=False)
    butler = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("责任管家"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="owned_requests",
    )
    addressed_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("直通车领导"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="letters",
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="raised_requests",
    )
    lead_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("牵头单位"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="led_requests",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入"), on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    first_reply_at = models.DateTimeField(_("首次答复时间"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)
    due_at = models.DateTimeField(_("办结时限"), null=True, blank=True, editable=False)
    due_provisional = models.BooleanField(_("时限按临时日历"), default=False, editable=False)
    answer = models.TextField(_("办理答复"), blank=True)
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices, blank=True)
    rating_reason = models.TextField(_("评价说明"), blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True, editable=False)
    suspend_reason = models.CharField(_("中止原因"), max_length=30, choices=SuspendReason.choices, blank=True)
    status_before_suspend = models.CharField(max_length=20, choices=Status.choices, blank=True, editable=False)
    escalated_to = models.CharField(_("升级至"), max_length=20, choices=EscalationTarget.choices, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0, editable=False)
    extended_days = models.PositiveSmallIntegerField(_("累计延期工作日"), default=0, editable=False)
    reopen_count = models.PositiveSmallIntegerField(_("重办次数"), default=0, editable=False)
    suspended_working_days = models.PositiveIntegerField(_("中止工作日"), default=0, editable=False)
    # Working days from acceptance to resolution less suspensions, fixed when resolved (statistics average it).
    resolution_working_days = models.PositiveIntegerField(_("办结用时（工作日）"), null=True, blank=True,
                                                          editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("诉求")
        verbose_name_plural = _("诉求")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["zone", "number"], name="request_unique_number")]
        indexes = [
            models.Index(fields=["zone", "status"], name="request_zone_status"),
            models.Index(fields=["zone", "accepted_at"], name="request_zone_accepted"),
            models.Index(fields=["zone", "created_at"], name="request_zone_created"),
            models.Index(fields=["butler", "status"], name="request_butler_status"),
            models.Index(fields=["status", "due_at"], name="request_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("requests:detail", args=[self.pk])

    @property
    def status_colour(self) -> str:
        return STATUS_COLOURS.get(self.status, "secondary")


class RequestIntake(models.Model):
    """The one-time key of a raise form (or an API client's Idempotency-Key), kept with the request it made.

    A second submission of the same form by the same person finds that request instead of making
    another. Its own table, so that the requests table and the plans SQLite makes for it stay as
    they are.
    """

    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    request = models.OneToOneField(Request, on_delete=models.CASCADE, related_name="intake")
    # A digest of what the call asked for: the same key with another body is told apart from a repeat.
    fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["raised_by", "key"], name="request_intake_once")]

    def __str__(self) -> str:
        return self.key


class RequestCounter(models.Model):
    """Allocates request numbers per zone and year (GJ-2026-000123) under a row lock."""

    zone = models.ForeignKey("org.Zone", on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="request_counter_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class UnitTask(TimeStampedModel):
    """A request transferred (转办) to one unit, as lead (牵头) or co-unit (协办), with its own deadline."""

    request = models.ForeignKey(Request, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="unit_tasks")
    unit = models.ForeignKey("org.Unit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="tasks")
    role = models.CharField(_("角色"), max_length=10, choices=UnitTaskRole.choices)
    status = models.CharField(_("状态"), max_length=20, choices=UnitTaskStatus.choices,
                              default=UnitTaskStatus.PENDING)
    due_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    feedback = models.TextField(_("办理反馈"), blank=True)
    done_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    return_reason = models.TextField(_("退单理由"), blank=True)

    class Meta:
        verbose_name = _("部门任务")
        verbose_name_plural = _("部门任务")
        ordering = ["role", "pk"]
        indexes = [models.Index(fields=["unit", "status"], name="unittask_unit_status")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"


class Clock(models.Model):
    """One deadline of a request (签收 / 首次答复 / 办结 / 部门): due time, pauses and extensions.

    Its state (on track, due soon, overdue, paused) follows from the time now; every
    change is also kept in ClockEvent so that a changed rule can be replayed.
    """

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("时限"), max_length=20, choices=ClockKind.choices)
    unit_task = models.ForeignKey(UnitTask, on_delete=models.CASCADE, null=True, blank=True, related_name="clocks")
    measure = models.CharField(max_length=10, choices=[("days", _("工作日")), ("hours", _("小时"))])
    amount = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    provisional = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)
    warn_hours = models.PositiveIntegerField(default=24)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            models.Index(fields=["stopped_at", "paused_at", "due_at"], name="clock_running_due"),  # reminder job
            # A request's next running deadline (worklists): without it SQLite scans every running clock.
            models.Index(fields=["request", "stopped_at", "paused_at", "due_at"], name="clock_request_running"),
        ]

    def __str__(self) -> str:
        return f"{self.request.number} {self.get_kind_display()}"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.stopped_at is not None:
            return ClockState.MET if self.stopped_at <= self.due_at else ClockState.MET_LATE
        if self.paused_at is not None:
            return ClockState.PAUSED
        if now > self.due_at:
            return ClockState.OVERDUE
        if (self.due_at - now).total_seconds() <= self.warn_hours * 3600:
            return ClockState.DUE_SOON
        return ClockState.ON_TRACK


class ClockEvent(models.Model):
    """The ledger of a clock: start, pause, resume, extend, stop, cancel, recompute."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class RequestEvent(models.Model):
    """One row of a request's timeline: who did what, when, from which status to which."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    internal = models.BooleanField(_("仅内部可见"), default=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["request", "at"], name="requestevent_request_at")]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"


class ExtensionApplicationQuerySet(ScopedQuerySet):
    zone_field = "request__zone"

    def scope_for_role(self, user, role):
        # Seen by whoever sees its request, except the enterprise: it sees the outcome (the 延期 on its
        # timeline), not the center's deliberation over it.
        if role == Role.ENTERPRISE:
            return None
        q = Request.objects.all().scope_for_role(user, role)
        return None if q is None else Q(request__in=Request.objects.filter(q).values("pk"))

    def pending(self):
        return self.filter(status=ExtensionApplicationStatus.PENDING)


class ExtensionApplication(TimeStampedModel):
    """An application for an extension (延期申请) by the request's butler or a unit working on it.

    A leader or admin approves it (批准: the extension is then made by `request_extend`, capped and
    counted) or denies it (驳回, with a reason). At most one is pending per request. Its own table, so
    that the requests table and the plans SQLite makes for it stay as they are.
    """

    request = models.ForeignKey(Request, verbose_name=_("诉求"), on_delete=models.CASCADE,
                                related_name="extension_applications")
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                  related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("申请单位"), on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+")
    days = models.PositiveSmallIntegerField(_("申请延期工作日"))
    reason = models.TextField(_("延期理由"))
    status = models.CharField(_("状态"), max_length=10, choices=ExtensionApplicationStatus.choices,
                              default=ExtensionApplicationStatus.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审批人"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)

    objects = ExtensionApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["request"], condition=Q(status="pending"),
                                               name="extension_application_one_pending")]

    def __str__(self) -> str:
        return f"{self.request_id} +{self.days} {self.get_status_display()}"


def attachment_path(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    from guanjia.requests.attachments import ATTACHMENT_ROOT

    return f"{ATTACHMENT_ROOT}/{instance.request_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file attached to a request or one of its events (stored under a random name)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(RequestEvent, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class ClockRuleQuerySet(ScopedQuerySet):
    """Time-limit rules are the service center's configuration: its admins see them, nobody else."""

    def visible_to(self, user):
        if user is not None and user.is_authenticated and user.is_active and user.is_superuser:
            return self.all()
        if user is None or not user.is_authenticated or Role.ADMIN not in user.role_codes:
            return self.none()
        return self.filter(zone=user.zone_id)


class ClockRule(models.Model):
    """A configurable time limit: for a clock kind and optionally a channel, category and urgency.

    The most specific matching rule wins; DEFAULT_RULES in services apply when a zone has none.
    """

    zone = models.ForeignKey("org.Zone", on_delete=models.CASCADE, related_name="clock_rules")
    kind = models.CharField(_("时限"), max_length=20, choices=ClockKind.choices)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices, blank=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, blank=True)
    urgency = models.CharField(_("紧急程度"), max_length=10, choices=Urgency.choices, blank=True)
    measure = models.CharField(_("计时方式"), max_length=10, choices=[("days", _("工作日")), ("hours", _("小时"))])
    amount = models.PositiveIntegerField(_("时限"))
    warn_hours = models.PositiveIntegerField(_("临期提醒（小时）"), default=24)

    objects = ClockRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        constraints = [models.UniqueConstraint(fields=["zone", "kind", "source", "category", "urgency"],
                                               name="clockrule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}{self.get_measure_display()}"
