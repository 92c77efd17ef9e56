"""The link point to corrective / preventive action (CAPA, SPEC §11; 003 §4.1.6).

When the root cause of a complaint is recorded with "CAPA needed", `capa_requested` is called
inside the same transaction. The CAPA module (not built yet) registers ONE handler::

    from manyi.complaints.hooks import register_capa_handler

    @register_capa_handler
    def open_capa(complaint, actor):
        capa = capa_create(actor=actor, source=complaint, problem=complaint.root_cause, …)
        return capa  # any model instance; str(capa) is shown as the reference

The returned record is stored on the complaint as a generic reference (`capa_content_type`,
`capa_object_id`) with `capa_reference = str(record)`. Without a handler nothing is created and
the complaint shows "CAPA needed – not opened yet"; `complaint_link_capa` links an existing
record later (e.g. when the CAPA module starts and picks up the waiting complaints with
`complaints_waiting_for_capa()`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CapaHandler = Callable[[Any, Any], Any]

_handler: list[CapaHandler] = []


def register_capa_handler(handler: CapaHandler) -> CapaHandler:
    _handler[:] = [handler]
    return handler


def unregister_capa_handler() -> None:
    _handler.clear()


def capa_requested(complaint: Any, actor: Any) -> Any:
    """Ask the CAPA module to open an action for `complaint`; its record, or None."""
    if not _handler:
        return None
    return _handler[0](complaint, actor)


def complaints_waiting_for_capa() -> Any:
    from .models import Complaint

    return Complaint.objects.filter(
        capa_required=True, capa_object_id="", archived_at__isnull=True
    ).order_by("received_at")
