"""A person records a phone inquiry with its contact chosen through HTMX, assigns it, and the
engineering department answers it (headless Chromium)."""

from __future__ import annotations

import pytest

from manyi.customers.models import Contact
from manyi.feedback.models import FeedbackEntry, FeedbackStatus


@pytest.mark.django_db(transaction=True)
def test_record_an_inquiry_and_answer_it(live_server, browser_page, make_user,
                                         make_customer) -> None:
    make_user("customer_service", department="CS", username="kefu")
    make_user("engineer", department="ENG", username="jishu")
    customer = make_customer(name="浏览器电气有限公司")
    Contact.objects.create(customer=customer, name="赵工", function="quality")
    page = browser_page

    def log_in(username: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "pw-test-123456")
        page.click("main button.primary")
        page.wait_for_url(f"{live_server.url}/")

    log_in("kefu")
    page.goto(f"{live_server.url}/feedback/new/")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_kind", "consultation")
    page.select_option("#id_customer", str(customer.pk))
    page.wait_for_function("document.querySelector('#id_contact').innerText.includes('赵工')")
    page.select_option("#id_contact", label="赵工")
    page.fill("#id_subject", "宽温型号咨询")
    page.fill("#id_text", "客户询问 -40℃ 环境能否使用")
    page.select_option("#id_assigned_department", label="技术部")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/feedback/*/")
    entry = FeedbackEntry.objects.get()
    assert entry.status == FeedbackStatus.OPEN
    assert entry.contact is not None and entry.contact.name == "赵工"

    page.click("header form.inline button")  # log out
    log_in("jishu")
    page.goto(f"{live_server.url}/feedback/{entry.pk}/")
    page.fill("#answer textarea[name=answer]", "可选用 -40℃ 宽温版本，已发规格书")
    page.click("#answer button.primary")
    page.wait_for_url(f"{live_server.url}/feedback/{entry.pk}/")
    assert "可选用 -40℃ 宽温版本" in page.inner_text("main")
    entry.refresh_from_db()
    assert entry.status == FeedbackStatus.ANSWERED
    assert entry.answered_by is not None and entry.answered_by.username == "jishu"
