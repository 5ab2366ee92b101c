"""The rows of the 项目库's table, built in Python (as enterprises/templatetags/enterprise_tables.py, and the
request tables, do): through template nodes 50 rows cost more than the page's SQL."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from guanjia.core.addresses import object_address
from guanjia.core.templatetags.guanjia import wan

register = template.Library()

ROW = ('<tr>\n<td><a href="{url}">{name}</a>{archived}</td>\n'
       '<td data-label="{enterprise_label}">{enterprise}</td>\n'
       '<td data-label="{stage_label}"><span class="badge text-bg-info">{stage}</span></td>\n'
       '<td data-label="{key_label}">{key}</td>\n'
       '<td data-label="{investment_label}" class="text-end">{investment}</td>\n'
       '<td data-label="{started_label}">{started}</td>\n'
       '<td data-label="{butler_label}">{butler}</td>\n</tr>\n')


@register.simple_tag
def project_rows(projects) -> str:
    """One `<tr>` per project (read with its enterprise and butler), or a row saying there are none."""
    if not projects:
        return format_html('<tr><td colspan="7" class="text-center text-body-secondary py-4">{}</td></tr>',
                           _("没有符合条件的项目。"))
    detail = object_address("projects:detail")
    archived = format_html(' <span class="badge text-bg-secondary">{}</span>', _("已归档"))
    labels = {name: conditional_escape(label) for name, label in (
        ("enterprise_label", _("企业")), ("stage_label", _("阶段")), ("key_label", _("重点")),
        ("investment_label", _("总投资")), ("started_label", _("开工")), ("butler_label", _("管家")))}
    html = "".join(ROW.format(
        url=detail(p.pk), name=escape(p.name), archived=archived if p.is_archived else "",
        enterprise=escape(p.enterprise.name), stage=escape(p.get_stage_display()),
        key=(format_html('<span class="badge text-bg-warning">{}</span>', p.get_key_level_display())
             if p.is_key else ""),
        investment=escape(wan(p.total_investment)),
        started=p.started_on.strftime("%Y-%m-%d") if p.started_on else "—",
        butler=escape(str(p.butler)) if p.butler is not None else "—",
        **labels,
    ) for p in projects)
    return mark_safe(html)  # noqa: S308  (every value above is escaped; the markup is ours)
