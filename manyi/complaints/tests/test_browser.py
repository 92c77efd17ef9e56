"""A branch office manager records a phone complaint and handles it to the call-back, with a
rejected first proposal (headless Chromium)."""

from __future__ import annotations

import pytest

from manyi.complaints.models import Complaint, ProposalStatus


@pytest.mark.django_db(transaction=True)
def test_phone_complaint_from_intake_to_call_back(
    live_server, browser_page, make_user, make_customer, dept, tmp_path
) -> None:
    from manyi.customers.models import Contact

    manager = make_user("branch_manager", department="BO-SH", username="shanghai",
                        last_name="刘", first_name="洋")
    office = dept("BO-SH")
    office.manager = manager
    office.save()
    customer = make_customer(office="BO-SH", name="浏览器电气有限公司")
    Contact.objects.create(customer=customer, name="周工", function="quality",
                           phone="021-1234", email="zhou@browser.example.cn")

    page = browser_page
    page.goto(f"{live_server.url}/complaints/")
    page.fill("input[name=username]", "shanghai")
    page.fill("input[name=password]", "pw-test-123456")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/complaints/")

    # Intake: a phone complaint of the customer.
    page.click("main a.button.primary")
    page.wait_for_url(f"{live_server.url}/complaints/new/")
    page.select_option("#id_customer", str(customer.pk))
    page.wait_for_function("document.querySelectorAll('#id_contact option').length === 2")
    page.select_option("#id_contact", index=1)
    page.select_option("#id_channel", "phone")
    page.fill("#id_product_model", "PS-2400-24")
    page.fill("#id_batch_number", "B2611-07")
    page.fill("#id_description", "到货后 3 台输出电压不稳")
    page.fill("#id_customer_demand", "更换不良品")
    page.select_option("#id_content_category", "product_quality")
    page.click("main form button.primary")
    page.wait_for_url(f"{live_server.url}/complaints/*/")
    complaint = Complaint.objects.get()
    assert complaint.number in page.inner_text("h1")
    assert complaint.acknowledged_by == "email"

    def take(step: str, fill: dict[str, str] | None = None,
             selects: dict[str, str] | None = None) -> None:
        box = f"#step-{step}"
        if page.locator(f"{box}[open]").count() == 0:
            page.click(f"{box} summary")
        for name, value in (selects or {}).items():
            page.select_option(f"#id_{step}-{name}", value)
        for name, value in (fill or {}).items():
            page.fill(f"#id_{step}-{name}", value)
        page.click(f"{box} button.primary")
        page.wait_for_load_state("load")
        page.wait_for_selector(".messages .msg-success")

    take("analyse", {"analysis": "个别不良，销售处理"}, {"nature": "effective"})
    take("propose", {"description": "上门维修"}, {"kind": "repair"})
    take("reject", {"note": "顾客要求换新"})
    take("propose", {"description": "派工程师现场更换模块"}, {"kind": "technical"})
    take("accept")
    take("carry_out", {"result": "已更换模块，设备运行正常"})
    take("record_root_cause", {"root_cause": "模块虚焊"}, {"capa_required": "0"})
    take("close")
    take("callback", {"note": "顾客满意"}, {"method": "phone", "satisfaction": "satisfied"})

    complaint.refresh_from_db()
    assert complaint.state == "called_back"
    assert [p.status for p in complaint.proposals.order_by("number")] == [
        ProposalStatus.REJECTED, ProposalStatus.ACCEPTED
    ]
    text = page.inner_text("main")
    assert "上门维修" in text and "派工程师现场更换模块" in text and "顾客要求换新" in text
    page.screenshot(path=str(tmp_path / "complaint.png"), full_page=True)
