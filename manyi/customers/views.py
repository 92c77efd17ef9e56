"""Thin views: parse → one service/selector → render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.models import Department, DepartmentKind
from manyi.accounts.permissions import can, require
from manyi.common.inputs import parse_ids
from manyi.common.pages import FormOutcome, form_errors, paginate, query_without_page

from . import selectors, services
from .filters import ContactFilter, CustomerFilter, OrderFilter
from .forms import ContactForm, CustomerForm, OrderForm
from .models import (
    Contact,
    ContactFunction,
    Customer,
    CustomerClass,
    CustomerKind,
    CustomerLevel,
    CustomerStatus,
    DecisionClass,
    Order,
)


def _customer_or_404(request: HttpRequest, pk: int) -> Customer:
    try:
        return selectors.customer_get(user=request.user, pk=pk)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc




@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "customer.view")
    filters = CustomerFilter.from_params(request.GET)
    page = paginate(request, selectors.customer_list(user=request.user, filters=filters))
    context = {
        "page": page,
        "filters": filters,
        "query": query_without_page(request),
        "offices": Department.objects.filter(kind=DepartmentKind.BRANCH_OFFICE),
        "units": Department.objects.filter(kind=DepartmentKind.BUSINESS_UNIT),
        "levels": CustomerLevel.choices,
        "classes": CustomerClass.choices,
        "statuses": CustomerStatus.choices,
        "kinds": CustomerKind.choices,
        "can_add": can(request.user, "customer.add"),
        "can_change": can(request.user, "customer.change"),
        "can_import": can(request.user, "customer.import"),
        "can_export": can(request.user, "customer.export"),
    }
    template = "customers/customer_list.html"
    if request.htmx:  # type: ignore[attr-defined]
        template += "#results"
    return render(request, template, context)


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    context = {
        "customer": customer,
        "contacts": selectors.contact_list(user=request.user, customer=customer),
        "timeline": selectors.customer_timeline(customer=customer, user=request.user),
        "history": selectors.customer_history(customer=customer)
        if can(request.user, "audit.view", customer)
        else None,
        "can_change": can(request.user, "customer.change", customer),
        "can_archive": can(request.user, "customer.archive", customer),
        "can_contact": can(request.user, "contact.change", customer),
        "can_order": can(request.user, "order.change", customer),
        "can_complaint": can(request.user, "complaint.add", customer),
        "can_claim": can(request.user, "claim.add", customer),
    }
    return render(request, "customers/customer_detail.html", context)


@login_required
def customer_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "customer.add")
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            customer = services.customer_create(actor=request.user, data=form.model_data())
        if outcome.ok:
            messages.success(request, _("Customer %(c)s created.") % {"c": customer})
            return redirect("customers:detail", pk=customer.pk)
    return render(request, "customers/customer_form.html", {"form": form, "customer": None})


@login_required
def customer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    require(request.user, "customer.change", customer)
    form = CustomerForm(request.POST or None, instance=customer)
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.customer_update(
                actor=request.user,
                customer=customer,
                data=form.model_data(),
                expected_version=form.cleaned_data.get("version"),
            )
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "customer": customer},
        status=outcome.status(),
    )


@login_required
@require_POST
def customer_archive(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    try:
        if customer.archived_at is None:
            services.customer_archive(
                actor=request.user, customer=customer, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Customer archived. It stays searchable."))
        else:
            services.customer_restore(actor=request.user, customer=customer)
            messages.success(request, _("Customer restored."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("customers:detail", pk=customer.pk)


@login_required
@require_POST
def customer_bulk(request: HttpRequest) -> HttpResponse:
    require(request.user, "customer.change")
    ids = parse_ids(request.POST.getlist("ids"))
    status = request.POST.get("status", "")
    if not ids or status not in CustomerStatus.values:
        messages.error(request, _("Choose at least one customer and a status."))
        return redirect("customers:list")
    customers = selectors.customer_list(user=request.user).filter(pk__in=ids)
    try:
        n = services.customers_bulk_update(
            actor=request.user, customers=customers, data={"status": status}
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s customers changed.") % {"n": n})
    return redirect("customers:list")


def _record_form(
    request: HttpRequest,
    *,
    form_class: Any,
    instance: Any,
    customer: Customer,
    create: Any,
    update: Any,
    title: str,
) -> HttpResponse:
    initial = {"customer": customer.pk} if instance is None else None
    form = form_class(request.POST or None, instance=instance, initial=initial)
    form.fields["customer"].queryset = selectors.customer_list(user=request.user)
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            if instance is None:
                create(actor=request.user, data=form.model_data())
            else:
                update(instance, form.model_data(), form.cleaned_data.get("version"))
        if outcome.ok:
            messages.success(request, _("Saved."))
            return redirect("customers:detail", pk=customer.pk)
    return render(
        request,
        "customers/record_form.html",
        {"form": form, "customer": customer, "title": title},
        status=outcome.status(),
    )


@login_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    require(request.user, "contact.change", customer)
    return _record_form(
        request,
        form_class=ContactForm,
        instance=None,
        customer=customer,
        create=services.contact_create,
        update=None,
        title=_("New contact"),
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        contact = selectors.contact_get(user=request.user, pk=pk)
    except Contact.DoesNotExist as exc:
        raise Http404 from exc
    require(request.user, "contact.change", contact)

    def update(instance: Contact, data: dict[str, Any], version: int | None) -> Contact:
        return services.contact_update(
            actor=request.user, contact=instance, data=data, expected_version=version
        )

    return _record_form(
        request,
        form_class=ContactForm,
        instance=contact,
        customer=contact.customer,
        create=None,
        update=update,
        title=_("Edit contact"),
    )


@login_required
def order_create(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer_or_404(request, pk)
    require(request.user, "order.change", customer)
    return _record_form(
        request,
        form_class=OrderForm,
        instance=None,
        customer=customer,
        create=services.order_create,
        update=None,
        title=_("New order / delivery"),
    )


@login_required
def order_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        order = selectors.order_get(user=request.user, pk=pk)
    except Order.DoesNotExist as exc:
        raise Http404 from exc
    require(request.user, "order.change", order)

    def update(instance: Order, data: dict[str, Any], version: int | None) -> Order:
        return services.order_update(
            actor=request.user, order=instance, data=data, expected_version=version
        )

    return _record_form(
        request,
        form_class=OrderForm,
        instance=order,
        customer=order.customer,
        create=None,
        update=update,
        title=_("Edit order"),
    )


@login_required
def contact_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "customer.view")
    filters = ContactFilter.from_params(request.GET)
    page = paginate(request, selectors.contact_list(user=request.user, filters=filters))
    return render(
        request,
        "customers/contact_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query_without_page(request),
            "functions": ContactFunction.choices,
            "decision_classes": DecisionClass.choices,
            "can_export": can(request.user, "customer.export"),
            "can_import": can(request.user, "customer.import"),
        },
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "order.view")
    filters = OrderFilter.from_params(request.GET)
    page = paginate(request, selectors.order_list(user=request.user, filters=filters))
    return render(
        request,
        "customers/order_list.html",
        {
            "page": page,
            "filters": filters,
            "query": query_without_page(request),
            "can_export": can(request.user, "customer.export"),
            "can_import": can(request.user, "customer.import"),
        },
    )



