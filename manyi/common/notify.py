"""Notifications in the recipient's language (zh-Hans or en), in the app and through an outbox.

Templates: `templates/mail/<name>_subject.txt` and `templates/mail/<name>.txt`, rendered with
the recipient's language active. Every message has an idempotency key: calling `notify`
again with the same key sends nothing.

Outbox: a write only inserts the `Message` row, inside the caller's transaction, so the
message exists exactly when the record does. After the commit a delivery task is enqueued
(`common.tasks.deliver_message`); if enqueuing fails, the periodic job
`common.deliver_due_messages` finds the message anyway. Delivery claims the row with one
conditional UPDATE (only one worker wins, even with several workers), sends it through its
channel, and records the outcome: SENT, or the error and the next attempt (exponential
back-off) until `MANYI_OUTBOX_MAX_ATTEMPTS`, then FAILED. A side effect never turns a saved
record into an error page.

Channels: `register_channel("sms")(send)` plugs in another way of delivering; `send(message)`
raises `PermanentDeliveryError` when retrying cannot help, any other exception to retry.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import DeliveryState, Message
from .site import absolute_url

logger = logging.getLogger(__name__)

Channel = Callable[[Message], None]
CHANNELS: dict[str, Channel] = {}


class PermanentDeliveryError(Exception):
    """The channel cannot deliver this message, and trying again will not help."""


def register_channel(name: str) -> Callable[[Channel], Channel]:
    def wrap(send: Channel) -> Channel:
        CHANNELS[name] = send
        return send

    return wrap


@register_channel("email")
def _send_email(message: Message) -> None:
    address = message.to_email or (message.recipient.email if message.recipient else "")
    if not address:
        raise PermanentDeliveryError("no e-mail address")
    try:
        send_mail(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [address],
            fail_silently=False,
        )
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentDeliveryError(f"address refused: {exc}") from exc


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_attempts() -> int:
    return _setting("MANYI_OUTBOX_MAX_ATTEMPTS", 10)


def retry_delay(attempts: int) -> dt.timedelta:
    """Exponential back-off after the n-th failed attempt: 1, 2, 4 … minutes, at most 6 h."""
    base = _setting("MANYI_OUTBOX_RETRY_SECONDS", 60)
    cap = _setting("MANYI_OUTBOX_RETRY_MAX_SECONDS", 6 * 3600)
    return dt.timedelta(seconds=min(base * 2 ** max(attempts - 1, 0), cap))


def claim_lease() -> dt.timedelta:
    """How long a claimed message is left to its sender before another attempt may take it
    (the sender's process died between claiming and recording the outcome)."""
    return dt.timedelta(seconds=_setting("MANYI_OUTBOX_LEASE_SECONDS", 300))


def _render(name: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    if isinstance(context.get("url"), str):  # an e-mail's link is opened outside the site
        context = {**context, "url": absolute_url(context["url"])}
    with translation.override(language):
        subject = render_to_string(f"mail/{name}_subject.txt", dict(context)).strip()
        body = render_to_string(f"mail/{name}.txt", dict(context)).strip() + "\n"
    return " ".join(subject.split()), body


def _enqueue_delivery(message_id: int) -> None:
    """Run after the commit: hand the message to the task worker. Never raises — a message
    that could not be enqueued stays QUEUED and the periodic job sends it."""
    from .tasks import deliver_message

    try:
        deliver_message.enqueue(message_id)
    except Exception:
        logger.exception("could not enqueue delivery of message %s; the periodic job will",
                         message_id)


def _create(key: str, *, deliver: bool, channel: str = "email", **fields: Any) -> Message | None:
    state = DeliveryState.QUEUED if deliver else DeliveryState.IN_APP
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key[:200],
                channel=channel,
                state=state,
                next_attempt_at=timezone.now() if deliver else None,
                **fields,
            )
    except IntegrityError:
        return None  # already sent under this key
    if deliver:
        transaction.on_commit(partial(_enqueue_delivery, message.pk))
    return message


def _due(now: dt.datetime) -> Any:
    """Queued messages whose next attempt has come, and claims whose lease ran out."""
    return Message.objects.filter(
        state__in=(DeliveryState.QUEUED, DeliveryState.SENDING), next_attempt_at__lte=now
    )


def message_deliver(message_id: int, *, now: dt.datetime | None = None) -> str:
    """Try to deliver one due message; return its state afterwards ("" if it was not due or
    another worker holds it). The claim is one conditional UPDATE: at most one caller wins."""
    now = now or timezone.now()
    claimed = _due(now).filter(pk=message_id).update(
        state=DeliveryState.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + claim_lease(),
    )
    if not claimed:
        return ""
    message = Message.objects.select_related("recipient").get(pk=message_id)
    send = CHANNELS.get(message.channel)
    try:
        if send is None:
            raise PermanentDeliveryError(f"unknown channel {message.channel!r}")
        send(message)
    except Exception as exc:
        permanent = isinstance(exc, PermanentDeliveryError) or message.attempts >= max_attempts()
        error = f"{type(exc).__name__}: {exc}"[:2000]
        state = DeliveryState.FAILED if permanent else DeliveryState.QUEUED
        Message.objects.filter(pk=message_id, state=DeliveryState.SENDING).update(
            state=state,
            last_error=error,
            next_attempt_at=None if permanent else now + retry_delay(message.attempts),
        )
        logger.warning("message %s attempt %s: %s", message_id, message.attempts, error)
        return state
    Message.objects.filter(pk=message_id).update(
        state=DeliveryState.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return DeliveryState.SENT


def messages_deliver_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Deliver the messages whose next attempt is due; return how many were sent."""
    now = now or timezone.now()
    ids = list(_due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    return sum(message_deliver(pk, now=now) == DeliveryState.SENT for pk in ids)


def messages_retry(*, ids: Iterable[int]) -> int:
    """Administrator: try the chosen unsent messages again now (a permanently failed one
    gets its full number of attempts back). A message being sent is left alone."""
    now = timezone.now()
    unsent = (DeliveryState.QUEUED, DeliveryState.FAILED)
    with transaction.atomic():
        chosen = list(
            Message.objects.select_for_update()
            .filter(pk__in=list(ids), state__in=unsent)
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=chosen, state=DeliveryState.FAILED).update(attempts=0)
        Message.objects.filter(pk__in=chosen).update(
            state=DeliveryState.QUEUED, next_attempt_at=now
        )
        for pk in chosen:
            transaction.on_commit(partial(_enqueue_delivery, pk))
    return len(chosen)


def notify_users(
    *,
    key: str,
    users: Iterable[Any],
    template: str,
    context: Mapping[str, Any],
    url: str = "",
    email: bool = True,
) -> list[Message]:
    """Notify each user once per key (key is suffixed with the user id)."""
    sent = []
    for user in users:
        if user is None or not user.is_active:
            continue
        language = getattr(user, "language", "") or settings.LANGUAGE_CODE
        subject, body = _render(template, {**context, "recipient": user}, language)
        message = _create(
            f"{key}:u{user.pk}",
            deliver=bool(email and user.email),
            recipient=user,
            language=language,
            subject=subject,
            body=body,
            url=url,
        )
        if message is None:
            continue
        sent.append(message)
    return sent


def email_address(
    *,
    key: str,
    to: str,
    language: str,
    template: str,
    context: Mapping[str, Any],
) -> Message | None:
    """E-mail someone outside the company (a customer's contact) once per key."""
    if not to:
        return None
    subject, body = _render(template, context, language or settings.LANGUAGE_CODE)
    return _create(key, deliver=True, to_email=to, language=language, subject=subject, body=body)
