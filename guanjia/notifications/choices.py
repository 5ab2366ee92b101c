"""Notifications (提醒与通知): what a notice is about, how it travels, and the retry schedule."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notification is about: a new piece of work (from the timeline) or a reminder (from the clocks)."""

    NEW_REQUEST = "new_request", _("新诉求待签收")
    LETTER = "letter", _("直通车来信")
    TRANSFERRED = "transferred", _("转办待签收")
    ESCALATED = "escalated", _("诉求升级")
    RETURNED = "returned", _("退单待仲裁")
    WITHDRAWN = "withdrawn", _("任务撤回")
    FEEDBACK = "feedback", _("部门反馈")
    EXTENDED = "extended", _("诉求延期")
    EXTENSION_APPLIED = "extension_applied", _("延期申请待审批")
    EXTENSION_APPROVED = "extension_approved", _("延期申请已批准")
    EXTENSION_DENIED = "extension_denied", _("延期申请已驳回")
    MATERIAL_NEEDED = "material_needed", _("请补充材料")
    MATERIAL_SUPPLIED = "material_supplied", _("企业补充材料")
    REOPENED = "reopened", _("诉求重办")
    RATE_ASKED = "rate_asked", _("请评价办理结果")
    ACTION_ASSIGNED = "action_assigned", _("会议交办事项")
    ACTION_DONE = "action_done", _("督办事项已完成")
    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("超期催办")
    OVERDUE_ESCALATION = "overdue_escalation", _("超期升级")
    RATE_REMINDER = "rate_reminder", _("评价提醒")
    ARBITRATED = "arbitrated", _("退单仲裁结果")  # issue 14
    INSTRUCTED = "instructed", _("领导批示")


KIND_ICONS = {
    Kind.NEW_REQUEST: "inbox", Kind.LETTER: "envelope-paper", Kind.TRANSFERRED: "arrow-right-square",
    Kind.ESCALATED: "arrow-up-circle", Kind.RETURNED: "arrow-return-left", Kind.RATE_ASKED: "star",
    Kind.DUE_SOON: "hourglass-split", Kind.OVERDUE: "alarm", Kind.OVERDUE_ESCALATION: "exclamation-octagon",
    Kind.RATE_REMINDER: "star-half", Kind.WITHDRAWN: "x-square", Kind.FEEDBACK: "chat-left-text",
    Kind.EXTENDED: "calendar-plus", Kind.MATERIAL_NEEDED: "paperclip", Kind.MATERIAL_SUPPLIED: "file-earmark-check",
    Kind.REOPENED: "arrow-counterclockwise", Kind.EXTENSION_APPLIED: "calendar-event",
    Kind.EXTENSION_APPROVED: "calendar-check", Kind.EXTENSION_DENIED: "calendar-x",
    Kind.ACTION_ASSIGNED: "clipboard-check", Kind.ACTION_DONE: "check2-square",
    Kind.ARBITRATED: "signpost-split",
    Kind.INSTRUCTED: "pen",
}
KIND_COLOURS = {
    Kind.DUE_SOON: "warning", Kind.OVERDUE: "danger", Kind.OVERDUE_ESCALATION: "danger", Kind.ESCALATED: "danger",
    Kind.RETURNED: "danger", Kind.MATERIAL_NEEDED: "warning", Kind.REOPENED: "warning",
    Kind.EXTENSION_APPLIED: "warning", Kind.EXTENSION_DENIED: "danger",
    Kind.INSTRUCTED: "danger",
}


class Channel(models.TextChoices):
    EMAIL = "email", _("邮件")
    WEBHOOK = "webhook", _("群机器人")


class WebhookKind(models.TextChoices):
    WECOM = "wecom", _("企业微信群机器人")
    DINGTALK = "dingtalk", _("钉钉群机器人")
    FEISHU = "feishu", _("飞书群机器人")


# Only DingTalk and Feishu robots sign their requests; a WeCom robot's key is its URL.
SIGNED_KINDS = frozenset({WebhookKind.DINGTALK, WebhookKind.FEISHU})


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


DELIVERY_COLOURS = {DeliveryStatus.PENDING: "secondary", DeliveryStatus.SENT: "success",
                    DeliveryStatus.FAILED: "danger"}

# A failed attempt is tried again after 1, 5, 30 and 120 minutes; the 5th failure is final.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(minutes=120))
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a sender holds the deliveries it took, so that two workers never send the same one.
LEASE = timedelta(minutes=10)


class ReminderKind(models.TextChoices):
    DUE_SOON = "due_soon", _("临期提醒")
    OVERDUE = "overdue", _("超期催办")
    ESCALATION = "escalation", _("超期升级")
    RATE = "rate", _("评价提醒")


REMINDER_NOTIFICATION_KIND = {
    ReminderKind.DUE_SOON: Kind.DUE_SOON,
    ReminderKind.OVERDUE: Kind.OVERDUE,
    ReminderKind.ESCALATION: Kind.OVERDUE_ESCALATION,
    ReminderKind.RATE: Kind.RATE_REMINDER,
}
