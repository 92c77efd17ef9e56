"""Settings: production passes `manage.py check --deploy` with nothing reported, keeps its
database connections; the survey rate limit is shared across server processes (a database
table by default, Redis with CACHE_URL); every page sends a
Content-Security-Policy without inline script and a Permissions-Policy."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRODUCTION_KEY = "k" * 20 + "Q7!x#p2@Lm9$vB4^nR8&tY1*wE5(zU3)" + "s" * 10


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "manyi.config.settings_production",
        "SECRET_KEY": PRODUCTION_KEY,
        "ALLOWED_HOSTS": "manyi.example.com",
        "MANYI_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "-m", "manyi.cli", "check", "--deploy", "--fail-level", "DEBUG"],
        env=env, capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_the_development_key(tmp_path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "manyi.config.settings_production",
           "ALLOWED_HOSTS": "x.example.com", "MANYI_VAR_DIR": str(tmp_path)}
    env.pop("SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-m", "manyi.cli", "check"], env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_keeps_database_connections(tmp_path) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "manyi.config.settings_production",
           "SECRET_KEY": PRODUCTION_KEY,
           "ALLOWED_HOSTS": "x.example.com", "MANYI_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://manyi@db.example.com:5432/manyi"}
    env.pop("DB_CONN_MAX_AGE", None)
    code = ("from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['OPTIONS']['prepare_threshold'])")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True", str(10**9)]


def _settings_env(tmp_path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "manyi.config.settings",
           "MANYI_VAR_DIR": str(tmp_path), **extra}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


def test_cache_url_selects_a_shared_redis_cache(tmp_path) -> None:
    code = ("from django.conf import settings; c = settings.CACHES['default']; "
            "print(c['BACKEND'], c.get('LOCATION', ''))")
    shared = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=_settings_env(tmp_path, CACHE_URL="redis://cache.example:6379/1"),
                            check=False)
    assert shared.stdout.split() == ["django.core.cache.backends.redis.RedisCache",
                                     "redis://cache.example:6379/1"], shared.stderr
    local = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=_settings_env(tmp_path, CACHE_URL=""), check=False)
    assert "locmem" in local.stdout
    bad = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=_settings_env(tmp_path, CACHE_URL="memcached://x"), check=False)
    assert bad.returncode != 0 and "CACHE_URL" in bad.stderr


def _redis_up() -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis server on 127.0.0.1:6379")
def test_survey_rate_limit_counts_across_server_processes(tmp_path) -> None:
    """Two server processes (here: two Python processes) share one count per IP + link."""
    import secrets

    from manyi.surveys import constants as C

    digest = secrets.token_hex(32)
    code = ("import sys, django; django.setup(); from manyi.surveys import tokens; "
            "n = int(sys.argv[1]); "
            "print(sum(tokens.rate_limited('203.0.113.9', sys.argv[2]) for _ in range(n)))")
    env = _settings_env(tmp_path, CACHE_URL="redis://127.0.0.1:6379/15")
    first = subprocess.run([sys.executable, "-c", code, str(C.RATE_LIMIT_REQUESTS), digest],
                           capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "0"  # the allowed requests, all in the first process
    second = subprocess.run([sys.executable, "-c", code, "2", digest], capture_output=True,
                            text=True, env=env, check=False)
    assert second.stdout.strip() == "2", second.stderr  # the other process is over the limit


def test_survey_rate_limit_counts_across_processes_with_the_default_settings(tmp_path) -> None:
    """No CACHE_URL: two processes share one count per IP + link (in the database), and the
    unknown links one address tried."""
    import secrets

    from manyi.surveys import constants as C

    env = _settings_env(tmp_path, CACHE_URL="")
    env.pop("DATABASE_URL", None)  # the embedded SQLite file under tmp_path
    migrate = subprocess.run([sys.executable, "-m", "manyi.cli", "migrate", "--noinput"],
                             capture_output=True, text=True, env=env, check=False)
    assert migrate.returncode == 0, migrate.stderr
    digest = secrets.token_hex(32)
    code = ("import sys, django; django.setup(); from manyi.surveys import tokens; "
            "n = int(sys.argv[1]); "
            "print(sum(tokens.rate_limited('203.0.113.9', sys.argv[2]) for _ in range(n)))")
    first = subprocess.run([sys.executable, "-c", code, str(C.RATE_LIMIT_REQUESTS), digest],
                           capture_output=True, text=True, env=env, check=False)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "0"
    second = subprocess.run([sys.executable, "-c", code, "2", digest], capture_output=True,
                            text=True, env=env, check=False)
    assert second.stdout.strip() == "2", second.stderr
    misses = ("import django; django.setup(); from manyi.surveys import tokens; "
              "[tokens.link_missed('198.51.100.1') for _ in range(int(__import__('sys').argv[1]))]")
    subprocess.run([sys.executable, "-c", misses, str(C.RATE_LIMIT_ADDRESS_MISSES)], env=env,
                   check=True)
    third = subprocess.run([sys.executable, "-c", code, "1", secrets.token_hex(32)],
                           capture_output=True, text=True, env={**env}, check=False)
    assert third.stdout.strip() == "0"  # another address is not affected
    guesser = code.replace("203.0.113.9", "198.51.100.1")
    fourth = subprocess.run([sys.executable, "-c", guesser, "1", secrets.token_hex(32)],
                            capture_output=True, text=True, env=env, check=False)
    assert fourth.stdout.strip() == "1", fourth.stderr  # the guessing address is refused


def test_pages_send_the_content_security_and_permissions_policies(client, db) -> None:
    for url in ("/accounts/login/", "/s/" + "x" * 43 + "/"):
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
        assert directives["script-src"] == "'self'", csp
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        assert directives["form-action"] == "'self'" and directives["base-uri"] == "'self'"
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy, policy


def test_no_template_has_inline_script() -> None:
    """Scripts come from static files (the policy refuses inline script): no <script> with a
    body, no on…= handler attribute, no javascript: URL, no hx-on in any template."""
    import re
    from pathlib import Path

    import manyi

    root = Path(manyi.__file__).parent
    inline = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
                        r"|\son[a-z]+=|javascript:|hx-on", re.IGNORECASE)
    found = [f"{path.relative_to(root)}: {m.group(0)}"
             for path in root.rglob("*.html") for m in inline.finditer(path.read_text("utf-8"))]
    assert found == []
