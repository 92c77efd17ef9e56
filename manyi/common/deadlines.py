"""Every deadline of the procedures in one table: rule, value, unit, seed section.

Each module declares its rules in its own `deadlines.py` and registers them there; the common
app imports every installed app's `deadlines` module when Django starts
(`CommonConfig.ready`), so `RULES` is complete before any request or task runs:

    register(
        DeadlineRule("claims.analysis", _("Preliminary analysis (deputy GM)"), 3, "workdays",
                     "SPEC §5", _("The deputy GM's preliminary analysis of a claim.")),
    )

Rule keys are "<app>.<state>" for the deadline of a workflow step (the state the record is
in while the step runs: `Workflow(deadlines={S.ANALYSIS: "claims.analysis"})`), and
"<app>.<what>" for any other deadline (`property.loan_escalation`).

The company's value of a rule (`value(key)`) is, in this order:

1. a `common.DeadlineSetting` row (set in the admin, with the reason for the change);
2. the deployment's settings: `MANYI_DEADLINES = {"complaints.sales_handling": 24}`, or the
   older per-module setting the rule names (`MANYI_FEEDBACK_ANSWER_WORKDAYS`,
   `MANYI_COMPLAINTS["remedy_hours"]`…);
3. the default of the procedure.

`due(key, start)` counts the value on the company calendar (`manyi.common.calendar`):
working days at the same clock time, working hours of the company's working day, or plain
clock hours. A value of 0 means "at once" (the start itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast, get_args

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .calendar import deadline_in_workdays, deadline_in_working_hours

Unit = Literal["workdays", "hours", "working_hours"]
UNITS: tuple[str, ...] = get_args(Unit)
UNIT_LABELS: dict[str, Any] = {
    "workdays": _("working days"),
    "hours": _("hours"),
    "working_hours": _("working hours"),
}


@dataclass(frozen=True)
class DeadlineRule:
    key: str
    label: Any  # a lazy string
    default: int
    unit: Unit
    source: str  # the seed section or SPEC paragraph that sets the deadline
    description: Any = ""  # a lazy string
    # An older Django setting that also sets the value: "NAME" or "NAME.item" (a dict item).
    setting: str = ""
    # Returns the unit the deployment chose when a rule may be counted in another unit (the
    # complaints' 48 hours: clock or working hours); None: always `unit`.
    unit_of: Callable[[], Unit] | None = None

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"{self.key}: unit must be one of {UNITS}, not {self.unit!r}")
        if "." not in self.key:
            raise ValueError(f"{self.key}: a rule key is '<app>.<name>'")


RULES: dict[str, DeadlineRule] = {}


def register(*rules: DeadlineRule) -> None:
    """Add rules to the table (a module's `deadlines.py` calls this once)."""
    for rule in rules:
        known = RULES.get(rule.key)
        if known is not None and known != rule:
            raise ValueError(f"Deadline rule {rule.key} is registered twice")
        RULES[rule.key] = rule


def rule(key: str) -> DeadlineRule:
    try:
        return RULES[key]
    except KeyError:
        raise LookupError(f"Unknown deadline rule {key!r}") from None


def rules() -> list[DeadlineRule]:
    """Every registered rule, ordered by key."""
    return [RULES[key] for key in sorted(RULES)]


def choices() -> list[tuple[str, str]]:
    return [(r.key, f"{r.key} — {r.label}") for r in rules()]


def configured_value(r: DeadlineRule) -> int | None:
    """The value the deployment's settings give a rule, if any."""
    overrides = getattr(settings, "MANYI_DEADLINES", None) or {}
    if r.key in overrides:
        return int(overrides[r.key])
    if not r.setting:
        return None
    name, _dot, item = r.setting.partition(".")
    configured = getattr(settings, name, None)
    if item:
        configured = (configured or {}).get(item)
    return None if configured is None else int(configured)


def _stored(keys: Iterable[str]) -> dict[str, int]:
    from .models import DeadlineSetting

    return dict(DeadlineSetting.objects.filter(key__in=list(keys)).values_list("key", "value"))


def value(key: str) -> int:
    """The company's value of a rule (admin row, else settings, else the default)."""
    r = rule(key)
    stored = _stored([key]).get(key)
    if stored is not None:
        return stored
    configured = configured_value(r)
    return r.default if configured is None else configured


def table() -> dict[str, int]:
    """The value of every rule, with one query (for loops and the generated docs)."""
    stored = _stored(RULES)
    result: dict[str, int] = {}
    for r in rules():
        configured = configured_value(r)
        fallback = r.default if configured is None else configured
        result[r.key] = stored.get(r.key, fallback)
    return result


def unit(key: str) -> Unit:
    r = rule(key)
    chosen = r.unit_of() if r.unit_of is not None else r.unit
    if chosen not in UNITS:
        raise ValueError(f"{key}: unit must be one of {UNITS}, not {chosen!r}")
    return cast(Unit, chosen)


def add(start: dt.datetime, amount: int, unit_: Unit) -> dt.datetime:
    """`amount` units after `start` on the company calendar (0: the start itself)."""
    if amount <= 0:
        return start
    if unit_ == "workdays":
        return deadline_in_workdays(start, amount)
    if unit_ == "working_hours":
        return deadline_in_working_hours(start, amount)
    return start + dt.timedelta(hours=amount)


def due(key: str, start: dt.datetime, amount: int | None = None) -> dt.datetime:
    """When a deadline that starts at `start` falls due: the company's value of the rule (or
    `amount`, a value chosen for this one record, in the rule's unit) counted in its unit."""
    return add(start, value(key) if amount is None else amount, unit(key))


def autodiscover() -> None:
    """Import the `deadlines` module of every installed app (called at start-up)."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("deadlines")


# --- the generated page of the docs (docs/deadlines.md) ---------------------------------------

DOC_HEADER = """# Deadlines (期限) — every deadline of the procedures

Generated from the rules (`manyi/<app>/deadlines.py`, `manyi/common/deadlines.py`) by
`manyi deadlines_table`; a test fails if this page and the code differ.

The values are the defaults of the procedures. The company changes a value in the admin
(期限设置 / deadline settings, with the reason for the change); a deployment may also set
`MANYI_DEADLINES = {"<rule>": <value>}` in its settings. Working days are counted on the
company calendar: the PRC statutory calendar (public holidays and the make-up working days)
plus the company's closures; a deadline falls at the same clock time `n` working days after
its start. Working hours count the company's working day (8 hours).
"""


def _both(text: Any) -> tuple[str, str]:
    with translation.override("zh-hans"):
        zh = str(text)
    with translation.override("en"):
        en = str(text)
    return zh, en


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The rules as a Markdown table (the defaults, zh and en labels), for docs/deadlines.md."""
    lines = [
        DOC_HEADER,
        "| rule | 期限 | deadline | value | unit | seed section | description |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rules():
        zh, en = _both(r.label)
        unit_zh, unit_en = _both(UNIT_LABELS[r.unit])
        unit_text = unit_en if unit_zh == unit_en else f"{unit_zh} / {unit_en}"
        with translation.override("en"):
            description = str(r.description)
        cells = [f"`{r.key}`", zh, en, str(r.default), unit_text, r.source, description]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
