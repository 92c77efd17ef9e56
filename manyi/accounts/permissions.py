"""Who may see or do what, object by object.

A role grants an action either on ALL objects or on OWN objects: those of the user's
department and the departments below it (a branch office sees its own customers, a
business unit its own, a region the offices under it). The table in docs/permissions.md is
generated from ROLE_GRANTS (`manyi permissions_table`) and a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .types import Actor

if TYPE_CHECKING:
    from .models import User


class Scope(IntEnum):
    NONE = 0
    OWN = 1
    ALL = 2


ACTIONS: list[tuple[str, str]] = [
    ("customer.view", "查看顾客档案 / view customers"),
    ("customer.add", "新建顾客 / create customers"),
    ("customer.change", "修改顾客 / edit customers"),
    ("customer.archive", "归档顾客 / archive customers"),
    ("customer.import", "导入 / import"),
    ("customer.export", "导出 / export"),
    ("contact.change", "维护联系人 / maintain contacts"),
    ("order.view", "查看订单 / view orders"),
    ("order.change", "维护订单 / maintain orders"),
    ("product.manage", "维护产品 / maintain products"),
    ("audit.view", "查看审核追踪 / view audit trail"),
    ("admin.manage", "部门、用户、角色 / departments, users, roles"),
]
ACTION_CODES = [code for code, _label in ACTIONS]

A, O = Scope.ALL, Scope.OWN  # noqa: E741 (short marks keep the table readable)
_VIEW_ALL = {"customer.view": A, "order.view": A, "customer.export": A, "audit.view": A}

ROLE_GRANTS: dict[str, dict[str, Scope]] = {
    "admin": {code: A for code in ACTION_CODES},
    "gm": dict(_VIEW_ALL),
    "deputy_gm": dict(_VIEW_ALL),
    "management_rep": dict(_VIEW_ALL),
    "quality_manager": {**_VIEW_ALL, "product.manage": A},
    "quality_engineer": {"customer.view": A, "order.view": A, "audit.view": A},
    "customer_service": {
        **_VIEW_ALL,
        "customer.add": A,
        "customer.change": A,
        "customer.import": A,
        "contact.change": A,
    },
    "sales_manager": {
        **_VIEW_ALL,
        "customer.add": A,
        "customer.change": A,
        "customer.archive": A,
        "customer.import": A,
        "contact.change": A,
        "order.change": A,
        "product.manage": A,
    },
    "sales_clerk": {
        "customer.view": O,
        "customer.add": O,
        "customer.change": O,
        "customer.export": O,
        "contact.change": O,
        "order.view": O,
        "order.change": O,
        "audit.view": O,
    },
    "branch_manager": {
        "customer.view": O,
        "customer.add": O,
        "customer.change": O,
        "customer.archive": O,
        "customer.import": O,
        "customer.export": O,
        "contact.change": O,
        "order.view": O,
        "order.change": O,
        "audit.view": O,
    },
    "bu_head": {
        "customer.view": O,
        "customer.change": O,
        "customer.export": O,
        "order.view": O,
        "audit.view": O,
    },
    "finance": {"customer.view": A, "order.view": A, "customer.export": A},
    "legal": {"customer.view": A, "order.view": A},
    "engineer": {"customer.view": A, "order.view": A},
    "viewer": {"customer.view": O, "order.view": O},
}


def register_actions(
    actions: list[tuple[str, str]], grants: dict[str, dict[str, Scope]]
) -> None:
    """Apps add their own actions and role grants (from their permissions module)."""
    for code, label in actions:
        if code not in ACTION_CODES:
            ACTIONS.append((code, label))
            ACTION_CODES.append(code)
    for role, granted in grants.items():
        ROLE_GRANTS.setdefault(role, {}).update(granted)


def _user(actor: Actor) -> User | None:
    """The signed-in user behind `actor`; None for the system and the anonymous visitor."""
    from .models import User

    return actor if isinstance(actor, User) else None


def role_codes(user: Actor) -> set[str]:
    member = _user(user)
    if member is None or not member.is_authenticated or not member.is_active:
        return set()
    cached: set[str] | None = getattr(member, "_manyi_roles", None)
    if cached is None:
        cached = set(member.roles.values_list("code", flat=True))
        if member.is_superuser:
            cached.add("admin")
        member._manyi_roles = cached
    return cached


def scope_for(user: Actor, action: str) -> Scope:
    """The scope of `action` for `user`; None is the system (CLI, scheduler): everything."""
    if action not in ACTION_CODES:
        raise ValueError(f"unknown action {action!r}")
    if user is None:
        return Scope.ALL
    best = Scope.NONE
    for role in role_codes(user):
        best = max(best, ROLE_GRANTS.get(role, {}).get(action, Scope.NONE))
    return best


def own_department_ids(user: Actor) -> set[int]:
    """The user's department and every department below it."""
    member = _user(user)
    if member is None:
        return set()
    cached: set[int] | None = getattr(member, "_manyi_depts", None)
    if cached is not None:
        return cached
    from .models import Department

    ids: set[int] = set()
    if member.department_id:
        frontier = {member.department_id}
        while frontier:
            ids |= frontier
            frontier = set(
                Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
            ) - ids
    member._manyi_depts = ids
    return ids


