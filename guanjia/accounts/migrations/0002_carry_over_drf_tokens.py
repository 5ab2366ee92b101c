"""Tokens issued before the upgrade (DRF's plain-text `authtoken_token`) carry over, hashed, with the
configured lifetime from now; the plain-text table is then dropped. Integrations keep working until
their token expires; nothing readable is left behind."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"


def carry_over(apps, schema_editor):
    from knox.crypto import hash_token

    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("accounts", "ApiToken")  # noqa: N806
    hours = settings.GUANJIA_TOKEN_HOURS
    expiry = timezone.now() + timedelta(hours=hours) if hours > 0 else None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote('key')}, {quote('user_id')} FROM {quote(OLD_TABLE)}")
        rows = cursor.fetchall()
    ApiToken.objects.bulk_create([
        ApiToken(digest=hash_token(key), token_key=key[:15], user_id=user_id, expiry=expiry,
                 handle=secrets.token_hex(6), label="API token (before upgrade)")
        for key, user_id in rows
    ])
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(carry_over, migrations.RunPython.noop)]
