"""Generated calls hold the API to its published schema (schemathesis, against `/api/schema/`).

A stateless run sends every operation a bounded number of generated calls, valid ones as an admin, a butler and
an enterprise contact, invalid ones as the admin; a stateful run follows the schema's links (an object made, then
the operations on it) as an admin and as a butler. No answer may be a 5xx; each must have a status, content
type, headers and body its operation documents, and a call the schema calls invalid must be refused (4xx).
A valid call may still be refused: an id of no row the caller sees, a state, one field against another are
rules the schema does not carry (test_schema_contract.py tests those it does, from both sides).

Bounded for CI: derandomized, a fixed number of examples per operation, no deadline. The calls go through the
WSGI application in-process, inside the test's transaction (hence `served`), each call (or chain of calls)
rolled back after it so that a failure replays on the same data.
"""

import functools
import json

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from werkzeug.test import Client

from guanjia.meetings import services as meeting_services
from guanjia.meetings.tests.factories import held_meeting, raise_request
from guanjia.requests import services as request_services
from guanjia.tests_support.factories import PASSWORD
from guanjia.wsgi import application

SEED = 16
EXAMPLES = 4  # per operation, role and kind of call (valid, invalid)
# 20 chains: with the approval catalogue's operations among the steps, 12 chains of a butler (who may make
# nothing of it) no longer reached an object.
STATEFUL = settings(max_examples=30, stateful_step_count=6, deadline=None, derandomize=True, database=None,
                    phases=[Phase.generate], suppress_health_check=list(HealthCheck))
STATELESS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                     phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def _config(scene):
    """What is checked, and the scene's ids offered for a body's ids (else nearly every one is "no such row")."""
    ids = {
        "enterprises": [scene["world"].ent1.pk, scene["world"].ent2.pk],
        "projects": [scene["world"].project1.pk],
        "units": [scene["world"].unit1.pk, scene["world"].unit2.pk],
        "requests": [scene["fresh"].pk, scene["transferred"].pk],
        "people": [scene["world"].butler1.pk, scene["world"].unit_user1.pk, scene["world"].leader.pk],
        "workstations": [scene["world"].ws1.pk],
    }
    fields = {
        "enterprises": ["enterprise"], "projects": ["project", "projects[*]"],
        "units": ["lead_unit", "owner_unit", "co_units[*]", "units[*]", "unit"],
        "requests": ["request", "into", "requests[*]"],
        "people": ["butler", "contact_leader", "owner_person", "convener", "addressed_leader", "attendees[*]"],
        "workstations": ["workstation"],
    }
    return schemathesis.Config.from_dict({
        "seed": SEED,
        "generation": {"with-security-parameters": False},
        "dictionaries": {name: {"values": values} for name, values in ids.items()},
        "parameters": {f"body.{field}": {"dictionary": name, "probability": 0.9}
                       for name, names in fields.items() for field in names},
        "checks": {
            # Each of these sends the call again (without its token, with another method …): the access
            # tests cover what they would.
            "ignored_auth": {"enabled": False},
            "unsupported_method": {"enabled": False},
            "missing_required_header": {"enabled": False},
            # DELETE archives (归档): the object stays readable, as API.md says.
            "use_after_free": {"enabled": False},
            # A valid call may be refused for rules the schema does not carry: an id of no row the caller
            # sees (a 400 in a body or a select's filter), a state, one date after another.
            "positive_data_acceptance": {"enabled": False},
        },
    })


@pytest.fixture
def served():
    """The WSGI application keeps the test's database connection: Django closes it at each request's start
    and end (its test client disconnects the same handlers for the same reason)."""
    from django.core import signals
    from django.db import close_old_connections

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def scene(world):
    """Requests in two states, a held meeting with a decision: something to find behind each id."""
    fresh = raise_request(world, title="只登记未签收", accept=False)
    transferred = request_services.request_transfer(actor=world.butler1, request=raise_request(world),
                                                    lead_unit=world.unit1)
    meeting = held_meeting(world, projects=[world.project1], requests=[transferred])
    item = meeting_services.action_item_add(actor=world.butler1, meeting=meeting, text="出具供电方案",
                                            owner_unit=world.unit1, days=5, request=transferred)
    from guanjia.tests_support.approvals import catalogue_item

    approval_item = catalogue_item(world.zone, world.unit2, name="建设工程规划许可证")
    return {"world": world, "fresh": fresh, "transferred": transferred, "meeting": meeting, "item": item,
            "approval_item": approval_item}


