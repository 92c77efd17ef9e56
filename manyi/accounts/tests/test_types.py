"""The actor type: a user, the anonymous visitor or the system (None)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from manyi.accounts.permissions import can, own_department_ids, role_codes
from manyi.accounts.types import stored_user

pytestmark = pytest.mark.django_db


def test_stored_user_is_the_user_or_none(make_user: Any) -> None:
    user = make_user("customer_service", department="CS")
    assert stored_user(user) is user
    assert stored_user(None) is None
    assert stored_user(AnonymousUser()) is None


def test_the_anonymous_visitor_and_the_system_have_no_roles_and_no_department() -> None:
    assert role_codes(AnonymousUser()) == set()
    assert role_codes(None) == set()
    assert own_department_ids(AnonymousUser()) == set()
    assert own_department_ids(None) == set()
    assert not can(AnonymousUser(), "customer.view")
    assert can(None, "customer.view")  # the system (CLI, scheduler) may do everything
