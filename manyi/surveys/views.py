"""Cross-campaign pages: the deadline calendar and the follow-up tasks."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from manyi.accounts.permissions import require
from manyi.common.calendar import company_calendar

from . import selectors, services
from .models import FollowUpTask
from .views_common import error_text


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    """A month of campaign deadlines on the working-day calendar (non-working days marked)."""
    require(request.user, "survey.view")
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
        first = dt.date(year, month, 1)
    except (ValueError, OverflowError) as exc:  # not a date, or beyond any C long
        raise Http404 from exc
    last = dt.date(year, month, pycal.monthrange(year, month)[1])
    events = selectors.calendar_events(user=request.user, start=first, end=last)
    by_day: dict[dt.date, list[dict]] = {}
    for e in events:
        by_day.setdefault(e["date"], []).append(e)
    cal = company_calendar()
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        weeks.append([{"date": d, "in_month": d.month == month, "workday": cal.is_workday(d),
                       "events": by_day.get(d, []), "today": d == today} for d in week])
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    next_month = last + dt.timedelta(days=1)
    return render(request, "surveys/calendar.html", {
        "weeks": weeks, "first": first, "prev": prev_month, "next": next_month,
        "events": events, "warnings": cal.warnings_for(first, last),
    })


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "survey.view")
    mine = request.GET.get("all") != "1"
    status = request.GET.get("status", "open")
    return render(request, "surveys/tasks.html", {
        "tasks": selectors.tasks(user=request.user, mine=mine,
                                 status=status if status in ("open", "done") else "")[:300],
        "mine": mine, "status": status, "now": timezone.now(),
    })


@login_required
@require_POST
def task_done(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        task = selectors.tasks(user=request.user, mine=False, status="").get(pk=pk)
    except FollowUpTask.DoesNotExist as exc:
        raise Http404 from exc
    try:
        services.task_done(actor=request.user, task=task, result=request.POST.get("result", ""))
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("Task done."))
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/surveys/") else "surveys:tasks")
