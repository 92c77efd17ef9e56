"""Customer archive API: the same selectors, forms and services as the UI."""


import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from manyi.audit.services import history_for
from manyi.common.api_types import Id, Int64, Pagination

from . import selectors, services
from .filters import CustomerFilter, OrderFilter
from .forms import ContactForm, CustomerForm, OrderForm
from .models import Contact, Customer, Order

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    address: str
    phone: str
    region_id: int | None
    branch_office_id: int
    business_unit_id: int
    level: str
    customer_class: str
    key_account: bool
    annual_revenue: Decimal
    status: str
    version: int
    archived: bool = Field(..., alias="is_archived")
    changed_at: dt.datetime


class CustomerIn(Schema):
    code: str
    name: str
    kind: str = "direct"
    address: str = ""
    phone: str = ""
    region: Id | None = None
    branch_office: Id
    business_unit: Id
    level: str = "other"
    customer_class: str = "B"
    key_account: bool = False
    annual_revenue: Decimal = Decimal("0")
    status: str = "active"
    dealer: Id | None = None
    product_lines: list[Id] = []
    competitors: str = ""
    notes: str = ""


class CustomerPatch(Schema):
    version: Int64
    code: str | None = None
    name: str | None = None
    kind: str | None = None
    address: str | None = None
    phone: str | None = None
    region: Id | None = None
    branch_office: Id | None = None
    business_unit: Id | None = None
    level: str | None = None
    customer_class: str | None = None
    key_account: bool | None = None
    annual_revenue: Decimal | None = None
    status: str | None = None
    competitors: str | None = None
    notes: str | None = None


class CustomerFilterIn(Schema):
    q: str = ""
    branch_office: Id | None = None
    business_unit: Id | None = None
    region: Id | None = None
    level: str = ""
    customer_class: str = ""
    key_account: bool | None = None
    status: str = ""
    kind: str = ""
    archived: bool = False
    sort: str = "code"


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    function: str
    decision_class: str
    title: str
    phone: str
    email: str
    language: str
    version: int


class ContactIn(Schema):
    customer: Id
    name: str
    function: str
    decision_class: str = "B"
    title: str = ""
    phone: str = ""
    email: str = ""
    language: str = "zh-hans"


class OrderOut(Schema):
    id: int
    number: str
    customer_id: int
    order_date: dt.date
    product_id: int
    batch_number: str
    quantity: int
    promised_date: dt.date
    delivered_date: dt.date | None
    split_delivery: bool
    extra_freight: Decimal
    defects: int
    returned: int
    version: int


class OrderIn(Schema):
    number: str
    customer: Id
    order_date: dt.date
    product: Id
    batch_number: str = ""
    quantity: Int64
    promised_date: dt.date
    delivered_date: dt.date | None = None
    split_delivery: bool = False
    extra_freight: Decimal = Decimal("0")
    defects: Int64 = 0
    returned: Int64 = 0


class CustomerAuditOut(Schema):
    action: str
    changes: dict[str, Any]
    actor: str | None
    at: dt.datetime
    note: str


def _form_data(form_class: Any, data: dict[str, Any], instance: Any = None) -> dict[str, Any]:
    form = form_class(data=data, instance=instance)
    if not form.is_valid():
        raise ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})
    return dict(form.model_data())


def _customer(request: HttpRequest, pk: Id) -> Customer:
    try:
        return selectors.customer_get(user=request.user, pk=pk)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


@router.get("/", response=list[CustomerOut], summary="List customers")
@paginate(Pagination, page_size=50)
def list_customers(request: HttpRequest, filters: Query[CustomerFilterIn]) -> Any:
    from manyi.accounts.permissions import require

    require(request.user, "customer.view")
    flt = CustomerFilter.from_params(
        {k: ("1" if v is True else "0" if v is False else v) for k, v in filters.dict().items()}
    )
    return selectors.customer_list(user=request.user, filters=flt)


