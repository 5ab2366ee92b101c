"""Writes of notifications: the inbox, the group robots, telling people of a tracked item's events, and sending.

A change never waits for, nor depends on, a notice: the kernel's `event_committed`
signal (sent after commit) only enqueues a huey task, which asks the item's workflow
who hears of the event (its `notices` hook), writes the notices in its own transaction
and sends them; a failed channel is retried with backoff (choices.BACKOFF) by the
periodic sender. Nothing here knows a domain: each workflow routes its own events.
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
from django.utils import timezone, translation

from guanjia.core.bulk import Rows
from guanjia.core.choices import Role
from guanjia.core.services import save_validated
from guanjia.notifications import channels, selectors
from guanjia.notifications.choices import BACKOFF, LEASE, MAX_ATTEMPTS, Channel, DeliveryStatus
from guanjia.notifications.models import Delivery, Notification, WebhookEndpoint
from guanjia.notifications.texts import Text, Translator, render

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
    """One thing to tell some people: the same words for each, shown in each reader's language."""

    zone_id: int
    kind: str
    title: Text
    body: list[Text]
    recipients: list
    link: str = ""
    item_id: int | None = None
    event_id: int | None = None
    at: dt.datetime | None = None  # when it happened (a timeline event's time); default: now

    def content(self) -> dict:
        return {"title": self.title.dump(), "body": [line.dump() for line in self.body]}


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
        """The rows of some notices; their words are also kept in the active language (the default one)."""
        planned, translate = Planned(), Translator()
        for notice in notices:
            seen_people, seen_endpoints = set(), set()
            content = notice.content()
            title, body = render(content["title"], translate=translate)[:200], render(content["body"],
                                                                                     translate=translate)
            for person in notice.recipients:
                if person.pk in seen_people or not person.is_active:
                    continue
                seen_people.add(person.pk)
                notification = planned.notify(
                    zone_id=notice.zone_id, recipient_id=person.pk, kind=notice.kind, title=title, body=body,
                    content=content, link=notice.link, item_id=notice.item_id, event_id=notice.event_id,
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


# -- telling people of a timeline event ---------------------------------------------------------------------------


def addressed(event, notices: list[Notice]) -> list[Notice]:
    """The notices of an event, each to the people who may hear of it: of the item's zone, not the one who
    acted (nobody is told of their own act), and no enterprise contact for an internal event."""
    zone_id = event.item.zone_id
    for notice in notices:
        people = [p for p in notice.recipients if p is not None and p.zone_id == zone_id]
        if event.actor_id:
            people = [p for p in people if p.pk != event.actor_id]
        if event.internal:
            people = [p for p in people if not p.enterprise_id]
        notice.recipients = people
    return [n for n in notices if n.recipients]


def notify_event(*, event_id: int) -> list[int]:
    """Tell the people concerned of one timeline event: inbox rows and deliveries; returns the delivery ids.

    The item's workflow says who hears of what (its `notices` hook). Idempotent: an event
    already told is not told again (a job queue may run a task twice).
    """
    from guanjia.workflow import registry
    from guanjia.workflow.models import Event

    with transaction.atomic():
        event = (Event.objects.select_for_update(of=("self",)).select_related("item", "unit", "actor")
                 .filter(pk=event_id).first())
        if event is None or Notification.objects.filter(event=event_id).exists():
            return []
        workflow = registry.get(event.item.kind)
        if workflow.notices is None:
            return []
        with translation.override(settings.LANGUAGE_CODE):
            notices = addressed(event, workflow.notices(event))
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


def _message(notification: Notification, language: str | None = None) -> channels.Message:
    """The notice put into words for a channel: in `language` (an e-mail: its recipient's), else the default."""
    language = language or settings.LANGUAGE_CODE
    return channels.Message(title=notification.title_in(language), body=notification.body_in(language),
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
            channels.send_email(to=address, message=_message(notification, notification.recipient.language),
                                connection=mail_connection)
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
