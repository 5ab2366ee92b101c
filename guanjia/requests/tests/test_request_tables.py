"""The rows of the request tables, built in Python: every value escaped, links, badges and labels right."""

import datetime as dt

import time_machine
from django.template import Context, Template
from django.utils import timezone, translation

from guanjia.requests import services as s
from guanjia.requests.models import Request
from guanjia.requests.selectors import table_rows, with_next_due
from guanjia.requests.templatetags.request_tables import request_rows
from guanjia.workflow.badges import DeadlineBadge


def listed(user):
    """The rows of 全部诉求 as `user` sees it."""
    return list(table_rows(with_next_due(Request.objects.visible_to(user))))


def raise_one(world, title, urgency="normal"):
    return s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                           urgency=urgency, title=title, description="需增容。")


def test_a_row_escapes_what_people_typed_and_links_the_request(world):
    world.ent1.name = "A&B <公司>"
    world.ent1.save()
    request = raise_one(world, '<script>alert("x")</script>', urgency="urgent")
    html = request_rows(listed(world.butler1))
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "A&amp;B &lt;公司&gt;" in html
    assert html.count(f'href="{request.get_absolute_url()}"') == 2  # the number and the title
    assert f">{request.number}</a>" in html
    assert '<span class="badge text-bg-danger">紧急</span>' in html  # the urgency, as the choice's label
    assert 'data-label="类别" class="small">要素保障（水电气）</td>' in html
    assert f'data-label="管家">{world.butler1}</td>' in html


def test_the_deadline_badge_of_a_row_is_its_items_state(world):
    """Green, yellow from the working day before the due day (its `warn_at`), red once past it."""
    request = raise_one(world, "用电增容")
    rows = listed(world.butler1)
    due, warn = rows[0]["next_due"], rows[0]["item__warn_at"]
    for moment, colour in ((warn - dt.timedelta(hours=1), "success"), (warn + dt.timedelta(hours=1), "warning"),
                           (due + dt.timedelta(minutes=1), "danger")):
        with time_machine.travel(moment, tick=False):
            badge = DeadlineBadge()(due, warn)
            assert f"text-bg-{colour}" in badge and badge in request_rows(rows), (moment, badge)
    assert timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in request_rows(rows)
    assert request.pk == rows[0]["pk"]


def test_labels_follow_the_language_and_an_empty_table_says_so(world):
    raise_one(world, "用电增容")
    rows = listed(world.butler1)
    with translation.override("en"):
        html = request_rows(rows)
        assert 'data-label="Category" class="small">Utilities (water, power, gas)</td>' in html
        assert ">Awaiting sign-for</span>" in html  # the status's label, not its code
        empty = Template("{% load request_tables %}{% request_rows rows %}").render(Context({"rows": []}))
    assert "text-center" in empty and "没有" not in empty
    assert "没有符合条件的诉求。" in request_rows([])
