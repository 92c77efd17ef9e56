"""`manyi demo`: load deterministic demo data and print the demo logins (local use only)."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from manyi.demo.build import build_demo, database_has_data
from manyi.demo.context import SCALES
from manyi.demo.digest import demo_digest
from manyi.demo.users import demo_accounts_table


def _scale(value: str) -> str:
    if value not in SCALES:
        raise argparse.ArgumentTypeError(f"unknown scale {value!r} (small or large)")
    return value


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"--today: not a date YYYY-MM-DD: {value!r}") from exc


class Command(BaseCommand):
    help = (
        "Load demo data: users, products, customers, contacts and two years of orders "
        "(演示数据). Same --seed and --today give the same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", type=_scale, default="small", metavar="{small,large}",
            help="small: ~300 customers (default); large: 20 000 customers, 100 000 contacts, "
                 "400 000 orders (benchmarks)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--today", type=_date, default=None,
            help="anchor date YYYY-MM-DD: orders cover the two years before it (default: today)",
        )
        parser.add_argument(
            "--if-empty", action="store_true",
            help="do nothing when the database already has customers",
        )
        parser.add_argument(
            "--digest", action="store_true", help="print a SHA-256 digest of the demo rows"
        )
        parser.add_argument(
            "--progress", action=argparse.BooleanOptionalAction, default=None,
            help="progress bar on stderr (default: on for the large scale)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if database_has_data():
            if not options["if_empty"]:
                raise CommandError(
                    "数据库已有顾客数据，未加载演示数据 / The database already has customers; "
                    "demo data needs an empty database (or use --if-empty)."
                )
            self.stdout.write(
                "数据库已有数据，未加载演示数据 / The database already has data; "
                "demo data not loaded."
            )
            table = demo_accounts_table()
            if table:
                self.stdout.write(table)
            return

        scale = SCALES[options["scale"]]
        today = options["today"] or timezone.localdate()
        show = options["progress"] if options["progress"] is not None else scale.name == "large"
        bar: Any = None
        if show:
            from tqdm import tqdm

            audited = scale.customers + (
                scale.contacts + scale.orders if scale.audit_everything else 0
            )
            bar = tqdm(
                total=scale.customers + scale.contacts + scale.orders + audited,
                unit=" rows", file=sys.stderr, desc="demo",
            )

        def progress(step: str, n: int) -> None:
            if bar is not None:
                bar.set_description(step, refresh=False)
                bar.update(n)

        started = time.perf_counter()
        try:
            result = build_demo(seed=options["seed"], today=today, scale=scale,
                                progress=progress)
        finally:
            if bar is not None:
                bar.close()
        elapsed = time.perf_counter() - started
        c = result.counts
        self.stdout.write(self.style.SUCCESS(
            f"演示数据已加载 / Demo data loaded ({scale.name}, seed {options['seed']}, "
            f"today {today.isoformat()}) in {elapsed:.1f} s: "
            f"{c.get('customers', 0)} customers, {c.get('contacts', 0)} contacts, "
            f"{c.get('orders', 0)} orders, {c.get('products', 0)} products, "
            f"{c.get('audit', 0)} audit entries."
        ))
        if options["verbosity"] > 1:
            for name, secs in result.seconds.items():
                self.stdout.write(f"  {name}: {secs:.2f} s")
        if options["digest"]:
            self.stdout.write(f"digest {demo_digest()}")
        self.stdout.write("")
        self.stdout.write(demo_accounts_table())
