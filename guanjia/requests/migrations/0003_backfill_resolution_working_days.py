from django.db import migrations


def backfill(apps, schema_editor):
    """Fix the working days of requests resolved before the field existed (statistics average it)."""
    from guanjia.core.calendar import CalendarUnavailable, WorkingCalendar

    Request = apps.get_model("requests", "Request")
    calendar = None
    todo = Request.objects.filter(resolved_at__isnull=False, resolution_working_days__isnull=True)
    for request in todo.iterator(chunk_size=2000):
        calendar = calendar or WorkingCalendar.load()
        try:
            days = calendar.working_days_between(request.accepted_at or request.created_at, request.resolved_at)
        except CalendarUnavailable:
            continue
        request.resolution_working_days = max(days - request.suspended_working_days, 0)
        request.save(update_fields=["resolution_working_days"])


class Migration(migrations.Migration):
    dependencies = [("requests", "0002_resolution_working_days"), ("core", "0001_initial")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
