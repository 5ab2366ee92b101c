"""The form renderer writes a select's options in Python: the markup must be what Django's templates write."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.test.html import parse_html
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


def test_every_select_of_the_product_s_filter_forms(world):
    """The 企业库's, 项目库's and 全部诉求's filter forms, as the list pages style them."""
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
            if isinstance(bound.field.widget, forms.Select):
                ours = bound.as_widget()
                django = bound.field.widget.render(bound.html_name, bound.value(), attrs=bound.build_widget_attrs(
                    {"id": bound.auto_id}), renderer=DjangoTemplates())
                assert parse_html(ours) == parse_html(django), bound.name
                seen += 1
    assert seen >= 10


def test_a_select_with_an_option_template_of_its_own_goes_through_its_template():
    class Special(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    ours, django = _both(Special(choices=[("a", "甲")]), "f", "a")
    assert ours == django
