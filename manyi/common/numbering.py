"""One numbering service for every record that carries a number (complaints, claims, feedback,
praise notices, customer property, loan slips, damage reports, survey campaigns, and every
later module).

Each record type declares its number format once, in `SCHEMES` below. A service allocates the
next number inside the transaction that saves the record:

    with transaction.atomic():
        number = numbering.allocate("feedback", year)            # "FB2026-0007"
        record_create(FeedbackEntry, actor=actor, fields={..., "number": number})

The counter of a scope and year is the row `common.NumberSequence(scope, year)`. It is raised
with one UPDATE (a row lock on PostgreSQL until commit; SQLite runs write transactions one at
a time), so two concurrent writers never share a number, and a rolled-back save gives its
number back: the numbers are unique and gap-free on both databases.

A scheme whose format has more fields than `year` and `seq` (a campaign's `period`) keeps one
counter per value of those fields: `allocate("campaign", 2026, period="Q2")` counts in the
scope `campaign.Q2`.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F

_FIXED_FIELDS = frozenset({"year", "seq"})


@dataclass(frozen=True)
class NumberScheme:
    """The number format of one record type: `format` is a str.format pattern with `{year}`,
    `{seq:0Nd}` and optionally further fields (`per`), each of which keeps its own counter."""

    scope: str
    format: str

    @property
    def per(self) -> tuple[str, ...]:
        """The format's fields besides year and seq, in order of appearance."""
        names = (name for _text, name, _spec, _conv in string.Formatter().parse(self.format))
        return tuple(n for n in names if n and n not in _FIXED_FIELDS)

    def counter_scope(self, **parts: str) -> str:
        """The NumberSequence scope that counts numbers with these `per` values."""
        missing = set(self.per) - set(parts)
        if missing:
            raise ValueError(f"number scheme {self.scope!r} needs {sorted(missing)}")
        return ".".join([self.scope, *(str(parts[name]) for name in self.per)])

    def render(self, year: int, seq: int, **parts: str) -> str:
        return self.format.format(year=year, seq=seq, **parts)

    def pattern(self) -> re.Pattern[str]:
        """A regex matching the numbers of this scheme, with the groups `year`, `seq` and
        those of `per` (to read existing numbers back, e.g. in data migrations)."""
        out = []
        for text, name, _spec, _conv in string.Formatter().parse(self.format):
            out.append(re.escape(text))
            if name == "year":
                out.append(r"(?P<year>\d{4})")
            elif name == "seq":
                out.append(r"(?P<seq>\d+)")
            elif name:
                out.append(rf"(?P<{name}>\w+?)")
        return re.compile("".join(out) + r"\Z")

    def parse(self, number: str) -> tuple[str, int, int] | None:
        """(counter scope, year, seq) of an existing number, or None if it is not one of ours."""
        match = self.pattern().match(number)
        if match is None:
            return None
        parts = {name: match.group(name) for name in self.per}
        return self.counter_scope(**parts), int(match.group("year")), int(match.group("seq"))


# The number format of every record type — the one place to read (and add) them.
SCHEMES: dict[str, NumberScheme] = {
    scheme.scope: scheme
    for scheme in (
        NumberScheme(scope="complaint", format="TS-{year}-{seq:05d}"),  # 顾客投诉
        NumberScheme(scope="claim", format="SP-{year}-{seq:04d}"),  # 索赔
        NumberScheme(scope="feedback", format="FB{year}-{seq:04d}"),  # 顾客意见登记
        NumberScheme(scope="praise_notice", format="TB{year}-{seq:04d}"),  # 通报表扬
        NumberScheme(scope="property_item", format="CP{year}-{seq:04d}"),  # 顾客财产
        NumberScheme(scope="loan_slip", format="JY{year}-{seq:04d}"),  # 借用单
        NumberScheme(scope="damage_report", format="SS{year}-{seq:04d}"),  # 损失/损坏报告
        NumberScheme(scope="campaign", format="SV{year}{period}-{seq:02d}"),  # 满意度调查
    )
}


def scheme(scope: str) -> NumberScheme:
    try:
        return SCHEMES[scope]
    except KeyError:
        raise LookupError(f"no number scheme {scope!r} in manyi.common.numbering") from None


def next_number(scope: str, year: int) -> int:
    """Raise the counter of (`scope`, `year`) by one and return it. Call it inside the
    transaction that saves the record (gap-free: a rollback gives the number back)."""
    from .models import NumberSequence

    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_number must run inside the transaction that saves the record")
    NumberSequence.objects.get_or_create(scope=scope, year=year)
    NumberSequence.objects.filter(scope=scope, year=year).update(last=F("last") + 1)
    return NumberSequence.objects.values_list("last", flat=True).get(scope=scope, year=year)


def allocate_with_sequence(scope: str, year: int, **parts: str) -> tuple[int, str]:
    """The next (sequence, formatted number) of the scheme `scope`, for records that also store
    their sequence (complaints, claims)."""
    numbers = scheme(scope)
    seq = next_number(numbers.counter_scope(**parts), year)
    return seq, numbers.render(year, seq, **parts)


def allocate(scope: str, year: int, **parts: str) -> str:
    """The next formatted number of the scheme `scope` (inside the saving transaction)."""
    return allocate_with_sequence(scope, year, **parts)[1]


def raise_to(counter_scope: str, year: int, last: int) -> None:
    """Make sure the counter of (`counter_scope`, `year`) is at least `last` (never lowers
    it): for records written with their numbers in bulk (demo data, imports)."""
    from .models import NumberSequence

    seed_sequences(NumberSequence, {(counter_scope, year): last})


def continue_after(scope: str, numbers: Iterable[str]) -> None:
    """Raise the counters of the scheme `scope` past the given existing numbers (records
    written with their numbers in bulk: demo data, imports), so the next number follows them."""
    from .models import NumberSequence

    seed_sequences(NumberSequence, highest(scope, numbers))


def highest(scope: str, numbers: Iterable[str]) -> dict[tuple[str, int], int]:
    """The highest sequence per (counter scope, year) among existing `numbers` of the scheme
    `scope` (numbers of another shape are ignored); compares numerically, so 10000 > 9999."""
    numbers_scheme = scheme(scope)
    top: dict[tuple[str, int], int] = {}
    for number in numbers:
        parsed = numbers_scheme.parse(number)
        if parsed is not None:
            key = parsed[:2]
            top[key] = max(top.get(key, 0), parsed[2])
    return top


def seed_sequences(number_sequence: Any, last: dict[tuple[str, int], int]) -> None:
    """Raise the counters of `number_sequence` (the NumberSequence model, or its historical
    version in a data migration) to at least the given last numbers."""
    for (counter_scope, year), value in sorted(last.items()):
        row, _new = number_sequence.objects.get_or_create(scope=counter_scope, year=year)
        if row.last < value:
            number_sequence.objects.filter(pk=row.pk, last__lt=value).update(last=value)
