"""Every list page with a filter bar shows its filters: a FilterSet without `more_in_page` (the 企业库's, the
项目库's, …) once showed none at all, as `x in <missing>` is an error that `{% if %}` reads as false."""

from __future__ import annotations

import re

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db

LISTS = ["enterprises:list", "projects:list", "requests:list", "approvals:catalogue", "meetings:list",
         "meetings:action-list", "accounts:sign-in-log"]


@pytest.mark.parametrize("name", LISTS)
def test_the_filter_bar_shows_every_filter(client, world, name):
    client.force_login(world.admin)
    url = reverse(name)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    bar = html[html.index("filter-bar"):html.index("</form>", html.index("filter-bar"))]
    filterset = resolve(url).func.view_class.filterset_class
    hidden = set(getattr(filterset, "hidden_in_page", ()))
    shown = {name for name in filterset.base_filters if name not in hidden and name != "ordering"}
    assert shown and shown <= set(re.findall(r'name="([a-z_]+)"', bar)), (shown, bar[:500])
    # Bootstrap's small controls on every one (style_filter_form, for every list page)
    controls = re.findall(r"<(select|input)\b([^>]*)>", bar)
    assert controls and all(("form-select form-select-sm" if tag == "select" else "form-control form-control-sm")
                            in attrs for tag, attrs in controls if 'type="hidden"' not in attrs), controls


@pytest.mark.parametrize("name", LISTS)
def test_a_filter_not_set_reads_any(client, world, name):
    """Every select of the bar offers 全部 for "any" (English: Any), never Django's "---------"."""
    client.force_login(world.admin)
    html = client.get(reverse(name)).content.decode()
    bar = html[html.index("filter-bar"):html.index("</form>", html.index("filter-bar"))]
    selects = re.findall(r"<select[^>]*>\s*<option[^>]*>([^<]*)</option>", bar)
    assert "---------" not in bar
    assert selects and set(selects) <= {"全部", "在册"}, selects
