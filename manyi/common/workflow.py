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
refusal names the fields. A page may offer a transition whose guard still fails, disabled, with
the reason (`offers`); `first_of` combines guards when the page shows one reason at a time.

Who may take a step is a permission action, or several (`also`: any one suffices); an action
may be an alias resolved per record (`aliases`, e.g. "handler" is sales before escalation and
quality after). `user=None` is the system and needs no permission.
The kit imports no app: permissions are checked with `manyi.accounts.permissions.can`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext

from manyi.accounts.types import Actor

Guard = Callable[[Any, Actor], Mapping[str, str]]  # (record, user) → {field: message}
Route = Callable[[Any], str]


class TransitionError(ValidationError):
    """A transition or a step refused because of the record's state or a guard; names the
    field (`state`, `name`, or the fields the guard names)."""


class TransitionNotAllowed(TransitionError):
    """The transition does not start from the record's state. `state` is that state,
    `transition` the refused step and `allowed` the names of the steps that start from it."""

    state: str = ""
    transition: str = ""
    allowed: list[str]


class TransitionBlocked(TransitionError):
    """The transition starts from the record's state, but a guard says it cannot happen yet."""


def first_of(*guards: Guard) -> Guard:
    """One guard made of several, checked in order: the errors of the first that fails."""

    def guard(record: Any, user: Actor) -> Mapping[str, str]:
        for each in guards:
            errors = each(record, user)
            if errors:
                return errors
        return {}

    return guard


@dataclass(frozen=True)
class Transition:
    name: str
    label: Any  # a lazy string
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # one target, or the possible targets picked by `route`
    action: str  # the permission action (accounts.permissions) the actor needs on the record
    guard: Guard | None = None
    route: Route | None = None
    also: tuple[str, ...] = ()  # further permission actions: any one of them suffices

    @property
    def who(self) -> tuple[str, ...]:
        """Every permission action (or alias) that allows this transition."""
        return (self.action, *self.also)

    def check_target(self, target: str) -> str:
        """A target chosen by the service (not by `route`) must be one the table allows."""
        if target not in self.targets:
            raise AssertionError(f"{self.name}: {target!r} is not one of {self.targets}")
        return target

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
    also: tuple[str, ...] = ()  # further permission actions: any one of them suffices
    guard: Guard | None = None

    @property
    def who(self) -> tuple[str, ...]:
        return (self.action, *self.also)


