"""Reads for pages, API and exports — scoped by permission, from the rollups where possible."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, QuerySet, Sum

from manyi.accounts.models import Department
from manyi.accounts.permissions import RecordScope, Scope, scope_for, scope_queryset
from manyi.accounts.types import Viewer

from . import rollups, rules
from .models import (
    Campaign,
    CampaignStatus,
    CampaignTally,
    FollowUpTask,
    Invitation,
    ItemRollup,
    Response,
    SurveyTemplate,
    TargetApproval,
    TaskStatus,
    TemplateItem,
)


def template_list() -> QuerySet[SurveyTemplate]:
    from .services import templates_install_builtin

    if not SurveyTemplate.objects.filter(builtin=True).exists():
        templates_install_builtin()
    return SurveyTemplate.objects.annotate(
        n_items=Count("items", distinct=True), n_campaigns=Count("campaigns", distinct=True)
    ).order_by("code", "-version_no")


def campaign_list(*, user: Viewer, status: str = "", year: int | None = None) -> QuerySet[Campaign]:
    qs = Campaign.objects.select_related("template", "owner")
    if scope_for(user, "survey.view") == Scope.NONE:
        return qs.none()
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(period_year=year)
    return qs


def campaign_get(*, user: Viewer, pk: int) -> Campaign:
    return campaign_list(user=user).get(pk=pk)


def invitations(*, user: Viewer, campaign: Campaign, action: str = "survey.view"
                ) -> QuerySet[Invitation]:
    qs = Invitation.objects.filter(campaign=campaign).select_related(
        "customer", "delegated_office", "business_unit"
    )
    return scope_queryset(qs, user, action)


def invitation_get(*, user: Viewer, pk: int) -> Invitation:
    qs = Invitation.objects.select_related("campaign", "campaign__template", "customer",
                                           "contact", "delegated_office")
    return scope_queryset(qs, user, "survey.view").get(pk=pk)


def responses(*, user: Viewer, campaign: Campaign | None = None) -> QuerySet[Response]:
    qs = Response.objects.select_related("customer", "campaign", "filled_by", "invitation")
    if campaign is not None:
        qs = qs.filter(campaign=campaign)
    return scope_queryset(qs, user, "survey.view")


def response_get(*, user: Viewer, pk: int) -> Response:
    return responses(user=user).select_related("campaign__template").get(pk=pk)


def tasks(*, user: Viewer, mine: bool = True, status: str = TaskStatus.OPEN
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


TRACKING_BY = {"business_unit": "business_unit_id", "office": "branch_office_id",
               "class": "customer_class", "respondent": "decision_class",
               "delegated": "delegated"}


def tally_cells(campaigns: Iterable[Campaign], scope: RecordScope) -> list[dict[str, Any]]:
    """The tracking counters (CampaignTally cells: campaign × BU × office × customer class ×
    respondent class × delegated, with the sums) of the respondents in `scope`. A user who sees
    everything reads the stored tally; anyone else gets the same cells counted from the
    respondents in their scope (the tally has no coordinate for a region or a delegated
    office, so it cannot be filtered)."""
    campaigns = list(campaigns)
    if scope.is_all:
        return list(CampaignTally.objects.filter(campaign__in=campaigns)
                    .values(*CampaignTally.KEY, *CampaignTally.SUMS))
    cells: list[dict[str, Any]] = []
    for campaign in campaigns:
        invs = scope.filter(Invitation.objects.filter(campaign=campaign))
        result = rollups.rollups_of(
            campaign, invitations=invs, with_answers=False,
            responses=Response.objects.filter(invitation__in=invs),
        )
        for key, sums in result["tallies"].items():
            cells.append({**dict(zip(CampaignTally.KEY, key, strict=True)),
                          **dict(zip(CampaignTally.SUMS, sums, strict=True))})
    return cells


def _rate(completed: int, invited: int) -> float | None:
    return completed * 100 / invited if invited else None


def tracking(campaign: Campaign, by: str = "business_unit", *, scope: RecordScope
             ) -> list[dict[str, Any]]:
    """Sent / opened / partial / completed / return rate per BU, office or class of the
    respondents in `scope` — from the tally, never from the answers."""
    field = TRACKING_BY[by]
    groups: dict[Any, dict[str, int]] = {}
    for cell in tally_cells([campaign], scope):
        g = groups.setdefault(cell[field], dict.fromkeys(CampaignTally.SUMS, 0))
        for n in CampaignTally.SUMS:
            g[n] += int(cell[n] or 0)
    names: dict[Any, str] = {}
    if field.endswith("_id"):
        names = {d.pk: str(d) for d in Department.objects.filter(pk__in=list(groups))}
    out = []
    for key in sorted(groups):
        r = groups[key]
        out.append({
            "key": key, "label": names.get(key, str(key)),
            "invited": r["invited"], "sent": r["sent"], "opened": r["opened"],
            "partial": r["started"] - r["completed"],
            "completed": r["completed"], "proxy": r["proxy"],
            "competitor_forms": r["competitor_forms"],
            "rate": _rate(r["completed"], r["invited"]),
        })
    return out


def _totals_of(cells: Iterable[dict[str, Any]]) -> dict[str, Any]:
    t: dict[str, Any] = dict.fromkeys(CampaignTally.SUMS, 0)
    for cell in cells:
        for n in CampaignTally.SUMS:
            t[n] += int(cell[n] or 0)
    t["partial"] = t["started"] - t["completed"]
    t["rate"] = _rate(t["completed"], t["invited"])
    return t


def totals(campaign: Campaign, *, scope: RecordScope) -> dict[str, Any]:
    """The campaign's tracking totals over the respondents in `scope`."""
    return _totals_of(tally_cells([campaign], scope))


