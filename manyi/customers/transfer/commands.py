"""Shared bits of the `manyi import` and `manyi export` commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _


def actor_for(username: str | None) -> Any:
    """--user USERNAME → that user; none → the system (None)."""
    if not username:
        return None
    from manyi.accounts.models import User

    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(_("No active user %(name)s.") % {"name": username}) from None
