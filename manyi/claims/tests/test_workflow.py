"""Every transition: allowed with the right role in the right state, refused with a clear
error in a wrong state, refused for a role that may not do it; and the guards."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from manyi.audit.services import history_for
from manyi.claims import services, workflow
from manyi.claims.models import Claim, ClaimStep
from manyi.claims.workflow import ClaimState, Liability, TransitionError

from .conftest import panel, pdf

pytestmark = pytest.mark.django_db

PROPOSE = {"preliminary_analysis": "分析", "proposal": "建议", "proposed_amount": Decimal("1")}
ACK = {"customer_acknowledgement": "客户书面确认", "acknowledged_on": dt.date(2026, 2, 1)}

# name → (how to prepare, who, data, expected state afterwards, someone who may not)
CASES = {
    "submit": ("collecting+doc", "sales", {}, "analysis", "finance"),
    "propose": ("analysis", "dgm", PROPOSE, "gm_approval", "gm"),
    "approve": ("gm_approval", "gm", {}, "negotiation", "dgm"),
    "send_back": ("gm_approval", "gm", {"note": "请补充检验报告"}, "analysis", "sales"),
    "agree": ("negotiation+accepted", "sales", {}, "liability", "gm"),
    "reanalyse": ("negotiation+rejected", "sales", {}, "analysis", "dgm"),
    "break_off": ("negotiation", "sales", {"note": "客户起诉"}, "broken_off", "finance"),
    "withdraw": ("collecting", "sales", {"note": "客户撤回"}, "cancelled", "qm"),
    "determine": ("liability", "gm", "panel", "compensation", "sales"),
    "acknowledge": ("acknowledgement", "sales", ACK, "cancelled", "gm"),
    "book": ("compensation+calculated", "finance", {}, "root_cause", "gm"),
    "settle_recourse": ("recourse", "dgm", {"amount_recovered": Decimal("5")}, "root_cause",
                        "finance"),
    "close": ("root_cause", "dgm", {"root_cause": "来料不良"}, "closed", "sales"),
}


def test_every_transition_has_a_case() -> None:
    assert set(CASES) == set(workflow.TRANSITIONS)


def prepare(how: str, new_claim, advance, people):
    claim = new_claim()
    state, _plus, extra = how.partition("+")
    liability = Liability.CUSTOMER if state == "acknowledgement" else (
        Liability.SUPPLIER if state == "recourse" else Liability.COMPANY)
    claim = advance(claim, state, liability=liability)
    if extra == "doc":
        services.claim_attach(actor=people.sales, claim=claim, upload=pdf())
    if extra in ("accepted", "rejected"):
        services.negotiation_round_add(actor=people.sales, claim=claim,
                                       held_on=dt.date(2026, 1, 5), offer="报价",
                                       offer_amount=Decimal("900.00"), answer=extra)
    if extra == "calculated":
        from .conftest import LINES

        claim = services.compensation_calculate(actor=people.finance, claim=claim, lines=LINES,
                                                expected_version=None)
    return Claim.objects.get(pk=claim.pk)


def data_for(name, spec, dept):
    if spec == "panel":
        return {"liability": Liability.COMPANY, "liability_decision": "我方责任",
                "panel": panel(dept)}
    return dict(spec)


@pytest.mark.parametrize("name", sorted(CASES))
def test_transition_succeeds_for_the_right_role(name, new_claim, advance, people, dept) -> None:
    how, who, spec, target, _nobody = CASES[name]
    claim = prepare(how, new_claim, advance, people)
    version = claim.version
    source = claim.state
    actor = getattr(people, who)
    done = services.claim_perform(actor=actor, claim=claim, name=name,
                                  data=data_for(name, spec, dept), expected_version=version)
    assert done.state == target
    assert done.version == version + 1
    step = ClaimStep.objects.filter(claim=claim).latest("id")
    assert (step.transition, step.from_state, step.to_state, step.actor) == (
        name, source, target, actor)
    entry = history_for(claim).first()
    assert entry is not None and entry.changes["state"] == [source, target]
    if target in workflow.TERMINAL:
        assert done.step_due_at is None and done.step_owner is None and done.closed_at
    else:
        assert done.step_due_at is not None


@pytest.mark.parametrize("name", sorted(CASES))
def test_transition_refused_for_a_role_without_the_action(name, new_claim, advance, people,
                                                          dept) -> None:
    how, _who, spec, _target, nobody = CASES[name]
    claim = prepare(how, new_claim, advance, people)
    before = (claim.state, claim.version)
    with pytest.raises(PermissionDenied):
        services.claim_perform(actor=getattr(people, nobody), claim=claim, name=name,
                               data=data_for(name, spec, dept), expected_version=claim.version)
    claim.refresh_from_db()
    assert (claim.state, claim.version) == before


@pytest.mark.parametrize("name", sorted(CASES))
def test_transition_refused_in_a_wrong_state(name, new_claim, advance, people, dept) -> None:
    _how, who, spec, _target, _nobody = CASES[name]
    claim = new_claim()
    tr = workflow.TRANSITIONS[name]
    if claim.state in tr.sources:  # submit / withdraw start here: take a later state
        claim = advance(claim, "liability")
    with pytest.raises(TransitionError) as exc:
        services.claim_perform(actor=getattr(people, who), claim=claim, name=name,
                               data=data_for(name, spec, dept), expected_version=None)
    assert "state" in exc.value.message_dict
    assert Claim.objects.get(pk=claim.pk).state == claim.state


def test_wrong_state_message_names_the_states(new_claim, people) -> None:
    claim = new_claim()
    with translation.override("en"), pytest.raises(TransitionError) as exc:
        services.claim_approve(actor=people.gm, claim=claim, expected_version=None)
    message = exc.value.message_dict["state"][0]
    assert "Collecting documents" in message and "Awaiting GM approval" in message


def test_gm_approval_is_required_before_negotiation(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "gm_approval")
    # the sales person cannot negotiate yet, nor agree on anything
    with pytest.raises(TransitionError):
        services.negotiation_round_add(actor=people.sales, claim=claim,
                                       held_on=dt.date(2026, 1, 5), offer="报价")
    with pytest.raises(TransitionError):
        services.claim_agree(actor=people.sales, claim=claim, expected_version=None)
    # the deputy GM cannot approve his own proposal
    with pytest.raises(PermissionDenied):
        services.claim_approve(actor=people.dgm, claim=claim, expected_version=None)
    approved = services.claim_approve(actor=people.gm, claim=claim, expected_version=None)
    assert approved.state == ClaimState.NEGOTIATION
    assert approved.approved_by == people.gm and approved.approved_at is not None


def test_the_graph_has_no_dead_ends() -> None:
    for state in workflow.OPEN_STATES:
        assert workflow.WORKFLOW.targets_from(state), state
    for state in workflow.TERMINAL:
        assert workflow.WORKFLOW.targets_from(state) == set()
    assert workflow.WORKFLOW.targets_from("gm_approval") == {"negotiation", "analysis", "cancelled"}


def test_submit_needs_documents_demand_and_amount(new_claim, people) -> None:
    claim = new_claim(demand="", claimed_amount=None)
    with pytest.raises(TransitionError) as exc:
        services.claim_submit(actor=people.sales, claim=claim, expected_version=None)
    assert set(exc.value.message_dict) == {"attachments", "demand", "claimed_amount"}
    assert Claim.objects.get(pk=claim.pk).state == "collecting"
    assert not ClaimStep.objects.filter(claim=claim, transition="submit").exists()


def test_propose_needs_analysis_and_proposal(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "analysis")
    with pytest.raises(TransitionError) as exc:
        services.claim_propose(actor=people.dgm, claim=claim, expected_version=None,
                               preliminary_analysis=" ", proposal="")
    assert set(exc.value.message_dict) == {"preliminary_analysis", "proposal"}


def test_send_back_and_break_off_need_a_reason(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "gm_approval")
    with pytest.raises(TransitionError) as exc:
        services.claim_send_back(actor=people.gm, claim=claim, expected_version=None, note="")
    assert "note" in exc.value.message_dict
    back = services.claim_send_back(actor=people.gm, claim=claim, expected_version=None,
                                    note="请补充检验报告")
    assert back.state == "analysis" and back.step_note == "请补充检验报告"
    assert back.step_owner == people.dgm


def test_negotiation_loops_until_agreement(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "negotiation")
    with pytest.raises(TransitionError) as exc:
        services.claim_agree(actor=people.sales, claim=claim, expected_version=None)
    assert "answer" in exc.value.message_dict
    r1 = services.negotiation_round_add(actor=people.sales, claim=claim,
                                        held_on=dt.date(2026, 1, 5), offer="赔 5 000",
                                        offer_amount=Decimal("5000"), answer="rejected",
                                        answer_note="太低")
    claim = services.claim_reanalyse(actor=people.sales, claim=claim, expected_version=None)
    assert claim.state == "analysis"
    claim = services.claim_propose(actor=people.dgm, claim=claim, expected_version=None,
                                   preliminary_analysis="重新分析", proposal="赔 8 000",
                                   proposed_amount=Decimal("8000"))
    claim = services.claim_approve(actor=people.gm, claim=claim, expected_version=None)
    r2 = services.negotiation_round_add(actor=people.sales, claim=claim,
                                        held_on=dt.date(2026, 1, 20), offer="赔 8 000",
                                        offer_amount=Decimal("8000"))
    assert (r1.number, r2.number) == (1, 2)
    with pytest.raises(TransitionError):
        services.claim_agree(actor=people.sales, claim=claim, expected_version=None)
    services.negotiation_round_answer(actor=people.sales, round=r2, answer="accepted")
    with pytest.raises(TransitionError):  # accepted: no further round, record the agreement
        services.negotiation_round_add(actor=people.sales, claim=claim,
                                       held_on=dt.date(2026, 1, 21), offer="再谈")
    agreed = services.claim_agree(actor=people.sales, claim=claim, expected_version=None)
    assert agreed.state == "liability" and agreed.agreed_amount == Decimal("8000.00")
    assert [s.to_state for s in agreed.steps.all()] == [
        "collecting", "analysis", "gm_approval", "negotiation", "analysis", "gm_approval",
        "negotiation", "liability"]


def test_liability_guard_panel_share_and_supplier(new_claim, advance, people, dept) -> None:
    claim = advance(new_claim(), "liability")
    with pytest.raises(TransitionError) as exc:
        services.claim_determine_liability(
            actor=people.gm, claim=claim, expected_version=None, liability="shared",
            liability_decision="", panel=panel(dept)[:1], company_share_percent=None)
    assert set(exc.value.message_dict) == {"liability_decision", "panel",
                                           "company_share_percent"}
    assert not claim.panel_members.exists()  # nothing half-saved
    with pytest.raises(TransitionError) as exc:
        services.claim_determine_liability(
            actor=people.gm, claim=claim, expected_version=None, liability="supplier",
            liability_decision="供方责任", panel=panel(dept))
    assert set(exc.value.message_dict) == {"supplier_name"}
    done = services.claim_determine_liability(
        actor=people.qm, claim=claim, expected_version=None, liability="shared",
        liability_decision="双方各半", panel=panel(dept), company_share_percent=Decimal("50"))
    assert done.state == "compensation" and done.step_owner == people.finance
    assert sorted(done.panel_members.values_list("function", flat=True)) == sorted(
        ["production", "engineering", "quality", "sales", "production_dgm"])


def test_close_needs_root_cause_and_capa_reference_when_required(new_claim, advance,
                                                                  people) -> None:
    claim = advance(new_claim(), "root_cause")
    with pytest.raises(TransitionError) as exc:
        services.claim_close(actor=people.dgm, claim=claim, expected_version=None,
                             root_cause="", capa_required=True)
    assert set(exc.value.message_dict) == {"root_cause", "capa_reference"}
    closed = services.claim_close(actor=people.qm, claim=claim, expected_version=None,
                                  root_cause="来料检验漏检", capa_required=True,
                                  capa_reference="CAPA-2026-003")
    assert closed.state == "closed" and closed.capa_reference == "CAPA-2026-003"


def test_stale_transition_is_refused(new_claim, advance, people) -> None:
    from manyi.common.services import StaleRecordError

    claim = advance(new_claim(), "gm_approval")
    old_version = claim.version
    services.claim_send_back(actor=people.gm, claim=claim, expected_version=old_version,
                             note="补充")
    claim = advance(Claim.objects.get(pk=claim.pk), "gm_approval")
    with pytest.raises(StaleRecordError):
        services.claim_approve(actor=people.gm, claim=claim, expected_version=old_version)


def test_branch_office_cannot_work_on_another_offices_claim(new_claim, people) -> None:
    claim = new_claim()
    with pytest.raises(PermissionDenied):
        services.claim_withdraw(actor=people.gz_sales, claim=claim, expected_version=None,
                                note="x")