@router.post("/", response={201: CustomerOut}, summary="Create a customer")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Any:
    from manyi.accounts.permissions import require

    require(request.user, "customer.add")
    data = _form_data(CustomerForm, payload.dict())
    return Status(201, services.customer_create(actor=request.user, data=data))


@router.get("/{int:pk}", response=CustomerOut, summary="One customer")
def get_customer(request: HttpRequest, pk: Id) -> Any:
    return _customer(request, pk)


@router.patch("/{int:pk}", response=CustomerOut, summary="Change a customer (send the version)")
def patch_customer(request: HttpRequest, pk: Id, payload: CustomerPatch) -> Any:
    from manyi.accounts.permissions import require

    customer = _customer(request, pk)
    require(request.user, "customer.change", customer)
    current = CustomerForm(instance=customer).initial
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    merged = {**current, **changes}
    merged["product_lines"] = [p.pk if hasattr(p, "pk") else p for p in current["product_lines"]]
    data = _form_data(CustomerForm, merged, instance=customer)
    return services.customer_update(
        actor=request.user, customer=customer, data=data, expected_version=version
    )


@router.post("/{int:pk}/archive", response=CustomerOut, summary="Archive a customer")
def archive_customer(request: HttpRequest, pk: Id) -> Any:
    return services.customer_archive(actor=request.user, customer=_customer(request, pk))


@router.get(
    "/{int:pk}/history", response=list[CustomerAuditOut], summary="Audit trail of a customer"
)
@paginate(Pagination, page_size=50)
def customer_history(request: HttpRequest, pk: Id) -> Any:
    from manyi.accounts.permissions import require

    customer = _customer(request, pk)
    require(request.user, "audit.view", customer)
    return [
        {
            "action": e.action,
            "changes": e.changes,
            "actor": str(e.actor) if e.actor else None,
            "at": e.at,
            "note": e.note,
        }
        for e in history_for(customer)
    ]


@router.get("/{int:pk}/contacts", response=list[ContactOut], summary="Contacts of a customer")
@paginate(Pagination, page_size=50)
def customer_contacts(request: HttpRequest, pk: Id) -> Any:
    return selectors.contact_list(user=request.user, customer=_customer(request, pk))


@router.post("/contacts", response={201: ContactOut}, summary="Create a contact")
def create_contact(request: HttpRequest, payload: ContactIn) -> Any:
    customer = _customer(request, payload.customer)
    data = _form_data(ContactForm, payload.dict())
    data["customer"] = customer
    return Status(201, services.contact_create(actor=request.user, data=data))


@router.get("/contacts/{int:pk}", response=ContactOut, summary="One contact")
def get_contact(request: HttpRequest, pk: Id) -> Any:
    try:
        return selectors.contact_get(user=request.user, pk=pk)
    except Contact.DoesNotExist as exc:
        raise Http404 from exc


@router.get("/orders/", response=list[OrderOut], summary="List orders / deliveries")
@paginate(Pagination, page_size=50)
def list_orders(
    request: HttpRequest, q: str = "", customer: Id | None = None, sort: str = "-date"
) -> Any:
    from manyi.accounts.permissions import require

    require(request.user, "order.view")
    flt = OrderFilter.from_params({"q": q, "customer": customer or "", "sort": sort})
    return selectors.order_list(user=request.user, filters=flt)


@router.post("/orders/", response={201: OrderOut}, summary="Record an order / delivery")
def create_order(request: HttpRequest, payload: OrderIn) -> Any:
    customer = _customer(request, payload.customer)
    data = _form_data(OrderForm, payload.dict())
    data["customer"] = customer
    return Status(201, services.order_create(actor=request.user, data=data))


@router.get("/orders/{int:pk}", response=OrderOut, summary="One order")
def get_order(request: HttpRequest, pk: Id) -> Any:
    try:
        return selectors.order_get(user=request.user, pk=pk)
    except Order.DoesNotExist as exc:
        raise Http404 from exc
