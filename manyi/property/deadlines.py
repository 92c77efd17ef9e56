"""The deadlines of the customer-property procedure (003 §4.4.2): a lent item is due back
after 5 working days (the borrower is reminded once when it is overdue), and the borrower's
department manager is told 2 working days after that due date. The older settings
`MANYI_PROPERTY_LOAN_WORKDAYS` / `MANYI_PROPERTY_LOAN_ESCALATE_WORKDAYS` still set them; the
admin's deadline settings come first."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from manyi.common import deadlines
from manyi.common.deadlines import DeadlineRule

LOAN = "property.loan"
LOAN_ESCALATION = "property.loan_escalation"

deadlines.register(
    DeadlineRule(
        LOAN, _("Customer property: return of a lent item"), 5, "workdays", "003 §4.4.2",
        _("A lending slip's item is due back this many working days after it was lent, unless "
          "the slip sets its own number of days."),
        setting="MANYI_PROPERTY_LOAN_WORKDAYS",
    ),
    DeadlineRule(
        LOAN_ESCALATION, _("Customer property: telling the borrower's manager"), 2, "workdays",
        "003 §4.4.2",
        _("The borrower's department manager is told about an unreturned item this many "
          "working days after its due date."),
        setting="MANYI_PROPERTY_LOAN_ESCALATE_WORKDAYS",
    ),
)
