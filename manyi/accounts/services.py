"""Writes for people: API tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from .models import ApiToken


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: Any, name: str = "api") -> tuple[ApiToken, str]:
    """Create a token; returns (record, key). Only the digest is stored."""
    key = "my_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=token_digest(key), prefix=key[:8])
    return token, key


def api_token_user(key: str) -> Any:
    from django.utils import timezone

    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(key), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
