"""API tokens: listed, created with an expiry, revoked on the profile page; revoked and expired
tokens are refused; bad tokens from one address are throttled (429)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from manyi.accounts.models import ApiToken
from manyi.accounts.services import api_token_create, api_token_revoke

pytestmark = pytest.mark.django_db

API = "/api/v1/customers/"


def bearer(key: str, address: str = "127.0.0.1") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}", "REMOTE_ADDR": address}


@pytest.fixture
def clerk(make_user):
    return make_user("customer_service", department="CS")


def test_profile_lists_own_tokens_with_their_state(client, clerk, make_user) -> None:
    active, _ = api_token_create(user=clerk, name="erp-sync",
                                 expires_at=timezone.now() + timedelta(days=3))
    revoked, _ = api_token_create(user=clerk, name="old-script")
    api_token_revoke(user=clerk, token_id=revoked.pk)
    expired, _ = api_token_create(user=clerk, name="trial",
                                  expires_at=timezone.now() - timedelta(days=1))
    api_token_create(user=make_user(username="someone-else"), name="not-mine")
    client.force_login(clerk)
    page = client.get(reverse("accounts:profile")).content.decode()
    for token in (active, revoked, expired):
        assert f'id="token-{token.pk}"' in page and token.prefix in page
    assert "not-mine" not in page
    # only the active token offers a revoke button
    assert reverse("accounts:token_revoke", args=[active.pk]) in page
    assert reverse("accounts:token_revoke", args=[revoked.pk]) not in page
    assert reverse("accounts:token_revoke", args=[expired.pk]) not in page
    active.refresh_from_db()
    revoked.refresh_from_db()
    assert (active.state, revoked.state, expired.state) == ("active", "revoked", "expired")


def test_create_token_with_expiry_shows_the_key_once(client, clerk) -> None:
    client.force_login(clerk)
    response = client.post(reverse("accounts:token_create"),
                           {"name": "erp", "expires_in": "30"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=clerk)
    assert token.name == "erp"
    assert token.expires_at is not None
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    key = response.context["new_key"]
    assert key.startswith(token.prefix) and key not in token.digest
    assert client.get(API, **bearer(key)).status_code == 200
    assert key not in client.get(reverse("accounts:profile")).content.decode()


def test_create_token_without_expiry(client, clerk) -> None:
    client.force_login(clerk)
    client.post(reverse("accounts:token_create"), {"name": "ci", "expires_in": "never"})
    assert ApiToken.objects.get(user=clerk).expires_at is None


def test_create_token_bad_expiry_names_the_field(client, clerk) -> None:
    client.force_login(clerk)
    response = client.post(reverse("accounts:token_create"),
                           {"name": "x", "expires_in": "forever"})
    assert response.status_code == 400
    assert "expires_in" in response.context["token_form"].errors
    assert not ApiToken.objects.exists()


def test_revoke_own_token(client, clerk) -> None:
    token, key = api_token_create(user=clerk)
    assert client.get(API, **bearer(key)).status_code == 200
    client.force_login(clerk)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.state == "revoked"
    client.logout()
    assert client.get(API, **bearer(key)).status_code == 401


def test_revoke_needs_post_and_own_token(client, clerk, make_user) -> None:
    other_token, _ = api_token_create(user=make_user(username="mallory-victim"))
    client.force_login(clerk)
    url = reverse("accounts:token_revoke", args=[other_token.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 404
    other_token.refresh_from_db()
    assert other_token.revoked_at is None


def test_revoked_token_gets_401(client, clerk) -> None:
    token, key = api_token_create(user=clerk)
    api_token_revoke(user=clerk, token_id=token.pk)
    response = client.get(API, **bearer(key))
    assert response.status_code == 401


def test_expired_token_gets_401(client, clerk) -> None:
    token, key = api_token_create(user=clerk, expires_at=timezone.now() + timedelta(days=1))
    assert client.get(API, **bearer(key)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(API, **bearer(key)).status_code == 401


def test_use_is_recorded(client, clerk) -> None:
    token, key = api_token_create(user=clerk)
    assert token.last_used_at is None
    client.get(API, **bearer(key))
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_repeated_bad_tokens_are_throttled(client, clerk) -> None:
    _token, key = api_token_create(user=clerk)
    attacker = "203.0.113.77"
    for i in range(20):
        assert client.get(API, **bearer(f"my_guess{i}", attacker)).status_code == 401
    response = client.get(API, **bearer("my_guess-21", attacker))
    assert response.status_code == 429
    assert "detail" in response.json()
    # even the right token is refused from that address until the window ends
    assert client.get(API, **bearer(key, attacker)).status_code == 429
    # other addresses are not affected
    assert client.get(API, **bearer(key, "198.51.100.1")).status_code == 200


def test_throttle_message_is_translated(client, clerk, settings, monkeypatch) -> None:
    from django.utils.translation import gettext, override

    from manyi.accounts import services

    monkeypatch.setattr(services, "_clock", lambda: 999_999_900.0 + 50)  # 250 s left
    for i in range(20):
        client.get(API, **bearer(f"my_guess{i}", "203.0.113.78"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(API, **bearer("my_guess", "203.0.113.78"))
    assert response.status_code == 429
    with override("en"):
        expected = gettext("Too many requests with an invalid API token from this address; "
                           "try again in %(minutes)d minutes.") % {"minutes": 5}
    assert response.json()["detail"] == expected


def test_good_tokens_are_not_counted(client, clerk) -> None:
    _token, key = api_token_create(user=clerk)
    for _ in range(25):
        assert client.get(API, **bearer(key, "203.0.113.79")).status_code == 200


def test_throttle_ends_with_its_window(client, clerk, monkeypatch) -> None:
    from manyi.accounts import services

    now = [999_999_900.0]  # the start of a 300-second window
    monkeypatch.setattr(services, "_clock", lambda: now[0])
    _token, key = api_token_create(user=clerk)
    for i in range(20):
        client.get(API, **bearer(f"my_guess{i}", "203.0.113.80"))
    now[0] += 299
    assert client.get(API, **bearer(key, "203.0.113.80")).status_code == 429
    now[0] += 1
    assert client.get(API, **bearer(key, "203.0.113.80")).status_code == 200
