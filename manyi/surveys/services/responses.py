"""Answers: the customer's web form (partial saves, idempotent submission), staff entry of
returned forms, proxy filling, self-evaluation, corrections — all keeping the rollups."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.permissions import require
from manyi.accounts.types import Actor, stored_user
from manyi.audit.services import AuditAction, audit_entry, audit_entry_build
from manyi.common.services import record_update
from manyi.customers.models import Customer

from .. import rollups
from ..models import (
    Answer,
    Campaign,
    Channel,
    Invitation,
    InvitationStatus,
    Response,
    ResponseChannel,
    ResponseSource,
    ResponseStatus,
    Scale,
    SurveyTemplate,
    TemplateItem,
)
from ..workflow import in_step
from . import fastsubmit

TEXT_MAX = 4000
AnswerT = TypeVar("AnswerT", Answer, rollups.AnswerRow)


@dataclass(frozen=True)
class AnswerIn:
    key: str
    competitor: bool = False
    value: int | None = None
    na: bool = False
    text: str = ""

    @property
    def empty(self) -> bool:
        return self.value is None and not self.na and not self.text.strip()


_ITEMS_CACHE: dict[int, dict[str, TemplateItem]] = {}
_TEMPLATE_CACHE: dict[int, SurveyTemplate] = {}


def template_get(template_id: int) -> SurveyTemplate:
    """A template version; published ones never change and are cached per process."""
    cached = _TEMPLATE_CACHE.get(template_id)
    if cached is None:
        cached = SurveyTemplate.objects.get(pk=template_id)
        if cached.status == "published":
            _TEMPLATE_CACHE[template_id] = cached
    return cached


def template_items(template_id: int) -> dict[str, TemplateItem]:
    """Items by key. Published templates never change, so they are cached per process."""
    cached = _ITEMS_CACHE.get(template_id)
    if cached is None:
        items = {i.key: i for i in TemplateItem.objects.filter(template_id=template_id)}
        if template_get(template_id).status == "published":
            _ITEMS_CACHE[template_id] = items
        return items
    return cached


def parse_post(data: Mapping[str, Any], items: Mapping[str, TemplateItem]) -> list[AnswerIn]:
    """Form fields a_<key> / c_<key> (competitor) → answers; "na" = unable to comment."""
    out: list[AnswerIn] = []
    for key, item in items.items():
        for competitor, prefix in ((False, "a_"), (True, "c_")):
            name = prefix + key
            na_name = ("cna_" if competitor else "na_") + key
            if name not in data and na_name not in data:
                continue
            raw = str(data.get(name) or "").strip()
            if data.get(("cna_" if competitor else "na_") + key):
                raw = "na"
            if item.scale == Scale.TEXT:
                out.append(AnswerIn(key=key, competitor=competitor, text=raw))
            elif raw.lower() == "na":
                out.append(AnswerIn(key=key, competitor=competitor, na=True))
            elif raw == "":
                out.append(AnswerIn(key=key, competitor=competitor))
            else:
                try:
                    value = int(raw)
                except ValueError:
                    value = -9999  # reported as out of range
                out.append(AnswerIn(key=key, competitor=competitor, value=value))
    return out


def _validate(
    answers: Sequence[AnswerIn], items: Mapping[str, TemplateItem], competitor_ok: bool
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for a in answers:
        item = items.get(a.key)
        field = ("c_" if a.competitor else "a_") + a.key
        if item is None:
            errors.setdefault(field, []).append(_("unknown item"))
            continue
        if a.competitor and not (competitor_ok and item.competitor):
            errors.setdefault(field, []).append(_("this item is not rated for a competitor"))
            continue
        if item.scale == Scale.TEXT:
            if len(a.text) > TEXT_MAX:
                errors.setdefault(field, []).append(_("at most %(n)s characters") % {"n": TEXT_MAX})
            continue
        if not item.rated:
            if not a.empty:
                errors.setdefault(field, []).append(_("this heading takes no answer"))
            continue
        if a.value is not None and not item.min_value <= a.value <= item.max_value:
            errors.setdefault(field, []).append(
                _("choose a value from %(lo)s to %(hi)s") % {"lo": item.min_value,
                                                            "hi": item.max_value}
            )
    return errors


def _missing(
    stored: Iterable[rollups.AnswerData], items: Mapping[str, TemplateItem]
) -> dict[str, list[str]]:
    have = {a.item_id for a in stored if not a.competitor and (a.na or a.value is not None)}
    return {
        "a_" + key: [_("Answer this question or choose “unable to comment”.")]
        for key, item in items.items()
        if item.scored and item.pk not in have
    }


def _store(response: Response, answers: Sequence[AnswerIn],
           items: Mapping[str, TemplateItem]) -> None:
    keep = [a for a in answers if not a.empty]
    drop = [a for a in answers if a.empty]
    if drop:
        for a in drop:
            Answer.objects.filter(
                response=response, item=items[a.key], competitor=a.competitor
            ).delete()
    if keep:
        Answer.objects.bulk_create(
            [
                Answer(response=response, item=items[a.key], competitor=a.competitor,
                       value=None if a.na else a.value, na=a.na, text=a.text.strip())
                for a in keep
            ],
            update_conflicts=True,
            unique_fields=["response", "item", "competitor"],
            update_fields=["value", "na", "text"],
        )


def _totals_fields(answers: Sequence[rollups.AnswerData],
                   items_by_pk: Mapping[int, TemplateItem]) -> dict:
    t = rollups.response_totals(answers, items_by_pk)
    return {
        "answered": t.get("answered", 0),
        "not_applicable": t.get("not_applicable", 0),
        "value_sum": t.get("value_sum", 0),
        "max_sum": t.get("max_sum", 0),
        "top2": t.get("top2", 0),
        "low": t.get("low", 0),
    }


def _new_response(campaign: Campaign, customer: Customer, inv: Invitation | None,
                  **fields: Any) -> Response:
    response = _response_instance(campaign, customer, inv, **fields)
    response.save(force_insert=True)
    return response


def _response_instance(campaign: Campaign, customer: Customer, inv: Invitation | None,
                       **fields: Any) -> Response:
    """A new (unsaved) response with the respondent's group snapshot."""
    snap = {
        "business_unit_id": inv.business_unit_id if inv else customer.business_unit_id,
        "branch_office_id": inv.branch_office_id if inv else customer.branch_office_id,
        "customer_class": inv.customer_class if inv else customer.customer_class,
        "key_account": inv.key_account if inv else customer.key_account,
        "function": inv.function if inv else "",
        "decision_class": inv.decision_class if inv else "",
        "delegated": bool(inv and inv.channel == Channel.DELEGATED),
        "respondent": inv.name if inv else "",
        "language": inv.language if inv else "zh-hans",
    }
    now = timezone.now()
    actor = fields.get("filled_by")
    return Response(
        campaign=campaign, customer=customer, invitation=inv, created_at=now, changed_at=now,
        created_by=actor, changed_by=actor, **{**snap, **fields},
    )


