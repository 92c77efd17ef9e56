"""Personal links: issue (only the digest is stored), resolve, and the public URL."""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from django.db import connection, models
from django.urls import reverse
from django.utils import timezone

from manyi.accounts.types import Actor, stored_user
from manyi.common.db import execute_prepared, prepared_sql
from manyi.common.site import absolute_url
from manyi.customers.models import Customer

from .. import tokens
from ..models import Campaign, Invitation, SurveyLink
from ..workflow import in_step


class LinkError(Exception):
    """The link cannot be used: reason is unknown, expired, used or closed."""

    def __init__(self, reason: str, invitation: Invitation | None = None) -> None:
        self.reason = reason
        self.invitation = invitation
        super().__init__(reason)


def public_url(token: str, *, absolute: bool = True) -> str:
    path = reverse("survey_public:form", args=[token])
    if not absolute:
        return path
    return absolute_url(path)


def link_issue(
    *, invitation: Invitation, actor: Actor, purpose: str, campaign: Campaign | None = None
) -> tuple[str, SurveyLink]:
    """A new personal link for the respondent; the raw token is returned once, never stored."""
    campaign = campaign or invitation.campaign
    token = tokens.new_token()
    now = timezone.now()
    link = SurveyLink.objects.create(
        invitation=invitation,
        digest=tokens.digest(token),
        purpose=purpose[:20],
        issued_at=now,
        expires_at=now + dt.timedelta(days=campaign.link_valid_days),
        issued_by=stored_user(actor),
    )
    return token, link


# what the customer's page needs (the public page is the hot path: fewer columns to read)
LINK_FIELDS: dict[str, tuple[str, ...]] = {
    "link": ("id", "invitation_id", "expires_at"),
    "invitation": (
        "id", "campaign_id", "customer_id", "contact_id", "name", "email", "function",
        "decision_class", "language", "channel", "delegated_office_id", "business_unit_id",
        "branch_office_id", "customer_class", "key_account", "status", "round", "sent_at",
        "opened_at", "started_at", "completed_at"),
    "campaign": (
        "id", "number", "title", "template_id", "status", "auto_complaint", "link_valid_days"),
    "customer": (
        "id", "code", "name", "business_unit_id", "branch_office_id", "region_id",
        "customer_class", "key_account"),
}
_MODELS: dict[str, type[models.Model]] = {
    "link": SurveyLink, "invitation": Invitation, "campaign": Campaign, "customer": Customer,
}


@cache
def _link_query(vendor: str) -> tuple[str, list[tuple[type[models.Model], list[str], list[Any]]]]:
    """One SELECT of a link with its invitation, campaign and customer, written once per
    process (the ORM would compile the same four-table join on every request), and the
    per-column converters the ORM would apply (SQLite returns datetimes as text)."""
    q = connection.ops.quote_name
    tables = {name: q(model._meta.db_table) for name, model in _MODELS.items()}
    select: list[str] = []
    parts: list[tuple[type[models.Model], list[str], list[Any]]] = []
    for name, attnames in LINK_FIELDS.items():
        model = _MODELS[name]
        # Model.from_db takes the values in the order of the model's fields
        fields = [f for f in model._meta.concrete_fields if f.attname in attnames]
        assert len(fields) == len(attnames), f"unknown field in LINK_FIELDS[{name!r}]"
        select.extend(f"{name}.{q(str(f.column))}" for f in fields)
        converters = []
        for f in fields:
            expression = f.get_col(name)
            converters.append((expression, connection.ops.get_db_converters(expression)
                               + f.get_db_converters(connection)))
        parts.append((model, [f.attname for f in fields], converters))
    col = {name: {f.attname: q(str(f.column)) for f in model._meta.concrete_fields}
           for name, model in _MODELS.items()}
    sql = (
        f"SELECT {', '.join(select)} FROM {tables['link']} link "  # noqa: S608 (identifiers)
        f"JOIN {tables['invitation']} invitation "
        f"ON invitation.{col['invitation']['id']} = link.{col['link']['invitation_id']} "
        f"JOIN {tables['campaign']} campaign "
        f"ON campaign.{col['campaign']['id']} = invitation.{col['invitation']['campaign_id']} "
        f"JOIN {tables['customer']} customer "
        f"ON customer.{col['customer']['id']} = invitation.{col['invitation']['customer_id']} "
        f"WHERE link.{col['link']['digest']} = %s"
    )
    return (prepared_sql(sql) if vendor == "postgresql" else sql), parts


def _link_load(digest: str) -> SurveyLink | None:
    sql, parts = _link_query(connection.vendor)
    if connection.vendor == "postgresql":
        row = execute_prepared(sql, [digest])
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, [digest])
            row = cursor.fetchone()
    if row is None:
        return None
    objects: list[models.Model] = []
    at = 0
    for model, attnames, converters in parts:
        values = []
        for value, (expression, convs) in zip(row[at:at + len(attnames)], converters,
                                              strict=True):
            for conv in convs:
                value = conv(value, expression, connection)
            values.append(value)
        at += len(attnames)
        objects.append(model.from_db(connection.alias, attnames, values))
    link, inv, campaign, customer = objects
    assert isinstance(link, SurveyLink) and isinstance(inv, Invitation)
    inv.campaign = campaign  # type: ignore[assignment]
    inv.customer = customer  # type: ignore[assignment]
    link.invitation = inv
    return link


def link_resolve(token: str, *, now: dt.datetime | None = None) -> tuple[Invitation, SurveyLink]:
    """The invitation of a token, or LinkError (unknown / expired / used / closed)."""
    if not tokens.looks_like_token(token):
        raise LinkError("unknown")
    link = _link_load(tokens.digest(token))
    if link is None:
        raise LinkError("unknown")
    inv = link.invitation
    if inv.completed_at is not None:
        raise LinkError("used", inv)
    if link.expires_at <= (now or timezone.now()):
        raise LinkError("expired", inv)
    if not in_step("collect", inv.campaign):
        raise LinkError("closed", inv)
    return inv, link
