"""Export through the selectors (the user's permission scope), streamed in chunks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet

from manyi.accounts.permissions import customer_q, require
from manyi.accounts.types import Actor

from .. import selectors
from ..filters import CustomerFilter, OrderFilter
from .columns import Cell
from .files import csv_chunks, write_xlsx
from .lookups import ExportRefs
from .specs import Spec, spec_for

CHUNK = 2000
SHEET_TITLES = {"customers": "顾客", "contacts": "联系人", "orders": "订单"}


def export_queryset(
    kind: str, *, user: Actor, params: Mapping[str, Any] | None = None
) -> QuerySet[Any]:
    """The records to export: the list page's filters (params) within the user's scope."""
    require(user, "customer.export")
    reader = user  # None = the system: every record
    params = params or {}
    qs: QuerySet[Any]
    prefix = "customer__"
    if kind == "customers":
        qs = selectors.customer_list(user=reader, filters=CustomerFilter.from_params(params))
        prefix = ""
    elif kind == "contacts":
        qs = selectors.contact_list(user=reader)
    else:
        spec_for(kind)
        qs = selectors.order_list(user=reader, filters=OrderFilter.from_params(params))
    if user is not None:
        q = customer_q(user, "customer.export", prefix)
        if q is not None:
            qs = qs.filter(q)
    # Only the exported fields, no joined objects: codes come from ExportRefs dicts.
    fields = [col.attname for col in spec_for(kind).columns if col.attname]
    return qs.select_related(None).only("pk", *fields)


def header(spec: Spec, lang: str = "zh") -> list[str]:
    return [col.heading(lang) for col in spec.columns]


def rows(spec: Spec, qs: QuerySet[Any]) -> Iterator[list[Cell]]:
    refs = ExportRefs(spec.kind)
    formatters = [col.fmt for col in spec.columns]
    for obj in qs.iterator(chunk_size=CHUNK):
        yield [fmt(obj, refs) for fmt in formatters]


def export_csv_chunks(
    kind: str, *, user: Actor, params: Mapping[str, Any] | None = None, lang: str = "zh"
) -> Iterator[bytes]:
    spec = spec_for(kind)
    qs = export_queryset(kind, user=user, params=params)
    return csv_chunks(header(spec, lang), rows(spec, qs))


def export_file(
    kind: str,
    target: str | Path | IO[bytes],
    *,
    fmt: str,
    user: Actor,
    params: Mapping[str, Any] | None = None,
    lang: str = "zh",
) -> None:
    """Write the export to a path or a binary file."""
    spec = spec_for(kind)
    qs = export_queryset(kind, user=user, params=params)
    if fmt == "xlsx":
        title = SHEET_TITLES[kind] if lang != "en" else kind
        write_xlsx(target, header(spec, lang), spec.columns, rows(spec, qs), title)
        return
    chunks = csv_chunks(header(spec, lang), rows(spec, qs))
    if isinstance(target, str | Path):
        with open(target, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
    else:
        for chunk in chunks:
            target.write(chunk)
