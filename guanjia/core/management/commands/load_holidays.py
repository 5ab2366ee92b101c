"""`guanjia load_holidays`: load a year's State Council holiday notice into the working-day clock.

    guanjia load_holidays --year 2027 --file notice.txt --source "国办发明电〔2026〕N号"
    guanjia load_holidays --year 2027 --holidays "2027-01-01..2027-01-03:元旦" --workdays 2027-01-04

The text format is in docs/calendar.md (and `guanjia.core.calendar.notice`). Nothing is
written unless the whole notice is valid; loading a year again replaces it.
"""

import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from guanjia.core.audit import audit_context
from guanjia.core.calendar import calendar_load_year, parse_notice
from guanjia.core.choices import AuditSource
from guanjia.core.models import CalendarDay


class Command(BaseCommand):
    help = "Load a year's holidays (放假) and make-up workdays (调休上班) from the State Council notice."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="the notice's year, e.g. 2027")
        parser.add_argument("--file", help="a text file in the notice format (UTF-8); '-' reads standard input")
        parser.add_argument("--holidays", action="append", default=[], metavar="DATES:NAME",
                            help='a holiday, e.g. "2027-01-01..2027-01-03:元旦" (repeatable)')
        parser.add_argument("--workdays", action="append", default=[], metavar="DATES",
                            help="make-up workdays, e.g. 2027-02-14 or 2027-02-14,2027-02-20 (repeatable)")
        parser.add_argument("--source", default="", help="the notice's reference, e.g. 国办发明电〔2026〕N号")
        parser.add_argument("--dry-run", action="store_true", help="check and show the dates, write nothing")

    def handle(self, *args, **options):
        lines = []
        if options["file"]:
            lines.append(self._read(options["file"]))
        lines += options["holidays"]
        lines += [f"上班 {dates}" for dates in options["workdays"]]
        if not any(line.strip() for line in lines):
            raise CommandError("请用 --file 或 --holidays/--workdays 给出放假和调休上班日期。")
        try:
            notice = parse_notice("\n".join(lines))
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        for (first, last), name in notice.holidays:
            self.stdout.write(f"放假 {first:%Y-%m-%d}" + (f"..{last:%Y-%m-%d}" if last != first else "") + f" {name}")
        for day, name in notice.workdays:
            self.stdout.write(f"上班 {day:%Y-%m-%d} {name}".rstrip())
        if options["dry_run"]:
            self.stdout.write("（试运行，未写入）")
            return
        source = options["source"] or "load_holidays"
        if not options["source"] and options["file"] not in (None, "-"):
            source = f"load_holidays {Path(options['file']).name}"
        try:
            with audit_context(source=AuditSource.COMMAND):
                holiday_year = calendar_load_year(
                    actor=None, year=options["year"], holidays=notice.holidays, workdays=notice.workdays,
                    source=source,
                )
        except ValidationError as error:
            raise CommandError("\n".join(
                message for messages in (error.message_dict.values() if hasattr(error, "error_dict")
                                         else [error.messages]) for message in messages
            )) from error
        self.stdout.write(self.style.SUCCESS(
            f"已载入{holiday_year.year}年节假日安排：{holiday_year.days.filter(kind=CalendarDay.Kind.HOLIDAY).count()}个放假日、"
            f"{holiday_year.days.filter(kind=CalendarDay.Kind.WORKDAY).count()}个调休上班日。"))

    def _read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            return Path(name).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取文件 {name}：{error}") from error
