"""The one numbering service: every record type's format, gap-free counters per scope and
year (a rollback gives the number back), concurrent writers never share a number."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections, transaction

from manyi.common import numbering
from manyi.common.models import NumberSequence


@pytest.mark.parametrize(
    ("scope", "parts", "expected"),
    [
        ("complaint", {}, "TS-2026-00007"),
        ("claim", {}, "SP-2026-0007"),
        ("feedback", {}, "FB2026-0007"),
        ("praise_notice", {}, "TB2026-0007"),
        ("property_item", {}, "CP2026-0007"),
        ("loan_slip", {}, "JY2026-0007"),
        ("damage_report", {}, "SS2026-0007"),
        ("campaign", {"period": "Q2"}, "SV2026Q2-07"),
    ],
)
def test_every_record_type_keeps_its_number_format(scope, parts, expected) -> None:
    scheme = numbering.scheme(scope)
    assert scheme.render(2026, 7, **parts) == expected
    assert scheme.parse(expected) == (scheme.counter_scope(**parts), 2026, 7)


def test_parse_ignores_foreign_numbers_and_highest_compares_numerically() -> None:
    assert numbering.scheme("feedback").parse("TB2026-0001") is None
    assert numbering.scheme("campaign").parse("SV-T0001") is None
    top = numbering.highest(
        "feedback", ["FB2025-9999", "FB2025-10000", "FB2026-0003", "TB2026-0042", "junk"]
    )
    assert top == {("feedback", 2025): 10000, ("feedback", 2026): 3}
    assert numbering.highest("campaign", ["SV2026Q1-01", "SV2026Y-03", "SV2026Q1-02"]) == {
        ("campaign.Q1", 2026): 2,
        ("campaign.Y", 2026): 3,
    }


def test_unknown_scheme_and_missing_part_are_refused() -> None:
    with pytest.raises(LookupError):
        numbering.scheme("nonesuch")
    with pytest.raises(ValueError, match="period"):
        numbering.scheme("campaign").counter_scope()


@pytest.mark.django_db
def test_numbers_count_per_scope_and_year_and_continue_where_they_left_off() -> None:
    with transaction.atomic():
        assert numbering.allocate("feedback", 2025) == "FB2025-0001"
        assert numbering.allocate("feedback", 2025) == "FB2025-0002"
        assert numbering.allocate("feedback", 2026) == "FB2026-0001"
        assert numbering.allocate("praise_notice", 2025) == "TB2025-0001"
        assert numbering.allocate("campaign", 2025, period="Q1") == "SV2025Q1-01"
        assert numbering.allocate("campaign", 2025, period="Q2") == "SV2025Q2-01"
        assert numbering.allocate_with_sequence("complaint", 2025) == (1, "TS-2025-00001")
    assert NumberSequence.objects.get(scope="feedback", year=2025).last == 2
    assert NumberSequence.objects.get(scope="campaign.Q2", year=2025).last == 1


@pytest.mark.django_db
def test_a_rolled_back_save_gives_its_number_back() -> None:
    with transaction.atomic():
        assert numbering.next_number("claim", 2026) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert numbering.next_number("claim", 2026) == 2
        raise RuntimeError("the save failed")
    with transaction.atomic():
        assert numbering.next_number("claim", 2026) == 2


@pytest.mark.django_db(transaction=True)
def test_next_number_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside the transaction"):
        numbering.next_number("claim", 2026)
    assert not NumberSequence.objects.exists()


@pytest.mark.django_db
def test_raise_to_and_continue_after_never_lower_a_counter() -> None:
    numbering.raise_to("loan_slip", 2026, 5)
    numbering.raise_to("loan_slip", 2026, 3)
    numbering.continue_after("loan_slip", ["JY2026-0004", "JY2025-0009", "SS2026-0100"])
    assert dict(NumberSequence.objects.filter(scope="loan_slip").values_list("year", "last")) == {
        2025: 9,
        2026: 5,
    }
    assert not NumberSequence.objects.filter(scope="damage_report").exists()
    with transaction.atomic():
        assert numbering.allocate("loan_slip", 2026) == "JY2026-0006"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writers_share_no_number_and_leave_no_gap() -> None:
    """Real transactions on the test database (SQLite's write lock, PostgreSQL's row lock):
    two threads allocate from one scope, each number in its own transaction."""

    def allocate(_i: int) -> str:
        try:
            with transaction.atomic():
                return numbering.allocate("damage_report", 2026)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        numbers = list(pool.map(allocate, range(20)))
    assert sorted(numbers) == [f"SS2026-{i:04d}" for i in range(1, 21)]
    assert NumberSequence.objects.get(scope="damage_report", year=2026).last == 20
