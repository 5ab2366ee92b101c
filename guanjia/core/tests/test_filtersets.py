"""core.filtersets.FilterSet: django-filter's FilterSet without its per-call deep copies, answering as it does."""

from __future__ import annotations

import django_filters
import pytest
from django.http import QueryDict
from django.test import RequestFactory

from guanjia.enterprises.filtersets import EnterpriseFilterSet
from guanjia.enterprises.models import Enterprise
from guanjia.meetings.filtersets import ActionItemFilterSet
from guanjia.requests.filtersets import RequestFilterSet

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _filterset(cls, user, **data):
    query = QueryDict(mutable=True)
    query.update(data)
    return cls(query, queryset=cls._meta.model.objects.visible_to(user), request=_request(user))


def test_every_filterset_of_the_product_is_ours():
    """A FilterSet made straight from django-filter's would pay its copies again."""
    from guanjia.core.filtersets import FilterSet as ours

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    theirs = [cls for cls in subclasses(django_filters.FilterSet)
              if cls.__module__.startswith("guanjia.") and not issubclass(cls, ours)]
    assert not theirs, theirs


def test_the_form_class_is_made_once_and_each_form_has_its_own_fields(world):
    first = _filterset(RequestFilterSet, world.admin, status="accepted")
    second = _filterset(RequestFilterSet, world.admin)
    assert type(first.form) is type(second.form)
    assert set(first.form.fields) == set(RequestFilterSet.base_filters)
    first.form.fields["category"].widget.attrs["class"] = "mine"
    assert "class" not in second.form.fields["category"].widget.attrs
    assert first.filters["q"] is not second.filters["q"]
    assert first.filters["q"].extra is not RequestFilterSet.base_filters["q"].extra
    assert not hasattr(RequestFilterSet.base_filters["workstation"], "_field")


def test_a_method_filter_runs_on_its_own_filterset(world):
    """A filter's `method` names a method of the FilterSet that made the copy, not of another (their requests differ)."""
    mine = _filterset(RequestFilterSet, world.admin, q="轮胎")
    other = _filterset(RequestFilterSet, world.foreign_admin, q="轮胎")
    assert mine.filters["q"].filter.method.__self__ is mine
    assert other.filters["q"].filter.method.__self__ is other
    assert mine.filters["status"].filter.method.__self__ is mine


def test_a_queryset_made_from_the_request_is_each_callers(world):
    """The 工作站 filter offers the caller's zone's workstations only, whichever caller the form class was made for."""
    foreign_ws = world.foreign_enterprise.workstation
    ours = _filterset(EnterpriseFilterSet, world.admin, workstation=str(world.ws1.pk))
    assert ours.is_valid()
    assert list(ours.qs) == [world.ent1]
    assert set(ours.form.fields["workstation"].queryset) == {world.ws1, world.ws2}
    theirs = _filterset(EnterpriseFilterSet, world.admin, workstation=str(foreign_ws.pk))
    assert not theirs.is_valid()
    assert "workstation" in theirs.errors
    foreign = _filterset(EnterpriseFilterSet, world.foreign_admin, workstation=str(foreign_ws.pk))
    assert foreign.is_valid()
    assert list(foreign.qs) == [world.foreign_enterprise]
    assert list(foreign.form.fields["workstation"].queryset) == [foreign_ws]
    # and without a request, none (as django-filter's own)
    anonymous = EnterpriseFilterSet(QueryDict(f"workstation={world.ws1.pk}"), queryset=Enterprise.objects.all())
    assert not anonymous.is_valid()


def test_a_units_filter_is_the_callers_zones(world):
    form = _filterset(ActionItemFilterSet, world.foreign_admin).form
    assert not form.fields["owner_unit"].queryset.filter(zone=world.zone).exists()
    form = _filterset(ActionItemFilterSet, world.admin).form
    assert set(form.fields["owner_unit"].queryset) >= {world.unit1, world.unit2}


@pytest.mark.parametrize("data", [{}, {"q": "轮胎"}, {"scale": "above"}, {"workstation": "x"}, {"archived": "all"},
                                  {"ordering": "-name"}, {"section": "C", "archived": "true"}])
def test_it_answers_as_django_filters_own(world, data):
    """The same data through django-filter's own FilterSet (the same filters and methods) gives the same rows,
    errors and form."""

    class Theirs(EnterpriseFilterSet):
        __init__ = django_filters.FilterSet.__init__
        get_form_class = django_filters.FilterSet.get_form_class
        form = django_filters.FilterSet.form

    mine = _filterset(EnterpriseFilterSet, world.admin, **data)
    theirs = _filterset(Theirs, world.admin, **data)
    assert mine.is_valid() == theirs.is_valid()
    assert mine.errors == theirs.errors
    if mine.is_valid():
        assert list(mine.qs) == list(theirs.qs)
    assert str(mine.form) == str(theirs.form)
    # and `Theirs` is django-filter's path indeed: a new form class each time, ours made once
    assert type(theirs.form) is not type(_filterset(Theirs, world.admin, **data).form)
    assert type(mine.form) is type(_filterset(EnterpriseFilterSet, world.admin, **data).form)


@pytest.mark.parametrize("url", ["/enterprises/", "/projects/", "/meetings/actions/"])
def test_a_filter_bars_selects_read_their_rows_in_one_query_each(client, world, url):
    """Not through a server-side cursor (Django's `.iterator()`: DECLARE, FETCH and CLOSE on PostgreSQL), and
    with the options the caller may see."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.admin)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("DECLARE", "FETCH"))]
    html = page.content.decode()
    if url != "/meetings/actions/":
        assert f'<option value="{world.ws1.pk}">{world.ws1.name}</option>' in html
        assert world.foreign_enterprise.workstation.name not in html
    else:
        assert f'<option value="{world.unit1.pk}">{world.unit1.name}</option>' in html


def test_the_forms_selects_of_rows_read_them_in_one_query_each(client, world):
    """So do the product's forms (RequestFormMixin): a request's action forms (牵头单位, 并入诉求, …) on its page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from guanjia.requests import services

    request = services.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="factors",
                                     title="用电增容", description="。")
    services.request_accept(actor=world.butler1, request=request)  # now 转办 offers its 牵头单位
    client.force_login(world.butler1)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(f"/requests/{request.pk}/")
    assert page.status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith(("DECLARE", "FETCH"))]
    html = page.content.decode()
    assert f'<option value="{world.unit1.pk}">{world.unit1.name}</option>' in html  # 牵头单位's options
