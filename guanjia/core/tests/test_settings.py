"""Database connections are closed after each request unless the operator keeps them (issue 16: kept by a
server that started a thread per connection, they took every connection PostgreSQL had)."""

import os
import subprocess
import sys

import pytest

SHOW = "from guanjia.settings import base; db = base.DATABASES['default']; print(db.get('CONN_MAX_AGE'), db.get('CONN_HEALTH_CHECKS'))"


def _settings(tmp_path, **variables: str) -> list[str]:
    environ = {k: v for k, v in os.environ.items() if k not in {"GUANJIA_DB_CONN_MAX_AGE", "DATABASE_URL"}}
    environ |= {"GUANJIA_DATA_DIR": str(tmp_path), **variables}
    run = subprocess.run([sys.executable, "-c", SHOW], env=environ, capture_output=True, text=True, check=True)  # noqa: S603
    return run.stdout.split()


@pytest.mark.parametrize(("age", "expected"), [(None, ["0", "False"]), ("60", ["60", "True"])])
def test_postgresql_connections_are_kept_only_when_configured(tmp_path, age, expected):
    variables = {"DATABASE_URL": "postgres://guanjia@db.internal:5432/guanjia"}
    if age is not None:
        variables["GUANJIA_DB_CONN_MAX_AGE"] = age
    assert _settings(tmp_path, **variables) == expected


def test_sqlite_has_no_kept_connections(tmp_path):
    assert _settings(tmp_path, GUANJIA_DB_CONN_MAX_AGE="60") == ["None", "None"]
