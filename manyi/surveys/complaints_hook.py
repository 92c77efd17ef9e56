"""Open a complaint from a low score (004 §6.3.2, ECSS 6.4.2).

When the complaints module is installed and `manyi.complaints.services` exposes
`complaint_create_from_survey(*, actor, response, answer)`, it is called and the complaint's
number is kept on the answer; otherwise the answer is flagged "complaint requested" with a
link to the complaints page, for customer service to register it by hand.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import transaction

from .models import Answer

log = logging.getLogger("manyi.surveys")
COMPLAINTS_URL = "/complaints/"


def _factory() -> Any:
    if not apps.is_installed("manyi.complaints"):
        return None
    try:
        from manyi.complaints import services  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    return getattr(services, "complaint_create_from_survey", None)


def complaint_from_answer(*, actor: Any, answer: Answer) -> str:
    """Return the URL of the complaint (or of the complaints page when only flagged)."""
    answer = Answer.objects.select_related("response", "item").get(pk=answer.pk)
    if answer.complaint_ref:
        return _url_for_ref(answer.complaint_ref)
    create = _factory()
    if create is not None:
        with transaction.atomic():
            complaint = create(actor=actor, response=answer.response, answer=answer)
            ref = str(getattr(complaint, "number", "") or getattr(complaint, "pk", ""))
            Answer.objects.filter(pk=answer.pk).update(
                complaint_requested=True, complaint_ref=ref[:60]
            )
        url = getattr(complaint, "get_absolute_url", None)
        return str(url()) if callable(url) else COMPLAINTS_URL
    Answer.objects.filter(pk=answer.pk).update(complaint_requested=True)
    log.info("complaint requested for survey answer %s", answer.pk)
    return COMPLAINTS_URL


def _url_for_ref(ref: str) -> str:
    return COMPLAINTS_URL
