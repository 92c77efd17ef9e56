"""Customers (direct, dealers, agents; KAs carry most revenue) and their contacts."""

from __future__ import annotations

import math
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from .context import BATCH, HISTORY_DAYS, CustomerPlan, DemoContext, allocate, chunks
from .names import (
    BU_WEIGHTS,
    BUILDINGS,
    COMPANY_SUFFIXES,
    COMPETITORS,
    DECISION_ODDS,
    ENGLISH_FIRST_NAMES,
    ENGLISH_LAST_NAMES,
    GIVEN_CHARS,
    INDUSTRIES,
    MOBILE_PREFIXES,
    OFFICE_AREAS,
    OFFICE_WEIGHTS,
    PRODUCT_LINES,
    ROADS,
    SURNAMES,
    TITLES,
    TRADE_FIRST,
    TRADE_INDUSTRIES,
    TRADE_SECOND,
    Area,
)

KA_SHARE = 0.06  # of direct customers per BU; they carry about two thirds of the revenue
DEALER_SHARE = 0.05
AGENT_SHARE = 0.03
LOST_SHARE = 0.04
LINKED_TO_DEALER = 0.15  # of ordinary direct customers
FOREIGN_SHARE = 0.07


def _lognormal_cny(rng: random.Random, median: float, sigma: float) -> Decimal:
    value = rng.lognormvariate(math.log(median), sigma)
    return Decimal(max(10, round(value / 1000)) * 1000).quantize(Decimal("0.01"))


def _company_name(rng: random.Random, area: Area, kind: str, taken: set[str]) -> tuple[str, str]:
    """A unique company name and its e-mail domain."""
    city = area.city.removesuffix("市")
    industries = INDUSTRIES if kind == "direct" else TRADE_INDUSTRIES
    for _attempt in range(200):
        (c1, p1), (c2, p2) = rng.choice(TRADE_FIRST), rng.choice(TRADE_SECOND)
        if c1 == c2:
            continue
        industry, abbr = rng.choice(industries)
        suffix = rng.choice(COMPANY_SUFFIXES)
        name = f"{city}{c1}{c2}{industry}{suffix}"
        if name not in taken:
            taken.add(name)
            return name, f"{p1}{p2}{abbr}-{area.slug}.example.cn"
    raise RuntimeError(f"no free company name left for {area.city}")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _address(rng: random.Random, area: Area) -> str:
    province = "" if area.province == area.city else area.province
    district = rng.choice(area.districts)
    return (
        f"{province}{area.city}{district}{rng.choice(ROADS)}{rng.randint(1, 899)}号"
        f"{rng.choice(BUILDINGS)}"
    )


