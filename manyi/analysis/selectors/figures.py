"""The building blocks of the campaign analysis: items with their dimension, the figures of a
set of answers (from cube cells or from the customer rollup's sums) and the item rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from manyi.stats.items import ItemStatistics
from manyi.stats.proportions import Interval, TwoProportionTest, wilson_interval
from manyi.stats.scoring import LevelPointsResult, item_percent
from manyi.surveys.constants import NA_VALUE
from manyi.surveys.models import (
    CampaignStatus,
    ItemLevel,
    ResponseSource,
    Scale,
    TemplateItem,
)

from .. import constants as K
from ..formulas import item_statistics_counts, level_points_counts

FIVE_SCALES = frozenset({Scale.FIVE, Scale.AGREE, Scale.VERBAL})
CUSTOMER = ResponseSource.CUSTOMER
SELF = ResponseSource.SELF
SENT_STATUSES = (CampaignStatus.RUNNING, CampaignStatus.CLOSED)


# --- items ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemMeta:
    item: TemplateItem
    dimension_key: str
    dimension_text: str

    @property
    def pk(self) -> int:
        return self.item.pk

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def label(self) -> str:
        return f"{self.item.key} {self.item.display_text}"

    @property
    def five(self) -> bool:
        return self.item.scale in FIVE_SCALES

    @property
    def levels(self) -> tuple[int, ...]:
        return tuple(range(self.item.min_value, self.item.max_value + 1))


def _items_of(template_ids: Iterable[int]) -> dict[int, ItemMeta]:
    items = {i.pk: i for i in TemplateItem.objects.filter(template_id__in=set(template_ids))}
    out = {}
    for item in items.values():
        top = item
        while top.parent_id is not None and top.parent_id in items:
            top = items[top.parent_id]
        dim = top if top.level == ItemLevel.DIMENSION else None
        out[item.pk] = ItemMeta(
            item,
            dim.key if dim else "",
            dim.display_text if dim else "",
        )
    return out


# --- figures of a group of answers ----------------------------------------------------------


@dataclass
class Figures:
    """The satisfaction figures of a set of scored answers (one group of a breakdown)."""

    key: Any
    label: str
    answered: int = 0  # scored answers (N/A excluded)
    not_applicable: int = 0
    value_sum: int = 0
    max_sum: int = 0
    five: dict[int, int] = field(default_factory=dict)  # 1–5 answers by level
    low: int = 0
    customers: int | None = None
    top2_only: bool = False  # from customer sums of a mixed questionnaire: no level rate
    sums_only: bool = False  # from customer sums: the level distribution is not known

    @classmethod
    def from_sums(cls, key: Any, label: str, sums: Mapping[str, int], all_five: bool
                  ) -> Figures:
        """Figures from the customer rollup's sums. On a questionnaire whose scored items are
        all 1–5, "low" is exactly the answers 1–2, so the rate (levels 3–5) is known too."""
        fig = cls(key, label, answered=sums.get("answered", 0),
                  not_applicable=sums.get("not_applicable", 0),
                  value_sum=sums.get("value_sum", 0), max_sum=sums.get("max_sum", 0),
                  low=sums.get("low", 0), sums_only=True, top2_only=not all_five)
        n, top2 = sums.get("top2_answered", 0), sums.get("top2", 0)
        if n:
            satisfied = n - fig.low if all_five else top2
            fig.five = {5: top2, 3: satisfied - top2, 1: n - satisfied}
        return fig

    @property
    def degree(self) -> float | None:
        """Satisfaction degree: Σ score / Σ maximum × 100 (= level-points degree on 1–5)."""
        if not self.max_sum:
            return None
        return item_percent(self.value_sum, self.max_sum)

    @property
    def level_points(self) -> LevelPointsResult | None:
        if self.sums_only or not sum(self.five.values()):
            return None
        return level_points_counts(self.five)

    @property
    def rate(self) -> float | None:
        """Satisfaction rate: answers at level 3 or higher of the 1–5 answers (level-points)."""
        if self.top2_only or not sum(self.five.values()):
            return None
        return level_points_counts(self.five).rate

    @property
    def top2(self) -> int:
        return self.five.get(4, 0) + self.five.get(5, 0)

    @property
    def five_answered(self) -> int:
        return sum(self.five.values())

    @property
    def top2_pct(self) -> float | None:
        n = self.five_answered
        return self.top2 * 100 / n if n else None

    @property
    def top2_ci(self) -> Interval | None:
        n = self.five_answered
        return wilson_interval(self.top2, n, K.CONFIDENCE) if n else None


def _add(fig: Figures, meta: ItemMeta | None, value: int, n: int) -> None:
    if meta is None or not meta.item.scored:
        return
    if value == NA_VALUE:
        fig.not_applicable += n
        return
    fig.answered += n
    fig.value_sum += value * n
    fig.max_sum += meta.item.max_value * n
    if meta.five and 1 <= value <= 5:
        fig.five[value] = fig.five.get(value, 0) + n
    if meta.item.is_low(value):
        fig.low += n


def _figures(cells: Iterable[tuple[int, int, int]], items: Mapping[int, ItemMeta],
             key: Any = None, label: str = "") -> Figures:
    fig = Figures(key, label)
    for item_id, value, n in cells:
        _add(fig, items.get(item_id), value, n)
    return fig


# --- item rows -----------------------------------------------------------------------------


@dataclass
class ItemRow:
    meta: ItemMeta
    stats: ItemStatistics
    percent: float | None  # mean / maximum × 100
    top2: int
    top2_n: int
    top_level: int  # answers at the top of the scale ("very satisfied")
    low: int
    ci: Interval | None
    previous_percent: float | None = None
    previous_top2_pct: float | None = None
    test: TwoProportionTest | None = None
    competitor_percent: float | None = None
    competitor_n: int = 0

    @property
    def label(self) -> str:
        return self.meta.label

    @property
    def top2_pct(self) -> float | None:
        return self.top2 * 100 / self.top2_n if self.top2_n else None

    @property
    def top_level_pct(self) -> float | None:
        return self.top_level * 100 / self.stats.answered if self.stats.answered else None

    @property
    def change(self) -> float | None:
        if self.percent is None or self.previous_percent is None:
            return None
        return self.percent - self.previous_percent

    @property
    def significant(self) -> bool:
        return bool(self.test and self.test.significant)


def _item_row(meta: ItemMeta, counts: Mapping[int, int]) -> ItemRow:
    given = {v: n for v, n in counts.items() if v != NA_VALUE and v in meta.levels}
    stats = item_statistics_counts(given, counts.get(NA_VALUE, 0), meta.levels)
    top = meta.item.max_value
    percent = stats.mean * 100 / top if stats.mean is not None and top else None
    top2 = sum(n for v, n in given.items() if meta.item.is_top2(v))
    top2_n = stats.answered if meta.five else 0
    return ItemRow(
        meta=meta,
        stats=stats,
        percent=percent,
        top2=top2,
        top2_n=top2_n,
        top_level=given.get(top, 0),
        low=sum(n for v, n in given.items() if meta.item.is_low(v)),
        ci=wilson_interval(top2, top2_n, K.CONFIDENCE) if top2_n else None,
    )


def all_five(items: Mapping[int, ItemMeta], template_id: int) -> bool:
    """Every scored item of the template is on a 1–5 scale."""
    return all(m.five for m in items.values()
               if m.item.template_id == template_id and m.item.scored)
