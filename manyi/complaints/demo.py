"""Demo complaints: two years of quality information feedback forms on top of the demo archive.

`demo_build(seed=, today=, scale=)` reads the customers, contacts, orders, products and demo
users already in the database and bulk-creates, for the two years before `today`:

* about one complaint per 40 deliveries, on the day a customer would notice a problem (a few
  days to weeks after delivery; more when a batch had defects); more in summer (Q3) for the
  power supplies (heat), fewer around the Spring Festival and on weekends;
* each complaint's life simulated step by step — initial analysis, escalation to quality (all
  major problems, some general ones, with an ad-hoc meeting for the major ones), remedy
  proposals with rejections and new proposals, money approved by the superior (sometimes
  refused), carrying out, root cause, closing and the call-back — and cut at `today`: old
  complaints are closed and called back, recent ones stop in whatever step they reached, and
  the ones whose step ran past its deadline are overdue;
* unsatisfied call-backs re-open the case as a new complaint linked to the old one;
* accountability records (002 §6) for complaints handled late or caused by attitude.

Deterministic: one `random.Random(f"manyi-demo:{seed}:complaints")`, rows read in natural-key
order, no database ids or clock in the data. One audit entry per record (action "import").
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate
from typing import Any

from django.db import transaction
from django.utils import timezone

from manyi.common import numbering
from manyi.common.calendar import company_calendar, local_tz
from manyi.common.models import NumberSequence

from .config import complaint_config
from .deadlines import step_deadline
from .models import (
    Accountability,
    Complaint,
    ComplaintMeeting,
    ComplaintState,
    ProposalStatus,
    RemedyProposal,
)

S = ComplaintState
BATCH = 2000
HISTORY_DAYS = 730
ORDERS_PER_COMPLAINT = 40
POWER_LINES = frozenset({"PL-ACDC", "PL-DCDC", "PL-CHG", "PL-SYS"})
SERVICE_LINES = frozenset({"PL-MNT"})
STALLABLE = ["analyse", "propose", "answer", "carry_out", "root_cause", "close", "callback"]

CHANNELS = [
    ("phone", 38), ("email", 15), ("sales_visit", 12), ("face_to_face", 9), ("web_form", 8),
    ("letter", 3), ("fax", 2), ("trade_fair", 2), ("symposium", 3), ("market_research", 2),
    ("media", 1), ("consumer_org", 1), ("regulator", 1),
]
NATURES = [("effective", 60), ("help_seeking", 15), ("consultative", 14), ("venting", 11)]

PRODUCT_PROBLEMS = [
    ("到货后有 {n} 台输出电压不稳定，负载变化时波动超过 ±5 %", "更换不良品并出具分析报告"),
    ("{n} 台开机无输出，指示灯不亮", "更换不良品"),
    ("运行约两周后 {n} 台过热保护停机", "派工程师现场处理"),
    ("外壳有裂纹，{n} 台包装破损", "换货"),
    ("风扇噪声明显偏大，客户终端用户投诉", "更换风扇或整机"),
    ("批次 {batch} 端子松动，接线后接触不良", "整批排查并更换"),
    ("与上位机通讯间歇中断，现场调试困难", "提供技术支持并升级固件"),
    ("实测效率低于规格书标称值", "退货退款"),
    ("产线停线半天，要求赔偿损失", "赔偿停线损失"),
]
SUMMER_PROBLEMS = [
    ("高温车间内 {n} 台频繁过温保护，夏季无法满载运行", "更换宽温型号并赔偿损失"),
    ("夏季雷雨后 {n} 台输入端损坏", "维修并评估防雷设计"),
]
SERVICE_PROBLEMS = [
    ("交货比约定晚了两周，影响客户项目进度", "说明原因并保证后续交期"),
    ("技术支持响应慢，报修三天无人上门", "尽快安排工程师上门"),
    ("发票开具错误，财务无法入账", "重开发票"),
    ("安装调试不到位，验收未通过", "重新调试"),
    ("说明书与实物不符，接线图有误", "提供正确资料"),
]
ATTITUDE_PROBLEMS = [
    ("客服热线多次无人接听", "改进服务态度并答复"),
    ("业务员沟通态度冷淡，未及时回复邮件", "更换对接人员"),
    ("维修工程师现场态度生硬", "道歉并说明"),
]
SUDDEN_PROBLEMS = [
    ("物流途中遭遇暴雨，包装受潮", "补发受潮产品"),
    ("台风导致到货延误一周", "说明情况"),
    ("仓库火灾后客户要求加急补货", "加急安排生产"),
]
REMEDIES = {
    "repair": "安排返厂维修，承担往返运费",
    "technical": "派工程师现场排查并调试",
    "explanation": "向顾客书面说明原因并道歉",
    "exchange": "更换同型号新品 {n} 台",
    "refund": "退货并退还货款",
    "compensation": "按合同赔偿停线损失",
    "other": "提供备品备件",
}
ROOT_CAUSES = [
    "来料电容批次寿命不足，供应商已整改",
    "焊接工艺参数漂移，回流焊温度曲线未按规定点检",
    "设计散热裕量不足，高温下降额不够",
    "出厂检验漏检，老化时间被缩短",
    "物流包装防护不足",
    "订单评审未确认交期，计划排产失误",
    "服务人员培训不足，未按服务规范执行",
    "客户使用不当（超规格使用），已做技术交流",
]
RESULTS = [
    "已按方案处理完毕，顾客签收确认",
    "更换后设备运行正常，顾客确认",
    "已完成现场调试，问题消除",
    "款项已支付，顾客确认收到",
]
CALLBACK_NOTES = {
    "very_satisfied": "顾客对处理速度和结果非常满意",
    "satisfied": "顾客对处理结果满意",
    "fairly": "顾客认为处理时间偏长，总体可以接受",
    "dissatisfied": "同样问题再次出现，顾客对处理结果不满意",
}


def _pick(rng: random.Random, pairs: Sequence[tuple[str, int]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


@dataclass
class Sim:
    """A complaint being simulated (not a model)."""

    customer: Any
    contact: Any
    order: Any
    line: str
    received: dt.datetime
    channel: str
    category: str
    nature: str
    severity: str
    description: str
    demand: str
    recorded_by: Any
    parent: Sim | None = None
    repeat_depth: int = 0
    events: list[tuple[dt.datetime, str]] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)
    proposals: list[dict[str, Any]] = field(default_factory=list)
    meeting: dict[str, Any] | None = None
    accountability: dict[str, Any] | None = None
    state: str = S.RECEIVED
    due_at: dt.datetime | None = None
    changed: dt.datetime | None = None
    obj: Any = None


class _Users:
    def __init__(self) -> None:
        from manyi.accounts.models import User

        names = ["admin", "gm", "quality", "service", "sales", "shanghai", "clerk_gz",
                 "bu_power", "finance", "viewer"]
        found = {u.username: u for u in User.objects.filter(username__in=names)}
        fallback = (
            User.objects.filter(is_superuser=True, is_active=True).order_by("username").first()
        )
        self.by_name = {n: found.get(n) or fallback for n in names}

    def __getitem__(self, name: str) -> Any:
        return self.by_name.get(name)

    def sales_for(self, customer: Any) -> Any:
        office = customer.branch_office.code
        if office == "BO-SH":
            return self["shanghai"]
        if office == "BO-GZ":
            return self["clerk_gz"]
        return self["sales"]


def _spring_festival(year: int) -> dt.date:
    try:
        from manyi.demo.names import SPRING_FESTIVAL
    except ImportError:  # pragma: no cover - the demo package is optional
        return dt.date(year, 2, 1)
    return SPRING_FESTIVAL.get(year, dt.date(year, 2, 1))


def day_weight(day: dt.date, line: str) -> float:
    """How likely a complaint arrives on `day` for a product of `line` (relative)."""
    weight = 1.0
    if day.weekday() == 5:
        weight *= 0.35
    elif day.weekday() == 6:
        weight *= 0.2
    delta = min(
        ((day - _spring_festival(y)).days for y in (day.year - 1, day.year, day.year + 1)),
        key=abs,
    )
    if -7 <= delta <= 10:
        weight *= 0.15
    elif 10 < delta <= 20:
        weight *= 0.6
    if dt.date(day.year, 10, 1) <= day <= dt.date(day.year, 10, 7):
        weight *= 0.3
    if line in POWER_LINES:
        weight *= {6: 1.5, 7: 2.0, 8: 2.0, 9: 1.5}.get(day.month, 1.0)
    return weight


class _Clock:
    """Working-time helpers for the simulation."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.cal = company_calendar()
        self.tz = local_tz()

    def moment(self, day: dt.date, start: int = 8 * 60 + 30, end: int = 17 * 60 + 30) -> Any:
        minutes = self.rng.randint(start, end)
        naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
        return timezone.make_aware(naive, self.tz)

    def later(self, after: dt.datetime, days_lo: float, days_hi: float) -> dt.datetime:
        """A working-time moment some working days after `after`."""
        local = timezone.localtime(after, self.tz)
        days = self.rng.uniform(days_lo, days_hi)
        whole = int(days)
        day = self.cal.add_workdays(local.date(), whole) if whole else local.date()
        if not self.cal.is_workday(day):
            day = self.cal.next_workday(day)
        base = local.hour * 60 + local.minute if day == local.date() else 8 * 60 + 30
        extra = int((days - whole) * 9 * 60)
        minutes = base + extra
        if minutes > 17 * 60 + 30:
            day = self.cal.next_workday(day)
            minutes = 8 * 60 + 30 + (minutes - (17 * 60 + 30)) % (9 * 60)
        naive = dt.datetime.combine(day, dt.time(min(minutes, 17 * 60 + 59) // 60,
                                                 min(minutes, 17 * 60 + 59) % 60))
        result = timezone.make_aware(naive, self.tz)
        return max(result, after + dt.timedelta(minutes=5))

    def hours_later(self, after: dt.datetime, lo: float, hi: float) -> dt.datetime:
        """Some clock hours later, moved into office hours (nobody analyses at 3 a.m.)."""
        moment = timezone.localtime(after + dt.timedelta(hours=self.rng.uniform(lo, hi)),
                                    self.tz)
        minutes = moment.hour * 60 + moment.minute
        if self.cal.is_workday(moment.date()) and 8 * 60 + 30 <= minutes <= 18 * 60:
            return moment
        day = moment.date() if minutes < 8 * 60 + 30 else moment.date() + dt.timedelta(days=1)
        if not self.cal.is_workday(day):
            day = self.cal.next_workday(day)
        return self.moment(day, 8 * 60 + 30, 11 * 60)


