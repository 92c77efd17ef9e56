"""Survey API: same permissions and services as the UI."""

from __future__ import annotations

import pytest

from manyi.accounts.services import api_token_create
from manyi.surveys import services, transfer
from manyi.surveys.models import Invitation

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_campaigns_tracking_responses_and_rollup(client, running_campaign, cs_user,
                                                 make_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                            data=full_answers(campaign.template, value=5, na=("P2",)))
    h = auth(cs_user)
    listing = client.get("/api/v1/surveys/campaigns/", **h).json()
    assert listing["count"] == 1 and listing["items"][0]["number"] == campaign.number
    detail = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}", **h).json()
    assert detail["totals"]["completed"] == 1 and detail["tracking"][0]["completed"] == 1
    responses = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/responses", **h).json()
    answers = {a["item"]: a for a in responses["items"][0]["answers"]}
    assert answers["P1"]["value"] == 5 and answers["P2"]["na"] is True
    cells = client.get(f"/api/v1/surveys/campaigns/{campaign.pk}/rollup", **h).json()
    assert {"item": "P2", "value": -1, "count": 1} in cells
    assert {"item": "P1", "value": 5, "count": 1} in cells
    nobody = make_user(department="QA")
    assert client.get("/api/v1/surveys/campaigns/", **auth(nobody)).status_code == 403
    assert client.get(f"/api/v1/surveys/campaigns/{campaign.pk}",
                      **auth(nobody)).status_code == 403


def test_templates_list_document_and_import(client, cs_user, survey_template,
                                            make_user) -> None:
    h = auth(cs_user)
    codes = {t["code"] for t in client.get("/api/v1/surveys/templates/", **h).json()}
    assert {"SEED004", "ECSS"} <= codes
    doc = client.get(f"/api/v1/surveys/templates/{survey_template.pk}/document", **h).json()
    assert doc == transfer.template_document(survey_template) | {"version": 1}
    doc["code"] = "API-T"
    created = client.post("/api/v1/surveys/templates/", doc, content_type="application/json",
                          **h)
    assert created.status_code == 201, created.content
    assert created.json()["code"] == "API-T" and created.json()["status"] == "draft"
    bad = client.post("/api/v1/surveys/templates/", {"code": "X", "name": "x", "items": []},
                      content_type="application/json", **h)
    assert bad.status_code == 422 and "items" in bad.json()["errors"]
    viewer = make_user("quality_engineer", department="QA")
    refused = client.post("/api/v1/surveys/templates/", doc, content_type="application/json",
                          **auth(viewer))
    assert refused.status_code == 403
