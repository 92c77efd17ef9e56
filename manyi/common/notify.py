"""Notifications in the recipient's language (zh-Hans or en), in the app and by e-mail.

Templates: `templates/mail/<name>_subject.txt` and `templates/mail/<name>.txt`, rendered with
the recipient's language active. Every message has an idempotency key: calling `notify`
again with the same key sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Message


def _render(name: str, context: Mapping[str, Any], language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = render_to_string(f"mail/{name}_subject.txt", dict(context)).strip()
        body = render_to_string(f"mail/{name}.txt", dict(context)).strip() + "\n"
    return " ".join(subject.split()), body


def _deliver(message: Message) -> None:
    address = message.to_email or (message.recipient.email if message.recipient else "")
    if not address:
        return
    send_mail(
        message.subject,
        message.body,
        settings.DEFAULT_FROM_EMAIL,
        [address],
        fail_silently=False,
    )
    Message.objects.filter(pk=message.pk).update(sent_at=timezone.now())


def _create(key: str, **fields: Any) -> Message | None:
    try:
        with transaction.atomic():
            return Message.objects.create(key=key[:200], **fields)
    except IntegrityError:
        return None  # already sent under this key


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
            recipient=user,
            language=language,
            subject=subject,
            body=body,
            url=url,
        )
        if message is None:
            continue
        if email and user.email:
            transaction.on_commit(partial(_deliver, message))
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
    message = _create(key, to_email=to, language=language, subject=subject, body=body)
    if message is not None:
        transaction.on_commit(partial(_deliver, message))
    return message