def totals_many(campaigns: Iterable[Campaign], *, scope: RecordScope
                ) -> dict[int, dict[str, Any]]:
    """totals() of several campaigns (the list page) in one read of the tally."""
    campaigns = list(campaigns)
    by_campaign: dict[int, list[dict[str, Any]]] = {c.pk: [] for c in campaigns}
    for cell in tally_cells(campaigns, scope):
        by_campaign[cell["campaign_id"]].append(cell)
    return {pk: _totals_of(cells) for pk, cells in by_campaign.items()}


def validity(campaign: Campaign, *, scope: RecordScope) -> rules.Validity:
    """The validity rule applied to the figures in `scope` (the whole campaign for a user who
    sees everything: what closing the campaign judges)."""
    t = totals(campaign, scope=scope)
    return rules.judge_validity(
        invited=t["invited"], completed=t["completed"], competitor_forms=t["competitor_forms"],
        min_return_rate=campaign.min_return_rate, min_forms=campaign.min_forms,
        min_competitor_forms=campaign.min_competitor_forms,
    )


def item_rollup(campaign: Campaign, *, scope: RecordScope, source: str = "customer",
                competitor: bool = False) -> list[dict[str, Any]]:
    """Answer counts per item and value (NA_VALUE = unable to comment) of the submitted
    responses in `scope`: from the rollup cube for a user who sees everything, else counted
    from the answers of the responses in scope (the cube has no region coordinate)."""
    counts: dict[tuple[int, int], int] = defaultdict(int)
    if scope.is_all:
        for item_id, value, n in (
            ItemRollup.objects.filter(campaign=campaign, source=source, competitor=competitor)
            .values_list("item_id", "value").annotate(n=Sum("count")).order_by()
        ):
            counts[(item_id, value)] += int(n or 0)
    else:
        resp = scope.filter(Response.objects.filter(campaign=campaign))
        cube = rollups.rollups_of(campaign, responses=resp)["cube"]
        for key, n in cube.items():
            cell = dict(zip(ItemRollup.KEY, key, strict=True))
            if cell["source"] == source and cell["competitor"] == competitor:
                counts[(cell["item_id"], cell["value"])] += n
    keys = dict(TemplateItem.objects.filter(pk__in={i for i, _v in counts})
                .values_list("pk", "key"))
    rows = [{"item": keys[i], "value": v, "count": n} for (i, v), n in counts.items() if n]
    rows.sort(key=lambda r: (r["item"], r["value"]))
    return rows


def approvals(campaign: Campaign, *, scope: RecordScope) -> list[TargetApproval]:
    """The target-list approvals (with each BU's revenue coverage) of the BUs in scope."""
    return list(scope.filter(campaign.approvals.select_related("business_unit", "decided_by")))


def target_counts(campaign: Campaign, *, scope: RecordScope) -> tuple[int, int]:
    """(customers on the target list, respondents) in scope."""
    targets = scope.filter(campaign.targets.all(), "customer__")
    return targets.count(), scope.filter(campaign.invitations.all()).count()


def calendar_events(*, user: Viewer, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
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


def delegated_summary(*, user: Viewer) -> dict[int, int]:
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
