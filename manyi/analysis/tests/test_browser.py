"""The quality manager opens a campaign's analysis in a real browser (headless Chromium): the
charts are drawn by the locally served plotly (no CDN, no script error), SPEC's worked example
is on the page, a chart's data table opens, and the complaint analysis draws its charts too."""

from __future__ import annotations

import re

import pytest


@pytest.mark.django_db(transaction=True)
def test_quality_manager_reads_the_campaign_analysis(live_server, browser_page, make_user,
                                                     example_campaign, tmp_path) -> None:
    make_user("quality_manager", department="QA", username="zhiliang")
    page = browser_page
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    outside: list[str] = []
    page.on("request", lambda req: outside.append(req.url)
            if not req.url.startswith(live_server.url) and not req.url.startswith("data:")
            else None)
    url = f"{live_server.url}/analysis/campaigns/{example_campaign.pk}/"
    page.goto(url)
    page.fill("input[name=username]", "zhiliang")
    page.fill("input[name=password]", "pw-test-123456")
    page.click("main button.primary")
    page.wait_for_url(url)
    # SPEC §10 / 001: 10/5/6/3/1 of 25 answers → 76 % degree, 84 % rate
    degree = page.inner_text("[data-value=level-points-degree]")
    assert re.fullmatch(r"76[.,]00\s*%", degree.strip())
    # every chart container is drawn by plotly (an SVG inside), none left empty
    page.wait_for_function(
        "[...document.querySelectorAll('[data-figure]')].every(el => el.querySelector('svg'))",
        timeout=20000)
    charts = page.locator("[data-figure]").count()
    assert charts >= 3
    card = page.locator("section.chart-card").first
    card.locator("details summary").click()
    assert card.locator("table.grid tbody tr").count() >= 1
    page.screenshot(path=str(tmp_path / "analysis-campaign.png"), full_page=True)
    page.goto(f"{live_server.url}/analysis/complaints/")
    page.wait_for_function(
        "[...document.querySelectorAll('[data-figure]')].every(el => el.querySelector('svg'))",
        timeout=20000)
    assert page.locator("[data-figure]").count() >= 1
    assert errors == [], errors
    assert outside == [], outside
