"""Demo claims: two years of customer claims in every state, with negotiation rounds, liability
panels, compensation booked as quality cost and recourse against suppliers.

`demo_build(seed=, today=, scale=)` runs after the customers, products, orders and demo users
exist (the `manyi demo` steps). Deterministic: one random stream of its own
("manyi-demo:<seed>:claims"), customers/products/orders/users read in a fixed order (codes,
models, numbers, usernames — never ids), every date relative to `today`. Missing demo users are
replaced by whoever holds the role, or the admin. Records are written directly (not through the
services, whose guards need documents the demo does not have), with one "import" audit entry
per claim like the other demo steps.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from .compensation import Line, calculate
from .workflow import OPEN_STATES, ClaimState, Liability

S = ClaimState
CLAIMS_PER_SCALE = {"tiny": 14, "small": 48, "large": 480}
HISTORY_DAYS = 730

SYMPTOMS = [
    ("输出电压偏低，负载下跌落至 21.6V", "电解电容容量衰减"),
    ("上电无输出，保险丝熔断", "输入整流桥击穿"),
    ("运行 200 小时后风扇异响", "风扇轴承润滑不良"),
    ("通讯口间歇性中断", "RS-485 芯片批次不良"),
    ("外壳运输中开裂", "包装缓冲材料厚度不足"),
    ("高温环境下频繁过温保护", "散热器装配扭矩不足"),
    ("显示屏花屏", "排线接插件接触不良"),
    ("随货资料与实物版本不符", "发货检验漏检"),
]
DEMANDS = [
    "退换不良品并承担往返运费",
    "赔偿产线停线损失",
    "更换整批产品并赔偿返工费用",
    "退货退款",
]
SUPPLIERS = [
    "苏州华科电容器有限公司",
    "东莞精达五金塑胶有限公司",
    "深圳信芯微电子有限公司",
    "宁波恒风电机有限公司",
    "昆山美包装材料有限公司",
]
LIABILITY_WEIGHTS = [
    (Liability.COMPANY, 45),
    (Liability.SUPPLIER, 22),
    (Liability.SHARED, 15),
    (Liability.CUSTOMER, 18),
]


def _path(rng: random.Random, liability: str, ending: str) -> list[tuple[str, str]]:
    """The transitions of a claim that ends `ending` (closed, cancelled, withdrawn, broken)."""
    steps: list[tuple[str, str]] = [("submit", S.ANALYSIS), ("propose", S.GM_APPROVAL)]
    if rng.random() < 0.12:
        steps += [("send_back", S.ANALYSIS), ("propose", S.GM_APPROVAL)]
    steps.append(("approve", S.NEGOTIATION))
    if ending == "withdrawn":
        cut = rng.randint(0, len(steps))
        return [*steps[:cut], ("withdraw", S.CANCELLED)]
    if rng.random() < 0.25:
        steps += [("reanalyse", S.ANALYSIS), ("propose", S.GM_APPROVAL), ("approve",
                                                                           S.NEGOTIATION)]
    if ending == "broken":
        return [*steps, ("break_off", S.BROKEN_OFF)]
    steps.append(("agree", S.LIABILITY))
    if liability == Liability.CUSTOMER:
        steps += [("determine", S.ACKNOWLEDGEMENT), ("acknowledge", S.CANCELLED)]
        return steps
    steps += [("determine", S.COMPENSATION), ("book", S.RECOURSE if liability ==
                                              Liability.SUPPLIER else S.ROOT_CAUSE)]
    if liability == Liability.SUPPLIER:
        steps.append(("settle_recourse", S.ROOT_CAUSE))
    steps.append(("close", S.CLOSED))
    return steps


def _cut_at(steps: list[tuple[str, str]], state: str) -> list[tuple[str, str]]:
    """The path up to the last time it reaches `state` (the claim's current state)."""
    if state == S.COLLECTING:
        return []
    last = max(i for i, (_n, s) in enumerate(steps) if s == state)
    return steps[: last + 1]


def _liability_for(state: str, rng: random.Random) -> str:
    if state == S.ACKNOWLEDGEMENT:
        return Liability.CUSTOMER
    if state == S.RECOURSE:
        return Liability.SUPPLIER
    choices = [(k, w) for k, w in LIABILITY_WEIGHTS if k != Liability.CUSTOMER] if state in (
        S.COMPENSATION, S.ROOT_CAUSE) else LIABILITY_WEIGHTS
    return rng.choices([k for k, _w in choices], weights=[w for _k, w in choices])[0]


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))


