"""Personal survey links: 256-bit random tokens, stored only as SHA-256 digests, and a small
rate limiter for the public pages (per IP + token and per IP, shared by every server process:
a database table, or Redis with CACHE_URL)."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings

from manyi.common import ratelimit

from . import constants as C


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def looks_like_token(token: str) -> bool:
    return 20 <= len(token) <= 100 and all(ch.isalnum() or ch in "-_" for ch in token)


def _count(bumps: dict[str, int]) -> dict[str, int]:
    """Add to the survey pages' counters of the current window (manyi.common.ratelimit)."""
    counts = ratelimit.hit(
        {f"survey:{name}": delta for name, delta in bumps.items()},
        window=C.RATE_LIMIT_WINDOW_SECONDS,
    )
    return {name: counts[f"survey:{name}"] for name in bumps}


def rate_limited(ip: str, token_digest: str) -> bool:
    """True when this IP has used this link more than the allowed requests in the window, has
    sent more requests over all links than one address may, or has tried too many unknown
    links (then every page answers 429, so guessing links learns nothing). The counts are
    shared by every server process (the database, or Redis with CACHE_URL)."""
    link, address, misses = f"l:{ip}:{token_digest[:24]}", f"a:{ip}", f"m:{ip}"
    counts = _count({link: 1, address: 1, misses: 0})
    return (
        counts[misses] >= C.RATE_LIMIT_ADDRESS_MISSES
        or counts[link] > C.RATE_LIMIT_REQUESTS
        or counts[address] > address_limit()
    )


def address_limit() -> int:
    """Requests one address may send over all links in the window: the constant, unless the
    deployment sets MANYI_SURVEY_ADDRESS_REQUESTS (e.g. a proxy that hides the respondents'
    addresses, or the submission benchmark, whose clients all come from 127.0.0.1)."""
    configured = getattr(settings, "MANYI_SURVEY_ADDRESS_REQUESTS", None)
    return int(configured) if configured else C.RATE_LIMIT_ADDRESS_REQUESTS


def link_missed(ip: str) -> None:
    """Count a request for an unknown link from this IP (see rate_limited)."""
    _count({f"m:{ip}": 1})
