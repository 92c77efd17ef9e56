"""PostgreSQL: a complete form posted through the personal link, written in one statement.

The ORM path (`responses._submit_fresh`) needs a transaction of about ten statements: lock
the invitation, insert the response, the answers, the item and customer rollup cells, the
audit entry, complete the invitation, bump the tracking tally. Each is a round trip, and the
rollup cells stay locked until the last one commits, which is what limits how many customers
can submit at once (docs/decisions/0008-survey-submission-fast-path.md).

This path writes exactly the same rows with ONE statement of data-modifying CTEs in
autocommit: one round trip, one transaction, row locks held only while the statement runs.

- Gate: the invitation row is locked (`FOR UPDATE`) and must be neither started (no partial
  save, hence no response row yet) nor completed. Otherwise nothing is written and the
  caller takes the ORM path, which merges partial saves and answers double posts.
- Lock order is the ORM path's: invitation → item cells → customer cells → tally cell, and
  cells in `rollups.sorted_cells` order, so the two paths never deadlock each other.
- Rows and cells come from the same functions the ORM path uses (`rollups.rollup_rows`,
  `response_totals`, the model's own field defaults), and a PostgreSQL test compares the rows
  both paths write for the same forms, field by field.

SQLite has no data-modifying CTEs; there the ORM path is used (`available()` is False).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from enum import Enum
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, models

from manyi.audit.models import AuditEntry
from manyi.common.db import execute_prepared, prepared_sql

from .. import rollups
from ..models import (
    Answer,
    CampaignTally,
    CustomerRollup,
    Invitation,
    InvitationStatus,
    ItemRollup,
    Response,
    TemplateItem,
)


def available() -> bool:
    return connection.vendor == "postgresql" and bool(
        getattr(settings, "MANYI_SURVEY_FAST_SUBMIT", True)
    )


def _q(name: str) -> str:
    return str(connection.ops.quote_name(name))


def _insert_columns(model: type[models.Model], computed: Mapping[str, str]) -> tuple[
        list[models.Field[Any, Any]], str, str]:
    """(fields passed as parameters, column list, SELECT list) for an INSERT … SELECT of one
    row of `model`; `computed` maps attnames to SQL expressions used instead of a parameter."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(_q(str(f.column)) for f in fields)
    exprs = ", ".join(computed.get(f.attname, "%s") for f in fields)
    return [f for f in fields if f.attname not in computed], columns, exprs


def _cells_sql(model: type[models.Model], key: Sequence[str], sums: Sequence[str],
               json_types: str, name: str, after: str | None) -> str:
    """An upsert of the cells given as a JSON array (in lock order) — the same SQL as
    `rollups.bump`, reading its rows from json_to_recordset."""
    table = _q(model._meta.db_table)
    kcols = [_q(c) for c in rollups.columns(model, key)]
    scols = [_q(c) for c in rollups.columns(model, sums)]
    cols = ", ".join(kcols + scols)
    select = ", ".join(f"x.{c}" for c in kcols + scols)
    # every identifier comes from the models' metadata; every value is a query parameter
    gate = f"(SELECT count(*) FROM {after}) >= 0" if after else "TRUE"  # noqa: S608
    update = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in scols)
    conflict = f"ON CONFLICT ({', '.join(kcols)}) DO UPDATE SET {update} RETURNING 1)"
    source = f"json_to_recordset(%s::json) AS x({json_types}, ord integer)"
    insert = f"{name} AS (INSERT INTO {table} ({cols}) SELECT {select} FROM inv, {source}"  # noqa: S608
    return f"{insert} WHERE {gate} ORDER BY x.ord {conflict}"


def _json_types(model: type[models.Model], names: Sequence[str]) -> str:
    out = []
    for name, column in zip(names, rollups.columns(model, names), strict=True):
        field = model._meta.get_field(name[:-3] if name.endswith("_id") else name)
        out.append(f"{_q(column)} {field.db_type(connection)}")
    return ", ".join(out)


