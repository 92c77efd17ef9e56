"""Campaigns: planning with working-day deadlines, the target list, BU approval, sending,
closing with the validity rule, re-sending an invalid campaign."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from manyi.accounts.models import Department, User
from manyi.accounts.permissions import require
from manyi.accounts.types import Actor
from manyi.common import deadlines, numbering
from manyi.common.calendar import company_calendar, deadline_in_workdays, local_tz
from manyi.common.notify import email_address, notify_users
from manyi.common.services import record_create, record_update
from manyi.customers.models import Contact, Customer

from .. import constants as C
from .. import deadlines as D
from .. import rollups, rules
from ..models import (
    ApprovalStatus,
    Campaign,
    CampaignStatus,
    CampaignTally,
    CampaignTarget,
    Channel,
    Invitation,
    InvitationStatus,
    SurveyTemplate,
    TargetApproval,
    TemplateStatus,
)
from ..workflow import WORKFLOW, in_step, require_step
from .links import link_issue, public_url

DEADLINE_HOUR = 18


# --- deadlines -------------------------------------------------------------------------------


def default_start(year: int, period: str) -> dt.date:
    """004 §6.1.2: the first working day of the period's last month (the first week)."""
    first = rules.quarter_start(year, period)
    return company_calendar().add_workdays(first, 0)


def campaign_deadlines(start: dt.date) -> dict[str, dt.datetime]:
    """The sub-deadlines of SPEC §14 on the working-day calendar, at 18:00 local time."""
    cal = company_calendar()
    begin = cal.add_workdays(start, 0)

    def at(n: int) -> dt.datetime:
        d = cal.add_workdays(begin, n)
        return dt.datetime(d.year, d.month, d.day, DEADLINE_HOUR, tzinfo=local_tz())

    days = deadlines.table()
    return {
        "distribute_by": at(days[D.DISTRIBUTE]),
        "feedback_by": at(days[D.DISTRIBUTE] + days[D.FEEDBACK]),
        "collection_closes": at(days[D.COLLECTION]),
        "ends_at": at(days[D.PROCESS]),
    }


def deadline_rows(campaign: Campaign) -> list[tuple[str, dt.datetime]]:
    """The campaign's deadlines for pages and the calendar, in order."""
    days = deadlines.table()
    rows = [
        (ngettext("Questionnaires out (%(n)s working day)",
                  "Questionnaires out (%(n)s working days)", days[D.DISTRIBUTE])
         % {"n": days[D.DISTRIBUTE]}, campaign.distribute_by),
        (ngettext("First feedback (%(n)s working day later)",
                  "First feedback (%(n)s working days later)", days[D.FEEDBACK])
         % {"n": days[D.FEEDBACK]}, campaign.feedback_by),
        (_("Collection closes"), campaign.collection_closes),
        (ngettext("Analysis done; whole process (%(n)s working day)",
                  "Analysis done; whole process (%(n)s working days)", days[D.PROCESS])
         % {"n": days[D.PROCESS]}, campaign.ends_at),
        (ngettext("Problems routed 20 %% / 80 %% (%(n)s working day after the report)",
                  "Problems routed 20 %% / 80 %% (%(n)s working days after the report)",
                  days[D.ROUTE]) % {"n": days[D.ROUTE]},
         deadlines.due(D.ROUTE, campaign.ends_at)),
    ]
    return rows


# --- create / edit --------------------------------------------------------------------------


PLAN_FIELDS = {
    "title", "kind", "period_year", "period", "reason", "owner", "start_date", "template",
    "rule_levels", "rule_classes", "rule_key_accounts_only", "rule_coverage",
    "reminder_interval", "reminder_max", "link_valid_days", "verify_percent", "verify_seed",
    "auto_complaint", "min_return_rate", "min_forms", "min_competitor_forms",
}
RUNNING_FIELDS = {
    "title", "reminder_interval", "reminder_max", "link_valid_days", "verify_percent",
    "auto_complaint", "min_return_rate", "min_forms", "min_competitor_forms", "owner",
}


def _check_template(template: SurveyTemplate) -> None:
    if template.status != TemplateStatus.PUBLISHED:
        raise ValidationError({"template": _("Choose a published template version.")})


