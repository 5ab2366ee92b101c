"""`guanjia send_reminders [--now ISO]`: run the reminders once (the same service as the 15-minute job)."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.management.base import LocalizedCommand
from guanjia.notifications.choices import ReminderKind
from guanjia.notifications.reminders import reminders_run


class Command(LocalizedCommand):
    help = gettext_lazy("发送临期、超期催办、超期升级和评价提醒（每条只发一次；非工作时间不发送）。")

    def add_arguments(self, parser):
        parser.add_argument("--now", help=_("以此时间运行（ISO 8601，如 2025-10-09T10:00；无时区按本地时区）。"))

    def handle(self, *args, now: str | None, **options):
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None:
                raise CommandError(_("无法识别的时间：%(now)s") % {"now": now})
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
        summary = reminders_run(now=moment)
        if not summary.ran:
            self.stdout.write(_("未发送：%(reason)s") % {"reason": summary.reason})
            return
        counts = "，".join(f"{ReminderKind(kind).label} {n}" for kind, n in summary.reminders.items())
        self.stdout.write(self.style.SUCCESS(
            _("提醒 %(total)d 条（%(counts)s），通知 %(notifications)d 条，待发送 %(deliveries)d 条。") % {
                "total": summary.total, "counts": counts, "notifications": summary.notifications,
                "deliveries": summary.deliveries}))
