"""Handing a complaint or claim recorded in the register over to its procedure.

The register does not know complaint handling or claims: it sends the entry through
`manyi.common.links` to the receiver of its kind ("complaint.from_feedback",
"claim.from_feedback"), which opens the case inside the entry's transaction; the case's
number is stored on the entry (`handed_over_to`) and the link entry → case is kept, so the
entry page links to the case (or to the receiving module's page while no case is linked).
"""

from __future__ import annotations

from typing import Any

from manyi.common import links

RECEIVERS = {"complaint": "complaint.from_feedback", "claim": "claim.from_feedback"}


def source_kind(entry: Any) -> str:
    return f"feedback.{entry.kind}"


def hand_over(entry: Any, actor: Any) -> str:
    """Open the case of the entry's kind when a module receives it and the actor may open it;
    its number, or '' (nothing received it: the case is recorded by hand later)."""
    key = RECEIVERS.get(entry.kind)
    if key is None or not links.may(key, actor, entry, source_kind=source_kind(entry)):
        return ""
    return links.send(key, entry, actor, source_kind=source_kind(entry)).number


def target_url(entry: Any) -> str:
    """The page of the case opened from the entry, else the receiving module's page."""
    key = RECEIVERS.get(entry.kind)
    if key is None:
        return ""
    for link in links.links_from(entry, kind=key):
        if link.target is not None:
            return links.record_url(key, link.target)
    return links.index_url(key)
