"""Questionnaire templates: built-ins, copies, new versions, edits of drafts, publishing."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import require
from manyi.accounts.types import Actor
from manyi.common.services import record_create, record_update

from .. import builtin, transfer
from ..models import SurveyTemplate, TemplateItem, TemplateStatus


def _create_items(template: SurveyTemplate, rows: list[dict[str, Any]]) -> None:
    by_key: dict[str, TemplateItem] = {}
    for position, row in enumerate(rows, start=1):
        item = TemplateItem.objects.create(
            template=template,
            key=row["key"],
            parent=by_key.get(row["parent"]) if row["parent"] else None,
            position=position * 10,
            level=row["level"],
            text=row["text"],
            text_en=row["text_en"],
            scale=row["scale"],
            max_points=row.get("max_points"),
            weight=row.get("weight", Decimal(1)),
            competitor=bool(row.get("competitor")),
        )
        by_key[item.key] = item


def template_create_from_document(
    *, actor: Actor, document: Any, builtin_template: bool = False, publish: bool = False
) -> SurveyTemplate:
    """Create a template from a JSON document (import). An existing code gets a new version."""
    require(actor, "survey.template")
    meta, rows = transfer.validate(document)
    with transaction.atomic():
        last = SurveyTemplate.objects.filter(code=meta["code"]).aggregate(n=Max("version_no"))["n"]
        template = record_create(
            SurveyTemplate,
            actor=actor,
            fields={
                **meta,
                "version_no": (last or 0) + 1,
                "builtin": builtin_template,
                "status": TemplateStatus.PUBLISHED if publish else TemplateStatus.DRAFT,
                "published_at": timezone.now() if publish else None,
            },
            note=_("imported"),
        )
        _create_items(template, rows)
    return template


def templates_install_builtin() -> int:
    """Create the built-in questionnaires of the seeds that are missing (idempotent)."""
    created = 0
    for doc in builtin.BUILTIN:
        if not SurveyTemplate.objects.filter(code=doc["code"]).exists():
            template_create_from_document(
                actor=None, document=doc, builtin_template=True, publish=True
            )
            created += 1
    return created


def _copy_items(source: SurveyTemplate, target: SurveyTemplate) -> None:
    rows = []
    keys = {i.pk: i.key for i in source.items.all()}
    for item in source.items.order_by("position", "id"):
        rows.append({
            "key": item.key, "parent": keys.get(item.parent_id, "") if item.parent_id else "",
            "level": item.level, "text": item.text, "text_en": item.text_en,
            "scale": item.scale, "max_points": item.max_points, "weight": item.weight,
            "competitor": item.competitor,
        })
    _create_items(target, rows)


def template_copy(
    *, actor: Actor, template: SurveyTemplate, code: str, name: str, name_en: str = ""
) -> SurveyTemplate:
    """A user's own draft copy of a template (built-ins are copied, then edited)."""
    require(actor, "survey.template")
    code = code.strip()
    if not code:
        raise ValidationError({"code": _("This field is required.")})
    if SurveyTemplate.objects.filter(code=code).exists():
        raise ValidationError({"code": _("A template with this code exists.")})
    with transaction.atomic():
        copy = record_create(
            SurveyTemplate,
            actor=actor,
            fields={
                "code": code, "version_no": 1, "name": name or template.name,
                "name_en": name_en or template.name_en, "intro": template.intro,
                "intro_en": template.intro_en, "source": template.source,
                "competitor_block": template.competitor_block, "copied_from": template,
                "status": TemplateStatus.DRAFT,
            },
            note=_("copied from %(t)s") % {"t": template},
        )
        _copy_items(template, copy)
    return copy


def template_new_version(*, actor: Actor, template: SurveyTemplate) -> SurveyTemplate:
    """A new draft version (same code) of a published template; campaigns keep theirs."""
    require(actor, "survey.template")
    if SurveyTemplate.objects.filter(code=template.code, status=TemplateStatus.DRAFT).exists():
        raise ValidationError(_("A draft version of this template exists already: edit it."))
    with transaction.atomic():
        last = SurveyTemplate.objects.filter(code=template.code).aggregate(n=Max("version_no"))
        new = record_create(
            SurveyTemplate,
            actor=actor,
            fields={
                "code": template.code, "version_no": (last["n"] or 0) + 1,
                "name": template.name, "name_en": template.name_en, "intro": template.intro,
                "intro_en": template.intro_en, "source": template.source,
                "competitor_block": template.competitor_block, "copied_from": template,
                "builtin": False, "status": TemplateStatus.DRAFT,
            },
            note=_("new version of %(t)s") % {"t": template},
        )
        _copy_items(template, new)
    return new


