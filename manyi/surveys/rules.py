"""Pure rules of the survey procedures: no Django, plain values in and out.

- target list (004 §6.1.3, ECSS 6.1.1–6.1.3): per business unit, the top customers of every
  product line, then the largest others until the selected customers cover the required
  share of the BU's revenue;
- respondents (ECSS 6.1.4, 004 §6.1.4): the five functions per customer; A-class contacts
  surveyed directly by customer service, B/C delegated to the branch office;
- validity (000/001/002), the reproducible call-back sample (004 §6.1.4), the start date of a
  quarterly campaign (004 §6.1.2).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Candidate:
    id: int
    business_unit: int
    revenue: Decimal
    product_lines: tuple[int, ...] = ()
    level: str = "other"
    customer_class: str = "B"
    key_account: bool = False
    active: bool = True


@dataclass(frozen=True)
class TargetRules:
    levels: frozenset[str] = frozenset()  # empty = every level
    classes: frozenset[str] = frozenset()  # empty = every class
    key_accounts_only: bool = False
    business_units: frozenset[int] = frozenset()  # empty = every BU
    per_line_top: int = 2
    coverage: Decimal = Decimal("0.60")
    include: frozenset[int] = frozenset()  # added by hand (e.g. a new-project customer)
    exclude: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Coverage:
    business_unit: int
    selected_revenue: Decimal
    total_revenue: Decimal
    customers: int

    @property
    def share(self) -> Decimal:
        if not self.total_revenue:
            return Decimal(0)
        return self.selected_revenue / self.total_revenue

    def meets(self, minimum: Decimal) -> bool:
        return self.share >= minimum


@dataclass(frozen=True)
class TargetSelection:
    selected: tuple[tuple[int, tuple[str, ...]], ...]  # (customer id, reasons)
    coverage: tuple[Coverage, ...]
    warnings: tuple[str, ...] = ()

    @property
    def ids(self) -> list[int]:
        return [cid for cid, _reasons in self.selected]


def _order(c: Candidate) -> tuple[Decimal, int]:
    return (-c.revenue, c.id)


def _eligible(c: Candidate, rules: TargetRules) -> bool:
    if c.id in rules.exclude:
        return False
    if rules.levels and c.level not in rules.levels:
        return False
    if rules.classes and c.customer_class not in rules.classes:
        return False
    return not (rules.key_accounts_only and not c.key_account)


def _select_top_per_line(bu: int, members: Sequence[Candidate], rules: TargetRules,
                         reasons: dict[int, list[str]], warnings: list[str]) -> None:
    """The largest customers of each product line, then every key account."""
    lines: dict[int, list[Candidate]] = defaultdict(list)
    for c in members:
        for line in c.product_lines:
            lines[line].append(c)
    for line in sorted(lines):
        top = lines[line][: rules.per_line_top]
        if len(top) < rules.per_line_top:
            warnings.append(f"bu {bu} line {line}: only {len(top)} customer(s) to select")
        for c in top:
            reasons[c.id].append(f"top{rules.per_line_top}:line{line}")
    for c in members:
        if c.key_account and c.id not in reasons:
            reasons[c.id].append("key-account")


def _select_to_coverage(bu: int, members: Sequence[Candidate], rules: TargetRules,
                        by_id: Mapping[int, Candidate], total: Decimal,
                        reasons: dict[int, list[str]], warnings: list[str]) -> None:
    """The manual inclusions, then the largest remaining customers until the revenue
    coverage is reached."""
    for cid in sorted(rules.include):
        c2 = by_id.get(cid)
        if c2 is not None and c2.business_unit == bu and cid not in rules.exclude:
            reasons[cid].append("manual")
    covered = sum((by_id[cid].revenue for cid in reasons if by_id[cid].business_unit == bu),
                  Decimal(0))
    for c in members:
        if total and covered / total >= rules.coverage:
            break
        if c.id not in reasons:
            reasons[c.id].append("coverage")
            covered += c.revenue
    if total and covered / total < rules.coverage:
        warnings.append(f"bu {bu}: coverage below the minimum with the filters given")


def select_targets(candidates: Iterable[Candidate], rules: TargetRules) -> TargetSelection:
    """Apply the selection rules. Coverage is measured against all active customers of the
    BU (the denominator does not shrink when filters exclude customers)."""
    pool = [c for c in candidates if c.active]
    if rules.business_units:
        pool = [c for c in pool if c.business_unit in rules.business_units]
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for c in pool:
        totals[c.business_unit] += c.revenue
    reasons: dict[int, list[str]] = defaultdict(list)
    by_id = {c.id: c for c in pool}
    warnings: list[str] = []
    for bu in sorted(totals):
        members = sorted((c for c in pool if c.business_unit == bu and _eligible(c, rules)),
                         key=_order)
        _select_top_per_line(bu, members, rules, reasons, warnings)
        _select_to_coverage(bu, members, rules, by_id, totals[bu], reasons, warnings)
    coverage = []
    for bu in sorted(totals):
        ids = [cid for cid in reasons if by_id[cid].business_unit == bu]
        coverage.append(
            Coverage(
                business_unit=bu,
                selected_revenue=sum((by_id[cid].revenue for cid in ids), Decimal(0)),
                total_revenue=totals[bu],
                customers=len(ids),
            )
        )
    selected = tuple(
        (cid, tuple(reasons[cid]))
        for cid in sorted(reasons, key=lambda i: (by_id[i].business_unit, _order(by_id[i])))
    )
    return TargetSelection(selected=selected, coverage=tuple(coverage), warnings=tuple(warnings))


@dataclass(frozen=True)
class ContactCandidate:
    id: int
    customer: int
    function: str
    decision_class: str
    reachable: bool = True  # has an e-mail or a phone


@dataclass(frozen=True)
class RespondentPlan:
    chosen: tuple[tuple[int, bool], ...]  # (contact id, direct by customer service)
    missing_functions: dict[int, tuple[str, ...]] = field(default_factory=dict)
    a_share: Decimal = Decimal(0)
    a_share_ok: bool = True

    @property
    def direct(self) -> int:
        return sum(1 for _cid, d in self.chosen if d)


def plan_respondents(
    contacts: Sequence[ContactCandidate],
    customers: Iterable[int],
    *,
    functions: Sequence[str],
    a_min_share: Decimal,
) -> RespondentPlan:
    """Every contact of the five functions (one per function at least), plus every A-class
    contact (decision makers). A-class → direct by customer service; B/C → delegated."""
    by_customer: dict[int, list[ContactCandidate]] = defaultdict(list)
    for c in contacts:
        by_customer[c.customer].append(c)
    chosen: list[tuple[int, bool]] = []
    missing: dict[int, tuple[str, ...]] = {}
    for customer in sorted(set(customers)):
        mine = sorted(by_customer.get(customer, []), key=lambda c: c.id)
        picked: list[ContactCandidate] = []
        for fn in functions:
            of_fn = [c for c in mine if c.function == fn]
            of_fn.sort(key=lambda c: (c.decision_class, not c.reachable, c.id))
            if of_fn:
                picked.append(of_fn[0])
        for c in mine:
            if c.decision_class == "A" and c not in picked:
                picked.append(c)
        gaps = tuple(fn for fn in functions if not any(c.function == fn for c in mine))
        if gaps:
            missing[customer] = gaps
        chosen.extend((c.id, c.decision_class == "A") for c in sorted(picked, key=lambda c: c.id))
    total = len(chosen)
    direct = sum(1 for _cid, d in chosen if d)
    share = Decimal(direct) / Decimal(total) if total else Decimal(0)
    return RespondentPlan(
        chosen=tuple(chosen),
        missing_functions=missing,
        a_share=share,
        a_share_ok=total == 0 or share >= a_min_share,
    )


@dataclass(frozen=True)
class Validity:
    valid: bool
    return_rate: Decimal | None
    reasons: tuple[str, ...]


def judge_validity(
    *,
    invited: int,
    completed: int,
    competitor_forms: int,
    min_return_rate: Decimal,
    min_forms: int = 0,
    min_competitor_forms: int = 0,
) -> Validity:
    """Valid when the return rate reaches the threshold (percent, inclusive) and the form
    counts reach their minimums. Codes in `reasons` name what failed."""
    rate = Decimal(completed) * 100 / Decimal(invited) if invited else None
    reasons = []
    if rate is None or rate < min_return_rate:
        reasons.append("return_rate")
    if completed < min_forms:
        reasons.append("forms")
    if competitor_forms < min_competitor_forms:
        reasons.append("competitor_forms")
    return Validity(valid=not reasons, return_rate=rate, reasons=tuple(reasons))


def verification_sample(
    ids: Iterable[int], *, percent: Decimal, seed: int, already: Iterable[int] = ()
) -> list[int]:
    """A reproducible random sample: ceil(percent × population) ids, drawn with a seeded
    generator over the sorted population; ids already drawn count towards the total."""
    population = sorted(set(ids))
    drawn = set(already) & set(population)
    size = math.ceil(Decimal(len(population)) * percent / 100)
    need = max(0, size - len(drawn))
    rest = [i for i in population if i not in drawn]
    rng = random.Random(f"manyi-survey-verify:{seed}:{len(population)}")
    return sorted(rng.sample(rest, min(need, len(rest))))


def quarter_start(year: int, period: str) -> dt.date:
    """The first day of the last month of the period (quarterly: 004 §6.1.2; half-year and
    year: their last month, the December survey of 001)."""
    month = {"Q1": 3, "Q2": 6, "Q3": 9, "Q4": 12, "H1": 6, "H2": 12, "Y": 12}[period]
    return dt.date(year, month, 1)
