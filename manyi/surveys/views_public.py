"""The customer's survey pages (no login): mobile-first, Chinese/English, one section per
page with partial saves, idempotent submission, single use, a rate limit per IP + token."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import tokens
from .models import Answer, Invitation, Response, ResponseSource, SurveyLink
from .questionnaire import Section, build_sections, first_section_with_errors
from .services import (
    AlreadySubmitted,
    LinkError,
    invitation_opened,
    link_resolve,
    response_save_public,
    template_items,
)
from .services.responses import template_get

LANGS = ("zh-hans", "en")
STATUS = {"unknown": 404, "expired": 410, "used": 410, "closed": 410}


def _ip(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))


def _lang(request: HttpRequest, inv: Invitation | None) -> str:
    lang = request.GET.get("lang") or request.POST.get("lang") or ""
    if lang in LANGS:
        return lang
    if inv is not None and inv.language in LANGS:
        return inv.language
    return "zh-hans"


def _render(request: HttpRequest, name: str, context: dict, lang: str, status: int = 200
            ) -> HttpResponse:
    with translation.override(lang):
        response = render(request, f"surveys/public/{name}.html",
                          {**context, "lang": lang}, status=status)
    response["Content-Language"] = lang
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _limited(request: HttpRequest, token: str) -> HttpResponse | None:
    if tokens.rate_limited(_ip(request), tokens.digest(token)):
        response = _render(request, "limited", {}, _lang(request, None), status=429)
        response["Retry-After"] = "300"
        return response
    return None


def _link_error(request: HttpRequest, token: str, exc: LinkError) -> HttpResponse:
    """The page for a link that does not open the form: the thanks page again for the same
    submission posted twice (double click, retry: idempotent), else why the link is invalid."""
    key = request.POST.get("submission_key", "")[:64] if request.method == "POST" else ""
    if exc.reason == "used" and key and Response.objects.filter(
        invitation=exc.invitation, source=ResponseSource.CUSTOMER, submission_key=key
    ).exists():
        lang = _lang(request, exc.invitation)
        return redirect(reverse("survey_public:thanks", args=[token]) + f"?lang={lang}")
    if exc.reason == "unknown":
        tokens.link_missed(_ip(request))
    return _render(request, "invalid", {"reason": exc.reason}, _lang(request, exc.invitation),
                   status=STATUS[exc.reason])


def _save(request: HttpRequest, token: str, inv: Invitation, lang: str
          ) -> HttpResponse | ValidationError:
    """Save (or submit) the posted section: the redirect to follow, or the validation error
    to show with the form again."""
    action = request.POST.get("action", "next")
    section_index = _int(request.POST.get("section"), 0)
    try:
        with translation.override(lang):
            result = response_save_public(
                invitation=inv, data=request.POST, submit=action == "submit",
                submission_key=request.POST.get("submission_key", "")[:64],
                competitor_name=request.POST.get("competitor_name"),
            )
    except AlreadySubmitted:
        return _render(request, "invalid", {"reason": "used"}, lang, status=410)
    except ValidationError as exc:
        return exc
    if result.submitted:
        return redirect(reverse("survey_public:thanks", args=[token]) + f"?lang={lang}",
                        permanent=False)
    target = section_index + (-1 if action == "back" else 1 if action == "next" else 0)
    return redirect(
        reverse("survey_public:form", args=[token]) + f"?section={max(target, 0)}"
        f"&lang={lang}&saved=1"
    )


def _section_shown(sections: list[Section], errors: dict[str, list[str]], index: int) -> int:
    """The section to show: the first with an error (the competitor's for its name), else
    the one asked for, within range."""
    if errors:
        index = first_section_with_errors(sections)
        if "competitor_name" in errors:
            index = next((s.index for s in sections if s.competitor), index)
    return min(max(index, 0), len(sections) - 1)


def _in_lang(lang: str, text: str, text_en: str) -> str:
    return text_en if lang == "en" and text_en else text


@never_cache
@csrf_exempt  # the unguessable personal token in the URL is the credential; no cookie is used
def survey_form(request: HttpRequest, token: str) -> HttpResponse:
    limited = _limited(request, token)
    if limited is not None:
        return limited
    try:
        inv, _link = link_resolve(token)
    except LinkError as exc:
        return _link_error(request, token, exc)
    lang = _lang(request, inv)
    campaign = inv.campaign
    template = template_get(campaign.template_id)
    items = list(template_items(template.pk).values())
    posted = None
    errors: dict[str, list[str]] = {}
    section_index = _int(request.GET.get("section"), 0)
    if request.method == "POST":
        outcome = _save(request, token, inv, lang)
        if isinstance(outcome, HttpResponse):
            return outcome
        errors = (outcome.message_dict if hasattr(outcome, "error_dict")
                  else {"": outcome.messages})
        posted = request.POST
        section_index = _int(request.POST.get("section"), 0)
    else:
        invitation_opened(inv)
    response = Response.objects.filter(invitation=inv, source=ResponseSource.CUSTOMER).first()
    answers = list(Answer.objects.filter(response=response).select_related("item")) \
        if response else []
    sections = build_sections(template, items, lang=lang, answers=answers, posted=posted,
                              errors=errors)
    section_index = _section_shown(sections, errors, section_index)
    section = sections[section_index]
    context = {
        "invitation": inv, "campaign": campaign, "template": template, "token": token,
        "sections": sections, "section": section, "last": section_index == len(sections) - 1,
        "progress": int((section_index + 1) * 100 / len(sections)),
        "submission_key": request.POST.get("submission_key") or secrets.token_hex(16),
        "competitor_name": posted.get("competitor_name", "") if posted is not None else
        (response.competitor_name if response else ""),
        "errors": errors, "saved": request.GET.get("saved") == "1",
        "intro": _in_lang(lang, template.intro, template.intro_en),
        "title": _in_lang(lang, template.name, template.name_en),
    }
    return _render(request, "form", context, lang, status=422 if errors else 200)


@never_cache
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    limited = _limited(request, token)
    if limited is not None:
        return limited
    link = (SurveyLink.objects.select_related("invitation").filter(
        digest=tokens.digest(token)).first() if tokens.looks_like_token(token) else None)
    if link is None:
        tokens.link_missed(_ip(request))
    if link is None or link.invitation.completed_at is None:
        return _render(request, "invalid", {"reason": "unknown"}, _lang(request, None), 404)
    return _render(request, "thanks", {"invitation": link.invitation},
                   _lang(request, link.invitation))


def _int(value: object, default: int) -> int:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return default
