from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from guanjia.core.forms import MAX_ID


class Pagination(PageNumberPagination):
    """API.md: `?page=` and `?page_size=` (at most 500).

    A page or page size that is not a whole number of at least 1 (`0`, `-1`, `abc`) is a 400
    naming the parameter; DRF answers 404 to such a page and quietly ignores such a size. A page
    past the last one stays a 404 (DRF's way), and a size above 500 is read as 500.
    """

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

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


class CountApartPaginator(Paginator):
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
