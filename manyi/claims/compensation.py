"""The compensation calculation of finance (财务部核算赔偿费用, 003 §4.2.4) — pure Decimal.

A claim's compensation is a list of lines: goods (quantity × unit price), freight, labour,
other. Every line is rounded to the cent with ROUND_HALF_UP, as on an invoice; the subtotal is
the exact sum of the rounded lines; for shared liability our share of the subtotal is rounded
to the cent with ROUND_HALF_UP once more. No floats anywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
GOODS = "goods"
LINE_KINDS = ("goods", "freight", "labour", "other")


class CompensationInputError(ValueError):
    """Bad input; the message begins with the field path (`lines[2].unit_price: …`)."""


@dataclass(frozen=True)
class Line:
    kind: str
    description: str = ""
    quantity: Decimal | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None


@dataclass(frozen=True)
class Calculation:
    line_totals: tuple[Decimal, ...]
    subtotal: Decimal
    share_percent: Decimal  # our share (100 unless liability is shared)
    total: Decimal


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: object, path: str) -> Decimal:
    if isinstance(value, float):
        raise CompensationInputError(f"{path}: give a Decimal or a string, not a float")
    try:
        result = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise CompensationInputError(f"{path}: not a number") from None
    if not result.is_finite():
        raise CompensationInputError(f"{path}: not a number")
    return result


def line_total(line: Line, path: str = "line") -> Decimal:
    if line.kind not in LINE_KINDS:
        raise CompensationInputError(f"{path}.kind: one of {', '.join(LINE_KINDS)}")
    if line.kind == GOODS:
        if line.quantity is None or line.unit_price is None:
            raise CompensationInputError(f"{path}.quantity: goods need a quantity and a price")
        quantity = _decimal(line.quantity, f"{path}.quantity")
        price = _decimal(line.unit_price, f"{path}.unit_price")
        if quantity <= 0:
            raise CompensationInputError(f"{path}.quantity: must be greater than 0")
        if price < 0:
            raise CompensationInputError(f"{path}.unit_price: must not be negative")
        return to_cents(quantity * price)
    if line.amount is None:
        raise CompensationInputError(f"{path}.amount: required")
    amount = _decimal(line.amount, f"{path}.amount")
    if amount < 0:
        raise CompensationInputError(f"{path}.amount: must not be negative")
    return to_cents(amount)


def calculate(lines: Sequence[Line], share_percent: Decimal | None = None) -> Calculation:
    """Totals of the lines and our share; `share_percent` None means 100 %."""
    if not lines:
        raise CompensationInputError("lines: at least one line")
    totals = tuple(line_total(line, f"lines[{i}]") for i, line in enumerate(lines))
    subtotal = sum(totals, Decimal("0.00"))
    share = HUNDRED if share_percent is None else _decimal(share_percent, "share_percent")
    if not Decimal("0") <= share <= HUNDRED:
        raise CompensationInputError("share_percent: between 0 and 100")
    total = subtotal if share == HUNDRED else to_cents(subtotal * share / HUNDRED)
    return Calculation(line_totals=totals, subtotal=subtotal, share_percent=share, total=total)
