"""Writes of notifications: the inbox, the group robots, telling people of a request's events, and sending.

A request's change never waits for, nor depends on, a notice: the timeline's
`request_event_committed` signal (sent after commit) only enqueues a huey task,
which writes the notices in its own transaction and sends them; a failed
channel is retried with backoff (choices.BACKOFF) by the periodic sender.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from guanjia.core.bulk import Rows
from guanjia.core.choices import Role
from guanjia.core.services import save_validated
from guanjia.notifications import channels, selectors
from guanjia.notifications.choices import BACKOFF, LEASE, MAX_ATTEMPTS, Channel, DeliveryStatus, Kind
from guanjia.notifications.models import Delivery, Notification, WebhookEndpoint

logger = logging.getLogger("guanjia.notifications")

SEND_BATCH = 200
BULK_BATCH = 500
TEXT_LIMIT = 300


# -- the inbox ----------------------------------------------------------------------------------------------------


def notification_mark_read(*, actor, notification: Notification) -> Notification:
    """Mark one of one's own notices read (already read: unchanged)."""
    if notification.recipient_id != actor.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notice of one's inbox read; returns how many."""
    return Notification.objects.visible_to(actor).unread().update(read_at=timezone.now())


# -- group robots -------------------------------------------------------------------------------------------------


def webhook_endpoint_create(*, actor, zone, name: str, kind: str, url: str, secret: str = "", enabled: bool = True,
                            unit=None, person=None) -> WebhookEndpoint:
    """Add a group robot (群机器人) for a unit, a person, or (neither) the service center itself."""
    endpoint = WebhookEndpoint(zone=zone, name=(name or "").strip(), kind=kind, url=(url or "").strip(),
                               secret=(secret or "").strip(), enabled=enabled, unit=unit, person=person)
    return save_validated(endpoint, actor=actor)


def webhook_endpoint_update(*, actor, endpoint: WebhookEndpoint, name: str, kind: str, url: str,
                            secret: str | None = None, enabled: bool = True, unit=None, person=None
                            ) -> WebhookEndpoint:
    """Change a robot; `secret=None` keeps the stored secret, "" clears it. Disabling stops its deliveries."""
    endpoint.name, endpoint.kind, endpoint.url = (name or "").strip(), kind, (url or "").strip()
    endpoint.enabled, endpoint.unit, endpoint.person = enabled, unit, person
    if secret is not None:
        endpoint.secret = secret.strip()
    return save_validated(endpoint, actor=actor)


# -- fan-out: notices, their inbox rows and their deliveries ------------------------------------------------------


@dataclass
class Notice:
    """One thing to tell some people: the same title and body for each recipient."""

    zone_id: int
    kind: str
    title: str
    body: str
    recipients: list
    link: str = ""
    request_id: int | None = None
    event_id: int | None = None
    at: dt.datetime | None = None  # when it happened (a timeline event's time); default: now


class Planned:
    """The rows a fan-out will write: inbox rows (notifications) and their deliveries, as dicts.

    After `Fanout.save`, each row holds its "id" (a notification's only when it has deliveries).
    """

    def __init__(self):
        self._notifications, self._deliveries = Rows(Notification), Rows(Delivery, ids=True)
        self.notifications, self.deliveries = self._notifications.rows, self._deliveries.rows

    def notify(self, **values) -> dict:
        return self._notifications.new(**values)

    def deliver(self, **values) -> dict:
        return self._deliveries.new(**values)

    def delivery_ids(self) -> list[int]:
        return [row["id"] for row in self.deliveries]

    def save(self) -> None:
        self._notifications.ids = bool(self.deliveries)  # a delivery refers to its notification's id
        self._notifications.write()
        self._deliveries.write()


def request_link(request_id: int) -> str:
    try:
        return reverse("requests:detail", args=[request_id])
    except NoReverseMatch:  # a notice is never lost over its link
        return f"/requests/{request_id}/"