def campaign_create(*, actor: Actor, data: Mapping[str, Any]) -> Campaign:
    require(actor, "survey.plan")
    fields = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    m2m = {"rule_business_units": list(data.get("rule_business_units") or [])}
    template = fields.get("template")
    if template is None:
        raise ValidationError({"template": _("This field is required.")})
    _check_template(template)
    year, period = int(fields["period_year"]), str(fields["period"])
    if not fields.get("start_date"):
        fields["start_date"] = default_start(year, period)
    if fields.get("kind") == "special" and not str(fields.get("reason") or "").strip():
        raise ValidationError({"reason": _("A special survey needs its reason.")})
    if not fields.get("owner"):
        fields["owner"] = actor if getattr(actor, "pk", None) else None
    fields.update(campaign_deadlines(fields["start_date"]))
    with transaction.atomic():
        fields["number"] = numbering.allocate("campaign", year, period=period)
        return record_create(Campaign, actor=actor, fields=fields, m2m=m2m)


def campaign_update(
    *, actor: Actor, campaign: Campaign, data: Mapping[str, Any], expected_version: int | None
) -> Campaign:
    require(actor, "survey.plan")
    require_step("edit", campaign, actor)
    planning = in_step("build_targets", campaign)
    allowed = PLAN_FIELDS if planning else RUNNING_FIELDS
    fields = {k: v for k, v in data.items() if k in allowed}
    m2m = None
    if planning and "rule_business_units" in data:
        m2m = {"rule_business_units": list(data["rule_business_units"] or [])}
    if "template" in fields:
        _check_template(fields["template"])
    if fields.get("start_date"):
        fields.update(campaign_deadlines(fields["start_date"]))
    return record_update(
        campaign, actor=actor, fields=fields, m2m=m2m, expected_version=expected_version
    )


def _transition(
    campaign: Campaign, actor: Actor, name: str, note: str = "", **extra: Any
) -> Campaign:
    """Move the campaign along the workflow's transition `name` (checked by the caller)."""
    status = WORKFLOW.transition(name).target_for(campaign)
    return record_update(
        campaign, actor=actor, fields={"status": status, **extra}, expected_version=None, note=note
    )


# --- target list ------------------------------------------------------------------------------


def _candidates(campaign: Campaign) -> list[rules.Candidate]:
    lines: dict[int, list[int]] = {}
    through = Customer.product_lines.through
    for cid, line in through.objects.values_list("customer_id", "productline_id"):
        lines.setdefault(cid, []).append(line)
    out = []
    qs = Customer.objects.active().values_list(
        "id", "business_unit_id", "annual_revenue", "level", "customer_class", "key_account",
        "status",
    )
    for cid, bu, revenue, level, klass, ka, status in qs:
        out.append(rules.Candidate(
            id=cid, business_unit=bu, revenue=revenue or Decimal(0),
            product_lines=tuple(sorted(lines.get(cid, []))), level=level,
            customer_class=klass, key_account=ka, active=status == "active",
        ))
    return out


def campaign_rules(campaign: Campaign, include: Any = (), exclude: Any = ()) -> rules.TargetRules:
    return rules.TargetRules(
        levels=frozenset(x for x in campaign.rule_levels.split(",") if x),
        classes=frozenset(campaign.rule_classes.replace(",", "")),
        key_accounts_only=campaign.rule_key_accounts_only,
        business_units=frozenset(campaign.rule_business_units.values_list("id", flat=True)),
        per_line_top=C.PER_LINE_TOP,
        coverage=campaign.rule_coverage,
        include=frozenset(include),
        exclude=frozenset(exclude),
    )


def targets_preview(
    campaign: Campaign, include: Any = (), exclude: Any = ()
) -> tuple[rules.TargetSelection, rules.RespondentPlan]:
    selection = rules.select_targets(_candidates(campaign), campaign_rules(campaign, include,
                                                                           exclude))
    contacts = [
        rules.ContactCandidate(
            id=c.pk, customer=c.customer_id, function=c.function,
            decision_class=c.decision_class, reachable=bool(c.email or c.phone),
        )
        for c in Contact.objects.active().filter(customer_id__in=selection.ids)
    ]
    plan = rules.plan_respondents(
        contacts, selection.ids, functions=C.FIVE_FUNCTIONS, a_min_share=C.A_CLASS_MIN_SHARE
    )
    return selection, plan


