from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import ACTIONS, scope_for

from .forms import ApiTokenForm
from .models import User
from .services import api_token_create, api_token_revoke, user_password_change


def _me(request: HttpRequest) -> User:
    """The signed-in user of a login_required page."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _profile(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    user = _me(request)
    context.setdefault("password_form", PasswordChangeForm(user))
    context.setdefault("token_form", ApiTokenForm())
    context["grants"] = [(label, scope_for(user, code).name) for code, label in ACTIONS]
    context["tokens"] = list(user.api_tokens.all())
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return _profile(request)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile(request, status=400, token_form=form)
    _token, key = api_token_create(
        user=_me(request), name=form.cleaned_data["name"], expires_at=form.expires_at()
    )
    # The key is shown in this response only; it is never stored.
    return _profile(request, new_key=key)


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = api_token_revoke(user=_me(request), token_id=pk)
    messages.success(request, _("API token %(name)s revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    user = _me(request)
    form = PasswordChangeForm(user, request.POST)
    if not form.is_valid():
        return _profile(request, status=400, password_form=form)
    user_password_change(form=form)
    update_session_auth_hash(request, user)  # this session stays logged in
    messages.success(request, _("Your password has been changed."))
    return redirect("accounts:profile")
