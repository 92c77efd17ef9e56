"""Open a complaint from a low score (004 §6.3.2, ECSS 6.4.2).

The answer is sent through `manyi.common.links` to the receiver
"complaint.from_survey_answer" (offered by complaint handling); the complaint's number is kept
on the answer and the link answer → complaint stored. When nothing receives it (complaint
handling not installed, or the user may not open complaints) the answer is flagged
"complaint requested", for customer service to register it by hand.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from manyi.accounts.types import Actor
from manyi.common import links

from ..models import Answer

log = logging.getLogger("manyi.surveys")
RECEIVER = "complaint.from_survey_answer"


def complaint_from_answer(*, actor: Actor, answer: Answer) -> str:
    """Open (or flag) the complaint of a low answer; the URL to continue at: the complaint,
    else the complaints page, else the response."""
    answer = Answer.objects.select_related("response", "item").get(pk=answer.pk)
    if answer.complaint_ref:
        return _complaint_url(answer)
    if links.may(RECEIVER, actor, answer):
        with transaction.atomic():
            link = links.send(RECEIVER, answer, actor)
            Answer.objects.filter(pk=answer.pk).update(
                complaint_requested=True, complaint_ref=link.number[:60]
            )
        return link.url or _fallback_url(answer)
    Answer.objects.filter(pk=answer.pk).update(complaint_requested=True)
    log.info("complaint requested for survey answer %s", answer.pk)
    return _fallback_url(answer)


def _complaint_url(answer: Answer) -> str:
    for link in links.links_from(answer, kind=RECEIVER):
        if link.target is not None:
            return links.record_url(RECEIVER, link.target)
    return _fallback_url(answer)


def _fallback_url(answer: Answer) -> str:
    return links.index_url(RECEIVER) or reverse("surveys:response", args=[answer.response_id])
