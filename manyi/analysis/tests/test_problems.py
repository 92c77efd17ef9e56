"""A signal raises its problem record once, with its evidence; quality decides on it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from manyi.analysis import services
from manyi.analysis.models import AnalysisTarget, Problem, ProblemStatus, Severity
from manyi.analysis.selectors import Month, default_window
from manyi.common.calendar import local_tz

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint_spike(make_customer, make_complaint):
    """Two complaints a month for 23 months, then 15 in the last complete month."""
    first, last = default_window()
    customer = make_customer()
    for i in range(24):
        m = first.plus(i)
        for d in range(15 if m == last else 2):
            make_complaint(customer, dt.datetime(m.year, m.month, 1 + d, 9, tzinfo=local_tz()))
    return last


def test_problem_raised_once_per_signal(complaint_spike, quality) -> None:
    created = services.signals_scan(actor=quality)
    keys = {p.key for p in created}
    key = f"complaint.count:{complaint_spike.label}"
    assert key in keys
    problem = Problem.objects.get(key=key)
    assert problem.status == ProblemStatus.OPEN and problem.severity == Severity.HIGH
    ev = problem.evidence
    assert ev["index"] == 24 and ev["value"] == 15.0 and "WE1" in ev["rules"]
    assert ev["values"][-1] == 15.0 and ev["ucl"][-1] < 15.0 and len(ev["labels"]) == 24
    assert problem.source == "complaint"
    # the same signal again: nothing new (the sweep and the button are idempotent)
    assert services.signals_scan(actor=None) == []
    assert Problem.objects.filter(key=key).count() == 1
    # a dismissed problem is not raised again either
    services.problem_set_status(actor=quality, problem=problem, status="dismissed",
                                note="节假日前集中投诉", expected_version=problem.version)
    assert services.signals_scan(actor=None) == []


def test_survey_degree_near_the_lower_limit(make_template, make_campaign, make_customer,
                                            add_response, rebuild) -> None:
    template = make_template({"P": ("points", 100)}, code="NEAR")
    customer = make_customer()
    campaigns = []
    for year, degree in zip(range(2021, 2026), (80, 82, 80, 82, 60), strict=True):
        c = make_campaign(template, start=dt.date(year, 12, 1))
        add_response(c, customer, {"P": degree})
        rebuild(c)
        campaigns.append(c)
    created = services.signals_scan(actor=None)
    survey = [p for p in created if p.source == "survey"]
    assert [p.key for p in survey] == [f"survey.degree:campaign:{campaigns[-1].pk}"]
    p = survey[0]
    assert p.campaign == campaigns[-1] and p.severity == Severity.LOW
    assert p.evidence["rules"] == ["NEAR"] and p.value == 60.0
    assert services.signals_scan(actor=None) == []


def test_problem_decisions(complaint_spike, quality, make_user) -> None:
    services.signals_scan(actor=None)
    problem = Problem.objects.get(key=f"complaint.count:{complaint_spike.label}")
    engineer = make_user("engineer", department="ENG")
    with pytest.raises(PermissionDenied):
        services.problem_set_status(actor=engineer, problem=problem, status="dismissed",
                                    note="x")
    with pytest.raises(ValidationError) as err:
        services.problem_set_status(actor=quality, problem=problem, status="dismissed")
    assert "note" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.problem_set_status(actor=quality, problem=problem, status="open")
    done = services.problem_set_status(actor=quality, problem=problem, status="in_capa",
                                       capa_reference="CAPA-2025-001")
    assert done.status == "in_capa" and done.capa_reference == "CAPA-2025-001"
    with pytest.raises(PermissionDenied):
        services.signals_scan(actor=engineer)


def test_targets_suggested_and_approved_by_the_gm(make_user, make_customer, make_order) -> None:
    quality = make_user("quality_manager", department="QA")
    gm = make_user("gm", department="GM")
    customer = make_customer()
    # on-time rates 2024: Jan–Dec alternating 100 % and 50 % (2 deliveries each month)
    for month in range(1, 13):
        make_order(customer, dt.date(2024, month, 5), dt.date(2024, month, 10))
        late = month % 2 == 0
        make_order(customer, dt.date(2024, month, 20 if late else 5),
                   dt.date(2024, month, 10))
    target = services.target_propose(actor=quality, measure="kpi.on_time", year=2025,
                                     value=Decimal("90"))
    # 24 months before 2025: 2023 has no deliveries (no base); 2024: mean 75, better 100 → 87.5
    assert target.suggested == Decimal("87.50") and target.status == "proposed"
    with pytest.raises(PermissionDenied):
        services.target_approve(actor=quality, target=target)
    approved = services.target_approve(actor=gm, target=target, expected_version=target.version)
    assert approved.approved and approved.approved_by == gm
    # changing an approved target needs approval again
    again = services.target_propose(actor=quality, measure="kpi.on_time", year=2025,
                                    value=Decimal("92"), expected_version=approved.version)
    assert again.pk == target.pk and again.status == "proposed" and again.approved_by is None
    assert AnalysisTarget.objects.filter(measure="kpi.on_time", year=2025).count() == 1


def test_campaign_still_collecting_raises_no_problem(make_template, make_campaign, make_customer,
                                                     add_response, rebuild) -> None:
    """A campaign still collecting answers has no final figures: its low degree raises no
    problem (nor is it plotted) until it is closed."""
    template = make_template({"P": ("points", 100)}, code="OPEN")
    customer = make_customer()
    campaigns = []
    for year, degree in zip(range(2021, 2026), (80, 82, 80, 82, 60), strict=True):
        c = make_campaign(template, start=dt.date(year, 12, 1))
        add_response(c, customer, {"P": degree})
        rebuild(c)
        campaigns.append(c)
    type(c).objects.filter(pk=c.pk).update(status="running")  # the latest is still collecting
    assert [p for p in services.signals_scan(actor=None) if p.source == "survey"] == []
    assert not Problem.objects.filter(campaign=campaigns[-1]).exists()
    # once closed, the same figure is a finished period and raises its problem
    type(campaigns[-1]).objects.filter(pk=campaigns[-1].pk).update(status="closed")
    survey = [p for p in services.signals_scan(actor=None) if p.source == "survey"]
    assert [p.key for p in survey] == [f"survey.degree:campaign:{campaigns[-1].pk}"]


def test_current_company_month_raises_no_problem(make_customer, make_complaint,
                                                 monkeypatch) -> None:
    """23:00 on 31 March 2026 in Shanghai is already 1 April where the active time zone is
    Kiritimati (UTC+14): March is still the company's current month, so its complaints (ten,
    none closed yet) raise nothing; February, finished, still does."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    now = dt.datetime(2026, 3, 31, 23, 0, tzinfo=local_tz())
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(dt.UTC))
    customer = make_customer()
    for month in range(24):
        m = Month(2024, 3).plus(month)  # 2024-03 … 2026-02, all closed
        for d in range(15 if m == Month(2026, 2) else 2):
            make_complaint(customer, dt.datetime(m.year, m.month, 1 + d, 9, tzinfo=local_tz()),
                           state="closed")
    for d in range(10):  # the current month: ten complaints still open
        make_complaint(customer, dt.datetime(2026, 3, 2 + d, 9, tzinfo=local_tz()))
    with timezone.override(ZoneInfo("Pacific/Kiritimati")):
        keys = {p.key for p in services.signals_scan(actor=None)}
    assert "complaint.count:2026-02" in keys
    assert not [k for k in keys if k.endswith("2026-03")], keys
