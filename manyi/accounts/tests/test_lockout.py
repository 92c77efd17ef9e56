"""Log-in lockout (django-axes): by user name after 5 failures, by address after 20, on the
login page and the admin; an administrator unlocks."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "pw-test-123456"  # conftest make_user


def lockout_text(language: str) -> str:
    """The lockout message as the page shows it (its zh-Hans text comes from the PO files)."""
    from django.utils.html import escape
    from django.utils.translation import gettext, override

    with override(language):
        return escape(gettext(
            "Too many failed log-ins for this user name or from this address. Log-in is "
            "locked for %(minutes)d minutes; an administrator can unlock it earlier."
        ) % {"minutes": 15})


def login(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_right_password_logs_in(client, make_user) -> None:
    user = make_user(username="alice")
    response = login(client, "alice", PASSWORD)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(user.pk)


def test_100_wrong_passwords_lock_the_user_name(client, make_user) -> None:
    make_user(username="alice")
    statuses = [login(client, "alice", f"wrong-{i}").status_code for i in range(100)]
    # the first 4 are ordinary failures; the 5th and every later one get the lockout page
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}

    response = login(client, "alice", PASSWORD)
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    page = response.content.decode()
    assert 'id="lockout"' in page and lockout_text("zh-hans") in page
    assert '<form method="post"' in page  # the designed login page, not a bare text

    # the same user name is locked from another address too
    assert login(client, "alice", PASSWORD, address="198.51.100.20").status_code == 429


def test_lockout_message_in_english(client, make_user, settings) -> None:
    make_user(username="bob")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for i in range(5):
        login(client, "bob", f"wrong-{i}")
    response = login(client, "bob", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-ins for this user name or from this address" in (
        response.content.decode())
    assert "15 minutes" in response.content.decode()


def test_other_users_are_not_locked_by_one_name(client, make_user) -> None:
    make_user(username="alice")
    make_user(username="carol")
    for i in range(5):
        login(client, "alice", f"wrong-{i}")
    assert login(client, "carol", PASSWORD).status_code == 302


def test_address_is_locked_after_20_failures_across_user_names(client, make_user) -> None:
    make_user(username="dave")
    attacker = "203.0.113.9"
    for i in range(20):  # one failure for each of 20 names: no name reaches its own limit
        login(client, f"guess{i}", "wrong", address=attacker)
    response = login(client, "dave", PASSWORD, address=attacker)
    assert response.status_code == 429 and SESSION_KEY not in client.session
    # the user himself, from his own address, is not affected
    assert login(client, "dave", PASSWORD, address="198.51.100.7").status_code == 302


def test_address_below_its_limit_is_not_locked(client, make_user) -> None:
    make_user(username="erin")
    for i in range(19):
        login(client, f"guess{i}", "wrong", address="203.0.113.10")
    assert login(client, "erin", PASSWORD, address="203.0.113.10").status_code == 302


def test_lockout_holds_for_the_admin_login(client, make_user) -> None:
    make_user(username="root", is_staff=True, is_superuser=True)
    admin_login = reverse("admin:login")
    for i in range(5):
        client.post(admin_login, {"username": "root", "password": f"wrong-{i}"})
    response = client.post(admin_login, {"username": "root", "password": PASSWORD})
    assert response.status_code == 429
    assert SESSION_KEY not in client.session
    assert lockout_text("zh-hans") in response.content.decode()


def test_administrator_unlocks_in_the_admin(client, make_user) -> None:
    victim = make_user(username="frank")
    for i in range(5):
        login(client, "frank", f"wrong-{i}")
    assert login(client, "frank", PASSWORD).status_code == 429

    boss = make_user(username="root", is_staff=True, is_superuser=True)
    client.force_login(boss)
    response = client.post(reverse("admin:accounts_user_changelist"), {
        "action": "unlock_login", "_selected_action": [victim.pk],
    })
    assert response.status_code == 302
    client.logout()
    assert login(client, "frank", PASSWORD).status_code == 302


def test_administrator_unlocks_with_the_command(client, make_user) -> None:
    make_user(username="grace")
    for i in range(5):
        login(client, "grace", f"wrong-{i}")
    assert login(client, "grace", PASSWORD).status_code == 429
    call_command("axes_reset_username", "grace")
    assert login(client, "grace", PASSWORD).status_code == 302


def test_failures_during_a_lockout_do_not_count_for_the_address(client, make_user) -> None:
    """Hammering a locked name does not spill over into locking the whole address."""
    make_user(username="heidi")
    make_user(username="ivan")
    for i in range(30):
        login(client, "heidi", f"wrong-{i}", address="192.0.2.50")
    assert login(client, "ivan", PASSWORD, address="192.0.2.50").status_code == 302
