"""WindowPaginator (the page and its total in one query) and IdsFirstPaginator (the page's ids, then its rows) give
the same pages as Django's Paginator."""

import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator

from guanjia.core.pagination import IdsFirstPaginator, WindowPaginator
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


@pytest.mark.parametrize(("per_page", "orphans"), [(2, 0), (1, 0), (2, 1), (5, 0)])
@pytest.mark.parametrize("as_values", [False, True], ids=["instances", "values"])
def test_ids_first_pages_are_djangos(world, django_assert_num_queries, per_page, orphans, as_values):
    everything = Enterprise.objects.order_by("-name", "pk")  # an order that is not the ids'
    if as_values:
        everything = everything.values("pk", "name")
    django = Paginator(everything, per_page, orphans=orphans)
    for number in django.page_range:
        expected = django.page(number)
        expected = (list(expected), expected.has_next(), django.count, django.num_pages)
        paginator = IdsFirstPaginator(everything, per_page, orphans=orphans)
        with django_assert_num_queries(3):  # count, the page's ids, its rows
            page = paginator.page(number)
            assert (list(page), page.has_next(), paginator.count, paginator.num_pages) == expected


def test_ids_first_reads_the_rows_from_what_is_shown_not_through_the_filters_again(world, django_assert_num_queries):
    searched = Enterprise.objects.filter(pk=world.ent2.pk).order_by("name", "pk")
    shown = Enterprise.objects.visible_to(world.admin).select_related("butler")
    assert shown.count() > 1
    page = IdsFirstPaginator(searched, 10, shown=shown).page(1)
    assert list(page) == [world.ent2]  # the ids come through the filters, the rows from `shown`
    with django_assert_num_queries(0):
        assert page[0].butler == world.ent2.butler  # read with what `shown` joins
