"""Every model change has its migration: `makemigrations --check` finds nothing to write."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration() -> None:
    out = StringIO()
    try:
        call_command("makemigrations", check=True, dry_run=True, interactive=False, stdout=out,
                     stderr=out)
    except SystemExit as exit_:  # --check exits with 1 when a migration is missing
        pytest.fail(f"makemigrations --check found changes (exit {exit_.code}):\n"
                    f"{out.getvalue()}")
