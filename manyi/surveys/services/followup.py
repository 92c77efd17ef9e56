"""Follow-up from the scheduler (all idempotent): e-mail reminders, phone-chase tasks after
3 silent working days (004 §6.2.2), the weekly chase report per BU (ECSS 6.3.3), the 10 %
call-back sample of delegated forms (004 §6.1.4) and its results."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from manyi.accounts.models import Department, User
from manyi.accounts.permissions import RecordScope, require
from manyi.accounts.types import Actor
from manyi.common import deadlines
from manyi.common.calendar import company_calendar, deadline_in_workdays, local_tz
from manyi.common.notify import email_address, notify_users
from manyi.common.services import record_create, record_update

from .. import deadlines as D
from .. import rules
from ..models import (
    Campaign,
    CampaignStatus,
    Channel,
    FollowUpTask,
    Invitation,
    Response,
    ResponseSource,
    ResponseStatus,
    TaskKind,
    TaskStatus,
    VerifyStatus,
)
from .links import link_issue, public_url


def _workdays_since(start: dt.datetime, now: dt.datetime) -> int:
    tz = local_tz()
    return company_calendar().workdays_between(
        timezone.localtime(start, tz).date(), timezone.localtime(now, tz).date()
    )


def _owner_for(inv: Invitation, campaign: Campaign) -> Any:
    if inv.delegated_office_id:
        office = Department.objects.select_related("manager", "parent__manager").get(
            pk=inv.delegated_office_id
        )
        manager = office.manager or (office.parent.manager if office.parent else None)
        if manager is not None:
            return manager
    return campaign.owner


def reminders_due(*, now: dt.datetime | None = None) -> int:
    """E-mail reminders to silent respondents every `reminder_interval` working days, at most
    `reminder_max` times. A reminder carries a fresh personal link."""
    now = now or timezone.now()
    sent = 0
    invitations = Invitation.objects.filter(
        campaign__status=CampaignStatus.RUNNING, channel=Channel.EMAIL,
        completed_at__isnull=True, sent_at__isnull=False,
    ).exclude(email="").select_related("campaign", "customer")
    for inv in invitations:
        campaign = inv.campaign
        if inv.reminders_sent >= campaign.reminder_max:
            continue
        last = inv.last_reminder_at or inv.sent_at
        assert last is not None
        if _workdays_since(last, now) < campaign.reminder_interval:
            continue
        n = inv.reminders_sent + 1
        with transaction.atomic():
            claimed = Invitation.objects.filter(
                pk=inv.pk, reminders_sent=inv.reminders_sent, completed_at__isnull=True
            ).update(reminders_sent=n, last_reminder_at=now)
            if not claimed:
                continue
            token, link = link_issue(invitation=inv, actor=None, purpose="reminder",
                                     campaign=campaign)
            email_address(
                key=f"survey-remind:{inv.pk}:{inv.round}:{n}",
                to=inv.email, language=inv.language, template="survey_reminder",
                context={"invitation": inv, "campaign": campaign, "url": public_url(token),
                         "expires": link.expires_at, "customer": inv.customer, "n": n},
            )
        sent += 1
    return sent


def chases_due(*, now: dt.datetime | None = None) -> int:
    """A phone-chase task for the owner when a respondent is silent 3 working days (the
    `surveys.chase` rule) after the questionnaire went out (one per respondent and round)."""
    now = now or timezone.now()
    chase_after = deadlines.value(D.CHASE)
    created = 0
    invitations = Invitation.objects.filter(
        campaign__status=CampaignStatus.RUNNING, completed_at__isnull=True,
        sent_at__isnull=False,
    ).select_related("campaign", "customer")
    existing = set(
        FollowUpTask.objects.filter(kind=TaskKind.CHASE, campaign__status=CampaignStatus.RUNNING)
        .values_list("invitation_id", "round")
    )
    for inv in invitations:
        if (inv.pk, inv.round) in existing or inv.started_at is not None:
            continue
        assert inv.sent_at is not None
        if _workdays_since(inv.sent_at, now) < chase_after:
            continue
        owner = _owner_for(inv, inv.campaign)
        try:
            with transaction.atomic():
                task = record_create(FollowUpTask, actor=None, fields={
                    "campaign": inv.campaign, "kind": TaskKind.CHASE, "invitation": inv,
                    "round": inv.round, "owner": owner,
                    "due_at": deadline_in_workdays(now, 1),
                })
        except (IntegrityError, ValidationError):
            continue
        created += 1
        if owner is not None:
            notify_users(
                key=f"survey-chase:{task.pk}", users=[owner], template="generic",
                context={"title": _("Phone chase: %(n)s of %(c)s has not answered")
                         % {"n": inv.name, "c": inv.customer.name}, "text": ""},
                url="/surveys/tasks/",
            )
    return created


def chase_report_rows(campaign: Campaign, *, scope: RecordScope | None = None
                      ) -> list[dict[str, Any]]:
    """Per BU: respondents, answered, silent, open chase tasks (ECSS 6.3.3–6.3.4), of the
    respondents in `scope` (None: all, for the weekly report)."""
    invitations: QuerySet[Any] = campaign.invitations.filter(sent_at__isnull=False)
    open_tasks: QuerySet[Any] = campaign.tasks.filter(kind=TaskKind.CHASE,
                                                      status=TaskStatus.OPEN)
    if scope is not None:
        invitations, open_tasks = scope.filter(invitations), scope.filter(open_tasks)
    invited: Counter[int] = Counter()
    done: Counter[int] = Counter()
    for bu, completed in invitations.values_list("business_unit_id", "completed_at"):
        invited[bu] += 1
        done[bu] += 1 if completed else 0
    tasks = Counter(open_tasks.values_list("invitation__business_unit_id", flat=True))
    units = Department.objects.in_bulk(list(invited))
    return [
        {"business_unit": units[bu], "invited": invited[bu], "answered": done[bu],
         "silent": invited[bu] - done[bu], "open_chases": tasks[bu],
         "rate": done[bu] * 100 / invited[bu] if invited[bu] else 0}
        for bu in sorted(invited, key=lambda b: units[b].code)
    ]


def weekly_chase_report(*, now: dt.datetime | None = None) -> int:
    """Once per ISO week and running campaign: the chase figures to each BU head and the
    campaign owner."""
    now = now or timezone.now()
    year, week, _day = timezone.localtime(now, local_tz()).isocalendar()
    count = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.RUNNING):
        rows = chase_report_rows(campaign)
        for row in rows:
            heads = list(User.objects.filter(
                is_active=True, roles__code="bu_head", department=row["business_unit"]
            ).distinct())
            if campaign.owner is not None:
                heads.append(campaign.owner)
            text = _("%(bu)s: %(a)s of %(i)s answered, %(s)s silent, %(t)s open chases") % {
                "bu": row["business_unit"], "a": row["answered"], "i": row["invited"],
                "s": row["silent"], "t": row["open_chases"],
            }
            count += len(notify_users(
                key=f"survey-weekly:{campaign.pk}:{year}-{week}:{row['business_unit'].pk}",
                users=heads, template="generic",
                context={"title": _("Weekly chase report %(c)s") % {"c": campaign.number},
                         "text": text},
                url=f"/surveys/campaigns/{campaign.pk}/chase/",
            ))
    return count


def thanks_due(*, now: dt.datetime | None = None, limit: int = 2000) -> int:
    """The thank-you letter to every respondent whose form came in (ECSS 6.3.5), in the
    respondent's language; sent from the scheduler so that submitting stays fast. Only forms
    submitted within MANYI_SURVEY_THANKS_WINDOW_DAYS are thanked: history (older answers, an
    imported or demo database, a scheduler that was off) never sends a late letter; demo
    answers carry `thanked_at` from the start."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=max(0, settings.MANYI_SURVEY_THANKS_WINDOW_DAYS))
    sent = 0
    pending = (
        Response.objects.filter(source=ResponseSource.CUSTOMER, status=ResponseStatus.SUBMITTED,
                                thanked_at__isnull=True, invitation__isnull=False,
                                submitted_at__gte=since)
        .select_related("invitation", "campaign", "customer").order_by("id")[:limit]
    )
    for response in pending:
        inv = response.invitation
        assert inv is not None
        with transaction.atomic():
            if not Response.objects.filter(pk=response.pk, thanked_at__isnull=True).update(
                thanked_at=now
            ):
                continue
            if inv.email:
                email_address(
                    key=f"survey-thanks:{response.pk}", to=inv.email, language=inv.language,
                    template="survey_thanks",
                    context={"invitation": inv, "campaign": response.campaign,
                             "customer": response.customer},
                )
                sent += 1
    return sent


