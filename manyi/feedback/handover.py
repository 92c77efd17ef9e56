"""The seam between the feedback register and complaint handling / claims.

A complaint or claim recorded in the register is handed over: the entry keeps the moment and
a reference text. Complaint handling and claims connect here without this app importing
them: `register_handover("complaint", handler)` where `handler(entry, actor) -> str` opens
the case inside the same transaction and returns its number (stored as `handed_over_to`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HandOver = Callable[[Any, Any], str]

_HANDLERS: dict[str, HandOver] = {}

# Where the UI sends the user to continue with the case.
TARGET_URLS = {"complaint": "/complaints/", "claim": "/claims/"}


def register_handover(kind: str, handler: HandOver) -> None:
    _HANDLERS[kind] = handler


def unregister_handover(kind: str) -> None:
    _HANDLERS.pop(kind, None)


def hand_over(entry: Any, actor: Any) -> str:
    """Run the registered handler for the entry's kind; '' when none is connected yet."""
    handler = _HANDLERS.get(entry.kind)
    return str(handler(entry, actor) or "") if handler else ""


def target_url(kind: str) -> str:
    return TARGET_URLS.get(kind, "")
