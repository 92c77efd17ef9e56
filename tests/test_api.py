"""API: the OpenAPI schema builds, every endpoint refuses anonymous callers and callers
without the permission, and the customer endpoints follow the same rules as the UI."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from manyi.accounts.services import api_token_create
from manyi.customers.models import Customer

pytestmark = pytest.mark.django_db


def auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def schema_operations(client) -> list[tuple[str, str]]:
    schema = client.get("/api/v1/openapi.json").json()
    ops = []
    for path, item in schema["paths"].items():
        for method in item:
            ops.append((method, re.sub(r"\{[^}]+\}", "1", path)))
    return ops


def test_openapi_schema_builds(client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/customers/" in schema["paths"]
    assert schema["components"]["securitySchemes"]


def test_every_endpoint_refuses_anonymous_callers(client) -> None:
    ops = schema_operations(client)
    assert len(ops) >= 10
    for method, path in ops:
        response = getattr(client, method)(path, content_type="application/json", data={})
        assert response.status_code == 401, (method, path, response.status_code)


def test_every_endpoint_refuses_a_bad_token(client) -> None:
    # one address per request: many bad tokens from one address are throttled with 429
    # (manyi/accounts/tests/test_tokens.py)
    for n, (method, path) in enumerate(schema_operations(client)):
        response = getattr(client, method)(
            path, content_type="application/json", data={},
            HTTP_AUTHORIZATION="Bearer my_not-a-real-token",
            REMOTE_ADDR=f"10.9.{n // 250}.{n % 250 + 1}",
        )
        assert response.status_code == 401, (method, path)


def test_every_endpoint_refuses_a_user_without_permission(client, make_user,
                                                          make_customer) -> None:
    make_customer()  # pk may be 1: a real object the user may not see
    nobody = make_user(department="QA")  # no roles
    headers = auth(nobody)
    for method, path in schema_operations(client):
        response = getattr(client, method)(path, content_type="application/json", data={},
                                           **headers)
        assert response.status_code in (403, 404, 422), (method, path, response.status_code)
        if method == "get" and path.endswith("/"):
            assert response.status_code == 403, (method, path)


def test_list_is_paginated_and_scoped(client, make_user, make_customer) -> None:
    for _ in range(3):
        make_customer(office="BO-SH")
    make_customer(office="BO-GZ")
    manager = make_user("branch_manager", department="BO-SH")
    data = client.get("/api/v1/customers/", **auth(manager)).json()
    assert data["count"] == 3 and len(data["items"]) == 3
    everyone = make_user("customer_service", department="CS")
    data = client.get("/api/v1/customers/?page=1", **auth(everyone)).json()
    assert data["count"] == 4


def test_create_update_stale_and_history(client, make_user, dept) -> None:
    user = make_user("customer_service", department="CS")
    headers = auth(user)
    payload = {"code": "API1", "name": "接口客户", "branch_office": dept("BO-SH").pk,
               "business_unit": dept("BU-PWR").pk, "annual_revenue": "500000"}
    created = client.post("/api/v1/customers/", payload, content_type="application/json",
                          **headers)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    bad = client.post("/api/v1/customers/", {**payload, "annual_revenue": "-1"},
                      content_type="application/json", **headers)
    assert bad.status_code == 422
    assert "annual_revenue" in bad.json()["errors"] or "code" in bad.json()["errors"]
    ok = client.patch(f"/api/v1/customers/{pk}", {"version": 1, "phone": "010-1"},
                      content_type="application/json", **headers)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(f"/api/v1/customers/{pk}", {"version": 1, "phone": "010-2"},
                         content_type="application/json", **headers)
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    assert Customer.objects.get(pk=pk).phone == "010-1"
    history = client.get(f"/api/v1/customers/{pk}/history", **headers).json()["items"]
    assert [h["action"] for h in history] == ["update", "create"]
    assert history[0]["changes"] == {"phone": ["", "010-1"]}
    assert Customer.objects.get(pk=pk).annual_revenue == Decimal("500000")


def test_branch_user_cannot_reach_other_offices_records(client, make_user,
                                                        make_customer) -> None:
    other = make_customer(office="BO-GZ")
    headers = auth(make_user("branch_manager", department="BO-SH"))
    assert client.get(f"/api/v1/customers/{other.pk}", **headers).status_code == 404
    assert client.patch(f"/api/v1/customers/{other.pk}", {"version": 1, "phone": "x"},
                        content_type="application/json", **headers).status_code == 404


def test_revoked_token_is_refused(client, make_user) -> None:
    user = make_user("customer_service", department="CS")
    token, key = api_token_create(user=user)
    token.revoked = True
    token.save()
    response = client.get("/api/v1/customers/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 401
    assert token.digest != key and key not in token.digest


def test_openapi_component_names_are_unique() -> None:
    """Ninja merges the schema definitions of all operations into one `components.schemas`
    by name: two different schemas with one name silently document one operation with the
    other's shape. Every definition written under a name must be the same."""
    from ninja.openapi.schema import OpenAPISchema

    from manyi.config.api import api

    seen: dict[str, list[dict]] = {}
    original = OpenAPISchema.add_schema_definitions

    def spy(self, definitions: dict) -> None:
        for name, definition in definitions.items():
            seen.setdefault(name, []).append(definition)
        original(self, definitions)

    OpenAPISchema.add_schema_definitions = spy  # type: ignore[method-assign]
    try:
        api.get_openapi_schema(path_prefix="/api/v1/")
    finally:
        OpenAPISchema.add_schema_definitions = original  # type: ignore[method-assign]
    assert len(seen) > 20
    clashes = sorted(
        name for name, defs in seen.items() if any(d != defs[0] for d in defs[1:])
    )
    assert clashes == []


def test_every_operation_declares_its_error_responses(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["detail"]
    assert set(error["properties"]) == {"detail", "errors", "current_version"}
    writes_with_version = 0
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            for code in ("400", "401", "403", "404", "422"):
                body = responses[code]["content"]["application/json"]["schema"]
                assert body == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
            if "409" in responses:
                writes_with_version += 1
                assert method in ("post", "patch", "put", "delete")
    assert writes_with_version >= 10
