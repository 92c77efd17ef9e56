"""Login lockout (django-axes, docs/decisions/0010): a user name is locked after
AXES_FAILURE_LIMIT failed log-ins, an address after MANYI_LOGIN_ADDRESS_FAILURE_LIMIT (many
people may share one office address), each for AXES_COOLOFF_TIME after the last failure.
An administrator unlocks in the admin (users: "unlock log-in", or the access attempts) or with
`manyi axes_reset_username <name>` / `manyi axes_reset_ip <address>`."""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

ADDRESS_FAILURE_LIMIT_DEFAULT = 20


def address_failure_limit() -> int:
    limit = getattr(settings, "MANYI_LOGIN_ADDRESS_FAILURE_LIMIT", ADDRESS_FAILURE_LIMIT_DEFAULT)
    return int(limit)


class LoginLockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with one limit per user name (AXES_FAILURE_LIMIT) and a higher
    one per address. Axes compares one failure count with one limit; this count reaches the
    limit as soon as either the user name's or the address's own limit is reached."""

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        attempts = AccessAttempt.objects.all()
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        user_failures = _sum(attempts.filter(username=username)) if username else 0
        address_failures = _sum(attempts.filter(ip_address=request.axes_ip_address))
        if address_failures >= address_failure_limit():
            return max(user_failures, int(settings.AXES_FAILURE_LIMIT))
        return user_failures


def _sum(attempts: Any) -> int:
    return int(attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page itself, with the reason, HTTP 429."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else 0
    form = AuthenticationForm(request)
    context = {
        "form": form,
        "locked_out": True,
        "lockout_message": _(
            "Too many failed log-ins for this user name or from this address. Log-in is "
            "locked for %(minutes)d minutes; an administrator can unlock it earlier."
        )
        % {"minutes": minutes},
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "registration/login.html", context, status=429)
