"""Writes for people: API tokens (create, revoke, authenticate with a throttle on bad keys)
and the owner's own password change."""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.audit.models import AuditAction
from manyi.audit.services import audit_entry
from manyi.common import ratelimit

from .models import ApiToken, User

# Bad API keys from one address: after this many failures within the window, every request
# with a bearer token from that address gets 429 until the window (counted from the first
# failure) ends — a then-correct key included, so keys cannot be guessed at speed.
API_TOKEN_FAILURE_LIMIT_DEFAULT = 20
API_TOKEN_FAILURE_WINDOW_DEFAULT = 5 * 60


class ApiTokenThrottled(Exception):
    """Too many bad API keys from one address; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        self.message = _(
            "Too many requests with an invalid API token from this address; "
            "try again in %(minutes)d minutes."
        ) % {"minutes": max(1, -(-retry_after // 60))}
        super().__init__(self.message)


def token_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *, user: User, name: str = "api", expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token; returns (record, key). Only the digest is stored."""
    key = "my_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, digest=token_digest(key), prefix=key[:8], expires_at=expires_at
    )
    audit_entry(
        instance=token,
        action=AuditAction.CREATE,
        actor=user,
        changes={"name": [None, name], "expires_at": [None, _iso(expires_at)]},
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's own tokens (404 for anyone else's); revoking twice keeps the
    first time."""
    token = get_object_or_404(ApiToken.objects.select_for_update(), pk=token_id, user=user)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_entry(
            instance=token,
            action=AuditAction.UPDATE,
            actor=user,
            changes={"revoked_at": [None, _iso(token.revoked_at)]},
        )
    return token


def api_token_user(key: str) -> Any:
    """The active user a usable (not revoked, not expired) token belongs to, or None."""
    digest = token_digest(key)
    token = ApiToken.objects.usable().select_related("user").filter(digest=digest).first()
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


def _failure_limit() -> int:
    return int(getattr(settings, "MANYI_API_TOKEN_FAILURE_LIMIT", API_TOKEN_FAILURE_LIMIT_DEFAULT))


def _failure_window() -> int:
    return int(
        getattr(settings, "MANYI_API_TOKEN_FAILURE_WINDOW", API_TOKEN_FAILURE_WINDOW_DEFAULT)
    )


def _clock() -> float:
    return time.time()


def _failures(address: str, delta: int) -> tuple[int, int]:
    """Add `delta` to the address's bad-token count of the current window (shared by every
    server process, manyi.common.ratelimit); the count and the seconds left in the window."""
    window, now = _failure_window(), _clock()
    counts = ratelimit.hit({f"api-token:{address}": delta}, window=window, now=now)
    return counts[f"api-token:{address}"], ratelimit.window_of(window, now).left


def api_token_authenticate(key: str, *, address: str) -> Any:
    """The user of a bearer key, or None for a bad key (counted per address).
    Raises ApiTokenThrottled while the address has too many failures in the window."""
    count, left = _failures(address, 0)
    if count >= _failure_limit():
        raise ApiTokenThrottled(left)
    user = api_token_user(key)
    if user is None:
        _failures(address, 1)
    return user


@transaction.atomic
def user_password_change(*, form: PasswordChangeForm) -> Any:
    """Save a valid PasswordChangeForm (old password checked, validators run) and audit it."""
    user = form.save()
    audit_entry(
        instance=user, action=AuditAction.UPDATE, actor=user, changes={"password": ["*", "*"]}
    )
    return user


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
