"""A sales person registers a claim, attaches the receipt and hands it to the deputy GM, who
sees it waiting for him (headless Chromium)."""

from __future__ import annotations

import pytest

from manyi.claims.models import Claim


@pytest.mark.django_db(transaction=True)
def test_register_attach_and_hand_over_a_claim(live_server, browser_page, make_user,
                                               make_customer, tmp_path) -> None:
    from manyi.customers.models import Contact

    make_user("sales_clerk", department="BO-SH", username="xiaoshou", last_name="张",
              first_name="伟")
    make_user("deputy_gm", department="DGM", username="fuzong", last_name="钱", first_name="进")
    customer = make_customer(office="BO-SH", name="上海浏览器电气有限公司")
    Contact.objects.create(customer=customer, name="采购部李经理", function="purchasing")
    receipt = tmp_path / "签收单.pdf"
    receipt.write_bytes(b"%PDF-1.4 receipt")
    page = browser_page

    def log_in(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw-test-123456")
        page.click("main button.primary")
        page.wait_for_load_state()

    log_in("xiaoshou")
    page.goto(f"{live_server.url}/claims/new/")
    page.select_option("#id_customer", label=str(customer))
    # choosing the customer redraws the form with that customer's contacts (HTMX)
    page.wait_for_function("document.querySelector('#id_contact').options.length > 1")
    page.select_option("#id_contact", label="采购部李经理")
    page.fill("#id_description", "50 台电源上电无输出")
    page.fill("#id_demand", "退换并赔偿运费")
    page.fill("#id_claimed_amount", "6800.00")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/claims/*/")
    claim = Claim.objects.get()
    assert claim.number in page.inner_text("h1") and claim.contact is not None

    page.set_input_files("input[name=file]", str(receipt))
    page.click("form[action$='/attachments/'] button.primary")
    page.wait_for_url(f"{live_server.url}/claims/{claim.pk}/")
    assert "签收单.pdf" in page.inner_text("main")
    page.click("form[action$='/step/submit/'] button.primary")
    page.wait_for_url(f"{live_server.url}/claims/{claim.pk}/")
    claim.refresh_from_db()
    assert claim.state == "analysis"
    page.screenshot(path=str(tmp_path / "claim-detail.png"), full_page=True)

    log_in("fuzong")
    page.goto(f"{live_server.url}/claims/?state=analysis")
    assert claim.number in page.inner_text("#results")
    page.goto(f"{live_server.url}/claims/{claim.pk}/")
    assert page.locator("form[action$='/step/propose/']").count() == 1
