"""Personal survey links: 256-bit random tokens, stored only as SHA-256 digests, and a small
rate limiter for the public pages (per IP + token, Django's cache)."""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache

from . import constants as C


def new_token() -> str:
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def looks_like_token(token: str) -> bool:
    return 20 <= len(token) <= 100 and all(ch.isalnum() or ch in "-_" for ch in token)


def rate_limited(ip: str, token_digest: str) -> bool:
    """True when this IP has used this link more than the allowed requests in the window."""
    key = f"survey-rl:{ip}:{token_digest[:24]}"
    if cache.add(key, 1, C.RATE_LIMIT_WINDOW_SECONDS):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, C.RATE_LIMIT_WINDOW_SECONDS)
        return False
    return count > C.RATE_LIMIT_REQUESTS
