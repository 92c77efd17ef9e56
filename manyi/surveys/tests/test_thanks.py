"""Thank-you letters (surveys.thanks_sweep): only for forms submitted within
MANYI_SURVEY_THANKS_WINDOW_DAYS, never for demo history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from manyi.surveys import services
from manyi.surveys.models import Channel, Invitation, Response

from .conftest import full_answers

pytestmark = pytest.mark.django_db


def _answered(campaign, cs_user, days_ago: int) -> list[Invitation]:
    """Every e-mail invitation of the campaign answered (paper), dated `days_ago` back."""
    invitations = list(Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)
                       .exclude(email="").order_by("id"))
    assert invitations
    for inv in invitations:
        _answer(inv, cs_user, days_ago)
    return invitations


def _answer(inv: Invitation, cs_user, days_ago: int) -> None:
    r = services.response_enter(actor=cs_user, invitation=inv, channel="paper",
                                data=full_answers(inv.campaign.template))
    Response.objects.filter(pk=r.pk).update(
        submitted_at=timezone.now() - dt.timedelta(days=days_ago))


def test_a_form_submitted_today_gets_exactly_one_letter(
    running_campaign, cs_user, django_capture_on_commit_callbacks, settings
) -> None:
    settings.MANYI_SURVEY_THANKS_WINDOW_DAYS = 7
    campaign = running_campaign(customers=2)
    today, *older = list(Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)
                         .exclude(email="").order_by("id"))
    assert older
    _answer(today, cs_user, days_ago=0)
    for inv in older:
        _answer(inv, cs_user, days_ago=30)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.thanks_due() == 1
        assert services.thanks_due() == 0  # once
    assert [m.to for m in mail.outbox] == [[today.email]]
    assert Response.objects.get(invitation=today).thanked_at is not None


def test_a_form_submitted_30_days_ago_gets_none(
    running_campaign, cs_user, django_capture_on_commit_callbacks, settings
) -> None:
    settings.MANYI_SURVEY_THANKS_WINDOW_DAYS = 7
    _answered(running_campaign(customers=1), cs_user, days_ago=30)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.thanks_due() == 0
    assert mail.outbox == []
    # the window is the setting: widened to 31 days, the same forms are thanked
    settings.MANYI_SURVEY_THANKS_WINDOW_DAYS = 31
    with django_capture_on_commit_callbacks(execute=True):
        assert services.thanks_due() > 0
    assert mail.outbox


def test_a_fresh_demo_database_sends_no_letters(
    reference_data, django_capture_on_commit_callbacks
) -> None:
    from manyi.demo.build import build_demo
    from manyi.surveys.demo import demo_build

    today = timezone.localdate()
    build_demo(seed=3, today=today, scale="tiny", include_apps=False)
    demo_build(seed=3, today=today, scale="tiny")
    submitted = Response.objects.filter(status="submitted", source="customer",
                                        invitation__isnull=False)
    recent = submitted.filter(submitted_at__gte=timezone.now() - dt.timedelta(days=7))
    assert recent.exists()  # the running campaign has answers within the window
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.thanks_due() == 0
    assert mail.outbox == []