def targets_build(
    *, actor: Actor, campaign: Campaign, include: Any = (), exclude: Any = ()
) -> rules.TargetSelection:
    """(Re)build the target list and the respondents by the rules (planning only)."""
    require(actor, "survey.plan")
    require_step("build_targets", campaign, actor)
    manual = set(include) | set(
        campaign.targets.filter(manual=True).values_list("customer_id", flat=True)
    )
    manual -= set(exclude)
    selection, plan = targets_preview(campaign, manual, exclude)
    customers = Customer.objects.in_bulk(selection.ids)
    contacts = Contact.objects.in_bulk([cid for cid, _d in plan.chosen])
    with transaction.atomic():
        Invitation.objects.filter(campaign=campaign).delete()
        CampaignTarget.objects.filter(campaign=campaign).delete()
        CampaignTarget.objects.bulk_create([
            CampaignTarget(
                campaign=campaign, customer_id=cid,
                business_unit_id=customers[cid].business_unit_id,
                revenue=customers[cid].annual_revenue,
                reasons=", ".join(reasons)[:300], manual=cid in manual,
            )
            for cid, reasons in selection.selected
        ])
        invitations = []
        for contact_id, direct in plan.chosen:
            contact = contacts[contact_id]
            customer = customers[contact.customer_id]
            invitations.append(_invitation_for(campaign, customer, contact, direct))
        Invitation.objects.bulk_create(invitations)
        record_update(
            campaign, actor=actor, fields={}, expected_version=None,
            note=_("target list built: %(c)s customers, %(r)s respondents")
            % {"c": len(selection.selected), "r": len(invitations)},
        )
    return selection


def _invitation_for(
    campaign: Campaign, customer: Customer, contact: Contact | None, direct: bool,
    name: str = "",
) -> Invitation:
    email = contact.email if contact else ""
    if direct:
        channel = Channel.EMAIL if email else Channel.LETTER
    else:
        channel = Channel.DELEGATED
    return Invitation(
        campaign=campaign, customer=customer, contact=contact,
        name=(contact.name if contact else name)[:100], email=email,
        function=contact.function if contact else "",
        decision_class=contact.decision_class if contact else "B",
        language=contact.language if contact else "zh-hans",
        channel=channel,
        delegated_office_id=None if direct else customer.branch_office_id,
        business_unit_id=customer.business_unit_id, branch_office_id=customer.branch_office_id,
        customer_class=customer.customer_class, key_account=customer.key_account,
    )


def respondent_add(
    *, actor: Actor, campaign: Campaign, customer: Customer, contact: Contact | None,
    name: str = "", channel: str = "",
) -> Invitation:
    """Add one respondent by hand (planning, or while running: sent at once)."""
    require(actor, "survey.plan")
    require_step("add_respondent", campaign, actor)
    if contact is not None and contact.customer_id != customer.pk:
        raise ValidationError({"contact": _("This contact belongs to another customer.")})
    if contact is None and not name.strip():
        raise ValidationError({"name": _("Choose a contact or give the respondent's name.")})
    direct = (contact.decision_class == "A") if contact else True
    inv = _invitation_for(campaign, customer, contact, direct, name=name.strip())
    if channel:
        if channel not in Channel.values:
            raise ValidationError({"channel": _("unknown channel")})
        inv.channel = channel
        delegated = channel == Channel.DELEGATED
        inv.delegated_office_id = customer.branch_office_id if delegated else None
    with transaction.atomic():
        CampaignTarget.objects.get_or_create(
            campaign=campaign, customer=customer,
            defaults={"business_unit_id": customer.business_unit_id,
                      "revenue": customer.annual_revenue, "reasons": "manual", "manual": True},
        )
        inv.save()
        record_update(campaign, actor=actor, fields={}, expected_version=None,
                      note=_("respondent %(n)s added") % {"n": inv.name})
        if in_step("collect", campaign):
            _send_one(inv, campaign, actor)
    return inv


def coverage_by_bu(campaign: Campaign) -> list[dict[str, Any]]:
    """Revenue coverage of the stored target list per BU (for the page and the approval)."""
    totals = dict(
        Customer.objects.active().filter(status="active")
        .values_list("business_unit_id").annotate(s=Sum("annual_revenue")).values_list(
            "business_unit_id", "s")
    )
    rows = []
    selected = (
        campaign.targets.values("business_unit_id").annotate(s=Sum("revenue")).order_by()
    )
    units = Department.objects.in_bulk([r["business_unit_id"] for r in selected])
    for r in selected:
        total = totals.get(r["business_unit_id"]) or Decimal(0)
        share = (r["s"] or Decimal(0)) / total if total else Decimal(0)
        rows.append({
            "business_unit": units[r["business_unit_id"]], "selected": r["s"], "total": total,
            "share": share, "ok": share >= campaign.rule_coverage,
            "customers": campaign.targets.filter(business_unit_id=r["business_unit_id"]).count(),
        })
    rows.sort(key=lambda r: r["business_unit"].code)
    return rows