class AlreadySubmitted(Exception):
    def __init__(self, response: Response | None) -> None:
        self.response = response
        super().__init__("already submitted")


@dataclass
class SaveResult:
    response: Response
    submitted: bool
    duplicate: bool = False


def _complete_invitation(inv: Invitation, response: Response, now: Any) -> None:
    """Mark the (locked) invitation completed and count it in the tally: one UPDATE."""
    opened, started = inv.opened_at is None, inv.started_at is None
    Invitation.objects.filter(pk=inv.pk).update(
        opened_at=inv.opened_at or now, started_at=inv.started_at or now, completed_at=now,
        status=InvitationStatus.COMPLETED,
    )
    inv.opened_at, inv.started_at = inv.opened_at or now, inv.started_at or now
    inv.completed_at, inv.status = now, InvitationStatus.COMPLETED
    rollups.tally_bump(
        inv, completed=1, started=int(started), opened=int(opened),
        proxy=1 if response.proxy else 0,
        competitor_forms=1 if response.competitor_name else 0,
    )


def _low_answers(rows: Sequence[AnswerT], by_pk: Mapping[int, TemplateItem]) -> list[AnswerT]:
    """The customer's own scored answers at or below the low-score line (1–2 on a 1–5 scale)."""
    return [a for a in rows if not a.competitor and a.value is not None
            and by_pk[a.item_id].scored and by_pk[a.item_id].is_low(int(a.value))]


