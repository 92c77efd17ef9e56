"""Demo data for the survey module: eight quarters of 004 campaigns (plus the annual ECSS of
each year and the current quarter's campaign), built on the customers, contacts and users the
earlier demo steps created.

Deterministic: one random stream `manyi-demo:<seed>:surveys`, rows in the order of customer
codes and contact ids (which follow the contact step's own deterministic order), dates relative
to the anchor date; no clock and no set order enters the data. Fast: everything is
bulk-created and the rollups are computed once per campaign.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db import transaction

from manyi.common import deadlines, numbering
from manyi.common.calendar import company_calendar, local_tz

from . import constants as C
from . import deadlines as D
from . import rules
from .models import (
    Answer,
    ApprovalStatus,
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Channel,
    FollowUpTask,
    Invitation,
    InvitationStatus,
    Response,
    ResponseStatus,
    Scale,
    SurveyTemplate,
    TargetApproval,
    TaskKind,
    TemplateItem,
    VerifyStatus,
)

OPINIONS = (
    "交货期有时偏长，希望提前通知。", "技术支持响应快，很满意。", "价格偏高，希望有更多优惠。",
    "产品稳定，但包装可以改进。", "希望加强现场培训。", "售后服务人员态度很好。",
    "Delivery times could be more reliable.", "Good technical support.",
)
SUGGESTIONS = (
    "建议建立定期回访机制。", "希望提供在线查询订单状态。", "增加备件库存。",
    "Please share test reports with each batch.",
)
COMPETITORS = ("华东电源科技", "明辉电气", "Delta", "Mean Well")
ITEM_EFFECT = {"S2": -0.45, "R4": -0.6, "S1": -0.2, "R1": 0.25, "P2": 0.15, "VA1": -0.4,
               "VA1a": -0.5, "SP1a": -0.3, "QU1": 0.2}
SCALES_SMALL = {"tiny": 0.35, "small": 1.0, "large": 1.0}


def _quarters(today: dt.date, n: int) -> list[tuple[int, str]]:
    """The n complete quarters before the quarter of `today`, oldest first."""
    year, q = today.year, (today.month - 1) // 3 + 1
    out = []
    for _ in range(n):
        q -= 1
        if q == 0:
            year, q = year - 1, 4
        out.append((year, f"Q{q}"))
    return list(reversed(out))


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=local_tz())


def demo_build(*, seed: int, today: dt.date, scale: str) -> dict[str, int]:
    """Build the survey demo; returns row counts. Call after customers and contacts exist."""
    from manyi.accounts.models import Department, User
    from manyi.customers.models import Contact, Customer

    from .rollups import aggregate, rollups_write
    from .services import campaign_deadlines, templates_install_builtin

    rng = random.Random(f"manyi-demo:{seed}:surveys")
    share = SCALES_SMALL.get(scale, 1.0)
    with transaction.atomic():
        templates_install_builtin()
        seed004 = SurveyTemplate.objects.get(code="SEED004", version_no=1)
        ecss = SurveyTemplate.objects.get(code="ECSS", version_no=1)
        users = {u.username: u for u in User.objects.filter(
            username__in=["admin", "service", "sales", "clerk_gz", "shanghai", "bu_power"])}
        owner = users.get("service") or users.get("admin")
        sales = users.get("sales") or owner
        heads = {u.department_id: u for u in User.objects.filter(roles__code="bu_head")}
        customers = list(Customer.objects.active().filter(status="active").order_by("code"))
        if not customers:
            return {"survey_campaigns": 0}
        lines: dict[int, list[int]] = defaultdict(list)
        for cid, line in Customer.product_lines.through.objects.order_by(
            "customer_id", "productline_id"
        ).values_list("customer_id", "productline_id"):
            lines[cid].append(line)
        contacts: dict[int, list[Any]] = defaultdict(list)
        for contact in Contact.objects.active().order_by("customer_id", "id"):
            contacts[contact.customer_id].append(contact)
        offices = Department.objects.in_bulk([c.branch_office_id for c in customers])
        mood = {c.pk: rng.gauss(4.0, 0.35) for c in customers}

        plan: list[tuple[int, str, SurveyTemplate, str]] = [
            (y, p, seed004, "quarterly") for y, p in _quarters(today, 8)
        ]
        for year in sorted({y for y, _p, _t, _k in plan}):
            if (year, "Q3") in {(y, p) for y, p, _t, _k in plan}:
                plan.append((year, "Q3", ecss, "annual"))
        plan.sort(key=lambda x: (x[0], x[1], x[3] != "quarterly"))
        current = (today.year, f"Q{(today.month - 1) // 3 + 1}")
        plan.append((current[0], current[1], seed004, "current"))

        counts: dict[str, int] = defaultdict(int)
        for n, (year, period, template, kind) in enumerate(plan):
            campaign = _campaign(
                rng, year=year, period=period, template=template, kind=kind, owner=owner,
                today=today, deadlines=campaign_deadlines, index=n,
            )
            counts["survey_campaigns"] += 1
            items = list(TemplateItem.objects.filter(template=template).order_by("position"))
            selection = _targets(campaign, customers, lines, share)
            cust_by_id = {c.pk: c for c in customers}
            CampaignTarget.objects.bulk_create([
                CampaignTarget(campaign=campaign, customer_id=cid,
                               business_unit_id=cust_by_id[cid].business_unit_id,
                               revenue=cust_by_id[cid].annual_revenue,
                               reasons=", ".join(reasons)[:300])
                for cid, reasons in selection.selected
            ])
            for bu in sorted({cust_by_id[cid].business_unit_id for cid in selection.ids}):
                cov = next(x for x in selection.coverage if x.business_unit == bu)
                TargetApproval.objects.create(
                    campaign=campaign, business_unit_id=bu, status=ApprovalStatus.APPROVED,
                    decided_by=heads.get(bu) or owner,
                    decided_at=_at(campaign.start_date, 11),
                    coverage=cov.share.quantize(Decimal("0.0001")),
                    created_at=_at(campaign.start_date, 9), changed_at=_at(campaign.start_date, 11),
                    created_by=owner, changed_by=owner,
                )
            invitations = _invitations(rng, campaign, selection.ids, cust_by_id, contacts,
                                       offices)
            counts["survey_invitations"] += len(invitations)
            if campaign.sent_at is None:  # awaiting the BU heads' approval
                Invitation.objects.bulk_create(invitations)
                continue
            quarter_trend = 0.05 * n
            rate = rng.uniform(0.55, 0.85) if kind != "current" else rng.uniform(0.3, 0.5)
            pairs = _responses(rng, campaign, invitations, items, mood, quarter_trend, rate,
                               filled_by={"delegated": users.get("clerk_gz") or owner,
                                          "staff": owner}, today=today)
            counts["survey_responses"] += len(pairs)
            own = _self_evaluations(rng, campaign, selection.ids, cust_by_id, items, mood,
                                    sales)
            counts["survey_self_evaluations"] += len(own)
            by_pk = {i.pk: i for i in items}
            rollups_write(campaign, aggregate([*pairs, *own], invitations, by_pk))
            if campaign.status == CampaignStatus.CLOSED:
                _close(rng, campaign)
            else:
                counts["survey_tasks"] += _chases(campaign, owner, today)
        numbering.continue_after("campaign", Campaign.objects.values_list("number", flat=True))
        counts["survey_answers"] = Answer.objects.filter(
            response__campaign__number__startswith="SV").count()
    return dict(counts)


def _campaign(rng: random.Random, *, year: int, period: str, template: SurveyTemplate,
              kind: str, owner: Any, today: dt.date, deadlines: Any, index: int) -> Campaign:
    cal = company_calendar()
    start = cal.add_workdays(rules.quarter_start(year, period), 0)
    d = deadlines(start)
    running = kind == "current"
    status = CampaignStatus.CLOSED
    if running:
        status = CampaignStatus.RUNNING if start <= today else CampaignStatus.LIST_SUBMITTED
    ecss = template.code == "ECSS"
    quarter_names = {"Q1": "一季度", "Q2": "二季度", "Q3": "三季度", "Q4": "四季度"}
    title = (f"{year}年度外部客户满意度调查（ECSS）" if ecss
             else f"{year}年{quarter_names[period]}客户满意度调查")
    number = numbering.scheme("campaign").render(year, 2 if ecss else 1, period=period)
    moment = _at(start, 9)
    return Campaign.objects.create(
        number=number, title=title, template=template,
        kind="annual" if ecss else "quarterly", period_year=year, period=period,
        status=status, owner=owner, start_date=start, **d,
        rule_levels="", rule_classes="", min_return_rate=Decimal("60"),
        min_competitor_forms=0 if ecss else 3, round=1 if status != "list_submitted" else 0,
        sent_at=_at(cal.add_workdays(start, 1), 10) if status != "list_submitted" else None,
        verify_seed=index + 1, verification_drawn=status == CampaignStatus.CLOSED,
        created_at=moment, changed_at=moment, created_by=owner, changed_by=owner,
    )


def _targets(campaign: Campaign, customers: list[Any], lines: dict[int, list[int]],
             share: float) -> rules.TargetSelection:
    candidates = [
        rules.Candidate(id=c.pk, business_unit=c.business_unit_id, revenue=c.annual_revenue,
                        product_lines=tuple(lines.get(c.pk, ())), level=c.level,
                        customer_class=c.customer_class, key_account=c.key_account)
        for c in customers
    ]
    coverage = Decimal("0.60") if share >= 1 else Decimal("0.40")
    return rules.select_targets(candidates, rules.TargetRules(coverage=coverage))


def _invitations(rng: random.Random, campaign: Campaign, ids: list[int],
                 customers: dict[int, Any], contacts: dict[int, list[Any]],
                 offices: dict[int, Any]) -> list[Invitation]:
    cands = [rules.ContactCandidate(id=p.pk, customer=cid, function=p.function,
                                    decision_class=p.decision_class,
                                    reachable=bool(p.email or p.phone))
             for cid in ids for p in contacts.get(cid, [])]
    plan = rules.plan_respondents(cands, ids, functions=C.FIVE_FUNCTIONS,
                                  a_min_share=C.A_CLASS_MIN_SHARE)
    by_id = {p.pk: p for cid in ids for p in contacts.get(cid, [])}
    sent = campaign.sent_at
    rows = []
    for contact_id, direct in plan.chosen:
        p = by_id[contact_id]
        c = customers[p.customer_id]
        channel = (Channel.EMAIL if p.email else Channel.LETTER) if direct else Channel.DELEGATED
        rows.append(Invitation(
            campaign=campaign, customer=c, contact=p, name=p.name, email=p.email,
            function=p.function, decision_class=p.decision_class, language=p.language,
            channel=channel, delegated_office_id=None if direct else c.branch_office_id,
            business_unit_id=c.business_unit_id, branch_office_id=c.branch_office_id,
            customer_class=c.customer_class, key_account=c.key_account,
            status=InvitationStatus.SENT if sent else InvitationStatus.PLANNED,
            round=1 if sent else 0, sent_at=sent,
        ))
    return rows  # saved by the caller once the answers are known


def _value(rng: random.Random, item: TemplateItem, base: float) -> int:
    mean = base + ITEM_EFFECT.get(item.key, 0.0)
    if item.scale in (Scale.FIVE, Scale.AGREE, Scale.VERBAL):
        return max(1, min(5, round(rng.gauss(mean, 0.75))))
    top = item.max_value
    return max(0, min(top, round(rng.gauss(mean / 5 * top, top * 0.12))))


def _answers(rng: random.Random, response: Response, items: list[TemplateItem], base: float,
             competitor: bool, partial: bool) -> list[Answer]:
    out = []
    for n, item in enumerate(items):
        if partial and n > len(items) // 3:
            break
        if item.scale == Scale.TEXT:
            if rng.random() < 0.3:
                pool = OPINIONS if item.key == "OPINION" else SUGGESTIONS
                out.append(Answer(response=response, item=item, text=rng.choice(pool)))
            continue
        if not item.rated:
            continue
        if rng.random() < 0.07:
            out.append(Answer(response=response, item=item, na=True))
        else:
            out.append(Answer(response=response, item=item, value=_value(rng, item, base)))
        if competitor and item.competitor:
            out.append(Answer(response=response, item=item, competitor=True,
                              value=_value(rng, item, base - 0.3 + rng.gauss(0, 0.3))))
    return out


def _responses(rng: random.Random, campaign: Campaign, invitations: list[Invitation],
               items: list[TemplateItem], mood: dict[int, float], trend: float, rate: float,
               *, filled_by: dict[str, Any], today: dt.date
               ) -> list[tuple[Response, list[Answer]]]:
    from .rollups import response_totals

    assert campaign.sent_at is not None
    by_pk = {i.pk: i for i in items}
    window = max(1, (campaign.collection_closes - campaign.sent_at).days)
    if campaign.status == CampaignStatus.RUNNING:
        window = max(1, min(window, (today - campaign.sent_at.date()).days))
    staged: list[tuple[Invitation, Response, list[Answer]]] = []
    for seq, inv in enumerate(invitations):
        roll = rng.random()
        opened = roll < rate + 0.1
        if not opened:
            continue
        at = campaign.sent_at + dt.timedelta(days=rng.uniform(0.2, window),
                                              minutes=rng.randint(0, 600))
        partial = roll >= rate
        delegated = inv.channel == Channel.DELEGATED
        proxy = not partial and rng.random() < 0.06
        if partial or (not delegated and not proxy):
            channel, who = "web", None
        elif proxy:
            channel, who = "proxy", filled_by["staff"]
        else:
            channel, who = rng.choice(["paper", "fax", "email", "web"]), filled_by["delegated"]
            if channel == "web":
                who = None
        competitor = not partial and inv.decision_class in "AB" and rng.random() < 0.2
        response = Response(
            campaign=campaign, invitation=inv, customer_id=inv.customer_id, channel=channel,
            status=ResponseStatus.PARTIAL if partial else ResponseStatus.SUBMITTED,
            respondent=inv.name, language=inv.language,
            business_unit_id=inv.business_unit_id, branch_office_id=inv.branch_office_id,
            customer_class=inv.customer_class, key_account=inv.key_account,
            function=inv.function, decision_class=inv.decision_class, delegated=delegated,
            competitor_name=rng.choice(COMPETITORS) if competitor else "",
            proxy=proxy, filled_by=who,
            proxy_note="电话访谈，按客户原话填写" if proxy else "",
            submission_key=f"demo:{campaign.number}:{seq}" if not partial else "",
            submitted_at=None if partial else at, created_at=at, changed_at=at,
            created_by=who, changed_by=who,
            # demo history: the letter counts as sent, so no sweep ever mails it (issue 13)
            thanked_at=None if partial else at,
        )
        base = mood[inv.customer_id] + trend + rng.gauss(0, 0.25)
        staged.append((inv, response, _answers(rng, response, items, base, competitor,
                                                partial)))
        inv.opened_at = at - dt.timedelta(minutes=rng.randint(1, 90))
        inv.started_at = at
        inv.completed_at = None if partial else at
        inv.status = InvitationStatus.PARTIAL if partial else InvitationStatus.COMPLETED
    for _inv, response, answers in staged:
        if response.status == ResponseStatus.SUBMITTED:
            t = response_totals(answers, by_pk)
            response.answered = t.get("answered", 0)
            response.not_applicable = t.get("not_applicable", 0)
            response.value_sum = t.get("value_sum", 0)
            response.max_sum = t.get("max_sum", 0)
            response.top2 = t.get("top2", 0)
            response.low = t.get("low", 0)
    Invitation.objects.bulk_create(invitations, batch_size=2000)
    Response.objects.bulk_create([r for _i, r, _a in staged], batch_size=2000)
    Answer.objects.bulk_create([a for _i, _r, answers in staged for a in answers],
                               batch_size=5000)
    return [(r, a) for _i, r, a in staged]


def _self_evaluations(rng: random.Random, campaign: Campaign, ids: list[int],
                      customers: dict[int, Any], items: list[TemplateItem],
                      mood: dict[int, float], sales: Any) -> list[tuple[Response, list[Answer]]]:
    from .rollups import response_totals

    if campaign.status != CampaignStatus.CLOSED or not ids:
        return []
    by_pk = {i.pk: i for i in items}
    chosen = ids[: max(1, len(ids) // 6)]
    at = campaign.feedback_by
    staged = []
    for cid in chosen:
        c = customers[cid]
        r = Response(
            campaign=campaign, customer=c, source="self", channel="staff",
            status=ResponseStatus.SUBMITTED, respondent=str(sales),
            business_unit_id=c.business_unit_id, branch_office_id=c.branch_office_id,
            customer_class=c.customer_class, key_account=c.key_account, filled_by=sales,
            submission_key=f"demo-self:{campaign.number}:{c.code}", submitted_at=at,
            created_at=at, changed_at=at, created_by=sales, changed_by=sales,
        )
        answers = _answers(rng, r, items, mood[cid] + 0.3, False, False)
        t = response_totals(answers, by_pk)
        for k in ("answered", "not_applicable", "value_sum", "max_sum", "top2", "low"):
            setattr(r, k, t.get(k, 0))
        staged.append((r, answers))
    Response.objects.bulk_create([r for r, _a in staged])
    Answer.objects.bulk_create([a for _r, answers in staged for a in answers], batch_size=5000)
    return staged


def _close(rng: random.Random, campaign: Campaign) -> None:
    from .services.campaigns import campaign_validity, validity_text

    delegated = list(Response.objects.filter(
        campaign=campaign, source="customer", status="submitted", delegated=True
    ).order_by("id").values_list("id", flat=True))
    sample = rules.verification_sample(delegated, percent=campaign.verify_percent,
                                       seed=campaign.verify_seed)
    for rid in sample:
        status = VerifyStatus.CONFIRMED if rng.random() < 0.9 else VerifyStatus.DISCREPANCY
        Response.objects.filter(pk=rid).update(
            verify_status=status, verified_by=campaign.owner,
            verified_at=campaign.collection_closes,
            verify_note="客户确认" if status == VerifyStatus.CONFIRMED else "客户表示评分应更高",
        )
    v = campaign_validity(campaign)
    Campaign.objects.filter(pk=campaign.pk).update(
        valid=v.valid, validity_note=validity_text(v)[:300], closed_at=campaign.ends_at,
    )


def _chases(campaign: Campaign, owner: Any, today: dt.date) -> int:
    cal = company_calendar()
    silent = Invitation.objects.filter(campaign=campaign, started_at__isnull=True,
                                       sent_at__isnull=False).order_by("id")
    if campaign.sent_at is None or cal.workdays_between(
        campaign.sent_at.date(), today
    ) < deadlines.value(D.CHASE):
        return 0
    due = _at(cal.add_workdays(today, 1), 18)
    rows = [FollowUpTask(campaign=campaign, kind=TaskKind.CHASE, invitation=inv, round=1,
                         owner=owner, due_at=due, created_at=campaign.sent_at,
                         changed_at=campaign.sent_at)
            for inv in silent[: math.ceil(silent.count() / 2)]]
    FollowUpTask.objects.bulk_create(rows)
    return len(rows)
