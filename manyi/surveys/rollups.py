"""Per-campaign rollups, kept up to date at submission (one upsert statement per table).

`INSERT … ON CONFLICT (key) DO UPDATE SET n = table.n + excluded.n` is the same SQL on SQLite
(≥ 3.24) and PostgreSQL; rows are sorted by key so concurrent transactions lock the cells
in the same order (no deadlocks). `rollups_recompute` rebuilds everything from the answers;
a test checks that the two always agree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db import connection, models, transaction
from django.db.models import QuerySet

from .constants import NA_VALUE
from .models import (
    Answer,
    Campaign,
    CampaignTally,
    CustomerRollup,
    Invitation,
    ItemRollup,
    Response,
    ResponseStatus,
    TemplateItem,
)

BUMP_BATCH = 500


class AnswerRow(NamedTuple):
    """An answer not (yet) stored: what the rollups and the totals read of an Answer."""

    item_id: int
    competitor: bool
    value: int | None
    na: bool
    text: str = ""


AnswerData = Answer | AnswerRow


def columns(model: type[models.Model], names: Sequence[str]) -> list[str]:
    """Field or attname → database column."""
    out = []
    for name in names:
        field = model._meta.get_field(name[:-3] if name.endswith("_id") else name)
        out.append(str(field.column))  # type: ignore[union-attr]
    return out


def sorted_cells(
    rows: Mapping[tuple[Any, ...], Sequence[Any]],
) -> list[tuple[tuple[Any, ...], Sequence[Any]]]:
    """Cells in lock order: every writer (ORM or one-statement path) updates the cells of a
    table in this order, so concurrent submissions wait for each other but never deadlock."""
    return sorted(rows.items(), key=lambda kv: tuple(str(x) for x in kv[0]))


def bump(
    model: type[models.Model],
    key: Sequence[str],
    sums: Sequence[str],
    rows: Mapping[tuple[Any, ...], Sequence[Any]],
) -> None:
    """Add `rows` {key values: sum deltas} to the cells of `model` (creating missing cells)."""
    if not rows:
        return
    if len(rows) > BUMP_BATCH:  # stay below SQLite's limit of bound parameters
        items_all = list(rows.items())
        for n in range(0, len(items_all), BUMP_BATCH):
            bump(model, key, sums, dict(items_all[n:n + BUMP_BATCH]))
        return
    table = connection.ops.quote_name(model._meta.db_table)
    kcols = [connection.ops.quote_name(c) for c in columns(model, key)]
    scols = [connection.ops.quote_name(c) for c in columns(model, sums)]
    placeholders = "(" + ", ".join(["%s"] * (len(kcols) + len(scols))) + ")"
    items = sorted_cells(rows)
    params: list[Any] = []
    for k, deltas in items:
        params.extend(k)
        params.extend(deltas)
    # identifiers come from the model's metadata, every value is a query parameter
    insert = f"INSERT INTO {table} ({', '.join(kcols + scols)}) VALUES "  # noqa: S608
    values = ", ".join([placeholders] * len(items))
    conflict = f" ON CONFLICT ({', '.join(kcols)}) DO UPDATE SET "
    update = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in scols)
    sql = insert + values + conflict + update
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- answers → cells -----------------------------------------------------------------------


def _cube_key(response: Response, answer: AnswerData) -> tuple[Any, ...]:
    return (
        response.campaign_id,
        answer.item_id,
        response.source,
        answer.competitor,
        response.business_unit_id,
        response.branch_office_id,
        response.customer_class,
        response.key_account,
        response.function,
        response.decision_class,
        NA_VALUE if answer.na else int(answer.value or 0),
    )


def response_totals(
    answers: Iterable[AnswerData], items: Mapping[int, TemplateItem]
) -> dict[str, Any]:
    """Per-form totals of the response's own (not competitor) scored answers."""
    t: dict[str, Any] = defaultdict(int)
    t["weighted_value"] = Decimal(0)
    t["weighted_max"] = Decimal(0)
    for a in answers:
        item = items[a.item_id]
        if a.competitor or not item.scored:
            continue
        if a.na:
            t["not_applicable"] += 1
            continue
        if a.value is None:
            continue
        value = int(a.value)
        t["answered"] += 1
        t["value_sum"] += value
        t["max_sum"] += item.max_value
        t["weighted_value"] += item.weight * value
        t["weighted_max"] += item.weight * item.max_value
        if item.scale in ("five", "agree", "verbal"):
            t["top2_answered"] += 1
            t["top2"] += 1 if item.is_top2(value) else 0
        t["low"] += 1 if item.is_low(value) else 0
    return dict(t)


