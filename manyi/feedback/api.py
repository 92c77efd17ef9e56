"""Feedback register API: the same selectors, forms, services and permissions as the UI."""

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
from .filters import FeedbackFilter, PraiseFilter
from .forms import AnswerForm, AssignForm, FeedbackEntryForm, PraiseNoticeForm, ReferenceForm
from .models import FeedbackEntry, PraiseNotice

router = Router(tags=["feedback"])


class EntryOut(Schema):
    id: int
    number: str
    received_at: dt.datetime
    customer_id: int | None
    contact_id: int | None
    contact_name: str
    contact_phone: str
    channel: str
    kind: str
    subject: str
    text: str
    status: str
    recorded_by_id: int
    assigned_department_id: int | None
    assigned_to_id: int | None
    due_at: dt.datetime | None
    overdue: bool
    answer: str
    answered_by_id: int | None
    answered_at: dt.datetime | None
    handed_over_at: dt.datetime | None
    handed_over_to: str
    version: int

    @staticmethod
    def resolve_overdue(obj: FeedbackEntry) -> bool:
        return obj.is_overdue


class EntryIn(Schema):
    received_at: dt.datetime | None = None
    customer: Id | None = None
    contact: Id | None = None
    contact_name: str = ""
    contact_phone: str = ""
    channel: str
    kind: str
    subject: str
    text: str
    answer: str = ""
    assigned_department: Id | None = None
    assigned_to: Id | None = None
    handed_over_to: str = ""


class EntryFilterIn(Schema):
    q: str = ""
    kind: str = ""
    channel: str = ""
    status: str = ""
    department: Id | None = None
    customer: Id | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    archived: bool = False
    sort: str = "-received"


class AnswerIn(Schema):
    answer: str
    version: Int64 | None = None


class AssignIn(Schema):
    assigned_department: Id | None = None
    assigned_to: Id | None = None
    version: Int64 | None = None


class ReferenceIn(Schema):
    handed_over_to: str
    version: Int64 | None = None


class PraiseOut(Schema):
    id: int
    number: str
    entry_id: int | None
    customer_id: int | None
    aspect: str
    department_id: int | None
    person_id: int | None
    text: str
    issued_by_id: int
    issued_at: dt.datetime
    version: int


class PraiseIn(Schema):
    entry: Id | None = None
    customer: Id | None = None
    aspect: str
    department: Id | None = None
    person: Id | None = None
    text: str


def _errors(form: Any) -> ValidationError:
    return ValidationError({k: [str(m) for m in v] for k, v in form.errors.items()})


def _entry(request: HttpRequest, pk: Id) -> FeedbackEntry:
    try:
        return selectors.entry_get(user=request.user, pk=pk)
    except FeedbackEntry.DoesNotExist as exc:
        raise Http404 from exc


def _params(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in data.items():
        if v is True:
            out[k] = "1"
        elif v is False or v is None:
            out[k] = ""
        elif isinstance(v, dt.date):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


@router.get("/", response=list[EntryOut], summary="The feedback register (顾客意见登记簿)")
@paginate(Pagination, page_size=50)
def list_entries(request: HttpRequest, filters: Query[EntryFilterIn]) -> Any:
    require(request.user, "feedback.view")
    flt = FeedbackFilter.from_params(_params(filters.dict()))
    return selectors.entry_list(user=request.user, filters=flt)


@router.post("/", response={201: EntryOut}, summary="Record feedback or an inquiry")
def create_entry(request: HttpRequest, payload: EntryIn) -> Any:
    require(request.user, "feedback.add")
    customers = scope_queryset(
        Customer.objects.filter(archived_at__isnull=True), request.user, "feedback.add"
    )
    data = payload.dict()
    if data["received_at"] is None:
        data.pop("received_at")
    form = FeedbackEntryForm(data=data, customers=customers)
    if not form.is_valid():
        raise _errors(form)
    return Status(201, services.feedback_create(actor=request.user, data=form.service_data()))


@router.get("/{int:pk}", response=EntryOut, summary="One entry")
def get_entry(request: HttpRequest, pk: Id) -> Any:
    return _entry(request, pk)


@router.post("/{int:pk}/answer", response=EntryOut, summary="Answer an open inquiry")
def answer_entry(request: HttpRequest, pk: Id, payload: AnswerIn) -> Any:
    entry = _entry(request, pk)
    require(request.user, "feedback.answer", entry)
    form = AnswerForm(data=payload.dict())
    if not form.is_valid():
        raise _errors(form)
    return services.feedback_answer(
        actor=request.user,
        entry=entry,
        answer=form.cleaned_data["answer"],
        expected_version=payload.version,
    )


@router.post("/{int:pk}/assign", response=EntryOut, summary="(Re)assign an open inquiry")
def assign_entry(request: HttpRequest, pk: Id, payload: AssignIn) -> Any:
    entry = _entry(request, pk)
    require(request.user, "feedback.manage", entry)
    form = AssignForm(data=payload.dict())
    if not form.is_valid():
        raise _errors(form)
    return services.feedback_assign(
        actor=request.user,
        entry=entry,
        department=form.cleaned_data["assigned_department"],
        person=form.cleaned_data["assigned_to"],
        expected_version=payload.version,
    )


@router.post(
    "/{int:pk}/reference", response=EntryOut, summary="Note the complaint / claim case number"
)
def reference_entry(request: HttpRequest, pk: Id, payload: ReferenceIn) -> Any:
    entry = _entry(request, pk)
    require(request.user, "feedback.manage", entry)
    form = ReferenceForm(data=payload.dict())
    if not form.is_valid():
        raise _errors(form)
    return services.feedback_set_reference(
        actor=request.user,
        entry=entry,
        reference=form.cleaned_data["handed_over_to"],
        expected_version=payload.version,
    )


@router.get("/praise/", response=list[PraiseOut], summary="Praise notices (通报表扬)")
@paginate(Pagination, page_size=50)
def list_praise(
    request: HttpRequest, q: str = "", aspect: str = "", department: Id | None = None
) -> Any:
    require(request.user, "feedback.view")
    flt = PraiseFilter.from_params({"q": q, "aspect": aspect, "department": department or ""})
    return selectors.praise_list(user=request.user, filters=flt)


@router.post("/praise/", response={201: PraiseOut}, summary="Issue a praise notice")
def create_praise(request: HttpRequest, payload: PraiseIn) -> Any:
    require(request.user, "praise.issue")
    if payload.entry is not None:
        _entry(request, payload.entry)
    form = PraiseNoticeForm(
        data=payload.dict(), entries=selectors.entry_list(user=request.user)
    )
    if not form.is_valid():
        raise _errors(form)
    return Status(201, services.praise_notice_issue(actor=request.user, data=form.cleaned_data))


@router.get("/praise/{int:pk}", response=PraiseOut, summary="One praise notice")
def get_praise(request: HttpRequest, pk: Id) -> Any:
    try:
        return selectors.praise_get(user=request.user, pk=pk)
    except PraiseNotice.DoesNotExist as exc:
        raise Http404 from exc
