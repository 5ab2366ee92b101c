"""`guanjia demo`: migrate, load the 咸阳高新区 demo zone into an empty database, print the logins, serve."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core import processes
from guanjia.core.management.base import LocalizedCommand
from guanjia.demo import zone as demo
from guanjia.demo.wipe import wipe_database
from guanjia.org.models import Zone

GUNICORN_CONFIG = "python:guanjia.settings.gunicorn_conf"


def web_server_command(*, port: int) -> list[str]:
    """gunicorn with the product's settings (a fixed pool of threads, a long listen queue), on this
    interpreter and settings (inherited environment); `make serve` runs the same."""
    return [sys.executable, "-m", "gunicorn", "--config", GUNICORN_CONFIG, "--bind", f"127.0.0.1:{port}"]


def start_job_consumer(command: BaseCommand) -> subprocess.Popen | None:
    """Start the background job consumer (huey's `run_huey`: notices, webhooks, reminders) beside the
    demo web server; it stops when the demo stops."""
    from guanjia.notifications.consumer import start_in_background

    process = start_in_background()
    if process is not None:
        command.stdout.write(_("后台任务已启动（pid %(pid)s）。") % {"pid": process.pid})
    return process


WATCH_INTERVAL = 0.1  # seconds between looks at the stop request and the web server


def serve(command: BaseCommand, *, port: int) -> None:
    """Serve with gunicorn beside the job consumer until Ctrl-C (or SIGTERM), then stop both.

    Ctrl-C in a terminal (or a SIGTERM) reaches this process alone: gunicorn and the consumer run in process
    groups of their own, and this process stops each with one signal and waits for it (`processes.stop`).
    The signal handler only records the request (raising from it could land between starting a child and
    keeping hold of it, and that child would never be stopped).
    """
    # This process only watches its children from now on: it keeps no database connection of its own.
    connections.close_all()
    stop_requested: list[int] = []
    handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum in handlers:  # SIGINT also when started with it ignored (a background job)
        signal.signal(signum, lambda signum, frame: stop_requested.append(signum))
    web = consumer = None
    try:
        consumer = start_job_consumer(command)
        if not stop_requested:
            web = processes.start(web_server_command(port=port))
            while not stop_requested and web.poll() is None:
                time.sleep(WATCH_INTERVAL)
        status = 0 if stop_requested else web.returncode
    finally:
        for signum in handlers:  # a second Ctrl-C while they stop
            signal.signal(signum, signal.SIG_IGN)
        for child in (web, consumer):
            if child is not None:
                processes.stop(child)
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    if status != 0:
        raise CommandError(_("网页服务意外退出（退出码 %(status)s），见上方日志。") % {"status": status})
    command.stdout.write(_("网页服务和后台任务已停止。"))


def use_demo_mode() -> None:
    """The servers the demo starts (this process and those it starts) let the demo accounts keep their
    shared, published password: anywhere else they must change it first (README, Sign-in)."""
    import os

    from django.conf import settings

    os.environ["GUANJIA_DEMO"] = "1"
    settings.GUANJIA_DEMO = True


class Command(LocalizedCommand):
    help = gettext_lazy(
        "迁移数据库；数据库中没有园区时加载咸阳高新区演示数据（--reset 清空后重新加载）；"
        "打印演示账号，并在 127.0.0.1 上启动服务。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset", action="store_true",
            help=_("先清空所有园区、人员和业务数据（保留角色、标签等基础目录），再加载演示数据。"),
        )
        parser.add_argument("--port", type=int, default=8000, help=_("监听端口（默认 8000）。"))
        parser.add_argument("--no-serve", action="store_true", help=_("只迁移、加载并打印账号，不启动服务。"))

    def handle(self, *args, reset: bool, port: int, no_serve: bool, verbosity: int, **options):
        if not 1 <= port <= 65535:
            raise CommandError(_("端口须在 1–65535 之间：%(port)s") % {"port": port})
        call_command("migrate", interactive=False, verbosity=max(0, verbosity - 1), stdout=self.stdout)

        if reset:
            tables = wipe_database()
            self.stdout.write(_("已清空 %(n)d 张数据表。") % {"n": len(tables)})
        if not Zone.objects.exists():
            self.stdout.write(_("正在加载演示园区（咸阳高新区）……"))
            try:
                summary = demo.load_demo_zone()
            except demo.DemoConflict as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(self.style.SUCCESS(
                _(
                    "已加载 %(zone)s：%(workstations)d 个工作站、%(units)d 个单位、%(people)d 名人员"
                    "（企业管家 %(enterprise_butlers)d、项目管家 %(project_butlers)d）、"
                    "%(enterprises)d 家企业（规上 %(enterprises_above)d）、"
                    "%(projects)d 个项目（重点 %(key_projects)d），用时 %(seconds).1f 秒。"
                ) % {"zone": summary.zone.name, "seconds": summary.seconds, **summary.counts}
            ))
        elif demo.demo_zone() is None:
            self.stdout.write(self.style.WARNING(
                _("数据库中已有其他园区的数据，未加载演示园区；如需演示数据，请使用 --reset（将清空现有数据）。")
            ))

        url = f"http://127.0.0.1:{port}/"
        accounts = demo.demo_accounts()
        if accounts:
            self.stdout.write("\n" + _("演示账号（密码均为 %(password)s）：") % {"password": demo.PASSWORD})
            self.stdout.write(demo.format_accounts(accounts))
        self.stdout.write("\n" + _("网址：%(url)s") % {"url": url})
        if no_serve:
            return
        use_demo_mode()
        # DEBUG stays off; whitenoise serves the static files from the apps' folders (WHITENOISE_USE_FINDERS),
        # so the demo needs no collectstatic.
        serve(self, port=port)
