"""Every transition of the complaint workflow, who may take it, and every refused one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from manyi.common import links
from manyi.common.models import Message
from manyi.common.services import StaleRecordError
from manyi.complaints import hooks, services, workflow
from manyi.complaints.models import (
    Complaint,
    ComplaintMeeting,
    ComplaintState,
    ProposalStatus,
    RemedyProposal,
)

from .conftest import GENERAL_ANALYSIS

pytestmark = pytest.mark.django_db
S = ComplaintState


def test_sales_handled_complaint_with_a_rejection_runs_to_the_call_back(
    people, new_complaint, step
) -> None:
    c = new_complaint()
    assert c.state == S.RECEIVED and c.owner == people.clerk
    assert c.number.startswith("TS-") and c.responsible_department.code == "BO-SH"

    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    assert c.state == S.SALES_HANDLING and not c.escalated and c.nature == "effective"
    assert c.due_at == c.remedy_due_at  # the 48 hours run from receipt

    c = step(c, "propose", people.clerk, kind="repair", description="上门维修")
    assert c.state == S.REMEDY_PROPOSED and c.first_remedy_at is not None
    first_remedy = c.first_remedy_at

    c = step(c, "reject", people.clerk, note="顾客要求换货")
    assert c.state == S.SALES_HANDLING

    c = step(c, "propose", people.clerk, kind="technical", description="派工程师现场调试并升级固件")
    c = step(c, "accept", people.clerk, note="同意")
    assert c.state == S.REMEDY_ACCEPTED
    assert c.first_remedy_at == first_remedy  # the first proposal counts for the KPI

    proposals = list(RemedyProposal.objects.filter(complaint=c).order_by("number"))
    assert [(p.number, p.status) for p in proposals] == [
        (1, ProposalStatus.REJECTED),
        (2, ProposalStatus.ACCEPTED),
    ]
    assert proposals[0].answer_note == "顾客要求换货"

    c = step(c, "carry_out", people.clerk, result="已现场调试，设备恢复正常")
    assert c.state == S.REMEDY_DONE and c.carried_out_at is not None
    c = step(c, "record_root_cause", people.qm, root_cause="焊点虚焊", capa_required=False)
    assert c.state == S.ROOT_CAUSE and c.capa_required is False
    c = step(c, "close", people.clerk, note="")
    assert c.state == S.CLOSED and c.closed_at is not None
    assert c.due_at is not None  # the call-back is due
    c = step(c, "callback", people.service, method="phone", satisfaction="satisfied", note="")
    assert c.state == S.CALLED_BACK and c.due_at is None
    assert Complaint.objects.count() == 1  # satisfied: no new case

    with pytest.raises(workflow.TransitionNotAllowed):
        step(c, "close", people.clerk)


def test_escalated_general_problem_is_decided_and_handled_by_quality(
    people, new_complaint, step
) -> None:
    c = new_complaint()
    c = step(c, "analyse", people.clerk, nature="effective", analysis="需技术分析",
             escalate=True, assignee=people.qe)
    assert c.state == S.ESCALATED and c.escalated and c.owner == people.qe
    assert c.responsible_department.code == "QA"
    assert Message.objects.filter(recipient=people.qe, key__contains=":assigned:").exists()

    # After escalation, sales no longer takes the handling steps.
    with pytest.raises(PermissionDenied):
        step(c, "propose", people.clerk, kind="repair", description="x")
    # A general problem needs no meeting: quality decides.
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "record_meeting", people.qe, held_at=c.received_at, attendees="x", decision="y")

    c = step(c, "propose", people.qe, kind="repair", description="返厂维修",
             quality_decision="一般质量问题，由品质部决定返修")
    assert c.quality_decision.startswith("一般质量问题")
    assert c.proposals.get().by_quality
    c = step(c, "reject", people.qe, note="不接受返修")
    assert c.state == S.ESCALATED  # propose again, still by quality
    c = step(c, "propose", people.qe, kind="technical", description="现场更换模块")
    c = step(c, "accept", people.qe)
    c = step(c, "carry_out", people.qe, result="已更换")
    c = step(c, "record_root_cause", people.qe, root_cause="模块老化", capa_required=True)
    c = step(c, "close", people.qm)
    assert c.state == S.CLOSED


def test_major_problem_needs_the_meeting_before_a_remedy(people, new_complaint, step) -> None:
    c = new_complaint(severity="major")
    with pytest.raises(ValidationError) as err:
        step(c, "analyse", people.clerk, nature="effective", analysis="x", escalate=False,
             severity="major")
    assert "escalate" in err.value.message_dict
    c = step(c, "analyse", people.clerk, nature="effective", analysis="批量失效",
             escalate=True, severity="major")
    assert c.owner == people.qm  # nobody chosen: the quality manager
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "propose", people.qm, kind="repair", description="x")
    from manyi.accounts.models import Department

    present = list(Department.objects.filter(code__in=["ENG", "PROD"]))
    c = step(c, "record_meeting", people.qm, held_at=c.received_at,
             attendees="技术部张工、生产部李工", decision="整批召回更换", departments=present)
    assert c.state == S.ESCALATED and c.quality_decision == "整批召回更换"
    meeting = ComplaintMeeting.objects.get(complaint=c)
    assert {d.code for d in meeting.departments.all()} == {"ENG", "PROD"}
    c = step(c, "propose", people.qm, kind="repair", description="整批返修")
    assert c.state == S.REMEDY_PROPOSED


@pytest.mark.parametrize("name", list(workflow.TRANSITIONS))
def test_every_transition_is_refused_outside_its_states(customer, product, name) -> None:
    c = services.complaint_create(
        actor=None,
        data={"customer": customer, "channel": "letter", "product": product,
              "contact_name": "李", "description": "x", "content_category": "product_quality"},
    )
    refused = [s for s in S.values if s not in workflow.TRANSITIONS[name].sources]
    assert refused
    for state in refused:
        Complaint.objects.filter(pk=c.pk).update(state=state)
        c.refresh_from_db()
        with pytest.raises(workflow.TransitionNotAllowed) as err, translation.override("en"):
            services.complaint_transition(actor=None, complaint=c, name=name, data={})
        allowed = [t.name for t in workflow.TRANSITIONS.values() if state in t.sources]
        assert err.value.state == state and err.value.allowed == allowed
        with translation.override("en"):
            text = str(workflow.TransitionNotAllowed(c, name).messages[0])
            assert c.get_state_display() in text and c.number in text
            for n in allowed:
                assert str(workflow.TRANSITIONS[n].label) in text
            if not allowed:
                assert "finished" in text
        assert Complaint.objects.get(pk=c.pk).version == c.version  # nothing written


def test_transition_table_is_consistent() -> None:
    reachable: set[str] = {S.RECEIVED}
    for t in workflow.TRANSITIONS.values():
        reachable |= set(t.targets)
        for action in t.who:
            assert action == workflow.HANDLER or action.startswith("complaint.")
    assert reachable == set(S.values)  # every state can be reached
    for state in workflow.TIMED_STATES:
        assert state in workflow.STEP_LABELS
        assert workflow.next_transitions(Complaint(state=state))  # no dead end while open


@pytest.mark.parametrize(
    ("who", "name", "data"),
    [
        ("service", "analyse", GENERAL_ANALYSIS),  # customer service records, sales analyses
        ("qe", "analyse", GENERAL_ANALYSIS),
        ("clerk_gz", "analyse", GENERAL_ANALYSIS),  # another office's clerk
        ("viewer", "analyse", GENERAL_ANALYSIS),
        ("legal", "cancel", {"reason": "x"}),
        ("clerk", "cancel", {"reason": "x"}),
    ],
)
def test_who_may_not(people, new_complaint, who, name, data) -> None:
    c = new_complaint()
    with pytest.raises(PermissionDenied):
        services.complaint_transition(actor=getattr(people, who), complaint=c, name=name,
                                      data=data)
    assert Complaint.objects.get(pk=c.pk).state == S.RECEIVED


def test_callback_is_for_customer_service_and_dissatisfaction_opens_a_linked_case(
    people, new_complaint, step
) -> None:
    c = new_complaint()
    for name, data in [
        ("analyse", GENERAL_ANALYSIS),
        ("propose", {"kind": "repair", "description": "维修"}),
        ("accept", {}),
        ("carry_out", {"result": "已维修"}),
        ("record_root_cause", {"root_cause": "x", "capa_required": False}),
        ("close", {}),
    ]:
        c = step(c, name, people.clerk, **data)
    with pytest.raises(PermissionDenied):
        step(c, "callback", people.clerk, method="phone", satisfaction="satisfied")
    with pytest.raises(ValidationError) as err:
        step(c, "callback", people.service, method="visit", satisfaction="dissatisfied")
    assert "note" in err.value.message_dict
    c = step(c, "callback", people.service, method="visit", satisfaction="dissatisfied",
             note="维修后一周又出现同样问题")
    assert c.state == S.CALLED_BACK and c.callback_satisfaction == "dissatisfied"
    repeat = Complaint.objects.get(parent=c)
    assert repeat.state == S.RECEIVED and repeat.customer == c.customer
    assert repeat.description == "维修后一周又出现同样问题"
    assert repeat.channel == "face_to_face" and repeat.acknowledged_by == "in_person"
    assert repeat.owner == people.clerk and repeat.number != c.number
    assert list(c.repeats.all()) == [repeat]


def test_cancel_only_before_any_proposal(people, new_complaint, step) -> None:
    c = new_complaint()
    with pytest.raises(ValidationError):
        step(c, "cancel", people.sales_manager)  # a reason is required
    c2 = new_complaint()
    c2 = step(c2, "cancel", people.sales_manager, reason="重复登记")
    assert c2.state == S.CANCELLED and c2.due_at is None
    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    c = step(c, "propose", people.clerk, kind="repair", description="x")
    c = step(c, "reject", people.clerk, note="no")
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "cancel", people.sales_manager, reason="x")


def test_stale_version_is_refused(people, new_complaint) -> None:
    c = new_complaint()
    services.complaint_transition(actor=people.clerk, complaint=c, name="analyse",
                                  data=GENERAL_ANALYSIS, expected_version=c.version)
    with pytest.raises(StaleRecordError):
        services.complaint_transition(actor=people.clerk, complaint=c, name="propose",
                                      data={"kind": "repair", "description": "x"},
                                      expected_version=c.version)


def test_required_data_is_checked(people, new_complaint, step) -> None:
    c = new_complaint()
    with pytest.raises(ValidationError) as err:
        step(c, "analyse", people.clerk, nature="", analysis="")
    assert set(err.value.message_dict) == {"nature", "analysis"}
    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    c = step(c, "propose", people.clerk, kind="repair", description="x")
    with pytest.raises(ValidationError) as err:
        step(c, "reject", people.clerk, note="")
    assert "note" in err.value.message_dict
    c = step(c, "accept", people.clerk)
    with pytest.raises(ValidationError):
        step(c, "carry_out", people.clerk, result="")
    c = step(c, "carry_out", people.clerk, result="done")
    with pytest.raises(ValidationError) as err:
        step(c, "record_root_cause", people.clerk, root_cause="x", capa_required=None)
    assert "capa_required" in err.value.message_dict


# --- money ------------------------------------------------------------------------------------


def _to_handling(c, step, people):
    return step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)


def test_money_needs_the_superiors_approval_before_the_customer_hears_of_it(
    people, new_complaint, step
) -> None:
    c = _to_handling(new_complaint(), step, people)
    with pytest.raises(ValidationError) as err:
        step(c, "propose", people.clerk, kind="refund", description="退货退款")
    assert "amount" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        step(c, "propose", people.clerk, kind="repair", description="x", amount=Decimal("10"))
    assert "amount" in err.value.message_dict

    c = step(c, "propose", people.clerk, kind="compensation", description="赔偿停线损失",
             amount=Decimal("5000.00"))
    assert c.state == S.AWAITING_APPROVAL
    proposal = c.proposals.get()
    assert proposal.status == ProposalStatus.AWAITING_APPROVAL and proposal.proposed_at is None
    assert proposal.approver_roles == "sales_manager"
    assert Message.objects.filter(recipient=people.sales_manager,
                                  key__contains=":approval:1").exists()
    # The customer's answer cannot be recorded before approval; the handler cannot approve.
    with pytest.raises(workflow.TransitionNotAllowed):
        step(c, "accept", people.clerk)
    with pytest.raises(PermissionDenied):
        step(c, "approve", people.clerk)
    with pytest.raises(workflow.TransitionBlocked):  # not the role for this amount
        step(c, "approve", people.qm)

    people.clerk.language = "en"
    people.clerk.save()
    c = step(c, "approve", people.sales_manager, note="同意")
    assert c.state == S.REMEDY_PROPOSED
    told = Message.objects.get(recipient=people.clerk, key__contains=":approved:1")
    assert "proposal #1 was approved" in told.subject and c.number in told.subject
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PROPOSED
    assert proposal.approved_by == people.sales_manager
    assert proposal.proposed_at is not None


def test_large_amounts_go_to_the_deputy_gm_and_refusal_means_propose_again(
    people, new_complaint, step
) -> None:
    c = _to_handling(new_complaint(), step, people)
    c = step(c, "propose", people.clerk, kind="refund", description="整批退货",
             amount=Decimal("80000"))
    assert c.proposals.get().approver_roles == "deputy_gm"
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "approve", people.sales_manager)
    c = step(c, "refuse_approval", people.dgm, note="金额过高，先做技术鉴定")
    assert c.state == S.SALES_HANDLING
    assert c.proposals.get().status == ProposalStatus.APPROVAL_REFUSED
    with pytest.raises(ValidationError):
        step(c, "propose", people.clerk, kind="exchange", description="换货")  # no amount
    c = step(c, "propose", people.clerk, kind="exchange", description="换货 20 台",
             amount=Decimal("9000"))
    assert [p.number for p in c.proposals.order_by("number")] == [1, 2]
    c = step(c, "approve", people.gm)  # the GM may always approve
    assert c.state == S.REMEDY_PROPOSED


def test_nobody_approves_their_own_proposal(people, new_complaint, step) -> None:
    c = _to_handling(new_complaint(), step, people)
    c = step(c, "propose", people.sales_manager, kind="refund", description="x",
             amount=Decimal("100"))
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "approve", people.sales_manager)


def test_escalated_money_is_approved_by_the_quality_manager(people, new_complaint, step) -> None:
    c = new_complaint()
    c = step(c, "analyse", people.clerk, nature="effective", analysis="x", escalate=True,
             assignee=people.qe)
    c = step(c, "propose", people.qe, kind="compensation", description="x", amount=Decimal("800"))
    assert c.proposals.get().approver_roles == "quality_manager"
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "approve", people.sales_manager)
    c = step(c, "approve", people.qm)
    assert c.state == S.REMEDY_PROPOSED


# --- legal ------------------------------------------------------------------------------------


def test_legal_flag_routes_to_legal_and_holds_the_money(
    people, new_complaint, step, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        c = new_complaint(legal_flag=True)
    assert c.legal_flag and c.legal_flagged_at is not None
    legal_messages = Message.objects.filter(key=f"complaint:{c.pk}:legal:u{people.legal.pk}")
    assert legal_messages.count() == 1
    assert any(people.legal.email in m.to for m in mail.outbox)
    with pytest.raises(ValidationError):  # already with legal
        services.complaint_flag_legal(actor=people.clerk, complaint=c)

    c = _to_handling(c, step, people)
    c = step(c, "propose", people.clerk, kind="compensation", description="x",
             amount=Decimal("3000"))
    with pytest.raises(workflow.TransitionBlocked):
        step(c, "approve", people.sales_manager)
    with pytest.raises(PermissionDenied):
        services.complaint_legal_opinion(actor=people.clerk, complaint=c, opinion="x")
    with pytest.raises(ValidationError):
        services.complaint_legal_opinion(actor=people.legal, complaint=c, opinion="  ")
    c = services.complaint_legal_opinion(actor=people.legal, complaint=c,
                                         opinion="可按合同第8条赔偿，不承认其他责任")
    assert c.legal_opinion_at is not None
    c = step(c, "approve", people.sales_manager)
    assert c.state == S.REMEDY_PROPOSED


def test_legal_flag_later_and_opinion_only_when_flagged(people, new_complaint) -> None:
    c = new_complaint()
    with pytest.raises(workflow.TransitionBlocked):
        services.complaint_legal_opinion(actor=people.legal, complaint=c, opinion="x")
    with pytest.raises(PermissionDenied):
        services.complaint_flag_legal(actor=people.service, complaint=c)
    c = services.complaint_flag_legal(actor=people.clerk, complaint=c)
    assert c.legal_flag
    assert Message.objects.filter(recipient=people.legal).count() == 1


# --- intake, acknowledgement, numbering -------------------------------------------------------


def test_acknowledgement_is_emailed_once_in_the_contacts_language(
    people, new_complaint, contact, django_capture_on_commit_callbacks
) -> None:
    contact.language = "en"
    contact.save()
    with django_capture_on_commit_callbacks(execute=True):
        c = new_complaint()
    assert c.acknowledged_by == "email" and c.acknowledged_at is not None
    to_customer = [m for m in mail.outbox if contact.email in m.to]
    assert len(to_customer) == 1
    assert c.number in to_customer[0].subject and "received" in to_customer[0].subject
    assert Message.objects.get(key=f"complaint:{c.pk}:ack").language == "en"
    with pytest.raises(ValidationError):  # already acknowledged
        services.complaint_acknowledge(actor=people.clerk, complaint=c, method="phone")


def test_without_an_address_the_acknowledgement_is_recorded_by_hand(
    people, new_complaint, contact
) -> None:
    contact.email = ""
    contact.save()
    c = new_complaint()
    assert c.acknowledged_at is None and not mail.outbox
    with pytest.raises(ValidationError):
        services.complaint_acknowledge(actor=people.clerk, complaint=c, method="pigeon")
    with pytest.raises(PermissionDenied):
        services.complaint_acknowledge(actor=people.viewer, complaint=c, method="phone")
    c = services.complaint_acknowledge(actor=people.clerk, complaint=c, method="phone")
    assert c.acknowledged_by == "phone"


def test_hotline_intake_goes_to_the_branch_office_manager(people, new_complaint) -> None:
    c = new_complaint(actor=people.service)
    assert c.owner == people.branch
    assert Message.objects.filter(recipient=people.branch, key__contains="assigned").exists()


def test_intake_validation(people, new_complaint, make_customer, contact) -> None:
    other = make_customer(office="BO-SH")
    with pytest.raises(ValidationError) as err:
        new_complaint(customer=other)  # the contact belongs to another customer
    assert "contact" in err.value.message_dict
    with pytest.raises(PermissionDenied):
        new_complaint(actor=people.clerk_gz)  # not their office's customer
    with pytest.raises(PermissionDenied):
        new_complaint(actor=people.viewer)


def test_numbers_are_per_year_and_gap_free(people, new_complaint) -> None:
    from .conftest import at

    a = new_complaint(received_at=at(2025, 12, 31, 23, 30))
    b = new_complaint(received_at=at(2026, 1, 1, 0, 10))
    with pytest.raises(ValidationError):
        new_complaint(received_at=at(2026, 1, 2, 9), description="")  # fails after numbering
    c = new_complaint(received_at=at(2026, 1, 3, 9))
    assert (a.number, b.number, c.number) == ("TS-2025-00001", "TS-2026-00001", "TS-2026-00002")
    assert Complaint.objects.count() == 3


def test_capa_hook_links_the_action(people, new_complaint, step, product) -> None:
    c = new_complaint()
    for name, data in [
        ("analyse", GENERAL_ANALYSIS),
        ("propose", {"kind": "repair", "description": "维修"}),
        ("accept", {}),
        ("carry_out", {"result": "已维修"}),
    ]:
        c = step(c, name, people.clerk, **data)
    calls = []

    def open_capa(complaint, actor):
        calls.append((complaint.pk, actor))
        return product  # any record stands in for the CAPA module's

    capa = links.Receiver(key="capa.from_record", label="CAPA", accepts=("*",),
                          action="complaint.view", create=open_capa, url=lambda r: "/capa/")
    with links.override("capa.from_record", capa):
        c = step(c, "record_root_cause", people.qm, root_cause="设计裕量不足", capa_required=True)
    assert calls == [(c.pk, people.qm)]
    assert c.capa == product and c.capa_reference == str(product)
    assert list(hooks.complaints_waiting_for_capa()) == []


def test_without_a_capa_module_the_complaint_waits_for_one(people, new_complaint, step,
                                                            product) -> None:
    c = new_complaint()
    for name, data in [
        ("analyse", GENERAL_ANALYSIS),
        ("propose", {"kind": "repair", "description": "维修"}),
        ("accept", {}),
        ("carry_out", {"result": "已维修"}),
        ("record_root_cause", {"root_cause": "x", "capa_required": True}),
    ]:
        c = step(c, name, people.clerk, **data)
    assert c.capa_required and not c.capa_reference
    assert list(hooks.complaints_waiting_for_capa()) == [c]
    with pytest.raises(PermissionDenied):
        services.complaint_link_capa(actor=people.clerk, complaint=c, record=product)
    c = services.complaint_link_capa(actor=people.qm, complaint=c, record=product)
    assert c.capa_object_id == str(product.pk)


def test_accountability_is_recorded_with_a_deadline(people, new_complaint, dept) -> None:
    import datetime as dt

    c = new_complaint()
    data = {
        "failure_type": "deadline",
        "responsible_department": dept("BO-SH"),
        "responsible_person": people.clerk,
        "measure": "admonition",
        "rectification": "48小时内回复顾客",
        "rectification_deadline": dt.date(2026, 12, 31),
        "instruction": "副总批示：诫勉谈话",
    }
    with pytest.raises(PermissionDenied):
        services.accountability_create(actor=people.clerk, complaint=c, data=data)
    with pytest.raises(ValidationError) as err:
        services.accountability_create(actor=people.qm, complaint=c,
                                       data={**data, "performance_deduction": Decimal("200")})
    assert "performance_deduction" in err.value.message_dict
    record = services.accountability_create(actor=people.qm, complaint=c, data=data)
    assert record.get_measure_display() and record.rectified_on is None
    assert Message.objects.filter(recipient=people.clerk, key__contains="accountability").exists()
    record = services.accountability_rectified(actor=people.qm, record=record,
                                               rectified_on=dt.date(2026, 1, 5))
    assert record.rectified_on == dt.date(2026, 1, 5)


# --- hand-over ----------------------------------------------------------------------------------


def test_a_complaint_changes_hands_with_a_reason_in_the_trail(
    people, new_complaint, make_user, django_capture_on_commit_callbacks
) -> None:
    from manyi.audit.services import history_for

    colleague = make_user("sales_clerk", department="BO-SH", username="clerk_sh2",
                          email="clerk2@example.cn")
    c = new_complaint()
    assert c.owner == people.clerk
    due = c.due_at
    candidates = services.reassign_candidates(c)
    assert colleague in candidates and people.branch in candidates
    assert people.clerk_gz not in candidates  # another office's clerk cannot see it
    assert people.service not in candidates  # customer service does not handle complaints
    with pytest.raises(PermissionDenied):
        services.complaint_reassign(actor=people.service, complaint=c, owner=colleague,
                                    note="休假")
    with pytest.raises(ValidationError) as err:
        services.complaint_reassign(actor=people.clerk, complaint=c, owner=colleague, note=" ")
    assert "note" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.complaint_reassign(actor=people.clerk, complaint=c, owner=people.clerk_gz,
                                    note="休假")
    assert "owner" in err.value.message_dict
    with pytest.raises(StaleRecordError):
        services.complaint_reassign(actor=people.clerk, complaint=c, owner=colleague,
                                    note="休假", expected_version=c.version - 1)
    with django_capture_on_commit_callbacks(execute=True):
        c = services.complaint_reassign(actor=people.clerk, complaint=c, owner=colleague,
                                        note="本人休假一周", expected_version=c.version)
    assert c.owner == colleague and c.due_at == due and c.state == S.RECEIVED
    entry = history_for(c).first()
    assert entry is not None and entry.note == "本人休假一周" and "owner" in entry.changes
    told = Message.objects.get(recipient=colleague)
    assert "本人休假一周" in told.body
    assert any(colleague.email in m.to for m in mail.outbox)
    assert services.step_owners(c) == [colleague]  # overdue reminders now go to the colleague
    with pytest.raises(ValidationError):  # to the same person again
        services.complaint_reassign(actor=people.branch, complaint=c, owner=colleague,
                                    note="x")


def test_an_escalated_complaint_goes_only_to_quality(people, new_complaint, step) -> None:
    c = new_complaint()
    c = step(c, "analyse", people.clerk, nature="effective", analysis="需技术分析",
             escalate=True, assignee=people.qm)
    candidates = services.reassign_candidates(c)
    assert people.qe in candidates and people.qm in candidates
    assert people.clerk not in candidates
    c = services.complaint_reassign(actor=people.qm, complaint=c, owner=people.qe,
                                    note="由质量工程师跟进")
    assert c.owner == people.qe