def clip(text: str, limit: int = TEXT_LIMIT) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Fanout:
    """Turns notices into inbox rows and deliveries (e-mail, robots), with a fixed number of queries.

    The enabled robots are read once; the zone admins only if some robot is the
    center's own group. A robot hears a notice once even when several of its
    members receive it (a transfer to a unit with three handlers posts once).
    """

    def __init__(self, *, now=None):
        self.now = now or timezone.now()
        self.email = getattr(settings, "GUANJIA_NOTIFY_EMAIL", True)
        by_person, by_unit, center = {}, {}, {}
        for endpoint in WebhookEndpoint.objects.enabled():
            if endpoint.person_id:
                by_person.setdefault(endpoint.person_id, []).append(endpoint)
            if endpoint.unit_id:
                by_unit.setdefault(endpoint.unit_id, []).append(endpoint)
            if not endpoint.person_id and not endpoint.unit_id:
                center.setdefault(endpoint.zone_id, []).append(endpoint)
        self.by_person, self.by_unit, self.center = by_person, by_unit, center
        self._admin_ids: set[int] | None = None

    def admin_ids(self) -> set[int]:
        if self._admin_ids is None:
            self._admin_ids = {p.pk for people in selectors.people_by_zone(Role.ADMIN).values() for p in people}
        return self._admin_ids

    def endpoints_for(self, person) -> list[WebhookEndpoint]:
        found = list(self.by_person.get(person.pk, []))
        if person.unit_id:
            found += self.by_unit.get(person.unit_id, [])
        center = self.center.get(person.zone_id)
        if center and person.pk in self.admin_ids():
            found += center
        return found

    def plan(self, notices: Iterable[Notice]) -> Planned:
        planned = Planned()
        for notice in notices:
            seen_people, seen_endpoints = set(), set()
            title = notice.title[:200]
            for person in notice.recipients:
                if person.pk in seen_people or not person.is_active:
                    continue
                seen_people.add(person.pk)
                notification = planned.notify(
                    zone_id=notice.zone_id, recipient_id=person.pk, kind=notice.kind, title=title,
                    body=notice.body, link=notice.link, request_id=notice.request_id, event_id=notice.event_id,
                    created_at=notice.at or self.now,
                )
                if self.email and person.email:
                    self._deliver(planned, notification, Channel.EMAIL)
                for endpoint in self.endpoints_for(person):
                    if endpoint.zone_id == notice.zone_id and endpoint.pk not in seen_endpoints:
                        seen_endpoints.add(endpoint.pk)
                        self._deliver(planned, notification, Channel.WEBHOOK, endpoint.pk)
        return planned

    def _deliver(self, planned: Planned, notification: dict, channel: str, endpoint_id: int | None = None) -> None:
        planned.deliver(notification_id=notification, channel=channel, endpoint_id=endpoint_id,
                        next_attempt_at=self.now, created_at=self.now)

    @staticmethod
    def save(planned: Planned) -> None:
        """Write the planned rows: one statement per table (COPY on PostgreSQL), no model instances."""
        planned.save()


def send_after_commit(delivery_ids: Sequence[int]) -> None:
    """Hand new deliveries to the job queue once the transaction that wrote them has committed."""
    ids = list(delivery_ids)
    if not ids:
        return

    def enqueue() -> None:
        from guanjia.notifications import tasks

        try:
            for start in range(0, len(ids), SEND_BATCH):
                tasks.send_deliveries(ids[start:start + SEND_BATCH])
        except Exception:  # the periodic sender picks them up: they are pending in the table
            logger.exception("could not enqueue %d deliveries; the periodic sender will send them", len(ids))

    transaction.on_commit(enqueue)


# -- what each timeline event tells, and to whom ------------------------------------------------------------------


def _staff_only(people: list) -> list:
    return [p for p in people if not p.enterprise_id]


