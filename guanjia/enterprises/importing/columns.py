"""The roster's columns: the header each is written under, its other names, whether it is required."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    field: str
    header: str
    synonyms: tuple[str, ...] = ()
    required: bool = False


# The roster's columns in the order the template and the export write them.
COLUMNS: tuple[Column, ...] = (
    Column("name", "企业名称", ("名称", "企业全称", "公司名称", "单位名称", "企业(单位)名称"), required=True),
    Column(
        "uscc", "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一信用代码", "统一社会代码", "社会统一信用代码", "统一代码", "uscc"),
        required=True,
    ),
    Column("industry", "所属行业", ("行业", "行业分类", "国民经济行业分类", "行业代码", "行业门类")),
    Column("scale", "企业规模", ("规模", "规上规下", "规上/规下", "是否规上")),
    Column("tags", "标签", ("企业标签", "企业类型标签")),
    Column("address", "地址", ("企业地址", "注册地址", "经营地址", "生产经营地址", "通讯地址")),
    Column("legal_representative", "法定代表人", ("法人", "法人代表", "法定代表")),
    Column("workstation", "工作站", ("所属工作站", "服务工作站")),
    Column("butler", "企业管家", ("管家", "服务管家", "包联管家")),
    Column("contact_leader", "联系领导", ("包联领导", "联系的领导")),
    Column("contact_name", "联系人", ("企业联系人", "联系人姓名")),
    Column("contact_phone", "联系电话", ("电话", "手机", "手机号", "手机号码", "联系方式", "联系人电话")),
    # The staff's internal note: rosters from before it was called so name it 备注.
    Column("internal_note", "内部备注", ("备注", "说明")),
)
HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
_BY_FIELD = {c.field: c for c in COLUMNS}