def _submitted_audit(response: Response) -> dict[str, Any]:
    """The audit entry of a submission (both the ORM and the one-statement path write it)."""
    return {"action": AuditAction.CREATE,
            "changes": {"status": [None, "submitted"], "channel": [None, response.channel]},
            "note": _("survey response submitted")}


def _after_submit(response: Response, stored: Sequence[Answer],
                  by_pk: Mapping[int, TemplateItem], actor: Actor, campaign: Campaign) -> None:
    rollups.rollup_apply(response, stored, by_pk)
    audit_entry(instance=response, actor=actor, **_submitted_audit(response))
    low = _low_answers(stored, by_pk)
    if low and campaign.auto_complaint:
        from .low_scores import complaint_from_answer

        for a in low:
            transaction.on_commit(partial(complaint_from_answer, actor=None, answer=a))


def _submit(
    response: Response, inv: Invitation | None, items: Mapping[str, TemplateItem],
    *, submission_key: str, actor: Actor,
) -> bool:
    """Submit a stored (partial) response; the caller holds the invitation's row lock."""
    stored = list(Answer.objects.filter(response=response))
    missing = _missing(stored, items)
    if missing:
        raise ValidationError(missing)
    by_pk = {i.pk: i for i in items.values()}
    now = timezone.now()
    fields = _totals_fields(stored, by_pk)
    flipped = Response.objects.filter(pk=response.pk, status=ResponseStatus.PARTIAL).update(
        status=ResponseStatus.SUBMITTED, submitted_at=now, submission_key=submission_key[:64],
        changed_at=now, version=response.version + 1, **fields,
    )
    if not flipped:
        return False
    response.status, response.submitted_at = ResponseStatus.SUBMITTED, now
    response.version += 1
    for k, v in fields.items():
        setattr(response, k, v)
    _after_submit(response, stored, by_pk, actor, response.campaign)
    if inv is not None:
        _complete_invitation(inv, response, now)
    return True


def _fresh_rows(answers: Sequence[AnswerIn], items: Mapping[str, TemplateItem]
                ) -> list[rollups.AnswerRow]:
    return [rollups.AnswerRow(items[a.key].pk, a.competitor, None if a.na else a.value, a.na,
                              a.text.strip())
            for a in answers if not a.empty]


def _fresh_response(
    inv: Invitation, campaign: Campaign, rows: Sequence[rollups.AnswerData],
    by_pk: Mapping[int, TemplateItem], *, submission_key: str, competitor_name: str,
) -> Response:
    """The (unsaved) submitted response of a complete web form posted at once."""
    return _response_instance(
        campaign, inv.customer, inv, channel=ResponseChannel.WEB,
        status=ResponseStatus.SUBMITTED, submitted_at=timezone.now(),
        submission_key=submission_key[:64], competitor_name=competitor_name.strip()[:120],
        **_totals_fields(rows, by_pk),
    )


