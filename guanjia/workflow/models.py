"""The workflow kernel's records: what every tracked thing shares, whatever its domain.

A tracked item (TrackedItem) is the kernel's side of one workflow object (a request, a
unit's task, an extension application, a meeting's action item, …): its zone, number,
title, what it concerns, who answers for it, whether it is open, and its soonest running
deadline. The domain object points at it (`item`), and it points back (`kind`, `object_id`).
Its clocks (Clock, with their ledger ClockEvent), its timeline (Event, with Attachment) and
the duties that put it in someone's 我的待办 (Duty) hang from it.

Access stays on the domain models (`visible_to`): nothing here is listed to anyone except
through a domain's queryset or a person's own duties, which a workflow gives only to people
who see the item.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guanjia.workflow import registry
from guanjia.workflow.choices import CLOCK_COLOURS, NO_DEADLINE_COLOUR, ClockState, Measure


class TrackedItem(models.Model):
    """One tracked item (事项) of any workflow: the kernel's record of a request, a task, an approval …

    `status` and `is_open` mirror the domain object's; `due_at` is the soonest deadline of its
    running clocks (none while every clock is paused: `paused`), `warn_at` when that deadline
    turns due soon. The transition helper and the clock operations keep them current.
    """

    kind = models.CharField(_("类型"), max_length=30)
    object_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)  # set once the object is saved
    zone = models.ForeignKey("org.Zone", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey("self", verbose_name=_("所属事项"), on_delete=models.CASCADE, null=True, blank=True,
                               related_name="children")
    number = models.CharField(_("编号"), max_length=30, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    enterprise = models.ForeignKey("enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    project = models.ForeignKey("projects.Project", verbose_name=_("项目"), on_delete=models.PROTECT, null=True,
                                blank=True, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人"), on_delete=models.PROTECT,
                               null=True, blank=True, related_name="+")
    unit = models.ForeignKey("org.Unit", verbose_name=_("责任单位"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+")
    status = models.CharField(_("状态"), max_length=30)
    is_open = models.BooleanField(_("未办结"), default=True)
    due_at = models.DateTimeField(_("最近时限"), null=True, blank=True)
    warn_at = models.DateTimeField(_("临期起点"), null=True, blank=True)
    due_provisional = models.BooleanField(_("时限按临时日历"), default=False)
    paused = models.BooleanField(_("计时暂停"), default=False)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="trackeditem_unique_object")]
        indexes = [
            # A supervisor's 我的待办: the zone's open items past their deadline, soonest first.
            models.Index(fields=["zone", "is_open", "due_at"], name="trackeditem_zone_open_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def colour(self) -> str:
        return item_colour(is_open=self.is_open, paused=self.paused, due_at=self.due_at, warn_at=self.warn_at)


def item_state(*, is_open: bool, paused: bool, due_at, warn_at, now=None) -> str | None:
    """The state an open item shows from its soonest running deadline (None: nothing counts for it)."""
    if not is_open:
        return None
    if due_at is None:
        return ClockState.PAUSED if paused else None
    now = now or timezone.now()
    if now > due_at:
        return ClockState.OVERDUE
    if warn_at is not None and now >= warn_at:
        return ClockState.DUE_SOON
    return ClockState.ON_TRACK


def item_state_q(state: str, *, now, prefix: str = "") -> Q:
    """`item_state` as a database condition on tracked items (`prefix`: the path to the item, e.g. "item__"),
    for lists filtered by the colour they show: the same definition, row for row."""

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    running = q(is_open=True, due_at__gte=now)
    return {
        ClockState.OVERDUE: q(is_open=True, due_at__lt=now),
        ClockState.DUE_SOON: running & q(warn_at__lte=now),
        ClockState.ON_TRACK: running & (q(warn_at__isnull=True) | q(warn_at__gt=now)),
        ClockState.PAUSED: q(is_open=True, due_at__isnull=True, paused=True),
    }[state]


def item_colour(**fields) -> str:
    state = item_state(**fields)
    return CLOCK_COLOURS[state] if state else NO_DEADLINE_COLOUR


class Duty(models.Model):
    """Who an open item waits for: one party per row, which puts it in their 我的待办.

    A party is written as a short key (`workflow.parties`): a person in a role (`butler:12`,
    `leader:7`, `person:5`), a unit (`unit:3`), a zone-wide role (`admin@1`, `leader@1`) or an
    enterprise's contacts (`enterprise:40`). A person's 我的待办 is the open items of their zone
    with a duty for one of their parties. `actionable` is false where the party can do nothing
    now (a unit's task while its request is suspended): such items are listed apart.

    Only open items have duties. Each carries its item's zone, kind and soonest running deadline
    (kept in step by `items`), so that a person's page, counts per kind and total are read from
    this table's one index, sorted before the few rows shown are joined to their items.
    """

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="duties")
    party = models.CharField(_("责任方"), max_length=40)
    actionable = models.BooleanField(_("待其处理"), default=True)
    # No index of its own: SQLite, planning without statistics, would walk a whole zone's duties by it
    # instead of the person's few by duty_party_due (which holds the zone too).
    zone = models.ForeignKey("org.Zone", on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=30)
    due_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("待办责任")
        verbose_name_plural = _("待办责任")
        constraints = [models.UniqueConstraint(fields=["item", "party"], name="duty_unique_party")]
        indexes = [models.Index(fields=["party", "actionable", "zone", "due_at", "item", "kind"],
                                name="duty_party_due")]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.party}"


class Clock(models.Model):
    """One deadline of a tracked item: working days or wall-clock hours from a start, with pauses,
    restarts and extensions; its ledger (ClockEvent) is replayed when a rule or the calendar changes.

    `kind` is the workflow's name for it (签收时限, 办结时限, 部门办理时限, 完成时限 …); `warn` is
    how early it turns due soon, in its own measure (working days before the due day, or hours).
    """

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("时限"), max_length=20)
    measure = models.CharField(_("计时方式"), max_length=10, choices=Measure.choices)
    amount = models.PositiveIntegerField(_("时限"))
    warn = models.PositiveSmallIntegerField(_("临期提醒"), default=1)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    provisional = models.BooleanField(default=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("时限")
        verbose_name_plural = _("时限")
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["stopped_at", "paused_at", "due_at"], name="wf_clock_running_due"),  # reminders
            # An item's running deadlines: without it SQLite scans every running clock.
            models.Index(fields=["item", "stopped_at", "paused_at", "due_at"], name="wf_clock_item_running"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.kind}"

    @property
    def running(self) -> bool:
        return self.stopped_at is None and not self.cancelled

    def state(self, now=None) -> str:
        if self.stopped_at is not None:
            return ClockState.MET if self.stopped_at <= self.due_at else ClockState.MET_LATE
        if self.paused_at is not None:
            return ClockState.PAUSED
        now = now or timezone.now()
        if now > self.due_at:
            return ClockState.OVERDUE
        if self.warn_at is not None and now >= self.warn_at:
            return ClockState.DUE_SOON
        return ClockState.ON_TRACK

    @property
    def colour(self) -> str:
        return CLOCK_COLOURS[self.state()]


class ClockEvent(models.Model):
    """The ledger of a clock: start, pause, resume, restart, extend, stop, cancel, recompute."""

    clock = models.ForeignKey(Clock, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.clock_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Event(models.Model):
    """One row of an item's timeline (办理过程): who did what, when, from which status to which.

    `internal` events are never shown to an enterprise's contacts. `action` is the workflow's
    name of the move (its label comes from the workflow's spec).
    """

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("时间"), default=timezone.now)
    action = models.CharField(_("操作"), max_length=30)
    from_status = models.CharField(_("原状态"), max_length=30, blank=True)
    to_status = models.CharField(_("新状态"), max_length=30, blank=True)
    comment = models.TextField(_("说明"), blank=True)
    internal = models.BooleanField(_("仅内部可见"), default=False)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["item", "at"], name="event_item_at")]

    def __str__(self) -> str:
        return f"{self.item_id} {self.action}"

    # Labels from the item's workflow (read the events with their item: `timeline.events_of`).

    @property
    def action_label(self):
        return registry.get(self.item.kind).action_label(self.action)

    @property
    def from_label(self):
        return registry.get(self.item.kind).status_label(self.from_status) if self.from_status else ""

    @property
    def to_label(self):
        return registry.get(self.item.kind).status_label(self.to_status) if self.to_status else ""


def attachment_path(instance, filename: str) -> str:
    import uuid
    from pathlib import PurePath

    from guanjia.workflow.attachments import ATTACHMENT_ROOT

    return f"{ATTACHMENT_ROOT}/{instance.item_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Attachment(models.Model):
    """A file attached to an item or one of its timeline events (stored under a random name)."""

    item = models.ForeignKey(TrackedItem, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(Event, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)
    internal = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["file"], condition=~Q(file=""), name="attachment_unique_file")]

    def __str__(self) -> str:
        return self.name


class TrackedModel(models.Model):
    """A domain object that the workflow kernel tracks (a request, a unit's task, an action item …).

    `WORKFLOW` names its spec in the registry; `item` is its tracked item, made with it by
    `workflow.items.insert`. Its clocks, timeline and files are the item's.
    """

    WORKFLOW = ""

    item = models.OneToOneField(TrackedItem, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        abstract = True

    @property
    def clocks(self):
        return Clock.objects.filter(item=self.item_id)

    @property
    def events(self):
        return Event.objects.filter(item=self.item_id)

    @property
    def attachments(self):
        return Attachment.objects.filter(item=self.item_id)
