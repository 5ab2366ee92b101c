"""国民经济行业分类 GB/T 4754-2017: sections (门类) and divisions (大类).

An enterprise's industry is stored as section letter + division number, e.g. "C39";
filtering by a section is a prefix match.
"""

from django.utils.translation import gettext_lazy as _

SECTIONS = {
    "A": _("农、林、牧、渔业"),
    "B": _("采矿业"),
    "C": _("制造业"),
    "D": _("电力、热力、燃气及水生产和供应业"),
    "E": _("建筑业"),
    "F": _("批发和零售业"),
    "G": _("交通运输、仓储和邮政业"),
    "H": _("住宿和餐饮业"),
    "I": _("信息传输、软件和信息技术服务业"),
    "J": _("金融业"),
    "K": _("房地产业"),
    "L": _("租赁和商务服务业"),
    "M": _("科学研究和技术服务业"),
    "N": _("水利、环境和公共设施管理业"),
    "O": _("居民服务、修理和其他服务业"),
    "P": _("教育"),
    "Q": _("卫生和社会工作"),
    "R": _("文化、体育和娱乐业"),
    "S": _("公共管理、社会保障和社会组织"),
    "T": _("国际组织"),
}

_DIVISIONS = """
A 01 农业|02 林业|03 畜牧业|04 渔业|05 农、林、牧、渔专业及辅助性活动
B 06 煤炭开采和洗选业|07 石油和天然气开采业|08 黑色金属矿采选业|09 有色金属矿采选业|10 非金属矿采选业|11 开采专业及辅助性活动|12 其他采矿业
C 13 农副食品加工业|14 食品制造业|15 酒、饮料和精制茶制造业|16 烟草制品业|17 纺织业|18 纺织服装、服饰业|19 皮革、毛皮、羽毛及其制品和制鞋业|20 木材加工和木、竹、藤、棕、草制品业|21 家具制造业|22 造纸和纸制品业|23 印刷和记录媒介复制业|24 文教、工美、体育和娱乐用品制造业|25 石油、煤炭及其他燃料加工业|26 化学原料和化学制品制造业|27 医药制造业|28 化学纤维制造业|29 橡胶和塑料制品业|30 非金属矿物制品业|31 黑色金属冶炼和压延加工业|32 有色金属冶炼和压延加工业|33 金属制品业|34 通用设备制造业|35 专用设备制造业|36 汽车制造业|37 铁路、船舶、航空航天和其他运输设备制造业|38 电气机械和器材制造业|39 计算机、通信和其他电子设备制造业|40 仪器仪表制造业|41 其他制造业|42 废弃资源综合利用业|43 金属制品、机械和设备修理业
D 44 电力、热力生产和供应业|45 燃气生产和供应业|46 水的生产和供应业
E 47 房屋建筑业|48 土木工程建筑业|49 建筑安装业|50 建筑装饰、装修和其他建筑业
F 51 批发业|52 零售业
G 53 铁路运输业|54 道路运输业|55 水上运输业|56 航空运输业|57 管道运输业|58 多式联运和运输代理业|59 装卸搬运和仓储业|60 邮政业
H 61 住宿业|62 餐饮业
I 63 电信、广播电视和卫星传输服务|64 互联网和相关服务|65 软件和信息技术服务业
J 66 货币金融服务|67 资本市场服务|68 保险业|69 其他金融业
K 70 房地产业
L 71 租赁业|72 商务服务业
M 73 研究和试验发展|74 专业技术服务业|75 科技推广和应用服务业
N 76 水利管理业|77 生态保护和环境治理业|78 公共设施管理业|79 土地管理业
O 80 居民服务业|81 机动车、电子产品和日用产品修理业|82 其他服务业
P 83 教育
Q 84 卫生|85 社会工作
R 86 新闻和出版业|87 广播、电视、电影和录音制作业|88 文化艺术业|89 体育|90 娱乐业
S 91 中国共产党机关|92 国家机构|93 人民政协、民主党派|94 社会保障|95 群众团体、社会团体和其他成员组织|96 基层群众自治组织及其他组织
T 97 国际组织
"""


def _parse() -> dict[str, str]:
    divisions: dict[str, str] = {}
    for line in _DIVISIONS.strip().splitlines():
        section, rest = line.split(" ", 1)
        for item in rest.split("|"):
            number, name = item.split(" ", 1)
            divisions[section + number] = name
    return divisions


# "C39" -> "计算机、通信和其他电子设备制造业" (names are the standard's own; shown as is in both languages)
DIVISIONS: dict[str, str] = _parse()
# Divisions by their bare number too, as rosters often write "39" without the letter.
BY_NUMBER: dict[str, str] = {code[1:]: code for code in DIVISIONS}
CHOICES = [(code, f"{code} {name}") for code, name in DIVISIONS.items()]
SECTION_CHOICES = [(letter, f"{letter} {name}") for letter, name in SECTIONS.items()]


def label(code: str) -> str:
    name = DIVISIONS.get(code)
    return f"{code} {name}" if name else code


def normalize(value: str) -> str | None:
    """"C39", "c39", "39", "C39 计算机…", "计算机、通信和其他电子设备制造业" -> "C39"; None if unknown."""
    text = (value or "").strip()
    if not text:
        return None
    head = text.split()[0].upper()
    if head in DIVISIONS:
        return head
    if head.zfill(2) in BY_NUMBER and head.isdigit():
        return BY_NUMBER[head.zfill(2)]
    for code, name in DIVISIONS.items():
        if name == text:
            return code
    return None
