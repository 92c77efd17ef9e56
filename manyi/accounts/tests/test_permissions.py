"""The role × action table in docs/permissions.md is the specification: the code must match
it, object by object (own department vs another department's customer)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from manyi.accounts.permissions import can, permissions_table_markdown, scope_queryset
from manyi.customers.models import Customer

DOC = Path(__file__).resolve().parents[3] / "docs" / "permissions.md"


def doc_table() -> dict[tuple[str, str], str]:
    lines = [line for line in DOC.read_text(encoding="utf-8").splitlines() if line.startswith("|")]
    roles = [c.strip() for c in lines[0].strip("|").split("|")][1:]
    table = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        action = re.match(r"`([^`]+)`", cells[0])
        assert action, line
        for role, cell in zip(roles, cells[1:], strict=True):
            table[(role, action.group(1))] = cell
    return table


def test_docs_table_is_generated_from_the_code() -> None:
    assert permissions_table_markdown() in DOC.read_text(encoding="utf-8")


ROLE_DEPARTMENT = {
    "branch_manager": "BO-SH",
    "sales_clerk": "BO-SH",
    "viewer": "BO-SH",
    "bu_head": "BU-PWR",
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted({r for r, _a in doc_table()}))
def test_each_role_can_exactly_what_the_table_says(role: str, make_user, make_customer) -> None:
    user = make_user(role, department=ROLE_DEPARTMENT.get(role, "QA"))
    own = make_customer(office="BO-SH", bu="BU-PWR")
    other = make_customer(office="BO-GZ", bu="BU-CTL")
    for (r, action), cell in doc_table().items():
        if r != role:
            continue
        expected_own = cell in {"all", "own"} or (cell == "own")
        expected_other = cell == "all"
        if role in ROLE_DEPARTMENT or cell != "own":
            assert can(user, action, own) is expected_own, (role, action, "own")
        assert can(user, action, other) is expected_other, (role, action, "other")


@pytest.mark.django_db
def test_region_manager_sees_the_offices_below_the_region(make_user, make_customer) -> None:
    user = make_user("branch_manager", department="R-EAST")
    sh = make_customer(office="BO-SH", bu="BU-CTL")
    hz = make_customer(office="BO-HZ", bu="BU-CTL")
    gz = make_customer(office="BO-GZ", bu="BU-CTL")
    visible = set(scope_queryset(Customer.objects.all(), user, "customer.view"))
    assert visible == {sh, hz}
    assert gz not in visible


@pytest.mark.django_db
def test_inactive_or_anonymous_users_can_do_nothing(make_user, make_customer) -> None:
    from django.contrib.auth.models import AnonymousUser

    user = make_user("admin", is_active=False)
    customer = make_customer()
    assert not can(user, "customer.view", customer)
    assert not can(AnonymousUser(), "customer.view")


@pytest.mark.django_db
def test_superuser_counts_as_admin(make_user, make_customer) -> None:
    user = make_user(is_superuser=True)
    assert can(user, "customer.archive", make_customer(office="BO-XA"))


def test_unknown_action_is_a_programming_error() -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(ValueError):
        can(AnonymousUser(), "customer.fly")


def test_users_who_can_agrees_with_can_in_a_fixed_number_of_queries(
        make_user, make_customer, django_assert_max_num_queries) -> None:
    from manyi.accounts.models import User
    from manyi.accounts.permissions import users_who_can

    customer = make_customer(office="BO-SH")
    for dept in ("BO-SH", "BO-GZ", "R-EAST", "SALES", "QA"):
        make_user("sales_clerk", department=dept)
        make_user("branch_manager", department=dept)
        make_user("quality_engineer", department=dept)
    make_user("customer_service", department="CS")
    make_user(department="QA")  # no role
    make_user("sales_clerk", department="BO-SH", is_active=False)
    User.objects.create_superuser("root2", "root2@example.cn", "pw-test-123456")
    for action, obj in (("complaint.handle", customer), ("complaint.quality", customer),
                        ("customer.view", None)):
        expected = sorted(u.username for u in User.objects.all() if can(u, action, obj))
        with django_assert_max_num_queries(4):
            found = users_who_can(action, obj)
        assert sorted(u.username for u in found) == expected and expected, action