def task_done(*, actor: Actor, task: FollowUpTask, result: str) -> FollowUpTask:
    require(actor, "survey.fill", task.invitation)
    if task.status == TaskStatus.DONE:
        raise ValidationError(_("This task is done already."))
    if not result.strip():
        raise ValidationError({"result": _("Note the result of the call.")})
    return record_update(task, actor=actor, expected_version=None, fields={
        "status": TaskStatus.DONE, "result": result.strip()[:300], "done_at": timezone.now(),
    })


# --- verification --------------------------------------------------------------------------


def verification_draw(*, actor: Actor, campaign: Campaign) -> list[Response]:
    """Draw the call-back sample: `verify_percent` of the submitted delegated customer forms,
    reproducible from the campaign's seed; forms drawn before count towards it."""
    require(actor, "survey.verify")
    population = Response.objects.filter(
        campaign=campaign, source=ResponseSource.CUSTOMER, status=ResponseStatus.SUBMITTED,
        delegated=True,
    )
    ids = list(population.values_list("id", flat=True))
    already = list(population.exclude(verify_status="").values_list("id", flat=True))
    chosen = rules.verification_sample(
        ids, percent=campaign.verify_percent, seed=campaign.verify_seed, already=already
    )
    out = []
    now = timezone.now()
    with transaction.atomic():
        for response in Response.objects.filter(pk__in=chosen).select_related("invitation"):
            response = record_update(response, actor=actor, expected_version=None,
                                     fields={"verify_status": VerifyStatus.PENDING},
                                     note=_("drawn for a call-back check"))
            if response.invitation is not None:
                FollowUpTask.objects.get_or_create(
                    invitation=response.invitation, kind=TaskKind.VERIFY, round=0,
                    defaults={"campaign": campaign, "response": response,
                              "owner": campaign.owner,
                              "due_at": deadlines.due(D.ANALYSE, now),
                              "created_at": now, "changed_at": now},
                )
            out.append(response)
        if not campaign.verification_drawn:
            record_update(campaign, actor=actor, expected_version=None,
                          fields={"verification_drawn": True})
    return out


