"""One rate-limit counter for every throttle (the survey pages, API bearer tokens, and any later
public channel), shared by every server process.

Counts live in fixed windows of the clock (slot = seconds since the epoch // window), so a count
ends with its window on every backend. Where they live:

* by default in the database table `common.RateCounter`: one upsert per call (atomic on SQLite
  and PostgreSQL), no extra service to run;
* with `CACHE_URL=redis://…` in Redis through Django's cache (atomic INCR, no database write).

`hit({"name": 1, "other": 0}, window=300)` adds the deltas (0 only reads) and returns the new
counts of the current window.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection


@dataclass(frozen=True)
class Window:
    seconds: int
    slot: int
    left: int  # whole seconds until the window ends (at least 1)


def window_of(seconds: int, now: float | None = None) -> Window:
    now = time.time() if now is None else now
    slot = int(now // seconds)
    left = max(1, int((slot + 1) * seconds - now + 0.999))
    return Window(seconds=seconds, slot=slot, left=left)


def _hit_database(bumps: Mapping[str, int], window: Window) -> dict[str, int]:
    from .models import RateCounter

    table = connection.ops.quote_name(RateCounter._meta.db_table)
    prefix = f"{window.seconds}:"
    rows = ", ".join(["(%s, %s, %s)"] * len(bumps))
    params: list[str | int] = []
    for name, delta in bumps.items():
        params += [prefix + name, window.slot, delta]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, slot, hits) VALUES {rows} "  # noqa: S608 (no input)
            f"ON CONFLICT (name, slot) DO UPDATE SET hits = {table}.hits + excluded.hits "
            "RETURNING name, hits",
            params,
        )
        counts = {name[len(prefix):]: int(hits) for name, hits in cursor.fetchall()}
    if secrets.randbelow(200) == 0:  # now and then, drop the counters of past windows
        RateCounter.objects.filter(name__startswith=prefix, slot__lt=window.slot).delete()
    return counts


def _hit_cache(bumps: Mapping[str, int], window: Window) -> dict[str, int]:
    counts: dict[str, int] = {}
    timeout = window.left + 1
    for name, delta in bumps.items():
        key = f"rl:{window.seconds}:{window.slot}:{name}"
        if delta == 0:
            counts[name] = int(cache.get(key, 0))
        elif cache.add(key, delta, timeout):
            counts[name] = delta
        else:
            try:
                counts[name] = int(cache.incr(key, delta))
            except ValueError:  # expired between add and incr
                cache.add(key, delta, timeout)
                counts[name] = delta
    return counts


def hit(bumps: Mapping[str, int], *, window: int, now: float | None = None) -> dict[str, int]:
    """Add each delta to its counter of the current window; the counts afterwards."""
    if not bumps:
        return {}
    current = window_of(window, now)
    if settings.CACHE_URL:
        return _hit_cache(bumps, current)
    return _hit_database(bumps, current)
