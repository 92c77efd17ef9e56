"""Thin views: parse → one service/selector → render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.models import Department, DepartmentKind
from manyi.accounts.permissions import can, require, scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.attachments import attachments_of
from manyi.common.calendar import calendar_warnings, local_tz
from manyi.common.inputs import parse_id, parse_int
from manyi.common.models import Message
from manyi.common.pages import apply_validation_errors, form_errors, query_without_page
from manyi.common.spreadsheets import spreadsheet_export, xlsx_response
from manyi.customers.models import Contact, Customer

from . import selectors, services, workflow
from .config import complaint_config
from .exports import summary_xlsx
from .filters import ComplaintFilter, day_start, period_bounds
from .forms import (
    AccountabilityForm,
    AcknowledgeForm,
    AttachmentForm,
    ComplaintForm,
    LegalOpinionForm,
    ReassignForm,
    RectifiedForm,
    transition_form,
)
from .models import (
    Accountability,
    Channel,
    Complaint,
    ComplaintState,
    ContentCategory,
    Severity,
)
from .summary import complaint_summary
from .workflow import WORKFLOW

PAGE_SIZE = 25
CUSTOMER_OPTIONS = 100


def _complaint_or_404(request: HttpRequest, pk: int) -> Complaint:
    try:
        return selectors.complaint_get(user=request.user, pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc


def _customers_for_intake(user: Viewer) -> Any:
    qs = Customer.objects.filter(archived_at__isnull=True).select_related("branch_office")
    return scope_queryset(qs, user, "complaint.add").order_by("code")


# --- list -------------------------------------------------------------------------------------


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.view")
    filters = ComplaintFilter.from_params(request.GET)
    qs = selectors.complaint_list(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "states": ComplaintState.choices,
        "severities": Severity.choices,
        "channels": Channel.choices,
        "categories": ContentCategory.choices,
        "offices": Department.objects.filter(kind=DepartmentKind.BRANCH_OFFICE).order_by("code"),
        "can_add": can(request.user, "complaint.add"),
        "now": timezone.now(),
    }
    template = "complaints/complaint_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


# --- intake -----------------------------------------------------------------------------------


@login_required
def complaint_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.add")
    customers = _customers_for_intake(request.user)
    initial: dict[str, Any] = {}
    preset = request.GET.get("customer", "")
    if (preset_id := parse_id(preset)) is not None and customers.filter(pk=preset_id).exists():
        initial["customer"] = int(preset)
    form = ComplaintForm(request.POST or None, customers=customers, initial=initial)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            complaint = services.complaint_create(actor=request.user, data=form.model_data())
        if outcome.ok:
            if complaint.acknowledged_by == "email":
                messages.success(
                    request,
                    _("Complaint %(n)s recorded; the acknowledgement was e-mailed to %(to)s.")
                    % {"n": complaint.number, "to": complaint.contact_email},
                )
            else:
                messages.success(
                    request,
                    _("Complaint %(n)s recorded. There is no e-mail address: tell the customer "
                      "the number and record how.") % {"n": complaint.number},
                )
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {
            "form": form,
            "complaint": None,
            "customer_options": _customer_options(customers, form),
            "selected_customer": form._customer_id(),
        },
    )


def _customer_options(customers: Any, form: ComplaintForm, q: str = "") -> list[Customer]:
    qs = customers
    if q:
        from django.db.models import Q

        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    options = list(qs[:CUSTOMER_OPTIONS])
    selected = form._customer_id() if "customer" in form.fields else None
    if selected and all(c.pk != selected for c in options):
        chosen = customers.filter(pk=selected).first()
        if chosen is not None:
            options.insert(0, chosen)
    return options


@login_required
def customer_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the <option>s of the customer select for a search text."""
    require(request.user, "complaint.add")
    customers = _customers_for_intake(request.user)
    q = request.GET.get("customer_q", "").strip()[:50]
    options = _customer_options(customers, ComplaintForm(customers=customers), q)
    return render(
        request, "complaints/_customer_options.html", {"options": options, "selected": None}
    )


