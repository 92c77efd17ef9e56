"""Settings: production passes `manage.py check --deploy` with nothing reported, keeps its
database connections; CACHE_URL shares the survey rate limit across server processes."""

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
