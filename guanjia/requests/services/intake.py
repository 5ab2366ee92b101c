"""Raising a request (诉求): from any channel, numbered, once however often the form is sent."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guanjia.core.choices import Role
from guanjia.core.clock import now as service_now
from guanjia.core.errors import Conflict
from guanjia.requests.choices import Action, ClockKind, Source
from guanjia.requests.models import Request, RequestCounter, RequestIntake
from guanjia.requests.services import common
from guanjia.workflow import items, timeline
from guanjia.workflow.attachments import check_uploads, removed_if_failed

# The foreign keys of a new request, all given as objects already read.
RELATED_READ = ("zone", "enterprise", "project", "butler", "addressed_leader", "raised_by")


def _update_returning() -> bool:
    """Whether the database runs `UPDATE … RETURNING`: PostgreSQL, and SQLite from 3.35 (Django 5.2 accepts 3.31)."""
    if connection.vendor == "sqlite":
        return connection.Database.sqlite_version_info >= (3, 35)
    return connection.vendor == "postgresql"


def _allocate_number(zone_id: int, year: int) -> str:
    """The zone's next number for the year: one `UPDATE … RETURNING`, which holds the counter's row lock
    until the raise commits (the first number of a year creates the counter)."""
    row = None
    if _update_returning():
        table = connection.ops.quote_name(RequestCounter._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET value = value + 1 WHERE zone_id = %s AND year = %s RETURNING value",
                           [zone_id, year])
            row = cursor.fetchone()
    if row is not None:
        value = row[0]
    else:
        counter, _created = RequestCounter.objects.select_for_update().get_or_create(zone_id=zone_id, year=year)
        counter.value = value = counter.value + 1
        counter.save(update_fields=["value"])
    return f"GJ-{year}-{value:06d}"


INTAKE_KEY_MAX = RequestIntake._meta.get_field("key").max_length


class AlreadyRaised(Conflict):
    """The same form (or API call with the same Idempotency-Key) was sent again: the request exists already.

    `request` is that request, or None if the sender can no longer see it.
    """

    def __init__(self, request: Request | None, *, same: bool = True):
        super().__init__(_("该诉求已提交过（%(number)s），没有重复登记。") % {"number": request.number}
                         if request is not None else _("该诉求已提交过，没有重复登记。"))
        self.request = request
        self.same = same  # False: the first call asked for something else (the key was reused)


def _fingerprint(fields: dict) -> str:
    """A digest of what a raise asks for, to tell a repeat of it from another request under the same key."""

    def plain(value):
        if isinstance(value, models.Model):
            return value.pk
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, File):  # an attachment: its name and size
            return [value.name, value.size]
        if isinstance(value, list | tuple):
            return [plain(item) for item in value]
        return value if value is None or isinstance(value, int | float | bool) else str(value)

    asked = {name: plain(value) for name, value in fields.items() if name != "at"}
    return hashlib.sha256(json.dumps(asked, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@common.texts_limited
@removed_if_failed
def request_raise(*, actor, intake_key: str = "", **fields) -> Request:
    """Register a request (诉求) from any channel; it waits to be signed for (签收) under its clock.

    `fields` are `_register`'s. With an `intake_key` (the raise form's one-time key, or an API
    client's Idempotency-Key) a second call by the same person raises `AlreadyRaised` with the
    request the first call made. The database's unique constraint decides, so two calls at the
    same moment (a double-click) make one request; the loser's number is rolled back with it.
    """
    if len(intake_key) > INTAKE_KEY_MAX:
        raise ValidationError({"intake_key": _("重复提交校验码过长。")})
    fingerprint = _fingerprint(fields) if intake_key else ""
    try:
        return _register(actor=actor, intake_key=intake_key, fingerprint=fingerprint, **fields)
    except IntegrityError:
        intake = RequestIntake.objects.filter(raised_by=actor, key=intake_key).first() if intake_key else None
        if intake is None:
            raise
        raise AlreadyRaised(Request.objects.visible_to(actor).filter(pk=intake.request_id).first(),
                            same=intake.fingerprint in ("", fingerprint)) from None


@transaction.atomic
def _register(
    *,
    actor,
    enterprise,
    source: str,
    category: str,
    title: str,
    description: str,
    urgency: str = "normal",
    project=None,
    addressed_leader=None,
    attachments: Iterable = (),
    at: dt.datetime | None = None,
    intake_key: str = "",
    fingerprint: str = "",
) -> Request:
    common.check_may_raise(actor)
    attachments = list(attachments)
    check_uploads(attachments)
    if actor.has_role(Role.ENTERPRISE) and not actor.is_superuser and (
        not actor.role_codes - {Role.ENTERPRISE}
    ):
        if actor.enterprise_id != enterprise.pk:
            raise PermissionDenied(_("只能为本企业提出诉求。"))
        source = Source.PORTAL
    at = at or service_now()
    request = Request(
        zone_id=enterprise.zone_id, enterprise=enterprise, project=project, source=source, category=category,
        urgency=urgency, title=(title or "").strip(), description=(description or "").strip(),
        butler=(project.butler if project is not None and project.butler_id else enterprise.butler),
        addressed_leader=addressed_leader, raised_by=actor, created_at=at,
    )
    errors = {}
    if enterprise.archived_at is not None:
        errors["enterprise"] = _("该企业已归档，不能为其登记诉求。")
    if project is not None and project.enterprise_id != enterprise.pk:
        errors["project"] = _("项目不属于该企业。")
    if source == Source.LETTER and addressed_leader is None:
        errors["addressed_leader"] = _("直通车须选择收信领导。")
    if addressed_leader is not None and (addressed_leader.zone_id != enterprise.zone_id
                                         or Role.LEADER not in addressed_leader.role_codes):
        errors["addressed_leader"] = _("收信人须为本园区的领导。")
    try:
        # The related rows are objects the caller has read already (through visible_to, or the actor
        # itself): checking that each still exists would be one more query apiece.
        request.full_clean(exclude=["number", "item", *RELATED_READ])
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    request.number = _allocate_number(request.zone_id, timezone.localtime(at).year)
    items.insert(request, at=at, start_clocks=lambda item: [common.start_clock(request, ClockKind.SIGN, at)])
    if intake_key:  # a second submission of the same form fails here, and its number rolls back
        RequestIntake.objects.create(raised_by=actor, key=intake_key, request=request, fingerprint=fingerprint)
    timeline.record(item_id=request.item_id, actor=actor, action=Action.RAISE, to_status=request.status,
                    comment=request.description, attachments=attachments, at=at, data={"source": source})
    return request