def _owners(request) -> list:
    """Who answers for a request's handling: its butler; without one, the zone's admins (the service center)."""
    return [request.butler] if request.butler_id else selectors.people_with_role(request.zone_id, Role.ADMIN)


def _contacts(enterprise) -> list:
    return selectors.enterprise_contacts([enterprise.pk]).get(enterprise.pk, [])


def _withdrawal_reason(action: str) -> str:
    """Why a unit's task was withdrawn, as the start of a sentence."""
    from guanjia.requests.choices import Action

    return {Action.TRANSFER: _("该诉求已改由其他单位办理，"), Action.REASSIGN: _("该诉求已仲裁改派，"),
            Action.MERGE: _("该诉求已并入另一条诉求，")}.get(action, _("该诉求已办结，"))


def _event_notices(event) -> list[Notice]:
    """The notices one timeline event (RequestEvent) gives rise to; see docs/notifications.md."""
    from guanjia.requests.choices import Action, EscalationTarget, Rating, Source, Status, SuspendReason

    request = event.request
    enterprise = request.enterprise
    zone_id = request.zone_id
    label = f"{request.number} {request.title}"
    common = {"zone_id": zone_id, "link": request_link(request.pk), "request_id": request.pk, "event_id": event.pk,
              "at": event.at}
    notices: list[Notice] = []
    action = event.action

    if action == Action.RAISE:
        body = f"{enterprise.name} · {request.get_category_display()} · {request.get_urgency_display()}\n" \
               f"{clip(request.description)}"
        notices.append(Notice(kind=Kind.NEW_REQUEST, title=_("新诉求待签收：%(request)s") % {"request": label},
                              body=body, recipients=_owners(request), **common))
        if request.source == Source.LETTER and request.addressed_leader_id:
            notices.append(Notice(kind=Kind.LETTER, title=_("直通车来信：%(request)s") % {"request": label},
                                  body=body, recipients=[request.addressed_leader], **common))
    elif action in (Action.TRANSFER, Action.REASSIGN):
        unit_ids = [event.data.get("lead_unit"), *event.data.get("co_units", [])]
        body = _("%(enterprise)s 的诉求已转至本单位办理，请及时签收。") % {"enterprise": enterprise.name}
        if event.comment:
            body += "\n" + clip(event.comment)
        notices.append(Notice(kind=Kind.TRANSFERRED, title=_("转办待签收：%(request)s") % {"request": label},
                              body=body, recipients=selectors.unit_handlers(zone_id, unit_ids), **common))
    elif action == Action.ESCALATE:
        target = event.data.get("target") or request.escalated_to
        if target == EscalationTarget.STATION_HEAD:
            head = enterprise.workstation.head if enterprise.workstation_id else None
            people = [head] if head is not None else selectors.people_with_role(zone_id, Role.LEADER)
        elif target == EscalationTarget.LEADER:
            leader = enterprise.contact_leader
            people = [leader] if leader is not None else selectors.people_with_role(zone_id, Role.LEADER)
        else:  # a joint meeting (会办) is convened by the service center
            people = selectors.people_with_role(zone_id, Role.ADMIN)
        target_label = EscalationTarget(target).label if target in EscalationTarget.values else target
        notices.append(Notice(
            kind=Kind.ESCALATED, title=_("诉求升级（%(target)s）：%(request)s") % {"target": target_label,
                                                                              "request": label},
            body=f"{enterprise.name}\n{clip(event.comment)}".strip(), recipients=people, **common))
    elif action == Action.RETURN:
        unit = event.unit.name if event.unit_id else ""
        notices.append(Notice(
            kind=Kind.RETURNED, title=_("退单待仲裁：%(request)s") % {"request": label},
            body=_("%(unit)s 退回了该诉求：%(reason)s") % {"unit": unit, "reason": clip(event.comment)},
            recipients=selectors.people_with_role(zone_id, Role.ADMIN), **common))
    elif action == Action.FEEDBACK:
        unit = event.unit.name if event.unit_id else ""
        notices.append(Notice(
            kind=Kind.FEEDBACK, title=_("部门已反馈：%(request)s") % {"request": label},
            body=_("%(unit)s 反馈：%(feedback)s") % {"unit": unit, "feedback": clip(event.comment)},
            recipients=_owners(request), **common))
    elif action == Action.EXTEND:
        # Units whose task is still open are told; a unit that has given its feedback has nothing left to do.
        # The applicant of an approved 延期申请 hears of it by the approval's own notice.
        body = _("该诉求的办结时限已延期 %(days)s 个工作日。延期理由：%(reason)s") % {
            "days": event.data.get("days", ""), "reason": clip(event.comment)}
        applicant = event.data.get("applicant")
        notices.append(Notice(
            kind=Kind.EXTENDED, title=_("诉求延期：%(request)s") % {"request": label}, body=body,
            recipients=[p for p in [*_owners(request), *selectors.open_task_handlers(request)]
                        if p is not None and p.pk != applicant], **common))
    elif action == Action.APPLY_EXTENSION:
        # The approvers: the leader an escalation would reach (the contact leader, else the zone's
        # leaders), and the service center's admins.
        leader = enterprise.contact_leader
        leaders = [leader] if leader is not None else selectors.people_with_role(zone_id, Role.LEADER)
        who = str(event.actor) if event.actor_id else ""
        if event.unit_id:
            who = f"{who}（{event.unit.name}）"
        body = _("%(who)s 申请延期 %(days)s 个工作日。延期理由：%(reason)s") % {
            "who": who, "days": event.data.get("days", ""), "reason": clip(event.comment)}
        notices.append(Notice(
            kind=Kind.EXTENSION_APPLIED, title=_("延期申请待审批：%(request)s") % {"request": label}, body=body,
            recipients=[*leaders, *selectors.people_with_role(zone_id, Role.ADMIN)], **common))
    elif action in (Action.APPROVE_EXTENSION, Action.DENY_EXTENSION):
        applicant = selectors.people_by_id([event.data.get("applicant")]).get(event.data.get("applicant"))
        days = event.data.get("days", "")
        if action == Action.APPROVE_EXTENSION:
            kind, title = Kind.EXTENSION_APPROVED, _("延期申请已批准：%(request)s") % {"request": label}
            body = _("您申请的 %(days)s 个工作日延期已批准，办结时限已延长。") % {"days": days}
        else:
            kind, title = Kind.EXTENSION_DENIED, _("延期申请已驳回：%(request)s") % {"request": label}
            body = _("您申请的 %(days)s 个工作日延期未获批准，办结时限不变。") % {"days": days}
        if event.comment:
            body += "\n" + _("审批意见：%(comment)s") % {"comment": clip(event.comment)}
        notices.append(Notice(kind=kind, title=title, body=body, recipients=[applicant], **common))
    elif action == Action.SUSPEND and event.data.get("reason") == SuspendReason.AWAITING_MATERIAL:
        # The enterprise must act: the request waits for it, its clocks stopped.
        body = _("办理您的诉求需要补充材料，诉求已暂停计时，请在诉求页面补充。")
        notices.append(Notice(
            kind=Kind.MATERIAL_NEEDED, title=_("请补充材料：%(request)s") % {"request": label},
            body=f"{body}\n{clip(event.comment)}".strip(), recipients=_contacts(enterprise), **common))
    elif action == Action.SUPPLY:
        body = _("%(enterprise)s 补充了材料：%(comment)s") % {"enterprise": enterprise.name,
                                                            "comment": clip(event.comment) or _("见附件。")}
        if event.from_status == Status.SUSPENDED:
            body += "\n" + _("该诉求仍在中止中，请核对材料后恢复办理。")
        notices.append(Notice(
            kind=Kind.MATERIAL_SUPPLIED, title=_("企业已补充材料：%(request)s") % {"request": label},
            body=body, recipients=_owners(request), **common))
    elif action == Action.RESOLVE or (action == Action.REPLY and event.data.get("resolved")):
        notices.append(Notice(
            kind=Kind.RATE_ASKED, title=_("请评价办理结果：%(request)s") % {"request": label},
            body=_("您的诉求已办结：%(answer)s\n请对办理结果进行评价。") % {"answer": clip(request.answer)},
            recipients=_contacts(enterprise), **common))
    elif (action == Action.RATE and event.data.get("rating") == Rating.UNSATISFIED) or action == Action.REOPEN:
        # 重办: whoever answers for the request takes it up again; the enterprise hears that it has.
        why = _("企业评价不满意：%(reason)s") if action == Action.RATE else _("重办理由：%(reason)s")
        notices.append(Notice(
            kind=Kind.REOPENED, title=_("诉求重办：%(request)s") % {"request": label},
            body=f"{enterprise.name}\n" + why % {"reason": clip(event.comment)},
            recipients=_owners(request), **common))
        notices.append(Notice(
            kind=Kind.REOPENED, title=_("诉求已重新办理：%(request)s") % {"request": label},
            body=_("您的诉求已重新交办，办理完成后将再次请您评价。"), recipients=_contacts(enterprise), **common))
    # The units whose task this event withdrew (撤回) stop work on it; a unit handed it again was told above.
    withdrawn = set(event.data.get("withdrawn_units") or ()) - {event.data.get("lead_unit"),
                                                                 *event.data.get("co_units", ())}
    if withdrawn:
        notices.append(Notice(
            kind=Kind.WITHDRAWN, title=_("任务已撤回：%(request)s") % {"request": label},
            body=_("%(why)s本单位的办理任务已撤回，无需继续办理。") % {"why": _withdrawal_reason(action)},
            recipients=selectors.unit_handlers(zone_id, sorted(withdrawn)), **common))

    for notice in notices:
        people = [p for p in notice.recipients if p is not None and p.zone_id == zone_id]
        if event.actor_id:
            people = [p for p in people if p.pk != event.actor_id]  # nobody is told of their own act
        if event.internal:
            people = _staff_only(people)  # an internal event never reaches the enterprise
        notice.recipients = people
    return [n for n in notices if n.recipients]


