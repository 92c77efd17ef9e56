"""The data migrations that moved every record type onto common.NumberSequence: the next
number continues where the old scheme left off (on a database that already holds records)."""

from __future__ import annotations

import datetime as dt
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as live_apps
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from manyi.common import numbering
from manyi.common.models import NumberSequence


def _seed_function(app: str, name: str) -> Any:
    return import_module(f"manyi.{app}.migrations.{name}").seed


@pytest.mark.django_db
def test_feedback_numbers_continue_after_the_highest_existing(make_user) -> None:
    from manyi.feedback.models import FeedbackEntry, PraiseNotice

    user = make_user()
    moment = timezone.make_aware(dt.datetime(2025, 5, 1, 9, 0))
    for number in ("FB2025-0003", "FB2025-0012", "FB2026-0001"):
        FeedbackEntry.objects.create(number=number, received_at=moment, kind="consultation",
                                     channel="phone", recorded_by=user, subject="s", text="t")
    PraiseNotice.objects.create(number="TB2025-0002", issued_by=user, issued_at=moment,
                                person=user, text="t")
    NumberSequence.objects.create(scope="feedback", year=2026, last=4)  # never lowered

    _seed_function("feedback", "0003_feedback_numbers_to_common_sequence")(live_apps, None)

    assert set(NumberSequence.objects.values_list("scope", "year", "last")) == {
        ("feedback", 2025, 12), ("feedback", 2026, 4), ("praise_notice", 2025, 2)}
    with transaction.atomic():
        assert numbering.allocate("feedback", 2025) == "FB2025-0013"


@pytest.mark.django_db
def test_campaign_numbers_continue_per_year_and_period() -> None:
    from manyi.surveys.models import Campaign, SurveyTemplate
    from manyi.surveys.services import campaign_deadlines, templates_install_builtin

    templates_install_builtin()
    template = SurveyTemplate.objects.order_by("pk")[0]
    start = dt.date(2025, 3, 3)
    for number, period in (("SV2025Q1-01", "Q1"), ("SV2025Q1-02", "Q1"), ("SV2025Y-01", "Y"),
                           ("SV-T0001", "Q2")):
        Campaign.objects.create(number=number, title=number, template=template,
                                kind="quarterly", period_year=2025, period=period,
                                start_date=start, **campaign_deadlines(start))

    _seed_function("surveys", "0005_campaign_numbers_to_common_sequence")(live_apps, None)

    assert set(NumberSequence.objects.values_list("scope", "year", "last")) == {
        ("campaign.Q1", 2025, 2), ("campaign.Y", 2025, 1)}
    with transaction.atomic():
        assert numbering.allocate("campaign", 2025, period="Q1") == "SV2025Q1-03"
        assert numbering.allocate("campaign", 2025, period="Q2") == "SV2025Q2-01"


@pytest.mark.django_db(transaction=True)
def test_complaint_sequence_rows_move_to_the_shared_counter() -> None:
    """Migrate complaints back to before the move, write an old ComplaintSequence row, migrate
    forward: the shared counter holds the old value and the old table is gone."""
    before = [("complaints", "0002_text_limits")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    old_apps.get_model("complaints", "ComplaintSequence").objects.create(year=2024, last=41)

    executor = MigrationExecutor(connection)
    executor.migrate(leaves)

    assert NumberSequence.objects.get(scope="complaint", year=2024).last == 41
    assert "complaints_complaintsequence" not in connection.introspection.table_names()
    with transaction.atomic():
        assert numbering.allocate_with_sequence("complaint", 2024) == (42, "TS-2024-00042")