def _submit_fast(
    inv: Invitation, campaign: Campaign, answers: Sequence[AnswerIn],
    items: Mapping[str, TemplateItem], *, submission_key: str, competitor_name: str,
) -> Response | None:
    """The one-statement path (PostgreSQL) for the common case: a complete form posted at
    once by a respondent who has not saved part of it before. None: take the ORM path."""
    if inv.started_at is not None or inv.completed_at is not None:
        return None
    rows = _fresh_rows(answers, items)
    name = competitor_name.strip()[:120]
    by_pk = {i.pk: i for i in items.values()}
    if (_missing(rows, items) or (not name and any(a.competitor for a in rows))
            or (campaign.auto_complaint and _low_answers(rows, by_pk))):
        return None  # incomplete, or complaints to open after commit: the ORM path does it
    response = _fresh_response(inv, campaign, rows, by_pk, submission_key=submission_key,
                               competitor_name=name)
    audit = audit_entry_build(instance=response, actor=None, **_submitted_audit(response))
    pk = fastsubmit.submit(inv=inv, response=response, rows=rows, items_by_pk=by_pk,
                           audit=audit)
    if pk is None:
        return None
    response.pk = pk
    response._state.adding = False
    now = response.submitted_at
    inv.opened_at, inv.started_at = inv.opened_at or now, now
    inv.completed_at, inv.status = now, InvitationStatus.COMPLETED
    return response


def _submit_fresh(
    inv: Invitation, campaign: Campaign, answers: Sequence[AnswerIn],
    items: Mapping[str, TemplateItem], *, submission_key: str, competitor_name: str,
) -> Response | None:
    """The common case — a complete form posted at once, no partial save before: built in
    memory and written with one INSERT per table (the caller holds the row lock). None when
    the form is incomplete (the caller then stores it as partial)."""
    rows = _fresh_rows(answers, items)
    if _missing(rows, items):
        return None
    by_pk = {i.pk: i for i in items.values()}
    response = _fresh_response(inv, campaign, rows, by_pk, submission_key=submission_key,
                               competitor_name=competitor_name)
    now = response.submitted_at
    response.save(force_insert=True)
    stored = Answer.objects.bulk_create([
        Answer(response=response, item_id=r.item_id, competitor=r.competitor, value=r.value,
               na=r.na, text=r.text) for r in rows])
    _after_submit(response, stored, by_pk, None, campaign)
    _complete_invitation(inv, response, now)
    return response


def invitation_opened(inv: Invitation) -> None:
    now = timezone.now()
    with transaction.atomic():
        if Invitation.objects.filter(pk=inv.pk, opened_at__isnull=True).update(
            opened_at=now, status=InvitationStatus.OPENED
        ):
            inv.opened_at = now
            rollups.tally_bump(inv, opened=1)


def _lock_unanswered(inv: Invitation, submission_key: str) -> SaveResult | None:
    """Lock the respondent's row and re-read the fields that concurrent requests change.
    Answered already: the first response again for the same submission posted twice (double
    click, retry), AlreadySubmitted for another one."""
    inv.opened_at, inv.started_at, inv.completed_at = (
        Invitation.objects.select_for_update()
        .filter(pk=inv.pk).values_list("opened_at", "started_at", "completed_at").get()
    )
    if inv.completed_at is None:
        return None
    done = Response.objects.filter(invitation=inv, source=ResponseSource.CUSTOMER).first()
    if done is not None and done.submission_key == submission_key[:64]:
        return SaveResult(response=done, submitted=True, duplicate=True)
    raise AlreadySubmitted(done)


def _public_competitor_name(competitor_name: str | None, existing: Response | None,
                            answers: Sequence[AnswerIn]) -> str:
    """The competitor named with the form (the one saved before when none is posted);
    required as soon as a competitor answer is given."""
    name = (competitor_name if competitor_name is not None else
            (existing.competitor_name if existing else "")).strip()[:120]
    if not name and any(a.competitor and not a.empty for a in answers):
        raise ValidationError({"competitor_name": [_("Name the competitor you rate.")]})
    return name


