"""Campaign pages: list, plan (form), detail with deadlines and live tracking, target list
preview → build → approval per BU, send, close, re-send, respondents, chase report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import can, record_scope, require
from manyi.common.inputs import parse_id, parse_ids, parse_int
from manyi.common.pages import FormOutcome, form_errors
from manyi.customers.models import Contact, Customer

from . import selectors, services
from .forms import CampaignForm
from .models import (
    Campaign,
    CampaignStatus,
    Channel,
    InvitationStatus,
    TargetApproval,
)
from .views_common import error_text
from .workflow import in_step, may_decide, page_actions


def _campaign(request: HttpRequest, pk: int) -> Campaign:
    try:
        return selectors.campaign_get(user=request.user, pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def campaign_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "survey.view")
    status = request.GET.get("status", "")
    year = request.GET.get("year", "")
    qs = selectors.campaign_list(user=request.user, status=status,
                                 year=parse_int(year, None, lo=1, hi=9999))
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    totals = selectors.totals_many(page, scope=record_scope(request.user, "survey.view"))
    rows = [(c, totals[c.pk]) for c in page]
    return render(request, "surveys/campaign_list.html", {
        "page": page, "rows": rows, "status": status, "year": year,
        "statuses": CampaignStatus.choices,
        "can_plan": can(request.user, "survey.plan"),
        "delegated": selectors.delegated_summary(user=request.user),
    })


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "survey.plan")
    selectors.template_list()  # built-ins exist before the form offers them
    form = CampaignForm(request.POST or None, initial={"owner": request.user.pk,
                                                       "kind": "quarterly"})
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            campaign = services.campaign_create(actor=request.user, data=form.model_data())
        if outcome.ok:
            messages.success(request, _("Campaign %(n)s planned.") % {"n": campaign.number})
            return redirect("surveys:campaign", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": None},
                  status=422 if form.errors else 200)


@login_required
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, "survey.plan")
    form = CampaignForm(request.POST or None, instance=campaign)
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.campaign_update(actor=request.user, campaign=campaign,
                                     data=form.model_data(),
                                     expected_version=form.cleaned_data.get("version"))
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("surveys:campaign", pk=campaign.pk)
    return render(request, "surveys/campaign_form.html", {"form": form, "campaign": campaign},
                  status=outcome.status(invalid=422 if form.errors else 200))


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    by = request.GET.get("by", "business_unit")
    if by not in selectors.TRACKING_BY:
        by = "business_unit"
    scope = record_scope(request.user, "survey.view")
    approvals = selectors.approvals(campaign, scope=scope)
    targets, respondents = selectors.target_counts(campaign, scope=scope)
    return render(request, "surveys/campaign_detail.html", {
        "campaign": campaign,
        "deadlines": services.deadline_rows(campaign),
        "totals": selectors.totals(campaign, scope=scope),
        "tracking": selectors.tracking(campaign, by, scope=scope),
        "by": by,
        "approvals": [(a, may_decide(a, request.user)) for a in approvals],
        "validity": selectors.validity(campaign, scope=scope),
        "targets": targets,
        "respondents": respondents,
        "can_plan": can(request.user, "survey.plan"),
        "actions": page_actions(campaign, request.user),
        "can_export": can(request.user, "survey.export"),
        "history": campaign_history(campaign),
    })


def campaign_history(campaign: Campaign) -> Any:
    from manyi.audit.services import history_for

    return history_for(campaign)[:30]


@login_required
def targets(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: preview the list the rules give; POST build: store it; POST submit: to approval."""
    campaign = _campaign(request, pk)
    require(request.user, "survey.plan")
    if request.method == "POST":
        include = parse_ids(request.POST.getlist("include"))
        exclude = parse_ids(request.POST.getlist("exclude"))
        code = request.POST.get("add_code", "").strip()
        if code:
            customer = Customer.objects.filter(code=code).first()
            if customer is None:
                messages.error(request, _("No customer with code %(c)s.") % {"c": code})
                return redirect("surveys:targets", pk=campaign.pk)
            include.append(customer.pk)
        try:
            if request.POST.get("action") == "submit":
                services.campaign_submit_targets(actor=request.user, campaign=campaign)
                messages.success(request, _("Sent to the BU heads for approval."))
                return redirect("surveys:campaign", pk=campaign.pk)
            selection = services.targets_build(actor=request.user, campaign=campaign,
                                               include=include, exclude=exclude)
            messages.success(request, _("Target list built: %(n)s customers.")
                             % {"n": len(selection.selected)})
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        return redirect("surveys:targets", pk=campaign.pk)
    selection, plan = services.targets_preview(campaign)
    customers = Customer.objects.in_bulk(selection.ids)
    stored = set(campaign.targets.values_list("customer_id", flat=True))
    from manyi.accounts.models import Department

    units = Department.objects.in_bulk([c.business_unit for c in selection.coverage])
    contacts_per = {}
    for cid, _direct in plan.chosen:
        contacts_per[cid] = _direct
    return render(request, "surveys/targets.html", {
        "campaign": campaign,
        "rows": [(customers[cid], [reason_label(r) for r in reasons], cid in stored)
                 for cid, reasons in selection.selected],
        "coverage": [(units.get(c.business_unit), c) for c in selection.coverage],
        "warnings": selection.warnings,
        "plan": plan,
        "missing": [(customers[cid], fns) for cid, fns in plan.missing_functions.items()
                    if cid in customers],
        "stored_coverage": services.coverage_by_bu(campaign),
        "stored": campaign.targets.select_related("customer", "business_unit")
        .order_by("business_unit__code", "-revenue"),
        "invitations": campaign.invitations.select_related("customer", "delegated_office"),
        "planning": in_step("build_targets", campaign),
    })


