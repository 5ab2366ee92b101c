"""The pages against their SQL floor served through the product's layout: what a page costs over its own frame.

A page's floor (one hand-written statement, answered as JSON) leaves out what every page of the product pays
before its first row: the base template with its menu, bell, language and sign-out forms. Issues 15 and 17
ask the product side whether a page's budget should be read against a floor that includes it. These figures
give that reading: the same statement's rows, escaped into table rows in Python (the cheapest way to show
them), inside `base.html` for the same signed-in person, in a minimal view. `?layout=1` on a floor's address
answers so (bench/urls.py); the JSON floors are unchanged.
"""

from __future__ import annotations

from functools import cache
from html import escape

from django.http import HttpResponse
from django.template import engines
from django.utils.safestring import mark_safe


@cache
def _page():
    """Compiled once, as a template loader caches a page's."""
    return engines["django"].from_string(
        '{% extends "base.html" %}{% block title %}floor{% endblock %}'
        '{% block content %}<table class="table table-sm">{{ rows }}</table>{% endblock %}')


def page(request, rows) -> HttpResponse:
    """`rows` (tuples of values) as table rows inside the product's base template."""
    html = "".join("<tr>" + "".join(f"<td>{escape(str(value))}</td>" for value in row) + "</tr>\n" for row in rows)
    return HttpResponse(_page().render({"rows": mark_safe(html)}, request))  # noqa: S308 (escaped above)


def wants_layout(request) -> bool:
    return request.GET.get("layout") == "1"


def _over_layout(found) -> list:
    from bench.request_figures import Case

    return [Case(f"{case.name} (layout floor)", case.client, case.url,
                 f"{case.floor_url}{'&' if '?' in case.floor_url else '?'}layout=1", "the same SQL's rows in base.html")
            for case in found if case.name.startswith("page")]


def list_cases(*, zone, admin) -> list:
    """The list pages and every 我的待办 (budget 2×) against their floors through the layout."""
    from django.utils import timezone

    from bench import list_figures
    from bench.request_figures import signed_in, worklist_and_stats_cases

    return _over_layout([*worklist_and_stats_cases(zone=zone, admin=admin, year=timezone.localdate().year),
                         *list_figures.cases(signed_in(admin))])


def page_cases(*, zone, admin) -> list:
    """The detail and home pages (budget 3×) against their floors through the layout."""
    from bench import detail_figures, home_figures

    return _over_layout([*detail_figures.cases(zone=zone, admin=admin), *home_figures.cases(zone=zone, admin=admin)])
