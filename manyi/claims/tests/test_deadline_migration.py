"""The data migration that moved the claim step deadlines (ClaimStepDeadline) into the common
deadline table: a configured step keeps its working days after the upgrade."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from manyi.claims.deadlines import step_deadline
from manyi.common.models import DeadlineSetting

SH = ZoneInfo("Asia/Shanghai")
BEFORE = ("claims", "0003_claim_numbers_to_common_sequence")
AFTER = ("claims", "0004_claim_step_deadlines_to_common_settings")


@pytest.mark.django_db(transaction=True)
def test_configured_claim_step_deadlines_survive_the_move() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old_apps = executor.loader.project_state([BEFORE]).apps
    old_apps.get_model("claims", "ClaimStepDeadline").objects.create(
        state="negotiation", workdays=3
    )
    try:
        executor = MigrationExecutor(connection)
        executor.migrate([AFTER])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    setting = DeadlineSetting.objects.get(key="claims.negotiation")
    assert setting.value == 3 and setting.note
    start = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SH)
    # 3 working days after the holiday: 10-09, 10-10 and the make-up Saturday 10-11
    assert step_deadline("negotiation", start) == dt.datetime(2025, 10, 11, 10, 0, tzinfo=SH)
