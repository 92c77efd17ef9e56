"""Staff pages: the whole campaign workflow through the UI, in Chinese and English, with
permission refusals (404 outside scope), exports, calendar, print view, QR link."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from django.utils import translation

from manyi.surveys.models import Campaign, Channel, Invitation, Response, SurveyTemplate

from .conftest import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs_client(client, cs_user):
    client.force_login(cs_user)
    return client


def test_plan_build_approve_send_enter_verify_close_in_the_ui(
    cs_client, client, bu_head, survey_template, make_customer, make_contacts, dept,
    django_assert_max_num_queries,
) -> None:
    customers = []
    for rev in (3, 2, 1):
        c = make_customer(bu="BU-PWR", annual_revenue=rev * 1_000_000)
        make_contacts(c)
        customers.append(c)
    r = cs_client.post(reverse("surveys:campaign_create"), {
        "title": "2025年四季度调查", "template": survey_template.pk, "kind": "quarterly",
        "period_year": 2025, "period": "Q4", "rule_business_units": [dept("BU-PWR").pk],
        "rule_coverage": "0.60", "min_return_rate": "60", "min_forms": 0,
        "min_competitor_forms": 0, "reminder_interval": 3, "reminder_max": 2,
        "link_valid_days": 45, "verify_percent": "10", "verify_seed": 1,
    })
    assert r.status_code == 302, r.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.start_date.isoformat() == "2025-12-01"
    page = cs_client.get(reverse("surveys:campaign", args=[campaign.pk]))
    assert page.status_code == 200 and "2025-12-04" in page.content.decode()
    preview = cs_client.get(reverse("surveys:targets", args=[campaign.pk]))
    assert preview.status_code == 200
    html = preview.content.decode()
    assert customers[0].code in html and customers[1].code in html  # 83 % ≥ 60 %
    assert customers[2].code not in html
    cs_client.post(reverse("surveys:targets", args=[campaign.pk]), {"action": "build"})
    assert campaign.targets.count() >= 2
    cs_client.post(reverse("surveys:targets", args=[campaign.pk]), {"action": "submit"})
    approval = campaign.approvals.get()
    client.force_login(bu_head)
    detail = client.get(reverse("surveys:campaign", args=[campaign.pk])).content.decode()
    assert reverse("surveys:approve", args=[campaign.pk, approval.pk]) in detail
    client.post(reverse("surveys:approve", args=[campaign.pk, approval.pk]),
                {"decision": "approve"})
    campaign.refresh_from_db()
    assert campaign.status == "list_approved"
    client.force_login(campaign.owner)
    client.post(reverse("surveys:campaign_action", args=[campaign.pk, "send"]))
    campaign.refresh_from_db()
    assert campaign.status == "running"
    inv = Invitation.objects.filter(campaign=campaign, channel=Channel.DELEGATED)[0]
    assert client.get(reverse("surveys:respondents", args=[campaign.pk]) + "?delegated=1"
                      ).status_code == 200
    form = client.get(reverse("surveys:invitation_enter", args=[inv.pk]))
    assert form.status_code == 200 and "a_P1" in form.content.decode()
    bad = client.post(reverse("surveys:invitation_enter", args=[inv.pk]),
                      {"channel": "proxy", **full_answers(campaign.template)})
    assert bad.status_code == 422 and not Response.objects.exists()
    ok = client.post(reverse("surveys:invitation_enter", args=[inv.pk]), {
        "channel": "proxy", "confirm_customer_words": "on", "proxy_note": "电话",
        **full_answers(campaign.template, na=("S1",))})
    assert ok.status_code == 302
    response = Response.objects.get()
    assert response.proxy
    with django_assert_max_num_queries(30):
        assert client.get(reverse("surveys:response", args=[response.pk])).status_code == 200
    client.post(reverse("surveys:campaign_action", args=[campaign.pk, "verify"]))
    response.refresh_from_db()
    assert response.verify_status == "pending"
    client.post(reverse("surveys:verify", args=[response.pk]),
                {"verify_status": "confirmed", "verify_note": "OK"})
    response.refresh_from_db()
    assert response.verify_status == "confirmed"
    client.post(reverse("surveys:campaign_action", args=[campaign.pk, "close"]))
    campaign.refresh_from_db()
    assert campaign.status == "closed" and campaign.valid is False
    with translation.override("en"):
        detail = client.get(reverse("surveys:campaign", args=[campaign.pk]),
                            HTTP_ACCEPT_LANGUAGE="en")
    assert detail.status_code == 200
    assert "Re-send" in detail.content.decode() or "重新" in detail.content.decode()


def test_pages_render_in_both_languages(cs_client, running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    from manyi.surveys import services

    response = services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                       data=full_answers(campaign.template))
    template = campaign.template
    urls = [
        reverse("surveys:list"), reverse("surveys:calendar") + "?year=2025&month=12",
        reverse("surveys:tasks"), reverse("surveys:templates"),
        reverse("surveys:template", args=[template.pk]),
        reverse("surveys:template_print", args=[template.pk]),
        reverse("surveys:template_import"),
        reverse("surveys:campaign", args=[campaign.pk]),
        reverse("surveys:campaign", args=[campaign.pk]) + "?by=office",
        reverse("surveys:targets", args=[campaign.pk]),
        reverse("surveys:respondents", args=[campaign.pk]),
        reverse("surveys:respondent_add", args=[campaign.pk]),
        reverse("surveys:chase", args=[campaign.pk]),
        reverse("surveys:responses", args=[campaign.pk]),
        reverse("surveys:invitation", args=[inv.pk]),
        reverse("surveys:invitation_print", args=[inv.pk]),
        reverse("surveys:response", args=[response.pk]),
        reverse("surveys:correct", args=[response.pk]),
        reverse("surveys:campaign_edit", args=[campaign.pk]),
    ]
    for lang in ("zh-hans", "en"):
        cs_client.post(reverse("set_language"), {"language": lang, "next": "/"})
        for url in urls:
            r = cs_client.get(url)
            assert r.status_code == 200, (url, lang)
            if "print" not in url:  # a printed form is in the respondent's language
                assert f'<html lang="{lang}">' in r.content.decode(), url
    assert cs_client.get(reverse("surveys:self_eval", args=[campaign.pk])).status_code == 403
    calendar = cs_client.get(reverse("surveys:calendar") + "?year=2025&month=12")
    assert campaign.number in calendar.content.decode()


def test_out_of_scope_is_404_and_refusals(client, make_user, running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    sales = make_user("sales_manager", department="SALES")
    client.force_login(sales)
    customer = campaign.targets.first().customer
    page = client.get(reverse("surveys:self_eval", args=[campaign.pk]))
    assert page.status_code == 200 and customer.code in page.content.decode()
    r = client.post(reverse("surveys:self_eval", args=[campaign.pk]),
                    {"customer": customer.pk, **full_answers(campaign.template)})
    assert r.status_code == 302
    assert Response.objects.filter(source="self", customer=customer).count() == 1
    gz = make_user("branch_manager", department="BO-GZ")
    client.force_login(gz)
    assert client.get(reverse("surveys:invitation", args=[inv.pk])).status_code == 404
    assert client.get(reverse("surveys:invitation_enter", args=[inv.pk])).status_code == 404
    listing = client.get(reverse("surveys:respondents", args=[campaign.pk]))
    assert inv.name not in listing.content.decode()
    assert client.get(reverse("surveys:campaign_create")).status_code == 403
    sh = make_user("branch_manager", department="BO-SH")
    client.force_login(sh)
    assert client.get(reverse("surveys:invitation_enter", args=[inv.pk])).status_code == 200
    assert client.post(reverse("surveys:campaign_action", args=[campaign.pk, "close"])
                       ).status_code == 403
    viewer = make_user("finance", department="FIN")
    client.force_login(viewer)
    assert client.get(reverse("surveys:list")).status_code == 403


def test_link_with_qr_code_and_print_with_link(cs_client, running_campaign) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    r = cs_client.post(reverse("surveys:invitation_link", args=[inv.pk]))
    html = r.content.decode()
    assert r.status_code == 200 and "<svg" in html and "/s/" in html
    printed = cs_client.post(reverse("surveys:invitation_print", args=[inv.pk]))
    assert "<svg" in printed.content.decode() and "@media print" in printed.content.decode()
    assert inv.links.count() >= 2


def test_exports_wide_and_long(cs_client, running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1)
    from manyi.surveys import services

    invs = list(Invitation.objects.filter(campaign=campaign)[:2])
    for n, inv in enumerate(invs):
        services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                data=full_answers(campaign.template, value=3 + n, na=("T1",)))
    url = reverse("surveys:export", args=[campaign.pk])
    wide = cs_client.get(url + "?format=csv&shape=wide")
    rows = list(csv.reader(io.StringIO(wide.content.decode("utf-8-sig"))))
    assert len(rows) == 3 and "P1" in rows[0] and "response_id" in rows[0]
    col = rows[0].index("T1")
    assert rows[1][col] == "NA"
    long = cs_client.get(url + "?format=csv&shape=long")
    lrows = list(csv.reader(io.StringIO(long.content.decode("utf-8-sig"))))
    per_form = sum(1 for i in campaign.template.items.all() if i.rated or i.scale == "text")
    assert len(lrows) == 1 + 2 * per_form
    xlsx = cs_client.get(url + "?format=xlsx&shape=wide")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert cs_client.get(url + "?format=pdf").status_code == 404


def test_template_import_page(cs_client, survey_template) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from manyi.surveys import transfer

    doc = transfer.template_document(survey_template)
    doc["code"] = "NEW-IMPORT"
    up = SimpleUploadedFile("t.json", json.dumps(doc).encode(), content_type="application/json")
    r = cs_client.post(reverse("surveys:template_import"), {"file": up})
    assert r.status_code == 302 and SurveyTemplate.objects.filter(code="NEW-IMPORT").exists()
    bad = SimpleUploadedFile("t.json", b"{nope", content_type="application/json")
    r = cs_client.post(reverse("surveys:template_import"), {"file": bad})
    assert r.status_code == 422
    xlsx = SimpleUploadedFile("t.xlsx", transfer.template_xlsx(survey_template))
    r = cs_client.post(reverse("surveys:template_import"), {"file": xlsx})
    assert r.status_code == 302
    assert SurveyTemplate.objects.filter(code=survey_template.code, version_no=2).exists()


def test_timeline_shows_responses(cs_client, running_campaign, cs_user) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    from manyi.surveys import services

    services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                            data=full_answers(campaign.template, overrides={"a_P1": 1}))
    page = cs_client.get(reverse("customers:detail", args=[inv.customer.pk]))
    html = page.content.decode()
    assert campaign.number in html and "ev-survey warn" in html