def _require_draft(template: SurveyTemplate) -> None:
    """Checked against the database: a copy loaded before publishing is stale."""
    if not SurveyTemplate.objects.filter(pk=template.pk, status=TemplateStatus.DRAFT).exists():
        raise ValidationError(
            _("This version is published and may be in use: make a new version to change it.")
        )


def template_update(
    *, actor: Actor, template: SurveyTemplate, data: Mapping[str, Any], expected_version: int | None
) -> SurveyTemplate:
    require(actor, "survey.template")
    _require_draft(template)
    allowed = {"name", "name_en", "intro", "intro_en", "competitor_block"}
    return record_update(
        template,
        actor=actor,
        fields={k: v for k, v in data.items() if k in allowed},
        expected_version=expected_version,
    )


def template_replace_items(
    *, actor: Actor, template: SurveyTemplate, document: Any
) -> SurveyTemplate:
    """Replace the items of a draft with those of a document (the editor saves this way)."""
    require(actor, "survey.template")
    _require_draft(template)
    _meta, rows = transfer.validate({**document, "code": template.code, "name": template.name})
    with transaction.atomic():
        TemplateItem.objects.filter(template=template, parent__isnull=False).delete()
        TemplateItem.objects.filter(template=template).delete()
        _create_items(template, rows)
        template = record_update(
            template, actor=actor, fields={}, expected_version=None, note=_("items changed")
        )
    return template


def item_save(
    *, actor: Actor, template: SurveyTemplate, item: TemplateItem | None, data: Mapping[str, Any]
) -> TemplateItem:
    """Add or change one item of a draft."""
    require(actor, "survey.template")
    _require_draft(template)
    keys = {i.key: i for i in template.items.all()}
    row = {
        "key": data.get("key", ""), "parent": data.get("parent", ""),
        "level": data.get("level", ""), "text": data.get("text", ""),
        "text_en": data.get("text_en", ""), "scale": data.get("scale", ""),
        "max_points": data.get("max_points"), "weight": data.get("weight") or "1",
        "competitor": data.get("competitor", False),
    }
    others = [
        {"key": k, "parent": "", "level": i.level, "text": i.text, "text_en": i.text_en,
         "scale": i.scale, "max_points": i.max_points, "weight": i.weight}
        for k, i in keys.items() if item is None or i.pk != item.pk
    ]
    if row["parent"] and row["parent"] not in keys:
        raise ValidationError({"parent": _("unknown parent %(p)s") % {"p": row["parent"]}})
    row["parent"] = ""  # parents are checked above; validate the fields of the row itself
    try:
        _meta, clean = transfer.validate(
            {"code": template.code, "name": template.name, "_rows": [*others, row]}
        )
    except ValidationError as exc:
        errors = {}
        for k, v in exc.message_dict.items():
            errors[k.rsplit(".", 1)[-1]] = v
        raise ValidationError(errors) from exc
    values = clean[-1]
    parent = keys.get(str(data.get("parent") or "")) if data.get("parent") else None
    if item is not None and parent is not None:
        node: TemplateItem | None = parent
        while node is not None:
            if node.pk == item.pk:
                raise ValidationError({"parent": _("an item cannot sit below itself")})
            node = node.parent
    with transaction.atomic():
        if item is None:
            last = template.items.aggregate(n=Max("position"))["n"] or 0
            item = TemplateItem(template=template, position=last + 10)
        item.key = values["key"]
        item.parent = parent
        item.level = values["level"]
        item.text = values["text"]
        item.text_en = values["text_en"]
        item.scale = values["scale"]
        item.max_points = values["max_points"]
        item.weight = values["weight"]
        item.competitor = values["competitor"]
        item.save()
        record_update(template, actor=actor, fields={}, expected_version=None,
                      note=_("item %(k)s saved") % {"k": item.key})
    return item


def item_remove(*, actor: Actor, template: SurveyTemplate, item: TemplateItem) -> None:
    require(actor, "survey.template")
    _require_draft(template)
    with transaction.atomic():
        item.delete()
        record_update(template, actor=actor, fields={}, expected_version=None,
                      note=_("item %(k)s removed") % {"k": item.key})


def template_publish(*, actor: Actor, template: SurveyTemplate) -> SurveyTemplate:
    require(actor, "survey.template")
    _require_draft(template)
    transfer.validate(transfer.template_document(template))
    if not any(i.scored for i in template.items.all()):
        raise ValidationError(_("A questionnaire needs at least one scored factor."))
    return record_update(
        template,
        actor=actor,
        fields={"status": TemplateStatus.PUBLISHED, "published_at": timezone.now()},
        expected_version=None,
    )
