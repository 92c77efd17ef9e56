"""`manyi demo`: --if-empty, the demo logins and what they see."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from manyi.demo.users import DEMO_PASSWORD, DEMO_USERS


def run(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_if_empty_does_nothing_when_customers_exist(make_customer: Any) -> None:
    from manyi.accounts.models import User
    from manyi.customers.models import Customer

    make_customer()
    output = run("--if-empty", "--scale", "tiny")
    assert "already has data" in output
    assert Customer.objects.count() == 1
    assert not User.objects.filter(username="admin").exists()
    with pytest.raises(CommandError):
        run("--scale", "tiny")


def test_builds_on_an_empty_database_and_prints_the_logins(client: Any, db: Any) -> None:
    from manyi.customers.models import Customer

    output = run("--if-empty", "--scale", "tiny", "--today", "2025-06-30", "--digest")
    assert Customer.objects.count() == 40
    assert DEMO_PASSWORD in output and "local use only" in output
    assert "digest " in output
    for spec in DEMO_USERS:
        assert spec.username in output
        assert client.login(username=spec.username, password=DEMO_PASSWORD), spec.username
    again = run("--if-empty")
    assert "already has data" in again and "shanghai" in again  # the logins are shown again


def test_shanghai_branch_manager_sees_only_shanghai_customers(db: Any) -> None:
    from manyi.accounts.models import User
    from manyi.customers.models import Customer
    from manyi.customers.selectors import customer_list

    run("--scale", "tiny", "--today", "2025-06-30")
    shanghai = User.objects.get(username="shanghai")
    seen = customer_list(user=shanghai)
    expected = Customer.objects.filter(branch_office__code="BO-SH")
    assert 0 < seen.count() == expected.count() < Customer.objects.count()
    assert set(seen.values_list("branch_office__code", flat=True)) == {"BO-SH"}
    assert shanghai.last_name == "刘"
    assert shanghai.department is not None and shanghai.department.code == "BO-SH"
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert customer_list(user=admin).count() == Customer.objects.count()
    viewer = User.objects.get(username="viewer")
    assert set(customer_list(user=viewer).values_list("region__code", flat=True)) == {"R-NORTH"}
