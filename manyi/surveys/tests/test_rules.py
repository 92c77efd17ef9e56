"""Pure rules: target selection with coverage, respondents (five functions, A ≥ 1/3),
validity thresholds, the reproducible 10 % sample, the quarterly start."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from manyi.surveys import rules
from manyi.surveys.constants import A_CLASS_MIN_SHARE, FIVE_FUNCTIONS


def c(id_: int, bu: int, rev: int, lines: tuple[int, ...] = (1,), **kw: object) -> rules.Candidate:
    return rules.Candidate(id=id_, business_unit=bu, revenue=Decimal(rev), product_lines=lines,
                           **kw)  # type: ignore[arg-type]


def test_top_two_per_line_then_revenue_until_coverage() -> None:
    customers = [
        c(1, 10, 100, (1,)), c(2, 10, 90, (1,)), c(3, 10, 80, (1,)),
        c(4, 10, 20, (2,)), c(5, 10, 10, (2,)), c(6, 10, 500, (3,)),
        c(7, 10, 400, (3,)), c(8, 10, 300, (4,)),  # line 4 has one customer only
        c(9, 20, 50, (5,)), c(10, 20, 50, (5,)), c(11, 20, 900, (5,)),
    ]
    sel = rules.select_targets(customers, rules.TargetRules(coverage=Decimal("0.60")))
    ids = set(sel.ids)
    assert {1, 2, 4, 5, 6, 7, 8} <= ids and 3 not in ids  # top 2 of each line
    cov = {x.business_unit: x for x in sel.coverage}
    assert cov[10].total_revenue == 1500 and cov[10].selected_revenue == 1420
    assert cov[10].meets(Decimal("0.60"))
    assert {9, 10, 11} & ids == {11, 10} or {9, 10, 11} & ids == {11, 9}
    assert any("line 4" in w for w in sel.warnings)


def test_coverage_rule_adds_customers_beyond_the_line_tops() -> None:
    # one line: top 2 cover 40 %; the 60 % rule pulls in the next largest
    customers = [c(i, 1, rev) for i, rev in enumerate([20, 20, 15, 15, 10, 10, 10], start=1)]
    sel = rules.select_targets(customers, rules.TargetRules(per_line_top=2))
    assert sel.ids[:2] == [1, 2]
    reasons = dict(sel.selected)
    assert reasons[3] == ("coverage",) and reasons[4] == ("coverage",)
    assert 5 not in reasons
    assert sel.coverage[0].share == Decimal(70) / Decimal(100)


def test_filters_do_not_shrink_the_denominator_and_manual_adds() -> None:
    customers = [c(1, 1, 60, level="provincial"), c(2, 1, 40, level="other"),
                 c(3, 1, 5, level="other", active=False)]
    sel = rules.select_targets(
        customers, rules.TargetRules(levels=frozenset({"provincial"}), include=frozenset({2}))
    )
    assert sel.coverage[0].total_revenue == 100
    assert dict(sel.selected)[2] == ("manual",)
    only_ka = rules.select_targets(
        [c(1, 1, 60), c(2, 1, 40, key_account=True)], rules.TargetRules(key_accounts_only=True)
    )
    assert only_ka.ids == [2]
    assert any("coverage below" in w for w in only_ka.warnings)


def test_respondents_cover_the_functions_and_a_class_share() -> None:
    contacts = [
        rules.ContactCandidate(1, 100, "gm", "A"),
        rules.ContactCandidate(2, 100, "quality", "C"),
        rules.ContactCandidate(3, 100, "quality", "B"),
        rules.ContactCandidate(4, 100, "purchasing", "B"),
        rules.ContactCandidate(5, 100, "user", "C"),
        rules.ContactCandidate(6, 200, "marketing", "C"),
        rules.ContactCandidate(7, 200, "user", "A"),
    ]
    plan = rules.plan_respondents(contacts, [100, 200], functions=FIVE_FUNCTIONS,
                                  a_min_share=A_CLASS_MIN_SHARE)
    chosen = dict(plan.chosen)
    assert chosen == {1: True, 3: False, 4: False, 6: False, 7: True}  # B preferred over C
    assert plan.missing_functions[100] == ("product_manager", "marketing")
    assert plan.a_share == Decimal(2) / Decimal(5) and plan.a_share_ok
    low = rules.plan_respondents(contacts[1:5], [100], functions=FIVE_FUNCTIONS,
                                 a_min_share=A_CLASS_MIN_SHARE)
    assert low.a_share == 0 and not low.a_share_ok


def test_validity_thresholds() -> None:
    v = rules.judge_validity(invited=10, completed=6, competitor_forms=0,
                             min_return_rate=Decimal(60))
    assert v.valid and v.return_rate == 60  # the threshold itself is enough
    v = rules.judge_validity(invited=10, completed=5, competitor_forms=0,
                             min_return_rate=Decimal(60))
    assert not v.valid and v.reasons == ("return_rate",)
    v = rules.judge_validity(invited=200, completed=170, competitor_forms=9,
                             min_return_rate=Decimal(80), min_forms=100, min_competitor_forms=10)
    assert v.reasons == ("competitor_forms",)
    v = rules.judge_validity(invited=90, completed=90, competitor_forms=10,
                             min_return_rate=Decimal(50), min_forms=100)
    assert v.reasons == ("forms",)
    assert not rules.judge_validity(invited=0, completed=0, competitor_forms=0,
                                    min_return_rate=Decimal(50)).valid


def test_verification_sample_is_reproducible_and_ten_percent() -> None:
    ids = list(range(100, 147))
    a = rules.verification_sample(ids, percent=Decimal(10), seed=7)
    b = rules.verification_sample(reversed(ids), percent=Decimal(10), seed=7)
    assert a == b and len(a) == 5 and set(a) <= set(ids)
    assert rules.verification_sample(ids, percent=Decimal(10), seed=8) != a
    more = rules.verification_sample(ids, percent=Decimal(10), seed=7, already=a[:2])
    assert len(more) == 3 and not set(more) & set(a[:2])
    assert rules.verification_sample(ids, percent=Decimal(10), seed=7, already=a) == []


def test_quarterly_start_is_the_last_month_of_the_quarter() -> None:
    assert rules.quarter_start(2025, "Q4") == dt.date(2025, 12, 1)
    assert rules.quarter_start(2026, "Q1") == dt.date(2026, 3, 1)
    assert rules.quarter_start(2026, "H1") == dt.date(2026, 6, 1)