def demo_build(*, seed: int, today: dt.date, scale: str) -> dict[str, int]:
    """Build the demo complaints (see the module docstring); returns counts per record type."""
    from manyi.accounts.models import Department
    from manyi.customers.models import Contact, Customer, Order

    rng = random.Random(f"manyi-demo:{seed}:complaints")
    clock = _Clock(rng)
    users = _Users()
    config = complaint_config()
    tz = local_tz()
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(8, 0)), tz)
    start = today - dt.timedelta(days=HISTORY_DAYS)

    customers = {c.pk: c for c in Customer.objects.select_related(
        "branch_office", "dealer").order_by("code")}
    if not customers:
        return {"complaints": 0}
    contacts: dict[int, list[Any]] = defaultdict(list)
    for contact in Contact.objects.filter(archived_at__isnull=True).order_by(
        "customer__code", "name", "email"
    ):
        contacts[contact.customer_id].append(contact)
    orders = list(
        Order.objects.filter(order_date__gte=start - dt.timedelta(days=60), order_date__lt=today)
        .select_related("product__product_line")
        .order_by("number")
    )
    if not orders:
        return {"complaints": 0}
    departments = {d.code: d for d in Department.objects.all()}
    target = max(1, round(len(orders) / ORDERS_PER_COMPLAINT))

    cum = list(accumulate(1.0 + 4.0 * min(o.defects, 5) + 3.0 * bool(o.returned)
                          for o in orders))
    sims: list[Sim] = []
    tries = 0
    while len(sims) < target and tries < target * 60:
        tries += 1
        order = rng.choices(orders, cum_weights=cum)[0]
        line = order.product.product_line.code
        delivered = order.delivered_date or order.promised_date
        lag = 2 + int(rng.expovariate(1 / 18))
        day = delivered + dt.timedelta(days=lag)
        if not (start <= day < today):
            continue
        if rng.random() > day_weight(day, line) / 2.0:
            continue
        sims.append(_new_sim(rng, clock, users, customers[order.customer_id],
                             contacts[order.customer_id], order, line, day))

    # Simulate each life; an unsatisfied call-back adds a linked complaint to the queue.
    queue = sorted(sims, key=lambda s: s.received)
    done: list[Sim] = []
    while queue:
        sim = queue.pop(0)
        repeat = _simulate(sim, rng, clock, users, departments, config, now)
        done.append(sim)
        if repeat is not None:
            queue.append(repeat)
            queue.sort(key=lambda s: s.received)
    done.sort(key=lambda s: (s.received, s.customer.code))
    return _write(done, users, departments, now, scale)