def reason_label(code: str) -> str:
    if code.startswith("top"):
        n, _sep, line = code[3:].partition(":line")
        from manyi.customers.models import ProductLine

        name = ProductLine.objects.filter(pk=int(line)).values_list("name", flat=True).first()
        return _("top %(n)s of %(line)s") % {"n": n, "line": name or line}
    labels = {"key-account": _("key account"), "manual": _("added by hand"),
              "coverage": _("revenue coverage")}
    return str(labels.get(code, code))


@login_required
@require_POST
def approve(request: HttpRequest, pk: int, approval: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    item = get_object_or_404(TargetApproval, pk=approval, campaign=campaign)
    try:
        services.campaign_decide_targets(actor=request.user, approval=item,
                               approve=request.POST.get("decision") == "approve",
                               comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except PermissionDenied:
        raise Http404 from None
    else:
        messages.success(request, _("Decision recorded."))
    return redirect("surveys:campaign", pk=campaign.pk)


ACTIONS = {
    "send": (services.campaign_launch, _("Invitations sent.")),
    "close": (services.campaign_close, _("Campaign closed.")),
    "resend": (services.campaign_resend, _("Sent again to everyone who has not answered.")),
}


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    campaign = _campaign(request, pk)
    try:
        if action == "verify":
            drawn = services.verification_draw(actor=request.user, campaign=campaign)
            messages.success(request, _("%(n)s forms drawn for a call-back.") % {"n": len(drawn)})
        elif action in ACTIONS:
            fn, text = ACTIONS[action]
            fn(actor=request.user, campaign=campaign)
            messages.success(request, str(text))
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("surveys:campaign", pk=campaign.pk)


@login_required
def respondent_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    qs = selectors.invitations(user=request.user, campaign=campaign)
    if request.GET.get("delegated") == "1":
        qs = qs.filter(channel=Channel.DELEGATED)
    status = request.GET.get("status", "")
    if status:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("customer__code", "name", "id"), 50).get_page(
        request.GET.get("page"))
    return render(request, "surveys/respondents.html", {
        "campaign": campaign, "page": page, "statuses": InvitationStatus.choices,
        "status": status, "delegated": request.GET.get("delegated") == "1",
        "can_fill": can(request.user, "survey.fill"),
        "query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page"),
    })


@login_required
def respondent_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, "survey.plan")
    error = ""
    if request.method == "POST":
        customer = Customer.objects.filter(code=request.POST.get("customer", "").strip()).first()
        contact_pk = parse_id(request.POST.get("contact"))
        contact = Contact.objects.filter(pk=contact_pk).first() if contact_pk else None
        if customer is None:
            error = _("No customer with this code.")
        else:
            try:
                inv = services.respondent_add(
                    actor=request.user, campaign=campaign, customer=customer, contact=contact,
                    name=request.POST.get("name", ""), channel=request.POST.get("channel", ""),
                )
            except ValidationError as exc:
                error = error_text(exc)
            else:
                messages.success(request, _("Respondent %(n)s added.") % {"n": inv.name})
                return redirect("surveys:respondents", pk=campaign.pk)
    return render(request, "surveys/respondent_add.html", {
        "campaign": campaign, "error": error, "channels": Channel.choices,
    }, status=422 if error else 200)


@login_required
def chase_report(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    silent = selectors.invitations(user=request.user, campaign=campaign).filter(
        completed_at__isnull=True, sent_at__isnull=False
    ).order_by("business_unit__code", "customer__code")
    return render(request, "surveys/chase.html", {
        "campaign": campaign,
        "rows": services.chase_report_rows(
            campaign, scope=record_scope(request.user, "survey.view")),
        "silent": silent[:500],
    })

