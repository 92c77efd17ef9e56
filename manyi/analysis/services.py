"""Writes of the analysis app: scoring methods, targets, problems. Every write goes through
`common.services` (audit trail, stale-save check) and checks the permission first."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import require
from manyi.accounts.types import Actor
from manyi.common.services import record_create, record_update
from manyi.surveys.models import Campaign

from . import constants as K
from .formulas import average_advanced_value
from .models import (
    AnalysisTarget,
    CampaignScoring,
    Method,
    Problem,
    ProblemStatus,
    TargetStatus,
)

SCORING_FIELDS = ("methods", "self_weight", "ka_weight", "rate_above", "loyalty_above", "bands")


def scoring_set(*, actor: Actor, campaign: Campaign, data: dict[str, Any],
                expected_version: int | None = None) -> CampaignScoring:
    """Choose the scoring methods of a campaign (and their parameters)."""
    require(actor, "analysis.configure")
    methods = data.get("methods")
    if isinstance(methods, (list, tuple)):
        data = {**data, "methods": ",".join(m for m in Method.values if m in methods)}
    if not data.get("methods"):
        raise ValidationError({"methods": [_("Choose at least one scoring method.")]})
    fields = {k: data[k] for k in SCORING_FIELDS if k in data}
    with transaction.atomic():
        existing = CampaignScoring.objects.select_for_update().filter(campaign=campaign).first()
        if existing is None:
            return record_create(CampaignScoring, actor=actor,
                                 fields={"campaign": campaign, **fields})
        return record_update(existing, actor=actor, fields=fields,
                             expected_version=expected_version)


# --- targets (001 §六) ----------------------------------------------------------------------


def _quantize(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def target_suggestion(measure: str, year: int) -> tuple[Decimal | None, str]:
    """The average advanced value of the measure's past values: the last survey campaigns
    before `year` for a survey measure, the 24 months before `year` otherwise."""
    from . import selectors

    values: list[float] = []
    basis = ""
    if K.MEASURES[measure].source == K.Source.SURVEY:
        last = (
            selectors.analysable_campaigns().filter(period_year__lt=year)
            .order_by("-start_date", "-pk").first()
        )
        if last is not None:
            getter = selectors.survey.TREND_MEASURES[measure]
            points = selectors.survey.survey_trend(last)
            values = [v for v in (getter(p) for p in points) if v is not None]
            basis = _("average advanced value of %(n)d campaigns up to %(c)s") % {
                "n": len(values), "c": last.number}
    else:
        first, last_month = selectors.Month(year - 2, 1), selectors.Month(year - 1, 12)
        if K.MEASURES[measure].source == K.Source.COMPLAINT:
            analysis: Any = selectors.complaint_analysis(first, last_month)
            charts: dict[str, Any] = {K.Measure.COMPLAINTS: analysis.c_chart,
                     K.Measure.COMPLAINTS_PER_UNITS: analysis.u_chart,
                                      K.Measure.CLOSURE: analysis.closure}
            chart = charts[measure]
        else:
            analysis = selectors.kpi_analysis(first, last_month)
            chart = analysis.charts.get(measure)
        if chart is not None and chart.chart is not None:
            values = [x * chart.scale for x in chart.chart.statistics]
        basis = _("average advanced value of %(n)d months %(a)s – %(b)s") % {
            "n": len(values), "a": first, "b": last_month}
    if not values:
        return None, ""
    suggested = average_advanced_value(values, K.higher_is_better(measure))
    return _quantize(suggested), basis


def target_propose(*, actor: Actor, measure: str, year: int, value: Decimal, note: str = "",
                   expected_version: int | None = None) -> AnalysisTarget:
    """Propose (or change) the year's target of a measure; a change needs approval again."""
    require(actor, "analysis.target")
    if measure not in K.Measure.values:
        raise ValidationError({"measure": [_("Unknown measure.")]})
    suggested, basis = target_suggestion(measure, year)
    fields = {"value": value, "suggested": suggested, "basis": basis, "note": note,
              "status": TargetStatus.PROPOSED, "approved_by": None, "approved_at": None}
    with transaction.atomic():
        existing = (
            AnalysisTarget.objects.select_for_update()
            .filter(measure=measure, year=year, archived_at__isnull=True).first()
        )
        if existing is None:
            return record_create(AnalysisTarget, actor=actor,
                                 fields={"measure": measure, "year": year, **fields})
        return record_update(existing, actor=actor, fields=fields,
                             expected_version=expected_version)


def target_approve(*, actor: Actor, target: AnalysisTarget,
                   expected_version: int | None = None) -> AnalysisTarget:
    """The GM approves the target (001 §六: 指标应经公司经理批准)."""
    require(actor, "analysis.target_approve")
    if target.approved:
        raise ValidationError({"status": [_("The target is already approved.")]})
    return record_update(
        target, actor=actor, expected_version=expected_version,
        fields={"status": TargetStatus.APPROVED, "approved_by": actor if getattr(
            actor, "pk", None) else None, "approved_at": timezone.now()},
    )


# --- problems -------------------------------------------------------------------------------


def problem_raise(*, key: str, fields: dict[str, Any]) -> tuple[Problem, bool]:
    """Create the problem of a signal once: a second scan of the same signal finds it (the
    unique key also holds when two scans run at the same time). Returns (problem, created)."""
    existing = Problem.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            problem = record_create(Problem, actor=None, fields={"key": key, **fields},
                                    note="signal scan")
    except IntegrityError:
        return Problem.objects.get(key=key), False
    return problem, True


PROBLEM_MOVES: dict[str, set[str]] = {
    ProblemStatus.OPEN: {ProblemStatus.DISMISSED, ProblemStatus.IN_CAPA},
    ProblemStatus.DISMISSED: {ProblemStatus.OPEN},
    ProblemStatus.IN_CAPA: set(),
}


def problem_set_status(*, actor: Actor, problem: Problem, status: str, note: str = "",
                       capa_reference: str = "", expected_version: int | None = None
                       ) -> Problem:
    """Quality dismisses a problem (with a reason), reopens it, or records that it was taken
    into corrective / preventive action (the CAPA module will do this through its hook)."""
    require(actor, "problem.manage", problem)
    if status not in PROBLEM_MOVES.get(problem.status, set()):
        raise ValidationError({"status": [_("This change of status is not allowed.")]})
    if status == ProblemStatus.DISMISSED and not note.strip():
        raise ValidationError({"note": [_("Say why no action is needed.")]})
    fields: dict[str, Any] = {"status": status}
    if note.strip():
        fields["note"] = note.strip()
    if capa_reference:
        fields["capa_reference"] = capa_reference
    return record_update(problem, actor=actor, fields=fields, expected_version=expected_version)


def signals_scan(*, actor: Actor = None) -> list[Problem]:
    """Scan every watched measure and raise a problem for each new signal (idempotent)."""
    require(actor, "problem.manage")
    from .signals import scan

    created = []
    for key, fields in scan():
        problem, new = problem_raise(key=key, fields=fields)
        if new:
            created.append(problem)
    return created
