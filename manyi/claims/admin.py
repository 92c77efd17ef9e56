from django.contrib import admin

from .models import ClaimStepDeadline


@admin.register(ClaimStepDeadline)
class ClaimStepDeadlineAdmin(admin.ModelAdmin):
    """Working days allowed for each claim step (the defaults are in claims.workflow)."""

    list_display = ("state", "workdays")
