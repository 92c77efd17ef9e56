"""The rules of the customer-property procedure (003 §4.4), each in one place.

- Where received property goes (003 §4.4.1): samples and sample parts to production,
  drawings to engineering, documents and measuring equipment to quality.
- Lending (003 §4.4.2): when a lent item is due back and when the borrower's manager is told
  are deadline rules (`manyi.property.deadlines`).
"""

from __future__ import annotations

from .models import PropertyKind

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

