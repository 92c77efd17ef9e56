"""The named transition services (the public API of the complaint workflow), the dispatch by
name the page and the API use, and the side actions the workflow offers."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from manyi.common.services import StaleRecordError
from manyi.common.workflow import TransitionError
from manyi.complaints import services
from manyi.complaints.models import Complaint, ComplaintState, ProposalStatus
from manyi.complaints.workflow import WORKFLOW, TransitionBlocked, TransitionNotAllowed

pytestmark = pytest.mark.django_db
S = ComplaintState
APP = Path(services.__file__).parent.parent  # the complaints app (services is a package)


def test_every_step_has_a_named_service_and_the_table_is_the_workflows() -> None:
    assert set(services.TRANSITION_SERVICES) == set(WORKFLOW.by_name)
    for name, service in services.TRANSITION_SERVICES.items():
        assert service.__name__.startswith("complaint_"), name
        assert getattr(services, service.__name__) is service
    with pytest.raises(TransitionError) as exc:
        services.complaint_transition(actor=None, complaint=Complaint(), name="nonsense")
    assert "name" in exc.value.message_dict


def test_escalated_complaint_through_the_named_services(people: Any, new_complaint: Any) -> None:
    c = new_complaint()
    c = services.complaint_escalate(actor=people.clerk, complaint=c, nature="effective",
                                    analysis="需技术分析", assignee=people.qe)
    assert c.state == S.ESCALATED and c.escalated and c.owner == people.qe
    with pytest.raises(PermissionDenied):  # after escalation the handler is quality
        services.complaint_propose_remedy(actor=people.clerk, complaint=c, kind="repair",
                                          description="x")
    c = services.complaint_propose_remedy(actor=people.qe, complaint=c, kind="compensation",
                                          description="赔偿", amount=Decimal("800"),
                                          expected_version=c.version)
    assert c.state == S.AWAITING_APPROVAL
    with pytest.raises(TransitionBlocked) as blocked:
        services.complaint_approve_remedy(actor=people.sales_manager, complaint=c)
    assert "approver" in blocked.value.message_dict  # the guard names what is missing
    stale = c.version
    c = services.complaint_refuse_approval(actor=people.qm, complaint=c, note="先做鉴定")
    assert c.state == S.ESCALATED
    assert c.proposals.get().status == ProposalStatus.APPROVAL_REFUSED
    with pytest.raises(StaleRecordError):
        services.complaint_propose_remedy(actor=people.qe, complaint=c, kind="repair",
                                          description="x", expected_version=stale)
    c = services.complaint_propose_remedy(actor=people.qe, complaint=c, kind="repair",
                                          description="返修")
    c = services.complaint_accept_remedy(actor=people.qe, complaint=c)
    c = services.complaint_carry_out_remedy(actor=people.qe, complaint=c, result="已返修")
    c = services.complaint_record_root_cause(actor=people.qe, complaint=c, root_cause="老化",
                                             capa_required=False)
    c = services.complaint_close(actor=people.qm, complaint=c)
    c = services.complaint_record_callback(actor=people.service, complaint=c, method="phone",
                                           satisfaction="satisfied")
    assert c.state == S.CALLED_BACK
    with pytest.raises(TransitionNotAllowed) as refused:
        services.complaint_cancel(actor=people.sales_manager, complaint=c, reason="x")
    assert refused.value.allowed == []


def test_the_dispatch_by_name_passes_only_what_the_service_takes(
    people: Any, new_complaint: Any
) -> None:
    c = new_complaint()
    data = {"nature": "effective", "analysis": "x", "escalate": False, "note": "not taken",
            "content_category": "product_quality"}
    c = services.complaint_transition(actor=people.clerk, complaint=c, name="analyse",
                                      data=data)
    assert c.state == S.SALES_HANDLING and c.analysis == "x"


def test_side_actions_are_offered_by_the_workflow(
    client: Any, people: Any, new_complaint: Any
) -> None:
    c = new_complaint()  # the contact has an e-mail address: acknowledged at once
    assert WORKFLOW.work_allowed(c, people.clerk) == {
        "edit", "flag_legal", "attach", "reassign"}
    assert WORKFLOW.work_allowed(c, people.legal) >= {"attach"}
    assert "legal_opinion" not in WORKFLOW.work_allowed(c, people.legal)  # not flagged yet
    client.force_login(people.clerk)
    flag_url = reverse("complaints:flag_legal", args=[c.pk])
    assert flag_url in client.get(reverse("complaints:detail", args=[c.pk])).content.decode()

    c = services.complaint_flag_legal(actor=people.clerk, complaint=c)
    assert "flag_legal" not in WORKFLOW.work_allowed(c, people.clerk)
    assert "legal_opinion" in WORKFLOW.work_allowed(c, people.legal)
    assert flag_url not in client.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    with pytest.raises(TransitionBlocked):
        services.complaint_flag_legal(actor=people.clerk, complaint=c)

    c = services.complaint_cancel(actor=people.sales_manager, complaint=c, reason="重复登记")
    assert WORKFLOW.work_allowed(c, people.clerk) == {"attach"}  # finished: no edit, hand-over
    page = client.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert reverse("complaints:edit", args=[c.pk]) not in page


def test_side_actions_check_who_before_the_state(people: Any, new_complaint: Any) -> None:
    c = services.complaint_cancel(actor=people.sales_manager, complaint=new_complaint(),
                                  reason="重复登记")
    with pytest.raises(PermissionDenied):  # not hers to do, whatever the state
        services.complaint_flag_legal(actor=people.service, complaint=c)
    with pytest.raises(PermissionDenied):
        services.complaint_reassign(actor=people.service, complaint=c, owner=people.branch,
                                    note="x")
    with pytest.raises(TransitionError) as finished:
        services.complaint_flag_legal(actor=people.clerk, complaint=c)
    assert "state" in finished.value.message_dict


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function (relative ones as .name)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            names.add("." * node.level + (node.module or ""))
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("app", ["complaints", "claims"])
def test_states_and_models_do_not_import_the_workflow(app: str) -> None:
    folder = APP.parent / app
    states = _imports(folder / "states.py")
    assert not {m for m in states if m.startswith(".") or m.startswith("manyi.")}
    models = _imports(folder / "models.py")
    assert ".workflow" not in models and ".services" not in models
    assert f"manyi.{app}.workflow" not in models


def test_the_services_ask_the_one_clock_for_now() -> None:
    """The `clock` fixture patches services.clock.now: no other module of the services package
    may read the time itself, or a test's "now" would not reach it."""
    package = APP / "services"
    assert (package / "clock.py").is_file()
    for path in sorted(package.glob("*.py")):
        if path.name == "clock.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "timezone.now" not in source and "datetime.now" not in source, path.name
        assert "from .clock import" not in source, path.name  # a copied name escapes the patch
