"""Export → import round trips (csv and xlsx), upserts by natural key, audit entries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from manyi.audit.models import AuditAction, AuditEntry
from manyi.customers.models import Contact, Customer, Order, ProductLine
from manyi.customers.transfer import export_file, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages are asserted in English (the msgids); zh-Hans is the site default."""
    from django.utils import translation

    with translation.override("en"):
        yield

FORMATS = ["csv", "xlsx"]


def cells(path: Path) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in load_workbook(path).worksheets[0].iter_rows(values_only=True)]


def same_file(a: Path, b: Path) -> bool:
    if a.suffix == ".csv":
        return a.read_bytes() == b.read_bytes()
    return cells(a) == cells(b)


@pytest.fixture
def archive(make_customer: Any, product: Any) -> dict[str, Any]:
    dealer = make_customer(code="D001", name="华东经销商", kind="dealer")
    other_line = ProductLine.objects.create(code="PL-X", name="控制器")
    c1 = make_customer(
        code="C001",
        name="上海 \"引号\", 逗号有限公司",
        dealer=dealer,
        key_account=True,
        level="provincial",
        annual_revenue=Decimal("1234567.89"),
        notes="第一行\n第二行",
        phone="+86 21 5555 0000",
        competitors="=1+1",
    )
    c1.product_lines.set([product.product_line, other_line])
    c2 = make_customer("BO-GZ", "BU-CTL", code="C002", name="广州客户", status="lost")
    Contact.objects.create(customer=c1, name="张三", function="gm", email="zs@example.com")
    Contact.objects.create(customer=c2, name="李四", function="quality", language="en")
    Order.objects.create(
        number="SO-1", customer=c1, order_date=dt.date(2024, 3, 1), product=product,
        quantity=100, promised_date=dt.date(2024, 3, 10), delivered_date=dt.date(2024, 3, 12),
        defects=2, returned=1, extra_freight=Decimal("99.50"), split_delivery=True,
    )
    Order.objects.create(
        number="SO-2", customer=c2, order_date=dt.date(2024, 4, 1), product=product,
        quantity=5, promised_date=dt.date(2024, 4, 10),
    )
    return {"c1": c1, "c2": c2, "dealer": dealer}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    ("kind", "count"), [("customers", 3), ("contacts", 2), ("orders", 2)]
)
def test_round_trip_changes_nothing(
    archive: Any, tmp_path: Path, kind: str, count: int, fmt: str
) -> None:
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    export_file(kind, first, fmt=fmt, user=None)
    audit_before = AuditEntry.objects.count()

    report = import_file(kind, first, actor=None)

    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, count)
    assert AuditEntry.objects.count() == audit_before
    export_file(kind, second, fmt=fmt, user=None)
    assert same_file(first, second)


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_into_an_empty_archive_recreates_the_records(
    archive: Any, tmp_path: Path, fmt: str
) -> None:
    """Export customers, rename their codes, import: the same customers again under new codes
    (dealers named in the same file are created first)."""
    path = tmp_path / f"a.{fmt}"
    export_file("customers", path, fmt="csv" if fmt == "csv" else "xlsx", user=None)
    if fmt == "csv":
        text = path.read_text(encoding="utf-8-sig").replace("C00", "N00").replace("D001", "ND1")
        path.write_text(text, encoding="utf-8-sig")
    else:
        from openpyxl import Workbook

        rows = cells(path)
        wb = Workbook()
        for row in rows:
            wb.active.append(
                [v.replace("C00", "N00").replace("D001", "ND1") if isinstance(v, str) else v
                 for v in row]
            )
        for row_cells in wb.active.iter_rows():
            for cell in row_cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, as the export writes it
        wb.save(path)

    report = import_file("customers", path, actor=None)

    assert report.errors == [] and report.created == 3
    new = Customer.objects.get(code="N001")
    old = archive["c1"]
    assert new.dealer is not None and new.dealer.code == "ND1"
    assert new.name == old.name and new.notes == "第一行\n第二行"
    assert new.competitors == "=1+1" and new.phone == "+86 21 5555 0000"
    assert new.annual_revenue == Decimal("1234567.89") and new.key_account is True
    assert set(new.product_lines.values_list("code", flat=True)) == {"PL-T", "PL-X"}


def test_csv_guards_formula_cells_and_writes_money_with_two_decimals(
    archive: Any, tmp_path: Path
) -> None:
    path = tmp_path / "c.csv"
    export_file("customers", path, fmt="csv", user=None)
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("客户编码,客户名称,客户类型")
    assert "'=1+1" in text  # a spreadsheet must not run it
    assert "+86 21 5555 0000" in text and "'+86" not in text
    assert "1234567.89" in text and "1000000.00" in text
    assert ",是," in text and ",否," in text
    assert "PL-T;PL-X" in text


def test_english_headers_import_too(archive: Any, tmp_path: Path) -> None:
    path = tmp_path / "o.xlsx"
    export_file("orders", path, fmt="xlsx", user=None, lang="en")
    assert cells(path)[0][:3] == ("number", "customer", "order_date")
    assert import_file("orders", path, actor=None).unchanged == 2