@login_required
def contact_options(request: HttpRequest) -> HttpResponse:
    """HTMX: the <option>s of the contact select for the chosen customer."""
    require(request.user, "complaint.add")
    value = request.GET.get("customer", "")
    contacts: Any = Contact.objects.none()
    if (customer_id := parse_id(value)) is not None:
        customer = _customers_for_intake(request.user).filter(pk=customer_id).first()
        if customer is not None:
            contacts = customer.contacts.filter(archived_at__isnull=True).order_by("name")
    return render(request, "complaints/_contact_options.html", {"contacts": contacts})


@login_required
def complaint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    WORKFLOW.check_work("edit", complaint, request.user, state=False)
    form = ComplaintForm(request.POST or None, instance=complaint, editing=True)
    status = 200
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.complaint_update(
                actor=request.user,
                complaint=complaint,
                data=form.model_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        status = outcome.status()
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request,
        "complaints/complaint_form.html",
        {"form": form, "complaint": complaint, "customer_options": []},
        status=status,
    )


# --- detail and steps ---------------------------------------------------------------------


def _detail_context(
    request: HttpRequest, complaint: Complaint, bound: dict[str, Any] | None = None
) -> dict[str, Any]:
    user = request.user
    bound = bound or {}
    steps = []
    for option in WORKFLOW.offers(complaint, user):
        name = option.transition.name
        form = bound.get(name) or transition_form(name, complaint, prefix=name)
        steps.append({"t": option.transition, "form": form, "blocked": option.blocked})
    side = WORKFLOW.work_allowed(complaint, user)
    warnings: tuple[str, ...] = ()
    if complaint.due_at is not None:
        warnings = calendar_warnings(
            timezone.localtime(complaint.received_at, local_tz()).date(),
            timezone.localtime(complaint.due_at, local_tz()).date(),
        )
    can_audit = can(user, "audit.view", complaint)
    return {
        "complaint": complaint,
        "c": complaint,
        "steps": steps,
        "next_all": WORKFLOW.next_transitions(complaint),
        "step_label": workflow.STEP_LABELS.get(complaint.state),
        "proposals": selectors.proposals_of(complaint),
        "meetings": selectors.meetings_of(complaint),
        "accountabilities": selectors.accountabilities_of(complaint),
        "attachments": attachments_of(complaint),
        "repeats": complaint.repeats.all().order_by("received_at"),
        "history": selectors.complaint_history(complaint) if can_audit else None,
        "reminders": Message.objects.filter(key__startswith=f"complaint:{complaint.pk}:")
        .select_related("recipient")
        .order_by("-created_at")[:50]
        if can_audit
        else None,
        "side": side,
        "ack_form": bound.get("acknowledge") or AcknowledgeForm(prefix="ack"),
        "legal_form": bound.get("legal_opinion") or LegalOpinionForm(prefix="legal"),
        "attach_form": bound.get("attach") or AttachmentForm(prefix="att"),
        "reassign_form": bound.get("reassign") or (
            ReassignForm(prefix="hand", candidates=services.reassign_candidates(complaint))
            if "reassign" in side else None),
        "rectified_form": RectifiedForm(prefix="rect"),
        "calendar_warnings": warnings,
        "error": bound.get("error"),
        "now": timezone.now(),
    }


