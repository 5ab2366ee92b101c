"""`guanjia create_zone`: day one of a new zone — the zone and its first service-center admin."""

import getpass
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from guanjia.core.audit import audit_context
from guanjia.core.choices import AuditSource, Role
from guanjia.org import services


class Command(BaseCommand):
    help = "Create a zone (园区) and its first admin, who then adds workstations, units and people in the web UI."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="园区名称, e.g. 咸阳高新区")
        parser.add_argument("--code", required=True, help="short code, letters/digits, e.g. xianyang")
        parser.add_argument("--admin", required=True, help="the admin's login name")
        parser.add_argument("--admin-name", default="", help="the admin's full name")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, **options):
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("管理员密码: ")
            if password != getpass.getpass("再输入一次: "):
                raise CommandError("两次输入的密码不一致。")
        try:
            with audit_context(source=AuditSource.COMMAND), transaction.atomic():
                zone = services.zone_create(name=options["name"], code=options["code"])
                admin = services.person_create(
                    actor=None, zone=zone, username=options["admin"], name=options["admin_name"],
                    roles=[Role.ADMIN], password=password,
                )
        except ValidationError as error:
            raise CommandError("；".join(f"{k}: {' '.join(v)}" for k, v in error.message_dict.items())
                               if hasattr(error, "error_dict") else "；".join(error.messages)) from error
        self.stdout.write(self.style.SUCCESS(f"已创建园区“{zone.name}”和管理员 {admin.username}。"))
