"""Demo data of customer property: two years of samples, drawings, documents, measuring
equipment and tooling received from customers, with their movements, lending slips (a few
open and overdue near the anchor date), external documents with superseded versions, and
damage/loss reports sent to the customers and answered.

`demo_build(seed=, today=, scale=)` uses the customers, contacts, products and demo users that
already exist. Deterministic: one random stream (`manyi-demo:<seed>:property`), lists sorted by
natural keys, dates relative to `today`.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from manyi.common import numbering

from . import rules
from .models import (
    Condition,
    CustomerProperty,
    DamageKind,
    DamageReport,
    DamageStatus,
    DocumentType,
    ExternalDocument,
    LoanSlip,
    MovementKind,
    PropertyKind,
    PropertyMovement,
    PropertyStatus,
)

HISTORY_DAYS = 730
ITEMS = {"tiny": 18, "small": 150, "large": 1500}
DEMO_USERS = ("admin", "gm", "quality", "service", "sales", "shanghai", "clerk_gz", "bu_power",
              "finance", "viewer")

KIND_WEIGHTS = [
    (PropertyKind.SAMPLE, 28),
    (PropertyKind.SAMPLE_PART, 14),
    (PropertyKind.DRAWING, 20),
    (PropertyKind.DOCUMENT, 12),
    (PropertyKind.MEASURING, 8),
    (PropertyKind.TOOLING, 12),
    (PropertyKind.MATERIAL, 6),
]
# kind → (name templates, unit, quantity range, locations)
KIND_SPECS: dict[str, tuple[tuple[str, ...], str, tuple[int, int], tuple[str, ...]]] = {
    PropertyKind.SAMPLE: (("客户整机样机（配套 {m}）", "{m} 客户退回分析样品", "客户对标样机"),
                          "台", (1, 4), ("样品库 A-01", "样品库 A-03", "实验室 2 号柜")),
    PropertyKind.SAMPLE_PART: (("客户提供的外壳样件", "客户安装支架样件", "接插件样件"),
                               "件", (2, 10), ("样品库 B-02", "装配车间待检区")),
    PropertyKind.DRAWING: (("客户机柜安装图", "客户接口板图纸", "外壳结构图"),
                           "套", (1, 3), ("技术部资料室",)),
    PropertyKind.DOCUMENT: (("客户技术协议", "客户来料检验规范", "客户质量协议"),
                            "份", (1, 2), ("品质部文件柜",)),
    PropertyKind.MEASURING: (("客户提供的专用检具", "客户标准负载仪", "客户校准用电参数表"),
                             "台", (1, 2), ("计量室",)),
    PropertyKind.TOOLING: (("客户专用测试治具", "客户提供的老化架", "客户模具（外壳）"),
                           "套", (1, 3), ("工装库 T-05", "生产一线")),
    PropertyKind.MATERIAL: (("客户提供的专用线材", "客户指定铭牌", "客户提供的包装箱"),
                            "件", (20, 300), ("原材料库 M-11",)),
}
DOC_TYPE = {PropertyKind.DRAWING: DocumentType.DRAWING,
            PropertyKind.DOCUMENT: DocumentType.SPECIFICATION}
PURPOSES = ("EMC 摸底测试", "装配尺寸核对", "试产首件比对", "客户现场演示", "失效分析",
            "工艺验证", "新品设计参考")
DAMAGES = (
    ("搬运中跌落，外壳一角开裂。", "已隔离存放，拍照留证，联系客户确认处理方式。"),
    ("老化试验中过压损坏输入电路。", "已停用，保留故障件，等待客户意见。"),
    ("仓库漏水导致包装受潮。", "已烘干并更换包装，功能测试正常。"),
)
LOSSES = (("车间搬迁时遗失，多方查找未果。", "已报告主管，加强借用登记管理。"),)
REPLIES = ("同意贵司维修后寄回。", "请按成本价赔偿。", "无需赔偿，下次注意。",
           "Please repair and send it back.", "请重新制作一件。")


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60)
    naive = dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60))
    return timezone.make_aware(naive, timezone.get_default_timezone())


class _Numbers:
    """Numbers of one scheme (manyi.common.numbering) given in date order, per year."""

    def __init__(self, scope: str) -> None:
        self.scheme = numbering.scheme(scope)
        self.seq: dict[int, int] = {}

    def next(self, year: int) -> str:
        self.seq[year] = self.seq.get(year, 0) + 1
        return self.scheme.render(year, self.seq[year])


def demo_build(*, seed: int, today: dt.date, scale: str) -> dict[str, int]:
    """Create the customer-property demo rows; returns counts per record type."""
    from manyi.accounts.models import Department, User
    from manyi.common.calendar import company_calendar
    from manyi.customers.models import Contact, Customer, Product

    rng = random.Random(f"manyi-demo:{seed}:property")
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERS,
                                                        is_active=True)}
    fallback = User.objects.filter(is_active=True).order_by("-is_superuser", "username").first()
    admin = users.get("admin") or fallback
    empty = {"property_items": 0, "property_movements": 0, "property_loans": 0,
             "external_documents": 0, "damage_reports": 0}
    customers = list(Customer.objects.filter(archived_at__isnull=True)
                     .select_related("branch_office").order_by("code"))
    if admin is None or not customers:
        return empty
    sales = users.get("sales") or admin
    registrar = users.get("quality") or admin
    borrowers = [users[n] for n in ("quality", "service", "sales", "shanghai", "clerk_gz",
                                    "bu_power") if n in users] or [admin]
    departments = {d.code: d for d in Department.objects.all()}
    contacts: dict[int, list[Any]] = {}
    for c in Contact.objects.filter(archived_at__isnull=True).order_by(
        "customer__code", "name", "function", "id"
    ):
        contacts.setdefault(c.customer_id, []).append(c)
    models = list(Product.objects.order_by("model").values_list("model", flat=True)) or [
        "PS-2400-24"
    ]
    cal = company_calendar()
    now = timezone.now()
    start = today - dt.timedelta(days=HISTORY_DAYS)
    n = ITEMS.get(scale, ITEMS["small"])
    days = sorted(start + dt.timedelta(days=rng.randrange(HISTORY_DAYS - 3)) for _ in range(n))

    item_no, loan_no, damage_no = (_Numbers("property_item"), _Numbers("loan_slip"),
                                   _Numbers("damage_report"))
    items: list[CustomerProperty] = []
    movements: list[PropertyMovement] = []
    loans: list[LoanSlip] = []
    reports: list[DamageReport] = []
    documents: list[tuple[ExternalDocument, list[str]]] = []

    def stamp(obj: Any, at: dt.datetime) -> Any:
        obj.created_by = obj.changed_by = admin
        obj.created_at = obj.changed_at = at
        return obj

    def move(item: CustomerProperty, kind: str, at: dt.datetime, frm: Any, to: Any,
             person: Any = None, qty: int | None = None, note: str = "") -> PropertyMovement:
        movement = stamp(PropertyMovement(
            item=item, kind=kind, at=at, from_department=frm, to_department=to,
            to_person=person, quantity=qty or item.quantity, note=note, recorded_by=sales,
        ), at)
        movements.append(movement)
        return movement

    notes: list[tuple[PropertyMovement, Any]] = []  # movement notes naming a slip / report

    for day in days:
        customer = rng.choice(customers)
        options = contacts.get(customer.pk, [])
        with_mail = [c for c in options if c.email]
        contact = rng.choice(with_mail) if with_mail else (rng.choice(options) if options
                                                             else None)
        kind = _weighted(rng, KIND_WEIGHTS)
        names, unit, (qmin, qmax), locations = KIND_SPECS[kind]
        model = rng.choice(models)
        holding = departments[rules.receiving_department_code(kind)]
        received_at = _at(day, rng)
        office = customer.branch_office.code
        receiver = {"BO-SH": users.get("shanghai"), "BO-GZ": users.get("clerk_gz")}.get(
            office) or sales
        if kind == PropertyKind.DRAWING:
            identifier = f"DWG-{customer.code}-{rng.randint(100, 999)}"
        elif kind == PropertyKind.DOCUMENT:
            identifier = f"SPEC-{customer.code}-{rng.randint(10, 99)}"
        else:
            identifier = f"{customer.code}-{rng.randint(1000, 9999)}"
        condition = _weighted(rng, [(Condition.INTACT, 90), (Condition.MINOR, 7),
                                    (Condition.INCOMPLETE, 3)])
        item = stamp(CustomerProperty(
            number=item_no.next(day.year),
            customer=customer,
            contact=contact,
            kind=kind,
            name=rng.choice(names).format(m=model),
            identifier=identifier,
            quantity=rng.randint(qmin, qmax),
            unit=unit,
            received_on=day,
            received_by=receiver,
            condition=condition,
            condition_note="" if condition == Condition.INTACT else "外包装有轻微压痕",
            holding_department=holding,
            location=rng.choice(locations),
            status=PropertyStatus.HELD,
        ), received_at)
        items.append(item)
        move(item, MovementKind.RECEIVED, received_at, departments.get("SALES"), holding)

        if kind in DOC_TYPE:
            spread = ["PROD", "QA"] if kind == PropertyKind.DRAWING else ["QA", "PROD", "ENG"]
            base = ExternalDocument(
                customer=customer, item=item, doc_type=DOC_TYPE[kind],
                doc_number=identifier, revision="A", title=item.name,
                received_on=day, registered_by=registrar, copies=item.quantity,
            )
            documents.append((stamp(base, received_at), spread))
            later = day + dt.timedelta(days=rng.randint(30, 300))
            if rng.random() < 0.3 and later < today:
                base.superseded = True
                documents.append((stamp(ExternalDocument(
                    customer=customer, item=item, doc_type=DOC_TYPE[kind],
                    doc_number=identifier, revision="B", title=item.name,
                    received_on=later, registered_by=registrar, copies=item.quantity,
                    notes="客户发来更新版本，A 版作废",
                ), _at(later, rng)), spread))

        t = received_at
        if rng.random() < 0.25:  # issued on to another department
            at = t + dt.timedelta(days=rng.randint(1, 20))
            if at < now:
                target = departments[rng.choice(["ENG", "QA", "PROD"])]
                if target != item.holding_department:
                    move(item, MovementKind.ISSUED, at, item.holding_department, target,
                         note="工作需要")
                    item.holding_department = target
                    item.changed_at = at
                    t = at
        # lending slips
        while rng.random() < 0.55:
            lent_at = _at(timezone.localtime(t).date() + dt.timedelta(days=rng.randint(2, 45)),
                          rng)
            if lent_at >= now:
                break
            borrower = rng.choice(borrowers)
            workdays = rng.choice([3, 5, 5, 10])
            due_at = cal.add_workdays_at(timezone.localtime(lent_at), workdays)
            recent = (now - lent_at).days < 20
            if recent and rng.random() < 0.6:
                returned_at = None
            elif rng.random() < 0.13:
                returned_at = due_at + dt.timedelta(days=rng.randint(1, 10))
            else:
                returned_at = lent_at + (due_at - lent_at) * rng.uniform(0.2, 0.95)
            if returned_at is not None:  # during office hours, never before lending
                returned_at = max(_at(timezone.localtime(returned_at).date(), rng),
                                  lent_at + dt.timedelta(hours=1))
            if returned_at is not None and returned_at >= now:
                returned_at = None
            loan = stamp(LoanSlip(
                item=item, borrower=borrower,
                department=borrower.department or item.holding_department,
                quantity=1 if item.quantity < 5 else rng.randint(1, item.quantity),
                purpose=rng.choice(PURPOSES),
                customer_consent=rng.random() < 0.3,
                approved_by=sales, lent_at=lent_at, due_at=due_at,
                returned_at=returned_at,
                return_condition=Condition.INTACT if returned_at else "",
            ), lent_at)
            loans.append(loan)
            notes.append((move(item, MovementKind.LENT, lent_at, item.holding_department,
                               loan.department, borrower, loan.quantity), loan))
            if returned_at is None:
                item.status = PropertyStatus.LENT
                item.changed_at = lent_at
                break
            loan.changed_at = returned_at
            notes.append((move(item, MovementKind.LOAN_RETURNED, returned_at, loan.department,
                               item.holding_department, None, loan.quantity), loan))
            t = returned_at
        if item.status == PropertyStatus.LENT:
            continue
        if rng.random() < 0.05:  # damage or loss
            occurred = t + dt.timedelta(days=rng.randint(1, 60))
            if occurred < now - dt.timedelta(days=1):
                lost = rng.random() < 0.3
                what, action = rng.choice(LOSSES if lost else DAMAGES)
                occurred_on = timezone.localtime(occurred).date()
                report = stamp(DamageReport(
                    item=item,
                    kind=DamageKind.LOST if lost else DamageKind.DAMAGED,
                    occurred_on=occurred_on, found_by=rng.choice(borrowers),
                    description=what, immediate_action=action, contact=contact,
                    status=DamageStatus.DRAFT,
                ), occurred)
                sent_at = occurred + dt.timedelta(days=rng.randint(1, 2))
                if contact is not None and contact.email and sent_at < now and (
                    rng.random() < 0.9
                ):
                    report.status = DamageStatus.SENT
                    report.sent_at, report.sent_to = sent_at, contact.email
                    report.sent_language = contact.language
                    report.changed_at = sent_at
                    replied = sent_at + dt.timedelta(days=rng.randint(1, 10))
                    if replied < now and rng.random() < 0.75:
                        report.status = DamageStatus.REPLIED
                        report.customer_reply = rng.choice(REPLIES)
                        report.reply_received_on = timezone.localtime(replied).date()
                        report.changed_at = replied
                reports.append(report)
                notes.append((move(item, MovementKind.LOST if lost else MovementKind.DAMAGED,
                                   occurred, item.holding_department, None), report))
                item.status = PropertyStatus.LOST if lost else PropertyStatus.DAMAGED
                item.changed_at = occurred
                t = occurred
                if lost:
                    continue
        if rng.random() < 0.4:  # returned to the customer
            back = t + dt.timedelta(days=rng.randint(10, 150))
            if back < now - dt.timedelta(days=1):
                move(item, MovementKind.TO_CUSTOMER, back, item.holding_department, None,
                     note="快递退回客户")
                item.status = PropertyStatus.RETURNED
                item.returned_on = timezone.localtime(back).date()
                item.changed_at = back

    # Slip and report numbers in the order of their dates, as if written at the time.
    for loan in sorted(loans, key=lambda x: (x.lent_at, x.item.number)):
        loan.number = loan_no.next(timezone.localtime(loan.lent_at).year)
    for report in sorted(reports, key=lambda x: (x.occurred_on, x.item.number)):
        report.number = damage_no.next(report.occurred_on.year)
    for movement, record in notes:
        movement.note = record.number

    with transaction.atomic():
        CustomerProperty.objects.bulk_create(items, batch_size=2000)
        PropertyMovement.objects.bulk_create(movements, batch_size=2000)
        LoanSlip.objects.bulk_create(loans, batch_size=2000)
        DamageReport.objects.bulk_create(reports, batch_size=2000)
        numbered: tuple[tuple[str, list[Any]], ...] = (
            ("property_item", items), ("loan_slip", loans), ("damage_report", reports))
        for scope, rows in numbered:
            numbering.continue_after(scope, (r.number for r in rows))
        docs = [d for d, _spread in documents]
        ExternalDocument.objects.bulk_create(docs, batch_size=2000)
        through = ExternalDocument.distributed_to.through
        through.objects.bulk_create(
            [through(externaldocument_id=d.pk, department_id=departments[code].pk)
             for d, spread in documents for code in spread],
            batch_size=2000,
        )
        if scale != "large":
            from manyi.audit.models import AuditAction
            from manyi.audit.services import audit_entries_bulk

            records: list[Any] = [*items, *loans, *reports, *docs]
            audit_entries_bulk(
                ((r, AuditAction.IMPORT, None) for r in records),
                actor=admin,
                batch=f"demo-{seed}-{today.isoformat()}",
                note="demo data",
            )
    return {
        "property_items": len(items),
        "property_movements": len(movements),
        "property_loans": len(loans),
        "external_documents": len(docs),
        "damage_reports": len(reports),
    }