def _new_sim(rng: random.Random, clock: _Clock, users: _Users, customer: Any,
             contacts: list[Any], order: Any, line: str, day: dt.date) -> Sim:
    if line in SERVICE_LINES:
        category = _pick(rng, [("service_quality", 60), ("service_attitude", 25),
                               ("product_quality", 10), ("sudden_event", 5)])
    else:
        category = _pick(rng, [("product_quality", 66), ("service_quality", 19),
                               ("service_attitude", 10), ("sudden_event", 5)])
    if category == "product_quality":
        pool = PRODUCT_PROBLEMS + (SUMMER_PROBLEMS * 2 if line in POWER_LINES
                                   and day.month in (6, 7, 8, 9) else [])
    else:
        pool = {"service_quality": SERVICE_PROBLEMS, "service_attitude": ATTITUDE_PROBLEMS,
                "sudden_event": SUDDEN_PROBLEMS}[category]
    text, demand = rng.choice(pool)
    n = max(1, min(order.quantity, 1 + int(rng.expovariate(1 / 4))))
    description = f"{order.product.model}：" + text.format(n=n, batch=order.batch_number or "—")
    severity = "major" if category == "product_quality" and rng.random() < 0.07 else "general"
    channel = _pick(rng, CHANNELS)
    preferred = [c for c in contacts if c.function in ("quality", "purchasing")] or contacts
    contact = rng.choice(preferred) if preferred else None
    recorded_by = users["service"] if channel == "phone" and rng.random() < 0.4 else (
        users.sales_for(customer))
    return Sim(
        customer=customer, contact=contact, order=order, line=line,
        received=clock.moment(day, 8 * 60, 19 * 60), channel=channel, category=category,
        nature=_pick(rng, NATURES) if category != "product_quality" else _pick(
            rng, [("effective", 80), ("help_seeking", 12), ("consultative", 5), ("venting", 3)]),
        severity=severity, description=description, demand=demand, recorded_by=recorded_by,
    )