def _kept_partial(response: Response, inv: Invitation) -> SaveResult:
    """A partial save (or a failed submission): the invitation is started at the first one."""
    now = timezone.now()
    if inv.started_at is None:
        Invitation.objects.filter(pk=inv.pk).update(
            started_at=now, opened_at=inv.opened_at or now,
            status=InvitationStatus.PARTIAL,
        )
        rollups.tally_bump(inv, started=1, opened=int(inv.opened_at is None))
    return SaveResult(response=response, submitted=False)


def response_save_public(
    *, invitation: Invitation, data: Mapping[str, Any], submit: bool, submission_key: str,
    competitor_name: str | None = None,
) -> SaveResult:
    """The customer's own answers through the personal link (no login).

    Partial saves merge into the one response of the invitation; submission is idempotent:
    the invitation row is locked, a second submission (double click, retry) finds it
    completed and gets the first response back — never a second one."""
    campaign = invitation.campaign
    template = template_get(campaign.template_id)
    items = template_items(campaign.template_id)
    answers = parse_post(data, items)
    errors = _validate(answers, items, template.competitor_block)
    if errors:
        raise ValidationError(errors)
    if submit and fastsubmit.available():
        fast = _submit_fast(invitation, campaign, answers, items, submission_key=submission_key,
                            competitor_name=competitor_name or "")
        if fast is not None:
            return SaveResult(response=fast, submitted=True)
    missing: dict[str, list[str]] = {}
    with transaction.atomic():
        inv = invitation
        duplicate = _lock_unanswered(inv, submission_key)
        if duplicate is not None:
            return duplicate
        if not in_step("collect", campaign):
            raise ValidationError(_("This survey is closed."))
        # a response exists only once the respondent has started (a partial save)
        existing = None if inv.started_at is None else Response.objects.filter(
            invitation=inv, source=ResponseSource.CUSTOMER).first()
        name = _public_competitor_name(competitor_name, existing, answers)
        if existing is None and submit:
            fresh = _submit_fresh(inv, campaign, answers, items,
                                  submission_key=submission_key, competitor_name=name)
            if fresh is not None:
                return SaveResult(response=fresh, submitted=True)
        response = existing or _new_response(
            campaign, inv.customer, inv, channel=ResponseChannel.WEB
        )
        if response.competitor_name != name:
            response.competitor_name = name
            Response.objects.filter(pk=response.pk).update(competitor_name=name)
        _store(response, answers, items)
        missing = _missing(Answer.objects.filter(response=response), items) if submit else {}
        if not submit or missing:  # a failed submission still keeps what was answered
            result = _kept_partial(response, inv)
        else:
            submitted = _submit(response, inv, items, submission_key=submission_key, actor=None)
            result = SaveResult(response=response, submitted=submitted)
    if missing:
        raise ValidationError(missing)
    return result


def response_enter(
    *, actor: Actor, invitation: Invitation, data: Mapping[str, Any], channel: str,
    proxy_note: str = "", competitor_name: str = "", confirm_customer_words: bool = False,
) -> Response:
    """Staff entry of a returned paper / fax / e-mail form, or proxy filling by phone or on
    site (004 §6.2.3: exactly as the customer states — flagged, with who filled it)."""
    require(actor, "survey.fill", invitation)
    campaign = invitation.campaign
    if channel not in (ResponseChannel.PAPER, ResponseChannel.FAX, ResponseChannel.EMAIL,
                       ResponseChannel.PROXY):
        raise ValidationError({"channel": _("Choose how the form came back.")})
    proxy = channel == ResponseChannel.PROXY
    if proxy and not (confirm_customer_words and proxy_note.strip()):
        raise ValidationError({"proxy_note": _(
            "Proxy filling must follow the customer's own words: confirm it and note how "
            "and when the customer gave the answers.")})
    items = template_items(campaign.template_id)
    answers = parse_post(data, items)
    errors = _validate(answers, items, campaign.template.competitor_block)
    if not competitor_name.strip() and any(a.competitor and not a.empty for a in answers):
        errors["competitor_name"] = [_("Name the competitor you rate.")]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inv = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if inv.completed_at is not None:
            raise ValidationError(_("This respondent has answered already."))
        if not in_step("collect", campaign):
            raise ValidationError(_("This survey is closed."))
        existing = Response.objects.filter(invitation=inv, source=ResponseSource.CUSTOMER).first()
        fields = {
            "channel": channel, "proxy": proxy, "proxy_note": proxy_note.strip()[:300],
            "competitor_name": competitor_name.strip()[:120],
        }
        if existing is None:
            response = _new_response(campaign, invitation.customer, inv,
                                     filled_by=actor if getattr(actor, "pk", None) else None,
                                     **fields)
        else:
            Response.objects.filter(pk=existing.pk).update(filled_by=actor, **fields)
            existing.refresh_from_db()
            response = existing
        _store(response, answers, items)
        _submit(response, inv, items, submission_key=f"staff:{response.pk}", actor=actor)
    return response


