"""A save over someone else's newer save answers 409 Conflict on every survey page that edits
a record, with the reason on top (manyi.common.pages.form_errors / FormOutcome.status)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from manyi.surveys import services
from manyi.surveys.models import Campaign, Invitation

from .conftest import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs_client(client, cs_user):
    client.force_login(cs_user)
    return client


def _campaign_data(survey_template, dept) -> dict:
    return {
        "title": "2025年四季度调查", "template": survey_template.pk, "kind": "quarterly",
        "period_year": 2025, "period": "Q4", "rule_business_units": [dept("BU-PWR").pk],
        "rule_coverage": "0.60", "min_return_rate": "60", "min_forms": 0,
        "min_competitor_forms": 0, "reminder_interval": 3, "reminder_max": 2,
        "link_valid_days": 45, "verify_percent": "10", "verify_seed": 1,
    }


def test_a_stale_campaign_edit_answers_409(cs_client, survey_template, dept) -> None:
    data = _campaign_data(survey_template, dept)
    assert cs_client.post(reverse("surveys:campaign_create"), data).status_code == 302
    campaign = Campaign.objects.get()
    data["start_date"] = campaign.start_date.isoformat()
    url = reverse("surveys:campaign_edit", args=[campaign.pk])
    ok = cs_client.post(url, {**data, "title": "改名", "version": campaign.version})
    assert ok.status_code == 302
    stale = cs_client.post(url, {**data, "title": "再改", "version": campaign.version})
    assert stale.status_code == 409
    assert stale.context["form"].non_field_errors()
    invalid = cs_client.post(url, {**data, "title": ""})
    assert invalid.status_code == 422
    campaign.refresh_from_db()
    assert campaign.title == "改名"


def test_a_stale_template_edit_answers_409(cs_client, cs_user, survey_template) -> None:
    draft = services.template_new_version(actor=cs_user, template=survey_template)
    url = reverse("surveys:template_edit", args=[draft.pk])
    data = {"name": draft.name, "name_en": draft.name_en, "intro": "", "intro_en": ""}
    saved = cs_client.post(url, {**data, "name": "新名", "version": draft.version})
    assert saved.status_code == 302
    stale = cs_client.post(url, {**data, "name": "再改", "version": draft.version})
    assert stale.status_code == 409 and stale.context["form"].non_field_errors()
    draft.refresh_from_db()
    assert draft.name == "新名"


def test_a_stale_correction_answers_409(cs_client, cs_user, running_campaign) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    response = services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                       data=full_answers(campaign.template))
    url = reverse("surveys:correct", args=[response.pk])
    answers = full_answers(campaign.template, value=3)
    first = cs_client.post(url, {**answers, "note": "录入错误", "version": response.version})
    assert first.status_code == 302
    stale = cs_client.post(url, {**answers, "note": "再改", "version": response.version})
    assert stale.status_code == 409 and list(stale.context["errors"]) == [""]
    unexplained = cs_client.post(url, {**answers, "note": ""})
    assert unexplained.status_code == 422 and "note" in unexplained.context["errors"]
