"""The public survey pages' rate limit per address across links: guessing links from one
address is answered 429 after a few unknown links, and one address cannot send more than its
share of requests over all links; other addresses are not affected."""

from __future__ import annotations

import secrets

import pytest
from django.urls import reverse

from manyi.surveys import constants as C
from manyi.surveys.models import Channel, Invitation

pytestmark = pytest.mark.django_db

GUESSER = "198.51.100.7"


@pytest.fixture
def invitation(running_campaign):
    campaign = running_campaign(customers=1)
    return Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)[0]


def _get(client, token: str, ip: str, suffix: str = "", **params: str):
    url = reverse(f"survey_public:{'thanks' if suffix else 'form'}", args=[token])
    return client.get(url, params, REMOTE_ADDR=ip)


def test_one_hundred_wrong_links_from_one_address_end_in_429(client, invitation,
                                                             issue_token) -> None:
    codes = [_get(client, secrets.token_urlsafe(32), GUESSER).status_code for _ in range(100)]
    assert codes[: C.RATE_LIMIT_ADDRESS_MISSES] == [404] * C.RATE_LIMIT_ADDRESS_MISSES
    assert set(codes[C.RATE_LIMIT_ADDRESS_MISSES:]) == {429}
    # a real link from the guessing address learns nothing either; the page says why, in both
    # languages
    token = issue_token(invitation)
    zh = _get(client, token, GUESSER)
    assert zh.status_code == 429 and zh["Retry-After"]
    assert "请求过于频繁" in zh.content.decode()
    en = _get(client, token, GUESSER, lang="en")
    assert en.status_code == 429 and "Too many requests" in en.content.decode()
    # wrong thank-you links count too, and other addresses are not affected
    assert _get(client, token, "203.0.113.50").status_code == 200


def test_wrong_thank_you_links_count_as_misses(client) -> None:
    codes = [_get(client, secrets.token_urlsafe(32), GUESSER, suffix="thanks").status_code
             for _ in range(C.RATE_LIMIT_ADDRESS_MISSES + 2)]
    assert codes[-2:] == [429, 429] and codes[0] == 404


def test_one_address_over_all_links(client, invitation, issue_token, monkeypatch) -> None:
    monkeypatch.setattr(C, "RATE_LIMIT_ADDRESS_REQUESTS", 3)
    links = [issue_token(invitation) for _ in range(4)]
    codes = [_get(client, token, "192.0.2.1").status_code for token in links]
    assert codes == [200, 200, 200, 429]
    assert _get(client, links[3], "192.0.2.2").status_code == 200
