"""The 企业库's rows built in Python read exactly as the template they replaced, in both languages."""

import re

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from guanjia.enterprises.models import Enterprise, Tag
from guanjia.enterprises.templatetags.enterprise_tables import enterprise_rows
from guanjia.tests_support.factories import EnterpriseFactory

# The rows as enterprises/_enterprise_table.html wrote them before (the fifteenth session's template).
TEMPLATE_ROWS = """{% load i18n %}{% for e in object_list %}
  <tr>
    <td><a href="{{ e.get_absolute_url }}">{{ e.name }}</a>{% if e.is_archived %} <span class="badge text-bg-secondary">{% translate "已归档" %}</span>{% endif %}</td>
    <td data-label="{% translate '信用代码' %}" class="font-monospace small">{{ e.uscc }}</td>
    <td data-label="{% translate '行业' %}" class="small">{{ e.industry_label }}</td>
    <td data-label="{% translate '规模' %}">{{ e.get_scale_display }}</td>
    <td data-label="{% translate '标签' %}">{% for t in e.tags.all %}<span class="badge rounded-pill text-bg-light border">{{ t.name }}</span> {% endfor %}</td>
    <td data-label="{% translate '工作站' %}">{{ e.workstation|default:"—" }}</td>
    <td data-label="{% translate '管家' %}">{{ e.butler|default:"—" }}</td>
  </tr>
  {% empty %}
  <tr><td colspan="7" class="text-center text-body-secondary py-4">{% translate "没有符合条件的企业。" %}</td></tr>
  {% endfor %}"""


def _squeezed(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_read_as_the_template_wrote_them(world, language):
    odd = EnterpriseFactory(zone=world.zone, name='<b>"甲&乙"</b>', butler=None, workstation=None, scale="",
                            industry="")
    odd.tags.add(Tag.objects.create(code="x", name="<专精特新>"), Tag.objects.create(code="y", name="高新"))
    Enterprise.objects.filter(pk=world.ent2.pk).update(archived_at=timezone.now())
    rows = list(Enterprise.objects.select_related("workstation", "butler").prefetch_related("tags").order_by("pk"))
    assert len(rows) >= 3
    with translation.override(language):
        expected = Template(TEMPLATE_ROWS).render(Context({"object_list": rows}))
        assert _squeezed(enterprise_rows(rows)) == _squeezed(expected)
        assert _squeezed(enterprise_rows([])) == _squeezed(Template(TEMPLATE_ROWS).render(Context({"object_list": []})))
