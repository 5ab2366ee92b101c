"""Returns (退单) made before arbitration was recorded per task (issue 14): settled, except those still waiting.

Before, every 退单 moved its request to 退单待仲裁 and the center's only decision was 仲裁改派, which left
the returned task as it was. A returned task whose request is still waiting (退单待仲裁, or suspended from
it) keeps waiting; every other one was settled by what happened to its request since, and is marked so.
"""

from django.db import migrations
from django.db.models import F, Max, Q


def settle(apps, schema_editor):
    UnitTask = apps.get_model("requests", "UnitTask")
    waiting = Q(request__status="returned") | Q(request__status="suspended", request__status_before_suspend="returned")
    unsettled = UnitTask.objects.filter(status="returned", arbitrated_at__isnull=True)
    unsettled.exclude(waiting).update(arbitration="settled", arbitrated_at=F("updated_at"))
    # Of a waiting request, only its newest return waits: an older one (退单, 改派, 退单 again) was settled by
    # the 改派 that followed it, which left the task as it was.
    newest = unsettled.filter(waiting).values("request").annotate(last=Max("pk")).values("last")
    (unsettled.filter(waiting).exclude(pk__in=newest)
     .update(arbitration="settled", arbitrated_at=F("updated_at")))


class Migration(migrations.Migration):

    dependencies = [
        ("requests", "0014_unit_task_arbitration"),
    ]

    operations = [
        migrations.RunPython(settle, migrations.RunPython.noop),
    ]
