"""Bad input refused with a message on the field, the same on the page, the API and the import:
an order promised (or delivered) before it was ordered, a 5 MB note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from manyi.accounts.services import api_token_create
from manyi.common.validators import TEXT_MAX_CHARS
from manyi.customers.models import Customer, Order
from manyi.customers.transfer import import_file

pytestmark = pytest.mark.django_db
FIVE_MB = "意" * (5 * 1024 * 1024 // 3)  # 5 MB of UTF-8


@pytest.fixture
def service_user(make_user):
    return make_user("sales_clerk", department="BO-SH")


def _order(customer: Any, product: Any, **extra: Any) -> dict[str, Any]:
    return {"number": "SO-2026-1", "customer": customer.pk, "order_date": "2026-03-10",
            "product": product.pk, "quantity": 10, "promised_date": "2026-03-01",
            "extra_freight": "0", "defects": 0, "returned": 0, **extra}


def test_order_promised_before_it_was_ordered_on_the_page(client, service_user, make_customer,
                                                          product) -> None:
    customer = make_customer()
    client.force_login(service_user)
    url = reverse("customers:order_create", args=[customer.pk])
    response = client.post(url, _order(customer, product, delivered_date="2026-03-05"))
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    errors = response.context["form"].errors
    assert "2026-03-01" in errors["promised_date"][0] and "2026-03-10" in errors["promised_date"][0]
    assert "delivered_date" in errors
    assert not Order.objects.exists()
    ok = client.post(url, _order(customer, product, promised_date="2026-03-10"))
    assert ok.status_code == 302 and Order.objects.count() == 1


def test_order_dates_through_the_api(client, service_user, make_customer, product) -> None:
    _token, key = api_token_create(user=service_user)
    response = client.post("/api/v1/customers/orders/", _order(make_customer(), product),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 422, response.content
    assert "promised_date" in response.json()["errors"]
    assert not Order.objects.exists()


def test_order_dates_in_the_import_name_row_and_column(make_customer, product,
                                                       tmp_path: Path) -> None:
    make_customer(code="C1")
    path = tmp_path / "orders.csv"
    path.write_text(
        "订单号,客户编码,订单日期,产品型号,数量,承诺交期,实际交付日期,缺陷数,退换货数,额外运费(元)\n"
        "SO-1,C1,2024-01-02,T-100,10,2024-01-09,2024-01-08,0,0,0\n"
        "SO-2,C1,2024-01-10,T-100,10,2024-01-09,2024-01-01,0,0,0\n", encoding="utf-8")
    with translation.override("en"):
        report = import_file("orders", path, actor=None)
    errors = {(e.row, e.key): e.reason for e in report.errors}
    assert set(errors) == {(3, "promised_date"), (3, "delivered_date")}
    assert errors[(3, "promised_date")] == (
        "The promised delivery date (2024-01-09) is before the order date (2024-01-10).")
    assert not Order.objects.exists()


def test_a_five_megabyte_note_is_refused_on_the_page(client, service_user, make_customer) -> None:
    customer = make_customer()
    client.force_login(service_user)
    page = client.get(reverse("customers:edit", args=[customer.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update({"notes": FIVE_MB, "version": customer.version,
                 "product_lines": [], "dealer": ""})
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    response = client.post(reverse("customers:edit", args=[customer.pk]), data)
    assert response.status_code in (200, 422)
    errors = response.context["form"].errors
    assert "notes" in errors and str(TEXT_MAX_CHARS) in errors["notes"][0].replace(",", "")
    assert Customer.objects.get(pk=customer.pk).notes == ""


def _customers_file(tmp_path: Path, fmt: str, note: str) -> Path:
    header = ["客户编码", "客户名称", "客户类型", "办事处", "事业部", "客户级别", "年销售额(元)"]
    rows = [[*header, "备注"],
            ["C1", "好客户", "direct", "BO-SH", "BU-PWR", "city", "100.00", "短备注"],
            ["C2", "长备注客户", "direct", "BO-SH", "BU-PWR", "city", "100.00", note]]
    path = tmp_path / f"customers.{fmt}"
    if fmt == "csv":
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    else:
        from openpyxl import Workbook

        book = Workbook()
        for r in rows:
            book.active.append(r)
        book.save(path)
    return path


def test_an_over_long_note_in_the_import_names_row_and_column(tmp_path: Path,
                                                              reference_data: None) -> None:
    path = _customers_file(tmp_path, "xlsx", "长" * (TEXT_MAX_CHARS + 1))
    with translation.override("en"):
        report = import_file("customers", path, actor=None)
    errors = {(e.row, e.key): e.reason for e in report.errors}
    assert list(errors) == [(3, "notes")]
    assert str(TEXT_MAX_CHARS) in errors[(3, "notes")].replace(",", "")
    assert not Customer.objects.exists()


def test_a_five_megabyte_cell_in_a_csv_import_is_a_row_error(tmp_path: Path,
                                                             reference_data: None) -> None:
    """Over the csv module's field limit: the row is reported, nothing crashes."""
    with translation.override("en"):
        report = import_file("customers", _customers_file(tmp_path, "csv", FIVE_MB), actor=None)
    assert [(e.row, e.reason.split(" (")[0]) for e in report.errors] == [
        (3, "This line cannot be read")]
    assert not Customer.objects.exists()
