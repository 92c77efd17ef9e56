"""The customer's page: personal links, partial saves, validation, idempotent single-use
submission (also under concurrent duplicate posts), expiry, rate limit, thank-you mail."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from manyi.accounts.permissions import ALL_RECORDS
from manyi.surveys import selectors, services
from manyi.surveys.models import (
    Answer,
    Channel,
    Invitation,
    ItemRollup,
    Response,
    SurveyLink,
)

from .conftest import full_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def direct_invitation(running_campaign):
    campaign = running_campaign(customers=1)
    return Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)[0]


def _url(token: str) -> str:
    return reverse("survey_public:form", args=[token])


def test_open_answer_in_sections_and_submit_once(
    client, direct_invitation, issue_token, django_capture_on_commit_callbacks
) -> None:
    inv = direct_invitation
    token = issue_token(inv)
    page = client.get(_url(token))
    assert page.status_code == 200 and "noindex" in page["X-Robots-Tag"]
    html = page.content.decode()
    assert "市场人员素质" in html and 'value="na"' in html
    assert selectors.totals(inv.campaign, scope=ALL_RECORDS)["opened"] == 1
    assert client.get(_url(token) + "?lang=en").content.decode().count("Unable to comment") > 0
    # section 1 (people) saved partially
    r = client.post(_url(token), {"section": "0", "action": "next", "a_P1": "5", "a_P2": "na",
                                  "submission_key": "k1"})
    assert r.status_code == 302 and "section=1" in r["Location"]
    resp = Response.objects.get(invitation=inv)
    assert resp.status == "partial" and resp.answers.count() == 2
    t = selectors.totals(inv.campaign, scope=ALL_RECORDS)
    assert (t["partial"], t["completed"]) == (1, 0)
    # submit the rest, with one "unable to comment"
    data = full_answers(inv.campaign.template, value=4, na=("S3",))
    data = {k: v for k, v in data.items() if k not in ("a_P1", "a_P2")}
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(_url(token), {**data, "action": "submit", "section": "4",
                                      "submission_key": "k2"})
    assert r.status_code == 302 and "/thanks/" in r["Location"]
    assert client.get(r["Location"]).status_code == 200
    resp.refresh_from_db()
    assert resp.status == "submitted" and resp.answered == 12 and resp.not_applicable == 2
    assert resp.value_sum == 5 + 11 * 4 and resp.max_sum == 12 * 5
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.thanks_due() == 1
        assert services.thanks_due() == 0  # once
    assert [m.to for m in mail.outbox] == [[inv.email]]
    t = selectors.totals(inv.campaign, scope=ALL_RECORDS)
    assert (t["partial"], t["completed"], t["rate"] is not None) == (0, 1, True)
    # the same submission again (double click / retry) → the thank-you page, nothing new
    again = client.post(_url(token), {**data, "action": "submit", "submission_key": "k2"})
    assert again.status_code == 302 and "/thanks/" in again["Location"]
    # reuse refused: the page and another submission
    assert client.get(_url(token)).status_code == 410
    other = client.post(_url(token), {**data, "action": "submit", "submission_key": "zz"})
    assert other.status_code == 410
    assert Response.objects.filter(invitation=inv).count() == 1
    cells = ItemRollup.objects.filter(campaign=inv.campaign)
    assert sum(c.count for c in cells) == 14


def test_ranges_and_missing_answers_are_refused(client, direct_invitation, issue_token) -> None:
    inv = direct_invitation
    token = issue_token(inv)
    bad = client.post(_url(token), {"section": "0", "action": "next", "a_P1": "7",
                                    "submission_key": "k"})
    assert bad.status_code == 422 and "a_P1" in str(bad.context["errors"])
    assert not Answer.objects.exists()
    incomplete = client.post(_url(token), {"a_P1": "3", "action": "submit",
                                           "submission_key": "k"})
    assert incomplete.status_code == 422
    errors = incomplete.context["errors"]
    assert "a_P2" in errors and "a_P1" not in errors and "a_OPINION" not in errors
    assert Response.objects.get(invitation=inv).status == "partial"


def test_expired_unknown_and_closed_links(client, direct_invitation, issue_token, cs_user) -> None:
    inv = direct_invitation
    token = issue_token(inv)
    SurveyLink.objects.filter(invitation=inv).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(_url(token)).status_code == 410
    post = client.post(_url(token), full_answers(inv.campaign.template) | {"action": "submit"})
    assert post.status_code == 410 and not Response.objects.exists()
    assert client.get(_url("x" * 43)).status_code == 404
    assert client.get("/s/bad%20token!/").status_code == 404
    fresh = issue_token(inv)
    services.campaign_close(actor=cs_user, campaign=inv.campaign)
    assert client.get(_url(fresh)).status_code == 410


def test_rate_limit_per_ip_and_token(client, direct_invitation, issue_token, settings,
                                     monkeypatch) -> None:
    from manyi.surveys import constants

    monkeypatch.setattr(constants, "RATE_LIMIT_REQUESTS", 3)
    token = issue_token(direct_invitation)
    codes = [client.get(_url(token)).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    other = issue_token(direct_invitation)
    assert client.get(_url(other)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicate_posts_make_one_response(running_campaign) -> None:
    campaign = running_campaign(customers=1)
    inv = Invitation.objects.filter(campaign=campaign)[0]
    data = full_answers(campaign.template, value=5, na=("R4",))
    results: list[str] = []
    barrier = threading.Barrier(6)

    def post(key: str) -> None:
        try:
            barrier.wait()
            fresh = Invitation.objects.select_related("campaign", "campaign__template",
                                                      "customer").get(pk=inv.pk)
            r = services.response_save_public(invitation=fresh, data=data, submit=True,
                                              submission_key=key)
            results.append("dup" if r.duplicate else "ok")
        except services.AlreadySubmitted:
            results.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=("same" if n < 5 else "other",))
               for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results).count("ok") == 1
    assert Response.objects.filter(invitation=inv).count() == 1
    response = Response.objects.get(invitation=inv)
    assert Answer.objects.filter(response=response).count() == \
        sum(1 for k in data if k.startswith("a_"))
    assert selectors.totals(campaign, scope=ALL_RECORDS)["completed"] == 1
    from manyi.surveys.rollups import rollups_current, rollups_recompute

    assert rollups_current(campaign) == rollups_recompute(campaign, write=False)


def test_competitor_block_needs_the_competitors_name(client, direct_invitation,
                                                     issue_token) -> None:
    inv = direct_invitation
    token = issue_token(inv)
    data = full_answers(inv.campaign.template, value=4) | {"c_R1": "2", "c_R2": "na"}
    r = client.post(_url(token), {**data, "action": "submit", "submission_key": "k"})
    assert r.status_code == 422 and "competitor_name" in r.context["errors"]
    assert r.context["section"].competitor
    r = client.post(_url(token), {**data, "competitor_name": "某竞争对手", "action": "submit",
                                  "submission_key": "k"})
    assert r.status_code == 302
    response = Response.objects.get(invitation=inv)
    assert response.competitor_name == "某竞争对手"
    assert response.answers.filter(competitor=True).count() == 2
    assert selectors.totals(inv.campaign, scope=ALL_RECORDS)["competitor_forms"] == 1
    assert ItemRollup.objects.filter(campaign=inv.campaign, competitor=True, value=2).exists()


def test_link_loads_every_field_as_the_orm_does(running_campaign, issue_token) -> None:
    """The public page reads a link with one hand-written join; every field it loads must be
    the value the ORM reads (same order, same types, datetimes converted on SQLite)."""
    from manyi.surveys.services.links import LINK_FIELDS

    campaign = running_campaign(customers=1, auto_complaint=True)
    inv = Invitation.objects.filter(campaign=campaign, channel=Channel.DELEGATED)[0]
    services.invitation_opened(inv)
    token = issue_token(inv)
    loaded, link = services.link_resolve(token)
    orm = SurveyLink.objects.select_related("invitation__campaign", "invitation__customer").get(
        pk=link.pk)
    objects = {"link": (link, orm), "invitation": (loaded, orm.invitation),
               "campaign": (loaded.campaign, orm.invitation.campaign),
               "customer": (loaded.customer, orm.invitation.customer)}
    for name, attnames in LINK_FIELDS.items():
        mine, theirs = objects[name]
        for attname in attnames:
            assert getattr(mine, attname) == getattr(theirs, attname), (name, attname)
    assert loaded.campaign.auto_complaint is True and loaded.opened_at is not None
    assert loaded.delegated_office_id and loaded.status == "opened"
