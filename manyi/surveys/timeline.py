"""Survey responses on the customer's timeline."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from manyi.accounts.permissions import scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.links import TimelineEvent

from .models import Response, ResponseSource, ResponseStatus


def survey_events(customer: Any, user: Viewer, limit: int) -> list[TimelineEvent]:
    qs = scope_queryset(
        Response.objects.filter(customer=customer, status=ResponseStatus.SUBMITTED)
        .select_related("campaign"),
        user,
        "survey.view",
    ).order_by("-submitted_at")[:limit]
    events = []
    for r in qs:
        pct = r.percent
        detail = _("%(who)s · %(how)s · %(n)s answered, %(na)s unable to comment") % {
            "who": r.respondent or "–", "how": r.get_channel_display(), "n": r.answered,
            "na": r.not_applicable,
        }
        if pct is not None:
            detail += f" · {pct:.0f}/100"
        if r.proxy:
            detail += " · " + _("filled by staff for the customer")
        title = (_("Self-evaluation %(c)s") if r.source == ResponseSource.SELF
                 else _("Survey answered: %(c)s")) % {"c": r.campaign.number}
        assert r.submitted_at is not None
        events.append(TimelineEvent(
            at=r.submitted_at, kind="survey", title=title, detail=detail,
            url=reverse("surveys:response", args=[r.pk]), warning=r.low > 0,
        ))
    return events
