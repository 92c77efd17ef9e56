"""Thin views of customer property: ledger, lending slips, external documents, damage reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.models import Department
from manyi.accounts.permissions import can, require, scope_queryset
from manyi.accounts.types import Viewer
from manyi.common.attachments import attachment_add, attachments_of
from manyi.common.inputs import parse_id, parse_int
from manyi.common.pages import (
    ActionErrors,
    FormOutcome,
    form_errors,
    paginate,
    query_without_page,
)
from manyi.customers.models import Customer

from . import selectors, services
from .filters import DamageFilter, DocumentFilter, LoanFilter, PropertyFilter
from .forms import (
    AttachmentForm,
    DamageReportForm,
    DocumentForm,
    IssueForm,
    LoanForm,
    LoanReturnForm,
    PropertyForm,
    ReplyForm,
    ReturnToCustomerForm,
)
from .models import (
    CustomerProperty,
    DamageKind,
    DamageReport,
    DamageStatus,
    DocumentType,
    ExternalDocument,
    LoanSlip,
    PropertyKind,
    PropertyStatus,
)
from .workflow import DAMAGE_WORKFLOW, WORKFLOW, item_actions


def _get_or_404(getter: Any, model: Any, request: HttpRequest, pk: int) -> Any:
    try:
        return getter(user=request.user, pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def _item(request: HttpRequest, pk: int) -> CustomerProperty:
    item: CustomerProperty = _get_or_404(selectors.item_get, CustomerProperty, request, pk)
    return item


def _customers(user: Viewer, action: str) -> QuerySet[Customer]:
    return scope_queryset(
        Customer.objects.filter(archived_at__isnull=True), user, action
    ).order_by("code")


def _departments() -> Any:
    return Department.objects.filter(active=True).order_by("kind", "code")


def _form_page(request: HttpRequest, form: Any, title: str, cancel: str,
               status: int = 200, multipart: bool = False) -> HttpResponse:
    return render(
        request,
        "property/form.html",
        {"form": form, "title": title, "cancel": cancel, "multipart": multipart},
        status=status,
    )


# --- ledger ----------------------------------------------------------------------------------


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "property.view")
    filters = PropertyFilter.from_params(request.GET)
    page = paginate(request, selectors.item_list(user=request.user, filters=filters))
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "figures": selectors.ledger_figures(user=request.user),
        "kinds": PropertyKind.choices,
        "statuses": PropertyStatus.choices,
        "departments": _departments(),
        "can_add": can(request.user, "property.manage"),
        "overdue_item_ids": set(
            selectors.loan_list(user=request.user, filters=LoanFilter(overdue=True))
            .values_list("item_id", flat=True)
        ),
    }
    template = "property/item_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@login_required
def item_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "property.manage")
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    if (customer_id := parse_id(request.GET.get("customer"))) is not None:
        initial["customer"] = customer_id
    form = PropertyForm(request.POST or None, initial=initial,
                        customers=_customers(request.user, "property.manage"))
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            item = services.property_receive(actor=request.user, data=form.model_data())
        if outcome.ok:
            messages.success(request, _("%(n)s entered in the ledger.") % {"n": item.number})
            return redirect("property:detail", pk=item.pk)
    return _form_page(request, form, _("Receive customer property"), reverse("property:list"))


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request.user, "property.manage", item)
    form = PropertyForm(request.POST or None, instance=item,
                        customers=_customers(request.user, "property.view"))
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.property_update(actor=request.user, item=item, data=form.model_data(),
                                     expected_version=form.cleaned_data.get("version"))
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("property:detail", pk=item.pk)
    return _form_page(request, form, _("Edit %(n)s") % {"n": item.number},
                      reverse("property:detail", args=[item.pk]), status=outcome.status())


def _item_detail(request: HttpRequest, item: CustomerProperty, status: int = 200,
                 **forms: Any) -> HttpResponse:
    user = request.user
    can_manage = can(user, "property.manage", item) and item.archived_at is None
    actions = item_actions(item, user)
    version = {"version": item.version}
    context = {
        "item": item,
        "movements": selectors.item_movements(item=item),
        "loans": item.loans.select_related("borrower", "department").order_by("-lent_at"),
        "reports": item.damage_reports.order_by("-occurred_on"),
        "documents": item.documents.filter(archived_at__isnull=True),
        "attachments": attachments_of(item),
        "issue_form": forms.get("issue_form")
        or (IssueForm(initial=version) if actions["issue"] else None),
        "return_form": forms.get("return_form")
        or (
            ReturnToCustomerForm(initial={**version, "returned_on": timezone.localdate()})
            if actions.get("return_to_customer")
            else None
        ),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "can_manage": can_manage,
        "can_lend": bool(actions.get("lend")),
        "can_report": bool(actions.get("report_damage")),
        "can_attach": can_manage or can(user, "property.damage", item),
        "history": selectors.item_history(item=item) if can(user, "audit.view", item) else None,
    }
    return render(request, "property/item_detail.html", context, status=status)


@login_required
def item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _item_detail(request, _item(request, pk))


@login_required
@require_POST
def item_issue(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request.user, "property.manage", item)
    form = IssueForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.property_issue(
                actor=request.user, item=item, department=form.cleaned_data["department"],
                person=form.cleaned_data["person"], note=form.cleaned_data["note"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Movement recorded."))
            return redirect("property:detail", pk=item.pk)
    return _item_detail(request, item, status=outcome.status(), issue_form=form)


@login_required
@require_POST
def item_return(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request.user, "property.manage", item)
    form = ReturnToCustomerForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.property_return_to_customer(
                actor=request.user, item=item, returned_on=form.cleaned_data["returned_on"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Returned to the customer."))
            return redirect("property:detail", pk=item.pk)
    return _item_detail(request, item, status=outcome.status(), return_form=form)


@login_required
@require_POST
def item_attach(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    if not can(request.user, "property.damage", item):
        require(request.user, "property.manage", item)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with form_errors(form) as outcome:
            attachment_add(actor=request.user, obj=item, upload=form.cleaned_data["file"],
                           note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("File attached."))
            return redirect("property:detail", pk=item.pk)
    return _item_detail(request, item, attachment_form=form)


# --- lending slips ---------------------------------------------------------------------------


@login_required
def loan_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request.user, "property.manage", item)
    form = LoanForm(request.POST or None, initial={"quantity": item.quantity})
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            loan = services.loan_create(actor=request.user, item=item, data=form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Lending slip %(n)s recorded.") % {"n": loan.number})
            return redirect("property:loan_detail", pk=loan.pk)
    return _form_page(request, form, _("Lend %(n)s") % {"n": item},
                      reverse("property:detail", args=[item.pk]))


@login_required
def loan_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "property.view")
    filters = LoanFilter.from_params(request.GET)
    page = paginate(request, selectors.loan_list(user=request.user, filters=filters))
    return render(request, "property/loan_list.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "departments": _departments(),
    })


def _loan_detail(request: HttpRequest, loan: LoanSlip, status: int = 200,
                 form: Any = None) -> HttpResponse:
    user = request.user
    may_return = WORKFLOW.may("return", loan, user)
    from manyi.common.models import Message

    reminders = Message.objects.filter(
        key__in=[f"property.loan.borrower:{loan.pk}:u{loan.borrower_id}"]
    ).count() + Message.objects.filter(key__startswith=f"property.loan.manager:{loan.pk}:").count()
    return render(request, "property/loan_detail.html", {
        "loan": loan,
        "return_form": form or (LoanReturnForm(initial={"version": loan.version})
                                if may_return else None),
        "reminders": reminders,
        "history": selectors.item_history(item=loan) if can(user, "audit.view", loan) else None,
    }, status=status)


@login_required
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _loan_detail(request, _get_or_404(selectors.loan_get, LoanSlip, request, pk))


@login_required
@require_POST
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _get_or_404(selectors.loan_get, LoanSlip, request, pk)
    form = LoanReturnForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.loan_return(
                actor=request.user, loan=loan, returned_at=form.cleaned_data["returned_at"],
                condition=form.cleaned_data["return_condition"], note=form.cleaned_data["note"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Return recorded."))
            return redirect("property:loan_detail", pk=loan.pk)
    return _loan_detail(request, loan, status=outcome.status(), form=form)


# --- external drawings / documents -----------------------------------------------------------


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "property.view")
    filters = DocumentFilter.from_params(request.GET)
    page = paginate(request, selectors.document_list(user=request.user, filters=filters))
    return render(request, "property/document_list.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "types": DocumentType.choices, "departments": _departments(),
        "can_add": can(request.user, "property.document"),
    })


@login_required
def document_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "property.document")
    initial: dict[str, Any] = {"received_on": timezone.localdate()}
    for key in ("customer", "item"):
        if (record_id := parse_id(request.GET.get(key))) is not None:
            initial[key] = record_id
    form = DocumentForm(
        request.POST or None, initial=initial,
        customers=_customers(request.user, "customer.view"),
        items=selectors.item_list(user=request.user),
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            doc = services.document_register(
                actor=request.user, data=form.model_data(),
                distributed_to=form.cleaned_data["distributed_to"],
            )
        if outcome.ok:
            messages.success(request, _("Document registered."))
            return redirect("property:document_detail", pk=doc.pk)
    return _form_page(request, form, _("Register an external drawing / document"),
                      reverse("property:documents"))


@login_required
def document_edit(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _get_or_404(selectors.document_get, ExternalDocument, request, pk)
    require(request.user, "property.document", doc)
    form = DocumentForm(request.POST or None, instance=doc,
                        items=selectors.item_list(user=request.user))
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.document_update(
                actor=request.user, document=doc, data=form.model_data(),
                distributed_to=form.cleaned_data["distributed_to"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("property:document_detail", pk=doc.pk)
    return _form_page(request, form, _("Edit %(n)s") % {"n": doc.doc_number},
                      reverse("property:document_detail", args=[doc.pk]), status=outcome.status())


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    doc = _get_or_404(selectors.document_get, ExternalDocument, request, pk)
    return render(request, "property/document_detail.html", {
        "doc": doc,
        "versions": selectors.document_list(user=request.user).filter(
            customer=doc.customer, doc_number=doc.doc_number),
        "can_edit": can(request.user, "property.document", doc),
        "attachments": attachments_of(doc),
        "history": selectors.item_history(item=doc)
        if can(request.user, "audit.view", doc) else None,
    })


# --- damage / loss reports -------------------------------------------------------------------


@login_required
def damage_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "property.view")
    filters = DamageFilter.from_params(request.GET)
    page = paginate(request, selectors.damage_list(user=request.user, filters=filters))
    return render(request, "property/damage_list.html", {
        "page": page, "filters": filters, "query": query_without_page(request),
        "kinds": DamageKind.choices, "statuses": DamageStatus.choices,
    })


@login_required
def damage_create(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request.user, "property.damage", item)
    form = DamageReportForm(
        request.POST or None, item=item,
        initial={"occurred_on": timezone.localdate(), "contact": item.contact_id},
    )
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            report = services.damage_report_create(actor=request.user, item=item,
                                                   data=form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Report %(n)s recorded.") % {"n": report.number})
            return redirect("property:damage_detail", pk=report.pk)
    return _form_page(request, form, _("Report damage or loss of %(n)s") % {"n": item},
                      reverse("property:detail", args=[item.pk]))


def _damage_detail(request: HttpRequest, report: DamageReport, status: int = 200,
                   **forms: Any) -> HttpResponse:
    user = request.user
    can_manage = can(user, "property.manage", report.item)
    return render(request, "property/damage_detail.html", {
        "report": report,
        "can_send": DAMAGE_WORKFLOW.may("send", report, user),
        "send_errors": forms.get("send_errors"),
        "reply_form": forms.get("reply_form") or (
            ReplyForm(initial={"version": report.version,
                               "reply_received_on": timezone.localdate()})
            if DAMAGE_WORKFLOW.may("reply", report, user) and report.status == DamageStatus.SENT
            else None
        ),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
        "can_attach": can_manage or can(user, "property.damage", report),
        "attachments": attachments_of(report),
        "history": selectors.item_history(item=report)
        if can(user, "audit.view", report) else None,
    }, status=status)


def _report(request: HttpRequest, pk: int) -> DamageReport:
    report: DamageReport = _get_or_404(selectors.damage_get, DamageReport, request, pk)
    return report


@login_required
def damage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _damage_detail(request, _report(request, pk))


@login_required
@require_POST
def damage_send(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(request.user, "property.manage", report.item)
    version = request.POST.get("version", "")
    errors = ActionErrors()
    with form_errors(errors) as outcome:
        services.damage_report_send(
            actor=request.user, report=report,
            expected_version=parse_int(version),
        )
    if not outcome.ok:
        return _damage_detail(request, report, status=outcome.status(),
                              send_errors=errors.messages)
    messages.success(request, _("Report e-mailed to the customer."))
    return redirect("property:damage_detail", pk=report.pk)


@login_required
@require_POST
def damage_reply(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    require(request.user, "property.manage", report.item)
    form = ReplyForm(request.POST)
    outcome = FormOutcome()
    if form.is_valid():
        with form_errors(form) as outcome:
            services.damage_report_reply(
                actor=request.user, report=report, reply=form.cleaned_data["customer_reply"],
                received_on=form.cleaned_data["reply_received_on"],
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Reply recorded."))
            return redirect("property:damage_detail", pk=report.pk)
    return _damage_detail(request, report, status=outcome.status(), reply_form=form)


@login_required
@require_POST
def damage_attach(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    if not can(request.user, "property.damage", report):
        require(request.user, "property.manage", report.item)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        with form_errors(form) as outcome:
            attachment_add(actor=request.user, obj=report, upload=form.cleaned_data["file"],
                           note=form.cleaned_data["note"])
        if outcome.ok:
            messages.success(request, _("File attached."))
            return redirect("property:damage_detail", pk=report.pk)
    return _damage_detail(request, report, attachment_form=form)
