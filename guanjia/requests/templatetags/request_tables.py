"""The rows of the request tables (我的待办, 诉求列表), built in Python.

Through template nodes each row cost about 0.2 ms: a dozen variable lookups, three choice
labels, a reversed URL and a deadline badge, each autoescaped. The tables list up to 50 rows,
so the rows alone took longer than the page's whole SQL. As Django's admin does for its change
lists (`items_for_result`), the cells are put together in Python; the table around them stays
in requests/_request_table.html.

Escaping: everything read from the database goes through `html.escape`, the function that
Django's own `escape` calls. Labels are escaped before the rows: choice names and urgency
badges once per language, column names and the deadline words once per page. The rest of a
row is our own markup. `format_html` would do the same per value, but spent 40 µs a row on
checking for lazy strings and wrapping each value in a `SafeString`.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from guanjia.core.addresses import object_address
from guanjia.core.templatetags.guanjia import choice_labels
from guanjia.org.models import User
from guanjia.requests import disclosure
from guanjia.requests.choices import STATUS_COLOURS, Urgency
from guanjia.requests.models import Request
from guanjia.requests.selectors import enterprise_only
from guanjia.workflow.badges import DeadlineBadge

register = template.Library()

ROW = ('<tr><td class="font-monospace small"><a href="{url}">{number}</a></td>'
       '<td><a href="{url}">{title}</a>{urgency}</td>'
       '<td data-label="{enterprise_label}">{enterprise}</td>'
       '<td data-label="{category_label}" class="small">{category}</td>'
       '<td data-label="{status_label}"><span class="badge text-bg-{colour}">{status}</span></td>'
       '<td data-label="{butler_label}">{butler}</td>'
       '<td data-label="{due_label}">{due}</td></tr>\n')


def _label(labels: dict, code: str) -> str:
    """A choice's escaped label; a code without one (not expected) shown escaped as it is."""
    return labels.get(code) or escape(code)


@lru_cache(maxsize=16)
def _urgency_badges(language: str) -> dict:
    """The red badge after the title of an urgent request, per urgency other than normal."""
    return {code: format_html(' <span class="badge text-bg-danger">{}</span>', label)
            for code, label in choice_labels(Request, "urgency").items() if code != Urgency.NORMAL}


@register.simple_tag
def request_rows(rows, user=None) -> str:
    """One `<tr>` per row of `selectors.table_rows`, or a row saying there are none; each status as `user`
    reads it (`requests.disclosure`: an enterprise contact does not read 退单待仲裁)."""
    if not rows:
        return format_html('<tr><td colspan="7" class="text-center text-body-secondary py-4">{}</td></tr>',
                           _("没有符合条件的诉求。"))
    detail = object_address("requests:detail")
    categories = choice_labels(Request, "category")
    statuses = choice_labels(Request, "status")
    urgencies = _urgency_badges(get_language())
    labels = {name: conditional_escape(label) for name, label in (
        ("enterprise_label", _("企业")), ("category_label", _("类别")), ("status_label", _("状态")),
        ("butler_label", _("管家")), ("due_label", _("时限")))}
    badge = DeadlineBadge()
    shown = disclosure.ENTERPRISE_STATUS if user is not None and enterprise_only(user) else {}
    html = "".join(ROW.format(
        url=detail(r["pk"]), number=escape(r["number"]), title=escape(r["title"]),
        urgency=urgencies.get(r["urgency"], ""), enterprise=escape(r["enterprise__name"]),
        category=_label(categories, r["category"]),
        colour=STATUS_COLOURS.get(shown.get(r["status"], r["status"]), "secondary"),
        status=_label(statuses, shown.get(r["status"], r["status"])),
        butler=escape(User.label(r["butler__name"], r["butler__username"]) or "—"),
        due=badge(r["next_due"], r["item__warn_at"], r["item__paused"], r["item__due_provisional"]),
        **labels,
    ) for r in rows)
    return mark_safe(html)  # noqa: S308  (every value above is escaped; the markup is ours)
