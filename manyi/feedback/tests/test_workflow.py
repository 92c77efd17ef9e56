"""The feedback workflow (manyi.feedback.workflow): the steps each role is offered in each
state, the refusals of the named services, and the detail page asking the workflow."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from manyi.accounts.permissions import ACTIONS
from manyi.common.workflow import REGISTRY
from manyi.feedback.models import FeedbackStatus
from manyi.feedback.services import feedback_answer, feedback_assign, feedback_set_reference
from manyi.feedback.workflow import WORKFLOW, page_actions

pytestmark = pytest.mark.django_db


def _offered(entry: Any, user: Any) -> set[str]:
    return {name for name, shown in page_actions(entry, user).items() if shown}


def test_the_workflow_is_registered_with_known_actions() -> None:
    assert REGISTRY["feedback"] is WORKFLOW
    known = {code for code, _label in ACTIONS}
    assert {tr.action for tr in WORKFLOW.transitions} | {
        w.action for w in WORKFLOW.work.values()} <= known
    assert WORKFLOW.deadline_rule(FeedbackStatus.OPEN) == "feedback.open"


def test_offered_steps_per_role_and_state(make_entry, make_user, service_user) -> None:
    entry = make_entry()  # open, assigned to engineering
    engineer = make_user("engineer", department="ENG")
    assert _offered(entry, service_user) == {"answer", "assign"}
    assert _offered(entry, engineer) == {"answer"}
    assert _offered(entry, make_user("engineer", department="PROD")) == set()
    assert _offered(entry, make_user("viewer", department="ENG")) == set()
    answered = feedback_answer(actor=engineer, entry=entry, answer="可以。")
    assert _offered(answered, service_user) == set()
    complaint = make_entry(kind="complaint", handed_over_to="")
    assert _offered(complaint, service_user) == {"set_reference"}
    assert _offered(complaint, engineer) == set()


def test_refusals_keep_the_services_sentences(make_entry, service_user, dept) -> None:
    answered = make_entry(answer="已答复")
    with pytest.raises(ValidationError) as exc:
        feedback_answer(actor=service_user, entry=answered, answer="再答")
    assert exc.value.messages == [gettext("Only an open inquiry can be answered.")]
    with pytest.raises(ValidationError) as exc:
        feedback_assign(actor=service_user, entry=answered, department=dept("QA"))
    assert exc.value.messages == [gettext("Only an open inquiry can be assigned.")]
    with pytest.raises(ValidationError) as exc:
        feedback_set_reference(actor=service_user, entry=answered, reference="CP-1")
    assert exc.value.messages == [gettext("Only a complaint or claim is handed over.")]


def test_the_detail_page_offers_what_the_workflow_allows(make_entry, make_user) -> None:
    entry = make_entry()
    client = Client()
    client.force_login(make_user("engineer", department="ENG"))
    page = client.get(reverse("feedback:detail", args=[entry.pk]))
    forms = {f for f in ("answer_form", "assign_form", "reference_form") if page.context[f]}
    assert forms == {"answer_form"}
