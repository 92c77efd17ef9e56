"""Reads of the analysis records: problems and targets."""

from __future__ import annotations

from django.db.models import QuerySet

from manyi.accounts.permissions import Scope, scope_for, scope_queryset
from manyi.accounts.types import Viewer

from ..models import AnalysisTarget, Problem


def problem_list(*, user: Viewer, status: str = "", source: str = "") -> QuerySet[Problem]:
    qs: QuerySet[Problem] = Problem.objects.select_related("campaign").filter(
        archived_at__isnull=True)
    if user is not None and scope_for(user, "problem.view") == Scope.NONE:
        return qs.none()
    qs = scope_queryset(qs, user, "problem.view") if user is not None else qs
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs


def problem_get(*, user: Viewer, pk: int) -> Problem:
    return problem_list(user=user).get(pk=pk)


def target_list(*, year: int | None = None) -> QuerySet[AnalysisTarget]:
    qs = AnalysisTarget.objects.filter(archived_at__isnull=True).select_related("approved_by")
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "measure")
