"""The edge helpers: which text no database stores, which numbers are ids."""

from __future__ import annotations

from manyi.common.inputs import (
    INT64_MAX,
    parse_id,
    parse_ids,
    parse_int,
    unstorable,
    unstorable_paths,
)


def test_unstorable_text() -> None:
    assert unstorable("a\x00b") and unstorable("a\ud800b") and unstorable("\udfff")
    assert not unstorable("顾客满意 😀 \t\n") and not unstorable("")


def test_unstorable_paths_name_the_field() -> None:
    data = {"name": "ok", "items": [{"key": "a"}, {"key": "b\x00"}], "x\ud800": 1}
    assert list(unstorable_paths(data)) == ["items.1.key", "body"]
    assert list(unstorable_paths("\x00")) == ["body"]


def test_parse_id() -> None:
    assert parse_id("42") == 42 and parse_id(" 7 ") == 7 and parse_id(42) == 42
    assert parse_id(str(INT64_MAX)) == INT64_MAX
    for bad in (str(INT64_MAX + 1), "9" * 40, "²", "١", "0", "-1", "1.5", "", None, "0x10"):
        assert parse_id(bad) is None, bad
    assert parse_ids(["3", "x", "²", "5", str(2**63)]) == [3, 5]


def test_parse_int() -> None:
    assert parse_int("-5") == -5 and parse_int("abc") is None and parse_int("abc", 3) == 3
    assert parse_int("13", None, lo=1, hi=12) is None and parse_int("12", None, lo=1, hi=12) == 12
    assert parse_int(str(2**63)) is None
