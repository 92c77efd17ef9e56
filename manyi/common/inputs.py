"""Hostile input at the edge: text a database cannot store and numbers it cannot hold.

PostgreSQL refuses a NUL character in text and every database driver refuses a lone UTF-16
surrogate ("\\ud800") or an integer beyond the 64-bit signed range; left to the database, each
becomes a server error. The middleware (manyi.common.middleware.HostileInputMiddleware) and the
API's parser refuse such text with 400; page filters parse ids with `parse_id`, which ignores
what is not a plain decimal number in range, exactly like a missing value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, overload

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)

# NUL, and the UTF-16 surrogate range (only ever present in a str as a lone surrogate).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
_DIGITS = re.compile(r"[0-9]{1,19}")


def unstorable(text: str) -> bool:
    """True when `text` holds a NUL character or a lone surrogate."""
    return _FORBIDDEN.search(text) is not None


def unstorable_paths(value: Any, path: str = "") -> Iterator[str]:
    """The paths (`field`, `items.2.text`, a key itself) of every string in a parsed JSON value
    that holds a NUL or a lone surrogate."""
    if isinstance(value, str):
        if unstorable(value):
            yield path or "body"
    elif isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and unstorable(key):
                yield path or "body"
            else:
                yield from unstorable_paths(item, name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from unstorable_paths(item, f"{path}.{index}" if path else str(index))


def parse_id(value: Any) -> int | None:
    """A record id from a query or form value: a plain decimal number 1 … 2^63-1, else None.

    `str.isdigit` also accepts "²" or "١" (int() then raises) and numbers no database column
    holds; both used to end as a server error."""
    text = str(value if value is not None else "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    number = int(text)
    return number if 1 <= number <= INT64_MAX else None


def parse_ids(values: Iterable[Any]) -> list[int]:
    """The valid ids among several values (a multiple choice), in order."""
    return [number for number in map(parse_id, values) if number is not None]


@overload
def parse_int(value: Any, default: int, *, lo: int = ..., hi: int = ...) -> int: ...
@overload
def parse_int(value: Any, default: None = None, *, lo: int = ..., hi: int = ...) -> int | None:
    ...
def parse_int(value: Any, default: int | None = None, *, lo: int = INT64_MIN,
              hi: int = INT64_MAX) -> int | None:
    """An integer in [lo, hi] from a query or form value (optional leading minus), else
    `default`."""
    text = str(value if value is not None else "").strip()
    if not re.fullmatch(r"-?[0-9]{1,19}", text):
        return default
    number = int(text)
    return number if lo <= number <= hi else default
