"""Demo data of the feedback register: two years of consultations, suggestions, praise,
complaints and claims from every channel, with answers, assignments, a few open and overdue
inquiries near the anchor date, and praise notices.

`demo_build(seed=, today=, scale=)` uses the customers, contacts, products and demo users that
already exist (run after the customer and order steps). Deterministic: one random stream
(`manyi-demo:<seed>:feedback`), lists sorted by natural keys, dates relative to `today`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from manyi.accounts.types import Actor
from manyi.common import deadlines, numbering

from .deadlines import ANSWER
from .models import (
    FeedbackChannel,
    FeedbackEntry,
    FeedbackKind,
    FeedbackStatus,
    PraiseAspect,
    PraiseNotice,
)

HISTORY_DAYS = 730
ENTRIES = {"tiny": 80, "small": 700, "large": 6000}
DEMO_USERS = ("admin", "gm", "quality", "service", "sales", "shanghai", "clerk_gz", "bu_power",
              "finance", "viewer")

KIND_WEIGHTS = [
    (FeedbackKind.CONSULTATION, 44),
    (FeedbackKind.SUGGESTION, 20),
    (FeedbackKind.PRAISE, 12),
    (FeedbackKind.COMPLAINT, 19),
    (FeedbackKind.CLAIM, 5),
]
CHANNEL_WEIGHTS = [
    (FeedbackChannel.PHONE, 30),
    (FeedbackChannel.EMAIL, 16),
    (FeedbackChannel.SALES_VISIT, 12),
    (FeedbackChannel.FACE_TO_FACE, 9),
    (FeedbackChannel.WEB_FORM, 8),
    (FeedbackChannel.FAX, 4),
    (FeedbackChannel.LETTER, 3),
    (FeedbackChannel.TRADE_FAIR, 4),
    (FeedbackChannel.SYMPOSIUM, 3),
    (FeedbackChannel.MARKET_RESEARCH, 4),
    (FeedbackChannel.MEDIA, 2),
    (FeedbackChannel.CONSUMER_ORG, 2),
    (FeedbackChannel.REGULATOR, 1),
]
# Channels where the information does not come from one of our customers.
ANONYMOUS = {
    FeedbackChannel.MEDIA: ("《电源技术》杂志记者", "电子工程网论坛", "行业自媒体“电源圈”"),
    FeedbackChannel.CONSUMER_ORG: ("市消费者协会", "区消费者权益保护委员会"),
    FeedbackChannel.REGULATOR: ("市场监督管理局产品质量抽查通报", "省质检院监督抽查公告"),
    FeedbackChannel.MARKET_RESEARCH: ("第三方市场调研公司", "行业协会调研组"),
    FeedbackChannel.TRADE_FAIR: ("展会观众", "潜在客户（展会名片）"),
}
ASSIGNEES = ("ENG", "ENG", "ENG", "QA", "QA", "PROD", "SALES", "CS", "FIN")

CONSULTATIONS = (
    ("{m} 能否用于 110V 电网",
     "客户询问 {m}（{n}）的输入电压范围，现场为 110V 供电，是否需要另配变压器。",
     "{m} 为宽电压输入（85–264VAC），可直接用于 110V 电网，已发送规格书。"),
    ("{m} 的交货周期", "客户准备下批量订单，询问 {m} 500 台的标准交货期和加急可能。",
     "标准交期 15 个工作日，加急可压缩至 10 个工作日，已由销售员确认。"),
    ("索取 {m} 的 EMC 测试报告", "客户招标需要 {m} 的 EMC 和安规测试报告。",
     "已通过邮件发送第三方检测报告及 CCC 证书扫描件。"),
    ("{m} 的质保期及保修条款", "客户咨询 {n} 的质保期、保修范围及返修流程。",
     "质保期 24 个月，非人为损坏免费维修，返修按《售后服务承诺》执行。"),
    ("{m} 与旧型号的替换关系", "客户原用停产型号，询问 {m} 是否可以直接替换，安装尺寸是否一致。",
     "安装尺寸一致，接线端子定义有差异，已提供替换说明。"),
    ("{m} 并联使用的方法", "客户需要更大功率，询问两台 {m} 能否并联及均流措施。",
     "{m} 支持并联，需使用均流端子，已发送应用笔记。"),
    ("{m} 的工作温度范围", "项目现场夏季温度高，询问 {n} 满载工作的环境温度上限。",
     "满载工作温度 -25~+50℃，50℃以上按曲线降额，已提供降额曲线。"),
    ("开具增值税专用发票的资料", "客户财务询问开票资料和对账方式。",
     "已提供开票信息，按月对账。"),
)
SUGGESTIONS = (
    ("建议改进 {m} 的包装", "客户反映运输中包装箱角部易破损，建议增加护角和加厚纸箱。",
     "已转生产部评估，下批次起增加护角。"),
    ("建议说明书增加接线图", "客户建议 {n} 说明书增加彩色接线示意图，方便现场安装。",
     "技术部已更新说明书 V2.1，增加接线图。"),
    ("建议提供中英文标签", "外资客户建议铭牌和外箱标签采用中英文双语。",
     "已采纳，下季度起执行。"),
    ("建议开通在线查询发货状态", "客户希望能在网上查询订单的发货和物流状态。",
     "已纳入信息化改进计划。"),
    ("建议缩短返修周期", "客户认为返修周期偏长，建议设立备机周转。",
     "已在华东、华南设立备机库。"),
    ("建议增加端子防护盖", "现场安装人员建议 {m} 输入端子增加防护盖以防误触。",
     "技术部评估后在新版本中增加。"),
)
PRAISES = (
    ("表扬技术支持响应及时", "客户来电感谢技术部工程师周末赶赴现场排查故障，半天恢复生产。",
     PraiseAspect.TECHNICAL, "ENG"),
    ("表扬紧急订单按期交付", "客户临时追加 {m} 订单，生产部加班按期交付，客户表示非常满意。",
     PraiseAspect.DELIVERY, "PROD"),
    ("表扬客服热线服务态度", "客户致信表扬客服热线接线员耐心细致，问题一次解决。",
     PraiseAspect.SERVICE, "CS"),
    ("表扬 {m} 产品质量稳定", "客户反馈 {n} 连续运行一年零故障，质量稳定可靠。",
     PraiseAspect.PRODUCT, "QA"),
    ("表扬销售员回复迅速", "客户表扬办事处销售员报价和回复速度快。",
     PraiseAspect.RESPONSE, "SALES"),
)
COMPLAINTS = (
    ("{m} 到货外壳破损", "客户反映本批 {m} 到货时有 3 台外壳破损，要求更换。"),
    ("{m} 批量出现启动异常", "客户产线反馈 {n} 低温环境下偶发无法启动。"),
    ("交货延期影响生产", "订单承诺交期延误一周，客户产线停线，表示强烈不满。"),
    ("售后工程师服务态度差", "客户投诉售后人员现场服务时态度生硬，未解释故障原因。"),
    ("{m} 输出电压偏差超标", "客户来料检验发现 {m} 输出电压偏差超出规格书范围。"),
)
CLAIMS = (
    ("{m} 故障导致设备损坏索赔", "客户称 {n} 故障烧毁下游控制板，要求赔偿损失并提供票据。"),
    ("延期交货违约金", "因交货延期造成停线，客户按合同要求支付违约金。"),
)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _person_name(rng: random.Random) -> str:
    from manyi.demo.names import GIVEN_CHARS, SURNAMES

    surname = rng.choice(SURNAMES)[0]
    return surname + ("先生" if rng.random() < 0.6 else "女士") if rng.random() < 0.5 else (
        surname + rng.choice(GIVEN_CHARS)[0]
    )


def _phone(rng: random.Random) -> str:
    from manyi.demo.names import MOBILE_PREFIXES

    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _moment(day: dt.date, rng: random.Random) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 45)
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def demo_users() -> dict[str, Any]:
    """The demo accounts that exist (by username), else nothing."""
    from manyi.accounts.models import User

    return {u.username: u for u in User.objects.filter(username__in=DEMO_USERS, is_active=True)}


def _fallback(users: dict[str, Any], *names: str) -> Any:
    for name in names:
        if name in users:
            return users[name]
    if users:
        return users[sorted(users)[0]]
    from manyi.accounts.models import User

    return User.objects.filter(is_active=True).order_by("-is_superuser", "username").first()


def demo_build(*, seed: int, today: dt.date, scale: str) -> dict[str, int]:
    """Create the feedback register's demo rows; returns counts per record type."""
    from manyi.accounts.models import Department
    from manyi.common.calendar import company_calendar
    from manyi.customers.models import Contact, Customer, Product

    rng = random.Random(f"manyi-demo:{seed}:feedback")
    users = demo_users()
    admin = _fallback(users, "admin")
    if admin is None:
        return {"feedback_entries": 0, "praise_notices": 0}
    recorder_default = _fallback(users, "service", "sales", "admin")
    answerer = _fallback(users, "quality", "service", "admin")
    issuer = _fallback(users, "sales", "service", "admin")
    departments = {d.code: d for d in Department.objects.all()}
    customers = list(
        Customer.objects.filter(archived_at__isnull=True)
        .select_related("branch_office")
        .order_by("code")
    )
    contacts: dict[int, list[Any]] = {}
    for row in Contact.objects.filter(archived_at__isnull=True).order_by(
        "customer__code", "name", "function", "id"
    ):
        contacts.setdefault(row.customer_id, []).append(row)
    products = list(Product.objects.order_by("model").values_list("model", "name")) or [
        ("PS-2400-24", "240W 24V 工业开关电源")
    ]
    cal = company_calendar()
    now = timezone.now()
    workdays = deadlines.value(ANSWER)
    start = today - dt.timedelta(days=HISTORY_DAYS)
    n = ENTRIES.get(scale, ENTRIES["small"])

    days = [(start + dt.timedelta(days=rng.randrange(HISTORY_DAYS)), False)
            for _ in range(n - 6)]
    # Six fresh inquiries still waiting for their answer: some due, some overdue.
    days += [(today - dt.timedelta(days=rng.randrange(0, 9)), True) for _ in range(6)]
    moments = []
    for day, fresh in days:
        received_at = _moment(day, rng)
        if received_at > now:
            received_at = now - dt.timedelta(minutes=rng.randint(5, 600))
        moments.append((received_at, fresh))
    moments.sort()

    entries: list[FeedbackEntry] = []
    praise_specs: list[tuple[FeedbackEntry, Any, str]] = []
    year_seq: dict[int, int] = {}
    for received_at, fresh in moments:
        day = timezone.localtime(received_at).date()
        kind = FeedbackKind.CONSULTATION if fresh else _weighted(rng, KIND_WEIGHTS)
        channel = _weighted(rng, CHANNEL_WEIGHTS)
        model, product_name = rng.choice(products)
        customer: Any = None
        contact: Any = None
        contact_name = contact_phone = ""
        if (channel in ANONYMOUS and rng.random() < 0.7) or not customers:
            contact_name = rng.choice(ANONYMOUS.get(channel, ("散客",))) if (
                channel in ANONYMOUS
            ) else _person_name(rng)
            contact_phone = _phone(rng) if rng.random() < 0.6 else ""
        elif rng.random() < 0.06:
            contact_name, contact_phone = _person_name(rng), _phone(rng)  # walk-in
        else:
            customer = rng.choice(customers)
            options = contacts.get(customer.pk, [])
            if options and rng.random() < 0.8:
                contact = rng.choice(options)
        office = customer.branch_office.code if customer is not None else ""
        recorder = {"BO-SH": users.get("shanghai"), "BO-GZ": users.get("clerk_gz")}.get(
            office
        ) or (users.get("sales") if channel == FeedbackChannel.SALES_VISIT else None) or (
            recorder_default
        )
        fill = {"m": model, "n": product_name}
        year = timezone.localtime(received_at).year
        year_seq[year] = year_seq.get(year, 0) + 1
        entry = FeedbackEntry(
            number=numbering.scheme("feedback").render(year, year_seq[year]),
            received_at=received_at,
            customer=customer,
            contact=contact,
            contact_name=contact_name,
            contact_phone=contact_phone,
            channel=channel,
            kind=kind,
            recorded_by=recorder,
            created_by=admin,
            created_at=received_at,
            changed_by=admin,
            changed_at=received_at,
        )
        if kind in (FeedbackKind.CONSULTATION, FeedbackKind.SUGGESTION):
            subject, text, answer = rng.choice(
                CONSULTATIONS if kind == FeedbackKind.CONSULTATION else SUGGESTIONS
            )
            entry.subject, entry.text = subject.format(**fill), text.format(**fill)
            if not fresh and rng.random() < 0.55:
                entry.status = FeedbackStatus.ANSWERED
                entry.answer = answer.format(**fill)
                entry.answered_by = recorder
                entry.answered_at = received_at + dt.timedelta(minutes=rng.randint(3, 40))
            else:
                code = rng.choice(ASSIGNEES)
                entry.assigned_department = departments.get(code) or departments.get("CS")
                local = timezone.localtime(received_at)
                entry.due_at = cal.add_workdays_at(local, workdays)
                age = (today - day).days
                if not fresh and (age > 10 or (age > 2 and rng.random() < 0.5)):
                    late = rng.random() < 0.15
                    span = (entry.due_at - received_at).total_seconds()
                    delay = span * (rng.uniform(1.1, 2.5) if late else rng.uniform(0.1, 0.95))
                    answered_at = min(received_at + dt.timedelta(seconds=delay),
                                      now - dt.timedelta(minutes=1))
                    entry.status = FeedbackStatus.ANSWERED
                    entry.answer = answer.format(**fill)
                    entry.answered_by = answerer
                    entry.answered_at = answered_at
                    entry.changed_at = answered_at
                    entry.changed_by = answerer
                else:
                    entry.status = FeedbackStatus.OPEN
        elif kind == FeedbackKind.PRAISE:
            subject, text, aspect, dept_code = rng.choice(PRAISES)
            entry.subject, entry.text = subject.format(**fill), text.format(**fill)
            entry.status = FeedbackStatus.RECORDED
            if rng.random() < 0.4:
                entry.answer = "感谢您的肯定，我们会继续努力。"
                entry.answered_by = recorder
                entry.answered_at = received_at + dt.timedelta(minutes=rng.randint(5, 60))
            if rng.random() < 0.75:
                praise_specs.append((entry, aspect, dept_code))
        else:
            subject, text = rng.choice(COMPLAINTS if kind == FeedbackKind.COMPLAINT else CLAIMS)
            entry.subject, entry.text = subject.format(**fill), text.format(**fill)
            entry.status = FeedbackStatus.HANDED_OVER
            entry.handed_over_at = received_at + dt.timedelta(minutes=rng.randint(5, 120))
            entry.handed_over_to = ""
        entries.append(entry)

    with transaction.atomic():
        FeedbackEntry.objects.bulk_create(entries, batch_size=2000)
        notices = []
        praise_seq: dict[int, int] = {}
        for entry, aspect, dept_code in praise_specs:
            issued_at = min(entry.received_at + dt.timedelta(days=rng.randint(1, 4),
                                                              hours=rng.randint(0, 5)),
                            now - dt.timedelta(minutes=1))
            year = timezone.localtime(issued_at).year
            praise_seq[year] = praise_seq.get(year, 0) + 1
            department = departments.get(dept_code)
            if dept_code == "SALES" and entry.customer is not None:
                department = entry.customer.branch_office
            person = None
            if dept_code == "QA" and "quality" in users and rng.random() < 0.5:
                person = users["quality"]
            if department is None and person is None:
                continue
            notices.append(
                PraiseNotice(
                    number=numbering.scheme("praise_notice").render(year, praise_seq[year]),
                    entry=entry,
                    customer=entry.customer,
                    aspect=aspect,
                    department=department,
                    person=person,
                    text=f"{entry.text}特此通报表扬，望再接再厉。",
                    issued_by=issuer,
                    issued_at=issued_at,
                    created_by=admin,
                    created_at=issued_at,
                    changed_by=admin,
                    changed_at=issued_at,
                )
            )
        PraiseNotice.objects.bulk_create(notices, batch_size=2000)
        numbering.continue_after("feedback", (e.number for e in entries))
        numbering.continue_after("praise_notice", (n.number for n in notices))
        if scale != "large":
            _audit([*entries, *notices], actor=admin, seed=seed, today=today)
    return {"feedback_entries": len(entries), "praise_notices": len(notices)}


def _audit(records: Sequence[Any], *, actor: Actor, seed: int, today: dt.date) -> None:
    from manyi.audit.models import AuditAction
    from manyi.audit.services import audit_entries_bulk

    audit_entries_bulk(
        ((r, AuditAction.IMPORT, None) for r in records),
        actor=actor,
        batch=f"demo-{seed}-{today.isoformat()}",
        note="demo data",
    )
