"""Thin views: parse → one service/selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import can, require
from manyi.common.attachments import attachments_of
from manyi.common.inputs import parse_int
from manyi.common.pages import form_errors, paginate, query_without_page
from manyi.common.services import StaleRecordError
from manyi.common.spreadsheets import spreadsheet_export, xlsx_response

from . import selectors, services
from .export import quality_cost_workbook
from .filters import ClaimFilter, Period
from .forms import (
    AttachmentForm,
    ClaimForm,
    RecourseForm,
    RoundAnswerForm,
    RoundForm,
    customers_for,
    line_formset,
    transition_form,
)
from .models import Claim, NegotiationRound
from .states import ClaimState, Liability
from .workflow import WORKFLOW


def _claim_or_404(request: HttpRequest, pk: int) -> Claim:
    try:
        return selectors.claim_get(user=request.user, pk=pk)
    except Claim.DoesNotExist as exc:
        raise Http404 from exc




@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "claim.view")
    filters = ClaimFilter.from_params(request.GET)
    qs = selectors.claim_list(user=request.user, filters=filters)
    page = paginate(request, qs)
    customer = None
    if filters.customer is not None:
        from manyi.customers.models import Customer

        customer = Customer.objects.filter(pk=filters.customer).first()
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "states": ClaimState.choices,
        "liabilities": Liability.choices,
        "filter_customer": customer,
        "now": timezone.now(),
        "can_add": can(request.user, "claim.add"),
        "can_costs": can(request.user, "quality_cost.view"),
    }
    template = "claims/claim_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@login_required
def claim_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "claim.add")
    customers = customers_for(request.user)
    initial: dict[str, Any] = {"handler": request.user.pk, "customer": request.GET.get("customer")}
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        # the customer changed: redraw the fields (its contacts) keeping what was typed
        initial.update((k, v) for k, v in request.GET.items() if k != "csrfmiddlewaretoken")
    form = ClaimForm(request.POST or None, customers=customers, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            claim = services.claim_create(actor=request.user, data=form.model_data())
        if outcome.ok:
            messages.success(
                request,
                _("Claim %(n)s registered. Attach the documents and receipts.") % {"n": claim},
            )
            return redirect("claims:detail", pk=claim.pk)
    template = "claims/claim_form.html"
    if request.htmx and request.method == "GET":  # type: ignore[attr-defined]
        template += "#form-fields"
    return render(request, template, {"form": form, "claim": None})


@login_required
def claim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    require(request.user, "claim.add", claim)
    form = ClaimForm(request.POST or None, instance=claim)
    status = 200
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.claim_update(
                actor=request.user,
                claim=claim,
                data=form.model_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        status = outcome.status()
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("claims:detail", pk=claim.pk)
    return render(request, "claims/claim_form.html", {"form": form, "claim": claim},
                  status=status)


def _detail(
    request: HttpRequest, claim: Claim, status: int = 200, **bound: Any
) -> HttpResponse:
    """The detail page; `bound` replaces an unbound form with the one that has errors."""
    user = request.user
    steps = WORKFLOW.available(claim, user)
    step_forms = [
        (tr, bound.get(f"step_{tr.name}") or transition_form(tr.name, claim=claim))
        for tr in steps
    ]
    recourse = selectors.claim_recourse(claim)
    work = {name: WORKFLOW.may_work(name, claim, user) for name in WORKFLOW.work}
    rounds = list(selectors.claim_rounds(claim))
    context = {
        "claim": claim,
        "now": timezone.now(),
        "step_forms": step_forms,
        "rounds": rounds,
        "pending_rounds": [r for r in rounds if r.answer == "pending"],
        "answer_form": RoundAnswerForm(),
        "panel": selectors.claim_panel(claim),
        "lines": selectors.claim_lines(claim),
        "recourse": recourse,
        "quality_cost": selectors.claim_quality_cost(claim),
        "steps": selectors.claim_steps(claim),
        "attachments": attachments_of(claim),
        "history": selectors.claim_history(claim) if can(user, "audit.view", claim) else None,
        "work": work,
        "can_attach": services.may_attach(user, claim),
        "round_form": bound.get("round_form") or (RoundForm() if work["round"] else None),
        "line_formset": bound.get("line_formset")
        or (line_formset(claim=claim) if work["calculate"] else None),
        "recourse_form": bound.get("recourse_form")
        or (RecourseForm(instance=recourse) if work["recourse"] and recourse else None),
        "attachment_form": bound.get("attachment_form") or AttachmentForm(),
        "calendar_warnings": _warnings(claim),
    }
    return render(request, "claims/claim_detail.html", context, status=status)


def _warnings(claim: Claim) -> tuple[str, ...]:
    from manyi.common.calendar import calendar_warnings

    if claim.step_due_at is None:
        return ()
    return calendar_warnings(claim.state_since.date(), claim.step_due_at.date())


@login_required
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _claim_or_404(request, pk))


@login_required
@require_POST
def claim_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    if name not in WORKFLOW.by_name:
        raise Http404
    form = transition_form(name, data=request.POST)
    status = 200
    if form.is_valid():
        with form_errors(form) as outcome:
            services.claim_perform(
                actor=request.user,
                claim=claim,
                name=name,
                data=form.service_kwargs(),
                expected_version=form.cleaned_data.get("version"),
            )
        status = outcome.status(422)
        if outcome.ok:
            messages.success(request, _("Done: %(step)s.") % {
                "step": WORKFLOW.transition(name).label})
            return redirect("claims:detail", pk=claim.pk)
    else:
        status = 422
    return _detail(request, claim, status=status, **{f"step_{name}": form})


@login_required
@require_POST
def claim_round(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = RoundForm(request.POST)
    if form.is_valid():
        with form_errors(form) as outcome:
            services.negotiation_round_add(actor=request.user, claim=claim, **form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Negotiation round recorded."))
            return redirect("claims:detail", pk=claim.pk)
    return _detail(request, claim, status=422, round_form=form)


@login_required
@require_POST
def round_answer(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        rnd = NegotiationRound.objects.select_related("claim").get(pk=pk)
    except NegotiationRound.DoesNotExist as exc:
        raise Http404 from exc
    claim = _claim_or_404(request, rnd.claim_id)
    form = RoundAnswerForm(request.POST)
    if form.is_valid():
        try:
            services.negotiation_round_answer(
                actor=request.user,
                round=rnd,
                answer=form.cleaned_data["answer"],
                answer_note=form.cleaned_data["answer_note"],
                expected_version=form.cleaned_data.get("version"),
            )
        except (ValidationError, StaleRecordError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("The customer's answer is recorded."))
    else:
        messages.error(request, _("Choose the customer's answer."))
    return redirect("claims:detail", pk=claim.pk)


class _FormsetErrors:
    """form_errors() for a formset: every error of the service goes on top of the formset."""

    fields: dict[str, Any] = {}  # no field of its own: apply_validation_errors puts all on top

    def __init__(self, formset: Any) -> None:
        self.formset = formset
        self.messages: list[str] = []

    def add_error(self, field: str | None, error: str | list[str]) -> None:
        self.messages.extend([error] if isinstance(error, str) else error)
        self.formset._non_form_errors = self.formset.error_class(self.messages)


@login_required
@require_POST
def claim_compensation(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    formset = line_formset(data=request.POST)
    status = 422
    if formset.is_valid():
        lines = [line for f in formset.forms if (line := f.line()) is not None]
        with form_errors(_FormsetErrors(formset)) as outcome:
            services.compensation_calculate(
                actor=request.user,
                claim=claim,
                lines=lines,
                expected_version=_int(request.POST.get("version")),
            )
        status = outcome.status(422)
        if outcome.ok:
            messages.success(request, _("Compensation calculated."))
            return redirect("claims:detail", pk=claim.pk)
    return _detail(request, claim, status=status, line_formset=formset)


@login_required
@require_POST
def claim_recourse(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    recourse = selectors.claim_recourse(claim)
    if recourse is None:
        raise Http404
    form = RecourseForm(request.POST, instance=recourse)
    status = 422
    if form.is_valid():
        with form_errors(form) as outcome:
            services.recourse_update(
                actor=request.user,
                claim=claim,
                data=form.model_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        status = outcome.status(422)
        if outcome.ok:
            messages.success(request, _("Recourse saved."))
            return redirect("claims:detail", pk=claim.pk)
    return _detail(request, claim, status=status, recourse_form=form)


@login_required
@require_POST
def claim_attach(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _claim_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with form_errors(form) as outcome:
            services.claim_attach(
                actor=request.user,
                claim=claim,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data.get("note") or "",
            )
        if outcome.ok:
            messages.success(request, _("Document attached."))
            return redirect("claims:detail", pk=claim.pk)
    return _detail(request, claim, status=422, attachment_form=form)


def _int(value: Any) -> int | None:
    return parse_int(value, None, lo=0)


@login_required
def quality_costs(request: HttpRequest) -> HttpResponse:
    require(request.user, "quality_cost.view")
    period = Period.from_params(request.GET)
    totals = selectors.quality_cost_totals(user=request.user, period=period)
    summary = selectors.claim_summary(user=request.user, period=period)
    return render(
        request,
        "claims/quality_costs.html",
        {"totals": totals, "summary": summary, "period": period,
         "query": request.GET.urlencode()},
    )


@login_required
@spreadsheet_export
def quality_costs_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "quality_cost.view")
    period = Period.from_params(request.GET)
    totals = selectors.quality_cost_totals(user=request.user, period=period)
    name = f"quality-cost-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.xlsx"
    return xlsx_response(quality_cost_workbook(totals), name)
