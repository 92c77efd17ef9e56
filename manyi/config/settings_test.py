"""Test settings: the same as settings.py, with fast hashing, tasks run inline, mail in memory."""

import os
import tempfile
from pathlib import Path

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="manyi-test-media-"))
WHITENOISE_AUTOREFRESH = True
# The log-in lockout stays on; only client.login() (no request) skips its check.
AUTHENTICATION_BACKENDS = [
    "manyi.accounts.backends.RequestOptionalLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A real file (not shared-cache memory) so concurrent-save tests see SQLite's real locking
    # (busy timeout, IMMEDIATE transactions), as in production; xdist adds a suffix per worker.
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": str(Path(tempfile.gettempdir()) / f"manyi-test-{os.getpid()}.sqlite3")
    }