def test_update_only_changed_rows_with_audit_and_version(
    archive: Any, tmp_path: Path, admin_user: Any
) -> None:
    path = tmp_path / "c.csv"
    export_file("customers", path, fmt="csv", user=None)
    text = path.read_text(encoding="utf-8-sig").replace("广州客户", "广州新名称")
    text += "C900,新客户,direct,,,R-EAST,BO-SH,BU-PWR,city,A,是,10,active,D001,PL-T,,\n"
    path.write_text(text, encoding="utf-8-sig")
    c2_version = archive["c2"].version

    report = import_file("customers", path, actor=admin_user)

    assert (report.created, report.updated, report.unchanged) == (1, 1, 2)
    c2 = Customer.objects.get(code="C002")
    assert c2.name == "广州新名称" and c2.version == c2_version + 1
    assert c2.changed_by == admin_user
    new = Customer.objects.get(code="C900")
    assert new.created_by == admin_user and new.dealer == archive["dealer"]
    entries = AuditEntry.objects.filter(batch=report.batch)
    assert len({e.batch for e in entries}) == 1 and entries.count() == 2
    update = entries.get(object_id=str(c2.pk))
    assert update.action == AuditAction.UPDATE and update.actor == admin_user
    assert update.changes == {"name": ["广州客户", "广州新名称"]}
    created = entries.get(object_id=str(new.pk))
    assert created.action == AuditAction.IMPORT
    assert created.changes["code"] == [None, "C900"]
    assert created.changes["annual_revenue"] == [None, "10.00"]
    assert created.changes["branch_office"] == [None, str(new.branch_office)]
    assert created.changes["dealer"] == [None, "D001 华东经销商"]
    assert created.changes["product_lines"] == [None, ["测试产品线"]]
    assert "c.csv" in created.note


def test_missing_optional_columns_keep_values_and_defaults(
    make_customer: Any, tmp_path: Path
) -> None:
    make_customer(code="C1", level="provincial", key_account=True)
    path = tmp_path / "c.csv"
    path.write_text("code,name,branch_office,business_unit,level\n"
                    "C1,改名,BO-SH,BU-PWR,\nC2,新,BO-SH,BU-PWR,\n", encoding="utf-8")

    report = import_file("customers", path, actor=None)

    assert (report.created, report.updated) == (1, 1)
    c1 = Customer.objects.get(code="C1")
    assert c1.name == "改名" and c1.level == "provincial" and c1.key_account is True
    c2 = Customer.objects.get(code="C2")
    assert c2.level == "other" and c2.kind == "direct"


def test_accepts_boolean_words_excel_dates_and_headers_in_any_case(
    make_customer: Any, product: Any, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    make_customer(code="C1")
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["NUMBER", "客户编码", "Order_Date", "产品型号", "数量", "承诺交期", "split_delivery"]
    )
    ws.append(["SO-9", "C1", dt.datetime(2024, 5, 6), "T-100", 3, dt.date(2024, 5, 9), "Y"])
    ws.append(["SO-10", "C1", "2024-05-07", "T-100", 3.0, "2024-05-09", "no"])
    path = tmp_path / "o.xlsx"
    wb.save(path)

    report = import_file("orders", path, actor=None)

    assert report.errors == [] and report.created == 2
    o = Order.objects.get(number="SO-9")
    assert o.order_date == dt.date(2024, 5, 6) and o.split_delivery is True
    assert Order.objects.get(number="SO-10").split_delivery is False


def test_contacts_upsert_by_customer_and_name(make_customer: Any, tmp_path: Path) -> None:
    c = make_customer(code="C1")
    Contact.objects.create(customer=c, name="王五", function="gm")
    path = tmp_path / "k.csv"
    path.write_text("客户编码,姓名,职能,电子邮件\nC1,王五,quality,w@example.com\n"
                    "C1,赵六,user,\n", encoding="utf-8")

    report = import_file("contacts", path, actor=None)

    assert (report.created, report.updated) == (1, 1)
    assert Contact.objects.get(name="王五").function == "quality"
    assert Contact.objects.filter(customer=c).count() == 2


def test_progress_is_reported(make_customer: Any, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    lines = ["code,name,branch_office,business_unit"] + [
        f"C{i},客户{i},BO-SH,BU-PWR" for i in range(2500)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    calls: list[tuple[int, int]] = []

    report = import_file("customers", path, actor=None, progress=lambda d, t: calls.append((d, t)))

    assert report.created == 2500
    assert calls[-1] == (2500, 2500)
    assert [d for d, _t in calls] == sorted(d for d, _t in calls)
    assert len(calls) >= 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_formula_text_round_trips_unchanged_and_stays_text(
    archive: Any, tmp_path: Path, fmt: str
) -> None:
    """Hostile text (fullwidth formula starts, text that itself starts with an apostrophe)
    is guarded in the file and imported back exactly."""
    Customer.objects.filter(pk=archive["c2"].pk).update(
        name="＠SUM(1)", notes="'=1+1", competitors="－A1+1")
    first, second = tmp_path / f"a.{fmt}", tmp_path / f"b.{fmt}"
    export_file("customers", first, fmt=fmt, user=None)
    if fmt == "csv":
        text = first.read_text(encoding="utf-8-sig")
        assert "'＠SUM(1)" in text and "''=1+1" in text and "'－A1+1" in text
    else:
        sheet = load_workbook(first).worksheets[0]
        guarded = {c.value for row in sheet.iter_rows() for c in row if c.quotePrefix}
        assert guarded == {"=1+1", "＠SUM(1)", "－A1+1"}

    report = import_file("customers", first, actor=None)

    assert report.errors == [] and report.unchanged == 3
    c2 = Customer.objects.get(pk=archive["c2"].pk)
    assert (c2.name, c2.notes, c2.competitors) == ("＠SUM(1)", "'=1+1", "－A1+1")
    export_file("customers", second, fmt=fmt, user=None)
    assert same_file(first, second)
