"""`guanjia seed`: a realistic dataset of any size for benchmarks, deterministic for a given --seed."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.core.management.base import LocalizedCommand
from guanjia.demo.seed import seed_zone
from guanjia.demo.seed_requests import seed_requests
from guanjia.requests.choices import Status


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(LocalizedCommand):
    help = gettext_lazy(
        "批量生成基准测试数据：N 家企业（默认再加 N/5 个项目）及 M 条诉求，同一 --seed 生成相同数据。"
        "默认写入新园区“压测高新区<seed>”，或用 --zone-name 指定（已有园区则沿用其工作站与管家）；"
        "只给 --requests 时为已有园区生成诉求。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=_non_negative, default=0, help=_("企业数量。"))
        parser.add_argument("--projects", type=_non_negative, default=None, help=_("项目数量（默认为企业数的五分之一）。"))
        parser.add_argument("--requests", type=_non_negative, default=0,
                            help=_("诉求数量：过去一年的诉求及其时限、部门任务和时间线。"))
        parser.add_argument("--seed", type=int, default=1, help=_("随机种子（默认 1）。"))
        parser.add_argument("--zone-name", default=None, help=_("园区名称（默认“压测高新区<seed>”）。"))

    def handle(self, *args, enterprises: int, projects: int | None, requests: int, seed: int,
               zone_name: str | None, **options):
        if enterprises < 1 and requests < 1:
            raise CommandError(_("请给出 --enterprises（至少为 1）或 --requests。"))

        def progress(message: str) -> None:
            self.stdout.write(f"  {message}")
            self.stdout.flush()

        zone = None
        if enterprises:
            result = seed_zone(enterprises=enterprises, projects=projects, seed=seed, zone_name=zone_name,
                               progress=progress)
            zone = result.zone
            self.stdout.write(self.style.SUCCESS(
                _(
                    "已写入 %(zone)s：%(enterprises)s 家企业、%(contacts)s 名企业联系人、%(projects)s 个项目、"
                    "新建 %(people)s 名人员；用时 %(seconds).1f 秒。"
                ) % {
                    "zone": result.zone.name, "enterprises": f"{result.enterprises:,}",
                    "contacts": f"{result.contacts:,}", "projects": f"{result.projects:,}",
                    "people": f"{result.people:,}", "seconds": result.seconds,
                }
            ))
        if not requests:
            return
        if zone is None:
            from guanjia.org.models import Zone

            name = zone_name or f"压测高新区{seed}"
            zone = Zone.objects.filter(name=name).first()
            if zone is None:
                raise CommandError(_("没有园区“%(zone)s”：请同时给出 --enterprises，或用 --zone-name 指定已有园区。")
                                   % {"zone": name})
        try:
            result = seed_requests(zone=zone, count=requests, seed=seed, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            _(
                "已写入 %(zone)s：%(requests)s 条诉求、%(events)s 条时间线、%(clocks)s 个时限（%(ledger)s 条时限记录）、"
                "%(tasks)s 个部门任务，新建 %(people)s 名人员；用时 %(seconds).1f 秒。"
            ) % {
                "zone": zone.name, "requests": f"{result.requests:,}", "events": f"{result.events:,}",
                "clocks": f"{result.clocks:,}", "ledger": f"{result.clock_events:,}",
                "tasks": f"{result.unit_tasks:,}", "people": f"{result.people:,}", "seconds": result.seconds,
            }
        ))
        self.stdout.write("  " + "、".join(f"{Status(s).label} {n:,}" for s, n in result.statuses.items()))