@dataclass(frozen=True)
class RecordScope:
    """The records one user may see for one action: all, those of some departments, or none.

    This is the one way a read is scoped. Every selector that lists or aggregates (tracking,
    totals, rollups, KPIs, summaries, charts) takes a RecordScope, or the user it is made
    from, and applies it to its rows *before* counting: `scope.filter(qs)`. A figure that
    cannot be computed over part of the records (a control chart of the whole company, a
    target value, a precomputed cube without the coordinates of the scope) calls
    `scope.require_all()` instead, which refuses everyone who does not see every record —
    so pages and API answer the same (403), whatever the role table grants later."""

    action: str
    level: Scope
    department_ids: frozenset[int] = frozenset()

    @property
    def is_all(self) -> bool:
        return self.level == Scope.ALL

    def q(self, prefix: str = "", model: Any = None) -> Q | None:
        """A filter for the records in scope; None means all, Q(pk__in=[]) none.

        By default a record is in scope through its customer (branch office, business unit or
        region among the departments). A model may widen that with a classmethod
        `scope_q(department_ids) -> Q` (e.g. complaints assigned to the user's department)."""
        if self.level == Scope.ALL:
            return None
        if self.level == Scope.NONE:
            return Q(pk__in=[])
        ids = set(self.department_ids)
        if model is not None and hasattr(model, "scope_q"):
            q: Q = model.scope_q(ids)
            return q
        return (
            Q(**{f"{prefix}branch_office_id__in": ids})
            | Q(**{f"{prefix}business_unit_id__in": ids})
            | Q(**{f"{prefix}region_id__in": ids})
        )

    def filter(self, qs: QuerySet[Any], prefix: str = "") -> QuerySet[Any]:
        """`qs` reduced to the records in scope (`prefix` = the path to the customer, for a
        model without its own `scope_q`)."""
        q = self.q(prefix, model=qs.model if not prefix else None)
        if q is None:
            return qs
        if prefix == "" and qs.model._meta.model_name != "customer" and not hasattr(
            qs.model, "scope_q"
        ):
            raise ValueError("give the prefix to the customer relation")
        return qs.filter(q)

    def require_all(self) -> None:
        """Refuse (PermissionDenied → 403) unless the scope is every record."""
        if self.level == Scope.NONE:
            raise PermissionDenied(_("You are not allowed to do this."))
        if self.level != Scope.ALL:
            raise PermissionDenied(
                _("These figures cover every customer; only users who may see all records "
                  "can open them.")
            )


ALL_RECORDS = RecordScope("*", Scope.ALL)
"""The system's scope (CLI, scheduler, reports to management): every record."""


