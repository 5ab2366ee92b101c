"""The form renderer: Django's own, except that selects, inputs and text areas are written out in Python.

Django renders each `<option>` through two templates (`select_option.html` and `attrs.html`): about 30 µs an
option, so the 企业库's filter form with its 98 industries took 8 ms of an 18 ms page. An input or a text area
goes through two or three templates too (`text.html` includes `input.html`, which includes `attrs.html`): about
0.1 ms each, a dozen on a request's page with its action forms. The widget's context (the value, which option
is selected, the attributes, the groups) is still Django's own (`Widget.get_context`); only the markup is built
here, the same as the templates build it (`core/tests/test_renderers.py` compares the two for every kind of
widget the product shows). A widget with a template of its own goes through its template as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
# The input templates that are `input.html` alone (file inputs and the choice widgets have their own).
INPUTS = frozenset(f"django/forms/widgets/{kind}.html" for kind in (
    "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time", "search", "tel", "color",
    "checkbox"))
TEXTAREA = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    """attrs.html: ` name="value"`, a bare ` name` for True, nothing for False."""
    return "".join(
        f" {conditional_escape(name)}" if value is True
        else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        for name, value in attrs.items() if value is not False
    )


def render_select(widget: dict) -> str | None:
    """select.html for a select's context, or None when an option has a template of its own."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'<optgroup label="{conditional_escape(localize(group_name))}">')
        for option in group_choices:
            if option["template_name"] != OPTION:
                return None
            parts.append(f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                         f'{conditional_escape(localize(option["label"]))}</option>')
        if group_name:
            parts.append("</optgroup>")
    parts.append("</select>")
    return "".join(parts)


def render_input(widget: dict) -> str:
    """input.html: `value` as `|stringformat:'s'` writes it (escaped unless marked safe), and only when given."""
    value = "" if widget["value"] is None else f' value="{conditional_escape(str(widget["value"]))}"'
    return (f'<input type="{conditional_escape(localize(widget["type"]))}" '
            f'name="{conditional_escape(localize(widget["name"]))}"{value}{_attrs(widget["attrs"])}>')


def render_textarea(widget: dict) -> str:
    """textarea.html, its newline after the opening tag included (a browser drops it)."""
    value = conditional_escape(localize(widget["value"])) if widget["value"] else ""
    return f'<textarea name="{conditional_escape(localize(widget["name"]))}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER."""

    def render(self, template_name, context, request=None):
        if template_name == SELECT:
            html = render_select(context["widget"])
            if html is not None:
                return mark_safe(html)  # noqa: S308 - every value above is escaped
        elif template_name in INPUTS:
            return mark_safe(render_input(context["widget"]))  # noqa: S308 - escaped above
        elif template_name == TEXTAREA:
            return mark_safe(render_textarea(context["widget"]))  # noqa: S308 - escaped above
        return super().render(template_name, context, request=request)
