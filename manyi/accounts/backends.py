"""Authentication backends.

Production uses axes.backends.AxesStandaloneBackend, which refuses an authenticate() call
without a request (a log-in whose address cannot be checked). Django's test client's
`client.login()` makes exactly such a call, so the test settings use this subclass: the same
lockout check for every request, and no check only when there is no request at all."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class RequestOptionalLockoutBackend(AxesStandaloneBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
