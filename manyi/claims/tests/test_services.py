"""Services: gap-free numbers (also under concurrency), the compensation booked once as
quality cost, supplier recourse, cancellation, deadlines on the company calendar, notices."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from manyi.audit.services import history_for
from manyi.claims import services
from manyi.claims.models import (
    Claim,
    CompensationLine,
    QualityCost,
    SupplierRecourse,
)
from manyi.claims.tasks import claims_overdue_sweep
from manyi.claims.workflow import Liability, TransitionError
from manyi.common.models import DeadlineSetting, Message

from .conftest import LINES, pdf

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def test_numbers_are_per_year_and_gap_free(new_claim, people, customer) -> None:
    a = new_claim(received_on=dt.date(2025, 12, 30))
    b = new_claim(received_on=dt.date(2026, 1, 2))
    with pytest.raises(ValidationError) as exc:  # fails after the number was drawn
        new_claim(received_on=dt.date(2026, 1, 3), claimed_amount=Decimal("-1"))
    assert "claimed_amount" in exc.value.message_dict
    c = new_claim(received_on=dt.date(2026, 1, 3))
    assert [a.number, b.number, c.number] == ["SP-2025-0001", "SP-2026-0001", "SP-2026-0002"]
    assert Claim.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_get_unique_consecutive_numbers(make_user, make_customer) -> None:
    sales = make_user("sales_manager", department="SALES")
    customer = make_customer(office="BO-SH")
    n = 6
    barrier = threading.Barrier(n)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def create() -> None:
        from django.db import connections

        try:
            barrier.wait()
            claim = services.claim_create(actor=sales, data={
                "customer": customer, "description": "并发", "received_on": dt.date(2026, 3, 2)})
            numbers.append(claim.number)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"SP-2026-{i:04d}" for i in range(1, n + 1)]


def test_create_checks_scope_and_handler(new_claim, people, make_customer) -> None:
    gz_customer = make_customer(office="BO-GZ")
    with pytest.raises(PermissionDenied):
        new_claim(customer=gz_customer)
    with pytest.raises(ValidationError) as exc:
        new_claim(handler=people.finance)
    assert "handler" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        new_claim(actor=people.finance)
    claim = new_claim()
    assert claim.handler == people.sales and claim.step_owner == people.sales
    assert history_for(claim).get().action == "create"


def test_contact_and_order_must_belong_to_the_customer(new_claim, make_customer) -> None:
    from manyi.customers.models import Contact

    other = make_customer(office="BO-SH")
    contact = Contact.objects.create(customer=other, name="王五", function="gm")
    with pytest.raises(ValidationError) as exc:
        new_claim(contact=contact)
    assert "contact" in exc.value.message_dict


def test_edit_only_while_collecting(new_claim, advance, people) -> None:
    claim = new_claim()
    edited = services.claim_update(actor=people.sales, claim=claim,
                                   data={"claimed_amount": Decimal("15000.50")},
                                   expected_version=claim.version)
    assert edited.claimed_amount == Decimal("15000.50")
    with pytest.raises(ValidationError):
        services.claim_update(actor=people.sales, claim=edited, data={"state": "closed"},
                              expected_version=None)
    moved = advance(edited, "analysis")
    with pytest.raises(TransitionError):
        services.claim_update(actor=people.sales, claim=moved, data={"demand": "x"},
                              expected_version=None)


def test_compensation_is_exact_decimal_with_half_up_rounding(new_claim, advance,
                                                             people) -> None:
    claim = advance(new_claim(), "compensation")
    claim = services.compensation_calculate(actor=people.finance, claim=claim, lines=LINES,
                                            expected_version=claim.version)
    assert claim.compensation_subtotal == Decimal("11580.01")
    assert claim.compensation_amount == Decimal("11580.01")
    totals = list(claim.compensation_lines.values_list("total", flat=True))
    assert totals == [Decimal("9120.50"), Decimal("100.01"), Decimal("860.00"),
                      Decimal("1499.50")]
    # calculated again: the old lines are archived, not deleted
    claim = services.compensation_calculate(actor=people.finance, claim=claim,
                                            lines=LINES[:1], expected_version=claim.version)
    assert claim.compensation_amount == Decimal("9120.50")
    assert CompensationLine.objects.filter(claim=claim).count() == 5
    assert claim.compensation_lines.filter(archived_at__isnull=True).count() == 1


def test_shared_liability_takes_our_share_rounded_half_up(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "compensation", liability=Liability.SHARED,
                    share=Decimal("50"))
    claim = services.compensation_calculate(actor=people.finance, claim=claim, lines=LINES,
                                            expected_version=None)
    assert claim.compensation_subtotal == Decimal("11580.01")
    assert claim.compensation_amount == Decimal("5790.01")  # 5790.005 half up (even: .00)


def test_bad_lines_name_the_field(new_claim, advance, people) -> None:
    from manyi.claims.compensation import Line

    claim = advance(new_claim(), "compensation")
    with pytest.raises(ValidationError) as exc:
        services.compensation_calculate(actor=people.finance, claim=claim,
                                        lines=[Line("goods", quantity=Decimal("2"))],
                                        expected_version=None)
    assert "lines[0].quantity" in exc.value.message_dict["lines"][0]
    with pytest.raises(PermissionDenied):
        services.compensation_calculate(actor=people.gm, claim=claim, lines=LINES,
                                        expected_version=None)


def test_compensation_booked_once_as_quality_cost(new_claim, advance, people, product) -> None:
    claim = advance(new_claim(), "compensation")
    with pytest.raises(TransitionError) as exc:  # not calculated yet
        services.claim_book(actor=people.finance, claim=claim, expected_version=None)
    assert "compensation_amount" in exc.value.message_dict
    claim = services.compensation_calculate(actor=people.finance, claim=claim, lines=LINES,
                                            expected_version=None)
    booked = services.claim_book(actor=people.finance, claim=claim, expected_version=None,
                                 booked_on=dt.date(2026, 2, 3))
    assert booked.state == "root_cause"
    cost = QualityCost.objects.get()
    assert (cost.date, cost.customer, cost.product, cost.amount, cost.category, cost.claim) == (
        dt.date(2026, 2, 3), claim.customer, product, Decimal("11580.01"), "external_claim",
        booked)
    with pytest.raises(TransitionError):
        services.claim_book(actor=people.finance, claim=booked, expected_version=None)
    assert QualityCost.objects.count() == 1
    assert not SupplierRecourse.objects.exists()


def test_supplier_liability_opens_a_recourse_claim(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "recourse", liability=Liability.SUPPLIER)
    recourse = SupplierRecourse.objects.get(claim=claim)
    assert recourse.supplier_name == "苏州某电容有限公司"
    assert recourse.amount_claimed == Decimal("11580.01") == claim.compensation_amount
    assert claim.step_owner == people.dgm
    with pytest.raises(TransitionError) as exc:
        services.claim_settle_recourse(actor=people.dgm, claim=claim, expected_version=None)
    assert "amount_recovered" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.recourse_update(actor=people.finance, claim=claim,
                                 data={"negotiation_notes": "x"})
    services.recourse_update(actor=people.dgm, claim=claim,
                             data={"negotiation_notes": "供方同意承担 80%",
                                   "amount_claimed": Decimal("11000.00")})
    done = services.claim_settle_recourse(actor=people.dgm, claim=claim, expected_version=None,
                                          amount_recovered=Decimal("8800.00"),
                                          settled_on=dt.date(2026, 3, 1))
    assert done.state == "root_cause"
    recourse.refresh_from_db()
    assert (recourse.amount_claimed, recourse.amount_recovered, recourse.settled_on,
            recourse.negotiation_notes) == (Decimal("11000.00"), Decimal("8800.00"),
                                            dt.date(2026, 3, 1), "供方同意承担 80%")
    assert QualityCost.objects.get(claim=claim).amount == Decimal("11580.01")


def test_not_ours_is_cancelled_with_the_customers_acknowledgement(new_claim, advance,
                                                                  people) -> None:
    claim = advance(new_claim(), "acknowledgement", liability=Liability.CUSTOMER)
    assert claim.step_owner == people.sales
    with pytest.raises(TransitionError) as exc:
        services.claim_acknowledge(actor=people.sales, claim=claim, expected_version=None,
                                   customer_acknowledgement="", acknowledged_on=None)
    assert set(exc.value.message_dict) == {"customer_acknowledgement", "acknowledged_on"}
    done = services.claim_acknowledge(actor=people.sales, claim=claim, expected_version=None,
                                      customer_acknowledgement="客户 2 月 1 日来函确认",
                                      acknowledged_on=dt.date(2026, 2, 1))
    assert done.state == "cancelled" and done.closed_at is not None
    assert done.customer_acknowledgement == "客户 2 月 1 日来函确认"
    assert not QualityCost.objects.exists() and done.compensation_amount is None


def test_deadline_counts_working_days_across_national_day_2025(new_claim, advance, people,
                                                               monkeypatch) -> None:
    start = dt.datetime(2025, 9, 30, 10, 0, tzinfo=SH)
    monkeypatch.setattr("django.utils.timezone.now", lambda: start)
    claim = new_claim(received_on=dt.date(2025, 9, 30))
    # collecting: 5 working days; 10-01..10-08 off, Saturday 10-11 is a make-up working day
    assert claim.step_due_at == dt.datetime(2025, 10, 14, 10, 0, tzinfo=SH)
    claim = advance(claim, "gm_approval")  # 2 working days
    assert claim.step_due_at == dt.datetime(2025, 10, 10, 10, 0, tzinfo=SH)
    DeadlineSetting.objects.create(key="claims.negotiation", value=3)  # configured
    claim = advance(claim, "negotiation")
    assert claim.step_due_at == dt.datetime(2025, 10, 11, 10, 0, tzinfo=SH)
    assert claim.steps.latest("id").due_at == claim.step_due_at


def test_the_next_owner_is_notified_in_their_language(new_claim, advance, people,
                                                     django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        claim = advance(new_claim(), "gm_approval")
    to_dgm = Message.objects.get(recipient=people.dgm)
    to_gm = Message.objects.get(recipient=people.gm)
    assert claim.number in to_gm.subject and "overdue" not in to_gm.subject
    assert to_gm.language == "en" and "GM approval" in to_gm.body
    assert to_dgm.language == "zh-hans" and claim.number in to_dgm.subject
    assert f"/claims/{claim.pk}/" in to_gm.url
    assert {m.to[0] for m in mail.outbox} == {"dgm@x.example.cn", "gm@x.example.cn"}
    # the sales person who did the step is not notified about their own step
    assert not Message.objects.filter(recipient=people.sales).exists()


def test_overdue_sweep_notifies_the_owner_once(new_claim, advance, people) -> None:
    claim = advance(new_claim(), "analysis")
    fresh = new_claim()
    Claim.objects.filter(pk=claim.pk).update(
        step_due_at=dt.datetime(2026, 1, 5, 9, 0, tzinfo=SH))
    assert claims_overdue_sweep.call() == 1
    assert claims_overdue_sweep.call() == 0  # idempotent
    message = Message.objects.get(key__contains=":overdue:")
    assert message.recipient == people.dgm and claim.number in message.subject
    # the next step starts a new deadline: it may be reported again when it runs late
    claim = advance(Claim.objects.get(pk=claim.pk), "gm_approval")
    Claim.objects.filter(pk=claim.pk).update(
        step_due_at=dt.datetime(2026, 1, 6, 9, 0, tzinfo=SH))
    assert services.claims_notify_overdue() == 1
    assert Message.objects.filter(key__contains=":overdue:").count() == 2
    assert not Message.objects.filter(key__contains=f"claim:{fresh.pk}:overdue").exists()


def test_attachment_is_recorded_in_the_claims_audit_trail(new_claim, people) -> None:
    claim = new_claim()
    attachment = services.claim_attach(actor=people.sales, claim=claim, upload=pdf("发票.pdf"))
    assert attachment.original_name == "发票.pdf"
    entry = history_for(claim).first()
    assert entry is not None and entry.changes == {"attachments": [None, "发票.pdf"]}
    with pytest.raises(PermissionDenied):  # finance has nothing to do on this step
        services.claim_attach(actor=people.finance, claim=claim, upload=pdf())
    with pytest.raises(ValidationError):
        from django.core.files.uploadedfile import SimpleUploadedFile

        services.claim_attach(actor=people.sales, claim=claim,
                              upload=SimpleUploadedFile("x.exe", b"MZ"))
