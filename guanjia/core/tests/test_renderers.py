"""The form renderer writes selects, inputs and text areas in Python: the markup must be what Django's templates
write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.test.html import parse_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from guanjia.core.renderers import FormRenderer

pytestmark = pytest.mark.django_db


def _both(widget: forms.Widget, name: str, value, attrs=None) -> tuple:
    ours = widget.render(name, value, attrs=attrs, renderer=FormRenderer())
    django = widget.render(name, value, attrs=attrs, renderer=DjangoTemplates())
    return ours, django


CASES = [
    (forms.Select(choices=[("", "---------"), ("a", "甲"), ("b&c", 'say "b" <c>')]), "b&c"),
    (forms.Select(choices=[("x", _("全部")), (1, 2025), (2, 2026)]), 2),  # lazy and numeric labels
    (forms.Select(choices=[("东部", [("1", "一"), ("2", "二")]), ("西部", [("3", "三")]), ("4", "四")]), "3"),
    (forms.SelectMultiple(choices=[("1", "一"), ("2", "二"), ("3", "三")]), ["1", "3"]),
    (forms.NullBooleanSelect(), True),
    (forms.Select(choices=[("a", "甲")], attrs={"class": "form-select form-select-sm", "disabled": True,
                                                 "data-x": 'q"<', "hidden": False}), None),
]


@pytest.mark.parametrize("widget, value", CASES)
def test_a_select_reads_as_django_writes_it(widget, value):
    ours, django = _both(widget, "field", value, attrs={"id": "id_field", "required": True})
    assert parse_html(ours) == parse_html(django), (ours, django)
    assert ours == "".join(line.strip() for line in django.splitlines())  # the same markup, less the layout


INPUTS = [
    (forms.TextInput(), '甲<b>&"乙\''),
    (forms.TextInput(), None),
    (forms.TextInput(), mark_safe("<b>安全</b>")),
    (forms.NumberInput(attrs={"step": "0.01", "min": 0}), Decimal("1.50")),
    (forms.NumberInput(), 0),
    (forms.DateInput(attrs={"type": "date"}), dt.date(2026, 1, 2)),
    (forms.HiddenInput(), 5),
    (forms.EmailInput(), ""),
    (forms.PasswordInput(render_value=True), "x<y"),
    (forms.URLInput(), "https://a.example/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(), False),
    (forms.Textarea(attrs={"rows": 3}), "多行\n<script>alert(1)</script>"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.Textarea(), mark_safe("<i>safe</i>")),
]


@pytest.mark.parametrize("widget, value", INPUTS)
def test_an_input_or_a_text_area_reads_as_django_writes_it(widget, value):
    ours, django = _both(widget, "field", value, attrs={"id": "id_field", "required": True, "class": 'a"b',
                                                        "disabled": False, "autofocus": True})
    assert ours == django


def _same_as_django(bound) -> bool:
    ours = bound.as_widget()
    django = bound.field.widget.render(bound.html_name, bound.value(), attrs=bound.build_widget_attrs(
        {"id": bound.auto_id}), renderer=DjangoTemplates())
    return parse_html(ours) == parse_html(django)


def test_every_widget_of_a_request_s_action_forms(client, world):
    """The forms a request's page shows (办理: 受理, 转办, 答复, 延期, …) render as Django's templates would."""
    from guanjia.requests import services

    request = services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                                     title="用电增容", description="。")
    client.force_login(world.admin)
    actions = client.get(f"/requests/{request.pk}/").context["actions"]
    widgets = [bound for _name, _label, form in actions for bound in form]
    assert len(actions) >= 2 and len(widgets) >= 20
    assert [bound.name for bound in widgets if not _same_as_django(bound)] == []
    kinds = {type(bound.field.widget).__name__ for bound in widgets}
    assert {"Textarea", "Select"} <= kinds, kinds


def test_every_widget_of_the_product_s_filter_forms(world):
    """The 企业库's, 项目库's and 全部诉求's filter forms, as the list pages style them: selects and inputs."""
    from guanjia.core.views import style_filter_form
    from guanjia.enterprises.filtersets import EnterpriseFilterSet
    from guanjia.projects.filtersets import ProjectFilterSet
    from guanjia.requests.filtersets import RequestFilterSet

    request = RequestFactory().get("/", {"industry": "C26", "ordering": "-name", "archived": "true"})
    request.user = world.admin
    seen = 0
    for filterset_class in (EnterpriseFilterSet, ProjectFilterSet, RequestFilterSet):
        form = filterset_class(request.GET, request=request, queryset=filterset_class._meta.model.objects.none()).form
        style_filter_form(form)
        for bound in form:
            assert _same_as_django(bound), bound.name
            seen += 1
    assert seen >= 25


def test_a_select_with_an_option_template_of_its_own_goes_through_its_template():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    ours, django = _both(Special(choices=[("a", "甲")]), "f", "a")
    assert ours == django