def step_customers(ctx: DemoContext) -> None:
    from manyi.customers.models import Customer, CustomerClass, CustomerKind, CustomerLevel

    rng = ctx.rng("customers")
    n = ctx.scale.customers
    offices, office_w = list(OFFICE_WEIGHTS), list(OFFICE_WEIGHTS.values())
    bus, bu_w = list(BU_WEIGHTS), list(BU_WEIGHTS.values())

    office_of = rng.choices(offices, office_w, k=n)
    bu_of = rng.choices(bus, bu_w, k=n)
    kind_of = [CustomerKind.DIRECT.value] * n
    n_dealers, n_agents = max(2, round(n * DEALER_SHARE)), max(1, round(n * AGENT_SHARE))
    traders = rng.sample(range(n), n_dealers + n_agents)
    for j, i in enumerate(traders):
        kind_of[i] = CustomerKind.DEALER if j < n_dealers else CustomerKind.AGENT
    ka: set[int] = set()
    for bu in bus:
        direct = [i for i in range(n) if bu_of[i] == bu and kind_of[i] == CustomerKind.DIRECT]
        ka.update(rng.sample(direct, min(len(direct), max(3, round(len(direct) * KA_SHARE)))))
    ordinary = [i for i in range(n) if kind_of[i] == CustomerKind.DIRECT and i not in ka]
    lost = set(rng.sample(ordinary, min(len(ordinary), max(1, round(n * LOST_SHARE)))))

    lines_of_bu: dict[str, list[str]] = {bu: [] for bu in bus}
    for spec in PRODUCT_LINES:
        lines_of_bu[spec.bu].append(spec.code)
    other_lines = {bu: [c for b, codes in lines_of_bu.items() if b != bu for c in codes]
                   for bu in bus}

    taken = set(Customer.objects.values_list("name", flat=True))
    customers: list[Any] = []
    for i in range(n):
        office = ctx.departments[office_of[i]]
        areas = OFFICE_AREAS[office_of[i]]
        area = rng.choices(areas, [3] + [1] * (len(areas) - 1))[0]
        kind = kind_of[i]
        name, domain = _company_name(rng, area, kind, taken)
        if i in ka:
            revenue = _lognormal_cny(rng, 32e6, 0.5)
        elif kind != CustomerKind.DIRECT:
            revenue = _lognormal_cny(rng, 3e6, 0.6)
        else:
            revenue = _lognormal_cny(rng, 0.6e6, 0.9)
        if i in ka:
            level = rng.choices([CustomerLevel.PROVINCIAL, CustomerLevel.CITY], [6, 4])[0]
        else:
            level = rng.choices(
                [CustomerLevel.PROVINCIAL, CustomerLevel.CITY, CustomerLevel.OTHER], [5, 35, 60]
            )[0]
        klass = (
            CustomerClass.A if i in ka or revenue >= 3_000_000
            else CustomerClass.B if revenue >= 500_000 else CustomerClass.C
        )
        # Since when the customer orders: most existed when the history starts.
        if rng.random() < 0.55 or i in ka or kind != CustomerKind.DIRECT:
            since = rng.randint(0, 20)
        else:
            since = rng.randint(21, HISTORY_DAYS - 60)
        until = HISTORY_DAYS
        if i in lost:
            since = min(since, rng.randint(0, 300))
            until = rng.randint(since + 120, HISTORY_DAYS - 60)
        own = lines_of_bu[bu_of[i]]
        lines = rng.sample(own, rng.randint(2 if i in ka else 1, len(own)))
        if rng.random() < 0.15:
            lines.append(rng.choice(other_lines[bu_of[i]]))
        foreign = kind == CustomerKind.DIRECT and rng.random() < FOREIGN_SHARE
        at = ctx.moment(ctx.days[since], rng)
        customers.append(Customer(
            code=f"C{i + 1:06d}",
            name=name,
            kind=kind,
            address=_address(rng, area),
            phone=f"{area.area_code}-{rng.choice('568')}{_digits(rng, 7)}",
            region=office.parent,
            branch_office=office,
            business_unit=ctx.departments[bu_of[i]],
            level=level,
            customer_class=klass,
            key_account=i in ka,
            annual_revenue=revenue,
            status="lost" if i in lost else "active",
            competitors="、".join(rng.sample(COMPETITORS, rng.choice([0, 1, 1, 2]))),
            notes="外资企业，部分联系人使用英文 / foreign-invested" if foreign else "",
            created_at=at,
            changed_at=at,
            created_by=ctx.actor,
            changed_by=ctx.actor,
        ))
        products = [p for code in lines for p in ctx.products_by_line[code]]
        size = min(6.0, max(0.3, math.sqrt(float(revenue) / 1e6)))
        ctx.plans.append(CustomerPlan(since, until, size, lines, products, foreign, domain))

    # Direct customers buying through a dealer or agent of the same office.
    traders_by_office: dict[str, list[int]] = {}
    for i in sorted(traders):
        traders_by_office.setdefault(office_of[i], []).append(i)
    linked: dict[int, int] = {}
    for i in ordinary:
        if traders_by_office.get(office_of[i]) and rng.random() < LINKED_TO_DEALER:
            linked[i] = rng.choice(traders_by_office[office_of[i]])
    if not linked:  # tiny scales: show at least one such customer
        for i in ordinary:
            if traders_by_office.get(office_of[i]):
                linked[i] = traders_by_office[office_of[i]][0]
                break

    # Dealers first, so that the others can point at them.
    first = [customers[i] for i in range(n) if kind_of[i] != CustomerKind.DIRECT]
    Customer.objects.bulk_create(first, batch_size=BATCH)
    for i, t in linked.items():
        customers[i].dealer = customers[t]
    rest = [customers[i] for i in range(n) if kind_of[i] == CustomerKind.DIRECT]
    for chunk in chunks(rest):
        Customer.objects.bulk_create(chunk)
        ctx.progress("customers", len(chunk))
    ctx.progress("customers", len(first))

    through = Customer.product_lines.through
    rows = [
        through(customer_id=c.pk, productline_id=ctx.product_lines[code].pk)
        for c, plan in zip(customers, ctx.plans, strict=True)
        for code in plan.lines
    ]
    through.objects.bulk_create(rows, batch_size=BATCH)
    ctx.customers = customers
    ctx.counts["customers"] = n
    ctx.audit(customers, always=True)


