from functools import lru_cache

from django import template
from django.utils.translation import gettext as _

from guanjia.core.masking import mask_phone

register = template.Library()


@register.filter
def phone(value: str, show: bool) -> str:
    """A phone number in full for roles that need it, masked (138****5678) for the others."""
    return value if show else mask_phone(value)


@register.filter
def wan(value) -> str:
    """An amount in 万元 with two decimals and thousands separators."""
    if value is None:
        return ""
    return f"{value:,.2f}"


@register.simple_tag(takes_context=True)
def sort_link(context, field: str, label: str) -> str:
    """A column header that sorts by `field`, and reverses when clicked again."""
    from django.utils.html import format_html

    request = context["request"]
    query = request.GET.copy()
    current = query.get("ordering", "")
    new = f"-{field}" if current == field else field
    query["ordering"] = new
    query.pop("page", None)
    arrow = "▲" if current == field else "▼" if current == f"-{field}" else ""
    return format_html('<a href="?{}" class="link-body-emphasis text-decoration-none">{} {}</a>',
                       query.urlencode(), label, arrow)


@register.filter
def audit_action(action: int) -> str:
    return {0: _("新增"), 1: _("修改"), 2: _("删除"), 3: _("查看")}.get(action, str(action))


@register.filter
def audit_source(source: str) -> str:
    from guanjia.core.choices import AuditSource

    try:
        return AuditSource(source).label
    except ValueError:
        return source


@lru_cache(maxsize=256)
def _escaped_labels(field, language: str) -> dict:
    """The labels of `core.models.choice_labels`, escaped."""
    from django.utils.html import conditional_escape

    from guanjia.core.models import choice_labels as labels

    return {value: conditional_escape(label) for value, label in labels(field, language).items()}


def choice_labels(model, field_name: str) -> dict:
    """A field's choices as {value: label}, translated and escaped once per language (shared: do not modify it)."""
    from django.utils.translation import get_language

    return _escaped_labels(model._meta.get_field(field_name), get_language())
