"""Claims on the shared workflow kit: the declaration is registered, pages are offered what
the kit allows, and permission is checked before the state, as before the move."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from manyi.claims import services
from manyi.claims.states import ClaimState
from manyi.claims.workflow import TRANSITIONS, WORKFLOW
from manyi.common.workflow import REGISTRY

pytestmark = pytest.mark.django_db


def test_the_claim_workflow_is_registered_with_a_service_per_step() -> None:
    assert REGISTRY["claim"] is WORKFLOW and TRANSITIONS is WORKFLOW.by_name
    assert set(services.PERFORMERS) == set(WORKFLOW.by_name)
    assert set(WORKFLOW.deadlines) == set(WORKFLOW.open_states)
    assert all(key == f"claims.{state}" for state, key in WORKFLOW.deadlines.items())


def test_whoever_may_not_take_a_step_is_refused_whatever_the_state(
    new_claim: Any, people: Any
) -> None:
    claim = new_claim()
    assert claim.state == ClaimState.COLLECTING
    with pytest.raises(PermissionDenied):  # not the GM, and not the state either
        services.claim_approve(actor=people.sales, claim=claim, expected_version=None)
    assert [t.name for t in WORKFLOW.available(claim, people.sales)] == ["submit", "withdraw"]
    assert WORKFLOW.available(claim, people.gm) == []
