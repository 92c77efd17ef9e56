"""Questionnaire templates as JSON and .xlsx (for people who design surveys in Excel).

JSON: {"format": "manyi-survey-template/1", "code", "name", "name_en", "intro", "intro_en",
"source", "competitor_block", "items": [{"key", "level", "text", "text_en", "scale",
"max_points", "weight", "competitor", "children": [...]}, ...]}

.xlsx: a sheet "template" (field | value rows) and a sheet "items" with one row per item
(key, parent, level, text, text_en, scale, max_points, weight, competitor), parents first.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from manyi.common import spreadsheets

from .models import ItemLevel, Scale, SurveyTemplate, TemplateItem

FORMAT = "manyi-survey-template/1"
META_FIELDS = ("code", "name", "name_en", "intro", "intro_en", "source", "competitor_block")
ITEM_COLUMNS = (
    "key", "parent", "level", "text", "text_en", "scale", "max_points", "weight", "competitor",
)
ANSWERLESS = {Scale.NONE, Scale.TEXT}


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y", "x", "是"}
    return bool(value)


def flatten(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Nested items → flat rows with a `parent` key, in document order."""
    rows: list[dict[str, Any]] = []

    def walk(items: list[Any], parent: str, path: str) -> None:
        if not isinstance(items, list):
            raise ValidationError({path: _("must be a list")})
        for n, raw in enumerate(items):
            here = f"{path}[{n}]"
            if not isinstance(raw, dict):
                raise ValidationError({here: _("must be an object")})
            row = {k: v for k, v in raw.items() if k != "children"}
            row["parent"] = parent
            row["_path"] = here
            rows.append(row)
            walk(raw.get("children") or [], str(raw.get("key", "")), f"{here}.children")

    walk(data.get("items") or [], "", "items")
    return rows


