"""Pages: refused without the permission, the numbers of constructed data on the page, the
charts with their tables and .xlsx exports, the problem and target workflows."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from manyi.analysis.models import AnalysisTarget, CampaignScoring, Problem
from manyi.analysis.selectors import default_window
from manyi.common.calendar import local_tz

pytestmark = pytest.mark.django_db


@pytest.fixture
def qc(client, quality):
    client.force_login(quality)
    return client


def _urls(campaign_pk: int, problem_pk: int) -> list[str]:
    return [
        reverse("analysis:index"),
        reverse("analysis:campaign", args=[campaign_pk]),
        reverse("analysis:campaign_xlsx", args=[campaign_pk, "items"]),
        reverse("analysis:complaints"),
        reverse("analysis:complaints_xlsx", args=["c"]),
        reverse("analysis:kpi"),
        reverse("analysis:kpi_xlsx", args=["kpi-on_time"]),
        reverse("analysis:problems"),
        reverse("analysis:problem", args=[problem_pk]),
        reverse("analysis:targets"),
    ]


def _problem() -> Problem:
    return Problem.objects.create(
        key="kpi.ppm:2025-01", source="kpi", measure="kpi.ppm", period="2025-01",
        title="PPM 2025-01", value=900.0, severity=3,
        evidence={"labels": ["2024-12", "2025-01"], "values": [100.0, 900.0],
                  "center": [500.0, 500.0], "lcl": [0.0, 0.0], "ucl": [800.0, 800.0],
                  "index": 2, "rules": ["WE1"], "rule_text": {"WE1": "beyond"}})


def test_refused_without_access_and_login_required(client, outsider, example_campaign) -> None:
    problem = _problem()
    urls = _urls(example_campaign.pk, problem.pk)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    client.force_login(outsider)
    for url in urls:
        assert client.get(url).status_code == 403, url
    for url in (reverse("analysis:problem_scan"),
                reverse("analysis:campaign_scoring", args=[example_campaign.pk]),
                reverse("analysis:problem_status", args=[problem.pk])):
        assert client.post(url, {"status": "dismissed", "note": "x"}).status_code == 403, url
    assert not CampaignScoring.objects.exists()
    assert Problem.objects.get().status == "open"


def test_every_page_renders(qc, example_campaign) -> None:
    problem = _problem()
    for url in _urls(example_campaign.pk, problem.pk):
        if "/kpi/xlsx/" in url:  # no order data: the KPI charts are not drawn
            assert qc.get(url).status_code == 404
            continue
        response = qc.get(url)
        assert response.status_code == 200, url
    # English too
    qc.cookies["django_language"] = "en"
    response = qc.get(reverse("analysis:campaign", args=[example_campaign.pk]))
    assert response.status_code == 200 and '<html lang="en">' in response.content.decode()


def test_campaign_page_numbers_and_charts(qc, example_campaign) -> None:
    response = qc.get(reverse("analysis:campaign", args=[example_campaign.pk]))
    html = response.content.decode()
    a = response.context["a"]
    assert a.results["level-points"].degree == 76.0
    assert re.search(r'data-value="level-points-degree">76(\.|,)00 %<', html)
    assert re.search(r'data-value="level-points-rate">84(\.|,)00 %<', html)
    assert re.search(r'data-value="top2box-ka">', html)
    assert "79.60 %" in html or "79,60 %" in html  # blend
    # the plotly bundle from our own URL, every chart spec embedded with its table
    assert reverse("analysis:plotly_js", args=[__import__("plotly").__version__]) in html
    assert "cdn" not in html.lower()
    charts = response.context["charts"]
    for chart_id in ("items", "dimensions", "by-business_unit", "by-key_account", "trend",
                     "competitor", "histogram", "pareto"):
        assert chart_id in charts, chart_id
        found = re.search(
            rf'<script id="chart-{chart_id}-spec" type="application/json">(.*?)</script>',
            html, re.S)
        assert found is not None, chart_id
        spec = json.loads(found.group(1))
        assert spec["data"], chart_id
        assert f'data-chart="{chart_id}"' in html
    items = charts["items"]
    f1 = next(row for row in items.table.rows if str(row[0]).startswith("F1"))
    assert f1[1] == 80.0  # F1 of the five forms: 5, 5, 4, 3, 3 → mean 4 of 5


def test_xlsx_export_of_a_chart_table(qc, example_campaign) -> None:
    url = reverse("analysis:campaign_xlsx", args=[example_campaign.pk, "pareto"])
    response = qc.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    chart = qc.get(reverse("analysis:campaign", args=[example_campaign.pk])).context[
        "charts"]["pareto"]
    assert rows[0][0] == chart.title
    assert list(rows[1]) == chart.table.columns
    assert [list(r) for r in rows[2:2 + len(chart.table.rows)]] == [
        [v if v != "" else None for v in row] for row in chart.table.rows]
    assert sum(r[1] for r in rows[2:2 + len(chart.table.rows)]) == 4  # answers 1 and 2
    assert qc.get(reverse("analysis:campaign_xlsx", args=[example_campaign.pk, "nope"])
                  ).status_code == 404


def test_complaint_and_kpi_pages(qc, make_customer, make_complaint, make_order) -> None:
    customer = make_customer(code="K-001")
    for month, n in ((1, 2), (2, 4), (3, 1)):
        for d in range(n):
            make_complaint(customer, dt.datetime(2025, month, 2 + d, tzinfo=local_tz()))
        make_order(customer, dt.date(2025, month, 5), dt.date(2025, month, 4 + month % 2),
                   quantity=200, defects=month)
    page = qc.get(reverse("analysis:complaints"), {"start": "2025-01", "end": "2025-03"})
    assert page.status_code == 200
    assert page.context["c"].counts == [2, 4, 1]
    chart_ids = [c.id for c in page.context["chart_list"]]
    assert {"c", "u", "closure", "pareto-category", "season"} <= set(chart_ids)
    export = qc.get(reverse("analysis:complaints_xlsx", args=["c"]),
                    {"start": "2025-01", "end": "2025-03"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[2:5]] == ["2025-01", "2025-02", "2025-03"]
    assert [r[1] for r in rows[2:5]] == [2, 4, 1]
    kpi = qc.get(reverse("analysis:kpi"), {"start": "2025-01", "end": "2025-03",
                                          "customer": "K-001"})
    assert kpi.status_code == 200 and kpi.context["k"].customer == customer
    rows = kpi.context["rows"]
    assert [r["kpi.ppm"] for r in rows] == [5000.0, 10000.0, 15000.0]
    assert [r["kpi.on_time"] for r in rows] == [100.0, 0.0, 100.0]  # promised 5, 4, 5
    assert 'id="kpi-table"' in kpi.content.decode()
    export = qc.get(reverse("analysis:kpi_xlsx", args=["kpi-ppm"]),
                    {"start": "2025-01", "end": "2025-03", "customer": "K-001"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[2:5]] == [5000.0, 10000.0, 15000.0]


def test_scan_button_and_problem_decision(qc, make_customer, make_complaint) -> None:
    first, last = default_window()
    customer = make_customer()
    for i in range(24):
        m = first.plus(i)
        for d in range(15 if m == last else 2):
            make_complaint(customer, dt.datetime(m.year, m.month, 1 + d, 9, tzinfo=local_tz()))
    response = qc.post(reverse("analysis:problem_scan"))
    assert response.status_code == 302
    problem = Problem.objects.get(key=f"complaint.count:{last.label}")
    assert qc.post(reverse("analysis:problem_scan")).status_code == 302
    assert Problem.objects.filter(key=problem.key).count() == 1
    listing = qc.get(reverse("analysis:problems")).content.decode()
    assert reverse("analysis:problem", args=[problem.pk]) in listing
    detail = qc.get(reverse("analysis:problem", args=[problem.pk]))
    assert detail.status_code == 200 and 'id="chart-evidence-spec"' in detail.content.decode()
    url = reverse("analysis:problem_status", args=[problem.pk])
    refused = qc.post(url, {"status": "dismissed", "note": "", "version": problem.version})
    assert refused.status_code == 400 and "note" in refused.context["form"].errors
    ok = qc.post(url, {"status": "dismissed", "note": "已知原因", "version": problem.version})
    assert ok.status_code == 302
    problem.refresh_from_db()
    assert problem.status == "dismissed" and problem.note == "已知原因"
    stale = qc.post(url, {"status": "open", "note": "", "version": problem.version - 1})
    assert stale.status_code == 409


def test_scoring_form(qc, example_campaign) -> None:
    url = reverse("analysis:campaign_scoring", args=[example_campaign.pk])
    response = qc.post(url, {"methods": ["level-points", "top2box-ka"], "self_weight": "0.4",
                             "ka_weight": "3", "rate_above": "80", "loyalty_above": "90",
                             "bands": "002"})
    assert response.status_code == 302
    scoring = CampaignScoring.objects.get(campaign=example_campaign)
    assert scoring.method_list == ["level-points", "top2box-ka"] and scoring.ka_weight == 3
    qc.post(url, {"methods": ["level-points"], "self_weight": "0.4", "ka_weight": "1",
                  "rate_above": "80", "loyalty_above": "90", "bands": "002",
                  "version": scoring.version})
    scoring.refresh_from_db()
    assert scoring.ka_weight == 3  # below 2 refused, nothing saved
    page = qc.get(reverse("analysis:campaign", args=[example_campaign.pk]))
    assert page.context["a"].methods == ["level-points", "top2box-ka"]


def test_targets_page(client, quality, make_user) -> None:
    client.force_login(quality)
    page = client.get(reverse("analysis:targets"), {"measure": "survey.degree", "year": "2026"})
    assert page.status_code == 200 and page.context["suggestion"] == (None, "")
    assert client.post(reverse("analysis:targets"), {"measure": "survey.degree", "year": "2026",
                                                     "value": "85"}).status_code == 302
    target = AnalysisTarget.objects.get(measure="survey.degree", year=2026)
    approve = reverse("analysis:target_approve", args=[target.pk])
    assert client.post(approve, {"version": target.version}).status_code == 403
    gm = make_user("gm", department="GM")
    client.force_login(gm)
    assert client.post(approve, {"version": target.version}).status_code == 302
    target.refresh_from_db()
    assert target.approved and target.approved_by == gm
    assert client.post(reverse("analysis:targets"), {"measure": "survey.degree", "year": "2026",
                                                     "value": "90"}).status_code == 403


def test_plotly_bundle_is_served_locally_with_long_cache(client) -> None:
    import plotly

    response = client.get(reverse("analysis:plotly_js", args=[plotly.__version__]))
    assert response.status_code == 200
    assert "immutable" in response["Cache-Control"] and "max-age=31536000" in response[
        "Cache-Control"]
    body = b"".join(response.streaming_content)
    assert len(body) > 1_000_000 and b"plotly" in body[:2000].lower()
    assert client.get(reverse("analysis:plotly_js", args=["0.0.0"])).status_code == 404
