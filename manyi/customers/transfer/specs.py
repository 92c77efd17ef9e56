"""The column table of each kind, defined once and used for export and import.

Headers: the Chinese label by default; on import the Chinese label or the English key,
case-insensitive. Departments by code, customers by code, products by model, product lines
by code (';'-joined), choices by their stored value, booleans 是/否, dates YYYY-MM-DD.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from manyi.accounts.models import DepartmentKind
from manyi.common.models import QualityRecord

from ..models import Contact, Customer, Order
from . import columns as c
from .lookups import ExportRefs, Lookups


@dataclass(frozen=True)
class Spec:
    kind: str
    model: type[QualityRecord]
    columns: tuple[c.Column, ...]
    natural_key: tuple[str, ...]

    def column(self, key: str) -> c.Column:
        return next(col for col in self.columns if col.key == key)


def _dealer() -> c.Column:
    """The dealer/agent by customer code: an existing customer or one in the same file
    (resolved by the customers import once all rows are read)."""

    def parse(raw: object, lk: Lookups) -> Any:
        code = c.text_of(raw)
        return code or None

    def fmt(obj: Any, refs: ExportRefs) -> c.Cell:
        return refs.customer_code(obj.dealer_id) if obj.dealer_id else ""

    def plain(value: Any, lk: Lookups) -> Any:
        return None if value is None else lk.customer_repr(value)

    return c.Column("dealer", "经销商/代理商", "dealer_id", parse, fmt, plain)


CUSTOMERS = Spec(
    "customers",
    Customer,
    (
        c.text(Customer, "code", "客户编码"),
        c.text(Customer, "name", "客户名称"),
        c.choice(Customer, "kind", "客户类型"),
        c.text(Customer, "address", "地址"),
        c.text(Customer, "phone", "电话"),
        c.department(Customer, "region", "大区", DepartmentKind.REGION),
        c.department(Customer, "branch_office", "办事处", DepartmentKind.BRANCH_OFFICE),
        c.department(Customer, "business_unit", "事业部", DepartmentKind.BUSINESS_UNIT),
        c.choice(Customer, "level", "客户级别"),
        c.choice(Customer, "customer_class", "客户分类"),
        c.boolean(Customer, "key_account", "重点客户"),
        c.money(Customer, "annual_revenue", "年销售额(元)"),
        c.choice(Customer, "status", "状态"),
        _dealer(),
        c.product_lines("product_lines", "购买产品线"),
        c.text(Customer, "competitors", "竞争对手关系"),
        c.text(Customer, "notes", "备注"),
    ),
    ("code",),
)

CONTACTS = Spec(
    "contacts",
    Contact,
    (
        c.customer_ref(Contact, "customer", "客户编码"),
        c.text(Contact, "name", "姓名"),
        c.choice(Contact, "function", "职能"),
        c.choice(Contact, "decision_class", "决策类别"),
        c.text(Contact, "title", "职务"),
        c.text(Contact, "phone", "电话"),
        c.text(Contact, "email", "电子邮件"),
        c.choice(Contact, "language", "语言"),
    ),
    ("customer", "name"),
)

ORDERS = Spec(
    "orders",
    Order,
    (
        c.text(Order, "number", "订单号"),
        c.customer_ref(Order, "customer", "客户编码"),
        c.date(Order, "order_date", "订单日期"),
        c.product_ref(Order, "product", "产品型号"),
        c.text(Order, "batch_number", "批号"),
        c.integer(Order, "quantity", "数量"),
        c.date(Order, "promised_date", "承诺交期"),
        c.date(Order, "delivered_date", "实际交付日期"),
        c.boolean(Order, "split_delivery", "分批交付"),
        c.money(Order, "extra_freight", "额外运费(元)"),
        c.integer(Order, "defects", "缺陷数"),
        c.integer(Order, "returned", "退换货数"),
    ),
    ("number",),
)

SPECS: dict[str, Spec] = {s.kind: s for s in (CUSTOMERS, CONTACTS, ORDERS)}
KINDS = tuple(SPECS)


def spec_for(kind: str) -> Spec:
    try:
        return SPECS[kind]
    except KeyError:
        raise ValueError(
            _("Unknown kind %(kind)s (use one of: %(kinds)s)")
            % {"kind": kind, "kinds": ", ".join(KINDS)}
        ) from None