def _competitor_totals(
    answers: Iterable[AnswerData], items: Mapping[int, TemplateItem]
) -> dict[str, Any]:
    flipped = [AnswerRow(a.item_id, False, a.value, a.na) for a in answers if a.competitor]
    return response_totals(flipped, items) if flipped else {}


def rollup_rows(
    response: Response, answers: Sequence[AnswerData], items: Mapping[int, TemplateItem],
    sign: int
) -> tuple[dict[tuple[Any, ...], list[Any]], dict[tuple[Any, ...], list[Any]]]:
    cube: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0])
    for a in answers:
        item = items[a.item_id]
        if not item.rated or (a.value is None and not a.na):
            continue
        cube[_cube_key(response, a)][0] += sign
    customers: dict[tuple[Any, ...], list[Any]] = {}
    for competitor, totals in (
        (False, response_totals(answers, items)),
        (True, _competitor_totals(answers, items)),
    ):
        if competitor and not totals:
            continue
        key = (response.campaign_id, response.customer_id, response.source, competitor,
               response.key_account)
        customers[key] = [
            sign * (1 if name == "forms" else totals.get(name, 0))
            for name in CustomerRollup.SUMS
        ]
    return dict(cube), customers


def rollup_apply(
    response: Response,
    answers: Sequence[Answer],
    items: Mapping[int, TemplateItem],
    *,
    sign: int = 1,
) -> None:
    """Add (sign=1) or remove (sign=-1) a submitted response's answers to the rollups."""
    cube, customers = rollup_rows(response, answers, items, sign)
    bump(ItemRollup, ItemRollup.KEY, ("count",), cube)
    bump(CustomerRollup, CustomerRollup.KEY, CustomerRollup.SUMS, customers)


def rollup_replace(
    response: Response,
    old: Sequence[AnswerData],
    new: Sequence[AnswerData],
    items: Mapping[int, TemplateItem],
) -> None:
    """A corrected form: its old answers leave the rollups and the new ones enter, in one
    upsert per table (cells in lock order, so it cannot deadlock with submissions)."""
    cube_old, customers_old = rollup_rows(response, old, items, -1)
    cube_new, customers_new = rollup_rows(response, new, items, 1)
    for merged, other in ((cube_old, cube_new), (customers_old, customers_new)):
        for key, deltas in other.items():
            have = merged.get(key)
            merged[key] = list(deltas) if have is None else [
                a + b for a, b in zip(have, deltas, strict=True)]
    bump(ItemRollup, ItemRollup.KEY, ("count",), cube_old)
    bump(CustomerRollup, CustomerRollup.KEY, CustomerRollup.SUMS, customers_old)


def tally_key(inv: Invitation) -> tuple[Any, ...]:
    return (
        inv.campaign_id,
        inv.business_unit_id,
        inv.branch_office_id,
        inv.customer_class,
        inv.decision_class,
        inv.channel == "delegated",
    )


def tally_bump(inv: Invitation, **deltas: int) -> None:
    row = [deltas.get(name, 0) for name in CampaignTally.SUMS]
    bump(CampaignTally, CampaignTally.KEY, CampaignTally.SUMS, {tally_key(inv): row})


# --- full recomputation --------------------------------------------------------------------


def aggregate(
    pairs: Iterable[tuple[Response, Sequence[Answer]]],
    invitations: Iterable[Invitation],
    items: Mapping[int, TemplateItem],
) -> dict[str, Any]:
    """The three rollups of a campaign from its submitted responses (with their answers)
    and its invitations — the definition the incremental updates must agree with."""
    cube: dict[tuple[Any, ...], int] = defaultdict(int)
    customers: dict[tuple[Any, ...], list[Any]] = {}
    by_invitation: dict[int, Response] = {}
    for r, answers in pairs:
        if r.status != ResponseStatus.SUBMITTED:
            continue
        if r.source == "customer" and r.invitation_id:
            by_invitation[r.invitation_id] = r
        c, cu = rollup_rows(r, answers, items, 1)
        for k, v in c.items():
            cube[k] += v[0]
        for k, v in cu.items():
            old = customers.get(k)
            customers[k] = v if old is None else [x + y for x, y in zip(old, v, strict=True)]
    tallies = _tallies(invitations, by_invitation)
    return {
        "cube": {k: v for k, v in cube.items() if v},
        "customers": {k: v for k, v in customers.items() if any(v)},
        "tallies": {k: v for k, v in tallies.items() if any(v)},
    }


