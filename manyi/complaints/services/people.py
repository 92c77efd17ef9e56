"""Who handles, approves and is told: the owners of a step, the approvers, the legal
department, and the notifications of a complaint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.urls import reverse

from manyi.accounts.models import Department, User
from manyi.common.notify import notify_users
from manyi.customers.models import Customer

from .. import workflow
from ..models import Complaint, ComplaintState

S = ComplaintState


def _active_users(qs: models.QuerySet[User]) -> list[User]:
    return list(qs.filter(is_active=True).distinct().order_by("id"))


def users_with_roles(roles: Iterable[str]) -> list[User]:
    return _active_users(User.objects.filter(roles__code__in=list(roles)))


def sales_owner_for(customer: Customer) -> User | None:
    """Who handles a complaint recorded by someone outside sales (e.g. the hotline): the
    manager of the customer's branch office, else a sales user of that office, else a sales
    manager."""
    office = customer.branch_office
    if office.manager is not None and office.manager.is_active:
        return office.manager
    local = _active_users(
        User.objects.filter(
            department=office, roles__code__in=["branch_manager", "sales_clerk"]
        )
    )
    if local:
        return local[0]
    managers = users_with_roles(["sales_manager"])
    return managers[0] if managers else None


def quality_owner() -> User | None:
    qa = Department.objects.filter(code="QA").select_related("manager").first()
    if qa is not None and qa.manager is not None and qa.manager.is_active:
        return qa.manager
    managers = users_with_roles(["quality_manager"])
    return managers[0] if managers else None


def legal_users() -> list[User]:
    return _active_users(User.objects.filter(Q(department__code="LEGAL") | Q(roles__code="legal")))


def step_owners(complaint: Complaint) -> list[User]:
    """Who must act in the complaint's current step (they get the overdue reminder)."""
    if complaint.state == S.AWAITING_APPROVAL:
        proposal = workflow.pending_proposal(complaint)
        roles = workflow.required_approver_roles(
            proposal.amount if proposal else None, complaint.escalated
        )
        approvers = users_with_roles(roles)
        if approvers:
            return approvers
    if complaint.state == S.CLOSED:
        service = users_with_roles(["customer_service"])
        if service:
            return service
    if complaint.owner is not None and complaint.owner.is_active:
        return [complaint.owner]
    dept = complaint.responsible_department
    if dept is not None and dept.manager is not None:
        return [dept.manager]
    return []


def complaint_url(complaint: Complaint) -> str:
    return reverse("complaints:detail", args=[complaint.pk])


def notify(
    complaint: Complaint, key: str, users: Iterable[User | None], template: str, **context: Any
) -> int:
    sent = notify_users(
        key=f"complaint:{complaint.pk}:{key}",
        users=[u for u in users if u is not None],
        template=template,
        context={"complaint": complaint, "url": complaint_url(complaint), **context},
        url=complaint_url(complaint),
    )
    return len(sent)

