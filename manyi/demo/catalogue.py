"""Product lines per business unit and their products (models, Chinese names, specifications)."""

from __future__ import annotations

from datetime import timedelta

from .context import DemoContext
from .names import PRODUCT_LINES, products_of


def step_catalogue(ctx: DemoContext) -> None:
    from manyi.customers.models import Product, ProductLine

    rng = ctx.rng("catalogue")
    existing = {pl.code: pl for pl in ProductLine.objects.all()}
    new_lines = [
        ProductLine(code=spec.code, name=spec.name, business_unit=ctx.departments[spec.bu])
        for spec in PRODUCT_LINES
        if spec.code not in existing
    ]
    ProductLine.objects.bulk_create(new_lines)
    ctx.product_lines = {pl.code: pl for pl in ProductLine.objects.filter(
        code__in=[spec.code for spec in PRODUCT_LINES]
    )}
    taken = set(Product.objects.values_list("model", flat=True))
    products = []
    for spec in PRODUCT_LINES:
        for model, name, specification in products_of(spec.code):
            if model in taken:
                continue
            at = ctx.moment(ctx.start - timedelta(days=rng.randint(10, 90)), rng)
            products.append(Product(
                model=model,
                name=name,
                specification=specification,
                product_line=ctx.product_lines[spec.code],
                created_at=at,
                changed_at=at,
                created_by=ctx.actor,
                changed_by=ctx.actor,
            ))
    Product.objects.bulk_create(products)
    line_code = {pl.pk: code for code, pl in ctx.product_lines.items()}
    ctx.products_by_line = {code: [] for code in ctx.product_lines}
    for product in Product.objects.filter(product_line__in=list(ctx.product_lines.values())):
        ctx.products_by_line[line_code[product.product_line_id]].append(product)
    for line in ctx.products_by_line.values():
        line.sort(key=lambda p: p.model)
    ctx.counts["product_lines"] = len(new_lines)
    ctx.counts["products"] = len(products)
    ctx.audit([*new_lines, *products])
