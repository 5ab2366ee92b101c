"""WindowPaginator: the page and its total in one query, the same pages as Django's Paginator."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from guanjia.core.pagination import WindowPaginator
from guanjia.enterprises.models import Enterprise


@pytest.mark.parametrize(("per_page", "orphans"), [(2, 0), (1, 0), (2, 1), (5, 0)])
@pytest.mark.parametrize("as_values", [False, True], ids=["instances", "values"])
def test_pages_are_djangos(world, django_assert_num_queries, per_page, orphans, as_values):
    everything = Enterprise.objects.order_by("pk")  # the world's three enterprises
    if as_values:
        everything = everything.values("pk", "name")
    django = Paginator(everything, per_page, orphans=orphans)
    for number in django.page_range:
        expected = django.page(number)
        expected = (list(expected), expected.has_next(), django.count, django.num_pages)
        paginator = WindowPaginator(everything, per_page, orphans=orphans)
        with django_assert_num_queries(1):
            page = paginator.page(number)
            rows = [{k: v for k, v in row.items() if k != "paginator_total"} for row in page] if as_values else list(page)
            assert (rows, page.has_next(), paginator.count, paginator.num_pages) == expected


def test_empty_list_past_the_end_and_bad_numbers(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = WindowPaginator(Enterprise.objects.filter(pk=0).order_by("pk"), 2).page(1)
        assert list(page) == [] and page.paginator.count == 0
    with django_assert_num_queries(2), pytest.raises(EmptyPage):  # past the end it counts, for the view's 404
        WindowPaginator(Enterprise.objects.order_by("pk"), 2).page(3)
    for number, error in ((0, EmptyPage), ("x", PageNotAnInteger), (1.5, PageNotAnInteger)):
        with django_assert_num_queries(0), pytest.raises(error):
            WindowPaginator(Enterprise.objects.order_by("pk"), 2).page(number)