def _simulate(sim: Sim, rng: random.Random, clock: _Clock, users: _Users, departments: Any,
              config: Any, now: dt.datetime) -> Sim | None:
    """Walk the complaint through the workflow until `now`; set its state, fields, deadline."""
    f = sim.fields
    sales = users.sales_for(sim.customer)
    f["owner"] = sales
    f["responsible_department"] = sim.customer.branch_office
    f["remedy_due_at"] = step_deadline(S.SALES_HANDLING, sim.received)

    def reached(at: dt.datetime, state: str, start_due: dt.datetime | None = None) -> bool:
        if at > now:
            return False
        sim.state = state
        sim.changed = at
        sim.due_at = start_due if start_due is not None else step_deadline(state, at)
        return True

    sim.state, sim.changed = S.RECEIVED, sim.received
    sim.due_at = step_deadline(S.RECEIVED, sim.received)
    slow = rng.random() < 0.12  # this handler tends to be late
    # Now and then one step stalls for weeks (→ overdue items, escalations, accountability).
    # (More often among the recent ones, so that the demo has overdue work to show.)
    recent = now - sim.received < dt.timedelta(days=45)
    if recent:
        stall = rng.choice(STALLABLE[1:5]) if rng.random() < 0.5 else ""
    else:
        stall = rng.choice(STALLABLE) if rng.random() < 0.09 else ""

    def stalled(name: str, at: dt.datetime) -> dt.datetime:
        return clock.later(at, 6, 30) if name == stall else at

    analysed = stalled("analyse", clock.hours_later(sim.received, 1, 30 if slow else 16))
    escalate = sim.severity == "major" or (sim.category == "product_quality"
                                           and rng.random() < 0.18)
    if analysed > now:
        return None
    f.update(analysis=_analysis_text(sim, escalate), analysed_at=analysed, nature=sim.nature)
    if escalate:
        qa = departments.get("QA")
        f.update(escalated=True, escalated_at=analysed, owner=users["quality"],
                 responsible_department=qa)
        due = step_deadline(S.ESCALATED, analysed)
        f["remedy_due_at"] = due
        reached(analysed, S.ESCALATED, due)
        handling_state = S.ESCALATED
        proposer = users["quality"]
        if sim.severity == "major":
            held = clock.later(analysed, 0.5, 2.5)
            if held > now:
                return None
            sim.meeting = {
                "held_at": held,
                "attendees": "品质部李文静、技术部王工、生产部赵主管、采购部陈经理",
                "decision": "成立专项小组，对该批次全部排查；受影响产品免费更换，"
                            "同时评估是否需要纠正预防措施。",
                "departments": ["QA", "ENG", "PROD", "PUR"],
            }
            f["quality_decision"] = sim.meeting["decision"]
            cursor = held
        else:
            f["quality_decision"] = "一般质量问题，由品质部制定补救措施。"
            cursor = analysed
        first_at = stalled("propose", clock.later(cursor, 0.3, 4.5 if slow else 2.5))
    else:
        reached(analysed, S.SALES_HANDLING, f["remedy_due_at"])
        handling_state = S.SALES_HANDLING
        proposer = sales
        first_at = stalled("propose", clock.hours_later(analysed, 1, 70 if slow else 36))

    # Proposals until the customer accepts (rejections, refused money).
    proposal_at = first_at
    previous_kind = ""
    for attempt in range(1, 5):
        if proposal_at > now:
            return None
        money_kind = previous_kind
        while money_kind == previous_kind:  # a new proposal offers something else
            money_kind = _pick(rng, [("repair", 30), ("technical", 25), ("explanation", 12),
                                     ("exchange", 15), ("refund", 8), ("compensation", 6),
                                     ("other", 4)])
        if sim.category in ("service_attitude", "sudden_event") and money_kind in (
            "repair", "exchange", "refund"
        ):
            money_kind = "explanation" if previous_kind != "explanation" else "other"
        previous_kind = money_kind
        money = money_kind in ("exchange", "refund", "compensation")
        amount = None
        if money:
            base = {"exchange": 900, "refund": 2500, "compensation": 6000}[money_kind]
            amount = Decimal(str(round(base * math.exp(rng.gauss(0, 0.9)), -1))).quantize(
                Decimal("0.01"))
            amount = max(amount, Decimal("100.00"))
        if "first_remedy_at" not in f:
            f["first_remedy_at"] = proposal_at
        proposal: dict[str, Any] = {
            "number": attempt, "kind": money_kind, "by_quality": bool(f.get("escalated")),
            "description": REMEDIES[money_kind].format(n=max(1, rng.randint(1, 20))),
            "amount": amount, "created_at": proposal_at, "created_by": proposer,
            "status": ProposalStatus.PROPOSED, "approver_roles": "",
        }
        sim.proposals.append(proposal)
        communicated = proposal_at
        if money:
            high = amount is not None and amount > config.high_amount
            roles = (config.approver_roles_high if high else config.approver_roles_quality
                     if f.get("escalated") else config.approver_roles_sales)
            approver = users["gm"] if high else (users["quality"] if f.get("escalated")
                                                 else users["sales"])
            if approver == proposer:
                approver = users["gm"]
            proposal.update(status=ProposalStatus.AWAITING_APPROVAL,
                            approver_roles=",".join(roles))
            reached(proposal_at, S.AWAITING_APPROVAL)
            decided = clock.later(proposal_at, 0.1, 1.6)
            if decided > now:
                return None
            proposal.update(approved_by=approver, approved_at=decided)
            if rng.random() < 0.08:
                proposal.update(status=ProposalStatus.APPROVAL_REFUSED,
                                approval_note="金额偏高，请先与顾客协商其他方案")
                due = step_deadline(handling_state, decided)
                reached(decided, handling_state, due)
                proposal_at = clock.later(decided, 0.2, 1.5)
                continue
            proposal.update(approval_note="同意")
            communicated = decided
        proposal.update(status=ProposalStatus.PROPOSED, proposed_at=communicated)
        reached(communicated, S.REMEDY_PROPOSED)
        answered = stalled("answer", clock.later(communicated, 0.2, 3.5))
        if answered > now:
            return None
        reject_p = 0.22 if attempt == 1 else 0.1
        if attempt < 4 and rng.random() < reject_p:
            proposal.update(status=ProposalStatus.REJECTED, answered_at=answered,
                            answer_note=rng.choice(["顾客不接受，要求换新", "顾客认为方案不够",
                                                    "顾客要求更快处理"]))
            reached(answered, handling_state, step_deadline(handling_state, answered))
            proposal_at = clock.later(answered, 0.2, 1.8) if f.get("escalated") else \
                clock.hours_later(answered, 2, 40)
            continue
        proposal.update(status=ProposalStatus.ACCEPTED, answered_at=answered,
                        answer_note="顾客同意")
        reached(answered, S.REMEDY_ACCEPTED)
        break
    else:  # pragma: no cover - four rejections are not drawn (attempt 4 is accepted)
        return None

    carried = stalled("carry_out", clock.later(sim.changed or now, 0.5, 8 if slow else 5))
    if not reached(carried, S.REMEDY_DONE):
        return None
    f.update(result=rng.choice(RESULTS), carried_out_at=carried)
    rooted = stalled("root_cause", clock.later(carried, 1, 14 if slow else 9))
    if not reached(rooted, S.ROOT_CAUSE):
        return None
    capa = bool(f.get("escalated")) and rng.random() < (0.6 if sim.severity == "major" else 0.2)
    f.update(root_cause=rng.choice(ROOT_CAUSES), root_cause_at=rooted, capa_required=capa)
    closed = stalled("close", clock.later(rooted, 0.2, 3 if slow else 1.8))
    if not reached(closed, S.CLOSED):
        return None
    f.update(closed_at=closed, closing_note="")
    if slow or stall or (sim.category == "service_attitude" and rng.random() < 0.5):
        sim.accountability = _accountability(sim, rng, departments, closed, now)
    called = stalled("callback", clock.later(closed, 1, 7))
    if called > now:
        return None
    satisfaction = _pick(rng, [("very_satisfied", 34), ("satisfied", 42), ("fairly", 16),
                               ("dissatisfied", 8)])
    f.update(callback_at=called, callback_method="phone" if rng.random() < 0.8 else "visit",
             callback_satisfaction=satisfaction, callback_note=CALLBACK_NOTES[satisfaction])
    reached(called, S.CALLED_BACK)
    sim.due_at = None
    if satisfaction == "dissatisfied" and sim.repeat_depth < 2:
        return Sim(
            customer=sim.customer, contact=sim.contact, order=sim.order, line=sim.line,
            received=called, channel="phone" if f["callback_method"] == "phone"
            else "face_to_face", category=sim.category, nature="effective",
            severity=sim.severity, description=f"回访不满意：{sim.description}",
            demand=sim.demand, recorded_by=users["service"], parent=sim,
            repeat_depth=sim.repeat_depth + 1,
        )
    return None