def _validate_meta(data: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    meta = {k: data.get(k, "") for k in META_FIELDS}
    meta["competitor_block"] = _bool(meta["competitor_block"])
    for k in META_FIELDS[:-1]:
        meta[k] = str(meta[k] or "").strip()
    for k in ("code", "name"):
        if not meta[k]:
            errors.setdefault(k, []).append(_("This field is required."))
    return meta


def _row_text(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "key": str(raw.get("key") or "").strip(),
        "parent": str(raw.get("parent") or "").strip(),
        "level": str(raw.get("level") or "").strip(),
        "text": str(raw.get("text") or "").strip(),
        "text_en": str(raw.get("text_en") or "").strip(),
        "scale": str(raw.get("scale") or "").strip(),
        "competitor": _bool(raw.get("competitor", False)),
    }


def _row_structure_errors(row: Mapping[str, Any], keys: Mapping[str, Any]
                          ) -> list[tuple[str, str]]:
    """(field, message) for the key, level, scale, texts and parent of one item row."""
    out: list[tuple[str, str]] = []
    if not row["key"]:
        out.append(("key", _("This field is required.")))
    elif row["key"] in keys:
        out.append(("key", _("duplicate key %(k)s") % {"k": row["key"]}))
    if row["level"] not in ItemLevel.values:
        out.append(("level", _("must be one of %(v)s") % {"v": ", ".join(ItemLevel.values)}))
    if row["scale"] not in Scale.values:
        out.append(("scale", _("must be one of %(v)s") % {"v": ", ".join(Scale.values)}))
    if not row["text"]:
        out.append(("text", _("This field is required.")))
    if not row["text_en"]:
        out.append(("text_en", _("Every question needs its English text.")))
    if row["parent"] and row["parent"] not in keys:
        out.append(("parent", _("unknown parent %(p)s (parents come first)")
                    % {"p": row["parent"]}))
    return out


def _row_scale_errors(row: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(field, message) for a scale that does not fit the item's level."""
    out: list[tuple[str, str]] = []
    if row["level"] == ItemLevel.DIMENSION and row["scale"] not in ("none", *Scale.values):
        out.append(("scale", _("invalid")))
    if row["level"] == ItemLevel.TEXT and row["scale"] != Scale.TEXT:
        out.append(("scale", _("an opinion / suggestion field uses the free-text scale")))
    if row["level"] in (ItemLevel.FACTOR, ItemLevel.SUBFACTOR) and row["scale"] in ANSWERLESS:
        out.append(("scale", _("a factor or sub-factor needs a rating scale")))
    return out


def _row_numbers(row: dict[str, Any], raw: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Set the row's max_points and weight; (field, message) for each that is invalid."""
    out: list[tuple[str, str]] = []
    max_points: Any = raw.get("max_points")
    if row["scale"] == Scale.POINTS:
        try:
            row["max_points"] = int(max_points)
            if not 1 <= row["max_points"] <= 1000:
                raise ValueError
        except (TypeError, ValueError):
            out.append(("max_points", _("points items need a maximum between 1 and 1000")))
    else:
        row["max_points"] = None
    try:
        weight = Decimal(str(raw.get("weight", "1") or "1"))
        if weight < 0 or weight >= 10000 or weight != weight.quantize(Decimal("0.01")):
            raise InvalidOperation
        row["weight"] = weight
    except (InvalidOperation, ValueError):
        out.append(("weight", _("a number ≥ 0 with at most two decimals")))
    return out


def validate(data: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Check a template document; return (meta, flat item rows). Errors name the field path."""
    if not isinstance(data, dict):
        raise ValidationError({"template": _("must be a JSON object")})
    fmt = data.get("format", FORMAT)
    if fmt != FORMAT:
        raise ValidationError({"format": _("unknown format %(f)s") % {"f": fmt}})
    errors: dict[str, list[str]] = {}
    meta = _validate_meta(data, errors)
    rows = data["_rows"] if "_rows" in data else flatten(data)
    keys: dict[str, dict[str, Any]] = {}
    clean: list[dict[str, Any]] = []
    for n, raw in enumerate(rows):
        path = raw.get("_path") or f"items[{n}]"
        row = _row_text(raw)
        found = [*_row_structure_errors(row, keys), *_row_scale_errors(row),
                 *_row_numbers(row, raw)]
        for field, message in found:
            errors.setdefault(f"{path}.{field}", []).append(message)
        keys[row["key"]] = row
        clean.append(row)
    if not clean:
        errors.setdefault("items", []).append(_("A questionnaire needs at least one item."))
    if errors:
        raise ValidationError(errors)
    return meta, clean


def template_document(template: SurveyTemplate) -> dict[str, Any]:
    items = list(template.items.order_by("position", "id"))
    children: dict[int | None, list[TemplateItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)

    def node(item: TemplateItem) -> dict[str, Any]:
        out: dict[str, Any] = {
            "key": item.key,
            "level": item.level,
            "text": item.text,
            "text_en": item.text_en,
            "scale": item.scale,
            "weight": str(item.weight),
        }
        if item.max_points:
            out["max_points"] = item.max_points
        if item.competitor:
            out["competitor"] = True
        kids = children.get(item.pk, [])
        if kids:
            out["children"] = [node(k) for k in kids]
        return out

    return {
        "format": FORMAT,
        **{k: getattr(template, k) for k in META_FIELDS},
        "version": template.version_no,
        "items": [node(i) for i in children.get(None, [])],
    }


def template_xlsx(template: SurveyTemplate) -> bytes:
    doc = template_document(template)
    wb = spreadsheets.new_workbook()
    ws = wb.sheet("template")
    ws.append(["field", "value"])
    for k in META_FIELDS:
        ws.append([k, doc[k]])
    items = wb.sheet("items")
    items.append(list(ITEM_COLUMNS))
    by_pk = {i.pk: i.key for i in template.items.all()}
    for item in template.items.order_by("position", "id"):
        items.append([
            item.key, by_pk.get(item.parent_id, "") if item.parent_id else "", item.level,
            item.text, item.text_en, item.scale, item.max_points or "", str(item.weight),
            "yes" if item.competitor else "",
        ])
    return wb.to_bytes()


def read_xlsx(content: bytes) -> dict[str, Any]:
    """An .xlsx questionnaire → the JSON document (flat rows under `_rows`)."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        raise ValidationError({"file": _("not a readable .xlsx file")}) from exc
    if "template" not in wb.sheetnames or "items" not in wb.sheetnames:
        raise ValidationError({"file": _("the workbook needs the sheets “template” and “items”")})
    doc: dict[str, Any] = {"format": FORMAT, **_xlsx_meta(wb["template"])}
    doc["_rows"] = _xlsx_item_rows(wb["items"])
    return doc


def _xlsx_meta(sheet: Any) -> dict[str, Any]:
    """The "field | value" rows of the sheet "template"."""
    meta: dict[str, Any] = {}
    for row in list(sheet.iter_rows(values_only=True))[1:]:
        if row and row[0]:
            meta[str(row[0]).strip()] = row[1] if len(row) > 1 and row[1] is not None else ""
    return meta


def _xlsx_item_rows(sheet: Any) -> list[dict[str, Any]]:
    """The item rows of the sheet "items" by column name; each names its row as its path."""
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        raise ValidationError({"items": _("the sheet “items” is empty")})
    header = [str(h or "").strip() for h in rows[0]]
    missing = [c for c in ("key", "level", "text", "text_en", "scale") if c not in header]
    if missing:
        raise ValidationError({"items": _("missing columns: %(c)s") % {"c": ", ".join(missing)}})
    flat = []
    for n, values in enumerate(rows[1:], start=2):
        if not values or all(v in (None, "") for v in values):
            continue
        record = {h: values[i] if i < len(values) else None for i, h in enumerate(header) if h}
        record["_path"] = f"items!row {n}"
        flat.append(record)
    return flat