class _People:
    def __init__(self) -> None:
        from manyi.accounts.models import User

        users = {u.username: u for u in User.objects.filter(is_active=True).order_by("username")}

        def holder(role: str) -> Any:
            return (
                User.objects.filter(is_active=True, roles__code=role).order_by("username").first()
            )

        self.admin = users.get("admin") or User.objects.filter(is_superuser=True).order_by(
            "username").first()
        self.gm = users.get("gm") or holder("gm") or self.admin
        self.dgm = users.get("dgm") or holder("deputy_gm") or self.gm
        self.finance = users.get("finance") or holder("finance") or self.admin
        self.quality = users.get("quality") or holder("quality_manager") or self.dgm
        self.sales = users.get("sales") or holder("sales_manager") or self.admin
        self.office_handler = {
            "BO-SH": users.get("shanghai"),
            "BO-GZ": users.get("clerk_gz"),
        }
        self.dgm_is_real = holder("deputy_gm") is not None

    def handler(self, customer: Any) -> Any:
        office = customer.branch_office.code
        return self.office_handler.get(office) or self.sales

    def owner(self, state: str, handler: Any) -> Any:
        owners: dict[str, Any] = {
            S.COLLECTING: handler,
            S.NEGOTIATION: handler,
            S.ACKNOWLEDGEMENT: handler,
            S.ANALYSIS: self.dgm if self.dgm_is_real else None,
            S.RECOURSE: self.dgm if self.dgm_is_real else None,
            S.ROOT_CAUSE: self.dgm if self.dgm_is_real else None,
            S.GM_APPROVAL: self.gm,
            S.LIABILITY: self.gm,
            S.COMPENSATION: self.finance,
        }
        return owners.get(state)

    def actor(self, transition: str, handler: Any) -> Any:
        return {
            "submit": handler, "agree": handler, "reanalyse": handler, "break_off": handler,
            "withdraw": handler, "acknowledge": handler,
            "propose": self.dgm, "settle_recourse": self.dgm, "close": self.dgm,
            "approve": self.gm, "send_back": self.gm, "determine": self.gm,
            "book": self.finance,
        }[transition]


def demo_build(*, seed: int, today: dt.date, scale: str) -> dict[str, int]:
    """Create the demo claims (a few dozen at the small scale); returns counts per record."""
    from manyi.customers.models import Customer, Order

    people = _People()
    customers = list(
        Customer.objects.filter(archived_at__isnull=True)
        .select_related("branch_office")
        .order_by("code")
    )
    if not customers or (people.admin is None and people.sales is None):
        return {"claims": 0}
    rng = random.Random(f"manyi-demo:{seed}:claims")
    total = CLAIMS_PER_SCALE.get(scale, CLAIMS_PER_SCALE["small"])
    # every state at least once, then a realistic mix (most claims are long finished)
    targets: list[str] = [*OPEN_STATES, "closed", "cancelled", "withdrawn", "broken"]
    while len(targets) < total:
        targets.append(rng.choices(["closed", "cancelled", "withdrawn", "broken", "open"],
                                   weights=[62, 13, 6, 5, 14])[0])
    rng.shuffle(targets)
    anchor = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0)))
    counts = {"claims": 0, "negotiation_rounds": 0, "panel_members": 0,
              "compensation_lines": 0, "quality_costs": 0, "supplier_recourses": 0,
              "claim_steps": 0}
    drafts = []
    for target in targets:
        customer = rng.choice(customers)
        orders = list(
            Order.objects.filter(customer=customer, delivered_date__isnull=False)
            .select_related("product")
            .order_by("number")[:40]
        )
        drafts.append(_draft(rng, target, customer, orders, anchor, people))
    drafts.sort(key=lambda d: d["received_at"])
    with transaction.atomic():
        _write(drafts, people, counts, seed, today)
    return counts


