"""The life cycles of the customer-property records (003 §4.4), declared once with the shared
workflow kit. Services apply them (`loan_create`, `loan_return`, `property_issue`,
`property_return_to_customer`, `damage_report_create`, `damage_report_send`,
`damage_report_reply`), pages and the API only ask them which steps to offer.

Lending slip (借用单, `WORKFLOW`): its state follows from its dates (no state column):

    lent ─(due date passes)→ overdue        lent | overdue ─return→ returned

Ledger entry (顾客财产台帐, `ITEM_WORKFLOW`):

    held ─lend→ lent ─loan_returned→ held
    held | damaged ─return_to_customer→ returned
    held | lent | damaged ─report_damage→ damaged | lost (lent stays lent when damaged)
    issue (to another department / person): held | damaged

Damage / loss report (损坏/丢失报告, `DAMAGE_WORKFLOW`):

    draft ─send→ sent ─reply→ replied (a later reply replaces it)
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from manyi.accounts.types import Actor
from manyi.common.workflow import (
    Transition,
    Work,
    Workflow,
    check_work_refusing,
    refusal_sentences,
    register,
)

from .models import CustomerProperty, DamageStatus, LoanSlip, PropertyStatus


class LoanState(models.TextChoices):
    LENT = "lent", _("Lent out")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", pgettext_lazy("loan state", "Returned")


L, P, D = LoanState, PropertyStatus, DamageStatus
BORROWER_STEPS = frozenset({"return"})  # the borrower may return what he borrowed
FOLLOWS_THE_LOAN = frozenset({"loan_returned"})  # taken by `loan_return`, not on the item page


class ItemRecordWorkflow(Workflow):
    """A record of an item (lending slip, damage report) is permitted as its item is: the
    ledger keeper of the item's customer and holding department."""

    def permitted(self, step: Transition | Work, record: Any, user: Actor) -> bool:
        return super().permitted(step, record.item, user)


class LoanWorkflow(ItemRecordWorkflow):
    """A lending slip's state is read from its dates; the borrower may return his own loan."""

    def state_of(self, record: Any) -> str:
        if record.returned_at is not None:
            return str(L.RETURNED)
        return str(L.OVERDUE if record.is_overdue else L.LENT)

    def permitted(self, step: Transition | Work, record: Any, user: Actor) -> bool:
        if user is None:
            return True
        if (
            isinstance(step, Transition)
            and step.name in BORROWER_STEPS
            and getattr(user, "pk", None) == record.borrower_id
        ):
            return True
        return super().permitted(step, record, user)


WORKFLOW = register(
    LoanWorkflow(
        name="property_loan",
        record_label=_("lending slip"),
        states=LoanState,
        terminal={L.RETURNED},
        transitions=[
            Transition("return", _("Record the return"), (L.LENT, L.OVERDUE), (L.RETURNED,),
                       action="property.manage"),
        ],
        deadlines={L.LENT: "property.loan"},  # manyi.property.deadlines.LOAN
        owners={L.LENT: "borrower", L.OVERDUE: "borrower"},
        refusal=refusal_sentences(
            "property_loan", {"return": _("This loan has already been returned.")}
        ),
    )
)

_ITEM_REFUSAL = _("Not possible while the item is: %(state)s.")

ITEM_WORKFLOW = register(
    Workflow(
        name="property_item",
        record_label=_("customer property"),
        states=PropertyStatus,
        state_field="status",
        terminal={P.RETURNED, P.LOST},
        transitions=[
            Transition("lend", _("Lend"), (P.HELD,), (P.LENT,), action="property.manage"),
            Transition("loan_returned", _("Back from loan"), (P.LENT,), (P.HELD,),
                       action="property.manage"),
            Transition("return_to_customer", _("Return to the customer"), (P.HELD, P.DAMAGED),
                       (P.RETURNED,), action="property.manage"),
            Transition("report_damage", _("Report damage or loss"),
                       (P.HELD, P.LENT, P.DAMAGED), (P.DAMAGED, P.LOST, P.LENT),
                       action="property.damage"),
        ],
        work={
            "issue": Work("property.manage", (P.HELD, P.DAMAGED)),
            "archive": Work("property.manage", (P.HELD, P.RETURNED, P.DAMAGED, P.LOST)),
        },
        owners={P.HELD: "holding_department", P.LENT: "borrower"},
        refusal=refusal_sentences(
            "property_item",
            {name: _ITEM_REFUSAL for name in
             ("lend", "loan_returned", "return_to_customer", "report_damage", "issue",
              "archive")},
        ),
    )
)

DAMAGE_WORKFLOW = register(
    ItemRecordWorkflow(
        name="property_damage",
        record_label=_("damage or loss report"),
        states=DamageStatus,
        state_field="status",
        transitions=[
            Transition("send", _("Send to the customer"), (D.DRAFT,), (D.SENT,),
                       action="property.manage"),
            Transition("reply", _("Record the customer's reply"), (D.SENT, D.REPLIED),
                       (D.REPLIED,), action="property.manage"),
        ],
        refusal=refusal_sentences(
            "property_damage",
            {"send": _("This report has already been sent."),
             "reply": _("Send the report to the customer first.")},
        ),
    )
)


def require_item_step(work: str, item: CustomerProperty, user: Actor) -> None:
    """State (with the services' sentence) and permission of a ledger step that is not a
    transition (`user=None`: the system)."""
    check_work_refusing(ITEM_WORKFLOW, work, item, user)


def item_actions(item: CustomerProperty, user: Actor) -> dict[str, bool]:
    """What the item's page offers `user` now, by step name (an archived item: nothing of
    the ledger keeper's)."""
    shown = {tr.name: True for tr in ITEM_WORKFLOW.available(item, user)
             if tr.name not in FOLLOWS_THE_LOAN}
    for work in ITEM_WORKFLOW.work:
        shown[work] = ITEM_WORKFLOW.may_work(work, item, user)
    if item.archived_at is not None:
        for name in ("lend", "return_to_customer", "issue", "archive"):
            shown[name] = False
    return shown


def loan_actions(loan: LoanSlip, user: Actor) -> dict[str, bool]:
    return {tr.name: True for tr in WORKFLOW.available(loan, user)}
