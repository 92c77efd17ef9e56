"""The types of who acts: one name instead of `Any` in every service signature.

`Actor` is the `actor` argument of every write (`<entity>_<verb>(*, actor: Actor, …)`): the
signed-in user (`request.user`), the anonymous visitor (every permission check refuses it), or
None for the system itself (imports, scheduled tasks, the demo builder, migrations), which the
audit trail records as "system".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from .models import User

Actor: TypeAlias = "User | AnonymousUser | None"
"""Who does a write (None: the system)."""

Viewer: TypeAlias = "User | AnonymousUser"
"""Who reads (the pages' and the API's `request.user`)."""



def stored_user(actor: Actor) -> User | None:
    """The user a record stores as created/changed by: the actor, or None for the system (and
    for an anonymous visitor, whom the permission checks have refused before any write)."""
    from django.contrib.auth.models import AnonymousUser

    if actor is None or isinstance(actor, AnonymousUser) or not actor.pk:
        return None
    return actor


__all__ = ["Actor", "Viewer", "stored_user"]
