"""The customer-property workflows (manyi.property.workflow): lending slips, ledger entries
and damage reports — the steps each role is offered in each state, and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from manyi.common.workflow import REGISTRY
from manyi.property.models import PropertyStatus
from manyi.property.services import (
    damage_report_create,
    damage_report_reply,
    loan_create,
    loan_return,
    property_archive,
    property_issue,
)
from manyi.property.workflow import (
    DAMAGE_WORKFLOW,
    ITEM_WORKFLOW,
    WORKFLOW,
    LoanState,
    item_actions,
)

pytestmark = pytest.mark.django_db


def test_the_workflows_are_registered() -> None:
    assert REGISTRY["property_loan"] is WORKFLOW
    assert REGISTRY["property_item"] is ITEM_WORKFLOW
    assert REGISTRY["property_damage"] is DAMAGE_WORKFLOW
    assert WORKFLOW.deadline_rule(LoanState.LENT) == "property.loan"


def test_a_loan_is_lent_overdue_or_returned(make_item, make_user, sales_user) -> None:
    borrower = make_user("engineer", department="ENG")
    loan = loan_create(actor=sales_user, item=make_item(), data={
        "borrower": borrower, "purpose": "p", "lent_at": timezone.now() - dt.timedelta(days=30)})
    assert WORKFLOW.state_of(loan) == LoanState.OVERDUE
    assert WORKFLOW.may("return", loan, borrower) and WORKFLOW.may("return", loan, sales_user)
    other = make_user("engineer", department="ENG")
    assert not WORKFLOW.may("return", loan, other)
    with pytest.raises(PermissionDenied):
        loan_return(actor=other, loan=loan)
    returned = loan_return(actor=borrower, loan=loan)
    assert WORKFLOW.state_of(returned) == LoanState.RETURNED
    assert WORKFLOW.available(returned, sales_user) == []
    with pytest.raises(PermissionDenied):  # the permission is checked before the state
        loan_return(actor=other, loan=returned)
    with pytest.raises(ValidationError) as exc:
        loan_return(actor=borrower, loan=returned)
    assert exc.value.messages == [gettext("This loan has already been returned.")]


def test_item_steps_per_role_and_state(make_item, make_user, sales_user) -> None:
    item = make_item()
    engineer = make_user("engineer", department="ENG")
    shown = {name for name, ok in item_actions(item, sales_user).items() if ok}
    assert shown == {"lend", "return_to_customer", "report_damage", "issue", "archive"}
    assert {n for n, ok in item_actions(item, engineer).items() if ok} == set()
    loan_create(actor=sales_user, item=item, data={"borrower": engineer, "purpose": "p"})
    item.refresh_from_db()
    assert item.status == PropertyStatus.LENT
    assert {n for n, ok in item_actions(item, sales_user).items() if ok} == {"report_damage"}
    for refused in (
        lambda: property_issue(actor=sales_user, item=item, department=engineer.department),
        lambda: property_archive(actor=sales_user, item=item),
    ):
        with pytest.raises(ValidationError) as exc:
            refused()
        assert exc.value.messages == [
            gettext("Not possible while the item is: %(state)s.")
            % {"state": item.get_status_display()}
        ]


def test_a_damage_report_is_sent_before_the_reply(make_item, sales_user) -> None:
    item = make_item()
    report = damage_report_create(actor=sales_user, item=item, data={
        "kind": "damaged", "description": "外壳裂纹"})
    assert {tr.name for tr in DAMAGE_WORKFLOW.available(report, sales_user)} == {"send"}
    with pytest.raises(ValidationError) as exc:
        damage_report_reply(actor=sales_user, report=report, reply="收到")
    assert exc.value.messages == [gettext("Send the report to the customer first.")]


def test_the_pages_offer_what_the_workflows_allow(make_item, make_user, sales_user) -> None:
    item = make_item()
    borrower = make_user("engineer", department="ENG")
    loan = loan_create(actor=sales_user, item=item, data={"borrower": borrower, "purpose": "p"})
    client = Client()
    client.force_login(sales_user)
    page = client.get(reverse("property:detail", args=[item.pk]))
    assert not page.context["can_lend"] and page.context["can_report"]
    assert page.context["issue_form"] is None
    client.force_login(borrower)
    assert client.get(reverse("property:loan_detail", args=[loan.pk])).context["return_form"]
    client.force_login(make_user("engineer", department="ENG"))
    assert client.get(reverse("property:loan_detail", args=[loan.pk])).context[
        "return_form"] is None
