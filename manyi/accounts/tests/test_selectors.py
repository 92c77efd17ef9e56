"""The one manager lookup every module uses (overdue reminders, escalations, praise notices)."""

from __future__ import annotations

from typing import Any

import pytest

from manyi.accounts.models import Department
from manyi.accounts.selectors import department_manager, manager_of

pytestmark = pytest.mark.django_db


def _tree(make_user: Any) -> tuple[Department, Department, Any, Any]:
    top = Department.objects.create(code="T-TOP", name="总部", kind="office")
    child = Department.objects.create(code="T-CHILD", name="分部", kind="office", parent=top)
    boss = make_user(username="t-boss")
    lead = make_user(username="t-lead")
    top.manager, child.manager = boss, lead
    top.save()
    child.save()
    return top, child, boss, lead


def test_department_manager_is_the_own_manager_else_the_nearest_up_the_tree(make_user) -> None:
    top, child, boss, lead = _tree(make_user)
    assert department_manager(child) == lead
    lead.is_active = False
    lead.save()
    child.refresh_from_db()
    assert department_manager(child) == boss
    child.manager = None
    child.save()
    assert department_manager(child) == boss
    assert department_manager(None) is None
    boss.is_active = False
    boss.save()
    top.refresh_from_db()
    child.refresh_from_db()
    assert department_manager(child) is None


def test_manager_of_a_manager_is_the_next_manager_up_never_themself(make_user) -> None:
    top, child, boss, lead = _tree(make_user)
    clerk = make_user(username="t-clerk", department="T-CHILD")
    lead.department = child
    lead.save()
    assert manager_of(clerk) == lead
    assert manager_of(lead) == boss
    boss.department = top
    boss.save()
    assert manager_of(boss) is None
    assert department_manager(child, exclude=lead) == boss


def test_a_cycle_in_the_department_tree_ends_the_walk(make_user) -> None:
    top, child, _boss, _lead = _tree(make_user)
    top.manager = None
    top.parent = child
    top.save()
    child.manager = None
    child.save()
    assert department_manager(child) is None
