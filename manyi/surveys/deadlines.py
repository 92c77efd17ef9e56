"""The deadlines of the satisfaction-survey procedure (004 §6.1–6.4, SPEC §14), in working
days of the company calendar. A campaign's own dates (distribution, first feedback, collection
closes, end) are counted from its start when it is planned; the company changes the values in
the admin (deadline settings)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from manyi.common import deadlines
from manyi.common.deadlines import DeadlineRule

PROCESS = "surveys.process"
DISTRIBUTE = "surveys.distribute"
FEEDBACK = "surveys.feedback"
CHASE = "surveys.chase"
ANALYSE = "surveys.analyse"
COLLECTION = "surveys.collection"
ROUTE = "surveys.route"

deadlines.register(
    DeadlineRule(
        PROCESS, _("Survey: the whole quarterly process"), 18, "workdays", "004 §6.1.2",
        _("From the start of a campaign to the analysis report (the campaign's end)."),
    ),
    DeadlineRule(
        DISTRIBUTE, _("Survey: questionnaires distributed"), 3, "workdays", "004 §6.1.7",
        _("From the start of a campaign to every questionnaire sent out."),
    ),
    DeadlineRule(
        FEEDBACK, _("Survey: first feedback"), 2, "workdays", "004 §6.1.7",
        _("The customers' feedback is expected within this many working days after the "
          "distribution."),
    ),
    DeadlineRule(
        COLLECTION, _("Survey: collection of the answers closes"), 15, "workdays",
        "004 §6.1.2, §6.3.1",
        _("From the start of a campaign until the collection closes (the deadline of a "
          "running campaign); the rest of the whole process is for the analysis."),
    ),
    DeadlineRule(
        CHASE, _("Survey: phone chase after silence"), 3, "workdays", "004 §6.2.2",
        _("A customer who has not answered this many working days after the questionnaire "
          "was sent is chased by phone (a follow-up task)."),
    ),
    DeadlineRule(
        ANALYSE, _("Survey: analysis of the returned forms"), 3, "workdays", "004 §6.3.1",
        _("The last working days of the process, after the collection closes; also the "
          "deadline of the call-back checks."),
    ),
    DeadlineRule(
        ROUTE, _("Survey: problems routed 20 % / 80 %"), 3, "workdays", "004 §6.4.1",
        _("After the analysis report, the top 20 % of the problems go to the responsible units "
          "and the other 80 % are made known."),
    ),
)