@login_required
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_transition(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    if name not in WORKFLOW.by_name:
        raise Http404
    form = transition_form(name, complaint, data=request.POST, prefix=name)
    version = request.POST.get("version", "")
    status = 200
    if form.is_valid():
        with form_errors(form) as outcome:
            try:
                services.complaint_transition(
                    actor=request.user,
                    complaint=complaint,
                    name=name,
                    data=form.cleaned_data,
                    expected_version=parse_int(version),
                )
            except workflow.TransitionNotAllowed as exc:  # not a form error: back to the page
                messages.error(request, " ".join(exc.messages))
                return redirect("complaints:detail", pk=complaint.pk)
        status = outcome.status()
        if outcome.ok:
            label = WORKFLOW.by_name[name].label
            messages.success(request, _("Done: %(step)s.") % {"step": label})
            return redirect("complaints:detail", pk=complaint.pk)
    else:
        # Say so when the step is not possible at all, rather than showing field errors.
        try:
            WORKFLOW.check(name, complaint, request.user, guard=False)
        except workflow.TransitionNotAllowed as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("complaints:detail", pk=complaint.pk)
    complaint = _complaint_or_404(request, pk)
    context = _detail_context(request, complaint, bound={name: form})
    context["open_step"] = name
    return render(request, "complaints/complaint_detail.html", context, status=status)


def _side(
    request: HttpRequest, pk: int, run: Any, form_class: Any = None, prefix: str = "",
    key: str = "",
) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    form = None
    if form_class is not None:
        form = form_class(request.POST, request.FILES, prefix=prefix)
        if not form.is_valid():
            context = _detail_context(request, complaint, bound={key: form})
            return render(request, "complaints/complaint_detail.html", context)
    try:
        message = run(complaint, form.cleaned_data if form is not None else {})
    except ValidationError as exc:
        if form is not None and hasattr(exc, "error_dict"):
            apply_validation_errors(form, exc)
            context = _detail_context(request, complaint, bound={key: form})
            return render(request, "complaints/complaint_detail.html", context)
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, message)
    return redirect("complaints:detail", pk=complaint.pk)


@login_required
@require_POST
def complaint_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    def run(c: Complaint, data: dict[str, Any]) -> str:
        services.complaint_acknowledge(actor=request.user, complaint=c, method=data["method"])
        return _("Acknowledgement recorded.")

    return _side(request, pk, run, AcknowledgeForm, "ack", "acknowledge")


@login_required
@require_POST
def complaint_flag_legal(request: HttpRequest, pk: int) -> HttpResponse:
    def run(c: Complaint, data: dict[str, Any]) -> str:
        services.complaint_flag_legal(actor=request.user, complaint=c)
        return _("Sent to legal.")

    return _side(request, pk, run)


@login_required
@require_POST
def complaint_legal_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    def run(c: Complaint, data: dict[str, Any]) -> str:
        services.complaint_legal_opinion(actor=request.user, complaint=c, opinion=data["opinion"])
        return _("Legal opinion recorded.")

    return _side(request, pk, run, LegalOpinionForm, "legal", "legal_opinion")


@login_required
@require_POST
def complaint_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    WORKFLOW.check_work("reassign", complaint, request.user, state=False)
    form = ReassignForm(request.POST, prefix="hand",
                        candidates=services.reassign_candidates(complaint))
    version = request.POST.get("version", "")
    status = 200
    if form.is_valid():
        with form_errors(form) as outcome:
            complaint = services.complaint_reassign(
                actor=request.user, complaint=complaint, owner=form.cleaned_data["owner"],
                note=form.cleaned_data["note"],
                expected_version=parse_int(version),
            )
        status = outcome.status(422)
        if outcome.ok:
            messages.success(request, _("Handed over to %(user)s.") % {
                "user": complaint.owner})
            return redirect("complaints:detail", pk=complaint.pk)
    else:
        status = 422
    complaint = _complaint_or_404(request, pk)
    context = _detail_context(request, complaint, bound={"reassign": form})
    return render(request, "complaints/complaint_detail.html", context, status=status)


@login_required
@require_POST
def complaint_attach(request: HttpRequest, pk: int) -> HttpResponse:
    def run(c: Complaint, data: dict[str, Any]) -> str:
        services.complaint_attach(
            actor=request.user, complaint=c, upload=data["file"], note=data.get("note") or ""
        )
        return _("File attached.")

    return _side(request, pk, run, AttachmentForm, "att", "attach")