@functools.cache
def _served_schema() -> str:
    """`/api/schema/` as the application serves it (made once: it takes seconds)."""
    response = Client(application).get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _published(scene):
    raw = json.loads(_served_schema())
    for operations in raw["paths"].values():
        for operation in operations.values():
            # JSON bodies only (API.md: "JSON in and out"): a form's fields cannot carry a null or a nested
            # value, so generated forms are mostly refused for what the encoding lost, and test little.
            content = operation.get("requestBody", {}).get("content", {})
            for media_type in [m for m in content if m != "application/json"]:
                del content[media_type]
    schema = schemathesis.openapi.from_dict(raw, config=_config(scene))
    schema.app = application
    return schema


def _sign_in(username: str) -> dict:
    response = Client(application).post("/api/v1/auth/token/", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    return {"Authorization": f"Token {response.json['token']}"}


def _known_id(path: str, scene) -> int | None:
    """An object behind the operation's `{id}`, which the enterprise contact ent1 may see too."""
    world = scene["world"]
    collections = {"enterprises": world.ent1, "projects": world.project1, "requests": scene["transferred"],
                   "meetings": scene["meeting"], "meeting-actions": scene["item"], "units": world.unit1,
                   "workstations": world.ws1, "people": world.butler1, "approval-items": scene["approval_item"]}
    collection = path.removeprefix("/api/v1/").partition("/")[0]
    known = collections.get(collection)
    return known.pk if known is not None and "{id}" in path else None


@pytest.mark.parametrize("who", ["admin", "butler1", "ent1"])
def test_every_operation_answers_as_documented(scene, served, who):
    schema = _published(scene)
    headers = _sign_in(who)
    # Invalid calls as the admin only: the others' writes are refused for their role before a body is read.
    modes = [schemathesis.GenerationMode.POSITIVE]
    if who == "admin":
        modes.append(schemathesis.GenerationMode.NEGATIVE)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in modes:
            strategies = [operation.as_strategy(generation_mode=mode)]
            known = _known_id(operation.path, scene)
            if known is not None:
                strategies.append(operation.as_strategy(generation_mode=mode, path_parameters={"id": known}))

            @given(case=st.one_of(strategies))
            @STATELESS
            def call(case):
                with transaction.atomic():  # each call meets the scene as it was: a failure replays the same
                    try:
                        case.call_and_validate(headers=headers)
                    finally:
                        transaction.set_rollback(True)

            try:
                call()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                pass
            except (Exception, BaseExceptionGroup) as failure:
                failures.append(f"{operation.label} ({mode.value}): {failure}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("who", ["admin", "butler1"])
def test_calls_chained_by_the_links_answer_as_documented(scene, served, who):
    schema = _published(scene)
    headers = _sign_in(who)

    answers = []

    class Calls(schema.as_state_machine()):
        def setup(self):  # each scenario starts from the scene: a failure replays the same
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def after_call(self, response, case):
            super().after_call(response, case)
            answers.append((case.method, case.path, response.status_code))

    Calls.run(settings=STATEFUL)
    # The chains reached something: operations on an object answered, and (for the admin, who may write
    # anything) writes that were read and judged: made, or refused by their rules (a 400 by field, a 409).
    # Whether a generated body names rows that let it be made depends on the ids the database gave, which
    # differ with what ran before on the worker (with forty-odd operations, a chain of the admin's made
    # nothing in one full run): the answers' shapes are checked against the schema all along.
    assert any("{id}" in path and status < 300 for method, path, status in answers), answers
    if who == "admin":
        assert any(method == "POST" and status in (200, 201, 400, 409) for method, path, status in answers), answers
