"""The link point to corrective / preventive action (CAPA, SPEC §11; 003 §4.1.6).

When the root cause of a complaint is recorded with "CAPA needed", `capa_requested` sends the
complaint to the receiver "capa.from_record" of `manyi.common.links`, inside the same
transaction. The CAPA module (not built yet) offers it from its AppConfig.ready()::

    links.offer(links.Receiver(
        key="capa.from_record", label=_("Open a corrective action"), accepts=("*",),
        action="capa.add", create=capa_from_record,            # (source, actor) -> record
        url=lambda capa: reverse("improvement:detail", args=[capa.pk]),
    ))

The returned record is stored on the complaint as a generic reference (`capa_content_type`,
`capa_object_id`) with `capa_reference = str(record)`, and as a RecordLink complaint → action.
While nothing offers the key (or the actor may not open an action) nothing is created and the
complaint shows "CAPA needed – not opened yet"; `complaint_link_capa` links an existing
record later (e.g. when the CAPA module starts and picks up the waiting complaints with
`complaints_waiting_for_capa()`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from manyi.accounts.types import Actor
from manyi.common import links

CAPA_RECEIVER = "capa.from_record"


def capa_requested(complaint: Any, actor: Actor) -> Any:
    """Ask the CAPA module to open an action for `complaint`; its record, or None."""
    if not links.may(CAPA_RECEIVER, actor, complaint):
        return None
    return links.send(CAPA_RECEIVER, complaint, actor).record


def complaints_waiting_for_capa() -> QuerySet[Any]:
    from .models import Complaint

    return Complaint.objects.filter(
        capa_required=True, capa_object_id="", archived_at__isnull=True
    ).order_by("received_at")