@login_required
def accountability_create(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint_or_404(request, pk)
    WORKFLOW.check_work("accountability", complaint, request.user)
    form = AccountabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.accountability_create(
                actor=request.user, complaint=complaint, data=form.cleaned_data
            )
        if outcome.ok:
            messages.success(request, _("Accountability recorded."))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(
        request, "complaints/accountability_form.html", {"form": form, "complaint": complaint}
    )


@login_required
@require_POST
def accountability_rectified(request: HttpRequest, pk: int) -> HttpResponse:
    record = Accountability.objects.select_related("complaint").filter(pk=pk).first()
    if record is None:
        raise Http404
    complaint = _complaint_or_404(request, record.complaint_id)
    form = RectifiedForm(request.POST, prefix="rect")
    if not form.is_valid():
        messages.error(request, _("Enter the date of the rectification."))
    else:
        try:
            services.accountability_rectified(
                actor=request.user, record=record, rectified_on=form.cleaned_data["rectified_on"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rectification recorded."))
    return redirect("complaints:detail", pk=complaint.pk)


# --- dashboard and summary -----------------------------------------------------------------


def _period(request: HttpRequest, now: dt.datetime) -> tuple[str, dt.datetime, dt.datetime]:
    period = request.GET.get("period", "").strip()
    bounds = period_bounds(period) if period else None
    if bounds:
        return period, day_start(bounds[0]), day_start(bounds[1])
    today = timezone.localdate(now, local_tz())  # default: the last 365 days, today included
    return "", day_start(today - dt.timedelta(days=364)), day_start(today + dt.timedelta(days=1))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.view")
    now = timezone.now()
    period, start, end = _period(request, now)
    qs = selectors.complaints_visible(request.user)
    kpis = selectors.complaint_kpis(qs, start=start, end=end, now=now)
    year = timezone.localdate(now, local_tz()).year
    summary = complaint_summary(qs, year=year, with_rows=False)
    peak = max([m.count for m in summary.months] + [1])
    return render(
        request,
        "complaints/dashboard.html",
        {
            "kpis": kpis,
            "period": period,
            "start": start,
            "end_day": (end - dt.timedelta(days=1)),
            "overdue": selectors.overdue_complaints(request.user, now),
            "mine": selectors.my_open_complaints(request.user),
            "state_counts": [
                (value, label, n)
                for (value, label), n in zip(
                    ComplaintState.choices,
                    selectors.state_counts(qs).values(),
                    strict=True,
                )
            ],
            "summary": summary,
            "peak": peak,
            "config": complaint_config(),
            "can_add": can(request.user, "complaint.add"),
        },
    )


def _summary_args(request: HttpRequest) -> tuple[int, int | None]:
    today = timezone.localdate()
    year_s = request.GET.get("year", "")
    month_s = request.GET.get("month", "")
    year = parse_int(year_s, today.year, lo=1990, hi=2200) or today.year
    month = parse_int(month_s, None, lo=1, hi=12)
    return year, month


@login_required
def summary_page(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.view")
    year, month = _summary_args(request)
    qs = selectors.complaints_visible(request.user)
    summary = complaint_summary(qs, year=year, month=month)
    peak = max([m.count for m in summary.months] + [1])
    return render(
        request,
        "complaints/summary.html",
        {
            "s": summary,
            "peak": peak,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "month_numbers": list(range(1, 13)),
            "query": request.GET.urlencode(),
        },
    )


@login_required
def casebook(request: HttpRequest) -> HttpResponse:
    """002: at the end of each year the handled complaints become training material."""
    require(request.user, "complaint.view")
    year, _month = _summary_args(request)
    today = timezone.localdate()
    return render(
        request,
        "complaints/casebook.html",
        {
            "year": year,
            "cases": selectors.casebook(user=request.user, year=year),
            "years": list(range(today.year, today.year - 6, -1)),
        },
    )


@login_required
@spreadsheet_export
def summary_export(request: HttpRequest) -> HttpResponse:
    require(request.user, "complaint.view")
    year, month = _summary_args(request)
    lang = "en" if request.GET.get("lang") == "en" else "zh"
    summary = complaint_summary(selectors.complaints_visible(request.user), year=year, month=month)
    data = summary_xlsx(summary, lang)
    name = f"complaints-summary-{year}" + (f"-{month:02d}" if month else "") + ".xlsx"
    return xlsx_response(data, name)
