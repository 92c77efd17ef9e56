"""A fingerprint of the demo data, by natural keys (codes, numbers), never by database ids.

Two builds with the same seed and anchor date give the same digest on any database."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any


def _feed(h: Any, label: str, rows: Iterable[tuple[Any, ...]]) -> None:
    h.update(f"#{label}\n".encode())
    for row in sorted(tuple("" if v is None else str(v) for v in r) for r in rows):
        h.update(("\x1f".join(row) + "\n").encode())


def demo_digest() -> str:
    """SHA-256 over product lines, products, customers, contacts, orders and demo users."""
    from manyi.accounts.models import User
    from manyi.customers.models import Contact, Customer, Order, Product, ProductLine

    from .users import DEMO_USERS

    h = hashlib.sha256()
    _feed(h, "product_lines", ProductLine.objects.values_list("code", "name",
                                                              "business_unit__code"))
    _feed(h, "products", Product.objects.values_list(
        "model", "name", "specification", "product_line__code", "created_at",
        "created_by__username",
    ))
    _feed(h, "customers", Customer.objects.values_list(
        "code", "name", "kind", "address", "phone", "region__code", "branch_office__code",
        "business_unit__code", "level", "customer_class", "key_account", "annual_revenue",
        "status", "dealer__code", "competitors", "notes", "created_at", "created_by__username",
    ))
    _feed(h, "customer_lines", Customer.product_lines.through.objects.values_list(
        "customer__code", "productline__code"
    ))
    _feed(h, "contacts", Contact.objects.values_list(
        "customer__code", "name", "function", "decision_class", "title", "phone", "email",
        "language", "created_at",
    ))
    _feed(h, "orders", Order.objects.values_list(
        "number", "customer__code", "order_date", "product__model", "batch_number", "quantity",
        "promised_date", "delivered_date", "split_delivery", "extra_freight", "defects",
        "returned", "created_at",
    ))
    _feed(h, "users", User.objects.filter(
        username__in=[u.username for u in DEMO_USERS]
    ).values_list("username", "last_name", "first_name", "department__code", "is_superuser",
                  "roles__code"))
    return h.hexdigest()
