"""The address the site is served on (`SITE_URL`), for absolute links in e-mails and QR codes.

A link sent to someone outside the request (an e-mail, a printed letter) cannot take its host
from a request: it uses `settings.SITE_URL` (`manyi serve --host H --port P` sets it to
http://H:P for its children when the environment does not).
"""

from __future__ import annotations

from django.conf import settings

DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def site_url() -> str:
    """The base address, without a trailing slash."""
    return str(getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """`path` ("/s/…") on the site's address; an address that is already absolute is kept."""
    if not path or "://" in path:
        return path
    return site_url() + "/" + path.lstrip("/")
