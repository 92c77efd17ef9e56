"""Property services: the ledger and its movements, lending with working-day due dates and the
overdue sweep, external documents, damage/loss reports e-mailed in the contact's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from manyi.audit.models import AuditEntry
from manyi.common import deadlines
from manyi.common.models import Message
from manyi.property.deadlines import LOAN_ESCALATION
from manyi.property.models import (
    CustomerProperty,
    DamageStatus,
    ExternalDocument,
    LoanSlip,
    MovementKind,
    PropertyStatus,
)
from manyi.property.selectors import item_list
from manyi.property.services import (
    damage_report_create,
    damage_report_reply,
    damage_report_send,
    document_register,
    loan_create,
    loan_overdue_sweep,
    loan_return,
    property_archive,
    property_issue,
    property_receive,
    property_return_to_customer,
)

from .conftest import local

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "department"),
    [("sample", "PROD"), ("sample_part", "PROD"), ("drawing", "ENG"), ("document", "QA"),
     ("measuring", "QA")],
)
def test_received_property_goes_to_the_department_of_its_kind(make_item, kind,
                                                              department) -> None:
    item = make_item(kind=kind)
    assert item.holding_department.code == department
    assert item.status == PropertyStatus.HELD and item.number == "CP2025-0001"
    (movement,) = item.movements.all()
    assert movement.kind == MovementKind.RECEIVED and movement.to_department.code == department
    assert AuditEntry.objects.filter(object_id=str(item.pk), action="create").exists()


def test_receiving_is_refused_outside_scope(make_user, make_customer) -> None:
    clerk = make_user("sales_clerk", department="BO-SH")
    data = {"kind": "drawing", "name": "图纸", "received_on": dt.date(2025, 1, 5)}
    ok = property_receive(actor=clerk, data={**data, "customer": make_customer(office="BO-SH")})
    assert ok.received_by == clerk
    with pytest.raises(ValidationError) as exc:
        property_receive(actor=clerk, data={**data, "customer": make_customer(office="BO-GZ")})
    assert "customer" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        property_receive(actor=make_user("engineer", department="ENG"),
                         data={**data, "customer": make_customer()})
    with pytest.raises(ValidationError) as exc:
        property_receive(actor=clerk, data={**data, "customer": make_customer(office="BO-SH"),
                                            "received_on": timezone.localdate()
                                            + dt.timedelta(days=3)})
    assert "received_on" in exc.value.message_dict
    assert CustomerProperty.objects.count() == 1


def test_the_holding_department_sees_its_items(make_item, make_user, dept, sales_user) -> None:
    item = make_item(kind="sample")
    production = make_user("engineer", department="PROD")
    engineering = make_user("engineer", department="ENG")
    assert list(item_list(user=production)) == [item]
    assert list(item_list(user=engineering)) == []
    moved = property_issue(actor=sales_user, item=item, department=dept("ENG"),
                           note="技术部测试")
    assert moved.holding_department == dept("ENG")
    assert list(item_list(user=engineering)) == [moved]
    assert list(item_list(user=production)) == []
    assert [m.kind for m in moved.movements.order_by("at", "id")] == ["received", "issued"]
    branch = make_user("branch_manager", department="BO-SH")
    assert list(item_list(user=branch)) == [moved]  # make_customer's default office
    assert list(item_list(user=make_user("branch_manager", department="BO-GZ"))) == []


def test_issue_needs_manage(make_item, make_user, dept) -> None:
    item = make_item()
    with pytest.raises(PermissionDenied):
        property_issue(actor=make_user("engineer", department="PROD"), item=item,
                       department=dept("ENG"))


def test_loan_due_date_skips_the_2025_national_day_holiday(make_item, make_user,
                                                           sales_user) -> None:
    item = make_item()
    borrower = make_user("engineer", department="ENG")
    # Monday 29 Sep 10:00 + 5 working days: 30 Sep, 9 Oct, 10 Oct, Sat 11 Oct (make-up), 13 Oct
    loan = loan_create(actor=sales_user, item=item, data={
        "borrower": borrower, "purpose": "EMC 测试", "lent_at": local(2025, 9, 29, 10, 0)})
    assert timezone.localtime(loan.due_at) == local(2025, 10, 13, 10, 0)
    assert loan.department.code == "ENG" and loan.approved_by == sales_user
    assert loan.number.startswith("JY2025-")
    item.refresh_from_db()
    assert item.status == PropertyStatus.LENT


def test_loan_working_days_are_configurable(settings, make_item, make_user, sales_user) -> None:
    settings.MANYI_PROPERTY_LOAN_WORKDAYS = 1
    loan = loan_create(actor=sales_user, item=make_item(), data={
        "borrower": make_user("engineer", department="ENG"), "purpose": "p",
        "lent_at": local(2025, 9, 30, 10, 0)})
    assert timezone.localtime(loan.due_at) == local(2025, 10, 9, 10, 0)
    loan = loan_create(actor=sales_user, item=make_item(), data={
        "borrower": make_user("engineer", department="ENG"), "purpose": "p",
        "lent_at": local(2025, 9, 30, 10, 0), "due_workdays": 3})
    assert timezone.localtime(loan.due_at) == local(2025, 10, 11, 10, 0)


def test_loan_refusals(make_item, make_user, sales_user) -> None:
    item = make_item(quantity=2)
    borrower = make_user("engineer", department="ENG")
    with pytest.raises(ValidationError) as exc:
        loan_create(actor=sales_user, item=item, data={"borrower": borrower, "purpose": "p",
                                                       "quantity": 3})
    assert "quantity" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        loan_create(actor=borrower, item=item, data={"borrower": borrower, "purpose": "p"})
    loan_create(actor=sales_user, item=item, data={"borrower": borrower, "purpose": "p"})
    item.refresh_from_db()
    with pytest.raises(ValidationError):  # already lent out
        loan_create(actor=sales_user, item=item, data={"borrower": borrower, "purpose": "q"})
    with pytest.raises(ValidationError):
        property_archive(actor=sales_user, item=item)
    assert LoanSlip.objects.count() == 1


def test_loan_return_by_the_borrower(make_item, make_user, sales_user) -> None:
    item = make_item()
    borrower = make_user("engineer", department="ENG")
    loan = loan_create(actor=sales_user, item=item, data={"borrower": borrower, "purpose": "p"})
    with pytest.raises(PermissionDenied):
        loan_return(actor=make_user("engineer", department="ENG"), loan=loan)
    returned = loan_return(actor=borrower, loan=loan, condition="intact", note="完好")
    assert returned.returned_at is not None and returned.return_condition == "intact"
    with pytest.raises(ValidationError):
        loan_return(actor=borrower, loan=returned)
    item.refresh_from_db()
    assert item.status == PropertyStatus.HELD
    kinds = list(item.movements.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == ["received", "lent", "loan_returned"]
    again = loan_create(actor=sales_user, item=item, data={"borrower": borrower, "purpose": "q"})
    assert again.number != loan.number


def test_overdue_sweep_tells_the_borrower_then_the_manager_once(
    make_item, make_user, dept, sales_user, django_capture_on_commit_callbacks
) -> None:
    manager = make_user("engineer", department="ENG", email="mgr@example.cn")
    eng = dept("ENG")
    eng.manager = manager
    eng.save()
    borrower = make_user("engineer", department="ENG", email="b@example.cn")
    loan = loan_create(actor=sales_user, item=make_item(), data={
        "borrower": borrower, "purpose": "p", "lent_at": local(2025, 9, 29, 10, 0)})
    returned = loan_create(actor=sales_user, item=make_item(), data={
        "borrower": borrower, "purpose": "p", "lent_at": local(2025, 9, 29, 10, 0)})
    loan_return(actor=borrower, loan=returned)
    due = loan.due_at
    with django_capture_on_commit_callbacks(execute=True):
        assert loan_overdue_sweep(now=due - dt.timedelta(minutes=1)) == 0
        assert loan_overdue_sweep(now=due + dt.timedelta(minutes=1)) == 1
        assert loan_overdue_sweep(now=due + dt.timedelta(hours=2)) == 0
        escalation = deadlines.due(LOAN_ESCALATION, due)
        assert timezone.localtime(escalation) == local(2025, 10, 15, 10, 0)
        assert loan_overdue_sweep(now=escalation - dt.timedelta(minutes=1)) == 0
        assert loan_overdue_sweep(now=escalation + dt.timedelta(minutes=1)) == 1
        assert loan_overdue_sweep(now=escalation + dt.timedelta(days=9)) == 0
    assert [m.to for m in mail.outbox] == [["b@example.cn"], ["mgr@example.cn"]]
    assert set(Message.objects.values_list("recipient", flat=True)) == {borrower.pk, manager.pk}


def test_overdue_sweep_task_is_registered() -> None:
    from manyi.common.scheduling import REGISTRY
    from manyi.property.tasks import loan_overdue_sweep_task

    assert "property.loan_overdue_sweep" in REGISTRY
    assert loan_overdue_sweep_task.enqueue().return_value == 0


def test_return_to_the_customer(make_item, make_user, sales_user) -> None:
    item = make_item(received_on=dt.date(2025, 9, 1))
    with pytest.raises(ValidationError) as exc:
        property_return_to_customer(actor=sales_user, item=item, returned_on=dt.date(2025, 8, 1))
    assert "returned_on" in exc.value.message_dict
    done = property_return_to_customer(actor=sales_user, item=item,
                                       returned_on=dt.date(2025, 9, 20), note="快递退回")
    assert done.status == PropertyStatus.RETURNED and done.returned_on == dt.date(2025, 9, 20)
    with pytest.raises(ValidationError):
        loan_create(actor=sales_user, item=done, data={
            "borrower": make_user("engineer", department="ENG"), "purpose": "p"})
    assert done.movements.filter(kind=MovementKind.TO_CUSTOMER).count() == 1


def test_damage_report_emailed_once_in_the_contacts_language(
    make_item, english_contact, make_user, sales_user, django_capture_on_commit_callbacks
) -> None:
    item = make_item(customer=english_contact.customer, contact=english_contact,
                     name="Sample board")
    finder = make_user("engineer", department="PROD")
    report = damage_report_create(actor=finder, item=item, data={
        "kind": "damaged", "occurred_on": dt.date(2025, 9, 10),
        "description": "跌落导致外壳开裂", "immediate_action": "已隔离保存"})
    assert report.status == DamageStatus.DRAFT and report.contact == english_contact
    assert report.found_by == finder and report.number.startswith("SS2025-")
    item.refresh_from_db()
    assert item.status == PropertyStatus.DAMAGED
    with pytest.raises(ValidationError):
        damage_report_reply(actor=sales_user, report=report, reply="ok")
    with pytest.raises(PermissionDenied):
        damage_report_send(actor=finder, report=report)
    with django_capture_on_commit_callbacks(execute=True):
        sent = damage_report_send(actor=sales_user, report=report,
                                  expected_version=report.version)
        with pytest.raises(ValidationError):
            damage_report_send(actor=sales_user, report=sent)
    assert sent.status == DamageStatus.SENT and sent.sent_to == "john@buyer.example.com"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["john@buyer.example.com"]
    assert "Dear John Miller" in email.body and "damage" in email.subject
    assert "Sample board" in email.body and report.number in email.subject
    assert Message.objects.get().language == "en"
    replied = damage_report_reply(actor=sales_user, report=sent, reply="Please repair it.",
                                  received_on=dt.date(2025, 9, 12))
    assert replied.status == DamageStatus.REPLIED
    assert replied.reply_received_on == dt.date(2025, 9, 12)


def test_loss_report_in_chinese_and_contact_required(make_item, make_customer, sales_user,
                                                     django_capture_on_commit_callbacks) -> None:
    from manyi.customers.models import Contact

    customer = make_customer()
    no_mail = Contact.objects.create(customer=customer, name="张工", function="quality")
    item = make_item(customer=customer, contact=no_mail)
    report = damage_report_create(actor=sales_user, item=item, data={
        "kind": "lost", "occurred_on": dt.date(2025, 9, 10), "description": "搬迁时遗失"})
    item.refresh_from_db()
    assert item.status == PropertyStatus.LOST
    with pytest.raises(ValidationError) as exc:
        damage_report_send(actor=sales_user, report=report)
    assert "contact" in exc.value.message_dict
    zh = Contact.objects.create(customer=customer, name="李经理", function="gm",
                                email="li@buyer.example.cn")
    report.contact = zh
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        damage_report_send(actor=sales_user, report=report)
    assert len(mail.outbox) == 1 and Message.objects.get().language == "zh-hans"
    with pytest.raises(ValidationError):  # a lost item cannot be lent or reported again
        damage_report_create(actor=sales_user, item=item, data={
            "kind": "damaged", "description": "x"})


def test_damage_report_needs_the_holding_department(make_item, make_user) -> None:
    item = make_item(kind="sample")  # held by production
    with pytest.raises(PermissionDenied):
        damage_report_create(actor=make_user("engineer", department="ENG"), item=item,
                             data={"kind": "damaged", "description": "x"})
    with pytest.raises(ValidationError) as exc:
        damage_report_create(actor=make_user("engineer", department="PROD"), item=item,
                             data={"kind": "damaged", "description": "x",
                                   "occurred_on": timezone.localdate() + dt.timedelta(days=2)})
    assert "occurred_on" in exc.value.message_dict


def test_document_register_supersedes_older_versions(make_customer, make_user, dept) -> None:
    engineer = make_user("engineer", department="ENG")
    customer = make_customer(office="BO-GZ")
    base = {"customer": customer, "doc_type": "drawing", "doc_number": "DWG-001",
            "title": "外壳图", "received_on": dt.date(2025, 3, 1)}
    a = document_register(actor=engineer, data={**base, "revision": "A"},
                          distributed_to=[dept("PROD"), dept("QA")])
    b = document_register(actor=engineer, data={**base, "revision": "B",
                                                "received_on": dt.date(2025, 6, 1)})
    a.refresh_from_db()
    assert a.superseded and not b.superseded
    assert sorted(a.distributed_to.values_list("code", flat=True)) == ["PROD", "QA"]
    with pytest.raises(ValidationError):
        document_register(actor=engineer, data={**base, "revision": "B"})
    from manyi.property.selectors import document_list

    production = make_user("engineer", department="PROD")
    assert list(document_list(user=production)) == [a]  # distributed to production
    assert set(document_list(user=engineer)) == {a, b}  # registered by engineering
    assert list(document_list(user=make_user("engineer", department="PUR"))) == []
    with pytest.raises(PermissionDenied):
        document_register(actor=make_user("sales_clerk", department="BO-GZ"),
                          data={**base, "revision": "C"})
    assert ExternalDocument.objects.count() == 2
