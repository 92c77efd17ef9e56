"""Complaints API: the same selectors, forms, services and permissions as the pages.

* `GET /` list (filters as on the list page), `POST /` record a complaint,
* `GET /{id}` one complaint, `GET /{id}/transitions` the next steps the caller may take,
* `POST /{id}/transitions/{name}` take a step (`{"version": 3, "data": {...}}`): 409 when the
  step is not possible in the current state (the answer names the state and the allowed
  steps) or the version is stale, 422 for invalid data, 403 without the permission,
* `GET /{id}/proposals` the remedy proposals, `GET /{id}/history` the audit trail,
* `GET /kpis` the complaint KPIs of a period.
"""


import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from manyi.accounts.models import User
from manyi.accounts.permissions import require, scope_queryset
from manyi.common.api_types import Id, Int64, Pagination
from manyi.common.calendar import local_tz
from manyi.common.services import StaleRecordError
from manyi.customers.models import Customer

from . import selectors, services, workflow
from .filters import ComplaintFilter, day_start, period_bounds
from .forms import ComplaintForm, transition_form
from .models import Complaint
from .workflow import WORKFLOW

router = Router(tags=["complaints"])


class ComplaintOut(Schema):
    id: int
    number: str
    customer_id: int
    customer_name: str = Field(..., alias="customer.name")
    contact_id: int | None
    contact_name: str
    contact_phone: str
    channel: str
    received_at: dt.datetime
    product_id: int | None
    product_model: str
    batch_number: str
    purchase_date: dt.date | None
    purchase_place: str
    description: str
    customer_demand: str
    content_category: str
    nature: str
    severity: str
    state: str
    escalated: bool
    owner_id: int | None
    responsible_department_id: int | None
    due_at: dt.datetime | None
    remedy_due_at: dt.datetime | None
    overdue: bool = Field(..., alias="is_overdue")
    acknowledged_at: dt.datetime | None
    first_remedy_at: dt.datetime | None
    result: str
    root_cause: str
    capa_required: bool | None
    capa_reference: str
    closed_at: dt.datetime | None
    callback_at: dt.datetime | None
    callback_satisfaction: str
    parent_id: int | None
    legal_flag: bool
    legal_opinion: str
    version: int


class ComplaintIn(Schema):
    customer: Id
    contact: Id | None = None
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    contact_language: str = "zh-hans"
    channel: str
    received_at: dt.datetime | None = None
    product: Id | None = None
    product_model: str = ""
    batch_number: str = ""
    purchase_date: dt.date | None = None
    purchase_place: str = ""
    description: str
    customer_demand: str = ""
    content_category: str
    nature: str = ""
    severity: str = "general"
    legal_flag: bool = False


class FilterIn(Schema):
    q: str = ""
    state: str = ""
    severity: str = ""
    channel: str = ""
    category: str = ""
    overdue: bool | None = None
    escalated: bool | None = None
    office: Id | None = None
    customer: Id | None = None
    period: str = ""
    date_from: str = ""
    date_to: str = ""
    sort: str = "-received"


class ComplaintTransitionIn(Schema):
    version: Int64 | None = None
    data: dict[str, Any] = {}


class TransitionOut(Schema):
    name: str
    label: str
    blocked: str | None


class ProposalOut(Schema):
    id: int
    number: int
    kind: str
    description: str
    amount: Decimal | None
    status: str
    by_quality: bool
    approver_roles: str
    approved_by_id: int | None
    approved_at: dt.datetime | None
    approval_note: str
    proposed_at: dt.datetime | None
    answered_at: dt.datetime | None
    answer_note: str
    created_at: dt.datetime
    created_by_id: int | None


class ComplaintAuditOut(Schema):
    record: str
    action: str
    changes: dict[str, Any]
    actor: str | None
    at: dt.datetime
    note: str


class RepeatOut(Schema):
    customer_id: int
    code: str
    name: str
    complaints: int


class KpisOut(Schema):
    start: dt.datetime
    end: dt.datetime
    received: int
    closed: int
    closure_rate: Decimal | None
    closure_target: Decimal
    closure_ok: bool | None
    first_remedy_mean_hours: Decimal | None
    first_remedy_median_hours: Decimal | None
    within_48h: int
    due_48h: int
    within_48h_rate: Decimal | None
    active: int
    overdue: int
    overdue_share: Decimal | None
    repeat_complaints: int
    linked_repeats: int
    repeat_customers: list[RepeatOut]
    callback_satisfaction_rate: Decimal | None


class ConflictOut(Schema):
    detail: str
    state: str
    allowed: list[str] = []
    current_version: int | None = None


def _complaint(request: HttpRequest, pk: Id) -> Complaint:
    try:
        return selectors.complaint_get(user=request.user, pk=pk)
    except Complaint.DoesNotExist as exc:
        raise Http404 from exc


def _form_errors(form: forms.BaseForm) -> ValidationError:
    return ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})


@router.get("/", response=list[ComplaintOut], summary="List complaints")
@paginate(Pagination, page_size=50)
def list_complaints(request: HttpRequest, filters: Query[FilterIn]) -> Any:
    require(request.user, "complaint.view")
    params = {
        k: ("1" if v is True else "0" if v is False else v)
        for k, v in filters.dict().items()
        if v is not None
    }
    return selectors.complaint_list(user=request.user, filters=ComplaintFilter.from_params(params))


