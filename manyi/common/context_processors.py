"""Navigation shown on every page: the modules of Manyi, built ones and those to come."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from manyi.accounts.permissions import can

# (url name, label, module key, required action or None)
MODULES: list[tuple[str, Any, str, str | None]] = [
    ("home", _("Dashboard"), "home", None),
    ("customers:list", _("Customers"), "customers", "customer.view"),
    ("customers:contacts", _("Contacts"), "contacts", "customer.view"),
    ("customers:orders", _("Orders"), "orders", "order.view"),
    ("feedback:list", _("Feedback"), "feedback", "feedback.view"),
    ("complaints:list", _("Complaints"), "complaints", "complaint.view"),
    ("claims:list", _("Claims"), "claims", "claim.view"),
    ("property:list", _("Customer property"), "property", "property.view"),
    ("surveys:list", _("Surveys"), "surveys", "survey.view"),
    ("analysis:index", _("Analysis"), "analysis", "analysis.view"),
    ("module", _("Improvement"), "improvement", None),
    ("module", _("Reports"), "reports", None),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_modules": []}
    items = [
        {"url_name": url, "label": label, "key": key}
        for url, label, key, action in MODULES
        if action is None or can(user, action)
    ]
    return {"nav_modules": items}
