"""Fixtures shared by every test: users with roles in departments, customers, products."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Each test starts in the default language (zh-hans) whatever the previous one switched
    to on the same worker."""
    from django.utils import translation

    translation.activate("zh-hans")
    yield
    translation.activate("zh-hans")


@pytest.fixture
def reference_data(db: Any) -> None:
    """Roles and departments (seeded by migration; re-seeded after a transactional test
    flushed the tables)."""
    from manyi.accounts.models import Role
    from manyi.accounts.roles import seed_reference_data

    if not Role.objects.exists():
        seed_reference_data()


@pytest.fixture
def make_user(reference_data: None) -> Callable[..., Any]:
    """make_user("sales_clerk", department="BO-SH") → an active user with those roles."""
    from manyi.accounts.models import Department, Role, User

    def make(*roles: str, department: str | None = None, username: str | None = None,
             **extra: Any) -> Any:
        n = next(_seq)
        user = User.objects.create_user(
            username=username or f"user{n}",
            password="pw-test-123456",
            department=Department.objects.get(code=department) if department else None,
            **extra,
        )
        if roles:
            user.roles.set(Role.objects.filter(code__in=roles))
        return user

    return make


@pytest.fixture
def admin_user(make_user: Callable[..., Any]) -> Any:
    return make_user("admin", department="OFFICE", username="boss", is_staff=True)


@pytest.fixture
def dept(reference_data: None) -> Callable[[str], Any]:
    from manyi.accounts.models import Department

    return lambda code: Department.objects.get(code=code)


@pytest.fixture
def product(db: Any) -> Any:
    from manyi.customers.models import Product, ProductLine

    line = ProductLine.objects.create(code="PL-T", name="测试产品线")
    return Product.objects.create(model="T-100", name="测试电源", product_line=line)


@pytest.fixture
def make_customer(reference_data: None) -> Callable[..., Any]:
    """make_customer(office="BO-SH", bu="BU-PWR", **fields) — written directly, no audit."""
    from manyi.accounts.models import Department
    from manyi.customers.models import Customer

    def make(office: str = "BO-SH", bu: str = "BU-PWR", **fields: Any) -> Any:
        n = next(_seq)
        fields.setdefault("code", f"C{n:05d}")
        fields.setdefault("name", f"测试客户{n}有限公司")
        fields.setdefault("annual_revenue", Decimal("1000000"))
        office_dept = Department.objects.get(code=office)
        return Customer.objects.create(
            branch_office=office_dept,
            business_unit=Department.objects.get(code=bu),
            region=office_dept.parent,
            **fields,
        )

    return make


# --- Headless Chromium (Debian's package) driven by Playwright via executable_path ---

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser"
    )
    if not path:
        pytest.fail(
            "Chromium is not installed: `make test` installs Debian's chromium package "
            "(apt-get install chromium)."
        )
    return path


# Reported by every page a browser test opens: a Content-Security-Policy violation fails the test.
CSP_REPORTER = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI + " "
                + e.sourceFile + ":" + e.lineNumber);
});"""


def _csp_safe_wait_for_function(page: Any) -> Callable[..., Any]:
    """Playwright's wait_for_function polls by evaluating a string inside the page, which the
    Content-Security-Policy (no 'unsafe-eval') refuses; this one polls from here instead
    (page.evaluate goes through the DevTools protocol, which the policy does not restrict)."""
    import time

    def wait_for_function(expression: str, *, timeout: float = 15_000, **_: Any) -> Any:
        deadline = time.monotonic() + timeout / 1000
        while True:
            value = page.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError(f"wait_for_function timed out: {expression}")
            page.wait_for_timeout(50)

    return wait_for_function


@pytest.fixture
def csp_violations() -> list[str]:
    """The CSP violations the browser page reported (browser_page fails the test on any left)."""
    return []


@pytest.fixture
def browser_page(tmp_path: Any, monkeypatch: pytest.MonkeyPatch,
                 csp_violations: list[str]) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself (fixtures, assertions) are still synchronous and safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        context.add_init_script(CSP_REPORTER)
        page = context.new_page()
        page.on("console", lambda msg: csp_violations.append(msg.text)
                if msg.type == "error" and ("Content Security Policy" in msg.text
                                            or msg.text.startswith("CSP violation"))
                else None)
        page.set_default_timeout(15_000)
        page.wait_for_function = _csp_safe_wait_for_function(page)  # type: ignore[method-assign]
        try:
            yield page
        finally:
            context.close()
            browser.close()
    assert csp_violations == [], f"Content-Security-Policy violations: {csp_violations}"