@cache
def _statement() -> tuple[str, tuple[list[Any], ...]]:
    inv = _q(Invitation._meta.db_table)
    col = {f.attname: _q(str(f.column)) for f in Invitation._meta.concrete_fields}
    resp_fields, resp_cols, resp_exprs = _insert_columns(Response, {})
    audit_fields, audit_cols, audit_exprs = _insert_columns(
        AuditEntry, {"object_id": "resp.id::text"})
    answer = _q(Answer._meta.db_table)
    a_col = {f.attname: _q(str(f.column)) for f in Answer._meta.concrete_fields}
    sql = f"""
WITH cur AS (
  SELECT {col['id']}, {col['opened_at']}, {col['started_at']} FROM {inv}
  WHERE {col['id']} = %s AND {col['completed_at']} IS NULL AND {col['started_at']} IS NULL
  FOR UPDATE
), inv AS (
  UPDATE {inv} SET {col['opened_at']} = COALESCE({inv}.{col['opened_at']}, %s),
    {col['started_at']} = %s, {col['completed_at']} = %s, {col['status']} = %s
  FROM cur WHERE {inv}.{col['id']} = cur.{col['id']}
  RETURNING (cur.{col['opened_at']} IS NULL)::int AS opened
), resp AS (
  INSERT INTO {_q(Response._meta.db_table)} ({resp_cols}) SELECT {resp_exprs} FROM inv
  RETURNING id
), answers AS (
  INSERT INTO {answer} ({a_col['response_id']}, {a_col['item_id']}, {a_col['competitor']},
    {a_col['value']}, {a_col['na']}, {a_col['text']}, {a_col['complaint_requested']},
    {a_col['complaint_ref']})
  SELECT resp.id, a.i, a.c, a.v, a.n, a.t, FALSE, '' FROM resp,
    json_to_recordset(%s::json) AS a(i bigint, c boolean, v smallint, n boolean, t text)
), {_cells_sql(ItemRollup, ItemRollup.KEY, ("count",),
               _json_types(ItemRollup, (*ItemRollup.KEY, "count")), "cube", None)},
{_cells_sql(CustomerRollup, CustomerRollup.KEY, CustomerRollup.SUMS,
            _json_types(CustomerRollup, (*CustomerRollup.KEY, *CustomerRollup.SUMS)),
            "customers", "cube")},
tally AS (
  INSERT INTO {_q(CampaignTally._meta.db_table)}
    ({', '.join(_q(c) for c in rollups.columns(CampaignTally, CampaignTally.KEY))},
     {', '.join(_q(c) for c in rollups.columns(CampaignTally, CampaignTally.SUMS))})
  SELECT {', '.join(['%s'] * len(CampaignTally.KEY))}, 0, 0, inv.opened, 1, 1, 0, %s
  FROM inv WHERE (SELECT count(*) FROM customers) >= 0
  ON CONFLICT ({', '.join(_q(c) for c in rollups.columns(CampaignTally, CampaignTally.KEY))})
  DO UPDATE SET {', '.join(
        f"{_q(c)} = {_q(CampaignTally._meta.db_table)}.{_q(c)} + excluded.{_q(c)}"
        for c in rollups.columns(CampaignTally, CampaignTally.SUMS))}
), audit AS (
  INSERT INTO {_q(AuditEntry._meta.db_table)} ({audit_cols}) SELECT {audit_exprs} FROM resp
)
SELECT (SELECT id FROM resp)
"""  # noqa: S608 (identifiers from the models' metadata, values are parameters)
    # the tally row: invited and sent were counted at sending; this form adds opened (if the
    # page was never opened before), started, completed, and a competitor form
    assert CampaignTally.SUMS == (
        "invited", "sent", "opened", "started", "completed", "proxy", "competitor_forms")
    return prepared_sql(sql), (resp_fields, audit_fields)


_PLAIN = (int, str, bool, type(None))


def _params(instance: models.Model, fields: Sequence[models.Field[Any, Any]]) -> list[Any]:
    out = []
    for f in fields:
        value = getattr(instance, f.attname)
        # plain values are what get_db_prep_save would return (JSON is always prepared)
        if type(value) not in _PLAIN or isinstance(f, models.JSONField):
            value = f.get_db_prep_save(value, connection)
            if isinstance(value, Enum):  # choices → their plain value
                value = value.value
        out.append(value)
    return out


def _cells_json(rows: Mapping[tuple[Any, ...], Sequence[Any]], model: type[models.Model],
                names: Sequence[str]) -> str:
    cols = rollups.columns(model, names)
    out = []
    for n, (k, deltas) in enumerate(rollups.sorted_cells(rows)):
        row = dict(zip(cols, [*k, *(str(d) if not isinstance(d, int) else d for d in deltas)],
                       strict=True))
        row["ord"] = n
        out.append(row)
    return json.dumps(out, ensure_ascii=False)


def submit(
    *, inv: Invitation, response: Response, rows: Sequence[rollups.AnswerRow],
    items_by_pk: Mapping[int, TemplateItem], audit: AuditEntry,
) -> int | None:
    """Write the submitted `response` (unsaved, fields set) with its answer `rows` and its
    `audit` entry (unsaved; the response's id is filled in by the statement); return the
    response's id, or None when the gate refused (started or completed meanwhile: nothing
    written)."""
    sql, (resp_fields, audit_fields) = _statement()
    now = response.submitted_at
    assert now is not None
    cube, customers = rollups.rollup_rows(response, rows, items_by_pk, 1)
    answers = json.dumps([
        {"i": a.item_id, "c": a.competitor, "v": a.value, "n": a.na, "t": a.text} for a in rows
    ], ensure_ascii=False)
    params: list[Any] = [
        inv.pk, now, now, now, InvitationStatus.COMPLETED.value,
        *_params(response, resp_fields),
        answers,
        _cells_json(cube, ItemRollup, (*ItemRollup.KEY, "count")),
        _cells_json(customers, CustomerRollup, (*CustomerRollup.KEY, *CustomerRollup.SUMS)),
        *rollups.tally_key(inv), 1 if response.competitor_name else 0,
        *_params(audit, audit_fields),
    ]
    row = execute_prepared(sql, params)
    return None if row is None or row[0] is None else int(row[0])
