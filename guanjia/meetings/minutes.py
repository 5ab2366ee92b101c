"""The minutes of a meeting (会议纪要) as a Word document (.docx), with its decisions table, in an official
document's styles with Chinese fonts that hold (`core.docx`)."""

from __future__ import annotations

from io import BytesIO

from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.docx import official_styles


def _when(value) -> str:
    local = timezone.localtime(value)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _deadline(item) -> str:
    local = timezone.localtime(item.deadline)
    text = f"{local.year}年{local.month}月{local.day}日"
    if item.deadline_days:
        text += _("（%(days)d个工作日）") % {"days": item.deadline_days}
    if item.deadline_provisional:
        text += _("（按临时日历）")
    return text


def minutes_docx(meeting) -> bytes:
    """The meeting's minutes as .docx bytes.

    `meeting` should come from `selectors.meeting_detail` (relations prefetched):
    building the document then runs no query.
    """
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    document = Document()
    official_styles(document)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    document.add_paragraph(meeting.title, style="Title")
    document.add_paragraph(_("%(kind)s纪要") % {"kind": meeting.get_kind_display()}).alignment = WD_ALIGN_PARAGRAPH.CENTER

    facts = [
        (_("会议类型"), meeting.get_kind_display()),
        (_("会议时间"), _when(meeting.starts_at)),
        (_("会议地点"), meeting.place or "—"),
        (_("召集人"), str(meeting.convener)),
        (_("参会单位"), "、".join(u.name for u in meeting.units.all()) or "—"),
        (_("参会人员"), "、".join(str(p) for p in meeting.attendees.all()) or "—"),
    ]
    for label, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)

    document.add_heading(_("一、会议议题"), level=1)
    requests, projects = list(meeting.requests.all()), list(meeting.projects.all())
    settled = {r.pk for r in meeting.settled_requests.all()}
    for request in requests:
        line = _("诉求 %(number)s：%(title)s（%(enterprise)s）") % {
            "number": request.number, "title": request.title, "enterprise": request.enterprise.name}
        if request.pk in settled:
            line += _("——经本次会议办结")
        document.add_paragraph(line, style="List Bullet")
    for project in projects:
        document.add_paragraph(_("项目：%(name)s") % {"name": project.name}, style="List Bullet")
    if not requests and not projects:
        document.add_paragraph("—")

    document.add_heading(_("二、会议纪要"), level=1)
    lines = [line for line in (meeting.minutes or "").splitlines() if line.strip()]
    for line in lines or [_("（尚未登记会议纪要）")]:
        paragraph = document.add_paragraph(line.strip())
        paragraph.paragraph_format.first_line_indent = Cm(0.99)

    document.add_heading(_("三、议定事项"), level=1)
    items = list(meeting.action_items.all())
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, label in zip(table.rows[0].cells,
                           [_("序号"), _("事项"), _("责任单位"), _("完成时限"), _("状态")], strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(label).bold = True
    for number, item in enumerate(items, start=1):
        owner = item.owner_unit.name
        if item.owner_person_id:
            owner += f"（{item.owner_person}）"
        text = item.text
        if item.request_id:
            text += _("〔诉求 %(number)s〕") % {"number": item.request.number}
        row = table.add_row().cells
        for cell, value in zip(row, [str(number), text, owner, _deadline(item), item.state_display], strict=True):
            cell.text = value
    if not items:
        document.add_paragraph(_("本次会议未形成议定事项。"))
    widths = [Cm(1.2), Cm(7.0), Cm(3.4), Cm(3.4), Cm(1.6)]
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width

    footer = document.add_paragraph(_("导出时间：%(now)s") % {"now": _when(timezone.now())})
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