@dataclass(frozen=True)
class Offer:
    """A transition a page offers: `blocked` says why it cannot happen yet (a guard), or None."""

    transition: Transition
    blocked: str | None = None

    @property
    def name(self) -> str:
        return self.transition.name

    @property
    def label(self) -> Any:
        return self.transition.label


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
    # action aliases resolved per record, e.g. {"handler": lambda c: "complaint.quality"}
    aliases: Mapping[str, Callable[[Any], str]] = field(default_factory=dict)
    # builds the error for a transition that does not start from the record's state
    refusal: Callable[[Any, str], TransitionError] | None = None

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

    def next_transitions(self, record: Any) -> list[Transition]:
        """The transitions that start from the record's state (whoever may take them)."""
        state = self.state_of(record)
        return [tr for tr in self.transitions if state in tr.sources]

    def actions_for(self, step: Transition | Work, record: Any) -> tuple[str, ...]:
        """The permission actions that allow `step` on `record` (aliases resolved)."""
        return tuple(
            self.aliases[a](record) if a in self.aliases else a for a in step.who
        )

    def permitted(self, step: Transition | Work, record: Any, user: Actor) -> bool:
        from manyi.accounts.permissions import can

        if user is None:
            return True
        return any(can(user, action, record) for action in self.actions_for(step, record))

    def deadline_rule(self, state: str) -> str | None:
        """The key of the deadline rule (manyi.common.deadlines) of a state, if it has one."""
        return self.deadlines.get(state)

    # --- checking ------------------------------------------------------------------------
    def not_allowed(self, tr: Transition, record: Any) -> TransitionError:
        """The refusal of `tr` in the record's state: names the states it starts from and the
        steps that are possible now (the workflow's own `refusal` if it has one)."""
        if self.refusal is not None:
            return self.refusal(record, tr.name)
        state = self.state_of(record)
        nexts = self.next_transitions(record)
        message = gettext(
            "“%(step)s” is not possible while the %(record)s is “%(state)s”; it "
            "is possible when the %(record)s is: %(sources)s."
        ) % {
            "step": tr.label,
            "record": self.record_label,
            "state": self.state_label(state),
            "sources": ", ".join(self.state_label(s) for s in tr.sources),
        }
        allowed = gettext("Possible next steps: %(steps)s.") % {
            "steps": ", ".join(f"“{t.label}”" for t in nexts)
            or pgettext("next steps", "none")
        }
        error = TransitionNotAllowed({"state": f"{message} {allowed}"})
        error.state, error.transition = state, tr.name
        error.allowed = [t.name for t in nexts]
        return error

    def check_state(self, tr: Transition, record: Any) -> None:
        if self.state_of(record) not in tr.sources:
            raise self.not_allowed(tr, record)

    def check_guard(self, tr: Transition, record: Any, user: Actor = None) -> None:
        if tr.guard is None:
            return
        errors = dict(tr.guard(record, user))
        if errors:
            raise TransitionBlocked(errors)

    def blocked_reason(self, step: Transition | Work, record: Any, user: Actor) -> str | None:
        """The first message of the step's guard, or None when nothing blocks it."""
        if step.guard is None:
            return None
        errors = step.guard(record, user)
        return next(iter(errors.values()), None) if errors else None

    def check_permission(self, action: str, record: Any, user: Actor) -> None:
        from manyi.accounts.permissions import can

        if user is not None and not can(user, action, record):
            raise PermissionDenied(gettext("You may not do this on this record."))

    def check(self, name: str, record: Any, user: Actor, *, guard: bool = True) -> Transition:
        """State, permission and guard of a transition; returns it. `user=None` is the system
        (scheduled jobs, data migrations), which needs no permission."""
        tr = self.transition(name)
        self.check_state(tr, record)
        if not self.permitted(tr, record, user):
            raise PermissionDenied(gettext("You may not do this on this record."))
        if guard:
            self.check_guard(tr, record, user)
        return tr

    def check_work(
        self, work: str, record: Any, user: Actor, *, state: bool = True, guard: bool = True
    ) -> None:
        """State (unless `state=False`), permission and guard of a step that is not a
        transition."""
        step = self.work[work]
        current = self.state_of(record)
        if state and current not in step.states:
            raise TransitionError(
                {
                    "state": gettext("This is not possible while the %(record)s is “%(state)s”.")
                    % {"record": self.record_label, "state": self.state_label(current)}
                }
            )
        if not self.permitted(step, record, user):
            raise PermissionDenied(gettext("You may not do this on this record."))
        if guard and step.guard is not None:
            errors = dict(step.guard(record, user))
            if errors:
                raise TransitionBlocked(errors)

    # --- what a page shows -----------------------------------------------------------------
    def available(self, record: Any, user: Actor) -> list[Transition]:
        """The transitions `user` may start on `record` now (guards are checked on submit)."""
        return [tr for tr in self.next_transitions(record) if self.permitted(tr, record, user)]

    def offers(self, record: Any, user: Actor) -> list[Offer]:
        """What a page offers `user`: the transitions he may start now, each with the reason a
        guard still blocks it (the page shows it disabled), or None."""
        return [
            Offer(tr, self.blocked_reason(tr, record, user))
            for tr in self.available(record, user)
        ]

    def may(self, name: str, record: Any, user: Actor) -> bool:
        return any(tr.name == name for tr in self.available(record, user))

    def may_work(self, work: str, record: Any, user: Actor) -> bool:
        step = self.work[work]
        return (
            self.state_of(record) in step.states
            and self.permitted(step, record, user)
            and self.blocked_reason(step, record, user) is None
        )

    def work_allowed(self, record: Any, user: Actor) -> set[str]:
        """The names of the steps that are not transitions which `user` may do now."""
        return {name for name in self.work if self.may_work(name, record, user)}

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


def refusal_sentences(
    workflow: str, sentences: Mapping[str, Any]
) -> Callable[[Any, str], TransitionError]:
    """A workflow's `refusal` that keeps the module's own sentence per transition or step
    (e.g. "Only a running campaign can be closed."), as a non-field error; `%(state)s` in a
    sentence is the record's state. A step without a sentence gets a generic one. `workflow`
    is the registered name (looked up when a refusal is built, so the table can be declared
    before the workflow)."""

    def refuse(record: Any, name: str) -> TransitionError:
        flow = REGISTRY[workflow]
        state = flow.state_of(record)
        sentence = sentences.get(name) or gettext(
            "This is not possible while the %(record)s is “%(state)s”."
        )
        error = TransitionNotAllowed(
            str(sentence) % {"record": flow.record_label, "state": flow.state_label(state)}
        )
        error.state, error.transition = state, name
        error.allowed = [t.name for t in flow.next_transitions(record)]
        return error

    return refuse


def check_permitted_first(flow: Workflow, name: str, record: Any, user: Actor) -> Transition:
    """`flow.check`, but the permission first: whoever may not take the step is refused
    (PermissionDenied) whatever the record's state, and learns nothing of it."""
    tr = flow.transition(name)
    if not flow.permitted(tr, record, user):
        raise PermissionDenied(gettext("You may not do this on this record."))
    return flow.check(name, record, user)


def check_work_refusing(flow: Workflow, work: str, record: Any, user: Actor) -> None:
    """`flow.check_work` with the permission first (as `check_permitted_first`); a step in
    the wrong state is refused with the workflow's own `refusal` (its sentence for `work`,
    see `refusal_sentences`) when it has one."""
    if not flow.permitted(flow.work[work], record, user):
        raise PermissionDenied(gettext("You may not do this on this record."))
    if flow.refusal is not None and flow.state_of(record) not in flow.work[work].states:
        raise flow.refusal(record, work)
    flow.check_work(work, record, user)
