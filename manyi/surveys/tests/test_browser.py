"""A customer on a phone: opens the personal link, answers (one "unable to comment"),
submits, and sees the link refuse a second use (headless Chromium, phone viewport)."""

from __future__ import annotations

import pytest

from manyi.surveys.models import Channel, Invitation, Response


@pytest.mark.django_db(transaction=True)
def test_customer_answers_on_a_phone(live_server, browser_page, running_campaign, issue_token,
                                     tmp_path) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)[0]
    token = issue_token(inv)
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    url = f"{live_server.url}/s/{token}/"
    first = page.goto(url)
    assert first is not None and first.status == 200
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    # the options are large enough to tap and the page does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator(".opts label").first.bounding_box()
    assert box is not None and box["height"] >= 44
    # first question: "unable to comment", by tapping its label
    page.locator("fieldset.q").first.locator("label.na").click()
    sections = 0
    while True:
        sections += 1
        page.evaluate("""() => {
          const groups = new Set([...document.querySelectorAll('input[type=radio]')]
            .map(r => r.name).filter(n => !n.startsWith('c_')));
          groups.forEach(name => {
            if (!document.querySelector(`input[name="${name}"]:checked`)) {
              const four = document.querySelector(`input[name="${name}"][value="4"]`);
              (four || document.querySelector(`input[name="${name}"]`)).click();
            }
          });
        }""")
        if page.locator("#submit").count():
            break
        page.click("#next")
        page.wait_for_url("**section=*")
    page.screenshot(path=str(tmp_path / "survey-phone-last.png"), full_page=True)
    page.click("#submit")
    page.wait_for_url("**/thanks/**")
    assert page.locator("h1").count() == 1
    assert sections >= 5
    response = Response.objects.get(invitation=inv)
    assert response.status == "submitted" and response.not_applicable == 1
    assert response.answered == 13 and response.channel == "web"
    again = page.goto(url)
    assert again is not None and again.status == 410
    assert page.locator("form").count() == 0
