"""Search through the grams index (guanjia/search) against the scan the product ran before, in the same run.

Each word is looked up both ways, interleaved, as the list pages do (the count and the first page of 50, by
name): "index" is the product's filter, "scan" the former `LIKE '%…%'` over every row. Both must return the
same rows, or the figure says so. The ratio is the index's time over the scan's: under 0.2 is 5× faster.
"""

from __future__ import annotations

import statistics

from django.db.models import Q

from bench.run import Figure, _timed

WORDS = ("科", "科技", "新材料", "融资租", "电力增容")


def _page(queryset, order: str) -> tuple[int, list]:
    return queryset.count(), list(queryset.order_by(order, "pk").values_list("pk", flat=True)[:50])


def _figure(name: str, indexed, scanned, *, repeat: int) -> Figure:
    found, expected = indexed(), scanned()
    if found != expected:
        name += "  [DIFFERENT ROWS]"
    index_ms, scan_ms = [], []
    for _ in range(repeat):
        index_ms.append(_timed(indexed))
        scan_ms.append(_timed(scanned))
    name += f" ({found[0]:,} rows)"
    return Figure(name, statistics.median(index_ms), statistics.median(scan_ms), None, budget=0.2,
                  against="the scan")


def enterprise_search(*, repeat: int, words=WORDS) -> list[Figure]:
    from guanjia.enterprises.filtersets import EnterpriseFilterSet
    from guanjia.enterprises.models import Enterprise

    every = Enterprise.objects.all()
    return [_figure(f"企业库 search {word!r}",
                    lambda w=word: _page(EnterpriseFilterSet({"q": w}, queryset=every).qs, "name"),
                    lambda w=word: _page(every.filter(name__contains=w), "name"), repeat=repeat)
            for word in words]


def request_search(*, repeat: int, words=WORDS) -> list[Figure]:
    from guanjia.enterprises.models import Enterprise
    from guanjia.requests.filtersets import RequestFilterSet
    from guanjia.requests.models import Request

    every = Request.objects.all()

    def scanned(word):
        named = Enterprise.objects.filter(name__contains=word).values("pk")
        return _page(every.filter(Q(number__icontains=word) | Q(title__contains=word) | Q(enterprise__in=named)),
                     "-created_at")

    return [_figure(f"全部诉求 search {word!r}",
                    lambda w=word: _page(RequestFilterSet({"q": w}, queryset=every).qs, "-created_at"),
                    lambda w=word: scanned(w), repeat=repeat)
            for word in words]
