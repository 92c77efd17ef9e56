"""Hostile input is refused at the edge with 400/404/422 and a message naming the field,
never a server error: numbers beyond 64 bits (page numbers, ids in paths and filters), NUL
characters (PostgreSQL refuses them in text), lone surrogates and text that is not UTF-8."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

from manyi.accounts.services import api_token_create
from manyi.surveys.models import Channel, Invitation, Response
from manyi.surveys.tests import conftest as _surveys
from manyi.surveys.tests.conftest import full_answers

pytestmark = pytest.mark.django_db

# The survey fixtures (a running campaign with personal links), shared with the surveys' tests.
cs_user = _surveys.cs_user
bu_head = _surveys.bu_head
make_contacts = _surveys.make_contacts
survey_template = _surveys.survey_template
running_campaign = _surveys.running_campaign
issue_token = _surveys.issue_token

HUGE = 2**63  # one more than a bigint holds
INT64_MAX = 2**63 - 1

SEARCH_PAGES = [
    "customers:list", "customers:contacts", "customers:orders", "feedback:list",
    "feedback:praise_list", "claims:list", "complaints:list", "property:list",
    "property:loans", "property:documents", "property:damage",
]
# The id filters of the list pages (the filter sets' own parameter names).
ID_FILTER_PAGES = {
    "customers:list": ["branch_office", "business_unit", "region"],
    "customers:orders": ["customer"],
    "complaints:list": ["office", "customer"],
    "feedback:list": ["department", "customer"],
    "feedback:praise_list": ["department"],
    "claims:list": ["customer"],
    "property:list": ["customer", "department"],
    "property:loans": ["department", "borrower"],
    "property:documents": ["customer", "department"],
}


@pytest.fixture
def headers(admin_user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=admin_user)[1]}"}


@pytest.fixture
def openapi(client: Any) -> dict[str, Any]:
    return client.get("/api/v1/openapi.json").json()


def _get_operations(openapi: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(path, item["get"]) for path, item in openapi["paths"].items() if "get" in item]


def _query_params(operation: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p["schema"] for p in operation.get("parameters", [])
            if p["in"] == "query"}


def _is_integer(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "integer" or any(
        s.get("type") == "integer" for s in schema.get("anyOf", [])
    )


def _assert_refused(response: Any, *codes: int) -> None:
    assert response.status_code in codes, (response.status_code, response.content[:300])
    assert response.json()["detail"]


# --- numbers beyond 64 bits -------------------------------------------------------------

def test_page_beyond_64_bits_on_every_paginated_list(client, headers, openapi) -> None:
    lists = [path for path, op in _get_operations(openapi)
             if "page" in _query_params(op) and "{" not in path]
    assert len(lists) >= 10
    for path in lists:
        for param in ("page", "page_size"):
            response = client.get(path, {param: HUGE}, **headers)
            _assert_refused(response, 422)
            assert param in response.json()["errors"], (path, response.json())
        # the largest page number there is: answered with the count and no items
        last = client.get(path, {"page": INT64_MAX}, **headers)
        assert last.status_code == 200, (path, last.content[:300])
        assert last.json()["items"] == []


def test_id_beyond_64_bits_in_every_path(client, headers, openapi) -> None:
    paths = [path for path, _op in _get_operations(openapi) if "{pk}" in path]
    assert len(paths) >= 15
    for path in paths:
        # refused at the edge, naming the parameter (not looked up in the database)
        response = client.get(path.replace("{pk}", str(HUGE)), **headers)
        _assert_refused(response, 422)
        assert list(response.json()["errors"]) == ["pk"], (path, response.json())
        _assert_refused(client.get(path.replace("{pk}", str(INT64_MAX)), **headers), 404)


def test_integer_filters_beyond_64_bits_on_every_list(client, headers, openapi) -> None:
    checked = 0
    for path, op in _get_operations(openapi):
        for name, schema in _query_params(op).items():
            if name in ("page", "page_size") or not _is_integer(schema):
                continue
            resolved = re.sub(r"\{pk\}", "1", path)
            response = client.get(resolved, {name: HUGE}, **headers)
            _assert_refused(response, 404, 422)
            if response.status_code == 422:
                assert name in response.json()["errors"], (path, name)
            checked += 1
    assert checked >= 10


def test_id_filters_beyond_64_bits_on_the_list_pages(client, admin_user) -> None:
    client.force_login(admin_user)
    for name, params in ID_FILTER_PAGES.items():
        for param in params:
            for value in (str(HUGE), "9" * 40, "²", "-1"):
                response = client.get(reverse(name), {param: value})
                assert response.status_code == 200, (name, param, value)
    assert client.get(reverse("customers:list"), {"page": HUGE}).status_code == 200


# Other pages that read an id or a number from the query string.
INT_PARAM_PAGES = [
    ("feedback:contact_options", "customer"), ("feedback:praise_create", "entry"),
    ("feedback:create", "customer"), ("property:create", "customer"),
    ("property:document_create", "customer"), ("property:document_create", "item"),
    ("complaints:create", "customer"), ("complaints:contact_options", "customer"),
    ("complaints:summary", "year"), ("complaints:summary", "month"), ("surveys:list", "year"),
    ("surveys:calendar", "year"), ("surveys:calendar", "month"), ("claims:create", "customer"),
]


def test_numbers_no_database_holds_in_page_queries(client, admin_user) -> None:
    """"²" passes str.isdigit() but not int(); 2^63 and 40 digits pass int() but no column."""
    client.force_login(admin_user)
    for name, param in INT_PARAM_PAGES:
        for value in ("²", "9" * 40, str(HUGE)):
            response = client.get(reverse(name), {param: value})
            assert response.status_code in (200, 404), (name, param, value,
                                                        response.status_code)


# --- NUL characters, lone surrogates, undecodable text --------------------------------------

def test_nul_in_every_api_search_box(client, headers, openapi) -> None:
    searched = 0
    for path, op in _get_operations(openapi):
        if "q" in _query_params(op):
            response = client.get(path, {"q": "abc\x00def"}, **headers)
            _assert_refused(response, 400)
            assert response.json()["errors"] == {"q": [response.json()["detail"]]}
            searched += 1
    assert searched >= 8


def test_nul_in_every_page_search_box(client, admin_user) -> None:
    client.force_login(admin_user)
    for name in SEARCH_PAGES:
        response = client.get(reverse(name), {"q": "abc\x00def"})
        assert response.status_code == 400, name
        assert "q" in response.content.decode()
        assert client.get(reverse(name), {"q": "abc"}).status_code == 200
    # the other search boxes: the complaint form's customer search, the KPI page's customer code
    for name, param in (("complaints:customer_options", "customer_q"),
                        ("analysis:kpi", "customer")):
        response = client.get(reverse(name), {param: "C0\x001"})
        assert response.status_code == 400, name
        assert param in response.content.decode()
        assert client.get(reverse(name), {param: "C001"}).status_code == 200, name


def test_undecodable_query_and_nul_in_path_are_refused(client, admin_user, headers) -> None:
    client.force_login(admin_user)
    assert client.get("/customers/?q=%FF%FE").status_code == 400
    assert client.get("/customers/%00/").status_code == 400
    response = client.get("/api/v1/customers/?q=%ED%A0%80", **headers)  # UTF-8 of a surrogate
    _assert_refused(response, 400)
    assert list(response.json()["errors"]) == ["q"]
    # raw bytes, as a WSGI server hands them over (latin-1 decoded), not percent-encoded
    raw = client.get("/customers/", QUERY_STRING=b"sort=code&q=\xff\xfe".decode("latin-1"))
    assert raw.status_code == 400 and raw.content.decode().startswith("q")
    fine = client.get("/customers/", QUERY_STRING="q=客户".encode().decode("latin-1"))
    assert fine.status_code == 200


@pytest.mark.parametrize("text", ["a\ud800b", "a\x00b", "\udfff"])
def test_lone_surrogate_or_nul_in_a_json_body(client, headers, dept, text) -> None:
    body = {"code": "H1", "name": text, "branch_office": dept("BO-SH").pk,
            "business_unit": dept("BU-PWR").pk}
    raw = json.dumps(body)  # ensure_ascii: "\ud800" and "\u0000" escapes, as a client sends
    response = client.post("/api/v1/customers/", raw, content_type="application/json",
                           **headers)
    _assert_refused(response, 400)
    assert list(response.json()["errors"]) == ["name"]


def test_nested_bad_text_names_its_path_and_bad_json_is_400(client, headers) -> None:
    response = client.post("/api/v1/surveys/templates/", '{"items": [{"key": "a\\u0000"}]}',
                           content_type="application/json", **headers)
    _assert_refused(response, 400)
    assert list(response.json()["errors"]) == ["items.0.key"]
    for raw in ('{"name": NaN}', '{"name": ', b'{"name": "\xff"}'):
        _assert_refused(client.post("/api/v1/customers/", raw,
                                    content_type="application/json", **headers), 400)


def test_nul_in_an_anonymous_survey_post(client, running_campaign, issue_token) -> None:
    campaign = running_campaign(customers=1)
    invitation = Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)[0]
    token = issue_token(invitation)
    data = full_answers(campaign.template)
    text_key = next(k for k, v in data.items() if v == "很好")
    data.update({text_key: "很好\x00", "section": "0", "action": "submit",
                 "submission_key": "nul"})
    url = reverse("survey_public:form", args=[token])
    response = client.post(url, data)
    assert response.status_code == 400
    assert text_key in response.content.decode()
    assert not Response.objects.filter(invitation=invitation).exists()
    # the same form without the NUL goes through
    data[text_key] = "很好"
    assert client.post(url, data).status_code in (200, 302)
