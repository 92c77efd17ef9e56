"""The filter base: every list reads its query parameters with the same tolerance."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.http import QueryDict
from django.test import override_settings

from manyi.common.filters import FilterParams, day_start, parse_choice, parse_date, parse_flag


class Colour(models.TextChoices):
    RED = "red", "red"
    BLUE = "blue", "blue"


@pytest.mark.parametrize(("value", "expected"), [
    ("1", True), ("true", True), ("TRUE", True), ("yes", True), ("0", False), ("False", False),
    ("", None), (None, None), ("no", None), ("2", None), (" 1", None),
])
def test_flag(value: object, expected: bool | None) -> None:
    assert parse_flag(value) is expected


@pytest.mark.parametrize(("value", "expected"), [
    ("2026-07-01", dt.date(2026, 7, 1)), ("2026-02-30", None), ("yesterday", None), ("", None),
    (None, None),
])
def test_date(value: object, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


def test_choice_takes_a_choices_class_or_a_set() -> None:
    assert parse_choice("red", Colour) == "red"
    assert parse_choice("green", Colour) == ""
    assert parse_choice("open", {"open", "red"}) == "open"
    assert parse_choice("", Colour, "blue") == "blue"


def test_params_read_a_query_dict() -> None:
    p = FilterParams(QueryDict(
        "q=+%E6%81%92%E6%98%9F+&customer=12&region=%C2%B2&from=2026-07-01&to=nope"
        "&archived=yes&sort=-name&colour=green&n=7"
    ))
    assert p.text("q") == "恒星"
    assert p.text("q", max_length=1) == "恒"
    assert p.id("customer") == 12
    assert p.id("region") is None  # "²" is a digit to str.isdigit, not a record id
    assert p.date("from") == dt.date(2026, 7, 1)
    assert p.date("to") is None
    assert p.iso_date("from") == "2026-07-01"
    assert p.iso_date("to") == ""
    assert p.flag("archived") is True
    assert p.flag("missing") is None
    assert p.sort("sort", {"name", "-name"}, "name") == "-name"
    assert p.sort("missing", {"name", "-name"}, "name") == "name"
    assert p.choice("colour", Colour) == ""
    assert p.number("n", 3, lo=1, hi=5) == 3
    assert p.number("n", 3, lo=1, hi=10) == 7


def test_strip_reads_values_without_blanks() -> None:
    params = QueryDict("state=+open+&flag=+1")
    assert FilterParams(params).raw("state") == " open "
    assert FilterParams(params, strip=True).raw("state") == "open"
    assert FilterParams(params).flag("flag") is None
    assert FilterParams(params, strip=True).flag("flag") is True


@override_settings(TIME_ZONE="Asia/Shanghai")
def test_day_start_is_midnight_in_the_company_time_zone() -> None:
    start = day_start(dt.date(2026, 7, 1))
    assert start == dt.datetime(2026, 6, 30, 16, 0, tzinfo=dt.UTC)


def test_every_list_reads_yes_and_bad_values_alike() -> None:
    from manyi.claims.filters import ClaimFilter
    from manyi.complaints.filters import ComplaintFilter
    from manyi.customers.filters import CustomerFilter, OrderFilter
    from manyi.feedback.filters import FeedbackFilter
    from manyi.property.filters import PropertyFilter

    params = QueryDict("archived=yes&late=yes&customer=%C2%B2&date_from=2026-02-30")
    assert OrderFilter.from_params(params).late is True  # the order list ignored "yes"
    assert OrderFilter.from_params(params).customer is None
    assert OrderFilter.from_params(params).date_from == ""
    for filter_class in (CustomerFilter, ComplaintFilter, ClaimFilter, FeedbackFilter,
                         PropertyFilter):
        assert filter_class.from_params(params).archived is True
    for dated in (ClaimFilter, FeedbackFilter, PropertyFilter):
        assert dated.from_params(params).date_from is None
        assert dated.from_params(params).customer is None
