"""Reads for pages, API and exports — scoped by permission, from the rollups where possible."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from manyi.accounts.models import Department
from manyi.accounts.permissions import Scope, scope_for, scope_queryset

from .models import (
    Campaign,
    CampaignStatus,
    CampaignTally,
    FollowUpTask,
    Invitation,
    Response,
    SurveyTemplate,
    TaskStatus,
)


def template_list() -> QuerySet[SurveyTemplate]:
    from .services import templates_install_builtin

    if not SurveyTemplate.objects.filter(builtin=True).exists():
        templates_install_builtin()
    return SurveyTemplate.objects.annotate(
        n_items=Count("items", distinct=True), n_campaigns=Count("campaigns", distinct=True)
    ).order_by("code", "-version_no")


def campaign_list(*, user: Any, status: str = "", year: int | None = None) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("template", "owner")
    if scope_for(user, "survey.view") == Scope.NONE:
        return qs.none()
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(period_year=year)
    return qs


def campaign_get(*, user: Any, pk: int) -> Campaign:
    return campaign_list(user=user).get(pk=pk)


def invitations(*, user: Any, campaign: Campaign, action: str = "survey.view"
                ) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(campaign=campaign).select_related(
        "customer", "delegated_office", "business_unit"
    )
    return scope_queryset(qs, user, action)


def invitation_get(*, user: Any, pk: int) -> Invitation:
    qs = Invitation.objects.select_related("campaign", "campaign__template", "customer",
                                           "contact", "delegated_office")
    return scope_queryset(qs, user, "survey.view").get(pk=pk)


def responses(*, user: Any, campaign: Campaign | None = None) -> QuerySet[Response]:
    qs = Response.objects.select_related("customer", "campaign", "filled_by", "invitation")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return scope_queryset(qs, user, "survey.view")


def response_get(*, user: Any, pk: int) -> Response:
    return responses(user=user).select_related("campaign__template").get(pk=pk)


def tasks(*, user: Any, mine: bool = True, status: str = TaskStatus.OPEN
          ) -> QuerySet[FollowUpTask]:
    qs: QuerySet[Any] = FollowUpTask.objects.select_related(
        "campaign", "invitation", "invitation__customer", "owner"
    )
    qs = scope_queryset(qs, user, "survey.view")
    if mine:
        qs = qs.filter(owner=user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("due_at", "id")


def tracking(campaign: Campaign, by: str = "business_unit") -> list[dict[str, Any]]:
    """Sent / opened / partial / completed / return rate per BU, office or class — from the
    tally rollup, never from the answers."""
    field = {"business_unit": "business_unit_id", "office": "branch_office_id",
             "class": "customer_class", "respondent": "decision_class",
             "delegated": "delegated"}[by]
    rows = (
        CampaignTally.objects.filter(campaign=campaign).values(field)
        .annotate(**{n: Sum(n) for n in CampaignTally.SUMS}).order_by(field)
    )
    names: dict[Any, str] = {}
    if field.endswith("_id"):
        names = {d.pk: str(d) for d in Department.objects.filter(pk__in=[r[field] for r in rows])}
    out = []
    for r in rows:
        invited = r["invited"] or 0
        out.append({
            "key": r[field], "label": names.get(r[field], str(r[field])),
            "invited": invited, "sent": r["sent"], "opened": r["opened"],
            "partial": (r["started"] or 0) - (r["completed"] or 0),
            "completed": r["completed"], "proxy": r["proxy"],
            "competitor_forms": r["competitor_forms"],
            "rate": (r["completed"] or 0) * 100 / invited if invited else None,
        })
    return out


def totals(campaign: Campaign) -> dict[str, Any]:
    agg = CampaignTally.objects.filter(campaign=campaign).aggregate(
        **{n: Sum(n) for n in CampaignTally.SUMS}
    )
    t: dict[str, Any] = {k: int(v or 0) for k, v in agg.items()}
    t["partial"] = t["started"] - t["completed"]
    t["rate"] = t["completed"] * 100 / t["invited"] if t["invited"] else None
    return t


def calendar_events(*, user: Any, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Campaign deadlines between two dates, for the calendar page."""
    from django.utils import timezone

    from .services import deadline_rows

    events: list[dict[str, Any]] = []
    qs = campaign_list(user=user).filter(
        start_date__lte=end, start_date__gte=start - dt.timedelta(days=60)
    )
    for c in qs:
        events.append({"date": c.start_date, "campaign": c, "title": None, "at": None})
        for title, moment in deadline_rows(c):
            events.append({"date": timezone.localtime(moment).date(), "campaign": c,
                           "title": title, "at": moment})
    events = [e for e in events if start <= e["date"] <= end]
    events.sort(key=lambda e: (e["date"], e["campaign"].number))
    return events


def delegated_summary(*, user: Any) -> dict[int, int]:
    """Open delegated respondents per campaign that the user's office can see."""
    qs = scope_queryset(
        Invitation.objects.filter(campaign__status=CampaignStatus.RUNNING,
                                  completed_at__isnull=True, delegated_office__isnull=False),
        user, "survey.fill",
    )
    out: dict[int, int] = defaultdict(int)
    for cid in qs.values_list("campaign_id", flat=True):
        out[cid] += 1
    return dict(out)


def low_answers(response: Response) -> QuerySet[Any]:
    return response.answers.select_related("item").filter(
        Q(value__isnull=False), competitor=False
    ).order_by("item__position")
