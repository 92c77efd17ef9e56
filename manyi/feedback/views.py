"""Thin views of the register book (顾客意见登记簿) and praise notices (通报表扬)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from manyi.accounts.models import Department
from manyi.accounts.permissions import can, require, scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.attachments import attachment_add, attachments_of
from manyi.common.inputs import parse_id
from manyi.common.pages import FormOutcome, form_errors, paginate, query_without_page
from manyi.customers.models import Contact, Customer

from . import handover, selectors, services
from .filters import FeedbackFilter, PraiseFilter
from .forms import (
    AnswerForm,
    AssignForm,
    AttachmentForm,
    FeedbackEditForm,
    FeedbackEntryForm,
    PraiseNoticeForm,
    ReferenceForm,
)
from .models import (
    FeedbackChannel,
    FeedbackEntry,
    FeedbackKind,
    FeedbackStatus,
    PraiseAspect,
    PraiseNotice,
)
from .workflow import page_actions


def _entry_or_404(request: HttpRequest, pk: int) -> FeedbackEntry:
    try:
        return selectors.entry_get(user=request.user, pk=pk)
    except FeedbackEntry.DoesNotExist as exc:
        raise Http404 from exc


def _customers_for(user: Viewer, action: str) -> QuerySet[Customer]:
    qs = scope_queryset(Customer.objects.filter(archived_at__isnull=True), user, action)
    return qs.order_by("code")


# --- register book ---------------------------------------------------------------------------


@login_required
def entry_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "feedback.view")
    filters = FeedbackFilter.from_params(request.GET)
    page = paginate(request, selectors.entry_list(user=request.user, filters=filters))
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "figures": selectors.register_figures(user=request.user),
        "kinds": FeedbackKind.choices,
        "channels": FeedbackChannel.choices,
        "statuses": FeedbackStatus.choices,
        "departments": Department.objects.filter(active=True).order_by("kind", "code"),
        "can_add": can(request.user, "feedback.add"),
    }
    template = "feedback/entry_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@login_required
def entry_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "feedback.add")
    initial = {k: request.GET[k] for k in ("customer", "kind", "channel") if k in request.GET}
    form = FeedbackEntryForm(
        request.POST or None,
        initial=initial,
        customers=_customers_for(request.user, "feedback.add"),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            entry = services.feedback_create(actor=request.user, data=form.service_data())
        if outcome.ok:
            messages.success(request, _("Entry %(n)s recorded.") % {"n": entry.number})
            return redirect("feedback:detail", pk=entry.pk)
    return render(request, "feedback/entry_form.html", {"form": form, "entry": None})


@login_required
def entry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    if not (can(request.user, "feedback.manage", entry) or (
        request.user.pk == entry.recorded_by_id and can(request.user, "feedback.add", entry)
    )):
        require(request.user, "feedback.manage", entry)
    form = FeedbackEditForm(
        request.POST or None,
        instance=entry,
        customers=_customers_for(request.user, "feedback.add"),
    )
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.feedback_update(
                actor=request.user,
                entry=entry,
                data=form.model_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("feedback:detail", pk=entry.pk)
    return render(
        request, "feedback/entry_form.html", {"form": form, "entry": entry}, status=outcome.status()
    )


def _detail(request: HttpRequest, entry: FeedbackEntry, status: int = 200,
            **forms: Any) -> HttpResponse:
    user = request.user
    actions = page_actions(entry, user)
    can_manage = can(user, "feedback.manage", entry)
    version = {"version": entry.version}
    context = {
        "entry": entry,
        "answer_form": forms.get("answer_form")
        or (AnswerForm(initial=version) if actions.get("answer") else None),
        "assign_form": forms.get("assign_form")
        or (
            AssignForm(
                initial={
                    **version,
                    "assigned_department": entry.assigned_department_id,
                    "assigned_to": entry.assigned_to_id,
                }
            )
            if actions["assign"]
            else None
        ),
        "reference_form": forms.get("reference_form")
        or (
            ReferenceForm(initial={**version, "handed_over_to": entry.handed_over_to})
            if actions["set_reference"]
            else None
        ),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "attachments": attachments_of(entry),
        "praise_notices": entry.praise_notices.filter(archived_at__isnull=True).select_related(
            "department", "person"
        ),
        "handover_url": handover.target_url(entry),
        "handover_offers": handover.offers(entry, user),
        "can_edit": can_manage
        or (user.pk == entry.recorded_by_id and can(user, "feedback.add", entry)),
        "can_manage": can_manage,
        "can_attach": can(user, "feedback.add", entry) or can_manage,
        "can_praise": can(user, "praise.issue"),
        "history": selectors.entry_history(entry=entry)
        if can(user, "audit.view", entry)
        else None,
    }
    return render(request, "feedback/entry_detail.html", context, status=status)


@login_required
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _entry_or_404(request, pk))


@login_required
@require_POST
def entry_answer(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    require(request.user, "feedback.answer", entry)
    form = AnswerForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.feedback_answer(
                actor=request.user,
                entry=entry,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Answer recorded."))
            return redirect("feedback:detail", pk=entry.pk)
    return _detail(request, entry, status=outcome.status(), answer_form=form)


@login_required
@require_POST
def entry_assign(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    require(request.user, "feedback.manage", entry)
    form = AssignForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.feedback_assign(
                actor=request.user,
                entry=entry,
                department=form.cleaned_data["assigned_department"],
                person=form.cleaned_data["assigned_to"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Assigned."))
            return redirect("feedback:detail", pk=entry.pk)
    return _detail(request, entry, status=outcome.status(), assign_form=form)


@login_required
@require_POST
def entry_reference(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    require(request.user, "feedback.manage", entry)
    form = ReferenceForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.feedback_set_reference(
                actor=request.user,
                entry=entry,
                reference=form.cleaned_data["handed_over_to"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("feedback:detail", pk=entry.pk)
    return _detail(request, entry, status=outcome.status(), reference_form=form)


@login_required
@require_POST
def entry_hand_over(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the case (complaint, claim) of a handed-over entry that has none yet."""
    entry = _entry_or_404(request, pk)
    try:
        link = handover.feedback_hand_over(actor=request.user, entry=entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("feedback:detail", pk=entry.pk)
    messages.success(request, _("%(number)s opened.") % {"number": link.number})
    return redirect(link.url or reverse("feedback:detail", args=[entry.pk]))


@login_required
@require_POST
def entry_archive(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    try:
        services.feedback_archive(
            actor=request.user, entry=entry, reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Entry archived. It stays searchable."))
    return redirect("feedback:detail", pk=entry.pk)


@login_required
@require_POST
def entry_attach(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry_or_404(request, pk)
    if not (can(request.user, "feedback.add", entry) or can(request.user, "feedback.manage",
                                                             entry)):
        require(request.user, "feedback.manage", entry)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with form_errors(form) as outcome:
            attachment_add(
                actor=request.user,
                obj=entry,
                upload=form.cleaned_data["file"],
                note=form.cleaned_data["note"],
            )
        if outcome.ok:
            messages.success(request, _("File attached."))
            return redirect("feedback:detail", pk=entry.pk)
    return _detail(request, entry, attachment_form=form)


@login_required
@require_GET
def contact_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the chosen customer's contacts (HTMX, the entry form)."""
    raw = request.GET.get("customer", "")
    contacts: Any = Contact.objects.none()
    if (customer_id := parse_id(raw)) is not None:
        customers = scope_queryset(Customer.objects.all(), request.user, "customer.view")
        contacts = Contact.objects.filter(
            customer__in=customers.filter(pk=customer_id), archived_at__isnull=True
        ).order_by("name")
    options = format_html_join(
        "", '<option value="{}">{}</option>', ((c.pk, c.name) for c in contacts)
    )
    return HttpResponse('<option value="">---------</option>' + options)


# --- praise notices --------------------------------------------------------------------------


@login_required
def praise_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "feedback.view")
    filters = PraiseFilter.from_params(request.GET)
    page = paginate(request, selectors.praise_list(user=request.user, filters=filters))
    return render(
        request,
        "feedback/praise_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query_without_page(request),
            "aspects": PraiseAspect.choices,
            "departments": Department.objects.filter(active=True).order_by("kind", "code"),
            "can_issue": can(request.user, "praise.issue"),
        },
    )


@login_required
def praise_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "praise.issue")
    entry = None
    raw = request.POST.get("entry") or request.GET.get("entry") or ""
    if (entry_id := parse_id(raw)) is not None:
        entry = _entry_or_404(request, entry_id)
    initial: dict[str, Any] = {}
    if entry is not None:
        initial = {"entry": entry.pk, "customer": entry.customer_id, "text": entry.text}
    form = PraiseNoticeForm(
        request.POST or None,
        initial=initial,
        customers=_customers_for(request.user, "customer.view"),
        entries=selectors.entry_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            notice = services.praise_notice_issue(actor=request.user, data=form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Praise notice %(n)s issued.") % {"n": notice.number})
            return redirect("feedback:praise_detail", pk=notice.pk)
    return render(request, "feedback/praise_form.html", {"form": form, "entry": entry})


@login_required
def praise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        notice = selectors.praise_get(user=request.user, pk=pk)
    except PraiseNotice.DoesNotExist as exc:
        raise Http404 from exc
    from manyi.audit.services import history_for

    return render(
        request,
        "feedback/praise_detail.html",
        {
            "notice": notice,
            "history": history_for(notice)[:100]
            if can(request.user, "audit.view", notice)
            else None,
        },
    )
