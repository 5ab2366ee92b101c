"""The rows of 我的待办, built in Python as the request tables are (see requests/templatetags/request_tables.py):
a page of fifty rows through template nodes cost more than the page's SQL."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from guanjia.org.models import User
from guanjia.workflow import registry
from guanjia.workflow.badges import DeadlineBadge

register = template.Library()

ROW = ('<tr><td data-label="{kind_label}"><span class="badge text-bg-light border">{kind}</span></td>'
       '<td class="font-monospace small">{number}</td>'
       '<td><a href="{url}">{title}</a></td>'
       '<td data-label="{enterprise_label}">{enterprise}</td>'
       '<td data-label="{status_label}"><span class="badge text-bg-{colour}">{status}</span></td>'
       '<td data-label="{owner_label}">{owner}</td>'
       '<td data-label="{due_label}">{due}</td></tr>\n')


class _Labels:
    """Each workflow's kind and status words, escaped once per page."""

    def __init__(self):
        self._kinds: dict[str, str] = {}
        self._statuses: dict[tuple[str, str], str] = {}

    def kind(self, kind: str) -> str:
        if kind not in self._kinds:
            try:
                self._kinds[kind] = conditional_escape(registry.get(kind).label)
            except KeyError:
                self._kinds[kind] = escape(kind)
        return self._kinds[kind]

    def status(self, kind: str, status: str) -> tuple[str, str]:
        key = (kind, status)
        if key not in self._statuses:
            try:
                workflow = registry.get(kind)
                self._statuses[key] = (conditional_escape(workflow.status_label(status)),
                                       workflow.status_colours.get(status, "secondary"))
            except KeyError:
                self._statuses[key] = (escape(status), "secondary")
        return self._statuses[key]


@register.simple_tag
def worklist_rows(rows, empty: str = "") -> str:
    """One `<tr>` per row of `selectors.worklist`, or a row saying there are none."""
    if not rows:
        return format_html('<tr><td colspan="7" class="text-center text-body-secondary py-4">{}</td></tr>',
                           empty or _("暂无待办。"))
    labels = _Labels()
    words = {name: conditional_escape(label) for name, label in (
        ("kind_label", _("类型")), ("enterprise_label", _("企业")), ("status_label", _("状态")),
        ("owner_label", _("责任")), ("due_label", _("时限")))}
    badge = DeadlineBadge()
    html = []
    for r in rows:
        status, colour = labels.status(r["kind"], r["status"])
        owner = User.label(r["person__name"], r["person__username"]) or r["unit__name"] or ""
        if r["person__name"] or r["person__username"]:
            owner = " · ".join(part for part in (owner, r["unit__name"]) if part)
        html.append(ROW.format(
            kind=labels.kind(r["kind"]), number=escape(r["number"]), url=escape(registry.item_url(r)),
            title=escape(r["title"]), enterprise=escape(r["enterprise__name"] or "—"), status=status, colour=colour,
            owner=escape(owner or "—"),
            due=badge(r["due_at"], r["warn_at"], r["paused"], r["due_provisional"]), **words))
    return mark_safe("".join(html))  # noqa: S308  (every value above is escaped; the markup is ours)
