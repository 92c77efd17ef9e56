"""The shared workflow kit (manyi.common.workflow): refusals name the state and the possible
steps, permissions (several actions, aliases, the system), guards name the fields, and what a
page offers to each role."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import translation

from manyi.common.workflow import (
    Transition,
    TransitionBlocked,
    TransitionError,
    TransitionNotAllowed,
    Work,
    Workflow,
    first_of,
)

pytestmark = pytest.mark.django_db


class Door(models.TextChoices):
    OPEN = "open", "Open"
    HELD = "held", "Held"
    CLOSED = "closed", "Closed"


D = Door


def _needs_ok(record: Any, user: Any) -> Mapping[str, str]:
    return {} if record.ok else {"ok": "Tick the box first."}


def _needs_reason(record: Any, user: Any) -> Mapping[str, str]:
    return {} if record.reason else {"reason": "Give the reason."}


def _handler(record: Any) -> str:
    return "product.manage" if record.escalated else "admin.manage"


def _workflow(**options: Any) -> Workflow:
    return Workflow(
        name="door",
        record_label="door",
        states=Door,
        terminal={D.CLOSED},
        transitions=[
            Transition("hold", "Hold the door", (D.OPEN,), (D.HELD,), "product.manage",
                       guard=first_of(_needs_ok, _needs_reason)),
            Transition("release", "Release the door", (D.HELD,), (D.OPEN,), "product.manage"),
            Transition("close", "Close the door", (D.OPEN, D.HELD), (D.CLOSED,),
                       "customer.import", also=("handler",)),
        ],
        work={
            "note": Work("customer.import", (D.OPEN, D.HELD), also=("handler",)),
            "paint": Work("product.manage", (D.OPEN,), guard=_needs_ok),
        },
        aliases={"handler": _handler},
        **options,
    )


def _door(state: str = D.OPEN, *, ok: bool = True, reason: str = "x",
          escalated: bool = False) -> SimpleNamespace:
    return SimpleNamespace(state=state, ok=ok, reason=reason, escalated=escalated)


@pytest.fixture
def users(make_user: Callable[..., Any]) -> SimpleNamespace:
    return SimpleNamespace(
        qm=make_user("quality_manager", username="wf_qm"),  # product.manage
        service=make_user("customer_service", username="wf_cs"),  # customer.import
        qe=make_user("quality_engineer", username="wf_qe"),  # audit.view only
    )


def test_a_refusal_names_the_state_and_the_steps_possible_now(users: SimpleNamespace) -> None:
    wf = _workflow()
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as exc:
        wf.check("hold", _door(D.HELD), users.qm)
    error = exc.value
    assert isinstance(error, TransitionError)
    assert error.state == D.HELD and error.transition == "hold"
    assert error.allowed == ["release", "close"]
    message = error.message_dict["state"][0]
    assert "“Held”" in message and "Open" in message  # the state now, the states it needs
    assert "“Release the door”" in message and "“Close the door”" in message
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as exc:
        wf.check("release", _door(D.CLOSED), None)
    assert exc.value.allowed == [] and "none" in exc.value.message_dict["state"][0]


def test_a_workflow_may_build_its_own_refusal(users: SimpleNamespace) -> None:
    made: list[tuple[Any, str]] = []

    def refusal(record: Any, name: str) -> TransitionError:
        made.append((record, name))
        return TransitionNotAllowed("custom", code="custom")

    wf = _workflow(refusal=refusal)
    door = _door(D.CLOSED)
    with pytest.raises(TransitionNotAllowed) as exc:
        wf.check("hold", door, users.qm)
    assert exc.value.code == "custom" and made == [(door, "hold")]


def test_permission_is_refused_before_the_guard_and_the_system_needs_none(
    users: SimpleNamespace,
) -> None:
    wf = _workflow()
    with pytest.raises(PermissionDenied):
        wf.check("hold", _door(ok=False), users.service)  # not his step: no guard message
    with pytest.raises(PermissionDenied):
        wf.check("close", _door(), users.qe)
    assert wf.check("close", _door(), users.service).name == "close"  # the action
    assert wf.check("close", _door(escalated=True), users.qm).name == "close"  # the alias
    with pytest.raises(PermissionDenied):
        wf.check("close", _door(escalated=False), users.qm)  # the alias: admin.manage
    assert wf.check("hold", _door(), None).name == "hold"  # the system


def test_a_guard_names_the_fields_and_first_of_stops_at_the_first(
    users: SimpleNamespace,
) -> None:
    wf = _workflow()
    with pytest.raises(TransitionBlocked) as exc:
        wf.check("hold", _door(ok=False, reason=""), users.qm)
    assert isinstance(exc.value, TransitionError)
    assert set(exc.value.message_dict) == {"ok"}
    with pytest.raises(TransitionBlocked) as exc:
        wf.check("hold", _door(ok=True, reason=""), users.qm)
    assert set(exc.value.message_dict) == {"reason"}
    assert wf.check("hold", _door(ok=False), users.qm, guard=False).name == "hold"
    tr = wf.transition("hold")
    assert wf.blocked_reason(tr, _door(ok=False), users.qm) == "Tick the box first."
    assert wf.blocked_reason(tr, _door(), users.qm) is None


def test_available_and_offers_per_role(users: SimpleNamespace) -> None:
    wf = _workflow()
    door = _door(ok=False)
    assert [t.name for t in wf.available(door, users.qm)] == ["hold"]
    assert [t.name for t in wf.available(_door(escalated=True), users.qm)] == ["hold", "close"]
    assert [t.name for t in wf.available(door, users.service)] == ["close"]
    assert [t.name for t in wf.available(door, users.qe)] == []
    assert [t.name for t in wf.available(_door(D.CLOSED), users.qm)] == []
    offers = wf.offers(door, users.qm)
    assert [(o.name, o.blocked) for o in offers] == [("hold", "Tick the box first.")]
    assert [(o.name, o.blocked) for o in wf.offers(_door(), users.qm)] == [("hold", None)]
    assert wf.may("hold", door, users.qm) and not wf.may("hold", door, users.service)
    assert [t.name for t in wf.next_transitions(_door(D.HELD))] == ["release", "close"]


def test_work_on_a_step_with_several_actions_and_a_guard(users: SimpleNamespace) -> None:
    wf = _workflow()
    assert wf.work_allowed(_door(), users.qm) == {"paint"}
    assert wf.work_allowed(_door(escalated=True), users.qm) == {"note", "paint"}
    assert wf.work_allowed(_door(ok=False), users.qm) == set()  # the guard blocks painting
    assert wf.work_allowed(_door(D.HELD), users.service) == {"note"}
    assert wf.work_allowed(_door(D.CLOSED), users.service) == set()
    with pytest.raises(TransitionBlocked) as exc:
        wf.check_work("paint", _door(ok=False), users.qm)
    assert set(exc.value.message_dict) == {"ok"}
    with pytest.raises(TransitionError) as wrong_state:
        wf.check_work("paint", _door(D.HELD), users.qm)
    assert "state" in wrong_state.value.message_dict
    wf.check_work("paint", _door(D.HELD), users.qm, state=False)  # permission only
    with pytest.raises(PermissionDenied):
        wf.check_work("note", _door(), users.qe)


def test_a_service_chosen_target_must_be_in_the_table() -> None:
    tr = _workflow().transition("close")
    assert tr.check_target(D.CLOSED) == D.CLOSED
    with pytest.raises(AssertionError):
        tr.check_target(D.OPEN)
    assert tr.who == ("customer.import", "handler")
