"""The quality-cost totals as an .xlsx workbook (openpyxl): one sheet per table, exact
Decimal amounts (written as numbers with two decimals)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from manyi.common.spreadsheets import Book, new_workbook

from .selectors import CostRow, CostTotals

MONEY_FORMAT = "#,##0.00"


def _sheet(wb: Book, title: str, key_header: str, label_header: str | None,
           rows: list[CostRow], totals: CostTotals) -> None:
    ws = wb.sheet(title)
    labels = [label_header] if label_header else []
    headers: list[object] = [key_header, *labels, _("Claims"), _("Amount (CNY)")]
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values: list[object] = [row.key, row.label] if label_header else [row.key]
        ws.append([*values, row.count, row.amount])
        ws.cell(row=ws.max_row, column=len(headers)).number_format = MONEY_FORMAT
    total: list[object] = [_("Total"), ""] if label_header else [_("Total")]
    ws.append([*total, totals.count, totals.total])
    last = ws.max_row
    ws.cell(row=last, column=len(headers)).number_format = MONEY_FORMAT
    for cell in ws[last]:
        cell.font = Font(bold=True)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 36


def quality_cost_workbook(totals: CostTotals) -> bytes:
    wb = new_workbook()
    _sheet(wb, _("By month"), _("Month"), None, totals.by_month, totals)
    _sheet(wb, _("By customer"), _("Customer code"), _("Customer"), totals.by_customer, totals)
    _sheet(wb, _("By product"), _("Model"), _("Product"), totals.by_product, totals)
    info = wb.sheet(_("Period"))
    info.append([_("From"), totals.period.date_from.isoformat()])
    info.append([_("To"), totals.period.date_to.isoformat()])
    info.append([_("Category"), _("External failure – claim")])
    return wb.to_bytes()
