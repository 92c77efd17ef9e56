"""Survey API: the same selectors and services as the UI."""


import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from manyi.accounts.permissions import record_scope, require
from manyi.common.api_types import Id, Int64, Pagination

from . import selectors, services, transfer
from .models import Answer, Campaign, Response, SurveyTemplate

router = Router(tags=["surveys"])


class TemplateOut(Schema):
    id: int
    code: str
    version_no: int
    name: str
    name_en: str
    status: str
    builtin: bool
    source: str


class CampaignOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    period_year: int
    period: str
    status: str
    template_id: int
    start_date: dt.date
    distribute_by: dt.datetime
    collection_closes: dt.datetime
    ends_at: dt.datetime
    min_return_rate: Decimal
    valid: bool | None
    version: int


class TrackingRow(Schema):
    key: Any
    label: str
    invited: int
    sent: int
    opened: int
    partial: int
    completed: int
    rate: float | None


class CampaignDetailOut(CampaignOut):
    totals: dict[str, Any]
    tracking: list[TrackingRow]


class AnswerOut(Schema):
    item: str
    competitor: bool
    value: int | None
    na: bool
    text: str


class ResponseOut(Schema):
    id: int
    campaign_id: int
    customer_id: int
    source: str
    channel: str
    status: str
    proxy: bool
    respondent: str
    submitted_at: dt.datetime | None
    answered: int
    not_applicable: int
    value_sum: int
    max_sum: int
    verify_status: str
    answers: list[AnswerOut] = Field(..., alias="answers_out")


class CellOut(Schema):
    item: str
    value: int
    count: int


def _campaign(request: HttpRequest, pk: Id) -> Campaign:
    require(request.user, "survey.view")
    try:
        return selectors.campaign_get(user=request.user, pk=pk)
    except Campaign.DoesNotExist as exc:
        raise Http404 from exc


@router.get("/templates/", response=list[TemplateOut])
def template_list(request: HttpRequest) -> Any:
    require(request.user, "survey.view")
    return list(selectors.template_list())


@router.get("/templates/{int:pk}/document")
def template_document(request: HttpRequest, pk: Id) -> Any:
    require(request.user, "survey.view")
    try:
        return transfer.template_document(SurveyTemplate.objects.get(pk=pk))
    except SurveyTemplate.DoesNotExist as exc:
        raise Http404 from exc


class TemplateDocumentIn(Schema):
    """The template document (format manyi-survey-template/1), as exported."""

    format: str = transfer.FORMAT
    code: str = ""
    name: str = ""
    name_en: str = ""
    intro: str = ""
    intro_en: str = ""
    source: str = ""
    competitor_block: bool = False
    items: list[dict[str, Any]] = []


@router.post("/templates/", response={201: TemplateOut})
def template_import(request: HttpRequest, payload: TemplateDocumentIn) -> Any:
    template = services.template_create_from_document(actor=request.user,
                                                      document=payload.dict())
    return Status(201, template)


@router.get("/campaigns/", response=list[CampaignOut])
@paginate(Pagination, page_size=50)
def campaign_list(request: HttpRequest, status: str = "", year: Int64 | None = None) -> Any:
    require(request.user, "survey.view")
    return selectors.campaign_list(user=request.user, status=status, year=year)


@router.get("/campaigns/{int:pk}", response=CampaignDetailOut)
def campaign_detail(request: HttpRequest, pk: Id, by: str = "business_unit") -> Any:
    campaign = _campaign(request, pk)
    if by not in selectors.TRACKING_BY:
        by = "business_unit"
    scope = record_scope(request.user, "survey.view")
    campaign.totals = selectors.totals(campaign, scope=scope)  # type: ignore[attr-defined]
    campaign.tracking = selectors.tracking(  # type: ignore[attr-defined]
        campaign, by, scope=scope)
    return campaign


@router.get("/campaigns/{int:pk}/responses", response=list[ResponseOut])
@paginate(Pagination, page_size=100)
def response_list(request: HttpRequest, pk: Id) -> Any:
    campaign = _campaign(request, pk)
    qs = selectors.responses(user=request.user, campaign=campaign).filter(status="submitted")
    return _ResponsesWithAnswers(qs.order_by("id"))


@router.get("/campaigns/{int:pk}/rollup", response=list[CellOut])
def item_rollup(request: HttpRequest, pk: Id, source: str = "customer",
                competitor: bool = False) -> Any:
    """Answer counts per item and value (value -1 = unable to comment) of the responses the
    user may see."""
    campaign = _campaign(request, pk)
    return selectors.item_rollup(campaign, scope=record_scope(request.user, "survey.view"),
                                 source=source, competitor=competitor)


class _ResponsesWithAnswers:
    """A lazily sliced queryset whose page gets its answers in one query (no N+1)."""

    def __init__(self, qs: Any) -> None:
        self.qs = qs

    def count(self) -> int:
        return int(self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> list[Response]:
        page = list(self.qs[key])
        answers: dict[int, list[dict[str, Any]]] = {}
        for a in Answer.objects.filter(response__in=page).select_related("item"):
            answers.setdefault(a.response_id, []).append({
                "item": a.item.key, "competitor": a.competitor, "value": a.value, "na": a.na,
                "text": a.text,
            })
        for r in page:
            r.answers_out = answers.get(r.pk, [])
        return page


