"""Parallel guesses: the check and the count are one step, in threads and in separate processes."""

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from guanjia.accounts import lockout, services
from guanjia.accounts.choices import Channel
from guanjia.tests_support.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


class CountingBackend:
    """Counts the passwords actually checked (thread-safe)."""

    def __init__(self):
        self.checked = 0
        self._lock = threading.Lock()

    def __call__(self, request, **credentials):
        with self._lock:
            self.checked += 1
        return None


def attempt(username: str) -> str:
    try:
        services.sign_in(None, username=username, password="wrong", channel=Channel.API)
    except services.SignInRefused as refused:
        return "locked" if refused.locked else "failed"
    finally:
        connections.close_all()
    return "signed in"


def test_thirty_threads_get_five_password_checks(monkeypatch, settings):
    UserFactory(username="target")
    backend = CountingBackend()
    monkeypatch.setattr("django.contrib.auth.authenticate", backend)
    with ThreadPoolExecutor(max_workers=30) as pool:
        results = list(pool.map(attempt, ["target"] * 30))
    assert backend.checked == settings.GUANJIA_LOGIN_MAX_FAILURES
    assert results.count("failed") == settings.GUANJIA_LOGIN_MAX_FAILURES
    assert results.count("locked") == 30 - settings.GUANJIA_LOGIN_MAX_FAILURES


def _process(username: str, tries: int, queue) -> None:
    """A separate server process: its own connection, its own guesses."""
    connections.close_all()
    allowed = 0
    for _n in range(tries):
        verdict = lockout.reserve(lockout.limits(username, "198.51.100.7"))
        allowed += verdict.allowed
    connections.close_all()
    queue.put(allowed)


def test_two_processes_share_the_count(settings):
    UserFactory(username="target")
    connections.close_all()  # each child opens its own
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    children = [context.Process(target=_process, args=("target", 15, queue)) for _n in range(2)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    assert queue.get(timeout=5) + queue.get(timeout=5) == settings.GUANJIA_LOGIN_MAX_FAILURES
