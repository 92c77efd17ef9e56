"""SITE_URL: absolute links in notification e-mails; `manyi serve` derives it from
--host/--port for its children."""

from __future__ import annotations

import os
from typing import Any

import pytest

from manyi.common import notify
from manyi.common.management.commands import serve
from manyi.common.site import absolute_url


def test_absolute_url(settings: Any) -> None:
    settings.SITE_URL = "http://h.example:9000/"
    assert absolute_url("/complaints/1/") == "http://h.example:9000/complaints/1/"
    assert absolute_url("https://elsewhere/x") == "https://elsewhere/x"
    assert absolute_url("") == ""


def test_notification_email_link_is_absolute(settings: Any, make_user: Any) -> None:
    settings.SITE_URL = "http://127.0.0.1:8123"
    user = make_user("sales_clerk")
    [message] = notify.notify_users(key="site-url-test", users=[user], template="generic",
                                    context={"title": "T", "url": "/complaints/7/"},
                                    url="/complaints/7/")
    assert "http://127.0.0.1:8123/complaints/7/" in message.body
    assert message.url == "/complaints/7/"  # the in-app link stays relative


@pytest.mark.parametrize(("host", "port", "expected"), [
    ("127.0.0.1", "8123", "http://127.0.0.1:8123"),
    ("0.0.0.0", "9000", "http://127.0.0.1:9000"),  # noqa: S104 (mapped to loopback)
    ("::1", "8000", "http://[::1]:8000"),
    ("manyi.local", "80", "http://manyi.local:80"),
])
def test_child_environment_sets_site_url(host: str, port: str, expected: str) -> None:
    env = serve.child_environment(host, port, {"PATH": "/bin"})
    assert env == {"PATH": "/bin", "SITE_URL": expected}


@pytest.mark.parametrize("name", ["SITE_URL", "MANYI_PUBLIC_BASE_URL"])
def test_child_environment_keeps_a_configured_address(name: str) -> None:
    env = serve.child_environment("127.0.0.1", "8123", {name: "https://manyi.example.com"})
    assert env == {name: "https://manyi.example.com"}


def test_serve_children_inherit_site_url(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command sets SITE_URL before it starts its children (no process is started)."""
    for name in ("SITE_URL", "MANYI_PUBLIC_BASE_URL"):
        monkeypatch.setenv(name, "x")  # restored after the test
        monkeypatch.delenv(name)
    seen: dict[str, Any] = {}

    class FakeSupervisor:
        def __init__(self, children: list[serve.Child], **_: Any) -> None:
            seen["web"] = children[0].cmd

        def start(self) -> None:
            seen["SITE_URL"] = os.environ.get("SITE_URL")

        def check(self) -> bool:
            return False

        def stop(self) -> None:
            pass

    monkeypatch.setattr(serve, "Supervisor", FakeSupervisor)
    monkeypatch.setattr(serve.signal, "signal", lambda *a: None)
    with pytest.raises(SystemExit):
        serve.Command().run_from_argv(["manyi", "serve", "--host", "127.0.0.1",
                                       "--port", "8123"])
    assert seen["SITE_URL"] == "http://127.0.0.1:8123"
    assert "127.0.0.1:8123" in seen["web"]


def test_a_site_url_without_scheme_is_refused_by_name() -> None:
    import subprocess
    import sys

    env = {**os.environ, "SITE_URL": "manyi.example.com"}
    env.pop("MANYI_PUBLIC_BASE_URL", None)
    run = subprocess.run([sys.executable, "-c", "import manyi.config.settings"], env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode != 0 and "SITE_URL must be an http(s) address" in run.stderr
