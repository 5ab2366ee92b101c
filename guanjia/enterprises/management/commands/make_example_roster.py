"""`guanjia make_example_roster [path]`: write the example enterprise roster and the blank template.

The example (docs/examples/企业名录示例.xlsx) holds fictional enterprises of the
咸阳高新区 kind with valid 统一社会信用代码. Its 工作站/企业管家/联系领导 columns name
the demo zone's workstations and people (`guanjia demo`), so it imports cleanly
there; another zone replaces them with its own names (or clears the columns).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from guanjia.enterprises.exporting import roster_template, write_roster

EXAMPLE_NAME = "企业名录示例.xlsx"
TEMPLATE_NAME = "企业名录模板.xlsx"

# (name, region, industry, scale, tags, street and number, legal representative, contact, phone, note)
# Fictional enterprises; the phone numbers are of the unassigned 029-3321 00xx kind.
ENTERPRISES = (
    ("咸阳彩晶光电科技有限公司", "610402", "C39", "规上", "高新技术企业、专精特新",
     "星火大道36号", "王建国", "李娜", "029-33210001", "显示面板配套玻璃基板"),
    ("陕西秦翔轮胎科技有限公司", "610402", "C29", "规上", "高新技术企业",
     "高新一路8号", "张志强", "赵敏", "029-33210002", "全钢子午线轮胎"),
    ("咸阳渭辰生物制药有限公司", "610402", "C27", "规上", "高新技术企业、科技型中小企业",
     "秦皇路12号", "刘海波", "陈静", "029-33210003", ""),
    ("陕西高原新材料股份有限公司", "610400", "C30", "规上", "专精特新“小巨人”",
     "高新二路21号", "杨永红", "周磊", "029-33210004", "电子级石英材料"),
    ("咸阳星火精密机械有限公司", "610402", "C34", "规下", "科技型中小企业",
     "星火大道西段5号", "孙立新", "吴芳", "029-33210005", ""),
    ("咸阳启明软件技术有限公司", "610402", "I65", "规下", "科技型中小企业、瞪羚企业",
     "创业路创业大厦A座1203室", "马晓东", "郑雪", "029-33210006", "工业软件、智能制造解决方案"),
    ("陕西渭水汽车零部件有限公司", "610404", "C36", "规上", "",
     "彩虹一路66号", "胡建军", "何丽", "029-33210007", ""),
    ("咸阳秦汉电子材料有限公司", "610402", "C39", "规上", "专精特新",
     "天工一路18号", "郭宏伟", "高洁", "029-33210008", ""),
    ("咸阳丝路跨境电子商务有限公司", "610402", "F52", "规下", "",
     "世纪大道电商产业园3号楼", "林涛", "罗婷", "029-33210009", ""),
    ("咸阳恒信检测技术有限公司", "610402", "M74", "规下", "科技型中小企业",
     "永昌路9号", "梁晨", "宋佳", "029-33210010", "第三方检验检测"),
    ("陕西中渭电力设备有限公司", "610404", "C38", "规上", "高新技术企业",
     "高新三路15号", "谢国庆", "韩冰", "029-33210011", ""),
    ("咸阳绿源环保科技有限公司", "610402", "N77", "规下", "",
     "朝阳一路27号", "唐伟", "冯霞", "029-33210012", ""),
    ("咸阳天工纺织机械有限公司", "610402", "C35", "规上", "专精特新",
     "天工二路88号", "许长青", "曹颖", "029-33210013", ""),
    ("咸阳博睿医疗器械有限公司", "610402", "C35", "规下", "高新技术企业",
     "科技二路生物医药产业园B区6号", "邓飞", "彭丽", "029-33210014", ""),
    ("咸阳秦创孵化器管理有限公司", "610402", "L72", "规下", "",
     "科技一路创业大厦B座", "曾志远", "萧然", "029-33210015", "科技企业孵化服务"),
)


def example_uscc(n: int, region: str) -> str:
    """A 统一社会信用代码 of the post-2015 "MA6…" kind, both check characters right (as the demo's)."""
    from guanjia.demo.codes import ALPHABET, uscc_from

    value, tail = n * 7_919 + 104_729, []
    for _ in range(5):
        value, digit = divmod(value, len(ALPHABET))
        tail.append(ALPHABET[digit])
    return uscc_from(region, "MA6" + "".join(tail))


def station_of(street: str) -> int:
    """The index of the demo workstation (guanjia/demo/names.py) whose streets include this address."""
    from guanjia.demo.names import WORKSTATIONS

    for index, (_name, _area, streets) in enumerate(WORKSTATIONS):
        if any(street.startswith(s) for s in streets):
            return index
    raise ValueError(f"no demo workstation serves {street}")


def example_rows() -> list[list[str]]:
    """The example's lines. Workstations, butlers and leaders are the demo zone's (guanjia/demo/zone.py):
    butler{i} serves station (i-1) % 6, and station k is headed by leader (k = 0) or leader{k+1};
    people are written by username because the demo's personal names are generated.
    """
    from guanjia.demo.names import WORKSTATIONS, ZONE_ADDRESS
    from guanjia.demo.zone import ENTERPRISE_BUTLERS
    from guanjia.enterprises import industry

    stations = len(WORKSTATIONS)
    served: dict[int, int] = {}
    rows = []
    for n, (name, region, code, scale, tags, street, legal, contact, phone, note) in enumerate(ENTERPRISES, 1):
        k = station_of(street)
        butlers = list(range(k + 1, ENTERPRISE_BUTLERS + 1, stations))
        butler = butlers[served.get(k, 0) % len(butlers)]
        served[k] = served.get(k, 0) + 1
        rows.append([
            name, example_uscc(n, region), industry.label(code), scale, tags, ZONE_ADDRESS + street, legal,
            WORKSTATIONS[k][0], f"butler{butler}", "leader" if k == 0 else f"leader{k + 1}", contact, phone, note,
        ])
    return rows


def default_directory() -> Path:
    return Path(settings.BASE_DIR).parent / "docs" / "examples"


class Command(BaseCommand):
    help = "Write the example enterprise roster (企业名录示例.xlsx) and the blank template (企业名录模板.xlsx)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help=f"where to write the example (default docs/examples/{EXAMPLE_NAME})")
        parser.add_argument(
            "--template", help=f"where to write the blank template (default: {TEMPLATE_NAME} beside the example)"
        )

    def handle(self, *args, path=None, template=None, **options):
        example_path = Path(path) if path else default_directory() / EXAMPLE_NAME
        template_path = Path(template) if template else example_path.parent / TEMPLATE_NAME
        example_path.parent.mkdir(parents=True, exist_ok=True)
        template_path.parent.mkdir(parents=True, exist_ok=True)
        example_path.write_bytes(write_roster(example_rows(), instructions=True))
        template_path.write_bytes(roster_template())
        self.stdout.write(f"{example_path} ({len(ENTERPRISES)} enterprises)\n{template_path}")
