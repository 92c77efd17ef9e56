"""A chart's numbers as an .xlsx workbook (openpyxl): title, headers, one row per point."""

from __future__ import annotations

from openpyxl.styles import Font

from manyi.common.spreadsheets import new_workbook

from .charts import Chart


def table_workbook(chart: Chart) -> bytes:
    wb = new_workbook()
    ws = wb.sheet(chart.id or "chart")
    ws.append([chart.title])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append(list(chart.table.columns))
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in chart.table.rows:
        ws.append([str(v) if not isinstance(v, (int, float, str, type(None))) else v
                   for v in row])
    if chart.note:
        ws.append([])
        ws.append([chart.note])
    for i, column in enumerate(chart.table.columns, start=1):
        width = max([len(str(column))] + [len(str(r[i - 1])) for r in chart.table.rows[:200]])
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = min(
            max(10, width + 2), 60)
    ws.freeze_panes = "A3"
    return wb.to_bytes()
