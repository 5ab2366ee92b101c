"""Search through the grams indexes finds what the `LIKE '%…%'` scan finds, for words of one to four
characters, Chinese and Latin, and the index follows every insert, rename and delete."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guanjia.core.bulk import refresh_statistics
from guanjia.enterprises.filtersets import EnterpriseFilterSet
from guanjia.enterprises.models import Enterprise
from guanjia.requests import services as s
from guanjia.requests.filtersets import RequestFilterSet
from guanjia.requests.models import Request
from guanjia.search import grams
from guanjia.search.indexes import ENTERPRISE_NAME, REQUEST_TEXT, holds_word, shares_holding
from guanjia.tests_support.factories import EnterpriseFactory
from guanjia.tests_support.planner import plan

NAMES = ["咸阳融资租赁有限公司", "陕西秦川用地规划设计院", "ABC Tech 西安分公司", "融创新材料（咸阳）有限公司",
         "用友网络科技", "abc化工", "华为技术 Xi'an 研究所", "一"]


def test_grams_are_the_one_and_two_character_pieces():
    assert grams.grams("融资A") == ["融", "资", "a", "融资", "资a"]
    assert grams.word_grams("融") == ["融"]
    assert grams.word_grams("融资租赁") == ["融资", "资租", "租赁"]
    assert grams.word_grams("AbAb") == ["ab", "ba"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL function of PostgreSQL")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from("融资租赁用地AaBbZz 0'（）—\u00e9\U0001f600"), max_size=12))
def test_postgresql_makes_the_same_grams_as_python(db, text):  # a pure function: no state to reset
    with connection.cursor() as cursor:
        cursor.execute("SELECT guanjia_grams(%s)", [text])
        assert sorted(cursor.fetchone()[0]) == sorted(grams.grams(text))


def words(texts: list[str]) -> set[str]:
    """Every piece of one to four characters of the texts, upper-cased and lower-cased, and some absent."""
    found = {t[i:i + n] for t in texts for n in range(1, 5) for i in range(len(t) - n + 1)}
    return found | {w.upper() for w in found} | {w.lower() for w in found} | {"融资用", "xyz", "科技有", "'"}


@pytest.fixture
def named(world):
    for name in NAMES:
        EnterpriseFactory(zone=world.zone, name=name)
    return world


def test_enterprise_search_finds_what_the_scan_finds(named):
    every = Enterprise.objects.all()
    for word in sorted(words(NAMES)):
        found = set(EnterpriseFilterSet({"q": word}, queryset=every).qs.values_list("pk", flat=True))
        scanned = set(every.filter(Q(name__contains=word.strip()) | Q(uscc__startswith=word.strip().upper()))
                      .values_list("pk", flat=True)) if word.strip() else set(every.values_list("pk", flat=True))
        assert found == scanned, word


def test_request_search_finds_what_the_scan_finds(named):
    titles = ["申请融资贴息", "用地指标调整", "ABC 厂房漏水", "电力增容"]
    enterprises = list(Enterprise.objects.filter(zone=named.zone).order_by("pk"))
    for i, title in enumerate(titles):
        s.request_raise(actor=named.butler1, enterprise=enterprises[i], source="visit", category="factors",
                        title=title, description="。")
    every = Request.objects.all()
    texts = titles + list(every.values_list("number", flat=True)) + NAMES
    for word in sorted(words(texts)):
        if not word.strip():
            continue
        found = set(RequestFilterSet({"q": word}, queryset=every).qs.values_list("pk", flat=True))
        scanned = set(every.filter(Q(number__icontains=word.strip()) | Q(title__contains=word.strip())
                                   | Q(enterprise__name__contains=word.strip())).values_list("pk", flat=True))
        assert found == scanned, word


def ids(index, word, model):
    return set(model.objects.filter(holds_word(index, word)).values_list("pk", flat=True))


def test_the_index_follows_inserts_renames_and_deletes(world):
    firm = EnterpriseFactory(zone=world.zone, name="秦川机床")
    assert ids(ENTERPRISE_NAME, "机床", Enterprise) == {firm.pk}
    Enterprise.objects.filter(pk=firm.pk).update(name="秦川数控")
    assert ids(ENTERPRISE_NAME, "机床", Enterprise) == set()
    assert ids(ENTERPRISE_NAME, "数控", Enterprise) == {firm.pk}
    request = s.request_raise(actor=world.butler1, enterprise=firm, source="visit", category="factors",
                              title="机床维修", description="。")
    assert ids(REQUEST_TEXT, "维修", Request) == {request.pk}
    assert ids(REQUEST_TEXT, request.number.lower(), Request) == {request.pk}
    Request.objects.filter(pk=request.pk).delete()
    assert ids(REQUEST_TEXT, "维修", Request) == set()


def test_a_search_reads_the_index(named):
    if connection.vendor == "postgresql":
        # Among 3 000 rows refreshed as after a load, and no sequential scan (a test database's costs): over a
        # handful of rows PostgreSQL took any index, the workstations' included. The refresh flushes the grams'
        # pending list, which the earlier tests' rolled-back rows fill, and which the planner prices in.
        Enterprise.objects.bulk_create(Enterprise(zone=named.zone, name=f"秦川第{n}机械有限公司", uscc=f"Q{n:017d}")
                                       for n in range(3000))
        refresh_statistics(models=(Enterprise, Request))
    steps = plan(EnterpriseFilterSet({"q": "融资"}, queryset=Enterprise.objects.all()).qs)
    assert "search_enterprise_name" in steps, steps
    steps = plan(RequestFilterSet({"q": "融资"}, queryset=Request.objects.all()).qs)
    assert "search_request_text" in steps, steps  # (its enterprises' part is the filter above, as costs decide)


def test_a_common_word_is_looked_for_by_reading_every_request(named):
    """On PostgreSQL, a word the statistics say most rows hold (机械: 3 000 of the enterprises' names) is looked
    for by one scan, which finds the same requests; a rare word (融资) still through the indexes."""
    machines = Enterprise.objects.bulk_create(
        Enterprise(zone=named.zone, name=f"秦川第{n}机械有限公司", uscc=f"Q{n:017d}") for n in range(3000))
    leasing = Enterprise.objects.get(name=NAMES[0])  # 咸阳融资租赁有限公司
    for enterprise, title in ((machines[0], "厂房漏水"), (machines[1], "申请贴息"), (named.ent1, "机械维修"),
                              (leasing, "用地指标")):
        s.request_raise(actor=named.butler1, enterprise=enterprise, source="visit", category="factors",
                        title=title, description="。")
    refresh_statistics(models=(Enterprise, Request))
    every = Request.objects.all()
    machine_share = shares_holding((REQUEST_TEXT, ENTERPRISE_NAME), "机械")[ENTERPRISE_NAME.name]
    rare = shares_holding((REQUEST_TEXT, ENTERPRISE_NAME), "融资")
    for word, union in (("机械", connection.vendor == "sqlite"), ("融资", True)):
        searched = RequestFilterSet({"q": word}, queryset=every).qs
        assert ("UNION" in str(searched.query)) is union, word
        scanned = every.filter(Q(title__contains=word) | Q(enterprise__name__contains=word))
        assert set(searched) == set(scanned) and len(scanned) == (3 if word == "机械" else 1), word
    if connection.vendor == "postgresql":
        assert machine_share > 0.9, machine_share
        assert rare == {REQUEST_TEXT.name: 0.0, ENTERPRISE_NAME.name: 0.0}
    else:
        assert machine_share == 0.0


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers")
def test_a_remade_table_gets_its_triggers_back_and_its_index_rebuilt(world):
    """A migration that remakes a table drops its triggers on SQLite: after every migrate they are made good."""
    from django.core.management import call_command

    from guanjia.search.indexes import INDEXES, repair_sqlite, sqlite_triggers

    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        assert {name for index in INDEXES for name in sqlite_triggers(index)} <= present  # as migrate left them
        cursor.execute("DROP TRIGGER search_enterprise_name_insert")
    gap = EnterpriseFactory(zone=world.zone, name="渭河水泥厂")  # written while the trigger is gone
    assert ids(ENTERPRISE_NAME, "水泥", Enterprise) == set()
    assert repair_sqlite(connection) == ["enterprise_name"]
    assert ids(ENTERPRISE_NAME, "水泥", Enterprise) == {gap.pk}
    assert repair_sqlite(connection) == []  # whole again: nothing to do
    later = EnterpriseFactory(zone=world.zone, name="渭河砖瓦厂")
    assert ids(ENTERPRISE_NAME, "砖瓦", Enterprise) == {later.pk}
    call_command("migrate", verbosity=0)  # and migrate runs it
