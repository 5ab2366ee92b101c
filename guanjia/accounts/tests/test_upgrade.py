"""Tokens issued before the upgrade (DRF's plain-text table) keep working, hashed, and the table goes."""

import importlib
import secrets
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

carry_over = importlib.import_module("guanjia.accounts.migrations.0002_carry_over_drf_tokens").carry_over


def test_a_token_of_before_the_upgrade_still_signs_in(api, world):
    key = secrets.token_hex(20)  # DRF's tokens: 40 hex characters, kept as they are
    with connection.cursor() as cursor:
        cursor.execute('CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, user_id bigint NOT NULL, '
                       "created timestamp with time zone)" if connection.vendor == "postgresql" else
                       'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, user_id integer NOT NULL, '
                       "created datetime)")
        cursor.execute("INSERT INTO authtoken_token (\"key\", user_id) VALUES (%s, %s)", [key, world.butler1.pk])
        carry_over(apps, SimpleNamespace(connection=connection, execute=cursor.execute))
    assert "authtoken_token" not in connection.introspection.table_names()
    token = apps.get_model("accounts", "ApiToken").objects.get(user=world.butler1)
    assert token.digest != key and token.expiry is not None
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/me/").json()["username"] == "butler1"
