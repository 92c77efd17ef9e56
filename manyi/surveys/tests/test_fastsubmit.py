"""The one-statement submission (PostgreSQL) writes exactly what the ORM path writes.

The same random forms — opened or not, with "unable to comment", texts and competitor
blocks, some saved in part first — are submitted once with the fast path and once without,
each time in a transaction that is then rolled back; the rows of both runs must be equal
field by field (ids and clock times aside): responses, answers, invitations, audit entries and
all three rollups. On SQLite there is no fast path (data-modifying CTEs are PostgreSQL's), so
`available()` must say so and the ORM path is the only one."""

from __future__ import annotations

import random
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction

from manyi.audit.models import AuditEntry
from manyi.surveys import services
from manyi.surveys.models import Answer, Invitation, Response
from manyi.surveys.rollups import rollups_current, rollups_recompute
from manyi.surveys.services import fastsubmit

from .test_rollups import _random_answers

pytestmark = pytest.mark.django_db

CLOCK_FIELDS = {"id", "created_at", "changed_at", "submitted_at"}


class _Rollback(Exception):
    pass


@pytest.fixture
def fast_calls(monkeypatch) -> list[int | None]:
    """What each call of the one-statement path returned (None: the gate refused)."""
    calls: list[int | None] = []
    submit = fastsubmit.submit

    def spy(**kwargs: Any) -> int | None:
        calls.append(submit(**kwargs))
        return calls[-1]

    monkeypatch.setattr(fastsubmit, "submit", spy)
    return calls


def _state(campaign: Any) -> dict[str, Any]:
    responses = list(Response.objects.filter(campaign=campaign).order_by("invitation_id"))
    by_id = {r.pk: r.invitation_id for r in responses}
    fields = [f.attname for f in Response._meta.concrete_fields if f.attname not in CLOCK_FIELDS]
    for r in responses:
        assert r.created_at and r.changed_at and r.submitted_at
    audit = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Response),
                                      object_id__in=[str(pk) for pk in by_id])
    return {
        "responses": [{f: getattr(r, f) for f in fields} for r in responses],
        "answers": sorted(
            (by_id[a.response_id], a.item_id, a.competitor, a.value, a.na, a.text,
             a.complaint_requested, a.complaint_ref)
            for a in Answer.objects.filter(response__campaign=campaign)),
        "invitations": [
            (i.pk, i.status, i.opened_at is not None, i.started_at is not None,
             i.completed_at is not None)
            for i in Invitation.objects.filter(campaign=campaign).order_by("pk")],
        "audit": sorted(
            (by_id[int(e.object_id)], e.object_repr, e.action, repr(e.changes), e.actor_id,
             e.batch, e.note) for e in audit),
        "rollups": rollups_current(campaign),
    }


def _run(campaign: Any, plan: list[tuple[int, str, dict[str, str], str]]) -> dict[str, Any]:
    state: dict[str, Any] = {}
    try:
        with transaction.atomic():
            for inv_id, mode, data, competitor in plan:
                inv = Invitation.objects.select_related("campaign", "customer").get(pk=inv_id)
                if mode == "opened":
                    services.invitation_opened(inv)
                elif mode == "partial":
                    services.response_save_public(
                        invitation=inv, data=dict(list(data.items())[:3]), submit=False,
                        submission_key="", competitor_name=competitor)
                    inv = Invitation.objects.select_related("campaign", "customer").get(
                        pk=inv_id)
                services.response_save_public(invitation=inv, data=data, submit=True,
                                              submission_key=f"key{inv_id}",
                                              competitor_name=competitor)
            state = _state(campaign)
            assert state["rollups"] == rollups_recompute(campaign, write=False)
            raise _Rollback
    except _Rollback:
        pass
    return state


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
@pytest.mark.parametrize("seed", [1, 2])
def test_fast_path_writes_what_the_orm_path_writes(seed, running_campaign, settings,
                                                   fast_calls) -> None:
    rng = random.Random(seed)
    campaign = running_campaign(customers=3)
    plan = []
    for inv in Invitation.objects.filter(campaign=campaign).order_by("pk"):
        competitor = rng.random() < 0.4
        plan.append((inv.pk, rng.choice(["fresh", "fresh", "opened", "partial"]),
                     _random_answers(rng, campaign.template, competitor),
                     "竞争对手甲" if competitor else ""))
    taken = fast_calls
    settings.MANYI_SURVEY_FAST_SUBMIT = True
    fast = _run(campaign, plan)
    assert len([t for t in taken if t]) == sum(1 for p in plan if p[1] != "partial") > 0
    settings.MANYI_SURVEY_FAST_SUBMIT = False
    taken.clear()
    orm = _run(campaign, plan)
    assert taken == []
    assert fast["responses"] and fast == orm


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_fast_path_gate_leaves_started_and_completed_forms_to_the_orm_path(
        running_campaign, fast_calls) -> None:
    from .conftest import full_answers

    campaign = running_campaign(customers=1)
    first, second = Invitation.objects.filter(campaign=campaign).order_by("pk")[:2]
    data = full_answers(campaign.template)
    # the page's copy of the invitation is stale: someone else completed it meanwhile
    stale = Invitation.objects.select_related("campaign", "customer").get(pk=first.pk)
    services.response_save_public(invitation=first, data=data, submit=True, submission_key="a")
    assert stale.completed_at is None
    calls = fast_calls
    calls.clear()  # forget the first, accepted submission
    result = services.response_save_public(invitation=stale, data=data, submit=True,
                                           submission_key="a")
    assert calls == [None] and result.duplicate  # gate refused; the ORM path found the twin
    with pytest.raises(services.AlreadySubmitted):
        services.response_save_public(invitation=stale, data=data, submit=True,
                                      submission_key="b")
    # a partial save meanwhile (started): also the ORM path, which merges it
    stale = Invitation.objects.select_related("campaign", "customer").get(pk=second.pk)
    services.response_save_public(invitation=second, data={"a_R1": "2"}, submit=False,
                                  submission_key="")
    calls.clear()
    result = services.response_save_public(invitation=stale, data=data, submit=True,
                                           submission_key="c")
    assert calls == [None] and result.submitted and not result.duplicate
    assert Response.objects.filter(invitation=second).count() == 1
    assert rollups_current(campaign) == rollups_recompute(campaign, write=False)


def test_fast_path_only_on_postgresql(settings) -> None:
    settings.MANYI_SURVEY_FAST_SUBMIT = True
    assert fastsubmit.available() is (connection.vendor == "postgresql")
    settings.MANYI_SURVEY_FAST_SUBMIT = False
    assert fastsubmit.available() is False
