"""The deadline of the feedback procedure: an inquiry that could not be answered at once is
answered by the assigned department within 2 working days (company default; the older
setting `MANYI_FEEDBACK_ANSWER_WORKDAYS` still sets it, the admin's deadline settings first)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from manyi.common import deadlines
from manyi.common.deadlines import DeadlineRule

from .models import FeedbackStatus

ANSWER = f"feedback.{FeedbackStatus.OPEN}"

deadlines.register(
    DeadlineRule(
        ANSWER, _("Feedback: answer to an open inquiry"), 2, "workdays", "SPEC §3",
        _("An inquiry not answered at once is answered by the assigned department within "
          "this many working days after it was received or assigned."),
        setting="MANYI_FEEDBACK_ANSWER_WORKDAYS",
    ),
)