def notify_request_event(*, event_id: int) -> list[int]:
    """Tell the people concerned of one timeline event: inbox rows and deliveries; returns the delivery ids.

    Idempotent: an event already told is not told again (a job queue may run a task twice).
    """
    from guanjia.requests.models import RequestEvent

    with transaction.atomic():
        event = (RequestEvent.objects.select_for_update(of=("self",))
                 .select_related("request__enterprise__workstation__head", "request__enterprise__contact_leader",
                                 "request__butler", "request__addressed_leader", "unit", "actor")
                 .filter(pk=event_id).first())
        if event is None or Notification.objects.filter(event=event_id).exists():
            return []
        with translation.override(settings.LANGUAGE_CODE):
            notices = _event_notices(event)
        if not notices:
            return []
        fanout = Fanout()
        planned = fanout.plan(notices)
        fanout.save(planned)
    return planned.delivery_ids()


# -- sending ------------------------------------------------------------------------------------------------------


@dataclass
class SendSummary:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def taken(self) -> int:
        return self.sent + self.retrying + self.failed


def _message(notification: Notification) -> channels.Message:
    return channels.Message(title=notification.title, body=notification.body,
                            url=channels.site_url(notification.link))


def _failed(delivery: Delivery, error: str, now, *, final: bool = False) -> None:
    delivery.attempts += 1
    delivery.last_error = error[:2000]
    where = delivery.endpoint.name if delivery.endpoint_id and delivery.endpoint else delivery.channel
    if final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        logger.error("delivery %s (%s) failed for good after %d attempt(s): %s",
                     delivery.pk, where, delivery.attempts, error)
    else:
        delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
        logger.warning("delivery %s (%s) failed (attempt %d/%d), retrying at %s: %s",
                       delivery.pk, where, delivery.attempts, MAX_ATTEMPTS, delivery.next_attempt_at, error)