def self_evaluation_enter(
    *, actor: Actor, campaign: Campaign, customer: Customer, data: Mapping[str, Any]
) -> Response:
    """A sales person's self-evaluation for a customer (001: blended 40 % / 60 %), kept apart
    from the customer's answers (source = self)."""
    require(actor, "survey.self_eval", customer)
    if not in_step("self_eval", campaign):
        raise ValidationError(_("Self-evaluations are entered while the campaign runs."))
    if not campaign.targets.filter(customer=customer).exists():
        raise ValidationError({"customer": _("This customer is not on the target list.")})
    if Response.objects.filter(campaign=campaign, customer=customer,
                               source=ResponseSource.SELF, filled_by=stored_user(actor)).exists():
        raise ValidationError({"customer": _("You have evaluated this customer already.")})
    items = template_items(campaign.template_id)
    answers = [a for a in parse_post(data, items) if not a.competitor]
    errors = _validate(answers, items, False)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = _new_response(
            campaign, customer, None, source=ResponseSource.SELF, channel=ResponseChannel.STAFF,
            filled_by=actor if getattr(actor, "pk", None) else None,
            respondent=str(actor) if actor else "",
        )
        _store(response, answers, items)
        _submit(response, None, items, submission_key=f"self:{response.pk}", actor=actor)
    return response


def response_correct(
    *, actor: Actor, response: Response, data: Mapping[str, Any], note: str,
    expected_version: int | None,
) -> Response:
    """Correct a submitted form (e.g. a typing error in staff entry): the rollups lose the
    old answers and gain the new ones in the same transaction."""
    require(actor, "survey.plan")
    if response.status != ResponseStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted form is corrected."))
    if not note.strip():
        raise ValidationError({"note": _("Say why the form is corrected.")})
    campaign = response.campaign
    items = template_items(campaign.template_id)
    by_pk = {i.pk: i for i in items.values()}
    answers = parse_post(data, items)
    errors = _validate(answers, items, campaign.template.competitor_block)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=response.pk)
        old = list(Answer.objects.filter(response=locked))
        before = {f"{by_pk[a.item_id].key}{'*' if a.competitor else ''}":
                  ("na" if a.na else a.value) for a in old}
        _store(locked, answers, items)
        new = list(Answer.objects.filter(response=locked))
        missing = _missing(new, items)
        if missing:
            raise ValidationError(missing)
        rollups.rollup_replace(locked, old, new, by_pk)
        after = {f"{by_pk[a.item_id].key}{'*' if a.competitor else ''}":
                 ("na" if a.na else a.value) for a in new}
        changed = {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
                   if before.get(k) != after.get(k)}
        locked = record_update(
            locked, actor=actor, expected_version=expected_version,
            fields=_totals_fields(new, by_pk), note=note.strip()[:300],
        )
        if changed:
            audit_entry(instance=locked, action=AuditAction.UPDATE, actor=actor,
                        changes=changed, note=_("answers corrected"))
    return locked
