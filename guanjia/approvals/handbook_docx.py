"""The handbook as a Word document (.docx) a butler hands to the investor (个性化项目服务手册):
a cover, the items with their limits, materials and agent, the planned timeline and the critical path.

The styles (Chinese fonts included) are an official document's, as the meeting minutes': `core.docx`.
"""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.docx import official_styles


def _day(value) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else "—"


def _table(document, headers, rows, widths):
    from docx.shared import Cm

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells, headers, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(str(label)).bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            cell.text = str(value)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Cm(width)
    return table


def render(view) -> bytes:
    """The handbook (a handbook_selectors.HandbookView) as .docx bytes; builds without a query."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm

    handbook, project = view.handbook, view.handbook.project
    document = Document()
    official_styles(document)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    # The cover (封面).
    for _blank in range(4):
        document.add_paragraph()
    document.add_paragraph(project.name, style="Title")
    document.add_paragraph(_("个性化项目服务手册"), style="Title")
    for _blank in range(3):
        document.add_paragraph()
    cover = [
        (_("投资企业"), project.enterprise.name),
        (_("项目管家"), str(project.butler) if project.butler_id else "—"),
        (_("代办员"), str(handbook.agent) if handbook.agent_id else "—"),
        (_("起算日期"), _day(handbook.start_on)),
        (_("计划全部办结"), _day(handbook.planned_finish)),
        (_("事项数"), str(len(view.approvals))),
    ]
    for label, value in cover:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    document.add_heading(_("一、服务说明"), level=1)
    intro = _("本手册所列审批事项由代办员全程代办（须企业签署委托书），时限均按国务院公布的节假日安排以工作日计算，"
              "自次日起算；有前置事项的，自前置事项计划办结之日起算，前置条件满足的事项并联办理。全流程承诺 "
              "%(committed)s 个工作日，国家要求不超过 %(national)s 个工作日（国办发〔2018〕33号）。") % {
        "committed": view.committed_total if view.committed_total is not None else "—", "national": view.national}
    document.add_paragraph(intro).paragraph_format.first_line_indent = Cm(0.99)
    if handbook.authorized_on:
        document.add_paragraph(_("企业已于 %(day)s 签署委托书。") % {"day": _day(handbook.authorized_on)})
    else:
        document.add_paragraph(_("企业委托书：尚未签署。"))

    document.add_heading(_("二、审批事项及时限"), level=1)
    rows = []
    for number, a in enumerate(view.approvals, start=1):
        rows.append([number, a.name, a.unit_name, a.stage_label, a.committed_days, a.statutory_days,
                     a.agent_label or "—"])
    _table(document, [_("序号"), _("事项"), _("审批部门"), _("阶段"), _("承诺时限"), _("法定时限"), _("代办员")],
           rows, [1.0, 4.4, 3.0, 1.4, 1.6, 1.6, 2.0])

    document.add_heading(_("三、申请材料"), level=1)
    for a in view.approvals:
        materials = [line.strip() for line in a.materials.splitlines() if line.strip()]
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{a.name}：").bold = True
        paragraph.add_run("；".join(materials) if materials else _("以审批部门要求为准"))

    document.add_heading(_("四、计划时间表"), level=1)
    rows = []
    for number, a in enumerate(view.approvals, start=1):
        pres = "、".join(a.prerequisite_names) or "—"
        rows.append([number, a.name, pres, _day(a.planned_start), _day(a.planned_due),
                     a.float_days if a.float_days is not None else "—", _("是") if a.critical else ""])
    _table(document, [_("序号"), _("事项"), _("前置事项"), _("计划起算"), _("计划办结"), _("机动（工作日）"),
                      _("关键路径")], rows, [1.0, 4.0, 3.4, 2.4, 2.4, 1.6, 1.2])

    document.add_heading(_("五、关键路径"), level=1)
    chain = view.critical
    document.add_paragraph(" → ".join(a.name for a in chain) if chain else _("（无：事项均已办结）"))
    document.add_paragraph(_("关键路径上的事项没有机动时间，任何一项延误都会推迟全部办结日期（%(finish)s）。") % {
        "finish": _day(handbook.planned_finish)})

    footer = document.add_paragraph(_("导出时间：%(now)s") % {"now": _day(timezone.localdate())})
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
