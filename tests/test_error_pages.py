"""The designed error pages with DEBUG off (what `make run` serves): 404, 403, CSRF and 500
in the user's language, each with a way back, never Django's technical pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import translation
from django.utils.translation import gettext


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


# Used by the 500 test only (@pytest.mark.urls(__name__)): the site plus a view that fails.
urlpatterns = [
    path("boom/", _boom),
    path("", include("manyi.config.urls")),
]


def _zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return gettext(msgid)


@pytest.fixture(autouse=True)
def _production_mode(settings: Any) -> None:
    settings.DEBUG = False


def test_other_offices_customer_is_the_designed_404_in_chinese(
    client: Client, make_user: Callable[..., Any], make_customer: Callable[..., Any]
) -> None:
    other = make_customer(office="BO-BJ")
    client.force_login(make_user("sales_clerk", department="BO-SH"))

    response = client.get(f"/customers/{other.pk}/", HTTP_REFERER="http://testserver/customers/")

    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-status="404"' in html
    assert '<html lang="zh-hans">' in html
    assert _zh("Page not found") != "Page not found"  # a Chinese title, not the msgid
    assert _zh("Page not found") in html
    assert other.name not in html
    # no technical page: no URL patterns, no settings
    assert "URLconf" not in html and "customers/&lt;int:pk&gt;" not in html
    assert "Using the URLconf" not in html
    # a way back: the previous page and the dashboard
    assert 'href="http://testserver/customers/"' in html
    assert 'href="/"' in html
    assert _zh("Back to the dashboard") in html


def test_a_back_link_is_only_an_http_address(
    client: Client, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("sales_clerk", department="BO-SH"))

    response = client.get("/customers/999999/", HTTP_REFERER="javascript:alert(1)")

    assert response.status_code == 404
    assert "javascript:" not in response.content.decode()


def test_404_follows_the_users_language(
    client: Client, make_user: Callable[..., Any]
) -> None:
    client.force_login(make_user("sales_clerk", department="BO-SH", language="en"))

    response = client.get("/customers/999999/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "Page not found" in html


def test_refused_edit_is_the_designed_403(
    client: Client, make_user: Callable[..., Any], make_customer: Callable[..., Any]
) -> None:
    customer = make_customer()
    # the quality engineer may read every customer but change none
    client.force_login(make_user("quality_engineer", department="QA"))

    response = client.get(f"/customers/{customer.pk}/edit/")

    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-status="403"' in html
    assert _zh("Not allowed") in html
    assert "403 Forbidden" not in html
    assert 'href="/"' in html
    assert _zh("Back to the dashboard") in html


def test_csrf_failure_is_the_designed_page(
    make_user: Callable[..., Any], make_customer: Callable[..., Any]
) -> None:
    customer = make_customer()
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("branch_manager", department="BO-SH"))

    response = client.post(f"/customers/{customer.pk}/edit/", {"name": "改名"})

    assert response.status_code == 403
    html = response.content.decode()
    assert _zh("The form has expired") in html
    assert "CSRF verification failed" not in html
    assert 'data-status="403"' in html
    # the site layout with the user's navigation (rendered with the request)
    assert 'href="/customers/"' in html
    customer.refresh_from_db()
    assert customer.name != "改名"


def test_500_page_renders_without_the_database(rf: RequestFactory) -> None:
    """No database fixture: any query while rendering the 500 page would raise here."""
    from django.views.defaults import server_error

    response = server_error(rf.get("/anything/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-status="500"' in html
    assert _zh("Server error") in html
    assert 'href="/"' in html
    assert _zh("Back to the dashboard") in html


@pytest.mark.urls(__name__)
def test_an_unhandled_error_serves_the_designed_500(
    make_user: Callable[..., Any]
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(make_user("sales_clerk", department="BO-SH"))

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode()
    assert 'data-status="500"' in html
    assert "Traceback" not in html and "RuntimeError" not in html


def test_static_files_are_served_with_debug_off(client: Client) -> None:
    response = client.get("/static/manyi/manyi.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()  # type: ignore[attr-defined]
