"""Everything an import looks up, loaded once into dicts (no query per row)."""

from __future__ import annotations

from typing import NamedTuple

from manyi.accounts.models import Department
from manyi.accounts.permissions import Scope, own_department_ids, scope_for
from manyi.accounts.types import Actor

from ..models import Customer, Product, ProductLine


class CustomerRef(NamedTuple):
    pk: int
    code: str
    name: str
    kind: str
    branch_office_id: int
    business_unit_id: int
    region_id: int | None

    def departments(self) -> set[int | None]:
        return {self.branch_office_id, self.business_unit_id, self.region_id}


class Lookups:
    def __init__(self, kind: str, actor: Actor) -> None:
        depts = list(Department.objects.all())
        self.depts = {d.code: d for d in depts}
        self.dept_by_id = {d.pk: d for d in depts}
        self.dept_repr = {d.pk: str(d) for d in depts}  # as the audit trail shows them
        self.customers: dict[str, CustomerRef] = {
            row[1]: CustomerRef(*row)
            for row in Customer.objects.values_list(
                "pk", "code", "name", "kind", "branch_office_id", "business_unit_id", "region_id"
            ).iterator(chunk_size=5000)
        }
        self._customer_by_id: dict[int, CustomerRef] | None = None
        self.products: dict[str, Product] = {}
        self.lines: dict[str, ProductLine] = {}
        if kind == "orders":
            self.products = {p.model: p for p in Product.objects.all()}
        if kind == "customers":
            self.lines = {line.code: line for line in ProductLine.objects.all()}
        self.product_by_id = {p.pk: p for p in self.products.values()}
        self.line_by_id = {line.pk: line for line in self.lines.values()}
        # None = every department (system or ALL scope); else the actor's own departments.
        self.scope: set[int] | None = None
        if actor is not None and scope_for(actor, "customer.import") != Scope.ALL:
            self.scope = own_department_ids(actor)

    def customer_by_id(self, pk: int) -> CustomerRef:
        if self._customer_by_id is None:
            self._customer_by_id = {ref.pk: ref for ref in self.customers.values()}
        return self._customer_by_id[pk]

    def add_customer(self, ref: CustomerRef) -> None:
        self.customers[ref.code] = ref
        if self._customer_by_id is not None:
            self._customer_by_id[ref.pk] = ref

    def customer_repr(self, pk: int) -> str:
        ref = self.customer_by_id(pk)
        return f"{ref.code} {ref.name}"

    def in_scope(self, departments: set[int | None]) -> bool:
        return self.scope is None or bool(departments & self.scope)


class ExportRefs:
    """id → code dicts for an export, so rows need no related objects (and no joins)."""

    def __init__(self, kind: str) -> None:
        self.dept_code = dict(Department.objects.values_list("pk", "code"))
        self.product_model: dict[int, str] = {}
        self.lines_of: dict[int, str] = {}
        self._customer_code: dict[int, str] | None = None
        if kind == "orders":
            self.product_model = dict(Product.objects.values_list("pk", "model"))
        if kind == "customers":
            lines: dict[int, list[str]] = {}
            through = Customer.product_lines.through
            for customer_id, code in through.objects.values_list(
                "customer_id", "productline__code"
            ).iterator(chunk_size=5000):
                lines.setdefault(customer_id, []).append(code)
            self.lines_of = {pk: ";".join(sorted(codes)) for pk, codes in lines.items()}

    def customer_code(self, pk: int) -> str:
        if self._customer_code is None:
            self._customer_code = dict(
                Customer.objects.values_list("pk", "code").iterator(chunk_size=5000)
            )
        return self._customer_code[pk]
