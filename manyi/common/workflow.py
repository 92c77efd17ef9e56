"""One small state-machine kit for every record with a life cycle (complaints, claims, survey
campaigns, feedback entries, property lending slips, and every later module).

A module declares its workflow once, in its own `workflow.py`:

    WORKFLOW = Workflow(
        name="claim",
        record_label=_("claim"),
        states=ClaimState,                   # a TextChoices
        terminal={S.CLOSED, S.CANCELLED},
        transitions=[
            Transition("submit", _("Hand over to the deputy GM"), (S.COLLECTING,),
                       (S.ANALYSIS,), action="claim.add", guard=_guard_submit),
            ...
        ],
        work={"edit": Work("claim.add", (S.COLLECTING,))},   # steps that are not transitions
        deadlines={S.ANALYSIS: "claims.step.analysis"},       # state → deadline rule key
        owners={S.ANALYSIS: "deputy_gm"},                     # state → who works on it
    )

and its services expose one named function per transition (`claim_submit`,
`complaint_escalate`, `campaign_launch`…) that calls `WORKFLOW.check(name, record, user)` and
then does the work. Pages and the API never decide themselves which buttons to show: they ask
`WORKFLOW.available(record, user)` (transitions) and `WORKFLOW.may_work(work, record, user)`.

Guards take (record, user) and return {field: message} for every unmet condition, so a
refusal names the fields.
The kit imports no app: permissions are checked with `manyi.accounts.permissions.can`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext

Guard = Callable[[Any, Any], Mapping[str, str]]  # (record, user) → {field: message}
Route = Callable[[Any], str]


class TransitionError(ValidationError):
    """A transition or a step refused because of the record's state or a guard; names the
    field (`state`, `name`, or the fields the guard names)."""


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any  # a lazy string
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # one target, or the possible targets picked by `route`
    action: str  # the permission action (accounts.permissions) the actor needs on the record
    guard: Guard | None = None
    route: Route | None = None

    def target_for(self, record: Any) -> str:
        target = self.route(record) if self.route else self.targets[0]
        if target not in self.targets:
            raise AssertionError(f"{self.name}: route gave {target!r}, not one of {self.targets}")
        return target


@dataclass(frozen=True)
class Work:
    """Work on a step that does not change the state (edit, add a round, calculate…)."""

    action: str
    states: tuple[str, ...]


@dataclass
class Workflow:
    name: str
    record_label: Any
    states: type[models.TextChoices]
    transitions: Iterable[Transition]
    terminal: frozenset[str] | set[str] = frozenset()
    work: Mapping[str, Work] = field(default_factory=dict)
    deadlines: Mapping[str, str] = field(default_factory=dict)
    owners: Mapping[str, str] = field(default_factory=dict)
    state_field: str = "state"

    def __post_init__(self) -> None:
        self.by_name: dict[str, Transition] = {t.name: t for t in self.transitions}
        self.transitions = tuple(self.by_name.values())
        self.terminal = frozenset(self.terminal)
        known = {str(s) for s in self.states}
        for tr in self.transitions:
            unknown = (set(tr.sources) | set(tr.targets)) - known
            if unknown:
                raise AssertionError(f"{self.name}.{tr.name}: unknown states {unknown}")

    # --- reading -------------------------------------------------------------------------
    def state_of(self, record: Any) -> str:
        return str(getattr(record, self.state_field))

    def state_label(self, state: str) -> str:
        return str(self.states(state).label)

    @property
    def open_states(self) -> tuple[str, ...]:
        return tuple(str(s) for s in self.states if s not in self.terminal)

    def targets_from(self, state: str) -> set[str]:
        """Every state reachable from `state` in one transition."""
        return {t for tr in self.transitions if state in tr.sources for t in tr.targets}

    def transition(self, name: str) -> Transition:
        try:
            return self.by_name[name]
        except KeyError:
            raise TransitionError(
                {"name": gettext("Unknown step %(name)s.") % {"name": name}}
            ) from None

    def deadline_rule(self, state: str) -> str | None:
        """The key of the deadline rule (manyi.common.deadlines) of a state, if it has one."""
        return self.deadlines.get(state)

    # --- checking ------------------------------------------------------------------------
    def check_state(self, tr: Transition, record: Any) -> None:
        state = self.state_of(record)
        if state not in tr.sources:
            raise TransitionError(
                {
                    "state": gettext(
                        "“%(step)s” is not possible while the %(record)s is “%(state)s”; it "
                        "is possible when the %(record)s is: %(sources)s."
                    )
                    % {
                        "step": tr.label,
                        "record": self.record_label,
                        "state": self.state_label(state),
                        "sources": ", ".join(self.state_label(s) for s in tr.sources),
                    }
                }
            )

    def check_guard(self, tr: Transition, record: Any, user: Any = None) -> None:
        if tr.guard is None:
            return
        errors = dict(tr.guard(record, user))
        if errors:
            raise TransitionError(errors)

    def check_permission(self, action: str, record: Any, user: Any) -> None:
        from django.core.exceptions import PermissionDenied

        from manyi.accounts.permissions import can

        if user is not None and not can(user, action, record):
            raise PermissionDenied(gettext("You may not do this on this record."))

    def check(self, name: str, record: Any, user: Any, *, guard: bool = True) -> Transition:
        """State, permission and guard of a transition; returns it. `user=None` is the system
        (scheduled jobs, data migrations), which needs no permission."""
        tr = self.transition(name)
        self.check_state(tr, record)
        self.check_permission(tr.action, record, user)
        if guard:
            self.check_guard(tr, record, user)
        return tr

    def check_work(self, work: str, record: Any, user: Any) -> None:
        step = self.work[work]
        state = self.state_of(record)
        if state not in step.states:
            raise TransitionError(
                {
                    "state": gettext("This is not possible while the %(record)s is “%(state)s”.")
                    % {"record": self.record_label, "state": self.state_label(state)}
                }
            )
        self.check_permission(step.action, record, user)

    # --- what a page shows -----------------------------------------------------------------
    def available(self, record: Any, user: Any) -> list[Transition]:
        """The transitions `user` may start on `record` now (guards are checked on submit)."""
        from manyi.accounts.permissions import can

        state = self.state_of(record)
        return [
            tr
            for tr in self.transitions
            if state in tr.sources and can(user, tr.action, record)
        ]

    def may(self, name: str, record: Any, user: Any) -> bool:
        return any(tr.name == name for tr in self.available(record, user))

    def may_work(self, work: str, record: Any, user: Any) -> bool:
        from manyi.accounts.permissions import can

        step = self.work[work]
        return self.state_of(record) in step.states and can(user, step.action, record)

    def describe(self) -> list[dict[str, Any]]:
        """The transitions as rows (for the generated docs)."""
        return [
            {
                "name": tr.name,
                "label": str(tr.label),
                "from": [self.state_label(s) for s in tr.sources],
                "to": [self.state_label(s) for s in tr.targets],
                "action": tr.action,
            }
            for tr in self.transitions
        ]


REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    """Every module's workflow, for the generated docs and the checks."""
    REGISTRY[workflow.name] = workflow
    return workflow
