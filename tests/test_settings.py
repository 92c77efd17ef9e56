"""Production settings pass `manage.py check --deploy` with nothing reported."""

from __future__ import annotations

import os
import subprocess
import sys


def test_check_deploy_is_clean_with_production_settings(tmp_path) -> None:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "manyi.config.settings_production",
        "SECRET_KEY": "k" * 20 + "Q7!x#p2@Lm9$vB4^nR8&tY1*wE5(zU3)" + "s" * 10,
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
           "SECRET_KEY": "k" * 20 + "Q7!x#p2@Lm9$vB4^nR8&tY1*wE5(zU3)" + "s" * 10,
           "ALLOWED_HOSTS": "x.example.com", "MANYI_VAR_DIR": str(tmp_path),
           "DATABASE_URL": "postgres://manyi@db.example.com:5432/manyi"}
    env.pop("DB_CONN_MAX_AGE", None)
    code = ("from django.conf import settings; d = settings.DATABASES['default']; "
            "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], d['OPTIONS']['prepare_threshold'])")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "True", str(10**9)]
