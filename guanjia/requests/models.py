"""Enterprise requests (诉求): what an enterprise needs, who owns it, its clocks and its timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from guanjia.core.choices import Role
from guanjia.core.models import ScopedQuerySet, TimeStampedModel
from guanjia.requests.choices import (
    STATUS_COLOURS,
    Arbitration,
    Category,
    ClockKind,
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
from guanjia.workflow.choices import Measure
from guanjia.workflow.models import TrackedModel


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


class Request(TrackedModel, TimeStampedModel):
    """A request (诉求) raised by or for an enterprise: a difficulty to be answered on time and settled.

    Tracked by the workflow kernel (requests.workflow): its item holds its clocks, timeline and duties.
    """

    WORKFLOW = "request"
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
    # The leaders' 批示: how many were given, and the latest one, shown on top of the request for the staff.
    instruction_count = models.PositiveSmallIntegerField(_("批示次数"), default=0, editable=False)
    instruction = models.TextField(_("最新批示"), blank=True, editable=False)
    instructed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("批示领导"), on_delete=models.PROTECT, null=True, blank=True,
        editable=False, related_name="+",
    )
    instructed_at = models.DateTimeField(_("批示时间"), null=True, blank=True, editable=False)
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


class RequestRatingQuerySet(ScopedQuerySet):
    zone_field = "request__zone"

    def scope_for_role(self, user, role):
        # Seen by whoever sees its request (the enterprise sees its own ratings).
        q = Request.objects.all().scope_for_role(user, role)
        return None if q is None else Q(request__in=Request.objects.filter(q).values("pk"))


class RequestRating(models.Model):
    """One 回访评价 given on a request: who rated it, when, how, and why.

    Every rating is kept, one that reopened the request (不满意 → 重办) included: the 满意率 counts
    them all and the 一次满意率 the first of each request (`number` 1). `Request.rating` keeps only the
    current one, which the request's page shows.
    """

    request = models.ForeignKey(Request, verbose_name=_("诉求"), on_delete=models.CASCADE, related_name="ratings")
    number = models.PositiveSmallIntegerField(_("第几次评价"))
    rating = models.CharField(_("评价"), max_length=20, choices=Rating.choices)
    reason = models.TextField(_("评价说明"), blank=True)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评价人"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="+")
    rated_at = models.DateTimeField(_("评价时间"))

    objects = RequestRatingQuerySet.as_manager()

    class Meta:
        verbose_name = _("评价记录")
        verbose_name_plural = _("评价记录")
        ordering = ["request", "number"]
        constraints = [models.UniqueConstraint(fields=["request", "number"], name="request_rating_unique_number")]

    def __str__(self) -> str:
        return f"{self.request_id} #{self.number} {self.get_rating_display()}"


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


class UnitTaskQuerySet(ScopedQuerySet):
    zone_field = "request__zone"

    def scope_for_role(self, user, role):
        # Seen by whoever sees its request (a unit: its own tasks, and those of requests it signed for).
        q = Request.objects.all().scope_for_role(user, role)
        return None if q is None else Q(request__in=Request.objects.filter(q).values("pk"))


class UnitTask(TrackedModel, TimeStampedModel):
    """A request transferred (转办) to one unit, as lead (牵头) or co-unit (协办), with its own deadline.

    Its tracked item carries the unit's own clock (部门办理时限) and puts it in the unit's 我的待办;
    its moves (签收, 反馈, 退单, 撤回) are written on the request's timeline.
    """

    WORKFLOW = "unit_task"
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
    # The center's decision on the unit's latest 退单 (issue 14): blank, with no time, while it waits.
    arbitration = models.CharField(_("仲裁结果"), max_length=12, choices=Arbitration.choices, blank=True)
    arbitrated_at = models.DateTimeField(_("仲裁时间"), null=True, blank=True)
    instruction = models.TextField(_("仲裁意见"), blank=True)

    objects = UnitTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("部门任务")
        verbose_name_plural = _("部门任务")
        ordering = ["role", "pk"]
        indexes = [models.Index(fields=["unit", "status"], name="unittask_unit_status")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def awaits_arbitration(self) -> bool:
        """Returned (退单) and not yet decided by the center."""
        return self.status == UnitTaskStatus.RETURNED and self.arbitrated_at is None


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


class ExtensionApplication(TrackedModel, TimeStampedModel):
    """An application for an extension (延期申请) by the request's butler or a unit working on it.

    A leader or admin approves it (批准: the extension is then made by `request_extend`, capped and
    counted) or denies it (驳回, with a reason). At most one is pending per request. Its own table, so
    that the requests table and the plans SQLite makes for it stay as they are. Its tracked item puts it
    in the approvers' 我的待办 while it is pending.
    """

    WORKFLOW = "extension_application"
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
    measure = models.CharField(_("计时方式"), max_length=10, choices=Measure.choices)
    amount = models.PositiveIntegerField(_("时限"))
    warn = models.PositiveSmallIntegerField(
        _("临期提醒"), default=1,
        help_text=_("到期前多久转为临期（黄牌）：按工作日计时的为到期日前的工作日数（0 为到期当天），按小时计时的为小时数。"))

    objects = ClockRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("时限规则")
        verbose_name_plural = _("时限规则")
        constraints = [models.UniqueConstraint(fields=["zone", "kind", "source", "category", "urgency"],
                                               name="clockrule_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}{self.get_measure_display()}"


def attachment_path(instance, filename: str) -> str:  # pragma: no cover - named by migration 0001 only
    """Where attachments were stored before they moved to the workflow kernel (`workflow.Attachment`)."""
    from guanjia.workflow.models import attachment_path as kernel_attachment_path

    return kernel_attachment_path(instance, filename)
