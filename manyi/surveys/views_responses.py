"""Respondents and responses: personal link with QR code, printable form, staff entry and
proxy filling, self-evaluation, corrections, call-back results, complaints from low scores,
exports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import can, require
from manyi.common.inputs import parse_int
from manyi.common.pages import ActionErrors, FormOutcome, form_errors
from manyi.common.spreadsheets import csv_response, spreadsheet_export, xlsx_response
from manyi.customers.models import Customer

from . import exports, selectors, services
from .forms import StaffEntryForm, VerifyForm
from .models import Answer, Invitation, Response, ResponseSource
from .questionnaire import build_sections, first_section_with_errors
from .services.low_scores import complaint_from_answer
from .views_campaigns import _campaign
from .views_common import error_text
from .workflow import in_step


def _invitation(request: HttpRequest, pk: int) -> Invitation:
    try:
        return selectors.invitation_get(user=request.user, pk=pk)
    except Invitation.DoesNotExist as exc:
        raise Http404 from exc


def _response(request: HttpRequest, pk: int) -> Response:
    try:
        return selectors.response_get(user=request.user, pk=pk)
    except Response.DoesNotExist as exc:
        raise Http404 from exc


def qr_svg(url: str) -> str:
    import qrcode
    import qrcode.image.svg

    img = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return str(img.to_string(encoding="unicode"))


@login_required
def invitation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    inv = _invitation(request, pk)
    response = inv.responses.filter(source=ResponseSource.CUSTOMER).first()
    return render(request, "surveys/invitation_detail.html", {
        "inv": inv, "campaign": inv.campaign, "response": response,
        "links": inv.links.order_by("-issued_at"),
        "tasks": inv.tasks.order_by("-due_at"),
        "can_fill": can(request.user, "survey.fill", inv),
        "collecting": in_step("collect", inv.campaign),
    })


@login_required
@require_POST
def invitation_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a personal link and show it once, with its QR code (chat or printed)."""
    inv = _invitation(request, pk)
    require(request.user, "survey.fill", inv)
    if inv.completed_at or not in_step("collect", inv.campaign):
        messages.error(request, _("No link: the respondent has answered or the survey is not "
                                  "running."))
        return redirect("surveys:invitation", pk=inv.pk)
    token, link = services.link_issue(invitation=inv, actor=request.user, purpose="qr")
    full = services.public_url(token)  # SITE_URL: the address customers reach
    return render(request, "surveys/invitation_link.html", {
        "inv": inv, "url": full, "qr": qr_svg(full), "link": link,
    })


@login_required
def invitation_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The printable questionnaire for a letter or fax, with the respondent's link and QR."""
    inv = _invitation(request, pk)
    require(request.user, "survey.fill", inv)
    lang = request.GET.get("lang") or inv.language or get_language() or "zh-hans"
    url = qr = ""
    if request.method == "POST" and not inv.completed_at and in_step("collect", inv.campaign):
        token, _link = services.link_issue(invitation=inv, actor=request.user, purpose="print")
        url = services.public_url(token)
        qr = qr_svg(url)
    template = inv.campaign.template
    with translation.override(lang):
        return render(request, "surveys/print.html", {
            "template": template, "invitation": inv, "lang": lang, "url": url, "qr": qr,
            "sections": build_sections(template, template.items.all(), lang=lang),
        })