def _analysis_text(sim: Sim, escalate: bool) -> str:
    if escalate:
        return "初步判断为产品质量问题，需要技术分析，传递品质部。"
    return {
        "product_quality": "初步判断为个别不良，由销售部直接处理。",
        "service_quality": "服务环节问题，由销售部协调处理。",
        "service_attitude": "服务态度问题，由销售部负责道歉并改进。",
        "sudden_event": "突发事件，由销售部与物流协调处理。",
    }[sim.category]


def _accountability(sim: Sim, rng: random.Random, departments: Any, closed: dt.datetime,
                    now: dt.datetime) -> dict[str, Any]:
    if sim.category == "service_attitude":
        failure = rng.choice(["conduct", "shirking"])
        dept = sim.customer.branch_office
    elif sim.fields.get("escalated"):
        failure = rng.choice(["duty", "time_limit"])
        dept = departments.get("PROD") or sim.customer.branch_office
    else:
        failure = rng.choice(["deadline", "time_limit", "forwarded"])
        dept = sim.customer.branch_office
    measure = _pick(rng, [("verbal", 45), ("admonition", 25), ("circulated", 18),
                          ("performance", 12)])
    deadline = timezone.localtime(closed).date() + dt.timedelta(days=rng.randint(10, 30))
    rectified = deadline - dt.timedelta(days=rng.randint(0, 9))
    return {
        "failure_type": failure,
        "responsible_department": dept,
        "responsible_person": sim.fields.get("owner") if dept == sim.customer.branch_office
        else None,
        "measure": measure,
        "performance_deduction": Decimal(rng.choice([100, 200, 300, 500]))
        if measure == "performance" else None,
        "instruction": "经公司领导批示，按投诉处理事件责任追究条例处理。",
        "rectification": "限期整改：完善处理时限提醒，组织相关人员学习投诉处理规范。",
        "rectification_deadline": deadline,
        "rectified_on": rectified if rectified < now.date() and rng.random() < 0.85 else None,
        "created_at": closed,
    }


