from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import ACTIONS, scope_for

from .services import api_token_create


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    grants = [(label, scope_for(request.user, code).name) for code, label in ACTIONS]
    tokens = request.user.api_tokens.filter(revoked=False)  # type: ignore[union-attr]
    return render(request, "accounts/profile.html", {"grants": grants, "tokens": tokens})


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    _token, key = api_token_create(user=request.user, name=request.POST.get("name") or "api")
    grants = [(label, scope_for(request.user, code).name) for code, label in ACTIONS]
    tokens = request.user.api_tokens.filter(revoked=False)  # type: ignore[union-attr]
    return render(
        request, "accounts/profile.html", {"grants": grants, "tokens": tokens, "new_key": key}
    )