def _attempt(delivery: Delivery, now, down: dict[int, Delivery], mail_connection) -> None:
    """One attempt through the delivery's channel; the outcome is written on the (unsaved) row."""
    notification = delivery.notification
    if delivery.channel == Channel.EMAIL:
        address = notification.recipient.email
        if not address or not notification.recipient.is_active:
            _failed(delivery, "recipient has no e-mail address", now, final=True)
            return
        try:
            channels.send_email(to=address, message=_message(notification), connection=mail_connection)
        except channels.DeliveryError as error:
            _failed(delivery, str(error), now)
            return
    else:
        endpoint = delivery.endpoint
        if endpoint is None or not endpoint.enabled:
            _failed(delivery, "the robot is disabled", now, final=True)
            return
        if endpoint.pk in down:  # it failed a moment ago in this batch: wait with it, attempt not counted
            delivery.next_attempt_at = down[endpoint.pk].next_attempt_at
            return
        try:
            channels.post_webhook(kind=endpoint.kind, url=endpoint.url, secret=endpoint.secret,
                                  message=_message(notification))
        except channels.DeliveryError as error:
            _failed(delivery, str(error), now)
            down[endpoint.pk] = delivery
            return
    delivery.attempts += 1
    delivery.status, delivery.sent_at, delivery.next_attempt_at, delivery.last_error = (
        DeliveryStatus.SENT, now, None, "")


