"""Attachments stored safely: size and type limits, random stored names, permission-checked
downloads. Apps register who may see the attachments of their records."""

from __future__ import annotations

import mimetypes
import uuid
from collections.abc import Callable
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext as _

from manyi.accounts.types import Actor, Viewer, stored_user

from .models import Attachment

ALLOWED_EXTENSIONS = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
MAGIC = {
    ".pdf": [b"%PDF"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".png": [b"\x89PNG"],
    ".gif": [b"GIF8"],
    ".webp": [b"RIFF"],
    ".xlsx": [b"PK\x03\x04"],
    ".docx": [b"PK\x03\x04"],
}

# model → function(user, obj) -> bool : who may see (and add) attachments of that record
_OWNERS: dict[type[models.Model], Callable[[Any, Any], bool]] = {}


def register_attachment_owner(
    model: type[models.Model], can_view: Callable[[Any, Any], bool]
) -> None:
    _OWNERS[model] = can_view


def max_bytes() -> int:
    return int(getattr(settings, "MANYI_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024))


def safe_display_name(name: str) -> str:
    """The last path component only, without control characters (display only)."""
    base = PurePath(name.replace("\\", "/")).name
    cleaned = "".join(ch for ch in base if ch.isprintable() and ch not in '<>:"|?*')
    return cleaned[:200] or "file"


def validate_upload(upload: UploadedFile) -> str:
    """Return the extension if the upload is acceptable, else raise ValidationError."""
    name = safe_display_name(upload.name or "")
    ext = PurePath(name).suffix.lower()
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            {"file": _("File type %(ext)s is not allowed. Allowed: %(allowed)s")
             % {"ext": ext or "?", "allowed": ", ".join(sorted(ALLOWED_EXTENSIONS))}}
        )
    size = upload.size or 0
    if size > max_bytes():
        raise ValidationError(
            {"file": _("The file is too large (%(size)s MB; at most %(max)s MB).")
             % {"size": round(size / 1048576, 1), "max": round(max_bytes() / 1048576, 1)}}
        )
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")})
    head = upload.read(8)
    upload.seek(0)
    if ext in MAGIC and not any(head.startswith(m) for m in MAGIC[ext]):
        raise ValidationError(
            {"file": _("The file content does not match its type %(ext)s.") % {"ext": ext}}
        )
    return ext


def attachment_add(
    *, actor: Actor, obj: models.Model, upload: UploadedFile, note: str = ""
) -> Attachment:
    ext = validate_upload(upload)
    display = safe_display_name(upload.name or "")
    upload.name = f"{uuid.uuid4().hex}{ext}"
    return Attachment.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        file=upload,
        original_name=display,
        size=upload.size or 0,
        mime_type=ALLOWED_EXTENSIONS[ext] or mimetypes.guess_type(display)[0] or "",
        note=note[:200],
        uploaded_by=stored_user(actor) if getattr(actor, "pk", None) else None,
    )


def attachments_of(obj: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("uploaded_by")


def attachment_owner(attachment: Attachment) -> Any:
    model = attachment.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=attachment.object_id).first()


def can_view_attachment(user: Viewer, attachment: Attachment) -> bool:
    owner = attachment_owner(attachment)
    check = _OWNERS.get(type(owner)) if owner is not None else None
    return bool(check and check(user, owner))
