"""The pure compensation arithmetic: Decimal only, each line and the share half up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from manyi.claims.compensation import CompensationInputError, Line, calculate, line_total

D = Decimal


def test_goods_line_is_quantity_times_price_rounded_half_up() -> None:
    assert line_total(Line("goods", quantity=D("3"), unit_price=D("33.335"))) == D("100.01")
    assert line_total(Line("goods", quantity=D("1"), unit_price=D("0.004"))) == D("0.00")
    assert line_total(Line("goods", quantity=D("1.5"), unit_price=D("0.01"))) == D("0.02")
    assert line_total(Line("freight", amount=D("860"))) == D("860.00")


def test_total_is_the_exact_sum_of_rounded_lines() -> None:
    lines = [Line("other", amount=D("0.10")) for _ in range(3)] + [
        Line("goods", quantity=D("7"), unit_price=D("0.105"))]  # 0.735 → 0.74
    result = calculate(lines)
    assert result.line_totals == (D("0.10"), D("0.10"), D("0.10"), D("0.74"))
    assert result.subtotal == result.total == D("1.04")
    assert result.share_percent == D("100")


@pytest.mark.parametrize(("share", "expected"), [
    (D("50"), D("5790.01")),    # 5790.005 → half up (banker's rounding would give 5790.00)
    (D("33.33"), D("3859.62")),  # 3859.617333 → .62
    (D("0"), D("0.00")),
    (D("100"), D("11580.01")),
])
def test_share_of_the_subtotal(share, expected) -> None:
    lines = [Line("goods", quantity=D("200"), unit_price=D("45.6025")),
             Line("goods", quantity=D("3"), unit_price=D("33.335")),
             Line("freight", amount=D("860.00")), Line("other", amount=D("1499.50"))]
    assert calculate(lines, share).total == expected


@pytest.mark.parametrize(("lines", "share", "field"), [
    ([], None, "lines"),
    ([Line("goods", quantity=D("1"))], None, "lines[0].quantity"),
    ([Line("goods", quantity=D("0"), unit_price=D("1"))], None, "lines[0].quantity"),
    ([Line("freight")], None, "lines[0].amount"),
    ([Line("other", amount=D("-1"))], None, "lines[0].amount"),
    ([Line("rent", amount=D("1"))], None, "lines[0].kind"),
    ([Line("other", amount=0.1)], None, "lines[0].amount"),  # type: ignore[arg-type]
    ([Line("other", amount=D("1"))], D("101"), "share_percent"),
])
def test_bad_input_names_the_field(lines, share, field) -> None:
    with pytest.raises(CompensationInputError) as exc:
        calculate(lines, share)
    assert str(exc.value).startswith(field + ":")