def verification_record(
    *, actor: Actor, response: Response, status: str, note: str
) -> Response:
    require(actor, "survey.verify")
    if not response.verify_status:
        raise ValidationError(_("This form was not drawn for a call-back."))
    if status not in (VerifyStatus.CONFIRMED, VerifyStatus.DISCREPANCY, VerifyStatus.UNREACHABLE):
        raise ValidationError({"verify_status": _("Choose the result of the call-back.")})
    if status == VerifyStatus.DISCREPANCY and not note.strip():
        raise ValidationError({"verify_note": _("Describe the difference.")})
    with transaction.atomic():
        response = record_update(response, actor=actor, expected_version=None, fields={
            "verify_status": status, "verify_note": note.strip()[:300],
            "verified_by": actor if getattr(actor, "pk", None) else None,
            "verified_at": timezone.now(),
        })
        for task in FollowUpTask.objects.filter(response=response, kind=TaskKind.VERIFY,
                                                status=TaskStatus.OPEN):
            record_update(task, actor=actor, expected_version=None, fields={
                "status": TaskStatus.DONE, "result": f"{status}: {note}"[:300],
                "done_at": timezone.now()})
    return response


def verification_due(*, now: dt.datetime | None = None) -> int:
    """Draw the sample automatically when a campaign's collection has closed."""
    now = now or timezone.now()
    n = 0
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.RUNNING, collection_closes__lte=now, verification_drawn=False
    ):
        verification_draw(actor=None, campaign=campaign)
        n += 1
    return n
