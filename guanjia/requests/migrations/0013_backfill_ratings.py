"""Every rating already given becomes its own record (RequestRating), and 重办 counts agree with the timeline.

The timeline has kept each 回访评价 as a `rate` event with its rating in `data` (and the reason as its
comment) since the first version, so the ratings a request's current one superseded come from there, in
order. A rated request whose current rating has no event of its own (loaded from elsewhere) gets one
record from its fields, after the events' ones. `reopen_count` (set by every reopen since the first
version) is raised to the timeline's count of reopens — `reopen` events and unsatisfied ratings — where
it is lower; it is never lowered.
"""

from django.db import migrations

RATINGS = ("satisfied", "basically_satisfied", "unsatisfied")
BATCH = 2000


def _rating_of(data) -> str:
    rating = data.get("rating") if isinstance(data, dict) else None
    return rating if rating in RATINGS else ""


def backfill(apps, schema_editor):
    Request = apps.get_model("requests", "Request")
    RequestRating = apps.get_model("requests", "RequestRating")
    Event = apps.get_model("workflow", "Event")

    # request id → [(rating, reason, actor id, at)] from its rate events, and its count of reopens.
    given: dict[int, list[tuple]] = {}
    reopens: dict[int, int] = {}
    events = (Event.objects.filter(item__kind="request", action__in=("rate", "reopen"))
              .order_by("item_id", "at", "pk")
              .values_list("item__object_id", "action", "data", "comment", "actor_id", "at"))
    for request_id, action, data, comment, actor_id, at in events.iterator(chunk_size=BATCH):
        rating = _rating_of(data)
        if action == "rate" and rating:
            given.setdefault(request_id, []).append((rating, comment, actor_id, at))
        if action == "reopen" or rating == "unsatisfied":
            reopens[request_id] = reopens.get(request_id, 0) + 1

    rated = Request.objects.exclude(rating="").values_list("pk", "rating", "rating_reason", "rated_at", "updated_at")
    for pk, rating, reason, rated_at, updated_at in rated.iterator(chunk_size=BATCH):
        records = given.setdefault(pk, [])
        if not records or records[-1][0] != rating:
            records.append((rating, reason, None, rated_at or updated_at))

    batch = []
    for request_id, records in given.items():
        for number, (rating, reason, actor_id, at) in enumerate(records, start=1):
            batch.append(RequestRating(request_id=request_id, number=number, rating=rating, reason=reason or "",
                                       rated_by_id=actor_id, rated_at=at))
        if len(batch) >= BATCH:
            RequestRating.objects.bulk_create(batch)
            batch = []
    RequestRating.objects.bulk_create(batch)

    ids = list(reopens)
    for start in range(0, len(ids), BATCH):
        chunk = Request.objects.filter(pk__in=ids[start:start + BATCH]).only("pk", "reopen_count")
        behind = [request for request in chunk if request.reopen_count < reopens[request.pk]]
        for request in behind:
            request.reopen_count = reopens[request.pk]
        Request.objects.bulk_update(behind, ["reopen_count"])


class Migration(migrations.Migration):
    dependencies = [("requests", "0012_request_rating"), ("workflow", "0001_initial")]
    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
