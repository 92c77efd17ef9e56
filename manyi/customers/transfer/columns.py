"""Column building blocks: one column = header labels + parser (file → value) + formatter
(record → cell) + how the value reads in the audit trail.

Parsers reuse the model field's own rules: whether a value is required (not blank and no
default), its choices and its validators (max length, e-mail, decimal places, minimum).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .lookups import ExportRefs, Lookups


class CellError(Exception):
    """A cell that cannot be imported; the message is the reason shown to the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class _Keep:
    """An empty cell of a field with a default: the default for new rows, kept on updates."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()

TRUE_WORDS = frozenset({"是", "1", "true", "yes", "y"})
FALSE_WORDS = frozenset({"否", "0", "false", "no", "n"})
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

Cell = str | int | Decimal | dt.date | None
Parser = Callable[[object, "Lookups"], Any]
Formatter = Callable[[Any, "ExportRefs"], Cell]  # record, id → code dicts
Plain = Callable[[Any, "Lookups"], Any]


@dataclass(frozen=True)
class Column:
    key: str  # English header and model field name
    label: str  # Chinese header (the default in exported files)
    attname: str  # attribute written on the model ("" for many-to-many)
    parse: Parser
    fmt: Formatter
    plain: Plain  # parsed value → the audit trail's plain value (as audit.snapshot writes it)
    required: bool = False
    cell: str = "text"  # text | int | money | date | bool: how files write the value

    @property
    def m2m(self) -> bool:
        return not self.attname

    def heading(self, lang: str = "zh") -> str:
        return self.key if lang == "en" else self.label


def text_of(raw: object) -> str:
    """A cell as text: strings stripped, whole floats without '.0', dates in ISO."""
    if raw is None:
        return ""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.date().isoformat() if raw.time() == dt.time() else raw.isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw)


def _empty(field: models.Field[Any, Any]) -> Any:
    if field.blank:
        return None if field.null else ""
    if field.has_default():
        return KEEP
    raise CellError(_("a value is required"))


def _validate(field: models.Field[Any, Any], value: Any) -> Any:
    try:
        field.run_validators(value)
    except ValidationError as exc:
        raise CellError(" ".join(str(m) for m in exc.messages)) from exc
    return value


def _required(field: models.Field[Any, Any]) -> bool:
    return not field.blank and not field.has_default()


def _plain_same(value: Any, lk: Lookups) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def text(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.Field)

    def parse(raw: object, lk: Lookups) -> Any:
        value = text_of(raw)
        if value == "":
            return _empty(field)
        return _validate(field, value)

    return Column(
        key, label, field.attname, parse, lambda obj, refs: getattr(obj, key) or "", _plain_same,
        _required(field),
    )


def choice(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.Field)
    values = {str(v).lower(): v for v, _label in field.flatchoices}
    allowed = ", ".join(str(v) for v, _label in field.flatchoices)

    def parse(raw: object, lk: Lookups) -> Any:
        value = text_of(raw)
        if value == "":
            return _empty(field)
        try:
            return values[value.lower()]
        except KeyError:
            raise CellError(
                _("%(value)s is not one of the choices (%(allowed)s)")
                % {"value": value, "allowed": allowed}
            ) from None

    return Column(
        key, label, field.attname, parse, lambda obj, refs: getattr(obj, key), _plain_same,
        _required(field),
    )


def boolean(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.Field)

    def parse(raw: object, lk: Lookups) -> Any:
        if isinstance(raw, bool):
            return raw
        value = text_of(raw).lower()
        if value == "":
            return _empty(field)
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        raise CellError(_("%(value)s is not yes or no (是/否)") % {"value": text_of(raw)})

    return Column(
        key, label, field.attname, parse, lambda obj, refs: "是" if getattr(obj, key) else "否",
        _plain_same, _required(field), "bool",
    )


def money(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.DecimalField)
    quantum = Decimal(1).scaleb(-int(field.decimal_places or 0))

    def parse(raw: object, lk: Lookups) -> Any:
        if isinstance(raw, bool):
            raise CellError(_("%(value)s is not a number") % {"value": raw})
        if isinstance(raw, float):
            value = Decimal(repr(raw))
        elif isinstance(raw, int | Decimal):
            value = Decimal(raw)
        else:
            cell = text_of(raw).replace(",", "")
            if cell == "":
                return _empty(field)
            try:
                value = Decimal(cell)
            except InvalidOperation:
                raise CellError(_("%(value)s is not a number") % {"value": cell}) from None
        if not value.is_finite():
            raise CellError(_("%(value)s is not a number") % {"value": text_of(raw)})
        _validate(field, value)
        return value.quantize(quantum)

    def fmt(obj: Any, refs: ExportRefs) -> Cell:
        value = getattr(obj, key)
        return None if value is None else Decimal(value).quantize(quantum)

    return Column(key, label, field.attname, parse, fmt, _plain_same, _required(field), "money")


def integer(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.Field)

    def parse(raw: object, lk: Lookups) -> Any:
        if isinstance(raw, bool):
            raise CellError(_("%(value)s is not a whole number") % {"value": raw})
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float) and raw.is_integer():
            value = int(raw)
        else:
            cell = text_of(raw)
            if cell == "":
                return _empty(field)
            if not re.fullmatch(r"[+-]?\d+", cell):
                raise CellError(_("%(value)s is not a whole number") % {"value": cell})
            value = int(cell)
        return _validate(field, value)

    return Column(
        key, label, field.attname, parse, lambda obj, refs: getattr(obj, key), _plain_same,
        _required(field), "int",
    )


def date(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.Field)

    def parse(raw: object, lk: Lookups) -> Any:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        cell = text_of(raw)
        if cell == "":
            return _empty(field)
        if ISO_DATE.match(cell):
            try:
                return dt.date.fromisoformat(cell)
            except ValueError:
                pass
        raise CellError(_("%(value)s is not a date (YYYY-MM-DD)") % {"value": cell})

    return Column(
        key, label, field.attname, parse, lambda obj, refs: getattr(obj, key), _plain_same,
        _required(field), "date",
    )


def department(model: type[models.Model], key: str, label: str, kind: str) -> Column:
    """A department by its code (BO-SH, BU-PWR, R-EAST) that must be of `kind`."""
    field = model._meta.get_field(key)
    assert isinstance(field, models.ForeignKey)

    def parse(raw: object, lk: Lookups) -> Any:
        code = text_of(raw)
        if code == "":
            return _empty(field)
        dept = lk.depts.get(code) or lk.depts.get(code.upper())
        if dept is None:
            raise CellError(
                _("unknown %(what)s code %(code)s") % {"what": field.verbose_name, "code": code}
            )
        if dept.kind != kind:
            raise CellError(
                _("%(code)s is not a %(what)s") % {"code": code, "what": field.verbose_name}
            )
        return dept.pk

    def fmt(obj: Any, refs: ExportRefs) -> Cell:
        pk = getattr(obj, field.attname)
        return refs.dept_code[pk] if pk is not None else ""

    def plain(value: Any, lk: Lookups) -> Any:
        return None if value is None else lk.dept_repr[value]

    return Column(key, label, field.attname, parse, fmt, plain, _required(field))


def customer_ref(model: type[models.Model], key: str, label: str) -> Column:
    """A customer by its code; it must already exist (contacts and orders)."""
    field = model._meta.get_field(key)
    assert isinstance(field, models.ForeignKey)

    def parse(raw: object, lk: Lookups) -> Any:
        code = text_of(raw)
        if code == "":
            return _empty(field)
        ref = lk.customers.get(code)
        if ref is None:
            raise CellError(_("unknown customer code %(code)s") % {"code": code})
        return ref.pk

    def fmt(obj: Any, refs: ExportRefs) -> Cell:
        pk = getattr(obj, field.attname)
        return refs.customer_code(pk) if pk is not None else ""

    def plain(value: Any, lk: Lookups) -> Any:
        return None if value is None else lk.customer_repr(value)

    return Column(key, label, field.attname, parse, fmt, plain, _required(field))


def product_ref(model: type[models.Model], key: str, label: str) -> Column:
    field = model._meta.get_field(key)
    assert isinstance(field, models.ForeignKey)

    def parse(raw: object, lk: Lookups) -> Any:
        code = text_of(raw)
        if code == "":
            return _empty(field)
        product = lk.products.get(code)
        if product is None:
            raise CellError(_("unknown product model %(model)s") % {"model": code})
        return product.pk

    def plain(value: Any, lk: Lookups) -> Any:
        return None if value is None else str(lk.product_by_id[value])

    return Column(
        key, label, field.attname, parse,
        lambda obj, refs: refs.product_model[getattr(obj, field.attname)], plain,
        _required(field),
    )


def product_lines(key: str, label: str) -> Column:
    """Product lines bought: codes joined with ';' (a many-to-many, a set of ids)."""

    def parse(raw: object, lk: Lookups) -> Any:
        codes = [c.strip() for c in re.split(r"[;；]", text_of(raw)) if c.strip()]
        unknown = [c for c in codes if c not in lk.lines]
        if unknown:
            raise CellError(
                _("unknown product line code %(codes)s") % {"codes": ", ".join(unknown)}
            )
        return frozenset(lk.lines[c].pk for c in codes)

    def fmt(obj: Any, refs: ExportRefs) -> Cell:
        return refs.lines_of.get(obj.pk, "")

    def plain(value: Any, lk: Lookups) -> Any:
        return sorted(str(lk.line_by_id[pk]) for pk in value)

    return Column(key, label, "", parse, fmt, plain)
