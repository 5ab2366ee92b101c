"""The lists people read all day (全部诉求, 企业库, 项目库), as pages and API calls, against hand-written SQL.

Each list is measured in its default order, filtered and searched, as the zone's center (an admin: the whole
zone) reads it. Its floor is ONE hand-written statement that returns the same page of rows (every column the
API answers, with the names of the related rows) and the total: the page's ids in a derived table, only those
rows joined to what they show, and the count as a scalar subquery of the same statement. The floor of a search reads the same index the product
does (FTS5 on SQLite, the grams GIN index on PostgreSQL) with the same exact `LIKE` beside it.
bench/test_bench.py checks that every floor returns the product's ids, in its order, and its count.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db import connection
from django.http import JsonResponse

from bench import layout
from guanjia.requests.choices import OPEN_STATUSES
from guanjia.search import grams
from guanjia.search.indexes import ENTERPRISE_NAME, REQUEST_TEXT, SearchIndex


def _through_index(index: SearchIndex, alias: str, word: str) -> tuple[str, list]:
    """The rows of `alias` (the index's table) whose indexed text may hold `word`, read through the index."""
    if connection.vendor == "postgresql":
        text = " || ' ' || ".join(f"{alias}.{column}" for column in index.columns)
        return f"guanjia_grams({text}) @> %s::text[]", [grams.word_grams(word)]
    return (f"{alias}.id IN (SELECT rowid FROM {index.fts_table} WHERE {index.fts_table} MATCH %s)",
            [grams.sqlite_match(word)])


def _enterprise_named(word: str, alias: str = "b") -> tuple[str, list]:
    indexed, params = _through_index(ENTERPRISE_NAME, alias, word)
    return f"{indexed} AND {alias}.name LIKE %s", [*params, f"%{word}%"]


def _request_holding(word: str) -> tuple[str, list]:
    """全部诉求's search: the number or title holds the word, or the enterprise's name does; the two sets of ids
    united, each read through its own index (as one OR, PostgreSQL tested every request's grams: seconds)."""
    indexed, params = _through_index(REQUEST_TEXT, "t", word)
    named, named_params = _enterprise_named(word, "n")
    number = "UPPER(t.number) LIKE UPPER(%s)" if connection.vendor == "postgresql" else "t.number LIKE %s"
    return (f"b.id IN (SELECT t.id FROM requests_request t WHERE {indexed} AND ({number} OR t.title LIKE %s) "
            f"UNION SELECT o.id FROM requests_request o WHERE o.enterprise_id IN "
            f"(SELECT n.id FROM enterprises_enterprise n WHERE {named}))",
            [*params, f"%{word}%", f"%{word}%", *named_params])


@dataclass(frozen=True)
class Variant:
    """One way a list is read: its query parameters and the SQL conditions they mean (params: the zone first)."""

    name: str
    query: dict
    where: str = ""
    params: tuple = ()
    search: str = ""  # the word searched: the list's `search` writes its condition


@dataclass(frozen=True)
class ListSpec:
    key: str  # in the floor's address
    name: str
    page: str
    api: str
    page_size: int  # the page's; the API is read 50 at a time
    table: str
    order: str  # the default order, over the derived table's columns
    order_columns: str  # the columns of the base table the order needs, as `b.column`
    select: str  # the shown columns over `b` (the row) and the joins below
    joins: str
    variants: tuple[Variant, ...]
    search: Callable[[str], tuple[str, list]] | None = None


def _tags() -> str:
    aggregate = "string_agg(t.name, ',' ORDER BY t.name)" if connection.vendor == "postgresql" else "group_concat(t.name)"
    return (f"(SELECT {aggregate} FROM enterprises_enterprise_tags et JOIN enterprises_tag t ON t.id = et.tag_id "
            "WHERE et.enterprise_id = b.id)")


ENTERPRISES = ListSpec(
    key="enterprises", name="企业库", page="/enterprises/", api="/api/v1/enterprises/", page_size=50, table="enterprises_enterprise",
    order="page.name, page.id", order_columns="b.name",
    select="b.*, w.name, p.name, p.username, l.name, l.username, {tags}",
    joins=("LEFT JOIN org_workstation w ON w.id = b.workstation_id LEFT JOIN org_user p ON p.id = b.butler_id "
           "LEFT JOIN org_user l ON l.id = b.contact_leader_id"),
    variants=(
        Variant("default", {}),
        Variant("filtered", {"scale": "above", "section": "C"}, "b.scale = %s AND b.industry LIKE %s",
                ("above", "C%")),
        Variant("searched", {"q": "新材料"}, search="新材料"),
    ),
    search=_enterprise_named,
)
PROJECTS = ListSpec(
    key="projects", name="项目库", page="/projects/", api="/api/v1/projects/", page_size=50, table="projects_project",
    order="page.name, page.id", order_columns="b.name",
    select="b.*, e.name, w.name, p.name, p.username, l.name, l.username",
    joins=("JOIN enterprises_enterprise e ON e.id = b.enterprise_id "
           "LEFT JOIN org_workstation w ON w.id = b.workstation_id LEFT JOIN org_user p ON p.id = b.butler_id "
           "LEFT JOIN org_user l ON l.id = b.contact_leader_id"),
    variants=(
        Variant("default", {}),
        Variant("filtered", {"is_key": "true"}, "b.key_level <> ''"),
        Variant("searched", {"q": "产业园"}, "b.name LIKE %s", ("%产业园%",)),
    ),
)
REQUESTS = ListSpec(
    key="requests", name="全部诉求", page="/requests/", api="/api/v1/requests/", page_size=30, table="requests_request",
    order="page.created_at DESC, page.id DESC", order_columns="b.created_at",
    select="b.*, e.name, p.name, p.username, n.name, i.due_at, i.warn_at, i.paused, i.due_provisional",
    joins=("JOIN enterprises_enterprise e ON e.id = b.enterprise_id LEFT JOIN org_user p ON p.id = b.butler_id "
           "LEFT JOIN org_unit n ON n.id = b.lead_unit_id JOIN workflow_trackeditem i ON i.id = b.item_id"),
    variants=(
        Variant("default", {}),
        Variant("filtered", {"open": "true", "category": "factors"},
                f"b.status IN ({', '.join(repr(str(s)) for s in sorted(OPEN_STATUSES))}) AND b.category = %s",
                ("factors",)),
        Variant("searched", {"q": "融资"}, search="融资"),
    ),
    search=_request_holding,
)
LISTS = {spec.key: spec for spec in (ENTERPRISES, PROJECTS, REQUESTS)}
NO_ARCHIVED = {"enterprises_enterprise", "projects_project"}  # lists of current records by default


def floor_sql(spec: ListSpec, variant: Variant, *, zone_id: int, limit: int) -> tuple[str, list]:
    where, params = ["b.zone_id = %s"], [zone_id]
    if spec.table in NO_ARCHIVED:
        where.append("b.archived_at IS NULL")
    if variant.where:
        where.append(variant.where)
        params += list(variant.params)
    if variant.search:
        sql, search_params = spec.search(variant.search)
        where.append(sql)
        params += search_params
    condition = " AND ".join(where)
    # The count as a scalar subquery of the same statement: a window's COUNT(*) OVER () over the page's
    # derived table made SQLite carry every matching row through the sort (190 ms for the zone's enterprises).
    sql = (f"SELECT {spec.select.format(tags=_tags())}, "
           f"(SELECT COUNT(*) FROM {spec.table} b WHERE {condition}) AS total "
           f"FROM (SELECT b.id, {spec.order_columns} FROM {spec.table} b "
           f"WHERE {condition} ORDER BY {spec.order.replace('page.', 'b.')} LIMIT %s) page "
           f"JOIN {spec.table} b ON b.id = page.id {spec.joins} ORDER BY {spec.order}")
    return sql, [*params, *params, limit]


def floor_list(request, key: str, variant: str):
    """A list's floor for the signed-in person's zone: `?limit=` rows of the page and the total."""
    spec = LISTS[key]
    chosen = next(v for v in spec.variants if v.name == variant)
    sql, params = floor_sql(spec, chosen, zone_id=request.user.zone_id, limit=int(request.GET.get("limit", 50)))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if layout.wants_layout(request):
        return layout.page(request, rows)
    return JsonResponse({"count": rows[0][-1] if rows else 0, "ids": [row[0] for row in rows],
                         "results": [[str(value) for value in row[:-1]] for row in rows]})


def cases(client) -> list:
    """The page and API call of every list and variant, each with its floor (bench/request_figures.Case)."""
    from bench.request_figures import Case

    found = []
    for spec in LISTS.values():
        for variant in spec.variants:
            query = urlencode(variant.query)
            floor = f"/bench/floor/list/{spec.key}/{variant.name}/"
            found.append(Case(f"page {spec.name}, {variant.name}", client, f"{spec.page}?{query}",
                              f"{floor}?limit={spec.page_size}", f"one SQL: the same {spec.page_size} rows + count"))
            found.append(Case(f"API {spec.api} {variant.name}", client, f"{spec.api}?{urlencode({**variant.query, 'page_size': 50})}",
                              f"{floor}?limit=50", "one SQL: the same 50 rows + count"))
    return found