def _moments(rng: random.Random, start: dt.datetime, end: dt.datetime, n: int
             ) -> list[dt.datetime]:
    """n increasing office-hour moments between start and end (working days where possible)."""
    from manyi.common.calendar import company_calendar

    cal = company_calendar()
    span = max((end - start).total_seconds(), 3600.0)
    fractions = [*sorted(rng.random() for _ in range(n - 1)), 1.0]  # the last one is `end`
    out: list[dt.datetime] = []
    last = start - dt.timedelta(days=1)
    for f in fractions:
        moment = start + dt.timedelta(seconds=span * f)
        local = timezone.localtime(moment)
        day = cal.add_workdays(local.date(), 0)
        if day <= end.date():
            local = local.replace(year=day.year, month=day.month, day=day.day)
        hour = 9 + int(rng.random() * 8)
        local = local.replace(hour=hour, minute=rng.randrange(0, 60, 5), second=0,
                              microsecond=0)
        moment = max(local, last + dt.timedelta(minutes=5))
        out.append(moment)
        last = moment
    return out


def _draft(rng: random.Random, target: str, customer: Any, orders: Sequence[Any],
           anchor: dt.datetime, people: _People) -> dict[str, Any]:
    from manyi.customers.models import Product

    if target in OPEN_STATES or target == "open":
        state = target if target in OPEN_STATES else rng.choice(list(OPEN_STATES))
        liability = _liability_for(state, rng)
        full = _path(rng, liability, "closed")
        steps = _cut_at(full, state)
        # the current step began 0..12 calendar days ago: some are overdue
        current_start = anchor - dt.timedelta(days=rng.uniform(0.2, 12), hours=2)
        received = current_start - dt.timedelta(days=rng.uniform(2, 4) * (len(steps) + 1))
    else:
        liability = _liability_for(S.LIABILITY, rng)
        if target == "cancelled":  # not ours: cancelled with the customer's acknowledgement
            liability = Liability.CUSTOMER
        elif target == "closed" and liability == Liability.CUSTOMER:
            liability = _liability_for(S.COMPENSATION, rng)
        ending = {"closed": "closed", "cancelled": "closed", "withdrawn": "withdrawn",
                  "broken": "broken"}[target]
        steps = _path(rng, liability, ending)
        received = anchor - dt.timedelta(days=rng.uniform(50, HISTORY_DAYS - 2))
        current_start = received + dt.timedelta(days=rng.uniform(2.5, 4.5) * len(steps))
        current_start = min(current_start, anchor - dt.timedelta(days=1))
    received = max(received, anchor - dt.timedelta(days=HISTORY_DAYS - 1))
    moments = _moments(rng, received, current_start, len(steps) + 1)
    order = rng.choice(orders) if orders else None
    product = order.product if order else Product.objects.order_by("model").first()
    # log-uniform: most claims are about a few dozen units, a few about hundreds
    unit_price = _money(math.exp(rng.uniform(math.log(60), math.log(2400))))
    quantity = max(1, int(math.exp(rng.uniform(math.log(3), math.log(200)))))
    if order is not None:
        quantity = min(order.quantity, quantity)
    goods = Decimal(quantity) * unit_price
    freight = _money(rng.uniform(200, 3000))
    downtime = _money(float(goods) * rng.uniform(0.1, 0.5)) if rng.random() < 0.5 else None
    losses = goods + freight + (downtime or Decimal(0))
    claimed = (losses * Decimal(str(round(rng.uniform(1.0, 1.5), 2)))).quantize(Decimal("100"))
    symptom, cause = rng.choice(SYMPTOMS)
    return {
        "target": target,
        "customer": customer,
        "order": order,
        "product": product,
        "handler": people.handler(customer),
        "liability": liability,
        "steps": steps,
        "moments": moments,
        "received_at": moments[0],
        "quantity": quantity,
        "unit_price": unit_price,
        "claimed": max(claimed, Decimal("500")).quantize(Decimal("0.01")),
        "description": f"{quantity} 台 {product.model if product else ''}：{symptom}。",
        "demand": rng.choice(DEMANDS),
        "cause": cause,
        "supplier": rng.choice(SUPPLIERS),
        "share": rng.choice([Decimal("30"), Decimal("40"), Decimal("50"), Decimal("60")]),
        "freight": freight,
        "downtime": downtime,
        "recovery": Decimal(str(rng.choice([0.6, 0.75, 0.8, 0.9, 1.0]))),
        "capa": rng.random() < 0.45,
        "offer_steps": [rng.uniform(0.45, 0.7), rng.uniform(0.7, 0.95)],
        "calculated": rng.random() < 0.5,
        "answers": rng.random(),
    }


