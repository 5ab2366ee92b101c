"""`guanjia seed`: a realistic dataset of any size for benchmarks, deterministic for a given --seed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guanjia.demo.seed import seed_zone


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = gettext_lazy(
        "批量生成基准测试数据：N 家企业（默认再加 N/5 个项目），同一 --seed 生成相同数据。"
        "默认写入新园区“压测高新区<seed>”，或用 --zone-name 指定（已有园区则沿用其工作站与管家）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=_non_negative, required=True, help=_("企业数量。"))
        parser.add_argument("--projects", type=_non_negative, default=None, help=_("项目数量（默认为企业数的五分之一）。"))
        parser.add_argument("--requests", type=_non_negative, default=0, help=_("诉求数量（诉求模块上线后可用）。"))
        parser.add_argument("--seed", type=int, default=1, help=_("随机种子（默认 1）。"))
        parser.add_argument("--zone-name", default=None, help=_("园区名称（默认“压测高新区<seed>”）。"))

    def handle(self, *args, enterprises: int, projects: int | None, requests: int, seed: int,
               zone_name: str | None, **options):
        if requests:
            raise CommandError(_("暂不能生成诉求：--requests 要等诉求（requests）模块完成后才能使用。"))
        if enterprises < 1:
            raise CommandError(_("--enterprises 至少为 1。"))
        result = seed_zone(
            enterprises=enterprises, projects=projects, seed=seed, zone_name=zone_name,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(self.style.SUCCESS(
            _(
                "已写入 %(zone)s：%(enterprises)s 家企业、%(contacts)s 名企业联系人、%(projects)s 个项目、"
                "新建 %(people)s 名人员；用时 %(seconds).1f 秒。"
            ) % {
                "zone": result.zone.name, "enterprises": f"{result.enterprises:,}", "contacts": f"{result.contacts:,}",
                "projects": f"{result.projects:,}", "people": f"{result.people:,}", "seconds": result.seconds,
            }
        ))