def deliveries_send(*, ids: Iterable[int] | None = None, now=None, limit: int = SEND_BATCH) -> SendSummary:
    """Send the pending deliveries that are due (all of them, or those of `ids`), at most `limit`.

    The rows are first claimed with one conditional UPDATE, so two workers never
    send the same delivery; a failure schedules the next attempt (1, 5, 30, 120
    minutes) and the 5th is final. Four queries whatever the batch size.
    """
    from django.core.mail import get_connection

    now = now or timezone.now()
    token = uuid.uuid4().hex
    due = Delivery.objects.due(now)
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    chosen = due.order_by("next_attempt_at", "pk").values("pk")[:limit]
    taken = Delivery.objects.due(now).filter(pk__in=chosen).update(claim=token, next_attempt_at=now + LEASE)
    summary = SendSummary()
    if not taken:
        return summary
    rows = list(Delivery.objects.filter(claim=token).select_related("notification__recipient", "endpoint")
                .order_by("pk"))
    down: dict[int, Delivery] = {}
    mail_connection = get_connection()
    for delivery in rows:
        try:
            _attempt(delivery, now, down, mail_connection)
        except Exception as error:  # noqa: BLE001 - one broken row must not stop the batch
            logger.exception("delivery %s raised", delivery.pk)
            _failed(delivery, f"{type(error).__name__}: {error}", now)
        delivery.claim = ""
        if delivery.status == DeliveryStatus.SENT:
            summary.sent += 1
        elif delivery.status == DeliveryStatus.FAILED:
            summary.failed += 1
        else:
            summary.retrying += 1
    Delivery.objects.bulk_update(rows, ["status", "attempts", "last_error", "next_attempt_at", "sent_at", "claim"],
                                 batch_size=BULK_BATCH)
    return summary


def deliveries_send_due(*, now=None, rounds: int = 50) -> SendSummary:
    """The periodic sender: every pending delivery whose time has come, batch after batch."""
    total = SendSummary()
    for _round in range(rounds):
        summary = deliveries_send(now=now)
        total.sent += summary.sent
        total.retrying += summary.retrying
        total.failed += summary.failed
        if summary.taken < SEND_BATCH:
            break
    return total
