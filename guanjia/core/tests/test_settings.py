"""Database connections are closed after each request unless the operator keeps them (issue 16: kept by a
server that started a thread per connection, they took every connection PostgreSQL had), or gunicorn's
configuration does: its threads are a fixed pool."""

import os
import subprocess
import sys

import pytest

SHOW = "from guanjia.settings import base; db = base.DATABASES['default']; print(db.get('CONN_MAX_AGE'), db.get('CONN_HEALTH_CHECKS'))"


def _settings(tmp_path, *, under_gunicorn: bool = False, **variables: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"GUANJIA_DB_CONN_MAX_AGE", "DATABASE_URL"}}
    environ |= {"GUANJIA_DATA_DIR": str(tmp_path), **variables}
    code = f"import guanjia.settings.gunicorn_conf; {SHOW}" if under_gunicorn else SHOW
    run = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)  # noqa: S603
    return run.stdout.split()


@pytest.mark.parametrize(("age", "expected"), [(None, ["0", "False"]), ("60", ["60", "True"])])
def test_postgresql_connections_are_kept_only_when_configured(tmp_path, age, expected):
    variables = {"DATABASE_URL": "postgres://guanjia@db.internal:5432/guanjia"}
    if age is not None:
        variables["GUANJIA_DB_CONN_MAX_AGE"] = age
    assert _settings(tmp_path, **variables) == expected


def test_sqlite_has_no_kept_connections(tmp_path):
    assert _settings(tmp_path, GUANJIA_DB_CONN_MAX_AGE="60") == ["None", "None"]


@pytest.mark.parametrize(("age", "expected"), [(None, ["60", "True"]), ("0", ["0", "False"]), ("5", ["5", "True"])])
def test_under_gunicorn_postgresql_connections_are_kept_unless_configured_otherwise(tmp_path, age, expected):
    """A new PostgreSQL connection cost 7-12 ms of each request; gunicorn's gthread workers are a fixed pool."""
    variables = {"DATABASE_URL": "postgres://guanjia@db.internal:5432/guanjia"}
    if age is not None:
        variables["GUANJIA_DB_CONN_MAX_AGE"] = age
    assert _settings(tmp_path, under_gunicorn=True, **variables) == expected
