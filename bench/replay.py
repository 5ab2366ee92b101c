"""A page against its own SQL: the statements the page ran, replayed through a cursor in a minimal view.

The detail pages show more than the one statement of their hand-written floor reads (a request's units,
clocks, files and meeting items; an enterprise's projects, requests, meetings and history), so against that
floor a page's ratio counts its other sections as overhead. This floor is the page's own database work and
nothing else: each statement the page ran (captured once, with its parameters, session and sign-in included)
executed again in order through `connection.cursor()` and its rows answered as JSON, in a view behind the
same middleware (whose own reads, the session and the signed-in person, are not replayed twice). The ratio
is what Django's ORM, the view and the templates add to the page's SQL.
bench/test_bench.py checks that the replay runs the page's statements and reads the rows the page read.
"""

from __future__ import annotations

import itertools
from collections import Counter

from django.db import connection
from django.http import JsonResponse

_CAPTURED: dict[int, list[tuple[str, tuple]]] = {}
_KEYS = itertools.count(1)


def capture(client, url: str) -> list[tuple[str, tuple]]:
    """The statements (with their parameters) that one GET of `url` runs, in order."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    client.get(url)  # warm: what a first call alone reads (a template's first load, the session's first save)
    with connection.execute_wrapper(record):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return statements


def own_statements(client, url: str) -> list[tuple[str, tuple]]:
    """The statements of `url` that a minimal view for the same person does not run anyway."""
    statements, anyway = capture(client, url), Counter(sql for sql, _params in capture(client, "/bench/floor/json/"))
    own = []
    for sql, params in statements:
        if anyway[sql]:
            anyway[sql] -= 1
        else:
            own.append((sql, params))
    return own


def rows_of(statements) -> list[list]:
    """Each statement run again through a cursor: its rows (none for a write)."""
    answers = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            answers.append(cursor.fetchall() if cursor.description else [])
    return answers


def floor_replay(request, key: int):
    answers = rows_of(_CAPTURED[key])
    return JsonResponse({"statements": [[[str(value) for value in row] for row in rows] for rows in answers]})


def replayed(case):
    """`case` (bench/request_figures.Case) against the statements its page runs, replayed."""
    from bench.request_figures import Case

    key = next(_KEYS)
    _CAPTURED[key] = own_statements(case.client, case.url)
    return Case(f"{case.name} (its own SQL)", case.client, case.url, f"/bench/floor/replay/{key}/",
                f"the page's {len(_CAPTURED[key])} statements, replayed")


def cases(*, zone, admin) -> list:
    """The detail and home pages against their own SQL (budget 3×)."""
    from bench import detail_figures, home_figures

    return [replayed(case) for case in (*detail_figures.cases(zone=zone, admin=admin),
                                        *home_figures.cases(zone=zone, admin=admin))]
