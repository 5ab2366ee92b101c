"""The demo zone's approval catalogue (审批事项清单): the three efficiency lists of a zone like Dazhou's, in short.

Approval items (审批事项) from 立项 to 验收, builder materials (建设单位材料) and utility hook-ups
(水电气讯报装), with the statutory limits (法定时限) of the national rules and the shorter ones the
zone commits to (承诺时限): drawings review, fire review, quality filing and the construction permit
within 5 working days, as Dazhou publishes. Prerequisites follow the order a project meets them.
The authority units are the demo zone's (guanjia/demo/names.py UNITS); the few a catalogue needs
beyond them (人防, 不动产登记, 气象) are added here. Loaded through the catalogue's services.
"""

from __future__ import annotations

from guanjia.approvals.choices import ApprovalStage as S
from guanjia.approvals.choices import ListType as L
from guanjia.approvals.choices import OnCorrection as C
from guanjia.approvals.models import ApprovalItem
from guanjia.approvals.services.catalogue import approval_item_create, approval_item_update
from guanjia.org.models import Unit
from guanjia.org.services import unit_create
from guanjia.projects.choices import ProjectType as T

# Units the catalogue needs that the demo zone's list lacks: (name, kind, phone).
EXTRA_UNITS = (
    ("人防办", "agency", "029-33211010"),
    ("不动产登记中心", "agency", "029-33211111"),
    ("气象局", "agency", "029-33211212"),
)
INDUSTRIAL = [T.INDUSTRIAL]
BUILDING = [T.INDUSTRIAL, T.SERVICE]
A, M, U = L.APPROVAL, L.MATERIALS, L.UTILITY

# (name, code, list, stage, unit, statutory, committed, prerequisites, tolerance days or None, on 补正,
#  project types ([] = all), materials)
CATALOGUE: tuple[tuple, ...] = (
    ("企业投资项目备案", "XM-001", A, S.INITIATION, "发改局", 3, 1, (), None, C.PAUSE, [],
     "项目备案申请表\n企业营业执照\n项目建设内容说明"),
    ("节能审查（能评）", "XM-002", A, S.INITIATION, "发改局", 20, 10, ("企业投资项目备案",), 5, C.PAUSE, INDUSTRIAL,
     "节能报告\n项目备案证明"),
    ("环境影响评价批复（环评批复）", "XM-003", A, S.INITIATION, "生态环境局", 60, 15, ("企业投资项目备案",), 5,
     C.RESTART, INDUSTRIAL, "环境影响报告书（表）\n项目备案证明\n公众参与说明"),
    ("建设项目用地预审与选址意见书", "YD-001", A, S.LAND, "自然资源和规划局", 20, 7, ("企业投资项目备案",), None,
     C.PAUSE, [], "申请表\n项目备案证明\n用地红线图"),
    ("建设用地规划许可证", "YD-002", A, S.LAND, "自然资源和规划局", 20, 5, ("建设项目用地预审与选址意见书",), 5,
     C.PAUSE, [], "申请表\n国有土地使用权出让合同\n宗地图"),
    ("不动产权证（土地）", "YD-003", A, S.LAND, "不动产登记中心", 30, 5, ("建设用地规划许可证",), None, C.PAUSE, [],
     "不动产登记申请书\n土地出让合同及缴款凭证\n地籍调查成果"),
    ("建设工程设计方案审查", "GH-001", A, S.PLANNING, "自然资源和规划局", 20, 7, ("建设用地规划许可证",), 5,
     C.PAUSE, BUILDING, "设计方案文本及图纸\n用地规划许可证"),
    ("建设工程规划许可证", "GH-002", A, S.PLANNING, "自然资源和规划局", 20, 5,
     ("建设工程设计方案审查", "不动产权证（土地）"), 5, C.PAUSE, [], "申请表\n建设工程设计方案\n不动产权证"),
    ("人防工程设计审查", "GH-003", A, S.PLANNING, "人防办", 20, 5, ("建设工程设计方案审查",), None, C.PAUSE, BUILDING,
     "人防工程施工图\n防空地下室建设意见"),
    ("防雷装置设计审核", "GH-004", A, S.PLANNING, "气象局", 20, 5, ("建设工程设计方案审查",), None, C.PAUSE, BUILDING,
     "防雷装置设计图纸\n设计说明书"),
    ("施工图审查", "SG-001", A, S.CONSTRUCTION, "住建局", 20, 5, ("建设工程规划许可证", "施工图设计文件"), 3, C.RESTART, [],
     "施工图设计文件\n勘察成果文件\n设计合同"),
    ("消防设计审查", "SG-002", A, S.CONSTRUCTION, "消防救援大队", 15, 5, ("施工图审查",), 3, C.PAUSE, [],
     "消防设计文件\n消防设计审查申请表"),
    ("质量安全监督备案", "SG-003", A, S.CONSTRUCTION, "住建局", 5, 1, ("施工图审查",), None, C.PAUSE, [],
     "监督登记表\n施工合同\n监理合同"),
    ("建筑工程施工许可证", "SG-004", A, S.CONSTRUCTION, "行政审批局", 7, 3,
     ("消防设计审查", "质量安全监督备案", "人防工程设计审查"), 5, C.PAUSE, [],
     "施工许可申请表\n建设工程规划许可证\n中标通知书及施工合同\n资金到位证明"),
    ("排污许可", "SG-005", A, S.CONSTRUCTION, "生态环境局", 20, 10, ("环境影响评价批复（环评批复）",), None,
     C.PAUSE, INDUSTRIAL, "排污许可申请表\n环评批复\n污染防治设施说明"),
    ("消防验收", "YS-001", A, S.ACCEPTANCE, "消防救援大队", 15, 5, ("建筑工程施工许可证",), None, C.PAUSE, [],
     "消防验收申请表\n工程竣工验收报告\n消防设施检测报告"),
    ("人防工程竣工验收备案", "YS-002", A, S.ACCEPTANCE, "人防办", 15, 5, ("建筑工程施工许可证",), None, C.PAUSE,
     BUILDING, "竣工验收报告\n人防工程竣工图"),
    ("规划核实", "YS-003", A, S.ACCEPTANCE, "自然资源和规划局", 15, 5, ("建筑工程施工许可证",), None, C.PAUSE, [],
     "规划核实申请表\n竣工测量成果"),
    ("竣工联合验收", "YS-004", A, S.ACCEPTANCE, "住建局", 20, 5,
     ("消防验收", "规划核实", "人防工程竣工验收备案"), 3, C.PAUSE, [],
     "联合验收申请表\n工程竣工验收报告\n各专项验收意见"),
    ("不动产权证（房屋）", "YS-005", A, S.ACCEPTANCE, "不动产登记中心", 30, 5, ("竣工联合验收",), None, C.PAUSE, [],
     "不动产登记申请书\n竣工联合验收意见\n房屋测绘报告"),
    # 建设单位材料: what the builder prepares, with the unit that takes it.
    ("项目可行性研究报告", "CL-001", M, S.INITIATION, "发改局", 30, 15, (), None, C.PAUSE, INDUSTRIAL,
     "可研报告文本\n投资估算"),
    ("岩土工程勘察报告", "CL-002", M, S.PLANNING, "住建局", 30, 20, ("建设用地规划许可证",), None, C.PAUSE, [],
     "勘察合同\n勘察成果报告"),
    ("施工图设计文件", "CL-003", M, S.PLANNING, "住建局", 45, 30, ("建设工程设计方案审查", "岩土工程勘察报告"), None,
     C.PAUSE, [], "施工图全套\n设计说明"),
    ("施工及监理招标", "CL-004", M, S.CONSTRUCTION, "行政审批局", 30, 20, ("施工图审查",), None, C.PAUSE, [],
     "招标文件\n中标通知书"),
    ("工程竣工验收报告", "CL-005", M, S.ACCEPTANCE, "住建局", 15, 10, ("建筑工程施工许可证",), None, C.PAUSE, [],
     "竣工验收报告\n参建单位签章"),
    ("竣工测量成果", "CL-006", M, S.ACCEPTANCE, "自然资源和规划局", 15, 10, ("建筑工程施工许可证",), None, C.PAUSE,
     [], "测量合同\n竣工测量报告"),
    # 水电气讯报装: each utility's steps, the committed days those companies publish.
    ("供电报装（高压）", "BZ-001", U, S.UTILITIES, "国网咸阳供电公司", 30, 15, ("建设工程规划许可证",), None,
     C.PAUSE, [], "用电申请书\n用电负荷清单\n建设工程规划许可证"),
    ("供电接电", "BZ-002", U, S.UTILITIES, "国网咸阳供电公司", 15, 5, ("供电报装（高压）",), None, C.PAUSE, [],
     "受电工程竣工检验报告"),
    ("供水报装", "BZ-003", U, S.UTILITIES, "咸阳市水务集团", 20, 7, ("建设工程规划许可证",), None, C.PAUSE, [],
     "用水申请表\n给排水设计图"),
    ("排水许可", "BZ-004", U, S.UTILITIES, "咸阳市水务集团", 20, 7, ("供水报装",), None, C.PAUSE, BUILDING,
     "排水许可申请表\n排水管网图"),
    ("燃气报装", "BZ-005", U, S.UTILITIES, "新奥燃气", 20, 7, ("建设工程规划许可证",), None, C.PAUSE, BUILDING,
     "用气申请表\n用气设备清单"),
    ("通信报装", "BZ-006", U, S.UTILITIES, "中国电信咸阳分公司", 10, 3, ("建设工程规划许可证",), None, C.PAUSE, [],
     "通信接入申请表"),
)


