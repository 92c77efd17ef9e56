"""The summary table as an .xlsx workbook (Chinese headers by default, English on request)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from manyi.common.calendar import local_tz
from manyi.common.spreadsheets import Book, new_workbook

from .models import ContentCategory
from .summary import Summary, last_proposal

# (Chinese, English) — the headers do not depend on the translation catalogue.
H = tuple[str, str]

SHEETS: dict[str, H] = {
    "items": ("汇总处理表", "Summary table"),
    "months": ("月度趋势", "Monthly trend"),
    "customers": ("按顾客", "By customer"),
    "quarters": ("按季节", "By season"),
    "rules": ("说明", "Rules"),
}
ITEM_HEADERS: list[H] = [
    ("编号", "Number"),
    ("受理时间", "Received"),
    ("顾客编码", "Customer code"),
    ("顾客", "Customer"),
    ("渠道", "Channel"),
    ("产品型号", "Product"),
    ("批号", "Batch"),
    ("类别", "Category"),
    ("性质", "Nature"),
    ("严重程度", "Severity"),
    ("问题描述", "Problem"),
    ("顾客要求", "Customer's demand"),
    ("补救措施", "Remedy"),
    ("金额(元)", "Amount (CNY)"),
    ("处理结果", "Result"),
    ("根本原因", "Root cause"),
    ("需纠正预防", "CAPA needed"),
    ("状态", "State"),
    ("办结时间", "Closed"),
    ("回访满意度", "Satisfaction at call-back"),
    ("频次", "Frequency"),
]
MONTH_HEADERS: list[H] = [
    ("月份", "Month"),
    ("投诉/抱怨数", "Complaints"),
    ("上月", "Previous month"),
    ("环比变化", "Change"),
    ("环比变化率(%)", "Change (%)"),
    ("经常性", "Recurring"),
    ("偶发性", "Occasional"),
    ("基准", "Baseline"),
    ("异常趋势", "Abnormal"),
]
CATEGORY_ZH: dict[str, str] = {
    ContentCategory.PRODUCT_QUALITY: "产品质量",
    ContentCategory.SERVICE_QUALITY: "服务质量",
    ContentCategory.SERVICE_ATTITUDE: "服务态度",
    ContentCategory.SUDDEN_EVENT: "突发事件/不可抗力",
}
QUARTER_HEADERS: list[H] = [
    ("季度", "Quarter"),
    ("投诉/抱怨数", "Complaints"),
    ("占全年(%)", "Share of the year (%)"),
    ("上年同期", "Same quarter last year"),
    ("同比变化", "Change"),
]
YES_NO = {True: ("是", "yes"), False: ("否", "no")}
FREQ = {True: ("经常性", "recurring"), False: ("偶发性", "occasional")}

_BOLD = Font(bold=True)
_FILL = PatternFill("solid", fgColor="EEF1F4")
_RED = Font(color="B4232A", bold=True)


def _pick(pair: H, lang: str) -> str:
    return pair[0] if lang == "zh" else pair[1]


def _header(ws: Any, headers: list[str]) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = _BOLD
        cell.fill = _FILL
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    ws.freeze_panes = "A2"
    for i, text in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(text) * 2 + 4))


def _local(value: Any) -> Any:
    if value is None:
        return None
    return timezone.localtime(value, local_tz()).replace(tzinfo=None)


def summary_xlsx(summary: Summary, lang: str = "zh") -> bytes:
    lang = "en" if lang == "en" else "zh"
    with translation.override("en" if lang == "en" else "zh-hans"):
        return _build(summary, lang)


def _build(summary: Summary, lang: str) -> bytes:
    wb = new_workbook()
    _items_sheet(wb, summary, lang)
    _months_sheet(wb, summary, lang)
    _customers_sheet(wb, summary, lang)
    _quarters_sheet(wb, summary, lang)
    _rules_sheet(wb, summary, lang)
    return wb.to_bytes()


def _items_sheet(wb: Book, summary: Summary, lang: str) -> None:
    """One row per complaint of the period."""
    ws = wb.sheet(_pick(SHEETS["items"], lang))
    _header(ws, [_pick(h, lang) for h in ITEM_HEADERS])
    for c in summary.complaints:
        proposal = last_proposal(c)
        ws.append(
            [
                c.number,
                _local(c.received_at),
                c.customer.code,
                c.customer.name,
                c.get_channel_display(),
                c.product_display,
                c.batch_number,
                CATEGORY_ZH.get(c.content_category, c.content_category)
                if lang == "zh"
                else c.get_content_category_display(),
                c.get_nature_display(),
                c.get_severity_display(),
                c.description,
                c.customer_demand,
                proposal.description if proposal else "",
                proposal.amount if proposal and proposal.amount is not None else None,
                c.result,
                c.root_cause,
                _pick(YES_NO[bool(c.capa_required)], lang) if c.capa_required is not None else "",
                c.get_state_display(),
                _local(c.closed_at),
                c.get_callback_satisfaction_display(),
                _pick(FREQ[c.pk in summary.recurring_pks], lang),
            ]
        )
    for row in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm"
    for row in ws.iter_rows(min_row=2, min_col=19, max_col=19):
        for cell in row:
            cell.number_format = "yyyy-mm-dd hh:mm"


def _months_sheet(wb: Book, summary: Summary, lang: str) -> None:
    """Complaints per month against the previous year and the baseline; abnormal months in red."""
    ws = wb.sheet(_pick(SHEETS["months"], lang))
    cats = [CATEGORY_ZH[c] if lang == "zh" else str(label) for c, label in ContentCategory.choices]
    _header(ws, [_pick(h, lang) for h in MONTH_HEADERS] + cats)
    for m in summary.months:
        ws.append(
            [
                m.label,
                m.count,
                m.previous,
                m.change,
                float(m.change_pct) if m.change_pct is not None else None,
                m.recurring,
                m.occasional,
                float(m.baseline) if m.baseline is not None else None,
                _pick(YES_NO[m.abnormal], lang),
                *[m.by_category.get(c, 0) for c in ContentCategory.values],
            ]
        )
        if m.abnormal:
            ws.cell(row=ws.max_row, column=9).font = _RED
    ws.append(
        [
            _pick(("全年", "Year"), lang),
            summary.year_total,
            summary.previous_year_total,
            summary.year_total - summary.previous_year_total,
            None,
            sum(m.recurring for m in summary.months),
            sum(m.occasional for m in summary.months),
        ]
    )
    for cell in ws[ws.max_row]:
        cell.font = _BOLD


def _customers_sheet(wb: Book, summary: Summary, lang: str) -> None:
    """Complaints per customer and month."""
    ws = wb.sheet(_pick(SHEETS["customers"], lang))
    month_names = [f"{i}月" if lang == "zh" else f"M{i:02d}" for i in range(1, 13)]
    _header(
        ws,
        [
            _pick(("顾客编码", "Customer code"), lang),
            _pick(("顾客", "Customer"), lang),
            *month_names,
            _pick(("合计", "Total"), lang),
            _pick(("经常性", "Recurring"), lang),
        ],
    )
    for r in summary.customers:
        ws.append([r.code, r.name, *r.months, r.count, r.recurring])


def _quarters_sheet(wb: Book, summary: Summary, lang: str) -> None:
    """Complaints per quarter against the previous year."""
    ws = wb.sheet(_pick(SHEETS["quarters"], lang))
    _header(ws, [_pick(h, lang) for h in QUARTER_HEADERS])
    for q in summary.quarters:
        ws.append(
            [
                f"Q{q.quarter}",
                q.count,
                float(q.share) if q.share is not None else None,
                q.previous_year,
                q.change,
            ]
        )


def _rules_sheet(wb: Book, summary: Summary, lang: str) -> None:
    """The rules the summary applied (recurring, abnormal trend)."""
    ws = wb.sheet(_pick(SHEETS["rules"], lang))
    cfg = summary.config
    period = f"{summary.year}" + (f"-{summary.month:02d}" if summary.month else "")
    lines = (
        [
            f"期间：{period}",
            f"经常性：同一顾客同一类别在 {cfg.recurring_window_months} 个月内（含本次）投诉 ≥ "
            f"{cfg.recurring_min_count} 次；否则为偶发性。",
            f"异常趋势：当月投诉数比基准多 ≥ {cfg.abnormal_min_increase} 起，且 ≥ 基准 × "
            f"{cfg.abnormal_factor}；应要求相关部门提出整改计划（003 §4.1.7）。基准为前 "
            f"{cfg.abnormal_baseline_months} 个月的均值"
            + ("，若上年同月更高则取上年同月（正常的季节性高峰不算异常）。"
               if cfg.abnormal_seasonal else "。"),
            "已撤销的投诉不计入。月份按公司时区（Asia/Shanghai）。",
        ]
        if lang == "zh"
        else [
            f"Period: {period}",
            f"Recurring: the same customer complained about the same category ≥ "
            f"{cfg.recurring_min_count} times within {cfg.recurring_window_months} months "
            "(this complaint included); otherwise occasional.",
            f"Abnormal trend: ≥ {cfg.abnormal_min_increase} complaints more than the baseline and "
            f"≥ baseline × {cfg.abnormal_factor}: the departments are asked for a rectification "
            f"plan (003 §4.1.7). Baseline: the mean of the previous "
            f"{cfg.abnormal_baseline_months} months"
            + (", or the same month of the previous year when that was higher (the usual "
               "seasonal peak is not an anomaly)." if cfg.abnormal_seasonal else "."),
            "Cancelled complaints are left out. Months in the company's time zone.",
        ]
    )
    for line in lines:
        ws.append([line])
    ws.column_dimensions["A"].width = 120
