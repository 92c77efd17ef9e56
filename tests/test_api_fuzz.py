"""Every API operation fuzzed by schemathesis from the OpenAPI description (no server: the
Django WSGI app is called in process), as an administrator and as a branch-office user.

A 5xx, a status code the description does not declare, or a body that does not match the
declared schema fails the build. The run is bounded (a few derandomized examples per
operation, so CI sees the same cases every time) and runs on SQLite and PostgreSQL like the
rest of the suite."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from manyi.accounts.services import api_token_create
from manyi.config.wsgi import application

EXAMPLES = 6  # per operation; each example is sent once per user

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """The WSGI handler closes the database connection after each request (Django's test
    client switches that off; schemathesis calls the WSGI app directly): keep the test's
    connection and its transaction open."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_headers(
    make_user: Any, make_customer: Any, _keep_test_connection: None
) -> list[dict[str, str]]:
    make_customer(office="BO-SH")
    make_customer(office="BO-GZ")
    admin = make_user("admin", department="OFFICE", is_staff=True)
    branch = make_user("branch_manager", department="BO-SH")
    return [
        {"Authorization": f"Bearer {api_token_create(user=user)[1]}"} for user in (admin, branch)
    ]


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_operation(case: Any, fuzz_headers: list[dict[str, str]]) -> None:
    for headers in fuzz_headers:
        case.call_and_validate(headers=headers, checks=CHECKS)
