"""`manyi demo`: build the demo data step by step.

Each step is a function `step(ctx)` that reads what earlier steps left in the DemoContext
(departments, products, customers and their plans) and bulk-creates its rows. Each step draws
from its own random stream (`ctx.rng(name)`), so adding a step never changes the data of the
others. To extend the demo (complaints, surveys, …) write `step_complaints(ctx)` in its own
module and append it to STEPS after "orders".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from .catalogue import step_catalogue
from .context import SCALES, DemoContext, Progress, Scale
from .customers import step_contacts, step_customers
from .orders import step_orders
from .users import step_users

Step = Callable[[DemoContext], None]

def app_step(module: str) -> Step:
    """A step provided by an app: `manyi.<app>.demo.demo_build(seed=, today=, scale=)` reads
    what it needs from the database and returns its counts."""

    def step(ctx: DemoContext) -> None:
        from importlib import import_module

        counts = import_module(module).demo_build(
            seed=ctx.seed, today=ctx.today, scale=ctx.scale.name
        )
        for key, value in counts.items():
            ctx.counts[key] = ctx.counts.get(key, 0) + int(value)

    return step


CORE_STEPS: list[tuple[str, Step]] = [
    ("users", step_users),
    ("catalogue", step_catalogue),
    ("customers", step_customers),
    ("contacts", step_contacts),
    ("orders", step_orders),
]
APP_STEPS: list[tuple[str, Step]] = [
    ("surveys", app_step("manyi.surveys.demo")),
    ("complaints", app_step("manyi.complaints.demo")),
    ("feedback", app_step("manyi.feedback.demo")),
    ("property", app_step("manyi.property.demo")),
    ("claims", app_step("manyi.claims.demo")),
]
STEPS = CORE_STEPS + APP_STEPS


@dataclass(frozen=True)
class DemoResult:
    counts: dict[str, int]
    seconds: dict[str, float]  # per step


def database_has_data() -> bool:
    from manyi.customers.models import Customer

    return Customer.objects.exists()


def build_demo(
    *,
    seed: int,
    today: date,
    scale: Scale | str = "small",
    progress: Progress | None = None,
    include_apps: bool = True,
) -> DemoResult:
    """Build the demo data in one transaction (nothing is half-saved). Without
    `include_apps` only the archive (users, catalogue, customers, contacts, orders) is built:
    the apps' own tests build their part on top of it."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    ctx = DemoContext(seed=seed, today=today, scale=scale, progress=progress or _quiet)
    seconds: dict[str, float] = {}
    debug = settings.DEBUG
    # With DEBUG on, Django logs every query with its parameters quoted (on SQLite by extra
    # queries): megabytes of INSERT text and half the run time. Not for a bulk load.
    settings.DEBUG = False
    try:
        with transaction.atomic():
            for name, step in STEPS if include_apps else CORE_STEPS:
                started = time.perf_counter()
                step(ctx)
                seconds[name] = time.perf_counter() - started
    finally:
        settings.DEBUG = debug
    return DemoResult(counts=dict(ctx.counts), seconds=seconds)


def _quiet(step: str, n: int) -> None:
    return None
