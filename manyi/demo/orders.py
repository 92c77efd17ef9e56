"""Two years of orders/deliveries: seasonality, ~7 % late, split deliveries, PPM of a few 100."""

from __future__ import annotations

import bisect
import math
from datetime import date, timedelta
from decimal import Decimal
from itertools import accumulate
from typing import Any

from .context import BATCH, HISTORY_DAYS, DemoContext, allocate, poisson
from .names import PRODUCT_LINES, SPRING_FESTIVAL, LineSpec

LATE = 0.065  # chance that a delivery is late…
LATE_SPLIT = 0.18  # …and when it is split
SPLIT = 0.05
PPM_NORMAL = 150e-6  # defect rate of a normal batch
PPM_BAD = 1500e-6  # …and of one batch in ten
BAD_BATCH = 0.10
RETURN_DEFECTS = 0.15  # chance that found defects are sent back for exchange
RETURN_LOT = 0.002  # chance of a commercial return of part of a lot
SERVICE_LINES = frozenset({"PL-MNT"})


def _spring_festival(year: int) -> date:
    return SPRING_FESTIVAL.get(year, date(year, 2, 1))


def day_weight(day: date) -> float:
    """Relative number of orders placed on `day` (weekends, Spring Festival, National Day)."""
    weight = 1.0
    if day.weekday() == 5:
        weight *= 0.25
    elif day.weekday() == 6:
        weight *= 0.1
    delta = min(
        ((day - _spring_festival(y)).days for y in (day.year - 1, day.year, day.year + 1)),
        key=abs,
    )
    if -7 <= delta <= 10:
        weight *= 0.15  # the holiday itself
    elif -20 <= delta < -7:
        weight *= 1.15  # stocking up before it
    elif 10 < delta <= 20:
        weight *= 0.6  # slow restart
    if day.month == 10 and day.day <= 7:
        weight *= 0.2  # National Day
    if day.month in (11, 12):
        weight *= 1.1  # year-end projects
    return weight


def _quantity(rng: Any, spec: LineSpec, size: float) -> int:
    lo, hi = spec.quantity
    q = math.exp(rng.uniform(math.log(lo), math.log(hi))) * size
    if q >= 1000:
        q = round(q / 50) * 50
    elif q >= 100:
        q = round(q / 10) * 10
    return max(1, min(int(q), hi * 8))


def step_orders(ctx: DemoContext) -> None:
    from manyi.customers.models import Order

    rng = ctx.rng("orders")
    plans = ctx.plans
    weights = [p.size**1.2 * (p.until - p.since) / HISTORY_DAYS for p in plans]
    per_customer = allocate(ctx.scale.orders, weights, 1, rng)

    # 1. The order days of every customer, from the seasonal day weights.
    cum = list(accumulate(
        day_weight(d) * (1 + 0.1 * i / HISTORY_DAYS) for i, d in enumerate(ctx.days)
    ))
    slots: list[tuple[int, int]] = []
    for ci, (plan, count) in enumerate(zip(plans, per_customer, strict=True)):
        lo = cum[plan.since - 1] if plan.since else 0.0
        hi = cum[plan.until - 1]
        for _ in range(count):
            x = lo + rng.random() * (hi - lo)
            slots.append((min(bisect.bisect_left(cum, x, plan.since, plan.until), plan.until - 1),
                          ci))
    slots.sort()

    # 2. Details in date order, so that order numbers run with the dates.
    spec_of = {ctx.product_lines[s.code].pk: s for s in PRODUCT_LINES}
    seq: dict[int, int] = {}
    pending: list[Any] = []
    total = 0
    for day_index, ci in slots:
        day = ctx.days[day_index]
        plan, customer = plans[ci], ctx.customers[ci]
        product = rng.choice(plan.products)
        spec = spec_of[product.product_line_id]
        seq[day.year] = seq.get(day.year, 0) + 1
        quantity = _quantity(rng, spec, plan.size)
        batch_day = day - timedelta(days=rng.randint(2, 20))
        promised = day + timedelta(days=rng.randint(*spec.lead_days))
        split = rng.random() < SPLIT
        late = rng.random() < (LATE_SPLIT if split else LATE)
        if late:
            delivered: date | None = promised + timedelta(days=rng.randint(1, 12))
        else:
            delivered = max(day + timedelta(days=1), promised - timedelta(days=rng.randint(0, 4)))
        if delivered is not None and delivered >= ctx.today:
            delivered = None  # still open
        defects = returned = 0
        if delivered is not None and spec.code not in SERVICE_LINES:
            rate = PPM_BAD if rng.random() < BAD_BATCH else PPM_NORMAL
            defects = min(quantity, poisson(quantity * rate, rng))
            if defects and rng.random() < RETURN_DEFECTS:
                returned = defects
            elif rng.random() < RETURN_LOT:
                returned = max(1, quantity // 20)
        at = ctx.moment(day, rng)
        pending.append(Order(
            number=f"SO{day.year}{seq[day.year]:06d}",
            customer_id=customer.pk,  # ids, not objects: faster for 400 000 rows
            order_date=day,
            product_id=product.pk,
            batch_number=f"{product.model[:2]}{batch_day:%y%m%d}{rng.randint(1, 3):02d}",
            quantity=quantity,
            promised_date=promised,
            delivered_date=delivered,
            split_delivery=split,
            extra_freight=Decimal(rng.randrange(200, 3000, 50)) if split else Decimal("0"),
            defects=defects,
            returned=returned,
            created_at=at,
            changed_at=at,
            created_by_id=ctx.actor.pk,
            changed_by_id=ctx.actor.pk,
        ))
        if len(pending) >= BATCH:
            total += _flush(ctx, pending)
            pending = []
    total += _flush(ctx, pending)
    ctx.counts["orders"] = total


def _flush(ctx: DemoContext, orders: list[Any]) -> int:
    from manyi.customers.models import Order

    Order.objects.bulk_create(orders, batch_size=BATCH)
    ctx.progress("orders", len(orders))
    ctx.audit(orders)
    return len(orders)
