"""The Content-Security-Policy is enforced by a real browser (headless Chromium): an inline
script is refused and reported (so the browser fixture, which fails every browser test on a
reported violation, can see one), while Manyi's own pages run their scripts from static files:
the home page and the casebook's print button after logging in."""

from __future__ import annotations

import pytest


@pytest.mark.django_db(transaction=True)
def test_inline_script_is_refused_and_pages_work_from_static_files(
    live_server, browser_page, csp_violations, make_user
) -> None:
    make_user("quality_manager", department="QA", username="zhiliang")
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    response = page.goto(f"{live_server.url}/")
    assert response is not None
    page.fill("input[name=username]", "zhiliang")
    page.fill("input[name=password]", "pw-test-123456")
    page.click("main button.primary")
    page.wait_for_url(f"{live_server.url}/")
    header = page.evaluate("fetch('/').then(r => r.headers.get('content-security-policy'))")
    assert "script-src 'self'" in header and "unsafe-inline" not in header.split("style-src")[0]

    # the casebook's print button works through manyi.js (no onclick attribute)
    page.goto(f"{live_server.url}/complaints/casebook/")
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.click("button[data-print]")
    assert page.evaluate("window.__printed") is True

    # an inline script is refused and reported
    page.evaluate("""() => { const s = document.createElement('script');
        s.textContent = 'window.__inline = 1'; document.body.appendChild(s); }""")
    assert page.evaluate("typeof window.__inline") == "undefined"
    page.wait_for_timeout(200)
    assert any("script-src" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # the one violation this test caused on purpose
    assert errors == [], errors
