"""Responses as .xlsx / .csv: wide (one row per response, one column per item) and long
(one row per answer)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from manyi.common import spreadsheets

from .models import Answer, Campaign, Response, TemplateItem

BASE = ("response_id", "customer_code", "customer", "respondent", "function", "decision_class",
        "business_unit", "branch_office", "customer_class", "key_account", "source", "channel",
        "proxy", "filled_by", "competitor", "submitted_at", "answered", "unable_to_comment",
        "points", "points_possible", "verify")


def _base(r: Response) -> list[Any]:
    return [
        r.pk, r.customer.code, r.customer.name, r.respondent, r.function, r.decision_class,
        r.business_unit.code, r.branch_office.code, r.customer_class, int(r.key_account),
        r.source, r.channel, int(r.proxy), r.filled_by.username if r.filled_by else "",
        r.competitor_name, r.submitted_at.isoformat() if r.submitted_at else "", r.answered,
        r.not_applicable, r.value_sum, r.max_sum, r.verify_status,
    ]


def _cell(a: Answer) -> Any:
    if a.na:
        return "NA"
    if a.value is not None:
        return a.value
    return a.text


def wide_rows(campaign: Campaign, responses: QuerySet[Response]) -> Iterator[list[Any]]:
    items = list(TemplateItem.objects.filter(template_id=campaign.template_id)
                 .exclude(scale="none").order_by("position", "id"))
    comp_items = [i for i in items if i.competitor and i.rated] \
        if campaign.template.competitor_block else []
    yield [*BASE, *[i.key for i in items], *[f"competitor:{i.key}" for i in comp_items]]
    qs = responses.select_related("customer", "business_unit", "branch_office", "filled_by")
    for chunk in _chunks(list(qs.order_by("id")), 500):
        answers: dict[int, dict[tuple[int, bool], Answer]] = defaultdict(dict)
        for a in Answer.objects.filter(response__in=[r.pk for r in chunk]):
            answers[a.response_id][(a.item_id, a.competitor)] = a
        for r in chunk:
            mine = answers[r.pk]
            row = _base(r)
            row += [_cell(mine[(i.pk, False)]) if (i.pk, False) in mine else "" for i in items]
            row += [_cell(mine[(i.pk, True)]) if (i.pk, True) in mine else "" for i in comp_items]
            yield row


def long_rows(campaign: Campaign, responses: QuerySet[Response]) -> Iterator[list[Any]]:
    yield ["response_id", "customer_code", "business_unit", "branch_office", "customer_class",
           "key_account", "function", "source", "item", "level", "scale", "scored",
           "competitor", "value", "unable_to_comment", "max", "weight", "text"]
    qs = (Answer.objects.filter(response__in=responses)
          .select_related("response", "response__customer", "response__business_unit",
                          "response__branch_office", "item")
          .order_by("response_id", "item__position", "competitor"))
    for a in qs.iterator(chunk_size=2000):
        r, i = a.response, a.item
        yield [r.pk, r.customer.code, r.business_unit.code, r.branch_office.code,
               r.customer_class, int(r.key_account), r.function, r.source, i.key, i.level,
               i.scale, int(i.scored), int(a.competitor),
               "" if a.value is None else a.value, int(a.na), i.max_value if i.rated else "",
               str(i.weight), a.text]


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for n in range(0, len(items), size):
        yield items[n:n + size]


def to_csv(rows: Iterator[list[Any]]) -> bytes:
    return spreadsheets.csv_bytes(rows)


def to_xlsx(rows: Iterator[list[Any]], title: str) -> bytes:
    book = spreadsheets.new_workbook(write_only=True)
    sheet = book.sheet(title or _("responses"))
    for row in rows:
        sheet.append(row)
    return book.to_bytes()
