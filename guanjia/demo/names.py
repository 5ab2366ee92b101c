"""Word lists and name makers for generated zones: companies, products, projects, streets and people.

Everything here is deterministic for a given `random.Random` and seeded Faker. People's
names come from Faker("zh_CN"); addresses never do (its addresses mix provinces), they
come from the zone's own street list below.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from faker import Faker

ZONE_ADDRESS = "陕西省咸阳市高新区"

# The demo zone's six workstations (工作站), each serving a few streets of the zone.
WORKSTATIONS: list[tuple[str, str, tuple[str, ...]]] = [
    ("高新一路工作站", "高新一路、高新二路、科技一路片区", ("高新一路", "高新二路", "科技一路")),
    ("世纪大道工作站", "世纪大道、彩虹一路、彩虹二路片区", ("世纪大道", "彩虹一路", "彩虹二路")),
    ("星火大道工作站", "星火大道、高新三路、创业路片区", ("星火大道", "高新三路", "创业路")),
    ("永昌路工作站", "永昌路、高新四路、科技二路片区", ("永昌路", "高新四路", "科技二路")),
    ("秦皇路工作站", "秦皇路、朝阳一路、朝阳二路片区", ("秦皇路", "朝阳一路", "朝阳二路")),
    ("玉泉路工作站", "玉泉路、天工一路、天工二路片区", ("玉泉路", "天工一路", "天工二路")),
]
STREETS: tuple[str, ...] = tuple(street for _name, _area, streets in WORKSTATIONS for street in streets)
PARKS = ("电子信息产业园", "生物医药产业园", "新材料产业园", "智能制造产业园", "创新创业园", "留学人员创业园")

# Units: the zone's own departments, the outside authorities and the utilities.
UNITS: list[tuple[str, str, str]] = [
    ("党政办公室", "department", "029-33180001"),
    ("经济发展局", "department", "029-33180012"),
    ("投资合作局", "department", "029-33180023"),
    ("财政金融局", "department", "029-33180035"),
    ("科技创新局", "department", "029-33180046"),
    ("人力资源和社会保障局", "department", "029-33180057"),
    ("发改局", "agency", "029-33210101"),
    ("自然资源和规划局", "agency", "029-33210202"),
    ("住建局", "agency", "029-33210303"),
    ("生态环境局", "agency", "029-33210404"),
    ("行政审批局", "agency", "029-33210505"),
    ("市场监管局", "agency", "029-33210606"),
    ("应急管理局", "agency", "029-33210707"),
    ("税务局", "agency", "029-33210808"),
    ("消防救援大队", "agency", "029-33210919"),
    ("国网咸阳供电公司", "utility", "95598"),
    ("咸阳市水务集团", "utility", "029-33330000"),
    ("新奥燃气", "utility", "029-33218899"),
    ("中国电信咸阳分公司", "utility", "10000"),
    ("中国移动咸阳分公司", "utility", "10086"),
    ("高新区街道办事处", "township", "029-33185566"),
]
# 1+N groups (1+N联动): a lead unit and its partners.
UNIT_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("要素保障专班", "发改局", ("国网咸阳供电公司", "咸阳市水务集团", "新奥燃气", "中国电信咸阳分公司")),
    ("项目审批专班", "行政审批局", ("自然资源和规划局", "住建局", "生态环境局", "消防救援大队")),
    ("安全生产专班", "应急管理局", ("消防救援大队", "市场监管局", "生态环境局")),
]

CONTACT_TITLES = ("总经理", "副总经理", "办公室主任", "行政经理", "财务总监", "项目经理", "董事会秘书", "综合部部长")
MOBILE_PREFIXES = (
    "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157", "158", "159",
    "173", "177", "180", "181", "182", "186", "187", "189", "191", "199",
)

# Brand words (字号) of the demo's companies; the seeder adds pairs of BRAND_CHARS for variety.
BRANDS = (
    "秦川", "渭河", "泾渭", "五陵", "乾元", "汉唐", "丝路", "秦岭", "咸通", "渭阳", "华秦", "西科",
    "恒泰", "宏远", "中天", "瑞丰", "金泰", "鼎盛", "博远", "天和", "长兴", "海泰", "康泰", "华晨",
    "瑞泽", "润达", "嘉禾", "信达", "宏达", "永泰", "同创", "众诚", "德润", "华研", "安泰", "立信",
    "卓越", "创源", "新元", "景和", "伟业", "凯达", "盛源", "东方", "国泰", "天宇", "星辰", "宝德",
    "明德", "科迈", "诺康", "思源", "众合", "聚能", "赛德", "凯盛", "亿达", "汇通", "博瑞", "锐达",
    "华泽", "兴业", "益康", "晶华", "光华", "宇航", "鑫源", "正和", "中科", "高科", "秦越", "瀚海",
    "泰和", "昌盛", "隆盛", "恒通", "金源", "华远", "启明", "睿达", "合力", "智信", "精诚", "远航",
    "北辰", "中瑞", "天成", "新航", "达远", "安迅", "鸿运", "俊达", "开元", "和顺", "迈科", "斯达",
)
BRAND_CHARS = (
    "秦汉唐渭泾华中天恒宏瑞金鼎博长海康晨泽润嘉信达永泰同众德安立卓创新元景伟凯盛东国宇星宝"
    "明科诺思合聚赛亿汇锐兴益晶光航鑫正高越瀚昌隆通源远启睿智精辰成奥鸿俊开和迈斯森林峰岳诚"
)
CITY_PREFIXES_DEMO = ("咸阳", "咸阳", "陕西")
CITY_PREFIXES_SEED = ("咸阳", "咸阳", "陕西", "陕西", "西安", "宝鸡", "渭南", "杨凌", "铜川", "汉中", "榆林", "延安")


@dataclass(frozen=True)
class Industry:
    """A division of GB/T 4754 as generated companies use it: name words, sector and products."""

    code: str
    words: tuple[str, ...]  # 电子科技, 生物医药 … between the brand and 有限公司
    sector: str  # for park projects: 电子信息产业园项目
    # (product, unit, yearly quantities) for 年产…项目 and 生产线技改项目; empty for services.
    products: tuple[tuple[str, str, tuple[str, ...]], ...] = ()
    # Project names for services (software, R&D, logistics), {brand} filled in.
    service_projects: tuple[str, ...] = field(default=())
    weight_above: int = 0
    weight_below: int = 0


INDUSTRIES: tuple[Industry, ...] = (
    Industry("C39", ("电子科技", "光电科技", "半导体", "微电子", "电子"), "电子信息",
             (("液晶玻璃基板", "万片", ("120", "300", "500")), ("集成电路封装测试", "亿只", ("5", "12", "20")),
              ("光电显示模组", "万片", ("200", "600")), ("电子元器件", "亿只", ("3", "8", "15")),
              ("5G通信模块", "万套", ("50", "100"))), weight_above=14, weight_below=8),
    Industry("C38", ("电气", "新能源科技", "电力设备", "储能科技", "电工"), "新能源装备",
             (("锂离子电池", "GWh", ("2", "5", "10")), ("高低压成套开关设备", "台套", ("3000", "8000")),
              ("储能变流器", "台", ("5000", "1.2万")), ("光伏组件", "MW", ("500", "1000")),
              ("电线电缆", "公里", ("1.5万", "3万"))), weight_above=10, weight_below=5),
    Industry("C27", ("生物医药", "制药", "药业", "生物科技", "医药科技"), "生物医药",
             (("中药饮片", "吨", ("3000", "5000")), ("原料药", "吨", ("200", "800")),
              ("医用敷料", "片", ("5000万", "1.2亿")), ("生物制剂", "万支", ("500", "2000")),
              ("口服固体制剂", "亿片", ("5", "10"))), weight_above=10, weight_below=5),
    Industry("C26", ("化工", "新材料科技", "精细化工", "化学"), "新材料",
             (("电子级化学品", "吨", ("1万", "3万")), ("水性涂料", "吨", ("2万", "5万")),
              ("高性能树脂", "吨", ("8000", "2万"))), weight_above=6, weight_below=3),
    Industry("C34", ("机械", "装备制造", "智能装备", "精工", "机电"), "智能装备",
             (("数控机床", "台", ("500", "1200")), ("工业机器人", "台", ("1000", "3000")),
              ("精密轴承", "万套", ("100", "500")), ("工业阀门", "万件", ("20", "50"))),
             weight_above=8, weight_below=5),
    Industry("C35", ("智能装备", "装备制造", "重工", "机械设备", "医疗器械"), "高端装备",
             (("石油钻采专用设备", "台套", ("200", "600")), ("医疗器械", "台套", ("5000", "2万")),
              ("环保设备", "台套", ("300", "1000")), ("食品机械", "台", ("800", "2000"))),
             weight_above=8, weight_below=5),
    Industry("C36", ("汽车零部件", "汽车配件", "新能源汽车科技", "汽车电子"), "汽车零部件",
             (("汽车零部件", "万套", ("30", "100")), ("新能源汽车驱动电机", "万台", ("10", "30")),
              ("汽车线束", "万套", ("50", "200")), ("制动系统总成", "万套", ("20", "60"))),
             weight_above=8, weight_below=3),
    Industry("C29", ("橡胶", "轮胎", "塑业", "塑料制品", "高分子材料"), "新材料",
             (("专用轮胎", "套", ("5.8万", "10万", "20万")), ("塑料管材", "吨", ("2万", "5万")),
              ("橡胶密封件", "万件", ("500", "2000")), ("改性塑料", "吨", ("3万", "8万"))),
             weight_above=6, weight_below=3),
    Industry("C30", ("新型建材", "建材", "特种玻璃", "陶瓷", "复合材料"), "新型建材",
             (("特种玻璃", "吨", ("5000", "2万")), ("装配式建筑构件", "万立方米", ("10", "30")),
              ("碳纤维复合材料", "吨", ("500", "2000")), ("高性能陶瓷", "万件", ("100", "500"))),
             weight_above=8, weight_below=4),
    Industry("C18", ("服饰", "服装", "纺织服装"), "纺织服装",
             (("高端服装", "万件", ("100", "300")), ("职业装", "万套", ("50", "150"))),
             weight_above=3, weight_below=3),
    Industry("C14", ("食品", "乳业", "食品科技"), "食品加工",
             (("休闲食品", "吨", ("1万", "3万")), ("乳制品", "吨", ("5万", "10万")),
              ("功能饮品", "万箱", ("500", "1000"))), weight_above=4, weight_below=4),
    Industry("C33", ("金属制品", "钢结构", "精密制造"), "先进制造",
             (("钢结构件", "吨", ("3万", "10万")), ("精密金属结构件", "万件", ("200", "800"))),
             weight_above=5, weight_below=5),
    Industry("C40", ("仪器仪表", "测控技术", "智能仪表"), "智能仪表",
             (("智能仪表", "万台", ("20", "60")), ("工业传感器", "万只", ("100", "500"))),
             weight_above=4, weight_below=4),
    Industry("I65", ("信息技术", "软件", "数字科技", "网络科技", "智能科技"), "数字经济",
             service_projects=("{brand}数字经济产业园项目", "{brand}工业互联网平台建设项目",
                               "{brand}大数据中心建设项目", "{brand}软件研发中心建设项目"),
             weight_above=4, weight_below=14),
    Industry("M73", ("科技", "生物技术", "新材料研究院", "技术研究院"), "科技研发",
             service_projects=("{brand}研发中心建设项目", "{brand}中试基地建设项目", "{brand}科创孵化基地项目"),
             weight_above=2, weight_below=8),
    Industry("M74", ("检测技术", "检验检测", "工程技术"), "技术服务",
             service_projects=("{brand}检验检测中心建设项目", "{brand}工程技术中心项目"),
             weight_above=1, weight_below=7),
    Industry("F51", ("商贸", "供应链管理", "贸易"), "商贸物流",
             service_projects=("{brand}仓储物流中心项目", "{brand}供应链服务中心项目"),
             weight_above=2, weight_below=8),
    Industry("G59", ("物流", "仓储服务", "冷链物流"), "现代物流",
             service_projects=("{brand}智慧物流园项目", "{brand}冷链仓储中心项目"),
             weight_above=1, weight_below=4),
    Industry("L72", ("企业管理咨询", "人力资源服务", "企业服务"), "商务服务",
             service_projects=("{brand}人力资源服务产业园项目",),
             weight_above=0, weight_below=5),
    Industry("E48", ("建设工程", "市政工程"), "建筑",
             service_projects=("{brand}装配式建筑产业基地项目",),
             weight_above=1, weight_below=3),
    Industry("D44", ("新能源", "光伏发电", "综合能源服务"), "新能源",
             service_projects=("{brand}分布式光伏发电项目", "{brand}综合能源站项目"),
             weight_above=1, weight_below=2),
)
INDUSTRY_BY_CODE = {industry.code: industry for industry in INDUSTRIES}

# Tags (codes of the enterprises.Tag catalogue) and how often each scale carries them.
TAG_RATES: dict[str, dict[str, float]] = {
    "above": {"hnte": 0.45, "srdi": 0.22, "little-giant": 0.05, "gazelle": 0.04, "listed": 0.04,
              "foreign": 0.05, "champion": 0.02},
    "below": {"hnte": 0.12, "tech-sme": 0.35, "srdi": 0.05, "gazelle": 0.01, "foreign": 0.02},
}


def weighted_industries(scale: str) -> tuple[list[Industry], list[int]]:
    attr = "weight_above" if scale == "above" else "weight_below"
    chosen = [industry for industry in INDUSTRIES if getattr(industry, attr)]
    return chosen, [getattr(industry, attr) for industry in chosen]


class NameMaker:
    """Names, phones and addresses from one seeded `random.Random` and one seeded Faker."""

    def __init__(self, seed: int, *, city_prefixes: tuple[str, ...] = CITY_PREFIXES_DEMO, extra_brands: bool = False):
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.city_prefixes = city_prefixes
        self.extra_brands = extra_brands
        self._people: set[str] = set()
        self._companies: set[str] = set()
        self._projects: set[str] = set()
        self._weights = {scale: weighted_industries(scale) for scale in ("above", "below")}

    # People -------------------------------------------------------------------------------
    def person(self, *, unique: bool = False) -> str:
        """A Chinese full name; `unique` avoids repeating one already given out (for staff lists)."""
        for _ in range(50):
            name = self.faker.name()
            if not unique or name not in self._people:
                self._people.add(name)
                return name
        return name

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    # Places -------------------------------------------------------------------------------
    def address(self, streets: tuple[str, ...] = STREETS) -> str:
        street = self.rng.choice(streets)
        number = self.rng.randint(1, 320)
        tail = ""
        roll = self.rng.random()
        if roll < 0.15:
            tail = f"{self.rng.choice(PARKS)}{self.rng.randint(1, 24)}号厂房"
        elif roll < 0.3:
            tail = f"{self.rng.randint(1, 12)}号楼"
        return f"{ZONE_ADDRESS}{street}{number}号{tail}"

    # Companies ----------------------------------------------------------------------------
    def industry(self, scale: str) -> Industry:
        chosen, weights = self._weights[scale]
        return self.rng.choices(chosen, weights)[0]

    def brand(self) -> str:
        if self.extra_brands and self.rng.random() < 0.7:
            return self.rng.choice(BRAND_CHARS) + self.rng.choice(BRAND_CHARS)
        return self.rng.choice(BRANDS)

    def company(self, industry: Industry, scale: str) -> tuple[str, str]:
        """(company name, brand), never a name given out before by this maker."""
        share = 0.25 if scale == "above" else 0.05
        for attempt in range(200):
            brand = self.brand()
            if attempt > 20:  # crowded: widen the brand space rather than loop
                brand += self.rng.choice(BRAND_CHARS)
            suffix = "股份有限公司" if self.rng.random() < share else "有限公司"
            name = f"{self.rng.choice(self.city_prefixes)}{brand}{self.rng.choice(industry.words)}{suffix}"
            if name not in self._companies:
                self.remember_company(name)
                return name, brand
        raise RuntimeError("could not find a new company name")

    def remember_company(self, name: str) -> None:
        self._companies.add(name)

    # Projects -----------------------------------------------------------------------------
    def project(self, industry: Industry, brand: str) -> str:
        """A project name in the zone's style, e.g. 年产5.8万套专用轮胎建设项目; unique for this maker."""
        name = self._project_name(industry, brand)
        if name in self._projects:
            name = f"{brand}{name}" if not name.startswith(brand) else name
        for phase in ("二期", "三期", "四期", "五期"):
            if name not in self._projects:
                break
            name = name.removesuffix("项目") + f"（{phase}）项目"
        self._projects.add(name)
        return name

    def remember_project(self, name: str) -> None:
        self._projects.add(name)

    def _project_name(self, industry: Industry, brand: str) -> str:
        rng = self.rng
        if not industry.products:
            return rng.choice(industry.service_projects).format(brand=brand)
        product, unit, quantities = rng.choice(industry.products)
        roll = rng.random()
        if roll < 0.45:
            return f"年产{rng.choice(quantities)}{unit}{product}建设项目"
        if roll < 0.6:
            return f"{brand}{industry.sector}产业园项目"
        if roll < 0.75:
            return f"{product}生产线技改项目"
        if roll < 0.85:
            return f"{product}智能化改造项目"
        if roll < 0.93:
            return f"年产{rng.choice(quantities)}{unit}{product}扩能项目"
        return f"{brand}{industry.sector}研发中心建设项目"

    def project_description(self, name: str, industry: Industry) -> str:
        area = self.rng.choice((30, 45, 60, 80, 100, 120, 140, 200))
        floor = self.rng.randint(2, 12) * 5000
        return f"项目占地约{area}亩，新建厂房及配套设施约{floor}平方米，建设{industry.sector}生产及研发设施。"
