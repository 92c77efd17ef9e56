"""Settings from the environment, with safe local defaults.

Environment variables (all optional for local use):
DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS, TIME_ZONE,
EMAIL_URL-style settings (EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER,
EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL), TASK_BACKEND (database|immediate),
MANYI_VAR_DIR (where the SQLite file, uploads and mail files live).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # the manyi package
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("MANYI_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# A fixed development key is only used when DEBUG is on; production settings refuse it.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000")
# The designed "form has expired" page (templates/403_csrf.html) instead of Django's English one
CSRF_FAILURE_VIEW = "manyi.common.views.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",  # serves Swagger UI from its static files (no CDN, no inline script)
    "csp",
    "manyi.common",
    "manyi.accounts",
    "manyi.audit",
    "manyi.customers",
    "manyi.feedback",
    "manyi.complaints",
    "manyi.claims",
    "manyi.property",
    "manyi.surveys",
    "manyi.analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "manyi.common.middleware.HostileInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "manyi.common.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last: turns a locked-out log-in into the login page with the reason (HTTP 429)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "manyi.config.urls"
WSGI_APPLICATION = "manyi.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "manyi.common.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'manyi.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    # WAL + a busy timeout so the web server, worker and scheduler share the file safely.
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django binds parameters on the client, and such statements are never prepared. The few
    # hot statements of the survey page ask for a prepared statement explicitly
    # (manyi.common.db.execute_prepared); psycopg honours that only when preparing is enabled,
    # and this threshold is never reached by anything else.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 10**9)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The rate-limit counters (survey pages, API tokens) are shared by every server process: in a
# table of the database (one upsert per request, manyi.common.ratelimit); CACHE_URL=redis://
# host:6379/1 keeps them in Redis instead (Django's cache; no database write per page view).
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("CACHE_URL must be a Redis URL (redis://host:6379/1)")
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "manyi",
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Log-in lockout (django-axes, docs/decisions/0010-login-lockout.md): a user name is locked after
# 5 failed log-ins, an address after 20 (MANYI_LOGIN_ADDRESS_FAILURE_LIMIT), for 15 minutes after
# the last failure, on the login page and the admin alike. Unlock: admin (users → "unlock log-in",
# or access attempts) or `manyi axes_reset_username <name>` / `manyi axes_reset_ip <address>`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "manyi.accounts.lockout.LoginLockoutHandler"
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
MANYI_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("MANYI_LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
# Failures during a lockout do not extend it; a success does not wipe the address's failures
# (else one valid account would reset the count of guesses against another).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "manyi.accounts.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Bad API bearer tokens from one address: after 20 failures within 5 minutes every bearer
# request from that address gets 429 until the window ends (manyi.accounts.services).
MANYI_API_TOKEN_FAILURE_LIMIT = int(os.environ.get("MANYI_API_TOKEN_FAILURE_LIMIT", "20"))
MANYI_API_TOKEN_FAILURE_WINDOW = int(os.environ.get("MANYI_API_TOKEN_FAILURE_WINDOW", "300"))
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
MANYI_IMPORT_MAX_BYTES = int(os.environ.get("MANYI_IMPORT_MAX_BYTES", str(100 * 1024 * 1024)))

# E-mail: files under var/mail by default (nothing leaves the machine); SMTP by settings.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "manyi@localhost")

# Background work: one interface (django.tasks API). Database backend by default.
TASK_BACKEND = os.environ.get("TASK_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }.get(TASK_BACKEND, TASK_BACKEND)
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 10
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp, docs/decisions/0009): scripts only from our own static
# files (no inline script, no eval); inline style attributes stay allowed (plotly and htmx set
# styles). Permissions-Policy: the browser features Manyi never uses are switched off.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer", "autoplay", "camera", "display-capture", "encrypted-media",
        "fullscreen", "geolocation", "gyroscope", "magnetometer", "microphone", "midi",
        "payment", "picture-in-picture", "publickey-credentials-get", "screen-wake-lock",
        "usb", "xr-spatial-tracking",
    )
}

# Records: default retention period in years (per record type overridable in the admin).
MANYI_DEFAULT_RETENTION_YEARS = 2

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"manyi": {"level": os.environ.get("LOG_LEVEL", "INFO")}},
}

MANYI_SITE_NAME = _("Manyi customer satisfaction")
MANYI_CALENDAR = os.environ.get("MANYI_CALENDAR", "CN")
MANYI_ATTACHMENT_MAX_BYTES = int(os.environ.get("MANYI_ATTACHMENT_MAX_BYTES", str(10 << 20)))
FORMAT_MODULE_PATH = ["manyi.formats"]

# Requests one address may send to the survey pages over all links in 5 minutes (default 600,
# manyi.surveys.constants); raise it behind a proxy that hides the respondents' addresses.
MANYI_SURVEY_ADDRESS_REQUESTS = int(os.environ.get("MANYI_SURVEY_ADDRESS_REQUESTS", "0")) or None

# Thank-you letters go only to forms submitted within this many days (older, imported or demo
# answers never get one; surveys.thanks_sweep).
MANYI_SURVEY_THANKS_WINDOW_DAYS = int(os.environ.get("MANYI_SURVEY_THANKS_WINDOW_DAYS", "7"))

# Absolute links in e-mails and QR codes (survey invitations, reminders, notifications): the
# address the site is served on (`manyi serve` sets SITE_URL from --host/--port).
# MANYI_PUBLIC_BASE_URL is the older name, still read first for existing deployments.
SITE_URL = (os.environ.get("MANYI_PUBLIC_BASE_URL") or os.environ.get("SITE_URL")
            or "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")) or "://" in SITE_URL.split("://", 1)[1]:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(f"SITE_URL must be an http(s) address such as "
                               f"https://manyi.example.com, not {SITE_URL!r}")
MANYI_PUBLIC_BASE_URL = SITE_URL
