from django.db import migrations

ROLES = ["admin", "leader", "butler", "unit", "supervisor", "enterprise"]


def add_roles(apps, schema_editor):
    Role = apps.get_model("org", "Role")
    for code in ROLES:
        Role.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("org", "0001_initial")]
    operations = [migrations.RunPython(add_roles, migrations.RunPython.noop)]
