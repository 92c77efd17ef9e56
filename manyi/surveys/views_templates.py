"""Questionnaire templates: list, detail with the item tree, copy, new version, edit a draft,
publish, import/export (.json, .xlsx), a printable blank form."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import can, require
from manyi.common.pages import FormOutcome, form_errors
from manyi.common.spreadsheets import spreadsheet_export, xlsx_response

from . import selectors, services, transfer
from .forms import ItemForm, TemplateCopyForm, TemplateImportForm, TemplateMetaForm
from .models import SurveyTemplate, TemplateItem
from .questionnaire import build_sections
from .views_common import error_text


def _template(request: HttpRequest, pk: int) -> SurveyTemplate:
    require(request.user, "survey.view")
    return get_object_or_404(SurveyTemplate, pk=pk)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "survey.view")
    return render(request, "surveys/template_list.html", {
        "templates": selectors.template_list(),
        "can_manage": can(request.user, "survey.template"),
    })


@login_required
def template_detail(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    items = list(template.items.order_by("position", "id"))
    depth: dict[int, int] = {}
    for i in items:
        depth[i.pk] = depth.get(i.parent_id, 0) + 1 if i.parent_id else 0
    rows = [(i, depth[i.pk]) for i in items]
    return render(request, "surveys/template_detail.html", {
        "template": template, "rows": rows,
        "versions": SurveyTemplate.objects.filter(code=template.code).order_by("-version_no"),
        "campaigns": template.campaigns.all()[:20],
        "can_manage": can(request.user, "survey.template"),
        "copy_form": TemplateCopyForm(initial={"code": f"{template.code}-COPY",
                                               "name": template.name,
                                               "name_en": template.name_en}),
    })


@login_required
def template_edit(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    require(request.user, "survey.template")
    form = TemplateMetaForm(request.POST or None, instance=template,
                            initial={"version": template.version})
    outcome = FormOutcome()
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        with form_errors(form) as outcome:
            services.template_update(actor=request.user, template=template, data=data,
                                     expected_version=form.cleaned_data.get("version"))
        if outcome.ok:
            messages.success(request, _("Changes saved."))
            return redirect("surveys:template", pk=template.pk)
    return render(request, "surveys/form_page.html", {
        "form": form, "title": _("Edit questionnaire %(t)s") % {"t": template},
        "back": template,
    }, status=outcome.status())


@login_required
@require_POST
def template_copy(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    form = TemplateCopyForm(request.POST)
    if form.is_valid():
        try:
            copy = services.template_copy(actor=request.user, template=template,
                                          **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Copy created: edit it, then publish it."))
            return redirect("surveys:template", pk=copy.pk)
    else:
        messages.error(request, _("Give a code and a name for the copy."))
    return redirect("surveys:template", pk=template.pk)


@login_required
@require_POST
def template_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    try:
        new = services.template_new_version(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("surveys:template", pk=template.pk)
    messages.success(request, _("New draft version %(v)s created.") % {"v": new.version_no})
    return redirect("surveys:template", pk=new.pk)


@login_required
@require_POST
def template_publish(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    try:
        services.template_publish(actor=request.user, template=template)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Published: campaigns can use this version now."))
    return redirect("surveys:template", pk=template.pk)


@login_required
@spreadsheet_export
def template_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    template = _template(request, pk)
    name = f"{template.code}-v{template.version_no}"
    if fmt == "json":
        body = json.dumps(transfer.template_document(template), ensure_ascii=False, indent=2)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
    elif fmt == "xlsx":
        return xlsx_response(transfer.template_xlsx(template), f"{name}.xlsx")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@login_required
def template_import(request: HttpRequest) -> HttpResponse:
    require(request.user, "survey.template")
    form = TemplateImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            if upload.name.lower().endswith(".xlsx"):
                document = transfer.read_xlsx(content)
            else:
                try:
                    document = json.loads(content.decode("utf-8-sig"))
                except (UnicodeDecodeError, json.JSONDecodeError) as exc:
                    raise ValidationError({"file": _("not valid JSON: %(e)s") % {"e": exc}}) \
                        from exc
            template = services.template_create_from_document(actor=request.user,
                                                              document=document)
        except ValidationError as exc:
            errors = [f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()] \
                if hasattr(exc, "error_dict") else exc.messages
        else:
            messages.success(request, _("Imported as a draft: check it, then publish it."))
            return redirect("surveys:template", pk=template.pk)
    return render(request, "surveys/template_import.html", {"form": form, "errors": errors},
                  status=422 if errors else 200)


@login_required
def template_print(request: HttpRequest, pk: int) -> HttpResponse:
    template = _template(request, pk)
    lang = request.GET.get("lang") or get_language() or "zh-hans"
    sections = build_sections(template, template.items.all(), lang=lang)
    with translation.override(lang):
        return render(request, "surveys/print.html", {
            "template": template, "sections": sections, "lang": lang, "invitation": None,
        })


@login_required
def item_edit(request: HttpRequest, pk: int, item: int | None = None) -> HttpResponse:
    template = _template(request, pk)
    require(request.user, "survey.template")
    instance = get_object_or_404(TemplateItem, pk=item, template=template) if item else None
    initial = {}
    if instance is not None:
        initial = {
            "key": instance.key, "parent": instance.parent.key if instance.parent else "",
            "level": instance.level, "text": instance.text, "text_en": instance.text_en,
            "scale": instance.scale, "max_points": instance.max_points,
            "weight": instance.weight, "competitor": instance.competitor,
        }
    form = ItemForm(request.POST or None, initial=initial, template=template)
    if request.method == "POST" and form.is_valid():
        with form_errors(form) as outcome:
            services.item_save(actor=request.user, template=template, item=instance,
                               data=form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("Item saved."))
            return redirect("surveys:template", pk=template.pk)
    return render(request, "surveys/form_page.html", {
        "form": form, "back": template,
        "title": _("Item of %(t)s") % {"t": template},
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def item_remove(request: HttpRequest, pk: int, item: int) -> HttpResponse:
    template = _template(request, pk)
    instance = get_object_or_404(TemplateItem, pk=item, template=template)
    try:
        services.item_remove(actor=request.user, template=template, item=instance)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("surveys:template", pk=template.pk)