def campaign_submit_targets(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Send the list to the BU heads for approval (ECSS 6.3.1)."""
    require(actor, "survey.plan")
    with transaction.atomic():
        WORKFLOW.check("submit_targets", campaign, actor)
        coverage = {row["business_unit"].pk: row["share"] for row in coverage_by_bu(campaign)}
        for bu_id, share in coverage.items():
            approval, created = TargetApproval.objects.get_or_create(
                campaign=campaign, business_unit_id=bu_id,
                defaults={"coverage": share.quantize(Decimal("0.0001"))},
            )
            if not created:
                record_update(approval, actor=actor, expected_version=None, fields={
                    "status": ApprovalStatus.PENDING, "decided_by": None, "decided_at": None,
                    "coverage": share.quantize(Decimal("0.0001")),
                })
        TargetApproval.objects.filter(campaign=campaign).exclude(
            business_unit_id__in=list(coverage)
        ).update(status=ApprovalStatus.APPROVED, comment="no longer on the list")
        campaign = _transition(campaign, actor, "submit_targets")
        heads = User.objects.filter(
            is_active=True, roles__code="bu_head", department_id__in=list(coverage)
        ).distinct()
        notify_users(
            key=f"survey-approve:{campaign.pk}:{campaign.version}",
            users=heads,
            template="generic",
            context={"title": _("Target list of %(c)s awaits your approval") % {"c": campaign},
                     "text": ""},
            url=f"/surveys/campaigns/{campaign.pk}/",
        )
    return campaign


def campaign_decide_targets(
    *, actor: Actor, approval: TargetApproval, approve: bool, comment: str = ""
) -> TargetApproval:
    """The BU head approves (or sends back) his BU's part of the list; the campaign follows
    (`approve_targets` once every part is approved, `return_targets` at once). The permission
    is on the BU's part (`survey.approve`), so the campaign's steps run as the system."""
    require(actor, "survey.approve", approval)
    campaign = approval.campaign
    require_step("decide_targets", campaign, None)
    if not approve and not comment.strip():
        raise ValidationError({"comment": _("Say why the list is sent back.")})
    with transaction.atomic():
        approval = record_update(approval, actor=actor, expected_version=None, fields={
            "status": ApprovalStatus.APPROVED if approve else ApprovalStatus.REJECTED,
            "decided_by": actor if getattr(actor, "pk", None) else None,
            "decided_at": timezone.now(), "comment": comment.strip()[:300],
        })
        if not approve:
            WORKFLOW.check("return_targets", campaign, None)
            _transition(campaign, actor, "return_targets",
                        note=_("list sent back by %(bu)s") % {"bu": approval.business_unit})
        else:
            campaign_approve_targets(campaign=campaign, actor=actor)
    return approval


def campaign_approve_targets(*, campaign: Campaign, actor: Actor) -> Campaign:
    """The list is approved when no BU's part is pending or sent back (else unchanged)."""
    WORKFLOW.check("approve_targets", campaign, None)
    if WORKFLOW.transition("approve_targets").target_for(campaign) == CampaignStatus.LIST_APPROVED:
        return _transition(campaign, actor, "approve_targets")
    return campaign


# --- sending -------------------------------------------------------------------------------


def _office_users(office_id: int | None) -> list[User]:
    if office_id is None:
        return []
    dept = Department.objects.filter(pk=office_id).select_related("manager").first()
    users = list(User.objects.filter(is_active=True, department_id=office_id,
                                     roles__code__in=["branch_manager", "sales_clerk"]).distinct())
    if dept and dept.manager and dept.manager not in users:
        users.append(dept.manager)
    return users


def _send_one(inv: Invitation, campaign: Campaign, actor: Actor) -> None:
    now = timezone.now()
    updated = Invitation.objects.filter(pk=inv.pk, sent_at__isnull=True).update(
        sent_at=now, status=InvitationStatus.SENT, round=campaign.round or 1
    )
    if not updated:
        return
    inv.sent_at, inv.status, inv.round = now, InvitationStatus.SENT, campaign.round or 1
    rollups.tally_bump(inv, invited=1, sent=1)
    if inv.channel == Channel.EMAIL and inv.email:
        token, _link = link_issue(invitation=inv, actor=actor, purpose="email", campaign=campaign)
        email_address(
            key=f"survey-invite:{inv.pk}:{inv.round}",
            to=inv.email,
            language=inv.language,
            template="survey_invitation",
            context={"invitation": inv, "campaign": campaign, "url": public_url(token),
                     "expires": _link.expires_at, "customer": inv.customer},
        )


def campaign_launch(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Send every planned invitation: e-mail with a personal link (CEO letter), delegated
    lists to the branch offices, letters/fax printed from the respondent page."""
    require(actor, "survey.plan")
    with transaction.atomic():
        WORKFLOW.check("launch", campaign, actor)
        campaign = _transition(campaign, actor, "launch", sent_at=timezone.now(), round=1)
        offices: set[int] = set()
        for inv in campaign.invitations.filter(sent_at__isnull=True).select_related("customer"):
            _send_one(inv, campaign, actor)
            if inv.delegated_office_id:
                offices.add(inv.delegated_office_id)
        for office in sorted(offices):
            notify_users(
                key=f"survey-delegated:{campaign.pk}:{office}:1",
                users=_office_users(office),
                template="generic",
                context={"title": _("Survey %(c)s: respondents delegated to your office")
                         % {"c": campaign}, "text": _("Hand the questionnaires to the "
                                                      "customers and enter the returned forms.")},
                url=f"/surveys/campaigns/{campaign.pk}/respondents/?delegated=1",
            )
    return campaign


# --- close / re-send -------------------------------------------------------------------------


def campaign_figures(campaign: Campaign) -> dict[str, int]:
    agg = CampaignTally.objects.filter(campaign=campaign).aggregate(
        **{name: Sum(name) for name in CampaignTally.SUMS}
    )
    return {k: int(v or 0) for k, v in agg.items()}


def campaign_validity(campaign: Campaign) -> rules.Validity:
    f = campaign_figures(campaign)
    return rules.judge_validity(
        invited=f["invited"], completed=f["completed"], competitor_forms=f["competitor_forms"],
        min_return_rate=campaign.min_return_rate, min_forms=campaign.min_forms,
        min_competitor_forms=campaign.min_competitor_forms,
    )


def validity_text(v: rules.Validity) -> str:
    labels = {
        "return_rate": _("return rate below the threshold"),
        "forms": _("too few forms"),
        "competitor_forms": _("too few competitor forms"),
    }
    rate = "–" if v.return_rate is None else f"{v.return_rate:.1f} %"
    if v.valid:
        return _("valid: return rate %(r)s") % {"r": rate}
    return _("not valid: %(why)s (return rate %(r)s)") % {
        "why": ", ".join(str(labels[x]) for x in v.reasons), "r": rate,
    }


def campaign_close(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Close the collection and mark the campaign valid or not valid."""
    require(actor, "survey.plan")
    with transaction.atomic():
        WORKFLOW.check("close", campaign, actor)
        v = campaign_validity(campaign)
        return _transition(
            campaign, actor, "close", closed_at=timezone.now(), valid=v.valid,
            validity_note=validity_text(v)[:300],
        )


def campaign_resend(*, actor: Actor, campaign: Campaign) -> Campaign:
    """Re-open an invalid campaign and send again to everyone who has not answered."""
    require(actor, "survey.plan")
    now = timezone.now()
    with transaction.atomic():
        WORKFLOW.check("resend", campaign, actor)
        new_round = campaign.round + 1
        closes = deadline_in_workdays(
            now, deadlines.value(D.DISTRIBUTE) + deadlines.value(D.FEEDBACK) + 5
        )
        campaign = _transition(
            campaign, actor, "resend", round=new_round, closed_at=None, valid=None,
            validity_note="", collection_closes=closes,
            ends_at=deadlines.due(D.ANALYSE, closes),
            note=_("re-sent to non-responders (round %(n)s)") % {"n": new_round},
        )
        pending = campaign.invitations.filter(completed_at__isnull=True).select_related("customer")
        for inv in pending:
            Invitation.objects.filter(pk=inv.pk).update(
                round=new_round, reminders_sent=0, last_reminder_at=None, sent_at=now
            )
            inv.round, inv.sent_at = new_round, now
            if inv.channel == Channel.EMAIL and inv.email:
                token, link = link_issue(invitation=inv, actor=actor, purpose="resend",
                                         campaign=campaign)
                email_address(
                    key=f"survey-invite:{inv.pk}:{new_round}", to=inv.email,
                    language=inv.language, template="survey_invitation",
                    context={"invitation": inv, "campaign": campaign, "url": public_url(token),
                             "expires": link.expires_at, "customer": inv.customer,
                             "again": True},
                )
    return campaign


# The names before the workflow kit (kept for callers outside this part).
targets_submit = campaign_submit_targets
target_decide = campaign_decide_targets
campaign_send = campaign_launch