def _write(drafts: list[dict[str, Any]], people: _People, counts: dict[str, int], seed: int,
           today: dt.date) -> None:
    from manyi.accounts.models import Department
    from manyi.audit.models import AuditAction
    from manyi.audit.services import audit_entries_bulk
    from manyi.common import numbering

    from .deadlines import step_deadline
    from .models import (
        PANEL_DEFAULT_DEPARTMENTS,
        Claim,
        ClaimStep,
        CompensationLine,
        NegotiationRound,
        PanelMember,
        QualityCost,
        SupplierRecourse,
    )

    depts = {d.code: d for d in Department.objects.filter(
        code__in=PANEL_DEFAULT_DEPARTMENTS.values())}
    per_year: dict[int, int] = {}
    created: list[Any] = []
    capa_seq: dict[int, int] = {}
    for d in drafts:
        received = timezone.localtime(d["received_at"]).date()
        per_year[received.year] = per_year.get(received.year, 0) + 1
        seq = per_year[received.year]
        moments: list[dt.datetime] = d["moments"]
        steps: list[tuple[str, str]] = d["steps"]
        handler = d["handler"]
        state: str = steps[-1][1] if steps else S.COLLECTING
        last = moments[-1]
        claim = Claim(
            number=numbering.scheme("claim").render(received.year, seq), year=received.year,
            sequence=seq,
            received_on=received, customer=d["customer"], product=d["product"],
            order=d["order"], batch_number=d["order"].batch_number if d["order"] else "",
            handler=handler, description=d["description"], demand=d["demand"],
            claimed_amount=d["claimed"], state=state, state_since=last,
            created_by=people.admin, changed_by=people.admin, created_at=moments[0],
            changed_at=last, version=len(steps) + 1,
        )
        is_open = state not in (S.CLOSED, S.CANCELLED, S.BROKEN_OFF)
        claim.step_due_at = step_deadline(state, last) if is_open else None
        claim.step_owner = people.owner(state, handler) if is_open else None
        names = [n for n, _s in steps]
        at = dict(zip(names, moments[1:], strict=True))  # the last time of each transition
        if "propose" in names:
            claim.preliminary_analysis = f"初步分析：{d['cause']}，影响数量 {d['quantity']} 台。"
            claim.proposal = "更换不良品，承担往返运费，停线损失按实际核定。"
            claim.proposed_amount = (d["claimed"] * Decimal("0.7")).quantize(Decimal("0.01"))
        if "approve" in names:
            claim.approved_by, claim.approved_at = people.gm, at["approve"]
        if "determine" in names:
            claim.liability = d["liability"]
            claim.liability_decision = {
                Liability.CUSTOMER: "经责任界定，系客户使用不当（超规格负载），不属我方责任。",
                Liability.COMPANY: f"经责任界定，{d['cause']}，属我方责任。",
                Liability.SHARED: "双方均有责任：我方来料检验漏检，客户安装不规范。",
                Liability.SUPPLIER: f"{d['cause']}，系供方 {d['supplier']} 来料问题。",
            }[d["liability"]]
            claim.liability_decided_on = timezone.localtime(at["determine"]).date()
            if d["liability"] == Liability.SHARED:
                claim.company_share_percent = d["share"]
            if d["liability"] == Liability.SUPPLIER:
                claim.supplier_name = d["supplier"]
        if "acknowledge" in names:
            claim.customer_acknowledgement = "客户来函确认不属我方责任，同意撤销索赔。"
            claim.acknowledged_on = timezone.localtime(at["acknowledge"]).date()
        lines: list[Line] = []
        if "determine" in names and d["liability"] != Liability.CUSTOMER and (
            "book" in names or d["calculated"]
        ):
            lines = [
                Line("goods", "更换不良品", quantity=Decimal(d["quantity"]),
                     unit_price=d["unit_price"]),
                Line("freight", "往返运费", amount=d["freight"]),
            ]
            if d["downtime"]:
                lines.append(Line("other", "停线损失", amount=d["downtime"]))
            share = d["share"] if d["liability"] == Liability.SHARED else None
            result = calculate(lines, share)
            claim.compensation_subtotal = result.subtotal
            claim.compensation_amount = result.total
        if "close" in names:
            claim.root_cause = f"根本原因：{d['cause']}。"
            if d["capa"]:
                year = timezone.localtime(at["close"]).year
                capa_seq[year] = capa_seq.get(year, 0) + 1
                claim.capa_required = True
                claim.capa_reference = f"CAPA-{year}-{capa_seq[year]:03d}"
        if not is_open:
            claim.closed_at = last
        if names and names[-1] in ("withdraw", "break_off"):
            claim.step_note = (
                "客户撤回索赔。" if names[-1] == "withdraw" else "协商破裂，转法务处理。"
            )
        claim.save()
        created.append(claim)
        counts["claims"] += 1
        _write_parts(claim, d, names, moments, at, lines, depts, people, counts,
                     {"NegotiationRound": NegotiationRound, "PanelMember": PanelMember,
                      "CompensationLine": CompensationLine, "QualityCost": QualityCost,
                      "SupplierRecourse": SupplierRecourse})
        # the history: creation + one row per transition
        history = [ClaimStep(claim=claim, transition="create", from_state="",
                             to_state=S.COLLECTING, actor=handler, at=moments[0],
                             owner=handler, due_at=step_deadline(S.COLLECTING, moments[0]))]
        source: str = S.COLLECTING
        for (name, to_state), moment in zip(steps, moments[1:], strict=True):
            terminal = to_state in (S.CLOSED, S.CANCELLED, S.BROKEN_OFF)
            history.append(ClaimStep(
                claim=claim, transition=name, from_state=source, to_state=to_state,
                actor=people.actor(name, handler), at=moment,
                owner=None if terminal else people.owner(to_state, handler),
                due_at=None if terminal else step_deadline(to_state, moment)))
            source = to_state
        ClaimStep.objects.bulk_create(history)
        counts["claim_steps"] += len(history)
    for year, last_seq in per_year.items():
        numbering.raise_to("claim", year, last_seq)
    audit_entries_bulk(((c, AuditAction.IMPORT, None) for c in created), actor=people.admin,
                       batch=f"demo-{seed}-{today.isoformat()}", note="demo data")


