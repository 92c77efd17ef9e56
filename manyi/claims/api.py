"""Claims API: the same selectors, forms, services and permissions as the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from manyi.accounts.permissions import require
from manyi.common.api_types import Id, Int64, Pagination
from manyi.common.attachments import attachments_of

from . import selectors, services
from .filters import ClaimFilter, Period
from .forms import (
    TRANSITION_FORMS,
    ClaimForm,
    LineForm,
    RecourseForm,
    RoundForm,
    customers_for,
    transition_form,
)
from .models import Claim
from .workflow import WORKFLOW

router = Router(tags=["claims"])


class ClaimOut(Schema):
    id: int
    number: str
    received_on: dt.date
    customer_id: int
    contact_id: int | None
    product_id: int | None
    batch_number: str
    order_id: int | None
    handler_id: int
    description: str
    demand: str
    claimed_amount: Decimal | None
    complaint_reference: str
    state: str
    state_since: dt.datetime
    step_due_at: dt.datetime | None
    step_owner_id: int | None
    overdue: bool
    step_note: str
    preliminary_analysis: str
    proposal: str
    proposed_amount: Decimal | None
    approved_by_id: int | None
    approved_at: dt.datetime | None
    agreed_amount: Decimal | None
    liability: str
    liability_decision: str
    liability_decided_on: dt.date | None
    company_share_percent: Decimal | None
    supplier_name: str
    customer_acknowledgement: str
    acknowledged_on: dt.date | None
    compensation_subtotal: Decimal | None
    compensation_amount: Decimal | None
    root_cause: str
    capa_required: bool
    capa_reference: str
    closed_at: dt.datetime | None
    version: int
    changed_at: dt.datetime

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        if isinstance(obj, dict):  # the detail, built from a dump of this schema
            return bool(obj["overdue"])
        return bool(obj.is_overdue)


class RoundOut(Schema):
    id: int
    number: int
    held_on: dt.date
    offer: str
    offer_amount: Decimal | None
    answer: str
    answer_note: str
    version: int


class PanelOut(Schema):
    function: str
    department_id: int | None
    user_id: int | None


class LineOut(Schema):
    position: int
    kind: str
    description: str
    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None
    total: Decimal


class RecourseOut(Schema):
    supplier_name: str
    amount_claimed: Decimal
    negotiation_notes: str
    amount_recovered: Decimal | None
    settled_on: dt.date | None
    version: int


class QualityCostOut(Schema):
    date: dt.date
    customer_id: int
    product_id: int | None
    amount: Decimal
    category: str


class StepOut(Schema):
    transition: str
    from_state: str
    to_state: str
    actor_id: int | None
    at: dt.datetime
    note: str
    owner_id: int | None
    due_at: dt.datetime | None


class AttachmentOut(Schema):
    id: int
    original_name: str
    size: int
    mime_type: str
    note: str
    uploaded_at: dt.datetime
    url: str


class ClaimDetailOut(ClaimOut):
    rounds: list[RoundOut]
    panel: list[PanelOut]
    compensation_lines: list[LineOut]
    recourse: RecourseOut | None
    quality_cost: QualityCostOut | None
    history: list[StepOut]
    attachments: list[AttachmentOut]
    allowed_steps: list[str]


class ClaimIn(Schema):
    customer: Id
    received_on: dt.date | None = None
    contact: Id | None = None
    product: Id | None = None
    batch_number: str = ""
    order_number: str = ""
    handler: Id | None = None
    description: str
    demand: str = ""
    claimed_amount: Decimal | None = None
    complaint_reference: str = ""


class ClaimFilterIn(Schema):
    q: str = ""
    state: str = ""
    customer: Id | None = None
    liability: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    archived: bool = False
    sort: str = "-received"


class PanelIn(Schema):
    function: str
    department: Id | None = None
    user: Id | None = None


class ClaimTransitionIn(Schema):
    name: str
    version: Int64 | None = None
    data: dict[str, Any] = {}
    panel: list[PanelIn] = []


class RoundIn(Schema):
    held_on: dt.date
    offer: str
    offer_amount: Decimal | None = None
    answer: str = "pending"
    answer_note: str = ""


class LineIn(Schema):
    kind: str
    description: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None


class CompensationIn(Schema):
    version: Int64 | None = None
    lines: list[LineIn]


class RecourseIn(Schema):
    version: Int64 | None = None
    supplier_name: str | None = None
    amount_claimed: Decimal | None = None
    negotiation_notes: str | None = None
    amount_recovered: Decimal | None = None
    settled_on: dt.date | None = None


class CostRowOut(Schema):
    key: str
    label: str
    count: int
    amount: Decimal


class CostTotalsOut(Schema):
    date_from: dt.date
    date_to: dt.date
    by_month: list[CostRowOut]
    by_customer: list[CostRowOut]
    by_product: list[CostRowOut]
    total: Decimal
    count: int


def _invalid(form: Any, prefix: str = "") -> ValidationError:
    return ValidationError(
        {f"{prefix}{k}": [str(m) for m in v] for k, v in form.errors.items()}
    )


def _claim(request: HttpRequest, pk: Id) -> Claim:
    try:
        return selectors.claim_get(user=request.user, pk=pk)
    except Claim.DoesNotExist as exc:
        raise Http404 from exc


def _attachment(a: Any) -> dict[str, Any]:
    return {"id": a.pk, "original_name": a.original_name, "size": a.size,
            "mime_type": a.mime_type, "note": a.note, "uploaded_at": a.uploaded_at,
            "url": reverse("attachment", args=[a.pk])}


def _detail(request: HttpRequest, claim: Claim) -> dict[str, Any]:
    data = ClaimOut.from_orm(claim).model_dump()
    data.update(
        rounds=list(selectors.claim_rounds(claim)),
        panel=list(selectors.claim_panel(claim)),
        compensation_lines=list(selectors.claim_lines(claim)),
        recourse=selectors.claim_recourse(claim),
        quality_cost=selectors.claim_quality_cost(claim),
        history=list(selectors.claim_steps(claim)),
        attachments=[_attachment(a) for a in attachments_of(claim)],
        allowed_steps=[t.name for t in WORKFLOW.available(claim, request.user)],
    )
    return data


@router.get("/", response=list[ClaimOut], summary="List claims")
@paginate(Pagination, page_size=50)
def list_claims(request: HttpRequest, filters: Query[ClaimFilterIn]) -> Any:
    require(request.user, "claim.view")
    params = {k: ("1" if v is True else "0" if v is False else v)
              for k, v in filters.dict().items() if v is not None}
    return selectors.claim_list(user=request.user, filters=ClaimFilter.from_params(params))


@router.post("/", response={201: ClaimDetailOut}, summary="Register a claim")
def create_claim(request: HttpRequest, payload: ClaimIn) -> Any:
    require(request.user, "claim.add")
    form = ClaimForm(data=payload.dict(), customers=customers_for(request.user))
    if not form.is_valid():
        raise _invalid(form)
    claim = services.claim_create(actor=request.user, data=form.model_data())
    return Status(201, _detail(request, _claim(request, claim.pk)))


@router.get("/costs", response=CostTotalsOut, summary="Quality cost of claims: totals")
def quality_cost_totals(
    request: HttpRequest, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> Any:
    require(request.user, "quality_cost.view")
    period = Period.from_params({"date_from": date_from, "date_to": date_to})
    totals = selectors.quality_cost_totals(user=request.user, period=period)
    return {
        "date_from": period.date_from,
        "date_to": period.date_to,
        "by_month": totals.by_month,
        "by_customer": totals.by_customer,
        "by_product": totals.by_product,
        "total": totals.total,
        "count": totals.count,
    }


@router.get("/{int:pk}", response=ClaimDetailOut, summary="One claim with its history")
def get_claim(request: HttpRequest, pk: Id) -> Any:
    return _detail(request, _claim(request, pk))


@router.post("/{int:pk}/transition", response=ClaimDetailOut,
             summary="Take a workflow step (send the version)")
def transition_claim(request: HttpRequest, pk: Id, payload: ClaimTransitionIn) -> Any:
    claim = _claim(request, pk)
    if payload.name not in TRANSITION_FORMS:
        WORKFLOW.transition(payload.name)  # raises "unknown step" (422)
    data = {**payload.data, "version": payload.version}
    if payload.name == "determine":
        seen: set[str] = set()
        for entry in payload.panel:
            if entry.function in seen:
                raise ValidationError({"panel": "one entry per function"})
            seen.add(entry.function)
            data[f"panel_{entry.function}_department"] = entry.department
            data[f"panel_{entry.function}_user"] = entry.user
    form = transition_form(payload.name, data=data, prefix=False)
    if not form.is_valid():
        raise _invalid(form)
    updated = services.claim_perform(
        actor=request.user,
        claim=claim,
        name=payload.name,
        data=form.service_kwargs(),
        expected_version=payload.version,
    )
    return _detail(request, _claim(request, updated.pk))


@router.post("/{int:pk}/rounds", response={201: RoundOut},
             summary="Record a negotiation round")
def add_round(request: HttpRequest, pk: Id, payload: RoundIn) -> Any:
    claim = _claim(request, pk)
    form = RoundForm(data=payload.dict(), prefix=None)
    if not form.is_valid():
        raise _invalid(form)
    return Status(
        201, services.negotiation_round_add(actor=request.user, claim=claim, **form.cleaned_data)
    )


@router.post("/{int:pk}/compensation", response=ClaimDetailOut,
             summary="Finance: calculate the compensation from its lines")
def calculate_compensation(request: HttpRequest, pk: Id, payload: CompensationIn) -> Any:
    claim = _claim(request, pk)
    lines = []
    for i, line in enumerate(payload.lines):
        form = LineForm(data=line.dict())
        if not form.is_valid():
            raise _invalid(form, prefix=f"lines[{i}].")
        parsed = form.line()
        if parsed is not None:
            lines.append(parsed)
    updated = services.compensation_calculate(
        actor=request.user, claim=claim, lines=lines, expected_version=payload.version
    )
    return _detail(request, _claim(request, updated.pk))


@router.patch("/{int:pk}/recourse", response=RecourseOut,
              summary="Deputy GM: the recourse against the supplier")
def update_recourse(request: HttpRequest, pk: Id, payload: RecourseIn) -> Any:
    claim = _claim(request, pk)
    recourse = selectors.claim_recourse(claim)
    if recourse is None:
        raise Http404
    current = RecourseForm(instance=recourse, prefix=None).initial
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    form = RecourseForm(data={**current, **changes}, instance=recourse, prefix=None)
    if not form.is_valid():
        raise _invalid(form)
    return services.recourse_update(
        actor=request.user, claim=claim, data=form.model_data(), expected_version=version
    )


@router.post("/{int:pk}/attachments", response={201: AttachmentOut},
             summary="Attach a document or receipt (multipart)")
def attach(
    request: HttpRequest, pk: Id, file: File[UploadedFile], note: Form[str] = ""
) -> Any:
    claim = _claim(request, pk)
    a = services.claim_attach(actor=request.user, claim=claim, upload=file, note=note)
    return Status(201, _attachment(a))
