"""Customer-property actions and role grants (registered at start-up).

Sales keeps the ledger (003 §4.4.1); the department holding an item sees it (scope OWN:
the customer's office/unit/region, the holding department, the holder's department);
engineering registers external drawings and documents; whoever holds an item reports damage.
"""

from __future__ import annotations

from manyi.accounts.permissions import Scope, register_actions

A, O = Scope.ALL, Scope.OWN  # noqa: E741

ACTIONS = [
    ("property.view", "查看顾客财产 / view customer property"),
    ("property.manage", "维护顾客财产台帐、借用单 / keep the property ledger and lending slips"),
    ("property.document", "外来图纸/文件登记 / register external drawings and documents"),
    ("property.damage", "报告损坏/丢失 / report damage or loss"),
]
_ALL = {code: A for code, _label in ACTIONS}

GRANTS: dict[str, dict[str, Scope]] = {
    "admin": dict(_ALL),
    "gm": {"property.view": A},
    "deputy_gm": {"property.view": A},
    "management_rep": {"property.view": A},
    "quality_manager": {"property.view": A, "property.document": A, "property.damage": A},
    "quality_engineer": {"property.view": O, "property.damage": O},
    "customer_service": {"property.view": A},
    "sales_manager": dict(_ALL),
    "sales_clerk": {"property.view": O, "property.manage": O, "property.damage": O},
    "branch_manager": {"property.view": O, "property.manage": O, "property.damage": O},
    "bu_head": {"property.view": O},
    "engineer": {"property.view": O, "property.document": O, "property.damage": O},
    "viewer": {"property.view": O},
}

register_actions(ACTIONS, GRANTS)


def _register_attachment_owners() -> None:
    from manyi.accounts.permissions import can
    from manyi.common.attachments import register_attachment_owner

    from .models import CustomerProperty, DamageReport, ExternalDocument

    for model in (CustomerProperty, DamageReport, ExternalDocument):
        register_attachment_owner(model, lambda user, obj: can(user, "property.view", obj))


_register_attachment_owners()
