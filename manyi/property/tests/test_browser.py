"""Sales receives a customer's sample, lends it to an engineer, and the engineer returns it
(headless Chromium)."""

from __future__ import annotations

import pytest

from manyi.property.models import CustomerProperty, LoanSlip, PropertyStatus


@pytest.mark.django_db(transaction=True)
def test_receive_lend_and_return(live_server, browser_page, make_user, make_customer) -> None:
    make_user("sales_manager", department="SALES", username="xiaoshou")
    engineer = make_user("engineer", department="PROD", username="shengchan")
    customer = make_customer(name="样品客户有限公司")
    page = browser_page

    def log_in(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw-test-123456")
        page.click("main button.primary")
        page.wait_for_url(f"{live_server.url}/")

    log_in("xiaoshou")
    page.goto(f"{live_server.url}/property/new/")
    page.select_option("#id_customer", str(customer.pk))
    page.select_option("#id_kind", "sample")
    page.fill("#id_name", "客户对标样机")
    page.fill("#id_quantity", "1")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/property/*/")
    item = CustomerProperty.objects.get()
    assert item.holding_department.code == "PROD"
    page.click(f"a[href='/property/{item.pk}/lend/']")
    page.select_option("#id_borrower", str(engineer.pk))
    page.fill("#id_purpose", "装配比对")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/property/loans/*/")
    loan = LoanSlip.objects.get()

    page.click("header form.inline button")  # log out
    log_in("shengchan")
    page.goto(f"{live_server.url}/property/loans/{loan.pk}/")
    page.click("#return button.primary")
    page.wait_for_url(f"{live_server.url}/property/loans/{loan.pk}/")
    loan.refresh_from_db()
    item.refresh_from_db()
    assert loan.returned_at is not None and item.status == PropertyStatus.HELD
