"""Erase every zone, person and record, keeping reference rows (roles, tags) made by migrations.

Used by `guanjia demo --reset` and by tests. Which tables go is worked out from the
foreign keys, so tables added by later apps are wiped too: every table that refers,
directly or through others, to a zone or a person (audit log, API tokens and the
many-to-many tables included). Catalogues that refer to neither, such as the roles
and the enterprise tags, stay.
"""

from __future__ import annotations

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction


def _doomed_models() -> list[type]:
    from guanjia.org.models import User, Zone

    models = apps.get_models(include_auto_created=True)
    doomed = {Zone, User}
    grew = True
    while grew:
        grew = False
        for model in models:
            if model in doomed or not model._meta.managed:
                continue
            if any(f.is_relation and f.related_model in doomed for f in model._meta.concrete_fields):
                doomed.add(model)
                grew = True
    if apps.is_installed("django.contrib.sessions"):
        from django.contrib.sessions.models import Session

        doomed.add(Session)  # every person goes, so do their sessions
    return sorted(doomed, key=lambda m: m._meta.db_table)


def wipe_database() -> list[str]:
    """Delete all rows of those tables in one transaction; returns the tables emptied.

    Django creates foreign keys DEFERRABLE INITIALLY DEFERRED (SQLite and PostgreSQL),
    so the order within the transaction does not matter: at commit nothing refers to a
    deleted row, since every referring table is emptied as well. Sequences restart, so a
    reloaded demo gets the same ids.
    """
    tables = [model._meta.db_table for model in _doomed_models()]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=True)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Rows written earlier in the same transaction leave deferred FK checks pending, and
            # PostgreSQL refuses to TRUNCATE a table with pending trigger events: run them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        connection.ops.execute_sql_flush(statements)
    return tables