def _tallies(invitations: Iterable[Invitation], by_invitation: Mapping[int, Response]
             ) -> dict[tuple[Any, ...], list[int]]:
    """The campaign tally rows of the sent invitations (in CampaignTally.SUMS order), with
    the proxy and competitor flags of the customer's submitted response."""
    tallies: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * 7)
    for inv in invitations:
        if not inv.sent_at:
            continue
        row = tallies[tally_key(inv)]
        row[0] += 1
        row[1] += 1
        row[2] += 1 if inv.opened_at else 0
        row[3] += 1 if inv.started_at else 0
        row[4] += 1 if inv.completed_at else 0
        resp = by_invitation.get(inv.pk)
        if resp is not None:
            row[5] += 1 if resp.proxy else 0
            row[6] += 1 if resp.competitor_name else 0
    return tallies


def rollups_write(campaign: Campaign, result: Mapping[str, Any]) -> None:
    """Replace the stored rollups of a campaign by `result` (from `aggregate`)."""
    with transaction.atomic():
        ItemRollup.objects.filter(campaign=campaign).delete()
        CustomerRollup.objects.filter(campaign=campaign).delete()
        CampaignTally.objects.filter(campaign=campaign).delete()
        cells = {k: [v] for k, v in result["cube"].items()}
        bump(ItemRollup, ItemRollup.KEY, ("count",), cells)
        bump(CustomerRollup, CustomerRollup.KEY, CustomerRollup.SUMS, result["customers"])
        bump(CampaignTally, CampaignTally.KEY, CampaignTally.SUMS, result["tallies"])


def rollups_of(
    campaign: Campaign,
    *,
    responses: QuerySet[Response] | None = None,
    invitations: QuerySet[Invitation] | None = None,
    with_answers: bool = True,
) -> dict[str, Any]:
    """The rollups of `campaign` computed from its rows: all of them, or only `responses` /
    `invitations` (e.g. those in one user's scope — the cells the stored cubes would hold if
    the campaign had only these records). with_answers=False skips the answers (the tally
    needs only the responses' proxy and competitor flags)."""
    items = {i.pk: i for i in TemplateItem.objects.filter(template_id=campaign.template_id)}
    base = Response.objects.filter(campaign=campaign, status=ResponseStatus.SUBMITTED)
    if responses is not None:
        base = base.filter(pk__in=responses.values("pk"))
    rows = list(base.order_by("id"))
    answers_by: dict[int, list[Answer]] = defaultdict(list)
    if with_answers:
        for a in Answer.objects.filter(response__in=base).order_by("id"):
            answers_by[a.response_id].append(a)
    invs = Invitation.objects.filter(campaign=campaign)
    if invitations is not None:
        invs = invs.filter(pk__in=invitations.values("pk"))
    return aggregate(((r, answers_by[r.pk]) for r in rows), invs, items)


def rollups_recompute(campaign: Campaign, *, write: bool = True) -> dict[str, Any]:
    """Rebuild the three rollups of a campaign from the answers and invitations.

    With write=False only return the expected cells (the consistency tests compare them
    with `rollups_current`)."""
    result = rollups_of(campaign)
    if write:
        rollups_write(campaign, result)
    return result


def rollups_current(campaign: Campaign) -> dict[str, Any]:
    """The stored rollups in the same shape as rollups_recompute(write=False)."""
    cube = {
        tuple(getattr(r, k) for k in ItemRollup.KEY): r.count
        for r in ItemRollup.objects.filter(campaign=campaign)
        if r.count
    }
    customers = {
        tuple(getattr(r, k) for k in CustomerRollup.KEY):
            [getattr(r, s) for s in CustomerRollup.SUMS]
        for r in CustomerRollup.objects.filter(campaign=campaign)
    }
    tallies = {
        tuple(getattr(r, k) for k in CampaignTally.KEY): [getattr(r, s) for s in CampaignTally.SUMS]
        for r in CampaignTally.objects.filter(campaign=campaign)
    }
    return {
        "cube": cube,
        "customers": {k: v for k, v in customers.items() if any(v)},
        "tallies": {k: v for k, v in tallies.items() if any(v)},
    }
