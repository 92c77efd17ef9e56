"""Columns whose single-column index was dropped (docs/decisions/0008: fewer indexes to write at
every survey submission) are still the first column of another index, so lookups and
cascades by them stay indexed — on both databases."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db

LEADING = [
    ("surveys_answer", "response_id"),
    ("surveys_response", "campaign_id"),
    ("surveys_response", "invitation_id"),
    ("surveys_itemrollup", "campaign_id"),
    ("surveys_customerrollup", "campaign_id"),
    ("surveys_campaigntally", "campaign_id"),
    ("audit_auditentry", "content_type_id"),
]


@pytest.mark.parametrize(("table", "column"), LEADING)
def test_the_column_still_leads_an_index(table: str, column: str) -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    leading = [name for name, info in constraints.items()
               if (info["index"] or info["unique"]) and info["columns"]
               and info["columns"][0] == column]
    single = [name for name, info in constraints.items()
              if info["index"] and not info["unique"] and info["columns"] == [column]]
    assert leading, f"{table}.{column}: no index starts with it"
    assert not single, f"{table}.{column}: the single-column index is back: {single}"
