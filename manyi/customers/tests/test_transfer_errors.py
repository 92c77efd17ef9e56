"""Bad rows: every one listed (row, column, reason), nothing imported unless skip_bad_rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from manyi.audit.models import AuditEntry
from manyi.customers.models import Contact, Customer, Order
from manyi.customers.transfer import RowError, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Any:
    """Messages are asserted in English (the msgids); zh-Hans is the site default."""
    from django.utils import translation

    with translation.override("en"):
        yield

CUSTOMER_HEADER = (
    "客户编码,客户名称,客户类型,办事处,事业部,大区,客户级别,重点客户,年销售额(元),"
    "经销商/代理商,购买产品线"
)


def write(tmp_path: Path, text: str, name: str = "f.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def where(errors: list[RowError]) -> dict[tuple[int, str], str]:
    return {(e.row, e.key): e.reason for e in errors}


def test_every_bad_customer_row_is_listed_and_nothing_imported(
    make_customer: Any, product: Any, tmp_path: Path
) -> None:
    make_customer(code="DIRECT1")  # exists, but is a direct customer, not a dealer
    rows = [
        "C1,好客户,direct,BO-SH,BU-PWR,R-EAST,city,是,100.00,,PL-T",  # row 2: good
        ",无编码,direct,BO-SH,BU-PWR,,city,否,1,,",  # 3: code missing
        "C3,未知办事处,direct,BO-XX,BU-PWR,,city,否,1,,",  # 4
        "C4,未知事业部,direct,BO-SH,BU-NOPE,,city,否,1,,",  # 5
        "C5,未知大区,direct,BO-SH,BU-PWR,R-MOON,city,否,1,,",  # 6
        "C1,重复编码,direct,BO-SH,BU-PWR,,city,否,1,,",  # 7: duplicate of row 2
        "C7,坏数字,direct,BO-SH,BU-PWR,,city,否,12x,,",  # 8
        "C8,坏选项,direct,BO-SH,BU-PWR,,county,否,1,,",  # 9
        "C9,坏布尔,direct,BO-SH,BU-PWR,,city,也许,1,,",  # 10
        "C10,未知经销商,direct,BO-SH,BU-PWR,,city,否,1,NOPE,",  # 11
        "C11,不是经销商,direct,BO-SH,BU-PWR,,city,否,1,DIRECT1,",  # 12
        "C12,未知产品线,direct,BO-SH,BU-PWR,,city,否,1,,PL-T;PL-NONE",  # 13
        "C13,错类部门,direct,BU-PWR,BU-PWR,,city,否,1,,",  # 14: a BU as branch office
        "C14,负数,direct,BO-SH,BU-PWR,,city,否,-5,,",  # 15
        "C15,三位小数,direct,BO-SH,BU-PWR,,city,否,1.005,,",  # 16
    ]
    path = write(tmp_path, CUSTOMER_HEADER + "\n" + "\n".join(rows) + "\n")
    before = Customer.objects.count()

    report = import_file("customers", path, actor=None)

    assert not report.imported
    errors = where(report.errors)
    assert errors[(3, "code")] == "a value is required"
    assert errors[(4, "branch_office")] == "unknown branch office code BO-XX"
    assert errors[(5, "business_unit")] == "unknown business unit code BU-NOPE"
    assert errors[(6, "region")] == "unknown region code R-MOON"
    assert errors[(7, "code")] == "duplicate code C1 (also in row 2)"
    assert errors[(8, "annual_revenue")] == "12x is not a number"
    assert errors[(9, "level")].startswith("county is not one of the choices (provincial,")
    assert errors[(10, "key_account")] == "也许 is not yes or no (是/否)"
    assert errors[(11, "dealer")] == "unknown customer code NOPE"
    assert errors[(12, "dealer")] == "customer DIRECT1 is not a dealer or agent"
    assert errors[(13, "product_lines")] == "unknown product line code PL-NONE"
    assert errors[(14, "branch_office")] == "BU-PWR is not a branch office"
    assert "greater than or equal to 0" in errors[(15, "annual_revenue")]
    assert "2 decimal places" in errors[(16, "annual_revenue")]
    assert report.bad_rows == 14 and 2 not in {e.row for e in report.errors}
    assert Customer.objects.count() == before
    assert not AuditEntry.objects.exists()
    first = next(e for e in report.errors if e.row == 7)
    assert str(first) == "row 7, column 客户编码 (code): duplicate code C1 (also in row 2)"


def test_skip_bad_rows_imports_the_good_ones_and_reports_the_rest(
    make_customer: Any, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        CUSTOMER_HEADER + "\n"
        "C1,好,direct,BO-SH,BU-PWR,,city,是,1,,\n"
        "C2,坏,direct,BO-??,BU-PWR,,city,是,1,,\n"
        "C3,好,dealer,BO-SH,BU-PWR,,city,是,1,,\n"
        "C4,经销商在坏行,direct,BO-SH,BU-PWR,,city,是,1,C2,\n"
        "C5,经销商在后面,direct,BO-SH,BU-PWR,,city,是,1,C6,\n"
        "C6,后面的经销商,agent,BO-SH,BU-PWR,,city,是,1,,\n",
    )

    report = import_file("customers", path, actor=None, skip_bad_rows=True)

    assert report.imported and report.created == 4
    assert where(report.errors) == {
        (3, "branch_office"): "unknown branch office code BO-??",
        (5, "dealer"): "unknown customer code C2",
    }
    assert set(Customer.objects.values_list("code", flat=True)) == {"C1", "C3", "C5", "C6"}
    assert Customer.objects.get(code="C5").dealer == Customer.objects.get(code="C6")


def test_bad_order_rows(make_customer: Any, product: Any, tmp_path: Path) -> None:
    make_customer(code="C1")
    header = (
        "订单号,客户编码,订单日期,产品型号,数量,承诺交期,实际交付日期,缺陷数,退换货数,"
        "额外运费(元)"
    )
    rows = [
        "SO-1,C1,2024-01-02,T-100,10,2024-01-09,,0,0,0",  # 2 good
        "SO-2,C404,2024-01-02,T-100,10,2024-01-09,,0,0,0",  # 3 unknown customer
        "SO-3,C1,2024-01-02,X-999,10,2024-01-09,,0,0,0",  # 4 unknown product
        "SO-4,C1,2024/01/02,T-100,10,2024-01-09,,0,0,0",  # 5 malformed date
        "SO-5,C1,2024-02-30,T-100,10,2024-01-09,,0,0,0",  # 6 impossible date
        "SO-6,C1,2024-01-02,T-100,10,2024-01-09,,11,0,0",  # 7 defects > quantity
        "SO-7,C1,2024-01-02,T-100,1.5,2024-01-09,,0,0,0",  # 8 not whole
        "SO-1,C1,2024-01-02,T-100,10,2024-01-09,,0,0,0",  # 9 duplicate number
        "SO-9,C1,2024-01-02,T-100,10,,,0,0,0",  # 10 promised date missing
        "SO-10,C1,2024-01-02,T-100,10,2024-01-09,,0,20,abc",  # 11 returned > qty, money
    ]
    path = write(tmp_path, header + "\n" + "\n".join(rows) + "\n")

    report = import_file("orders", path, actor=None)

    errors = where(report.errors)
    assert errors == {
        (3, "customer"): "unknown customer code C404",
        (4, "product"): "unknown product model X-999",
        (5, "order_date"): "2024/01/02 is not a date (YYYY-MM-DD)",
        (6, "order_date"): "2024-02-30 is not a date (YYYY-MM-DD)",
        (7, "defects"): "11 is more than the quantity (10)",
        (8, "quantity"): "1.5 is not a whole number",
        (9, "number"): "duplicate order number SO-1 (also in row 2)",
        (10, "promised_date"): "a value is required",
        (11, "extra_freight"): "abc is not a number",
        (11, "returned"): "20 is more than the quantity (10)",
    }
    assert not Order.objects.exists()


def test_bad_contact_rows(make_customer: Any, tmp_path: Path) -> None:
    make_customer(code="C1")
    path = write(
        tmp_path,
        "customer,name,function,email,language\n"
        "C1,张三,gm,zs@example.com,zh-hans\n"
        "C1,李四,gm,not-an-email,\n"
        "C2,王五,gm,,\n"
        "C1,张三,quality,,\n"
        "C1,赵六,boss,,\n"
        "C1,,gm,,\n",
    )

    report = import_file("contacts", path, actor=None)

    assert where(report.errors) == {
        (3, "email"): "Enter a valid email address.",
        (4, "customer"): "unknown customer code C2",
        (5, "name"): "duplicate contact 张三 (also in row 2)",
        (6, "function"): where(report.errors)[(6, "function")],
        (7, "name"): "a value is required",
    }
    assert "boss is not one of the choices" in where(report.errors)[(6, "function")]
    assert not Contact.objects.exists()


def test_header_problems(tmp_path: Path, db: Any) -> None:
    path = write(tmp_path, "客户编码,名字,colour,Code\nC1,x,y,z\n")

    report = import_file("customers", path, actor=None)

    assert not report.imported
    messages = [(e.row, e.key, e.reason) for e in report.errors]
    assert (1, "", "unknown columns: 名字, colour") in messages
    assert (1, "code", "this column appears twice") in messages
    assert (1, "name", "this required column is missing") in messages


def test_unreadable_and_unsupported_files(tmp_path: Path, db: Any) -> None:
    bad_xlsx = tmp_path / "x.xlsx"
    bad_xlsx.write_bytes(b"not a zip")
    assert "not a readable .xlsx" in import_file("customers", bad_xlsx, actor=None).errors[0].reason
    txt = write(tmp_path, "a", "x.txt")
    assert "Unsupported file type txt" in import_file("customers", txt, actor=None).errors[0].reason


def test_gbk_csv_from_chinese_excel(tmp_path: Path, db: Any) -> None:
    path = tmp_path / "gbk.csv"
    path.write_bytes("客户编码,客户名称,办事处,事业部\nC1,上海客户,BO-SH,BU-PWR\n".encode("gb18030"))
    assert import_file("customers", path, actor=None).created == 1
    assert Customer.objects.get(code="C1").name == "上海客户"


def test_own_scope_user_cannot_import_rows_of_another_office(
    make_user: Any, make_customer: Any, tmp_path: Path
) -> None:
    manager = make_user("branch_manager", department="BO-SH")
    make_customer("BO-GZ", "BU-CTL", code="GZ1", name="广州老客户")
    path = write(
        tmp_path,
        "code,name,branch_office,business_unit\n"
        "SH1,上海客户,BO-SH,BU-PWR\n"
        "GZ2,广州客户,BO-GZ,BU-CTL\n"
        "GZ1,抢到上海,BO-SH,BU-PWR\n",
    )

    report = import_file("customers", path, actor=manager)

    assert where(report.errors) == {
        (3, "branch_office"): "outside your permission scope",
        (4, "branch_office"): "outside your permission scope",
    }
    assert not Customer.objects.filter(code="SH1").exists()
    report = import_file("customers", path, actor=manager, skip_bad_rows=True)
    assert report.created == 1
    assert Customer.objects.get(code="SH1").created_by == manager
    assert Customer.objects.get(code="GZ1").name == "广州老客户"


def test_own_scope_orders_and_contacts_need_a_customer_in_scope(
    make_user: Any, make_customer: Any, product: Any, tmp_path: Path
) -> None:
    manager = make_user("branch_manager", department="BO-SH")
    make_customer("BO-SH", code="SH1")
    make_customer("BO-GZ", "BU-CTL", code="GZ1")
    orders = write(
        tmp_path,
        "number,customer,order_date,product,quantity,promised_date\n"
        "SO-1,SH1,2024-01-01,T-100,1,2024-01-05\nSO-2,GZ1,2024-01-01,T-100,1,2024-01-05\n",
    )
    contacts = write(tmp_path, "customer,name,function\nSH1,甲,gm\nGZ1,乙,gm\n", "k.csv")

    assert where(import_file("orders", orders, actor=manager).errors) == {
        (3, "customer"): "outside your permission scope"
    }
    assert where(import_file("contacts", contacts, actor=manager).errors) == {
        (3, "customer"): "outside your permission scope"
    }
    assert not Order.objects.exists() and not Contact.objects.exists()


def test_import_needs_the_import_permission(make_user: Any, tmp_path: Path) -> None:
    from django.core.exceptions import PermissionDenied

    clerk = make_user("sales_clerk", department="BO-SH")
    path = write(tmp_path, "code,name,branch_office,business_unit\nC1,x,BO-SH,BU-PWR\n")
    with pytest.raises(PermissionDenied):
        import_file("customers", path, actor=clerk)


def test_defects_check_uses_the_file_values_only(
    make_customer: Any, product: Any, tmp_path: Path
) -> None:
    customer = make_customer(code="C1")
    Order.objects.create(
        number="SO-1", customer=customer, order_date=dt.date(2024, 1, 1), product=product,
        quantity=10, promised_date=dt.date(2024, 1, 5), defects=3,
    )
    path = write(
        tmp_path,
        "number,customer,order_date,product,quantity,promised_date\n"
        "SO-1,C1,2024-01-01,T-100,20,2024-01-05\n",
    )
    report = import_file("orders", path, actor=None)
    assert report.updated == 1 and Order.objects.get().defects == 3
