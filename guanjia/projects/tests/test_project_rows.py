"""The 项目库's rows built in Python read exactly as the template they replaced, in both languages."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from guanjia.projects.models import Project
from guanjia.projects.templatetags.project_tables import project_rows
from guanjia.tests_support.factories import ProjectFactory

# The rows as projects/_project_table.html wrote them before (the fifteenth session's template).
TEMPLATE_ROWS = """{% load i18n guanjia %}{% for p in object_list %}
  <tr>
    <td><a href="{{ p.get_absolute_url }}">{{ p.name }}</a>{% if p.is_archived %} <span class="badge text-bg-secondary">{% translate "已归档" %}</span>{% endif %}</td>
    <td data-label="{% translate '企业' %}">{{ p.enterprise.name }}</td>
    <td data-label="{% translate '阶段' %}"><span class="badge text-bg-info">{{ p.get_stage_display }}</span></td>
    <td data-label="{% translate '重点' %}">{% if p.is_key %}<span class="badge text-bg-warning">{{ p.get_key_level_display }}</span>{% endif %}</td>
    <td data-label="{% translate '总投资' %}" class="text-end">{{ p.total_investment|wan }}</td>
    <td data-label="{% translate '开工' %}">{{ p.started_on|date:"Y-m-d"|default:"—" }}</td>
    <td data-label="{% translate '管家' %}">{{ p.butler|default:"—" }}</td>
  </tr>
  {% empty %}
  <tr><td colspan="7" class="text-center text-body-secondary py-4">{% translate "没有符合条件的项目。" %}</td></tr>
  {% endfor %}"""


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_read_as_the_template_wrote_them(world, language):
    ProjectFactory(enterprise=world.ent1, name='<i>"一期&二期"</i>', butler=None, key_level="city",
                   total_investment=Decimal("1234567.891"), started_on=dt.date(2026, 3, 9))
    ProjectFactory(enterprise=world.ent2, name="仓储", butler=world.butler2, total_investment=Decimal("0"),
                   archived_at=timezone.now())
    rows = list(Project.objects.select_related("enterprise", "butler").order_by("pk"))
    assert len(rows) >= 3
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context({"object_list": rows}))
        assert _squeezed(project_rows(rows)) == _squeezed(expected)
        assert _squeezed(project_rows([])) == _squeezed(Template(TEMPLATE_ROWS).render(Context({"object_list": []})))
