"""What every demo step shares: the scale, the anchor date, one random stream per step."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

BATCH = 5000  # rows per bulk_create
HISTORY_DAYS = 730  # two years of orders before the anchor date


@dataclass(frozen=True)
class Scale:
    name: str
    customers: int
    contacts: int
    orders: int
    audit_everything: bool = True  # False: audit entries for customers only


SCALES: dict[str, Scale] = {
    # tiny is for the tests (not offered in --help)
    "tiny": Scale("tiny", customers=40, contacts=170, orders=1200),
    "small": Scale("small", customers=300, contacts=1200, orders=8000),
    "large": Scale(
        "large", customers=20_000, contacts=100_000, orders=400_000, audit_everything=False
    ),
}

Progress = Callable[[str, int], None]


@dataclass
class CustomerPlan:
    """What the customer step decided for later steps (not stored as such)."""

    since: int  # first day index with orders (index into DemoContext.days)
    until: int  # one past the last day index with orders
    size: float  # order size factor (1 = an average customer)
    lines: list[str]  # codes of the product lines the customer buys
    products: list[Any]  # Product rows of those lines
    foreign: bool  # foreign-invested: many contacts write in English
    domain: str  # e-mail domain


@dataclass
class DemoContext:
    seed: int
    today: date
    scale: Scale
    progress: Progress
    actor: Any = None  # the admin demo user: created_by / changed_by of every record
    departments: dict[str, Any] = field(default_factory=dict)
    product_lines: dict[str, Any] = field(default_factory=dict)
    products_by_line: dict[str, list[Any]] = field(default_factory=dict)
    customers: list[Any] = field(default_factory=list)
    plans: list[CustomerPlan] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    # The order days: the two years before the anchor date (the anchor date excluded).
    days: list[date] = field(init=False)

    def __post_init__(self) -> None:
        self.days = [self.start + timedelta(days=i) for i in range(HISTORY_DAYS)]

    @property
    def start(self) -> date:
        return self.today - timedelta(days=HISTORY_DAYS)

    @property
    def audit_batch(self) -> str:
        return f"demo-{self.seed}-{self.today.isoformat()}"

    def audit(self, records: Sequence[Any], *, always: bool = False) -> None:
        """ONE audit entry per record: action "import", note "demo data"."""
        if not (always or self.scale.audit_everything):
            return
        from manyi.audit.models import AuditAction
        from manyi.audit.services import audit_entries_bulk

        for chunk in chunks(records):
            self.counts["audit"] = self.counts.get("audit", 0) + audit_entries_bulk(
                ((record, AuditAction.IMPORT, None) for record in chunk),
                actor=self.actor,
                batch=self.audit_batch,
                note="demo data",
            )
            self.progress("audit", len(chunk))

    def rng(self, step: str) -> random.Random:
        """One independent stream per step: adding a step never changes the others' data."""
        return random.Random(f"manyi-demo:{self.seed}:{step}")

    def moment(self, day: date, rng: random.Random) -> datetime:
        """An aware datetime on `day` in office hours."""
        minutes = rng.randint(8 * 60 + 30, 18 * 60)
        naive = datetime.combine(day, time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive, timezone.get_default_timezone())


def allocate(total: int, weights: Sequence[float], minimum: int, rng: random.Random) -> list[int]:
    """Split `total` into len(weights) whole parts ≥ `minimum`, proportional to the weights.

    The parts add up to `total` exactly (largest remainders, ties broken by the rng)."""
    n = len(weights)
    if n == 0:
        return []
    if total < minimum * n:
        raise ValueError(f"cannot give {n} parts at least {minimum} from {total}")
    rest = total - minimum * n
    wsum = float(sum(weights)) or 1.0
    exact = [rest * w / wsum for w in weights]
    parts = [math.floor(x) for x in exact]
    short = rest - sum(parts)
    order = sorted(range(n), key=lambda i: (parts[i] - exact[i], rng.random()))
    for i in order[:short]:
        parts[i] += 1
    return [p + minimum for p in parts]


def poisson(lam: float, rng: random.Random) -> int:
    """A Poisson draw (Knuth for small means, normal approximation above 30)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit = math.exp(-lam)
    k, p = 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def chunks(items: Sequence[Any], size: int = BATCH) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]
