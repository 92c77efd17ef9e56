"""A user changes his own password on the profile page (old password checked, validators run,
this session stays logged in)."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

pytestmark = pytest.mark.django_db

OLD = "pw-test-123456"  # conftest make_user
NEW = "Ruhe-im-Lager-2026"


def test_profile_offers_the_password_form(client, make_user) -> None:
    client.force_login(make_user())
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("accounts:password_change") in page
    assert 'name="old_password"' in page and 'name="new_password2"' in page


def test_change_own_password(client, make_user) -> None:
    user = make_user(username="judy")
    client.force_login(user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": OLD, "new_password1": NEW, "new_password2": NEW,
    })
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW) and not user.check_password(OLD)
    # this session is kept (update_session_auth_hash)
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert client.session[SESSION_KEY] == str(user.pk)


def test_wrong_old_password_is_refused(client, make_user) -> None:
    user = make_user(username="ken")
    client.force_login(user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": "not-my-password", "new_password1": NEW, "new_password2": NEW,
    })
    assert response.status_code == 400
    assert "old_password" in response.context["password_form"].errors
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_weak_new_password_is_refused_by_the_validators(client, make_user) -> None:
    user = make_user(username="leo")
    client.force_login(user)
    response = client.post(reverse("accounts:password_change"), {
        "old_password": OLD, "new_password1": "12345678", "new_password2": "12345678",
    })
    assert response.status_code == 400
    assert "new_password2" in response.context["password_form"].errors
    user.refresh_from_db()
    assert user.check_password(OLD)


def test_password_change_needs_login(client) -> None:
    response = client.post(reverse("accounts:password_change"), {})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