@router.post("/", response={201: ComplaintOut}, summary="Record a complaint")
def create_complaint(request: HttpRequest, payload: ComplaintIn) -> Any:
    require(request.user, "complaint.add")
    customers = scope_queryset(
        Customer.objects.filter(archived_at__isnull=True), request.user, "complaint.add"
    )
    data = payload.dict()
    if data.get("received_at") is None:
        data["received_at"] = timezone.localtime(timezone.now(), local_tz()).strftime(
            "%Y-%m-%d %H:%M:%S"
        )
    form = ComplaintForm(data=data, customers=customers)
    if not form.is_valid():
        raise _form_errors(form)
    complaint = services.complaint_create(actor=request.user, data=form.model_data())
    return Status(201, selectors.complaint_get(user=request.user, pk=complaint.pk))


@router.get("/kpis", response=KpisOut, summary="Complaint KPIs of a period")
def complaint_kpis(request: HttpRequest, period: str = "") -> Any:
    require(request.user, "complaint.view")
    bounds = period_bounds(period) if period else None
    now = timezone.now()
    if bounds:
        start, end = day_start(bounds[0]), day_start(bounds[1])
    else:
        today = timezone.localdate(now, local_tz())
        start = day_start(today - dt.timedelta(days=364))
        end = day_start(today + dt.timedelta(days=1))
    kpis = selectors.complaint_kpis(
        selectors.complaints_visible(request.user), start=start, end=end, now=now
    )
    return {
        **{name: getattr(kpis, name) for name in KpisOut.model_fields if name != "closure_ok"},
        "closure_ok": kpis.closure_ok,
        "repeat_customers": [
            {"customer_id": r.customer_id, "code": r.code, "name": r.name,
             "complaints": r.complaints}
            for r in kpis.repeat_customers
        ],
    }


@router.get("/{int:pk}", response=ComplaintOut, summary="One complaint")
def get_complaint(request: HttpRequest, pk: Id) -> Any:
    return _complaint(request, pk)


@router.get(
    "/{int:pk}/transitions", response=list[TransitionOut], summary="The next steps I may take"
)
def complaint_transitions(request: HttpRequest, pk: Id) -> Any:
    complaint = _complaint(request, pk)
    return [
        {"name": a.transition.name, "label": str(a.transition.label), "blocked": a.blocked}
        for a in WORKFLOW.offers(complaint, request.user)
    ]


def _as_form_data(form: forms.BaseForm, data: dict[str, Any]) -> dict[str, Any]:
    """JSON → form data: true/false for yes/no choices."""
    out = dict(data)
    for name, field in form.fields.items():
        if isinstance(field, forms.TypedChoiceField) and isinstance(out.get(name), bool):
            out[name] = "1" if out[name] else "0"
    return out


@router.post(
    "/{int:pk}/transitions/{name}",
    response={200: ComplaintOut, 409: ConflictOut},
    summary="Take a step of the workflow",
)
def complaint_transition(
    request: HttpRequest, pk: Id, name: str, payload: ComplaintTransitionIn
) -> Any:
    complaint = _complaint(request, pk)
    if name not in WORKFLOW.by_name:
        raise Http404
    probe = transition_form(name, complaint)
    form = transition_form(name, complaint, data=_as_form_data(probe, payload.data))
    try:
        # State and permission first: a wrong step is a conflict, not a form error.
        WORKFLOW.check(name, complaint, request.user, guard=False)
    except workflow.TransitionNotAllowed as exc:
        return Status(409, {"detail": " ".join(exc.messages), "state": exc.state,
                            "allowed": exc.allowed})
    if not form.is_valid():
        raise _form_errors(form)
    try:
        services.complaint_transition(
            actor=request.user,
            complaint=complaint,
            name=name,
            data=form.cleaned_data,
            expected_version=payload.version,
        )
    except workflow.TransitionNotAllowed as exc:
        return Status(409, {"detail": " ".join(exc.messages), "state": exc.state,
                            "allowed": exc.allowed})
    except StaleRecordError as exc:
        return Status(409, {"detail": str(exc), "state": complaint.state,
                            "current_version": exc.current})
    return selectors.complaint_get(user=request.user, pk=pk)


class ReassignIn(Schema):
    owner: Id = Field(description="id of the user who takes the complaint over")
    note: str = Field(description="why the complaint changes hands (kept in the audit trail)")
    version: Int64 | None = None


@router.post(
    "/{int:pk}/reassign",
    response={200: ComplaintOut, 409: ConflictOut},
    summary="Hand the complaint to someone else",
)
def complaint_reassign(request: HttpRequest, pk: Id, payload: ReassignIn) -> Any:
    complaint = _complaint(request, pk)
    owner = User.objects.filter(pk=payload.owner, is_active=True).first()
    try:
        services.complaint_reassign(actor=request.user, complaint=complaint, owner=owner,
                                    note=payload.note, expected_version=payload.version)
    except StaleRecordError as exc:
        return Status(409, {"detail": str(exc), "state": complaint.state,
                            "current_version": exc.current})
    return selectors.complaint_get(user=request.user, pk=pk)


@router.get("/{int:pk}/proposals", response=list[ProposalOut], summary="Remedy proposals")
def complaint_proposals(request: HttpRequest, pk: Id) -> Any:
    return list(selectors.proposals_of(_complaint(request, pk)))


@router.get("/{int:pk}/history", response=list[ComplaintAuditOut], summary="Audit trail")
def complaint_history(request: HttpRequest, pk: Id) -> Any:
    complaint = _complaint(request, pk)
    require(request.user, "audit.view", complaint)
    return [
        {
            "record": e.object_repr,
            "action": e.action,
            "changes": e.changes,
            "actor": str(e.actor) if e.actor else None,
            "at": e.at,
            "note": e.note,
        }
        for e in selectors.complaint_history(complaint)
    ]