def _write(sims: list[Sim], users: _Users, departments: Any, now: dt.datetime,
           scale: str) -> dict[str, int]:
    from manyi.audit.models import AuditAction
    from manyi.audit.services import audit_entries_bulk

    admin = users["admin"]
    tz = local_tz()
    counts: dict[str, int] = defaultdict(int)
    with transaction.atomic():
        numbers = numbering.scheme("complaint")
        last = dict(
            NumberSequence.objects.filter(scope=numbers.scope).values_list("year", "last")
        )
        rows = []
        for sim in sims:
            year = timezone.localtime(sim.received, tz).year
            last[year] = last.get(year, 0) + 1
            contact = sim.contact
            email = contact.email if contact is not None else ""
            ack = (sim.received, "email") if email else (
                (sim.received + dt.timedelta(minutes=30), "phone")
                if sim.channel in ("phone", "face_to_face", "sales_visit") else (None, ""))
            f = sim.fields
            row = Complaint(
                number=numbers.render(year, last[year]), year=year, sequence=last[year],
                customer=sim.customer, contact=contact,
                contact_name=contact.name if contact is not None else "",
                contact_phone=contact.phone if contact is not None else "",
                contact_email=email,
                contact_language=contact.language if contact is not None else "zh-hans",
                channel=sim.channel, received_at=sim.received, product=sim.order.product,
                batch_number=sim.order.batch_number,
                purchase_date=sim.order.delivered_date or sim.order.order_date,
                purchase_place=sim.customer.dealer.name if sim.customer.dealer_id
                else f"{sim.customer.branch_office.name}直销",
                description=sim.description, customer_demand=sim.demand,
                content_category=sim.category, severity=sim.severity,
                state=sim.state, due_at=sim.due_at,
                acknowledged_at=ack[0], acknowledged_by=ack[1],
                created_at=sim.received, created_by=sim.recorded_by,
                changed_at=sim.changed or sim.received, changed_by=f.get("owner") or admin,
                **{k: v for k, v in f.items()},
            )
            sim.obj = row
            rows.append(row)
        Complaint.objects.bulk_create(rows, batch_size=BATCH)
        for year, value in last.items():
            numbering.raise_to(numbers.scope, year, value)
        repeats = []
        for sim in sims:
            if sim.parent is not None:
                sim.obj.parent_id = sim.parent.obj.pk
                repeats.append(sim.obj)
        Complaint.objects.bulk_update(repeats, ["parent"], batch_size=BATCH)
        counts["complaints"] = len(rows)
        counts["complaints_repeat"] = len(repeats)

        proposals = [
            RemedyProposal(
                complaint=sim.obj, changed_at=p.get("answered_at") or p.get("approved_at")
                or p["created_at"], changed_by=p["created_by"], **p,
            )
            for sim in sims
            for p in sim.proposals
        ]
        RemedyProposal.objects.bulk_create(proposals, batch_size=BATCH)
        meetings, meeting_depts = [], []
        for sim in sims:
            if sim.meeting is not None:
                data = dict(sim.meeting)
                codes = data.pop("departments")
                meeting = ComplaintMeeting(complaint=sim.obj, created_at=data["held_at"],
                                           changed_at=data["held_at"],
                                           created_by=users["quality"],
                                           changed_by=users["quality"], **data)
                meetings.append(meeting)
                meeting_depts.append([departments[c] for c in codes if c in departments])
        ComplaintMeeting.objects.bulk_create(meetings, batch_size=BATCH)
        through = ComplaintMeeting.departments.through
        through.objects.bulk_create(
            [through(complaintmeeting_id=m.pk, department_id=d.pk)
             for m, depts in zip(meetings, meeting_depts, strict=True) for d in depts],
            batch_size=BATCH,
        )
        accountabilities = [
            Accountability(complaint=sim.obj, changed_at=sim.accountability["created_at"],
                           created_by=users["quality"], changed_by=users["quality"],
                           **sim.accountability)
            for sim in sims
            if sim.accountability is not None
        ]
        Accountability.objects.bulk_create(accountabilities, batch_size=BATCH)
        counts["remedy_proposals"] = len(proposals)
        counts["complaint_meetings"] = len(meetings)
        counts["accountability"] = len(accountabilities)
        audited: list[Any] = list(rows)
        if scale != "large":
            audited += proposals + meetings + accountabilities
        batch = f"demo-complaints-{now.date().isoformat()}"
        for i in range(0, len(audited), BATCH):
            counts["complaint_audit"] += audit_entries_bulk(
                ((r, AuditAction.IMPORT, None) for r in audited[i : i + BATCH]),
                actor=admin, batch=batch, note="demo data",
            )
        counts["complaints_open"] = sum(1 for s in sims if s.state not in (
            S.CLOSED, S.CALLED_BACK, S.CANCELLED))
        counts["complaints_overdue"] = sum(
            1 for s in sims if s.due_at is not None and s.due_at < now
        )
    return dict(counts)


def complaint_digest_rows() -> list[tuple[Any, ...]]:
    """The demo complaints by natural keys (for a digest: no database ids)."""
    return list(
        Complaint.objects.values_list(
            "number", "customer__code", "contact__email", "channel", "received_at",
            "product__model", "batch_number", "content_category", "nature", "severity",
            "state", "due_at", "escalated", "first_remedy_at", "closed_at",
            "callback_satisfaction", "parent__number", "owner__username",
        ).order_by("number")
    )
