from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from guanjia.core.forms import MAX_ID


def rows_in_order(queryset, bottom: int, top: int, *, shown=None) -> list:
    """Rows `bottom` to `top` of `queryset`: their ids first, in its order, then only those rows read from
    `shown` (the same rows before they were searched or filtered, with what they show: joined tables,
    prefetches, annotations; `queryset` itself if none), put back in that order. Rows as dicts carry `pk`."""
    ids = list(queryset.values_list("pk", flat=True)[bottom:top])
    if not ids:
        return []
    rows = (queryset if shown is None else shown).order_by().filter(pk__in=ids)
    found = {(row["pk"] if isinstance(row, dict) else row.pk): row for row in rows}
    return [found[pk] for pk in ids if pk in found]


class IdsFirstPaginator(Paginator):
    """Reads a page's ids first, then only those rows with what they show (`rows_in_order`).

    A list that is searched or filtered is sorted after its rows are found. Read with their joined tables,
    SQLite joined every match to its enterprise, butler and units before sorting (7 855 requests holding 融资:
    81 ms) where the ids alone sort in a few. `shown`: the list's scoped rows before its filters (a view's
    `visible_to` queryset with its related columns), so that the page's rows are read by id without running
    the search again. One query more than Django's, whatever the page.
    """

    def __init__(self, object_list, per_page, *, shown=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.shown = shown

    def page(self, number):
        if not isinstance(self.object_list, QuerySet):
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_in_order(self.object_list, bottom, top, shown=self.shown), number, self)


class Pagination(PageNumberPagination):
    """API.md: `?page=` and `?page_size=` (at most 500).

    A page or page size that is not a whole number of at least 1 (`0`, `-1`, `abc`) is a 400
    naming the parameter; DRF answers 404 to such a page and quietly ignores such a size. A page
    past the last one stays a 404 (DRF's way), and a size above 500 is read as 500.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    view = None

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        return super().paginate_queryset(queryset, request, view)

    def django_paginator_class(self, queryset, page_size):
        return IdsFirstPaginator(queryset, page_size, shown=self._shown(queryset))

    def _shown(self, queryset):
        """The page's rows are read by id from the view's scoped queryset (`ScopedViewSet`: `visible_to` with its
        related columns), not through its filters again; a list that is no queryset of the view's model pages
        as it is."""
        from guanjia.core.api import ScopedViewSet

        if not isinstance(queryset, QuerySet) or not isinstance(self.view, ScopedViewSet):
            return None
        shown = self.view.get_queryset()
        return shown if shown.model is queryset.model else None

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param) or "1"
        if raw in self.last_page_strings:
            return paginator.num_pages
        return _positive(raw, self.page_query_param, _("页码须为不小于 1 的整数。"))

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if not raw:
            return self.page_size
        message = _("每页条数须为 1 到 %(max)d 之间的整数。") % {"max": self.max_page_size}
        return min(_positive(raw, self.page_size_query_param, message), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                # Not a `maximum`: a larger size is read as the largest, not refused.
                parameter["description"] = (f"Rows per page, {self.page_size} unless given; at most "
                                            f"{self.max_page_size} (a larger size is read as {self.max_page_size}).")
        return parameters


def _positive(raw: str, name: str, message) -> int:
    """`raw` as a whole number of at least 1 (ASCII digits only), else a 400 naming the parameter."""
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ValidationError({name: [message]})
    return int(raw)


class WindowPaginator(Paginator):
    """Reads a page and the total in one query (`COUNT(*) OVER ()`); Django's Paginator counts first.

    Meant for lists sorted by a computed value, where the database reads every row to sort
    anyway and a separate COUNT costs as much as the page. Past the last page it still
    counts, so that the view can answer 404.
    """

    def page(self, number):
        number = self._at_least_one(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(paginator_total=Window(Count("*")))
                    [bottom:bottom + self.per_page + self.orphans])
        if rows:  # overrides the cached property: no COUNT query
            self.count = rows[0]["paginator_total"] if isinstance(rows[0], dict) else rows[0].paginator_total
        elif number == 1:
            self.count = 0
        number = self.validate_number(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows[:top - bottom], number, self)

    def _at_least_one(self, number) -> int:
        """`validate_number` without the check against the last page, which needs the total."""
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (number - 1) * self.per_page > MAX_ID:  # an offset the database refuses: no such page
            raise EmptyPage(self.error_messages["no_results"])
        return number


class CountApartPaginator(IdsFirstPaginator):
    """Counts `counted`, the list's rows before the page's columns were added to them.

    A page that reads related columns (`values("enterprise__name", …)`) joins their tables, and
    Django's COUNT keeps those joins: on SQLite, counting 200 000 requests with their enterprise
    and butler joined took 400 ms, against 8 ms for the requests alone. `counted` must hold the
    same rows: the list's queryset before `values()` and annotations.
    """

    def __init__(self, object_list, per_page, *, counted, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.counted = counted

    @cached_property
    def count(self) -> int:
        return self.counted.count()