def record_scope(user: Actor, action: str) -> RecordScope:
    """The RecordScope of `action` for `user` (None = the system: everything)."""
    level = scope_for(user, action)
    if level != Scope.OWN:
        return RecordScope(action, level)
    return RecordScope(action, level, frozenset(own_department_ids(user)))


def require_all(user: Actor, action: str) -> RecordScope:
    """For a figure over every record: refuse unless `user` sees all records for `action`."""
    scope = record_scope(user, action)
    scope.require_all()
    return scope


def customer_q(user: Actor, action: str, prefix: str = "", model: Any = None) -> Q | None:
    """A filter for the records `user` may `action`; None means all, Q(pk__in=[]) none
    (see RecordScope.q)."""
    return record_scope(user, action).q(prefix, model)


def scope_queryset(qs: QuerySet[Any], user: Actor, action: str, prefix: str = "") -> QuerySet[Any]:
    return record_scope(user, action).filter(qs, prefix)


def customer_of(obj: Any) -> Any:
    if obj is None:
        return None
    if obj._meta.model_name == "customer":
        return obj
    return getattr(obj, "customer", None)


def can(user: Actor, action: str, obj: Any = None) -> bool:
    scope = scope_for(user, action)
    if scope == Scope.NONE:
        return False
    if obj is None or scope == Scope.ALL:
        return True
    return bool(object_department_ids(obj) & own_department_ids(user))


def users_who_can(action: str, obj: Any = None) -> list[Any]:
    """Active users allowed to do `action` (on `obj`), in a fixed number of queries: only
    holders of a granting role are read, with their roles, and every user's department tree
    comes from one read of the department table (can() per user would query for each)."""
    from .models import Department, User

    roles = [r for r, granted in ROLE_GRANTS.items()
             if granted.get(action, Scope.NONE) > Scope.NONE]
    holders = Q(roles__code__in=roles)
    if "admin" in roles:
        holders |= Q(is_superuser=True)
    users: list[Any] = list(User.objects.filter(holders, is_active=True).distinct()
                 .select_related("department").prefetch_related("roles")
                 .order_by("department__code", "username"))
    children: dict[int | None, list[int]] = {}
    for pk, parent in Department.objects.values_list("id", "parent_id"):
        children.setdefault(parent, []).append(pk)
    for user in users:
        codes = {r.code for r in user.roles.all()}
        if user.is_superuser:
            codes.add("admin")
        user._manyi_roles = codes
        tree: set[int] = set()
        frontier = [user.department_id] if user.department_id else []
        while frontier:
            tree.update(frontier)
            frontier = [c for d in frontier for c in children.get(d, []) if c not in tree]
        user._manyi_depts = tree
    return [u for u in users if can(u, action, obj)]


def object_department_ids(obj: Any) -> set[int]:
    """The departments a record belongs to: its customer's office, unit and region, plus
    whatever the record adds with a `scope_department_ids()` method."""
    if hasattr(obj, "scope_department_ids"):
        return set(obj.scope_department_ids())
    customer = customer_of(obj)
    if customer is None:
        return set()
    return {customer.branch_office_id, customer.business_unit_id, customer.region_id} - {None}


def require(user: Actor, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `user` may do `action` (on `obj`). user None = system."""
    if user is None:
        return
    if not can(user, action, obj):
        raise PermissionDenied(_("You are not allowed to do this."))


def permissions_table_markdown() -> str:
    from .roles import ROLES

    header = "| action | " + " | ".join(code for code, _zh, _en in ROLES) + " |"
    sep = "|---|" + "---|" * len(ROLES)
    lines = [header, sep]
    mark = {Scope.ALL: "all", Scope.OWN: "own", Scope.NONE: "–"}
    for code, label in ACTIONS:
        cells = [mark[ROLE_GRANTS.get(r, {}).get(code, Scope.NONE)] for r, _zh, _en in ROLES]
        lines.append(f"| `{code}` {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