@login_required
def invitation_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff entry of a returned form or proxy filling for the customer."""
    inv = _invitation(request, pk)
    require(request.user, "survey.fill", inv)
    template = inv.campaign.template
    lang = get_language() or "zh-hans"
    form = StaffEntryForm(request.POST or None)
    errors: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.response_enter(
                actor=request.user, invitation=inv, data=request.POST,
                channel=form.cleaned_data["channel"],
                proxy_note=form.cleaned_data["proxy_note"],
                competitor_name=form.cleaned_data["competitor_name"],
                confirm_customer_words=form.cleaned_data["confirm_customer_words"],
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
            for field in ("proxy_note", "channel", "competitor_name"):
                if field in errors:
                    form.add_error(field, errors.pop(field))
            if "" in errors:
                form.add_error(None, errors.pop(""))
            if "__all__" in errors:
                form.add_error(None, errors.pop("__all__"))
        else:
            messages.success(request, _("Form entered."))
            return redirect("surveys:invitation", pk=inv.pk)
    sections = build_sections(template, template.items.all(), lang=lang,
                              posted=request.POST if request.method == "POST" else None,
                              errors=errors)
    return render(request, "surveys/entry.html", {
        "inv": inv, "campaign": inv.campaign, "form": form, "sections": sections,
        "title": _("Enter the form of %(n)s") % {"n": inv.name},
        "first_error": first_section_with_errors(sections) if errors else None,
    }, status=422 if (errors or form.errors) else 200)


@login_required
def self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, "survey.self_eval")
    template = campaign.template
    customers = Customer.objects.filter(survey_targets__campaign=campaign).order_by("code")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        customer = customers.filter(pk=request.POST.get("customer") or 0).first()
        try:
            if customer is None:
                raise ValidationError({"customer": _("Choose a customer of the target list.")})
            services.self_evaluation_enter(actor=request.user, campaign=campaign,
                                           customer=customer, data=request.POST)
        except PermissionDenied:
            errors = {"customer": [_("You may only evaluate customers of your own office.")]}
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        else:
            messages.success(request, _("Self-evaluation saved (kept apart from the "
                                        "customers' answers)."))
            return redirect("surveys:campaign", pk=campaign.pk)
    sections = build_sections(template, template.items.all(), lang=get_language() or "zh-hans",
                              posted=request.POST if request.method == "POST" else None,
                              errors=errors, competitor=False)
    return render(request, "surveys/self_eval.html", {
        "campaign": campaign, "customers": customers, "sections": sections, "errors": errors,
        "selected": request.POST.get("customer", ""),
    }, status=422 if errors else 200)


@login_required
def response_list(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    qs = selectors.responses(user=request.user, campaign=campaign).order_by("-submitted_at",
                                                                            "-id")
    source = request.GET.get("source", "")
    if source:
        qs = qs.filter(source=source)
    if request.GET.get("verify") == "1":
        qs = qs.exclude(verify_status="")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "surveys/responses.html", {
        "campaign": campaign, "page": page, "source": source,
        "query": "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page"),
    })


@login_required
def response_detail(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response(request, pk)
    answers = list(response.answers.select_related("item").order_by("item__position",
                                                                    "competitor"))
    return render(request, "surveys/response_detail.html", {
        "r": response, "campaign": response.campaign, "answers": answers,
        "verify_form": VerifyForm(),
        "can_verify": can(request.user, "survey.verify") and bool(response.verify_status),
        "can_correct": can(request.user, "survey.plan"),
        "can_complaint": can(request.user, "survey.fill", response),
        "tasks": response.tasks.all(),
    })


@login_required
def response_correct(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response(request, pk)
    require(request.user, "survey.plan")
    template = response.campaign.template
    errors = ActionErrors()
    outcome = FormOutcome()
    if request.method == "POST":
        with form_errors(errors) as outcome:
            services.response_correct(
                actor=request.user, response=response, data=request.POST,
                note=request.POST.get("note", ""),
                expected_version=parse_int(request.POST.get("version"), None, lo=1),
            )
        if outcome.ok:
            messages.success(request, _("Form corrected; the figures are updated."))
            return redirect("surveys:response", pk=response.pk)
    answers = list(response.answers.select_related("item"))
    sections = build_sections(template, template.items.all(), lang=get_language() or "zh-hans",
                              answers=answers,
                              posted=request.POST if request.method == "POST" else None,
                              errors=errors.by_field, competitor=bool(response.competitor_name))
    return render(request, "surveys/correct.html", {
        "r": response, "campaign": response.campaign, "sections": sections,
        "errors": errors.by_field,
    }, status=outcome.status(invalid=422 if errors.by_field else 200))


@login_required
@require_POST
def response_verify(request: HttpRequest, pk: int) -> HttpResponse:
    response = _response(request, pk)
    form = VerifyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result of the call-back."))
    else:
        try:
            services.verification_record(
                actor=request.user, response=response,
                status=form.cleaned_data["verify_status"], note=form.cleaned_data["verify_note"],
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Call-back result recorded."))
    return redirect("surveys:response", pk=response.pk)


@login_required
@require_POST
def answer_complaint(request: HttpRequest, pk: int, answer: int) -> HttpResponse:
    response = _response(request, pk)
    require(request.user, "survey.fill", response)
    item = get_object_or_404(Answer, pk=answer, response=response)
    if item.value is None or not item.item.is_low(int(item.value)):
        messages.error(request, _("Only a low score opens a complaint."))
        return redirect("surveys:response", pk=response.pk)
    url = complaint_from_answer(actor=request.user, answer=item)
    messages.success(request, _("Complaint requested from this answer: %(url)s") % {"url": url})
    return redirect("surveys:response", pk=response.pk)


@login_required
@spreadsheet_export
def export(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    require(request.user, "survey.export")
    fmt = request.GET.get("format", "xlsx")
    shape = request.GET.get("shape", "wide")
    if fmt not in ("xlsx", "csv") or shape not in ("wide", "long"):
        raise Http404
    qs = selectors.responses(user=request.user, campaign=campaign).filter(status="submitted")
    if request.GET.get("source") in ("customer", "self"):
        qs = qs.filter(source=request.GET["source"])
    rows = exports.wide_rows(campaign, qs) if shape == "wide" else exports.long_rows(campaign, qs)
    name = f"{campaign.number}-{shape}.{fmt}"
    if fmt == "csv":
        return csv_response(exports.to_csv(rows), name)
    return xlsx_response(exports.to_xlsx(rows, campaign.number), name)
