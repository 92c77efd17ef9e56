"""Customer property API: the same selectors, forms, services and permissions as the UI."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from manyi.accounts.permissions import require, scope_queryset
from manyi.common.api_types import Id, Int64, Pagination
from manyi.customers.models import Customer

from . import selectors, services
from .filters import DamageFilter, DocumentFilter, LoanFilter, PropertyFilter
from .forms import (
    DamageReportForm,
    DocumentForm,
    IssueForm,
    LoanForm,
    LoanReturnForm,
    PropertyForm,
    ReplyForm,
    ReturnToCustomerForm,
)
from .models import CustomerProperty, DamageReport, ExternalDocument, LoanSlip

router = Router(tags=["property"])


class PropertyItemOut(Schema):
    id: int
    number: str
    customer_id: int
    contact_id: int | None
    kind: str
    name: str
    identifier: str
    quantity: int
    unit: str
    received_on: dt.date
    received_by_id: int
    condition: str
    condition_note: str
    holding_department_id: int
    holder_id: int | None
    location: str
    status: str
    returned_on: dt.date | None
    version: int


class ItemIn(Schema):
    customer: Id
    contact: Id | None = None
    kind: str
    name: str
    identifier: str = ""
    quantity: Int64 = 1
    unit: str = "件"
    received_on: dt.date | None = None
    condition: str = "intact"
    condition_note: str = ""
    holding_department: Id | None = None
    holder: Id | None = None
    location: str = ""
    notes: str = ""


class ItemFilterIn(Schema):
    q: str = ""
    kind: str = ""
    status: str = ""
    customer: Id | None = None
    department: Id | None = None
    overdue: bool = False
    archived: bool = False


class MovementOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    from_department_id: int | None
    to_department_id: int | None
    to_person_id: int | None
    quantity: int
    note: str


class IssueIn(Schema):
    department: Id | None = None
    person: Id | None = None
    note: str = ""
    version: Int64 | None = None


class ReturnIn(Schema):
    returned_on: dt.date
    note: str = ""
    version: Int64 | None = None


class LoanOut(Schema):
    id: int
    number: str
    item_id: int
    borrower_id: int
    department_id: int
    quantity: int
    purpose: str
    customer_consent: bool
    approved_by_id: int
    lent_at: dt.datetime
    due_at: dt.datetime
    returned_at: dt.datetime | None
    return_condition: str
    overdue: bool
    version: int

    @staticmethod
    def resolve_overdue(obj: LoanSlip) -> bool:
        return obj.is_overdue


class LoanIn(Schema):
    item: Id
    borrower: Id
    department: Id | None = None
    quantity: Int64 | None = None
    purpose: str
    customer_consent: bool = False
    lent_at: dt.datetime | None = None
    due_workdays: Int64 | None = None


class LoanReturnIn(Schema):
    returned_at: dt.datetime | None = None
    return_condition: str = "intact"
    note: str = ""
    version: Int64 | None = None


class DocumentOut(Schema):
    id: int
    customer_id: int
    item_id: int | None
    doc_type: str
    doc_number: str
    revision: str
    title: str
    received_on: dt.date
    registered_by_id: int
    distributed_to: list[int]
    copies: int
    superseded: bool
    version: int

    @staticmethod
    def resolve_distributed_to(obj: ExternalDocument) -> list[int]:
        return sorted(d.pk for d in obj.distributed_to.all())


class DocumentIn(Schema):
    customer: Id
    item: Id | None = None
    doc_type: str = "drawing"
    doc_number: str
    revision: str
    title: str
    received_on: dt.date
    distributed_to: list[Id] = []
    copies: Int64 = 1
    notes: str = ""


class DamageOut(Schema):
    id: int
    number: str
    item_id: int
    kind: str
    occurred_on: dt.date
    found_by_id: int
    description: str
    immediate_action: str
    contact_id: int | None
    status: str
    sent_at: dt.datetime | None
    sent_to: str
    sent_language: str
    customer_reply: str
    reply_received_on: dt.date | None
    version: int


class DamageIn(Schema):
    item: Id
    kind: str
    occurred_on: dt.date
    description: str
    immediate_action: str = ""
    found_by: Id | None = None
    contact: Id | None = None


class SendIn(Schema):
    version: Int64 | None = None


class ReplyIn(Schema):
    customer_reply: str
    reply_received_on: dt.date | None = None
    version: Int64 | None = None


def _errors(form: Any) -> ValidationError:
    return ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})


def _valid(form: Any) -> Any:
    if not form.is_valid():
        raise _errors(form)
    return form.cleaned_data


def _get(getter: Any, model: Any, request: HttpRequest, pk: Id) -> Any:
    try:
        return getter(user=request.user, pk=pk)
    except model.DoesNotExist as exc:
        raise Http404 from exc


def _params(data: dict[str, Any]) -> dict[str, Any]:
    return {k: ("1" if v is True else "" if v is False or v is None else v)
            for k, v in data.items()}


# --- ledger ----------------------------------------------------------------------------------


@router.get(
    "/items/", response=list[PropertyItemOut], summary="Customer property ledger (顾客财产台帐)"
)
@paginate(Pagination, page_size=50)
def list_items(request: HttpRequest, filters: Query[ItemFilterIn]) -> Any:
    require(request.user, "property.view")
    return selectors.item_list(
        user=request.user, filters=PropertyFilter.from_params(_params(filters.dict()))
    )


@router.post("/items/", response={201: PropertyItemOut}, summary="Receive customer property")
def create_item(request: HttpRequest, payload: ItemIn) -> Any:
    require(request.user, "property.manage")
    customers = scope_queryset(
        Customer.objects.filter(archived_at__isnull=True), request.user, "property.manage"
    )
    data = payload.dict()
    if data["received_on"] is None:
        data.pop("received_on")
    form = PropertyForm(data=data, customers=customers)
    _valid(form)
    return Status(201, services.property_receive(actor=request.user, data=form.model_data()))


@router.get("/items/{int:pk}", response=PropertyItemOut, summary="One ledger entry")
def get_item(request: HttpRequest, pk: Id) -> Any:
    return _get(selectors.item_get, CustomerProperty, request, pk)


@router.get("/items/{int:pk}/movements", response=list[MovementOut], summary="Movements")
def item_movements(request: HttpRequest, pk: Id) -> Any:
    item = _get(selectors.item_get, CustomerProperty, request, pk)
    return list(selectors.item_movements(item=item))


@router.post(
    "/items/{int:pk}/issue", response=PropertyItemOut, summary="Issue to a department/person"
)
def issue_item(request: HttpRequest, pk: Id, payload: IssueIn) -> Any:
    item = _get(selectors.item_get, CustomerProperty, request, pk)
    require(request.user, "property.manage", item)
    data = _valid(IssueForm(data=payload.dict()))
    return services.property_issue(
        actor=request.user, item=item, department=data["department"], person=data["person"],
        note=data["note"], expected_version=payload.version,
    )


@router.post("/items/{int:pk}/return", response=PropertyItemOut, summary="Return to the customer")
def return_item(request: HttpRequest, pk: Id, payload: ReturnIn) -> Any:
    item = _get(selectors.item_get, CustomerProperty, request, pk)
    require(request.user, "property.manage", item)
    data = _valid(ReturnToCustomerForm(data=payload.dict()))
    return services.property_return_to_customer(
        actor=request.user, item=item, returned_on=data["returned_on"], note=data["note"],
        expected_version=payload.version,
    )


# --- lending slips ---------------------------------------------------------------------------


@router.get("/loans/", response=list[LoanOut], summary="Lending slips (借用单)")
@paginate(Pagination, page_size=50)
def list_loans(request: HttpRequest, q: str = "", open: bool | None = None,
               overdue: bool = False) -> Any:
    require(request.user, "property.view")
    params = {"q": q, "overdue": "1" if overdue else ""}
    if open is not None:
        params["open"] = "1" if open else "0"
    return selectors.loan_list(user=request.user, filters=LoanFilter.from_params(params))


@router.post("/loans/", response={201: LoanOut}, summary="Lend an item")
def create_loan(request: HttpRequest, payload: LoanIn) -> Any:
    require(request.user, "property.manage")
    item = _get(selectors.item_get, CustomerProperty, request, payload.item)
    data = _valid(LoanForm(data=payload.dict()))
    return Status(201, services.loan_create(actor=request.user, item=item, data=data))


@router.get("/loans/{int:pk}", response=LoanOut, summary="One lending slip")
def get_loan(request: HttpRequest, pk: Id) -> Any:
    return _get(selectors.loan_get, LoanSlip, request, pk)


@router.post("/loans/{int:pk}/return", response=LoanOut, summary="Record the return")
def return_loan(request: HttpRequest, pk: Id, payload: LoanReturnIn) -> Any:
    loan = _get(selectors.loan_get, LoanSlip, request, pk)
    data = _valid(LoanReturnForm(data=payload.dict()))
    return services.loan_return(
        actor=request.user, loan=loan, returned_at=data["returned_at"],
        condition=data["return_condition"], note=data["note"],
        expected_version=payload.version,
    )


# --- external documents ----------------------------------------------------------------------


@router.get("/documents/", response=list[DocumentOut], summary="External drawings/documents")
@paginate(Pagination, page_size=50)
def list_documents(request: HttpRequest, q: str = "", customer: Id | None = None,
                   current: bool | None = None) -> Any:
    require(request.user, "property.view")
    params = _params({"q": q, "customer": customer})
    if current is not None:
        params["current"] = "1" if current else "0"
    return selectors.document_list(user=request.user,
                                   filters=DocumentFilter.from_params(params))


@router.post("/documents/", response={201: DocumentOut}, summary="Register a document")
def create_document(request: HttpRequest, payload: DocumentIn) -> Any:
    require(request.user, "property.document")
    form = DocumentForm(
        data=payload.dict(),
        customers=scope_queryset(Customer.objects.all(), request.user, "customer.view"),
        items=selectors.item_list(user=request.user),
    )
    data = _valid(form)
    return Status(201, services.document_register(
        actor=request.user, data=form.model_data(), distributed_to=data["distributed_to"]
    ))


@router.get("/documents/{int:pk}", response=DocumentOut, summary="One document")
def get_document(request: HttpRequest, pk: Id) -> Any:
    return _get(selectors.document_get, ExternalDocument, request, pk)


# --- damage / loss reports -------------------------------------------------------------------


@router.get("/damage/", response=list[DamageOut], summary="Damage / loss reports")
@paginate(Pagination, page_size=50)
def list_damage(request: HttpRequest, q: str = "", kind: str = "", status: str = "") -> Any:
    require(request.user, "property.view")
    return selectors.damage_list(
        user=request.user,
        filters=DamageFilter.from_params({"q": q, "kind": kind, "status": status}),
    )


@router.post("/damage/", response={201: DamageOut}, summary="Report damage or loss")
def create_damage(request: HttpRequest, payload: DamageIn) -> Any:
    require(request.user, "property.damage")
    item = _get(selectors.item_get, CustomerProperty, request, payload.item)
    data = _valid(DamageReportForm(data=payload.dict(), item=item))
    return Status(201, services.damage_report_create(actor=request.user, item=item, data=data))


@router.get("/damage/{int:pk}", response=DamageOut, summary="One damage / loss report")
def get_damage(request: HttpRequest, pk: Id) -> Any:
    return _get(selectors.damage_get, DamageReport, request, pk)


@router.post("/damage/{int:pk}/send", response=DamageOut,
             summary="E-mail the report to the customer's contact")
def send_damage(request: HttpRequest, pk: Id, payload: SendIn) -> Any:
    report = _get(selectors.damage_get, DamageReport, request, pk)
    return services.damage_report_send(
        actor=request.user, report=report, expected_version=payload.version
    )


@router.post("/damage/{int:pk}/reply", response=DamageOut,
             summary="Record the customer's reply")
def reply_damage(request: HttpRequest, pk: Id, payload: ReplyIn) -> Any:
    report = _get(selectors.damage_get, DamageReport, request, pk)
    data = _valid(ReplyForm(data=payload.dict()))
    return services.damage_report_reply(
        actor=request.user, report=report, reply=data["customer_reply"],
        received_on=data["reply_received_on"], expected_version=payload.version,
    )
