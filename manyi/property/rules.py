"""The rules of the customer-property procedure (003 §4.4), each in one place.

- Where received property goes (003 §4.4.1): samples and sample parts to production,
  drawings to engineering, documents and measuring equipment to quality.
- Lending (003 §4.4.2): a slip's return is due `MANYI_PROPERTY_LOAN_WORKDAYS` working days
  after lending (default 5). The borrower is reminded once when it is overdue; the
  borrower's department manager once more `MANYI_PROPERTY_LOAN_ESCALATE_WORKDAYS` working
  days after the due date (default 2).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from manyi.common.calendar import deadline_in_workdays

from .models import PropertyKind

DEFAULT_LOAN_WORKDAYS = 5
DEFAULT_ESCALATE_WORKDAYS = 2

ITEM_PREFIX = "CP"  # 顾客财产 CP<year>-<seq>
LOAN_PREFIX = "JY"  # 借用单
DAMAGE_PREFIX = "SS"  # 损失/损坏报告

# 003 §4.4.1: which department receives which kind of property (department codes).
RECEIVING_DEPARTMENT = {
    PropertyKind.SAMPLE: "PROD",
    PropertyKind.SAMPLE_PART: "PROD",
    PropertyKind.TOOLING: "PROD",
    PropertyKind.MATERIAL: "PROD",
    PropertyKind.DRAWING: "ENG",
    PropertyKind.DOCUMENT: "QA",
    PropertyKind.MEASURING: "QA",
    PropertyKind.OTHER: "SALES",
}


def receiving_department_code(kind: str) -> str:
    return RECEIVING_DEPARTMENT.get(PropertyKind(kind), "SALES")


def loan_workdays() -> int:
    return int(getattr(settings, "MANYI_PROPERTY_LOAN_WORKDAYS", DEFAULT_LOAN_WORKDAYS))


def escalate_workdays() -> int:
    return int(
        getattr(settings, "MANYI_PROPERTY_LOAN_ESCALATE_WORKDAYS", DEFAULT_ESCALATE_WORKDAYS)
    )


def loan_due(lent_at: dt.datetime, workdays: int | None = None) -> dt.datetime:
    return deadline_in_workdays(lent_at, loan_workdays() if workdays is None else workdays)


def escalation_at(due_at: dt.datetime) -> dt.datetime:
    """When the borrower's department manager is told about an unreturned loan."""
    return deadline_in_workdays(due_at, escalate_workdays())
