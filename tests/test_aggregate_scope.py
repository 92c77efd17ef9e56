"""Scoped users see only their scope, in aggregates too (issue 9).

Every page and API endpoint is classified: it shows figures over many records (an aggregate:
counts, sums, rates, distributions, rollups, KPIs, charts, summaries, tracking tables) or not.
A new page or endpoint that is in neither list fails `test_every_page_and_endpoint_is_
classified`. Each aggregate is then opened by every scoped demo user (a role with an OWN
grant: branch office, branch company, business unit, region) on the tiny demo, and its figures
must equal the figures counted here, independently, over only the records of the user's
departments — or the endpoint must refuse (403) when a part of the figure makes no sense.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from manyi.accounts.permissions import ROLE_GRANTS, Scope
from manyi.demo.users import DEMO_USERS

SCOPED_USERNAMES = [
    u.username for u in DEMO_USERS
    if not u.superuser and Scope.OWN in ROLE_GRANTS.get(u.role, {}).values()
]

# --- the classification ----------------------------------------------------------------------

# API operations that are NOT aggregates: one record, a list of records (scoped by the list's
# own tests), or a write.
API_NOT_AGGREGATE = {
    "GET /api/v1/customers/", "POST /api/v1/customers/", "GET /api/v1/customers/{pk}",
    "PATCH /api/v1/customers/{pk}", "POST /api/v1/customers/{pk}/archive",
    "GET /api/v1/customers/{pk}/history", "GET /api/v1/customers/{pk}/contacts",
    "POST /api/v1/customers/contacts", "GET /api/v1/customers/contacts/{pk}",
    "GET /api/v1/customers/orders/", "POST /api/v1/customers/orders/",
    "GET /api/v1/customers/orders/{pk}",
    "GET /api/v1/feedback/", "POST /api/v1/feedback/", "GET /api/v1/feedback/{pk}",
    "POST /api/v1/feedback/{pk}/answer", "POST /api/v1/feedback/{pk}/assign",
    "POST /api/v1/feedback/{pk}/reference", "GET /api/v1/feedback/praise/",
    "POST /api/v1/feedback/praise/", "GET /api/v1/feedback/praise/{pk}",
    "GET /api/v1/complaints/", "POST /api/v1/complaints/", "GET /api/v1/complaints/{pk}",
    "GET /api/v1/complaints/{pk}/transitions", "POST /api/v1/complaints/{pk}/transitions/{name}",
    "POST /api/v1/complaints/{pk}/reassign", "GET /api/v1/complaints/{pk}/proposals",
    "GET /api/v1/complaints/{pk}/history",
    "GET /api/v1/claims/", "POST /api/v1/claims/", "GET /api/v1/claims/{pk}",
    "POST /api/v1/claims/{pk}/transition", "POST /api/v1/claims/{pk}/rounds",
    "POST /api/v1/claims/{pk}/compensation", "PATCH /api/v1/claims/{pk}/recourse",
    "POST /api/v1/claims/{pk}/attachments",
    "GET /api/v1/property/items/", "POST /api/v1/property/items/",
    "GET /api/v1/property/items/{pk}", "GET /api/v1/property/items/{pk}/movements",
    "POST /api/v1/property/items/{pk}/issue", "POST /api/v1/property/items/{pk}/return",
    "GET /api/v1/property/loans/", "POST /api/v1/property/loans/",
    "GET /api/v1/property/loans/{pk}", "POST /api/v1/property/loans/{pk}/return",
    "GET /api/v1/property/documents/", "POST /api/v1/property/documents/",
    "GET /api/v1/property/documents/{pk}", "GET /api/v1/property/damage/",
    "POST /api/v1/property/damage/", "GET /api/v1/property/damage/{pk}",
    "POST /api/v1/property/damage/{pk}/send", "POST /api/v1/property/damage/{pk}/reply",
    "GET /api/v1/surveys/templates/", "POST /api/v1/surveys/templates/",
    "GET /api/v1/surveys/templates/{pk}/document", "GET /api/v1/surveys/campaigns/",
    "GET /api/v1/surveys/campaigns/{pk}/responses",
    "POST /api/v1/analysis/problems/{pk}/status", "POST /api/v1/analysis/problems/scan",
    "POST /api/v1/analysis/targets", "POST /api/v1/analysis/targets/{pk}/approve",
}

# Pages (URL names) that are NOT aggregates.
PAGES_NOT_AGGREGATE = {
    "module", "attachment", "set_language",
    "accounts:login", "accounts:logout", "accounts:profile", "accounts:token_create",
    "accounts:token_revoke", "accounts:password_change",
    "customers:list", "customers:create", "customers:bulk", "customers:detail",
    "customers:edit", "customers:archive", "customers:contact_create", "customers:contacts",
    "customers:contact_edit", "customers:order_create", "customers:orders",
    "customers:order_edit", "customers:export", "customers:import", "customers:import_job",
    "feedback:create", "feedback:contact_options", "feedback:detail", "feedback:edit",
    "feedback:answer", "feedback:assign", "feedback:reference", "feedback:archive",
    "feedback:attach", "feedback:hand_over", "feedback:praise_list", "feedback:praise_create",
    "feedback:praise_detail",
    "complaints:list", "complaints:casebook", "complaints:create",
    "complaints:customer_options", "complaints:contact_options", "complaints:detail",
    "complaints:edit", "complaints:transition", "complaints:acknowledge",
    "complaints:flag_legal", "complaints:reassign", "complaints:legal_opinion",
    "complaints:attach", "complaints:accountability", "complaints:rectified",
    "claims:list", "claims:create", "claims:detail", "claims:edit", "claims:step",
    "claims:round", "claims:round_answer", "claims:compensation", "claims:recourse",
    "claims:attach",
    "property:create", "property:detail", "property:edit", "property:issue",
    "property:return", "property:attach", "property:lend", "property:damage_create",
    "property:loans", "property:loan_detail", "property:loan_return", "property:documents",
    "property:document_create", "property:document_detail", "property:document_edit",
    "property:damage", "property:damage_detail", "property:damage_send",
    "property:damage_reply", "property:damage_attach",
    "surveys:calendar", "surveys:tasks", "surveys:task_done", "surveys:templates",
    "surveys:template_import", "surveys:template", "surveys:template_edit",
    "surveys:template_copy", "surveys:template_new_version", "surveys:template_publish",
    "surveys:template_export", "surveys:template_print", "surveys:item_new",
    "surveys:item_edit", "surveys:item_remove", "surveys:campaign_create",
    "surveys:campaign_edit", "surveys:approve", "surveys:campaign_action",
    "surveys:respondents", "surveys:respondent_add", "surveys:responses", "surveys:export",
    "surveys:self_eval", "surveys:invitation", "surveys:invitation_link",
    "surveys:invitation_print", "surveys:invitation_enter", "surveys:response",
    "surveys:correct", "surveys:verify", "surveys:complaint",
    "analysis:campaign_scoring", "analysis:problem_scan", "analysis:problem_status",
    "analysis:target_approve", "analysis:plotly_js",
    "survey_public:form", "survey_public:thanks",
}


# --- the demo and the independent counts ------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The tiny demo, built once for the module and rolled back at its end."""
    from manyi.demo.build import build_demo

    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(seed=11, today=timezone.localdate(), scale="tiny")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def as_user(demo: None, db: Any) -> Callable[[str], tuple[Any, Client, dict[str, str]]]:
    from manyi.accounts.models import User
    from manyi.accounts.services import api_token_create

    def login(username: str) -> tuple[Any, Client, dict[str, str]]:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        _token, key = api_token_create(user=user)
        return user, client, {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    return login


def departments_of(user: Any) -> set[int]:
    """The user's department and all below it, read from the tree here."""
    from manyi.accounts.models import Department

    parents = dict(Department.objects.values_list("id", "parent_id"))
    out = {user.department_id}
    grew = True
    while grew:
        below = {d for d, p in parents.items() if p in out} - out
        out |= below
        grew = bool(below)
    return out


VIEW_ACTION = {"customer": "customer.view", "feedbackentry": "feedback.view",
               "customerproperty": "property.view", "complaint": "complaint.view",
               "qualitycost": "quality_cost.view"}


def in_scope(model: Any, user: Any, prefix: str = "") -> Q:
    """The records the user may see: all, none, or those of the user's departments (the
    model's own scope rule, or its customer's branch office / business unit / region)."""
    scope = grants(user, VIEW_ACTION.get(model._meta.model_name, "survey.view"))
    if scope == Scope.ALL:
        return Q()
    if scope == Scope.NONE:
        return Q(pk__in=[])
    ids = departments_of(user)
    if not prefix and hasattr(model, "scope_q"):
        q: Q = model.scope_q(ids)
        return q
    return (Q(**{f"{prefix}branch_office_id__in": ids})
            | Q(**{f"{prefix}business_unit_id__in": ids})
            | Q(**{f"{prefix}region_id__in": ids}))


def grants(user: Any, action: str) -> Scope:
    best = Scope.NONE
    for code in user.roles.values_list("code", flat=True):
        best = max(best, ROLE_GRANTS.get(code, {}).get(action, Scope.NONE))
    return best


def _campaign() -> Any:
    from manyi.surveys.models import Campaign

    return Campaign.objects.filter(status="closed").order_by("-start_date").first()


def expected_tracking(user: Any, campaign: Any, by: str) -> list[dict[str, Any]]:
    from manyi.surveys.models import Invitation, Response

    field = {"business_unit": "business_unit_id", "office": "branch_office_id",
             "class": "customer_class", "respondent": "decision_class"}.get(by)
    groups: dict[Any, Counter[str]] = {}
    invs = Invitation.objects.filter(in_scope(Invitation, user), campaign=campaign,
                                     sent_at__isnull=False)
    proxy = set(Response.objects.filter(invitation__in=invs, source="customer",
                                        status="submitted", proxy=True)
                .values_list("invitation_id", flat=True))
    for inv in invs:
        key = inv.channel == "delegated" if field is None else getattr(inv, field)
        g = groups.setdefault(key, Counter())
        g["invited"] += 1
        g["opened"] += bool(inv.opened_at)
        g["partial"] += bool(inv.started_at) and not inv.completed_at
        g["completed"] += bool(inv.completed_at)
        g["proxy"] += inv.pk in proxy
    return [{"key": k, "invited": g["invited"], "opened": g["opened"], "partial": g["partial"],
             "completed": g["completed"], "proxy": g["proxy"],
             "rate": round(g["completed"] * 100 / g["invited"], 6)}
            for k, g in sorted(groups.items())]


def _tracking_seen(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The figures of a tracking table (the API has no proxy column)."""
    return [{"key": r["key"], "invited": r["invited"], "opened": r["opened"],
             "partial": r["partial"], "completed": r["completed"], "proxy": r["proxy"],
             "rate": round(r["rate"], 6) if r["rate"] is not None else None} for r in rows]


def _without_proxy(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "proxy"} for r in rows]


def expected_totals(user: Any, campaign: Any) -> dict[str, Any]:
    rows = expected_tracking(user, campaign, "business_unit")
    invited = sum(r["invited"] for r in rows)
    completed = sum(r["completed"] for r in rows)
    return {"invited": invited, "completed": completed,
            "opened": sum(r["opened"] for r in rows),
            "partial": sum(r["partial"] for r in rows),
            "rate": round(completed * 100 / invited, 6) if invited else None}


def _totals_seen(t: dict[str, Any]) -> dict[str, Any]:
    return {"invited": t["invited"], "completed": t["completed"], "opened": t["opened"],
            "partial": t["partial"],
            "rate": round(t["rate"], 6) if t["rate"] is not None else None}


def expected_rollup(user: Any, campaign: Any) -> list[dict[str, Any]]:
    from manyi.surveys.models import RATED_SCALES, Answer, Response

    responses = Response.objects.filter(in_scope(Response, user), campaign=campaign,
                                        status="submitted", source="customer")
    counts: Counter[tuple[str, int]] = Counter()
    for key, value, na in Answer.objects.filter(
        response__in=responses, competitor=False, item__scale__in=RATED_SCALES
    ).filter(Q(value__isnull=False) | Q(na=True)).values_list("item__key", "value", "na"):
        counts[(key, -1 if na else value)] += 1
    return [{"item": k, "value": v, "count": n} for (k, v), n in sorted(counts.items())]


# --- the checks, one per aggregate -------------------------------------------------------------

Check = Callable[[Any, Client, dict[str, str]], None]


def _refused_unless_all(action: str, url_of: Callable[[], str]) -> Check:
    """Figures over every record: a user without ALL is refused (403), on page and API."""

    def check(user: Any, client: Client, headers: dict[str, str]) -> None:
        url = url_of()
        response = client.get(url, **(headers if url.startswith("/api/") else {}))
        if grants(user, action) == Scope.ALL:
            assert response.status_code == 200
        else:
            assert response.status_code == 403, (url, response.status_code)

    return check


def check_campaign_api(user: Any, client: Client, headers: dict[str, str]) -> None:
    campaign = _campaign()
    for by in ("business_unit", "office", "class", "respondent", "delegated"):
        body = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}?by={by}", **headers).json()
        assert _without_proxy(_tracking_seen([{**r, "proxy": 0} for r in body["tracking"]])) \
            == _without_proxy(expected_tracking(user, campaign, by)), by
        assert _totals_seen(body["totals"]) == expected_totals(user, campaign)


def check_rollup_api(user: Any, client: Client, headers: dict[str, str]) -> None:
    campaign = _campaign()
    body = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/rollup", **headers).json()
    assert body == expected_rollup(user, campaign)


def check_campaign_page(user: Any, client: Client, headers: dict[str, str]) -> None:
    from manyi.surveys.models import CampaignTarget, Invitation, TargetApproval

    campaign = _campaign()
    for by in ("business_unit", "office", "delegated"):
        ctx = client.get(f"/surveys/campaigns/{campaign.pk}/?by={by}").context
        assert _tracking_seen(ctx["tracking"]) == expected_tracking(user, campaign, by), by
        assert _totals_seen(ctx["totals"]) == expected_totals(user, campaign)
    assert ctx["targets"] == CampaignTarget.objects.filter(
        in_scope(CampaignTarget, user, "customer__"), campaign=campaign).count()
    assert ctx["respondents"] == Invitation.objects.filter(
        in_scope(Invitation, user), campaign=campaign).count()
    assert {a.pk for a, _may in ctx["approvals"]} == set(TargetApproval.objects.filter(
        in_scope(TargetApproval, user), campaign=campaign).values_list("pk", flat=True))


def check_campaign_list_page(user: Any, client: Client, headers: dict[str, str]) -> None:
    ctx = client.get("/surveys/").context
    assert ctx["rows"]
    for campaign, totals in ctx["rows"]:
        assert _totals_seen(totals) == expected_totals(user, campaign), campaign.number


def check_chase_page(user: Any, client: Client, headers: dict[str, str]) -> None:
    campaign = _campaign()
    rows = client.get(f"/surveys/campaigns/{campaign.pk}/chase/").context["rows"]
    seen = [(r["business_unit"].pk, r["invited"], r["answered"]) for r in rows]
    expected = [(r["key"], r["invited"], r["completed"])
                for r in expected_tracking(user, campaign, "business_unit")]
    assert sorted(seen) == sorted(expected)


def _complaints(user: Any) -> Any:
    from manyi.complaints.models import Complaint

    return Complaint.objects.filter(in_scope(Complaint, user))


def check_complaint_kpis_api(user: Any, client: Client, headers: dict[str, str]) -> None:
    year = timezone.localdate().year
    body = client.get(f"/api/v1/complaints/kpis?period={year}", **headers).json()
    from manyi.complaints.filters import day_start

    start, end = day_start(dt.date(year, 1, 1)), day_start(dt.date(year + 1, 1, 1))
    received = _complaints(user).filter(received_at__gte=start, received_at__lt=end) \
        .exclude(state="cancelled")
    assert body["received"] == received.count()
    assert body["closed"] == received.filter(closed_at__isnull=False,
                                             closed_at__lte=timezone.now()).count()


def check_complaint_dashboard(user: Any, client: Client, headers: dict[str, str]) -> None:
    ctx = client.get("/complaints/dashboard/").context
    assert sum(n for _v, _l, n in ctx["state_counts"]) == _complaints(user).filter(
        archived_at__isnull=True).count()
    year = timezone.localdate().year
    assert [m.count for m in ctx["summary"].months] == [
        m.count for m in _summary_expected(user, year).months]
    assert ctx["kpis"].received == _complaints(user).filter(
        received_at__gte=ctx["kpis"].start, received_at__lt=ctx["kpis"].end
    ).exclude(state="cancelled").count()


def _summary_expected(user: Any, year: int) -> Any:
    from manyi.complaints.summary import complaint_summary

    return complaint_summary(_complaints(user), year=year)


def check_complaint_summary(user: Any, client: Client, headers: dict[str, str]) -> None:
    year = timezone.localdate().year
    s = client.get(f"/complaints/summary/?year={year}").context["s"]
    e = _summary_expected(user, year)
    assert (s.year_total, [m.count for m in s.months], [c.code for c in s.customers]) == (
        e.year_total, [m.count for m in e.months], [c.code for c in e.customers])


def _cells(content: bytes) -> list[tuple[str, str, Any]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows()
            for c in row if c.value is not None]


def check_complaint_summary_xlsx(user: Any, client: Client, headers: dict[str, str]) -> None:
    from manyi.complaints.exports import summary_xlsx

    year = timezone.localdate().year
    content = client.get(f"/complaints/summary.xlsx?year={year}").content
    assert _cells(content) == _cells(summary_xlsx(_summary_expected(user, year), "zh"))


def _quality_costs(user: Any, date_from: dt.date, date_to: dt.date) -> Any:
    from manyi.claims.models import QualityCost

    return QualityCost.objects.filter(in_scope(QualityCost, user, "customer__"),
                                      archived_at__isnull=True, date__gte=date_from,
                                      date__lte=date_to)


def _costs_check(url: str, read: Callable[[Any], tuple[Decimal, int, set[str]]]) -> Check:
    def check(user: Any, client: Client, headers: dict[str, str]) -> None:
        response = client.get(url + "?date_from=2000-01-01&date_to=2099-12-31",
                              **(headers if url.startswith("/api/") else {}))
        if grants(user, "quality_cost.view") == Scope.NONE:
            assert response.status_code == 403
            return
        total, count, customers = read(response)
        rows = _quality_costs(user, dt.date(2000, 1, 1), dt.date(2099, 12, 31))
        assert (total, count) == (sum((r.amount for r in rows), Decimal(0)), rows.count())
        assert customers == set(rows.values_list("customer__code", flat=True))

    return check


def _costs_api(response: Any) -> tuple[Decimal, int, set[str]]:
    body = response.json()
    return (Decimal(str(body["total"])), body["count"],
            {r["key"] for r in body["by_customer"]})


def _costs_page(response: Any) -> tuple[Decimal, int, set[str]]:
    t = response.context["totals"]
    return t.total, t.count, {r.key for r in t.by_customer}


def _costs_xlsx(response: Any) -> tuple[Decimal, int, set[str]]:
    from manyi.claims.export import quality_cost_workbook
    from manyi.claims.filters import Period
    from manyi.claims.selectors import quality_cost_totals

    user = response.wsgi_request.user
    totals = quality_cost_totals(user=user, period=Period(dt.date(2000, 1, 1),
                                                          dt.date(2099, 12, 31)))
    assert _cells(response.content) == _cells(quality_cost_workbook(totals))
    return totals.total, totals.count, {r.key for r in totals.by_customer}


def check_home(user: Any, client: Client, headers: dict[str, str]) -> None:
    from manyi.customers.models import Customer

    figures = client.get("/").context["figures"]
    assert figures["customers"] == Customer.objects.active().filter(
        in_scope(Customer, user)).count()


def check_feedback_register(user: Any, client: Client, headers: dict[str, str]) -> None:
    from manyi.feedback.models import FeedbackEntry

    figures = client.get("/feedback/").context["figures"]
    assert figures["total"] == FeedbackEntry.objects.active().filter(
        in_scope(FeedbackEntry, user)).count()


def check_property_ledger(user: Any, client: Client, headers: dict[str, str]) -> None:
    from manyi.property.models import CustomerProperty

    figures = client.get("/property/").context["figures"]
    assert figures["total"] == CustomerProperty.objects.active().filter(
        in_scope(CustomerProperty, user)).count()


def _campaign_url(path: str) -> Callable[[], str]:
    return lambda: path.format(pk=_campaign().pk)


# name → (the action that lets a user see it, its URL, the check). A user without the action
# must be refused (403, or 404 for a record he may not see).
Entry = tuple[str, Callable[[], str], Check]
_ALL_RANGE = "?date_from=2000-01-01&date_to=2099-12-31"


def _fixed(url: str) -> Callable[[], str]:
    return lambda: url


def _refusal(action: str, url: Callable[[], str]) -> Entry:
    return action, url, _refused_unless_all(action, url)


API_AGGREGATES: dict[str, Entry] = {
    "GET /api/v1/surveys/campaigns/{pk}": (
        "survey.view", _campaign_url("/api/v1/surveys/campaigns/{pk}"), check_campaign_api),
    "GET /api/v1/surveys/campaigns/{pk}/rollup": (
        "survey.view", _campaign_url("/api/v1/surveys/campaigns/{pk}/rollup"), check_rollup_api),
    "GET /api/v1/complaints/kpis": (
        "complaint.view", _fixed("/api/v1/complaints/kpis"), check_complaint_kpis_api),
    "GET /api/v1/claims/costs": (
        "quality_cost.view", _fixed("/api/v1/claims/costs" + _ALL_RANGE),
        _costs_check("/api/v1/claims/costs", _costs_api)),
    "GET /api/v1/analysis/campaigns": _refusal("analysis.view",
                                               _fixed("/api/v1/analysis/campaigns")),
    "GET /api/v1/analysis/campaigns/{pk}": _refusal(
        "analysis.view", _campaign_url("/api/v1/analysis/campaigns/{pk}")),
    "GET /api/v1/analysis/complaints": _refusal("analysis.view",
                                                _fixed("/api/v1/analysis/complaints")),
    "GET /api/v1/analysis/kpi": _refusal("analysis.view", _fixed("/api/v1/analysis/kpi")),
    "GET /api/v1/analysis/targets": _refusal("analysis.view",
                                             _fixed("/api/v1/analysis/targets")),
    "GET /api/v1/analysis/problems": _refusal("problem.view",
                                              _fixed("/api/v1/analysis/problems")),
    "GET /api/v1/analysis/problems/{pk}": _refusal(
        "problem.view", _fixed("/api/v1/analysis/problems/999999")),
}

PAGE_AGGREGATES: dict[str, Entry] = {
    "home": ("customer.view", _fixed("/"), check_home),
    "feedback:list": ("feedback.view", _fixed("/feedback/"), check_feedback_register),
    "property:list": ("property.view", _fixed("/property/"), check_property_ledger),
    "complaints:dashboard": ("complaint.view", _fixed("/complaints/dashboard/"),
                             check_complaint_dashboard),
    "complaints:summary": ("complaint.view", _fixed("/complaints/summary/"),
                           check_complaint_summary),
    "complaints:summary_xlsx": ("complaint.view", _fixed("/complaints/summary.xlsx"),
                                check_complaint_summary_xlsx),
    "claims:costs": ("quality_cost.view", _fixed("/claims/costs/" + _ALL_RANGE),
                     _costs_check("/claims/costs/", _costs_page)),
    "claims:costs_export": ("quality_cost.view", _fixed("/claims/costs/export.xlsx"),
                            _costs_check("/claims/costs/export.xlsx", _costs_xlsx)),
    "surveys:list": ("survey.view", _fixed("/surveys/"), check_campaign_list_page),
    "surveys:campaign": ("survey.view", _campaign_url("/surveys/campaigns/{pk}/"),
                         check_campaign_page),
    "surveys:chase": ("survey.view", _campaign_url("/surveys/campaigns/{pk}/chase/"),
                      check_chase_page),
    "surveys:targets": _refusal("survey.plan", _campaign_url("/surveys/campaigns/{pk}/targets/")),
    "analysis:index": _refusal("analysis.view", _fixed("/analysis/")),
    "analysis:campaign": _refusal("analysis.view", _campaign_url("/analysis/campaigns/{pk}/")),
    "analysis:campaign_xlsx": _refusal(
        "analysis.view", _campaign_url("/analysis/campaigns/{pk}/xlsx/overall/")),
    "analysis:complaints": _refusal("analysis.view", _fixed("/analysis/complaints/")),
    "analysis:complaints_xlsx": _refusal("analysis.view",
                                         _fixed("/analysis/complaints/xlsx/c/")),
    "analysis:kpi": _refusal("analysis.view", _fixed("/analysis/kpi/")),
    "analysis:kpi_xlsx": _refusal("analysis.view", _fixed("/analysis/kpi/xlsx/x/")),
    "analysis:problems": _refusal("problem.view", _fixed("/analysis/problems/")),
    "analysis:problem": _refusal("problem.view", _fixed("/analysis/problems/1/")),
    "analysis:targets": _refusal("analysis.view", _fixed("/analysis/targets/")),
}


# --- the tests ---------------------------------------------------------------------------------


def _api_operations() -> set[str]:
    from manyi.config.api import api

    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items()
            for method in ops}


def _page_names() -> set[str]:
    names: set[str] = set()

    def walk(resolver: URLResolver, namespace: str | None) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                if p.namespace in ("admin", "api"):
                    continue
                walk(p, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                names.add(f"{namespace}:{p.name}" if namespace else p.name)

    walk(get_resolver(), None)
    return names


def test_every_page_and_endpoint_is_classified() -> None:
    api = _api_operations()
    assert api - API_NOT_AGGREGATE - set(API_AGGREGATES) == set(), "classify the new endpoint"
    assert not (API_NOT_AGGREGATE & set(API_AGGREGATES))
    pages = _page_names()
    assert pages - PAGES_NOT_AGGREGATE - set(PAGE_AGGREGATES) == set(), "classify the new page"
    assert not (PAGES_NOT_AGGREGATE & set(PAGE_AGGREGATES))
    # stale entries: everything listed still exists
    assert set(API_AGGREGATES) <= api
    assert set(PAGE_AGGREGATES) <= pages


def test_the_scoped_demo_users_are_the_branch_unit_and_region_accounts() -> None:
    assert {"shanghai", "clerk_gz", "bu_power", "viewer"} <= set(SCOPED_USERNAMES)


@pytest.mark.parametrize("name", sorted(API_AGGREGATES) + sorted(PAGE_AGGREGATES))
def test_aggregate_shows_each_scoped_user_only_their_scope(
    name: str, as_user: Callable[[str], tuple[Any, Client, dict[str, str]]]
) -> None:
    action, url_of, check = {**API_AGGREGATES, **PAGE_AGGREGATES}[name]
    for username in SCOPED_USERNAMES:
        user, client, headers = as_user(username)
        if grants(user, action) == Scope.NONE:
            url = url_of()
            response = client.get(url, **(headers if url.startswith("/api/") else {}))
            assert response.status_code in (403, 404), (username, url, response.status_code)
        else:
            check(user, client, headers)


def test_a_scoped_figure_differs_from_the_whole(
    as_user: Callable[[str], tuple[Any, Client, dict[str, str]]]
) -> None:
    """The demo makes the checks above bite: the Shanghai office's figures are not the
    company's."""
    user, _client, _headers = as_user("shanghai")
    campaign = _campaign()
    mine = expected_rollup(user, campaign)
    assert mine and sum(r["count"] for r in mine) < sum(
        r["count"] for r in expected_rollup(as_user("admin")[0], campaign))
    offices = {r["key"] for r in expected_tracking(as_user("admin")[0], campaign, "office")}
    assert {r["key"] for r in expected_tracking(user, campaign, "office")} < offices
