"""A person logs in, creates a customer and finds it in the list (headless Chromium)."""

from __future__ import annotations

import pytest

from manyi.customers.models import Customer


@pytest.mark.django_db(transaction=True)
def test_log_in_create_a_customer_and_see_it_in_the_list(
    live_server, browser_page, make_user, tmp_path
) -> None:
    make_user("customer_service", department="CS", username="kefu", last_name="张",
              first_name="敏")
    page = browser_page
    page.goto(f"{live_server.url}/customers/")
    assert "/accounts/login/" in page.url
    page.fill("input[name=username]", "kefu")
    page.fill("input[name=password]", "pw-test-123456")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/customers/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"

    page.click("a[href='/customers/new/']")
    page.fill("#id_code", "WEB-001")
    page.fill("#id_name", "浏览器测试电气有限公司")
    page.select_option("#id_branch_office", label="上海办事处")
    page.select_option("#id_business_unit", label="电源事业部")
    page.select_option("#id_level", "provincial")
    page.fill("#id_annual_revenue", "880000")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/customers/*/")
    assert "浏览器测试电气有限公司" in page.inner_text("h1")

    page.goto(f"{live_server.url}/customers/")
    page.fill("input[name=q]", "浏览器测试")
    page.wait_for_function(
        "document.querySelectorAll('#results tbody tr').length === 1"
        " && document.querySelector('#results tbody').innerText.includes('WEB-001')"
    )
    row = page.locator("#results tbody tr").first.inner_text()
    assert "浏览器测试电气有限公司" in row and "上海办事处" in row
    page.screenshot(path=str(tmp_path / "customer-list.png"), full_page=True)
    assert Customer.objects.get(code="WEB-001").created_by.username == "kefu"