FUNCTION_ORDER_HEAD = ("gm", "purchasing")
FUNCTION_ORDER_TAIL = ("quality", "product_manager", "marketing", "user")
EXTRA_FUNCTIONS = ("user", "quality", "purchasing", "product_manager")


def _functions(rng: random.Random, k: int) -> list[str]:
    """gm and purchasing first, then the other four in random order, then repeats."""
    tail = list(FUNCTION_ORDER_TAIL)
    rng.shuffle(tail)
    order = [*FUNCTION_ORDER_HEAD, *tail]
    while len(order) < k:
        order.append(rng.choice(EXTRA_FUNCTIONS))
    return order[:k]


def _decision_class(rng: random.Random, function: str) -> str:
    a, b = DECISION_ODDS[function]
    r = rng.random()
    return "A" if r < a else "B" if r < a + b else "C"


def step_contacts(ctx: DemoContext) -> None:
    from manyi.customers.models import Contact

    rng = ctx.rng("contacts")
    weights = [
        3.0 if c.key_account else 1.5 if c.kind != "direct" else 1.0 for c in ctx.customers
    ]
    per_customer = allocate(ctx.scale.contacts, weights, 3, rng)
    last_day = ctx.today - timedelta(days=1)
    pending: list[Any] = []
    total = 0
    for customer, plan, k in zip(ctx.customers, ctx.plans, per_customer, strict=True):
        area_code = customer.phone.split("-")[0]
        emails: set[str] = set()
        contacts = []
        for function in _functions(rng, k):
            english = (plan.foreign and rng.random() < 0.6) or rng.random() < 0.02
            title_zh, title_en = rng.choice(TITLES[function])
            if english:
                first, last = rng.choice(ENGLISH_FIRST_NAMES), rng.choice(ENGLISH_LAST_NAMES)
                name, local, title = f"{first} {last}", f"{first}.{last}".lower(), title_en
            else:
                surname, s_py = rng.choice(SURNAMES)
                given = rng.sample(GIVEN_CHARS, 2 if rng.random() < 0.7 else 1)
                name = surname + "".join(ch for ch, _py in given)
                g_py = "".join(py for _ch, py in given)
                local = rng.choice([f"{g_py}.{s_py}", f"{s_py}{g_py}", f"{s_py}.{g_py}"])
                title = title_zh
            base, n = local, 2
            while local in emails:
                local, n = f"{base}{n}", n + 1
            emails.add(local)
            if rng.random() < 0.2:
                phone = f"{area_code}-{rng.choice('568')}{_digits(rng, 7)}-{rng.randint(800, 899)}"
            else:
                phone = f"{rng.choice(MOBILE_PREFIXES)}{_digits(rng, 8)}"
            day = min(ctx.days[plan.since] + timedelta(days=rng.randint(0, 60)), last_day)
            at = ctx.moment(day, rng)
            contacts.append(Contact(
                customer_id=customer.pk,
                name=name,
                function=function,
                decision_class=_decision_class(rng, function),
                title=title,
                phone=phone,
                email=f"{local}@{plan.domain}",
                language="en" if english else "zh-hans",
                created_at=at,
                changed_at=at,
                created_by_id=ctx.actor.pk,
                changed_by_id=ctx.actor.pk,
            ))
        if not any(c.decision_class == "A" for c in contacts):
            contacts[0].decision_class = "A"  # someone decides on buying
        pending.extend(contacts)
        if len(pending) >= BATCH:
            total += _flush_contacts(ctx, pending)
            pending = []
    total += _flush_contacts(ctx, pending)
    ctx.counts["contacts"] = total


def _flush_contacts(ctx: DemoContext, contacts: list[Any]) -> int:
    from manyi.customers.models import Contact

    Contact.objects.bulk_create(contacts, batch_size=BATCH)
    ctx.progress("contacts", len(contacts))
    ctx.audit(contacts)
    return len(contacts)
