"""Links between modules: one registry through which a module offers what it can receive.

A module that can open a record from another module's record declares a `Receiver` and offers
it from its AppConfig.ready()::

    links.offer(Receiver(
        key="complaint.from_feedback",
        label=_("Open a complaint"),
        accepts=("feedback.complaint",),          # source kinds; "*" = any record
        action="complaint.add",                   # what the actor needs (accounts.permissions)
        create=complaint_from_feedback,           # (source, actor, **data) -> record | None
        url=lambda c: reverse("complaints:detail", args=[c.pk]),
        index=lambda: reverse("complaints:list"),  # the receiving module's page
    ))

The module that has the source never imports the receiver: a page asks
`receivers_for(kind, user, source)` what it may offer, a service calls
`send(key, source, actor)`, which checks the permission, runs the receiver inside the
caller's transaction, stores a `RecordLink` source → record and returns a `Link` (record,
number, url). A key nobody offers is refused with a clear message (`LinkRefused`).

Keys in use: "complaint.from_feedback", "complaint.from_survey_answer" (complaints),
"claim.from_feedback" (claims), "capa.from_record" (the corrective-action module, not built
yet: until it offers the key, a complaint that needs a CAPA waits for one).

The customer timeline is the other thing a module offers: `register_timeline(source)` where
`source(customer, user, limit) -> list[TimelineEvent]` lists the events the user may see.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import can
from manyi.accounts.types import Actor, Viewer, stored_user

ANY_SOURCE = "*"


class LinkRefused(ValidationError):
    """send() refused: nothing offers the key, or the receiver does not take this source."""


@dataclass(frozen=True)
class Receiver:
    key: str
    label: Any  # a lazy string: what the page's button says
    accepts: tuple[str, ...]  # source kinds ("app_label.model_name" or a finer kind), or "*"
    action: str  # the permission action the actor needs (on the source's customer)
    create: Callable[..., Any]  # (source, actor, **data) -> the new record, or None
    url: Callable[[Any], str]  # record -> its page (reverse())
    index: Callable[[], str] | None = None  # the receiving module's page (reverse())

    def takes(self, source_kind: str) -> bool:
        return ANY_SOURCE in self.accepts or source_kind in self.accepts


@dataclass(frozen=True)
class Link:
    """What send() gives back: the record opened (None when the receiver opened nothing, e.g.
    the source names no customer), its number and its page."""

    record: Any
    number: str
    url: str

    def __bool__(self) -> bool:
        return self.record is not None


NO_LINK = Link(None, "", "")

_RECEIVERS: dict[str, Receiver] = {}


def offer(receiver: Receiver) -> Receiver:
    """Offer a receiver (from the receiving app's AppConfig.ready()); the same key again
    replaces the earlier one, so calling ready() twice changes nothing."""
    _RECEIVERS[receiver.key] = receiver
    return receiver


def withdraw(key: str) -> None:
    _RECEIVERS.pop(key, None)


def receiver(key: str) -> Receiver | None:
    """The receiver offered under `key`, or None when no installed module offers it."""
    return _RECEIVERS.get(key)


@contextmanager
def override(key: str, replacement: Receiver | None) -> Iterator[None]:
    """For tests: offer `replacement` (or nothing) under `key`, then restore what was there."""
    before = _RECEIVERS.get(key)
    if replacement is None:
        _RECEIVERS.pop(key, None)
    else:
        _RECEIVERS[key] = replacement
    try:
        yield
    finally:
        if before is None:
            _RECEIVERS.pop(key, None)
        else:
            _RECEIVERS[key] = before


def kind_of(source: Any) -> str:
    """A record's source kind: its `link_kind` when it has one, else "app_label.model_name"."""
    kind = getattr(source, "link_kind", None)
    if kind:
        return str(kind)
    meta = getattr(source, "_meta", None)
    if meta is None:
        return ""
    return f"{meta.app_label}.{meta.model_name}"


def _allowed(r: Receiver, user: Actor, source: Any) -> bool:
    """The actor may `r.action` on the source's customer (on the action at all when the
    source names no customer); user None is the system."""
    return can(user, r.action, getattr(source, "customer", None))


def receivers_for(source_kind: str, user: Actor, source: Any = None) -> list[Receiver]:
    """What a page may offer for a source of `source_kind` to `user` (permission-checked)."""
    return [
        r
        for r in _RECEIVERS.values()
        if r.takes(source_kind) and _allowed(r, user, source)
    ]


def may(key: str, user: Actor, source: Any = None, *, source_kind: str | None = None) -> bool:
    """Whether send(key, source, user) would be allowed (the key is offered, takes the source
    and the user has the action)."""
    r = _RECEIVERS.get(key)
    if r is None or not r.takes(source_kind or kind_of(source)):
        return False
    return _allowed(r, user, source)


def send(
    key: str, source: Any, actor: Actor, *, source_kind: str | None = None, **data: Any
) -> Link:
    """Open a record of the receiving module from `source`, inside the caller's transaction.

    Refused with LinkRefused when nothing offers `key` or the receiver does not take the
    source, with PermissionDenied when the actor lacks the receiver's action. The link
    source → record is stored (RecordLink) when both are database records."""
    r = _RECEIVERS.get(key)
    if r is None:
        raise LinkRefused(
            _("Nothing can receive “%(key)s”: no installed module offers it.") % {"key": key},
            code="unknown_receiver",
        )
    kind = source_kind or kind_of(source)
    if not r.takes(kind):
        raise LinkRefused(
            _("“%(key)s” does not take a record of kind “%(kind)s”.") % {"key": key, "kind": kind},
            code="not_accepted",
        )
    if not _allowed(r, actor, source):
        raise PermissionDenied(_("You are not allowed to do this."))
    with transaction.atomic():
        record = r.create(source, actor, **data)
        if record is None:
            return NO_LINK
        if isinstance(source, models.Model) and isinstance(record, models.Model):
            record_link(source=source, target=record, kind=key, actor=actor)
    number = str(getattr(record, "number", "") or getattr(record, "pk", "") or "")
    return Link(record, number, r.url(record))


def index_url(key: str) -> str:
    """The receiving module's page for `key` ('' when nothing offers it)."""
    r = _RECEIVERS.get(key)
    return r.index() if r is not None and r.index is not None else ""


def record_url(key: str, record: Any) -> str:
    r = _RECEIVERS.get(key)
    return r.url(record) if r is not None and record is not None else ""


# --- stored links between two records --------------------------------------------------------


def _ref(obj: models.Model) -> tuple[ContentType, str]:
    return ContentType.objects.get_for_model(obj), str(obj.pk)


def record_link(*, source: models.Model, target: models.Model, kind: str, actor: Actor) -> Any:
    """Store (once) that `target` was opened from `source` by `kind` (a receiver key)."""
    from .models import RecordLink

    source_type, source_id = _ref(source)
    target_type, target_id = _ref(target)
    link, _created = RecordLink.objects.get_or_create(
        source_type=source_type,
        source_id=source_id,
        target_type=target_type,
        target_id=target_id,
        kind=kind,
        defaults={"created_by": stored_user(actor)},
    )
    return link


def links_from(record: models.Model, kind: str | None = None) -> list[Any]:
    """The links whose source is `record` (oldest first), e.g. the complaint a feedback entry
    opened; `link.target` is the record opened."""
    from .models import RecordLink

    record_type, record_id = _ref(record)
    qs = RecordLink.objects.filter(source_type=record_type, source_id=record_id)
    return list((qs.filter(kind=kind) if kind else qs).order_by("created_at", "pk"))


def links_to(record: models.Model, kind: str | None = None) -> list[Any]:
    """The links whose target is `record`: where it was opened from."""
    from .models import RecordLink

    record_type, record_id = _ref(record)
    qs = RecordLink.objects.filter(target_type=record_type, target_id=record_id)
    return list((qs.filter(kind=kind) if kind else qs).order_by("created_at", "pk"))


def links_of(record: models.Model) -> list[Any]:
    """Every link of `record`, in both directions."""
    from .models import RecordLink

    record_type, record_id = _ref(record)
    return list(
        RecordLink.objects.filter(
            Q(source_type=record_type, source_id=record_id)
            | Q(target_type=record_type, target_id=record_id)
        ).order_by("created_at", "pk")
    )


# --- the customer timeline ------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEvent:
    """One event on a customer's timeline (orders, complaints, claims, surveys…)."""

    at: date | datetime
    kind: str
    title: str
    detail: str
    url: str = ""
    warning: bool = False


TimelineSource = Callable[[Any, Viewer, int], Sequence[TimelineEvent]]

TIMELINE_SOURCES: list[TimelineSource] = []


def register_timeline(source: TimelineSource) -> TimelineSource:
    """A module adds its events to the customer timeline (from its AppConfig.ready());
    `source(customer, user, limit)` returns the events `user` may see. Registered once."""
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    return source


def timeline_events(customer: Any, user: Viewer, limit: int) -> list[TimelineEvent]:
    """Every registered source's events of `customer`, newest first, at most `limit`."""
    events: list[TimelineEvent] = []
    for source in TIMELINE_SOURCES:
        events.extend(source(customer, user, limit))

    return sorted(events, key=_event_moment, reverse=True)[:limit]


def _event_moment(e: TimelineEvent) -> datetime:
    """An aware moment to order the timeline by: a date counts as the start of that day in the
    company's time zone, a naive datetime as local time."""
    if isinstance(e.at, datetime):
        return e.at if timezone.is_aware(e.at) else timezone.make_aware(e.at)
    return timezone.make_aware(datetime.combine(e.at, time.min))
