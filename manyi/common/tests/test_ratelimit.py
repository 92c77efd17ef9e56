"""One rate-limit counter for every throttle, shared by every server process: a database
table by default, Redis (Django's cache) with CACHE_URL; fixed windows of the clock."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from manyi.accounts.services import ApiTokenThrottled, api_token_authenticate
from manyi.common import ratelimit
from manyi.common.models import RateCounter

pytestmark = pytest.mark.django_db

NOW = 1_800_000_000.0  # a window boundary for 300 s windows


def test_counts_add_up_and_zero_only_reads() -> None:
    assert ratelimit.hit({"a": 1, "b": 0}, window=300, now=NOW) == {"a": 1, "b": 0}
    assert ratelimit.hit({"a": 2, "b": 1}, window=300, now=NOW + 10) == {"a": 3, "b": 1}
    assert ratelimit.hit({"a": 0}, window=300, now=NOW + 299) == {"a": 3}


def test_a_new_window_starts_from_zero_and_windows_of_other_sizes_are_apart() -> None:
    ratelimit.hit({"a": 5}, window=300, now=NOW)
    assert ratelimit.hit({"a": 1}, window=300, now=NOW + 300) == {"a": 1}
    assert ratelimit.hit({"a": 1}, window=60, now=NOW) == {"a": 1}


def test_window_left_is_whole_seconds_to_the_end() -> None:
    assert ratelimit.window_of(300, NOW + 50).left == 250
    assert ratelimit.window_of(300, NOW + 299.5).left == 1


def test_the_same_counts_in_the_cache_when_cache_url_is_set(settings) -> None:
    settings.CACHE_URL = "redis://example.invalid:6379/1"  # the cache itself stays locmem here
    cache.clear()
    assert ratelimit.hit({"a": 1}, window=300, now=NOW) == {"a": 1}
    assert ratelimit.hit({"a": 2, "b": 0}, window=300, now=NOW + 1) == {"a": 3, "b": 0}
    assert ratelimit.hit({"a": 1}, window=300, now=NOW + 300) == {"a": 1}
    assert not RateCounter.objects.exists()


def test_bad_api_tokens_are_counted_where_every_server_process_sees_them(settings) -> None:
    """Without CACHE_URL the bad-token count of an address is a database row, not a counter
    in one process's memory (which four server processes would each keep apart)."""
    settings.CACHE_URL = ""
    settings.MANYI_API_TOKEN_FAILURE_LIMIT = 3
    for _ in range(3):
        assert api_token_authenticate("not-a-token", address="203.0.113.5") is None
    row = RateCounter.objects.get(name__endswith="api-token:203.0.113.5")
    assert row.hits == 3
    with pytest.raises(ApiTokenThrottled):
        api_token_authenticate("not-a-token", address="203.0.113.5")
