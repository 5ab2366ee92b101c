"""The channels a notice travels by: e-mail, and the WeCom / DingTalk / Feishu group robots (群机器人).

Pure transport: build the robot's message, sign it as its platform documents, POST it with
the standard library and a short timeout, and say whether the platform accepted it. Each
platform answers HTTP 200 with an error code in the body when it refuses a message
(a bad signature, a rate limit), so the body is read too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

from guanjia.notifications.choices import WebhookKind

DEFAULT_TIMEOUT = 5  # seconds; settings.GUANJIA_WEBHOOK_TIMEOUT overrides
MAX_RESPONSE_BYTES = 64 * 1024


class DeliveryError(Exception):
    """A channel refused or could not take a message; the text is kept as the delivery's last error."""


@dataclass(frozen=True)
class Message:
    """What every channel says: a title, a body and (when the site's address is known) a link."""

    title: str
    body: str
    url: str = ""

    def as_text(self) -> str:
        lines = [self.title]
        if self.body:
            lines.append(self.body)
        if self.url:
            lines.append(self.url)
        return "\n".join(lines)

    def as_markdown(self) -> str:
        lines = [f"**{self.title}**"]
        if self.body:
            lines.append(self.body)
        if self.url:
            lines.append(f"[查看详情]({self.url})")
        return "\n\n".join(lines)


def site_url(path: str) -> str:
    """An absolute link for e-mails and robots, from settings.GUANJIA_SITE_URL (empty: no link)."""
    base = (getattr(settings, "GUANJIA_SITE_URL", "") or "").rstrip("/")
    if not base or not path:
        return ""
    return base + (path if path.startswith("/") else "/" + path)


# -- signing ------------------------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk 加签: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64 (URL-encoded by the caller)."""
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu 签名校验: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64."""
    key = f"{timestamp_s}\n{secret}".encode()
    digest = hmac.new(key, b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# -- robots -------------------------------------------------------------------------------------------------------


def webhook_request(*, kind: str, url: str, secret: str, message: Message, now: float | None = None
                    ) -> tuple[str, dict]:
    """The URL to POST to and the JSON body, in the format (and with the signature) of the robot's platform."""
    now = time.time() if now is None else now
    if kind == WebhookKind.WECOM:
        return url, {"msgtype": "markdown", "markdown": {"content": message.as_markdown()}}
    if kind == WebhookKind.DINGTALK:
        body = {"msgtype": "markdown", "markdown": {"title": message.title, "text": message.as_markdown()}}
        if secret:
            timestamp = int(now * 1000)
            query = urllib.parse.urlencode({"timestamp": timestamp, "sign": dingtalk_sign(secret, timestamp)})
            url = f"{url}{'&' if urllib.parse.urlsplit(url).query else '?'}{query}"
        return url, body
    if kind == WebhookKind.FEISHU:
        body = {"msg_type": "text", "content": {"text": message.as_text()}}
        if secret:
            timestamp = int(now)
            body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
        return url, body
    raise DeliveryError(f"unknown robot kind {kind!r}")


def _platform_error(payload: dict) -> str:
    """The platform's refusal in a 200 answer: WeCom/DingTalk `errcode`, Feishu `code` (or the older `StatusCode`)."""
    for field, message_field in (("errcode", "errmsg"), ("code", "msg"), ("StatusCode", "StatusMessage")):
        code = payload.get(field)
        if code not in (None, 0, "0"):
            return f"{field} {code}: {payload.get(message_field, '')}".strip()
    return ""


def post_webhook(*, kind: str, url: str, secret: str, message: Message, timeout: float | None = None) -> None:
    """POST the message to the robot; raise DeliveryError unless the platform accepted it.

    Errors name the status and the platform's answer, never the URL (it holds the access key).
    """
    target, body = webhook_request(kind=kind, url=url, secret=secret, message=message)
    timeout = timeout if timeout is not None else getattr(settings, "GUANJIA_WEBHOOK_TIMEOUT", DEFAULT_TIMEOUT)
    data = json.dumps(body, ensure_ascii=False).encode()
    http_request = urllib.request.Request(target, data=data, method="POST",
                                          headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as response:  # noqa: S310 - admin-set http(s) URL
            raw = response.read(MAX_RESPONSE_BYTES)
    except urllib.error.HTTPError as error:
        detail = error.read(500).decode(errors="replace")
        raise DeliveryError(f"HTTP {error.code} {detail}".strip()) from error
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"{type(error).__name__}: {reason}") from error
    try:
        payload = json.loads(raw.decode() or "{}")
    except (UnicodeDecodeError, ValueError):
        return  # not JSON: the HTTP status said yes
    if isinstance(payload, dict):
        refusal = _platform_error(payload)
        if refusal:
            raise DeliveryError(refusal)


# -- e-mail -------------------------------------------------------------------------------------------------------


def email_message(*, to: str, message: Message, connection=None) -> EmailMessage:
    subject = f"[管家] {message.title}"
    return EmailMessage(subject=subject.replace("\n", " "), body=message.as_text(), to=[to], connection=connection)


def send_email(*, to: str, message: Message, connection=None) -> None:
    """One e-mail through the configured backend (settings.EMAIL_BACKEND)."""
    try:
        sent = email_message(to=to, message=message, connection=connection).send()
    except Exception as error:  # noqa: BLE001 - any backend failure is a failed attempt, retried later
        raise DeliveryError(f"{type(error).__name__}: {error}") from error
    if not sent:
        raise DeliveryError("the mail backend sent nothing")
