"""The analysis API: the same figures and permissions as the pages."""

from __future__ import annotations

import datetime as dt

import pytest

from manyi.accounts.services import api_token_create
from manyi.analysis.models import Problem
from manyi.common.calendar import local_tz

pytestmark = pytest.mark.django_db


def _auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_campaign_analysis_api(client, quality, outsider, example_campaign) -> None:
    url = f"/api/v1/analysis/campaigns/{example_campaign.pk}"
    assert client.get(url, **_auth(outsider)).status_code == 403
    response = client.get(url, **_auth(quality))
    assert response.status_code == 200
    data = response.json()
    assert data["results"]["level-points"]["degree"] == 76.0
    assert data["results"]["blend"]["degree"] == 79.6
    assert data["overall"]["rate"] == 84.0 and data["return_rate"] == 50.0
    assert {i["key"] for i in data["items"]} == {"F1", "F2", "F3", "F4", "F5"}
    assert "business_unit" in data["breakdowns"] and len(data["trend"]) == 1
    listing = client.get("/api/v1/analysis/campaigns", **_auth(quality)).json()
    assert [c["id"] for c in listing] == [example_campaign.pk]


def test_complaints_kpi_problems_targets_api(client, quality, make_user, make_customer,
                                             make_complaint, make_order) -> None:
    customer = make_customer(code="API-1")
    for month in (1, 2, 3):
        make_complaint(customer, dt.datetime(2025, month, 3, tzinfo=local_tz()))
        make_order(customer, dt.date(2025, month, 5), dt.date(2025, month, 6), quantity=100,
                   defects=month)
    charts = client.get("/api/v1/analysis/complaints?start=2025-01&end=2025-03",
                        **_auth(quality)).json()
    c = next(ch for ch in charts if ch["id"] == "c")
    assert [row[1] for row in c["rows"]] == [1, 1, 1] and c["figure"]["data"]
    rows = client.get("/api/v1/analysis/kpi?start=2025-01&end=2025-03&customer=API-1",
                      **_auth(quality)).json()
    assert [r["values"]["kpi.ppm"] for r in rows] == [10000.0, 20000.0, 30000.0]
    assert client.get("/api/v1/analysis/kpi?customer=nobody",
                      **_auth(quality)).status_code == 404
    p = Problem.objects.create(key="kpi.ppm:2025-03", source="kpi", measure="kpi.ppm",
                               period="2025-03", title="PPM", value=1.0, evidence={})
    engineer = make_user("engineer", department="ENG")
    assert client.get("/api/v1/analysis/problems", **_auth(engineer)).status_code == 403
    listed = client.get("/api/v1/analysis/problems?status=open", **_auth(quality)).json()
    assert [x["id"] for x in listed] == [p.pk]
    changed = client.post(f"/api/v1/analysis/problems/{p.pk}/status",
                          data={"status": "dismissed", "note": "测量误差",
                                "version": p.version},
                          content_type="application/json", **_auth(quality))
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "dismissed"
    missing_note = client.post(f"/api/v1/analysis/problems/{p.pk}/status",
                               data={"status": "open"}, content_type="application/json",
                               **_auth(quality))
    assert missing_note.status_code == 200  # reopening needs no note
    created = client.post("/api/v1/analysis/targets",
                          data={"measure": "kpi.ppm", "year": 2026, "value": "800"},
                          content_type="application/json", **_auth(quality))
    assert created.status_code == 201 and created.json()["status"] == "proposed"
    bad = client.post("/api/v1/analysis/targets",
                      data={"measure": "nope", "year": 2026, "value": "1"},
                      content_type="application/json", **_auth(quality))
    assert bad.status_code == 422 and "measure" in bad.json()["errors"]
    target_id = created.json()["id"]
    assert client.post(f"/api/v1/analysis/targets/{target_id}/approve", data={},
                       content_type="application/json",
                       **_auth(quality)).status_code == 403
    gm = make_user("gm", department="GM")
    ok = client.post(f"/api/v1/analysis/targets/{target_id}/approve", data={},
                     content_type="application/json", **_auth(gm))
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
