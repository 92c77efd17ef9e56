"""Every write to the customer archive: permission check → validation → save → audit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from manyi.accounts.permissions import can, require
from manyi.accounts.types import Actor
from manyi.common.services import (
    record_archive,
    record_create,
    record_restore,
    record_update,
    records_bulk_update,
)

from .models import Contact, Customer, Order, Product

CUSTOMER_M2M = ("product_lines",)


def _split_m2m(data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Iterable[Any]]]:
    fields = {k: v for k, v in data.items() if k not in CUSTOMER_M2M}
    m2m = {k: v for k, v in data.items() if k in CUSTOMER_M2M}
    return fields, m2m


def _require_customer_in_scope(actor: Actor, action: str, customer: Customer) -> None:
    """A user with OWN scope may only put records under customers of their departments."""
    require(actor, action, customer)


def customer_create(*, actor: Actor, data: Mapping[str, Any]) -> Customer:
    fields, m2m = _split_m2m(data)
    probe = Customer(**fields)
    require(actor, "customer.add")
    if actor is not None and fields.get("branch_office") is not None and not can(
        actor, "customer.add", probe
    ):
        raise ValidationError(
            {"branch_office": _("You may only create customers of your own office or unit.")}
        )
    return record_create(Customer, actor=actor, fields=fields, m2m=m2m)


def customer_update(
    *, actor: Actor, customer: Customer, data: Mapping[str, Any], expected_version: int | None
) -> Customer:
    require(actor, "customer.change", customer)
    fields, m2m = _split_m2m(data)
    if actor is not None:
        probe = Customer(
            branch_office_id=getattr(fields.get("branch_office"), "pk", customer.branch_office_id),
            business_unit_id=getattr(fields.get("business_unit"), "pk", customer.business_unit_id),
            region_id=getattr(fields.get("region"), "pk", customer.region_id),
        )
        if not can(actor, "customer.change", probe):
            raise ValidationError(
                {"branch_office": _("You may only assign customers to your own office or unit.")}
            )
    return record_update(
        customer, actor=actor, fields=fields, m2m=m2m, expected_version=expected_version
    )


def customer_archive(*, actor: Actor, customer: Customer, reason: str = "") -> Customer:
    require(actor, "customer.archive", customer)
    return record_archive(customer, actor=actor, reason=reason)


def customer_restore(*, actor: Actor, customer: Customer) -> Customer:
    require(actor, "customer.archive", customer)
    return record_restore(customer, actor=actor)


def customers_bulk_update(
    *, actor: Actor, customers: Iterable[Customer], data: Mapping[str, Any]
) -> int:
    """Bulk change (e.g. mark several customers lost); each gets its own audit entry."""
    items = list(customers)
    for customer in items:
        require(actor, "customer.change", customer)
    allowed = {"status", "key_account", "customer_class", "level", "branch_office", "region"}
    unknown = set(data) - allowed
    if unknown:
        raise ValidationError(_("These fields cannot be changed in bulk: %s") % ", ".join(unknown))
    return records_bulk_update(items, actor=actor, fields=data, note=_("bulk change"))


def contact_create(*, actor: Actor, data: Mapping[str, Any]) -> Contact:
    customer = data.get("customer")
    if customer is None:
        raise ValidationError({"customer": _("This field is required.")})
    _require_customer_in_scope(actor, "contact.change", customer)
    return record_create(Contact, actor=actor, fields=data)


def contact_update(
    *, actor: Actor, contact: Contact, data: Mapping[str, Any], expected_version: int | None
) -> Contact:
    _require_customer_in_scope(actor, "contact.change", contact.customer)
    if "customer" in data:
        _require_customer_in_scope(actor, "contact.change", data["customer"])
    return record_update(contact, actor=actor, fields=data, expected_version=expected_version)


def contact_archive(*, actor: Actor, contact: Contact) -> Contact:
    _require_customer_in_scope(actor, "contact.change", contact.customer)
    return record_archive(contact, actor=actor)


def order_create(*, actor: Actor, data: Mapping[str, Any]) -> Order:
    customer = data.get("customer")
    if customer is None:
        raise ValidationError({"customer": _("This field is required.")})
    _require_customer_in_scope(actor, "order.change", customer)
    return record_create(Order, actor=actor, fields=data)


def order_update(
    *, actor: Actor, order: Order, data: Mapping[str, Any], expected_version: int | None
) -> Order:
    _require_customer_in_scope(actor, "order.change", order.customer)
    if "customer" in data:
        _require_customer_in_scope(actor, "order.change", data["customer"])
    return record_update(order, actor=actor, fields=data, expected_version=expected_version)


def order_archive(*, actor: Actor, order: Order) -> Order:
    _require_customer_in_scope(actor, "order.change", order.customer)
    return record_archive(order, actor=actor)


def product_create(*, actor: Actor, data: Mapping[str, Any]) -> Product:
    require(actor, "product.manage")
    return record_create(Product, actor=actor, fields=data)