def load_catalogue(zone, *, actor=None) -> dict[str, ApprovalItem]:
    """The demo catalogue in `zone`, made through the services; its items by name. Units the catalogue names that
    the zone lacks are added (so a test's bare zone can take it too). Deterministic: same rows every run."""
    units = {unit.name: unit for unit in Unit.objects.filter(zone=zone)}
    needed = {row[4] for row in CATALOGUE}
    kinds = {name: (kind, phone) for name, kind, phone in EXTRA_UNITS}
    for name in sorted(needed - set(units)):
        kind, phone = kinds.get(name, ("utility" if "公司" in name or "集团" in name or "燃气" in name else "agency", ""))
        units[name] = unit_create(actor=actor, zone=zone, name=name, kind=kind, phone=phone)
    items: dict[str, ApprovalItem] = {}
    later: dict[str, tuple[str, ...]] = {}  # prerequisites listed further down the catalogue: set once all exist
    for order, (name, code, list_type, stage, unit, statutory, committed, prerequisites, tolerance, correction,
                types, materials) in enumerate(CATALOGUE, start=1):
        if any(p not in items for p in prerequisites):
            later[name] = prerequisites
        items[name] = approval_item_create(
            actor=actor, zone=zone, name=name, code=code, list_type=list_type, stage=stage, unit=units[unit],
            statutory_days=statutory, committed_days=committed,
            prerequisites=[items[p] for p in prerequisites if p in items],
            tolerance_allowed=tolerance is not None, tolerance_days=tolerance, on_correction=correction,
            project_types=list(types), materials=materials, order=order * 10)
    for name, prerequisites in later.items():
        items[name] = approval_item_update(actor=actor, item=items[name],
                                           prerequisites=[items[p] for p in prerequisites])
    return items
