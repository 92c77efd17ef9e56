"""Background jobs of the common kit: deliver the outbox."""

from __future__ import annotations

from datetime import timedelta

from django.utils.dateparse import parse_datetime
from django_tasks import task

from .notify import message_deliver, messages_deliver_due
from .scheduling import register_periodic
from .workers import retry_when_worker_lost


@retry_when_worker_lost
@task()
def deliver_message(message_id: int) -> str:
    """Send one queued message (enqueued right after the commit that wrote it)."""
    return message_deliver(message_id)


@register_periodic("common.deliver_due_messages", timedelta(minutes=1))
@task()
def deliver_due_messages(now: str | None = None) -> int:
    """Send every message whose next attempt is due: retries after a failure, and messages
    whose delivery task could not be enqueued. Idempotent: each send is claimed first."""
    return messages_deliver_due(now=parse_datetime(now) if now else None)
