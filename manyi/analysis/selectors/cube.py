"""Reads of the survey rollups (manyi.surveys.rollups): the cube cells of one campaign, grouped
for the item rows and every breakdown, and the per-campaign sums of the customer rollup.

On PostgreSQL the campaign's cells are read in ONE scan with GROUPING SETS (the item rows and
the six breakdowns at once); elsewhere (SQLite) with one GROUP BY per breakdown. Both return
the same rows — the analysis tests run on both databases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Sum

from manyi.surveys.models import CustomerRollup, ItemRollup, ResponseSource

CUSTOMER = ResponseSource.CUSTOMER
#: the customer-group columns of the cube that the analysis breaks down by
GROUP_COLUMNS = ("bu", "office", "customer_class", "key_account", "function", "decision_class")

Cells = list[tuple[int, int, int]]  # (item id, value, count)


def campaign_cells(campaign_id: int) -> tuple[dict[tuple[str, bool], Cells],
                                              dict[str, dict[Any, Cells]]]:
    """(base, groups): base[(source, competitor)] = cells; groups[column][key] = the customers'
    own cells (not self-evaluations, not competitor ratings) of that customer group."""
    if connection.vendor == "postgresql":
        return _grouping_sets(campaign_id)
    base: dict[tuple[str, bool], Cells] = defaultdict(list)
    for source, competitor, item_id, value, n in (
        ItemRollup.objects.filter(campaign_id=campaign_id)
        .values_list("source", "competitor", "item_id", "value").annotate(n=Sum("count"))
        .order_by()
    ):
        base[(source, competitor)].append((item_id, value, int(n)))
    groups: dict[str, dict[Any, Cells]] = {}
    for column in GROUP_COLUMNS:
        by: dict[Any, Cells] = defaultdict(list)
        for key, item_id, value, n in (
            ItemRollup.objects.filter(campaign_id=campaign_id, source=CUSTOMER, competitor=False)
            .values_list(column, "item_id", "value").annotate(n=Sum("count")).order_by()
        ):
            by[key].append((item_id, value, int(n)))
        groups[column] = dict(by)
    return dict(base), groups


def _grouping_sets(campaign_id: int) -> tuple[dict[tuple[str, bool], Cells],
                                              dict[str, dict[Any, Cells]]]:
    meta = ItemRollup._meta
    q = connection.ops.quote_name
    col = {name: q(str(getattr(meta.get_field(name), "column", name))) for name in
           ("source", "competitor", "item", "value", "count", "campaign", *GROUP_COLUMNS)}
    groups_sql = ", ".join(col[c] for c in GROUP_COLUMNS)
    sets = [f"({col['source']}, {col['competitor']}, {col['item']}, {col['value']})"]
    sets += [f"({col['source']}, {col['competitor']}, {col[c]}, {col['item']}, {col['value']})"
             for c in GROUP_COLUMNS]
    # identifiers come from the model's metadata; the campaign id is a query parameter
    sql = (
        f"SELECT {col['source']}, {col['competitor']}, {groups_sql}, {col['item']}, "  # noqa: S608
        f"{col['value']}, SUM({col['count']}), GROUPING({groups_sql}) "
        f"FROM {q(meta.db_table)} WHERE {col['campaign']} = %s "
        f"GROUP BY GROUPING SETS ({', '.join(sets)})"
    )
    base: dict[tuple[str, bool], Cells] = defaultdict(list)
    groups: dict[str, dict[Any, Cells]] = {c: defaultdict(list) for c in GROUP_COLUMNS}
    width = len(GROUP_COLUMNS)
    all_ones = (1 << width) - 1
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign_id])
        for row in cursor.fetchall():
            source, competitor = row[0], row[1]
            item_id, value, n, g = row[2 + width], row[3 + width], int(row[4 + width]), row[-1]
            if g == all_ones:
                base[(source, competitor)].append((item_id, value, n))
                continue
            if source != CUSTOMER or competitor:
                continue
            for k, column in enumerate(GROUP_COLUMNS):
                if not g & (1 << (width - 1 - k)):
                    groups[column][row[2 + k]].append((item_id, value, n))
                    break
    return dict(base), {c: dict(v) for c, v in groups.items()}


def item_cells(campaign_id: int) -> Cells:
    """The customers' own cells of a campaign, by item and value."""
    return [
        (item_id, value, int(n))
        for item_id, value, n in ItemRollup.objects.filter(
            campaign_id=campaign_id, source=CUSTOMER, competitor=False)
        .values_list("item_id", "value").annotate(n=Sum("count")).order_by()
    ]


SUMS = ("answered", "not_applicable", "value_sum", "max_sum", "top2", "top2_answered", "low")


def campaign_sums(campaign_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Σ of the customer rollup per campaign (the customers' own forms)."""
    rows: Any = (
        CustomerRollup.objects.filter(
            campaign_id__in=list(campaign_ids), source=CUSTOMER, competitor=False)
        .values("campaign_id").annotate(**{k: Sum(k) for k in SUMS}).order_by()
    )
    return {r["campaign_id"]: {k: int(r[k] or 0) for k in SUMS} for r in rows}