def _write_parts(claim: Any, d: dict[str, Any], names: list[str],
                 moments: list[dt.datetime], at: dict[str, dt.datetime], lines: list[Line],
                 depts: dict[str, Any], people: _People, counts: dict[str, int],
                 models: dict[str, Any]) -> None:
    admin = people.admin
    stamp = {"created_by": admin, "changed_by": admin}
    # negotiation rounds: one per phase that ended in reanalyse / break_off / agree
    number = 0
    phase_ends = [(i, n) for i, n in enumerate(names)
                  if n in ("reanalyse", "break_off", "agree")]
    if names and names[-1] == "approve":  # negotiating now
        phase_ends.append((len(names), "now"))
    for index, end in phase_ends:
        held = moments[index] if index < len(moments) else moments[-1]
        rounds = 2 if end == "agree" and d["answers"] < 0.5 else 1
        if end == "now" and d["answers"] < 0.4:
            rounds = 0
        for r in range(rounds):
            number += 1
            final = r == rounds - 1
            answer = {"agree": "accepted", "reanalyse": "rejected", "break_off": "rejected",
                      "now": "pending"}[end] if final else "rejected"
            factor = Decimal(str(round(d["offer_steps"][min(r, 1)], 2)))
            amount = (d["claimed"] * factor).quantize(Decimal("0.01"))
            models["NegotiationRound"].objects.create(
                claim=claim, number=number, held_on=timezone.localtime(held).date(),
                offer=f"更换不良品并赔偿 {amount} 元", offer_amount=amount, answer=answer,
                answer_note={"accepted": "客户同意", "rejected": "客户认为金额偏低",
                             "pending": ""}[answer],
                created_at=held, changed_at=held, **stamp)
            counts["negotiation_rounds"] += 1
            if answer == "accepted":
                claim.agreed_amount = amount
    if claim.agreed_amount is not None:
        type(claim).objects.filter(pk=claim.pk).update(agreed_amount=claim.agreed_amount)
    if "determine" in names:
        for function, code in PANEL_FUNCTIONS:
            user = {"quality": people.quality, "production_dgm": people.dgm if
                    people.dgm_is_real else None, "sales": d["handler"]}.get(function)
            models["PanelMember"].objects.create(
                claim=claim, function=function, department=depts.get(code), user=user,
                created_at=at["determine"], changed_at=at["determine"], **stamp)
            counts["panel_members"] += 1
    if lines:
        calc_at = at.get("book", moments[-1])
        result = calculate(lines, claim.company_share_percent)
        for position, (line, total) in enumerate(zip(lines, result.line_totals,
                                                     strict=True), 1):
            models["CompensationLine"].objects.create(
                claim=claim, position=position, kind=line.kind, description=line.description,
                quantity=line.quantity, unit_price=line.unit_price, amount=line.amount,
                total=total, created_at=calc_at, changed_at=calc_at, **stamp)
            counts["compensation_lines"] += 1
    if "book" in names:
        booked = at["book"]
        models["QualityCost"].objects.create(
            date=timezone.localtime(booked).date(), customer=claim.customer,
            product=claim.product, amount=claim.compensation_amount, claim=claim,
            description=f"索赔 {claim.number} 赔偿", created_at=booked, changed_at=booked,
            **stamp)
        counts["quality_costs"] += 1
        if claim.liability == Liability.SUPPLIER:
            settled = at.get("settle_recourse")
            recovered = (claim.compensation_amount * d["recovery"]).quantize(Decimal("0.01"))
            models["SupplierRecourse"].objects.create(
                claim=claim, supplier_name=claim.supplier_name,
                amount_claimed=claim.compensation_amount,
                negotiation_notes="副总经理与供方协商，供方确认来料问题。" if settled else
                "已向供方发出索赔函，等待答复。",
                amount_recovered=recovered if settled else None,
                settled_on=timezone.localtime(settled).date() if settled else None,
                created_at=booked, changed_at=settled or booked, **stamp)
            counts["supplier_recourses"] += 1


PANEL_FUNCTIONS = [
    ("production", "PROD"),
    ("engineering", "ENG"),
    ("quality", "QA"),
    ("sales", "SALES"),
    ("production_dgm", "DGM"),
]
