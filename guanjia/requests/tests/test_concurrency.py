"""Two people acting on one request at the same moment: one succeeds, the other gets a 409, nothing is lost."""

import threading

import pytest
from django.db import close_old_connections

from guanjia.core.errors import Conflict
from guanjia.requests import services as s
from guanjia.requests.models import Request
from guanjia.tests_support.factories import build_world, ensure_reference_data
from guanjia.workflow.models import Event


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_accepts_one_wins_one_conflicts():
    ensure_reference_data()  # another transactional test may have flushed the migrations' rows
    world = build_world()
    request = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="land",
                              title="同时签收", description="x")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(actor):
        try:
            barrier.wait(timeout=10)
            s.request_accept(actor=actor, request=Request(pk=request.pk))
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")
        except Exception as error:  # noqa: BLE001 - anything else is the test's failure, reported below
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=act, args=(actor,)) for actor in (world.butler1, world.admin)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"], outcomes
    assert Event.objects.filter(item=request.item_id, action="accept").count() == 1
    assert Request.objects.get(pk=request.pk).version == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_click_on_the_raise_form_makes_one_request():
    """Two submissions of one raise form at the same moment: one request, and both callers learn its number."""
    ensure_reference_data()
    world = build_world()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait(timeout=10)
            raised = s.request_raise(actor=world.butler1, enterprise=world.ent1, source="visit", category="land",
                                     title="双击提交", description="x", intake_key="one-form")
            outcomes.append(raised.number)
        except s.AlreadyRaised as already:
            outcomes.append(f"again {already.request.number}")
        except Exception as error:  # noqa: BLE001 - anything else is the test's failure, reported below
            outcomes.append(repr(error))
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    request = Request.objects.get(title="双击提交")
    assert sorted(outcomes) == [request.number, f"again {request.number}"], outcomes
    assert Event.objects.filter(item=request.item_id, action="raise").count() == 1
