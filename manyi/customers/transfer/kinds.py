"""What differs between customers, contacts and orders: natural keys, checks across rows
(duplicates, references, permission scope) and many-to-many writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import models
from django.db.models import Count
from django.utils.translation import gettext as _

from ..models import Contact, Customer, CustomerKind, Order, order_date_problems
from .columns import KEEP, Column
from .importing import KindImport, ParsedRow
from .lookups import CustomerRef

DEALER_KINDS = frozenset({CustomerKind.DEALER, CustomerKind.AGENT})


def _outside_scope() -> str:
    return _("outside your permission scope")


class _Pending:
    """A dealer that is a new customer further on in the same file."""

    def __init__(self, code: str) -> None:
        self.code = code


class CustomerImport(KindImport):
    def key(self, row: ParsedRow) -> Any:
        return row.values["code"]

    def instance_key(self, instance: Any) -> Any:
        return instance.code

    def existing(self, chunk: Sequence[ParsedRow]) -> models.QuerySet[Any]:
        codes = [self.key(row) for row in chunk]
        return Customer.objects.filter(code__in=codes).select_for_update()

    def check(self, rows: list[ParsedRow]) -> None:
        spec, lk = self.spec, self.lk
        self.duplicates(rows, spec.column("code"), _("code"))
        if lk.scope is not None:
            office = spec.column("branch_office")
            for row in rows:
                if row.errors:
                    continue
                existing = lk.customers.get(row.values["code"])
                depts = {
                    self._dept(row, name, existing)
                    for name in ("branch_office", "business_unit", "region")
                }
                if not lk.in_scope(depts) or (
                    existing is not None and not lk.in_scope(existing.departments())
                ):
                    row.error(office, _outside_scope())
        if "dealer" in self.present_keys:
            self._check_dealers(rows)

    def _dept(self, row: ParsedRow, name: str, existing: CustomerRef | None) -> int | None:
        value = row.values.get(name, KEEP)
        if value is KEEP:
            return getattr(existing, f"{name}_id") if existing else None
        return value

    def _check_dealers(self, rows: list[ParsedRow]) -> None:
        """Dealer codes: an existing dealer/agent, or a good row of this file. Repeats
        until stable, since a row whose dealer row is bad becomes bad too."""
        col = self.spec.column("dealer")
        changed = True
        while changed:
            changed = False
            in_file = {row.values["code"]: row for row in rows if not row.errors}
            for row in rows:
                code = row.values.get("dealer")
                if row.errors or not code:
                    continue
                reason = self._dealer_problem(code, in_file)
                if reason:
                    row.error(col, reason)
                    changed = True

    def _dealer_problem(self, code: str, in_file: dict[str, ParsedRow]) -> str:
        row = in_file.get(code)
        ref = self.lk.customers.get(code)
        if row is None and ref is None:
            return _("unknown customer code %(code)s") % {"code": code}
        kind = row.values.get("kind", KEEP) if row is not None else KEEP
        if kind is KEEP:
            kind = ref.kind if ref is not None else CustomerKind.DIRECT
        if kind not in DEALER_KINDS:
            return _("customer %(code)s is not a dealer or agent") % {"code": code}
        return ""

    def order(self, rows: list[ParsedRow]) -> list[list[ParsedRow]]:
        """New dealers before the customers that name them (depth of the dealer chain)."""
        if "dealer" not in self.present_keys:
            return [rows]
        by_code = {row.values["code"]: row for row in rows}
        new = {code for code in by_code if code not in self.lk.customers}
        depth: dict[str, int] = {}

        def depth_of(code: str, trail: frozenset[str] = frozenset()) -> int:
            if code in depth:
                return depth[code]
            dealer = by_code[code].values.get("dealer")
            if not dealer or dealer not in new or dealer in trail or dealer == code:
                result = 0
            else:
                result = depth_of(dealer, trail | {code}) + 1
            depth[code] = result
            return result

        groups: dict[int, list[ParsedRow]] = {}
        for code, row in by_code.items():
            groups.setdefault(depth_of(code), []).append(row)
        return [groups[d] for d in sorted(groups)]

    def resolve(self, row: ParsedRow, col: Column, value: Any) -> Any:
        if col.key != "dealer" or value is None:
            return value
        return self.lk.customers[value].pk  # existing, or created by an earlier group

    def after_create(self, created: list[tuple[ParsedRow, Any]]) -> None:
        for _row, obj in created:
            self.lk.add_customer(
                CustomerRef(
                    obj.pk, obj.code, obj.name, obj.kind, obj.branch_office_id,
                    obj.business_unit_id, obj.region_id,
                )
            )

    def old_m2m(self, pks: list[int]) -> dict[int, frozenset[int]]:
        if "product_lines" not in self.present_keys or not pks:
            return {}
        through = Customer.product_lines.through
        result: dict[int, set[int]] = {}
        for customer_id, line_id in through.objects.filter(customer_id__in=pks).values_list(
            "customer_id", "productline_id"
        ):
            result.setdefault(customer_id, set()).add(line_id)
        return {pk: frozenset(ids) for pk, ids in result.items()}

    def set_m2m(self, items: list[tuple[Any, frozenset[int]]], replace: bool) -> None:
        if not items:
            return
        through = Customer.product_lines.through
        if replace:
            through.objects.filter(customer_id__in=[obj.pk for obj, _v in items]).delete()
        through.objects.bulk_create(
            [through(customer_id=obj.pk, productline_id=pk) for obj, ids in items for pk in ids],
            batch_size=2000,
        )


class ContactImport(KindImport):
    def key(self, row: ParsedRow) -> Any:
        return (row.values["customer"], row.values["name"])

    def instance_key(self, instance: Any) -> Any:
        return (instance.customer_id, instance.name)

    def existing(self, chunk: Sequence[ParsedRow]) -> models.QuerySet[Any]:
        customers = {row.values["customer"] for row in chunk}
        names = {row.values["name"] for row in chunk}
        return Contact.objects.filter(
            customer_id__in=customers, name__in=names, archived_at__isnull=True
        ).select_for_update()

    def check(self, rows: list[ParsedRow]) -> None:
        name = self.spec.column("name")
        self.duplicates(rows, name, _("contact"))
        ambiguous = set(
            Contact.objects.filter(archived_at__isnull=True)
            .values("customer_id", "name")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
            .values_list("customer_id", "name")
        )
        customer = self.spec.column("customer")
        for row in rows:
            if row.errors:
                continue
            if self.key(row) in ambiguous:
                row.error(
                    name,
                    _("this customer has several contacts named %(name)s; edit them in the UI")
                    % {"name": row.values["name"]},
                )
            elif not self.lk.in_scope(self.lk.customer_by_id(row.values["customer"]).departments()):
                row.error(customer, _outside_scope())


class OrderImport(KindImport):
    def key(self, row: ParsedRow) -> Any:
        return row.values["number"]

    def instance_key(self, instance: Any) -> Any:
        return instance.number

    def existing(self, chunk: Sequence[ParsedRow]) -> models.QuerySet[Any]:
        return Order.objects.filter(number__in=[self.key(r) for r in chunk]).select_for_update()

    def check(self, rows: list[ParsedRow]) -> None:
        spec, lk = self.spec, self.lk
        for row in rows:
            dates = [row.values.get(name) for name in
                     ("order_date", "promised_date", "delivered_date")]
            problems = order_date_problems(*[d if isinstance(d, dt.date) else None
                                             for d in dates])
            for name, problem in problems.items():
                row.error(spec.column(name), problem)
            quantity = row.values.get("quantity")
            for name in ("defects", "returned"):
                value = row.values.get(name, KEEP)
                if isinstance(quantity, int) and isinstance(value, int) and value > quantity:
                    row.error(
                        spec.column(name),
                        _("%(value)s is more than the quantity (%(quantity)s)")
                        % {"value": value, "quantity": quantity},
                    )
        self.duplicates(rows, spec.column("number"), _("order number"))
        if lk.scope is None:
            return
        current = dict(Order.objects.values_list("number", "customer_id"))
        customer = spec.column("customer")
        for row in rows:
            if row.errors:
                continue
            owners = [row.values["customer"]]
            if row.values["number"] in current:
                owners.append(current[row.values["number"]])
            if not all(lk.in_scope(lk.customer_by_id(pk).departments()) for pk in owners):
                row.error(customer, _outside_scope())


HANDLERS: dict[str, type[KindImport]] = {
    "customers": CustomerImport,
    "contacts": ContactImport,
    "orders": OrderImport,
}
