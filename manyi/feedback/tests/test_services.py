"""Register services: answered at once / assigned with a working-day due date / answered later,
hand-over of complaints and claims, praise notices, the overdue sweep, refusals."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from manyi.audit.models import AuditEntry
from manyi.common import links
from manyi.common.models import Message
from manyi.common.services import StaleRecordError
from manyi.feedback.models import FeedbackEntry, FeedbackStatus, PraiseNotice
from manyi.feedback.services import (
    feedback_answer,
    feedback_archive,
    feedback_assign,
    feedback_create,
    feedback_overdue_sweep,
    feedback_set_reference,
    feedback_update,
    praise_notice_issue,
    praise_notice_notify,
)

from .conftest import local

pytestmark = pytest.mark.django_db


def test_answered_at_once_is_recorded_with_its_answer(service_user, make_customer) -> None:
    customer = make_customer()
    entry = feedback_create(
        actor=service_user,
        data={"customer": customer, "channel": "face_to_face", "kind": "consultation",
              "subject": "价格", "text": "询问批量价格", "answer": "已提供报价单",
              "received_at": local(2025, 3, 4, 9, 0)},
    )
    assert entry.status == FeedbackStatus.ANSWERED
    assert entry.answer == "已提供报价单" and entry.answered_by == service_user
    assert entry.answered_at is not None and entry.due_at is None
    assert entry.number == "FB2025-0001" and entry.recorded_by == service_user
    assert AuditEntry.objects.filter(object_id=str(entry.pk), action="create").count() == 1


def test_numbers_count_per_year(make_entry) -> None:
    a = make_entry(received_at=local(2024, 12, 31, 20, 0), answer="好")
    b = make_entry(received_at=local(2025, 1, 2, 9, 0), answer="好")
    c = make_entry(received_at=local(2025, 1, 3, 9, 0), answer="好")
    assert (a.number, b.number, c.number) == ("FB2024-0001", "FB2025-0001", "FB2025-0002")


def test_not_answered_and_not_assigned_is_refused(service_user) -> None:
    with pytest.raises(ValidationError) as exc:
        feedback_create(actor=service_user, data={
            "contact_name": "路人", "channel": "phone", "kind": "suggestion",
            "subject": "建议", "text": "包装改进"})
    assert "assigned_department" in exc.value.message_dict
    assert not FeedbackEntry.objects.exists()


def test_answered_and_assigned_at_once_is_refused(make_entry, dept) -> None:
    with pytest.raises(ValidationError) as exc:
        make_entry(answer="答复", assigned_department=dept("ENG"))
    assert "assigned_department" in exc.value.message_dict


def test_unknown_customer_needs_a_name(service_user, dept) -> None:
    with pytest.raises(ValidationError) as exc:
        feedback_create(actor=service_user, data={
            "channel": "phone", "kind": "consultation", "subject": "s", "text": "t",
            "answer": "a"})
    assert "contact_name" in exc.value.message_dict


def test_received_in_the_future_is_refused(make_entry) -> None:
    with pytest.raises(ValidationError) as exc:
        make_entry(received_at=timezone.now() + dt.timedelta(days=1), answer="a")
    assert "received_at" in exc.value.message_dict


def test_due_date_skips_the_2025_national_day_holiday(make_entry) -> None:
    # Tuesday 30 Sep 2025 10:00: 1-8 Oct are holidays → 2 working days = Fri 10 Oct.
    entry = make_entry(received_at=local(2025, 9, 30, 10, 0))
    assert entry.status == FeedbackStatus.OPEN
    assert timezone.localtime(entry.due_at) == local(2025, 10, 10, 10, 0)


def test_due_working_days_are_configurable(settings, make_entry) -> None:
    settings.MANYI_FEEDBACK_ANSWER_WORKDAYS = 1
    entry = make_entry(received_at=local(2025, 9, 30, 10, 0))
    assert timezone.localtime(entry.due_at) == local(2025, 10, 9, 10, 0)
    # Saturday 27 Sep 2025 10:00 → Sunday 28 Sep is a make-up working day
    entry = make_entry(received_at=local(2025, 9, 27, 10, 0))
    assert timezone.localtime(entry.due_at) == local(2025, 9, 28, 10, 0)


def test_assigned_department_answers_later(make_entry, make_user) -> None:
    entry = make_entry()
    engineer = make_user("engineer", department="ENG")
    answered = feedback_answer(actor=engineer, entry=entry, answer="可以，宽电压输入。",
                               expected_version=entry.version)
    assert answered.status == FeedbackStatus.ANSWERED
    assert answered.answered_by == engineer and answered.answered_at is not None
    with pytest.raises(ValidationError):
        feedback_answer(actor=engineer, entry=answered, answer="再答一次")


def test_another_department_may_not_answer(make_entry, make_user) -> None:
    entry = make_entry()
    with pytest.raises(PermissionDenied):
        feedback_answer(actor=make_user("engineer", department="PROD"), entry=entry,
                        answer="x")
    with pytest.raises(PermissionDenied):
        feedback_answer(actor=make_user("viewer", department="ENG"), entry=entry, answer="x")
    entry.refresh_from_db()
    assert entry.status == FeedbackStatus.OPEN


def test_empty_answer_and_stale_answer_are_refused(make_entry, service_user) -> None:
    entry = make_entry()
    with pytest.raises(ValidationError) as exc:
        feedback_answer(actor=service_user, entry=entry, answer="  ")
    assert "answer" in exc.value.message_dict
    feedback_update(actor=service_user, entry=entry, data={"subject": "新主题"},
                    expected_version=1)
    with pytest.raises(StaleRecordError):
        feedback_answer(actor=service_user, entry=entry, answer="a", expected_version=1)


def test_reassign_gives_a_new_due_date(make_entry, service_user, dept, make_user) -> None:
    entry = make_entry(received_at=timezone.now() - dt.timedelta(days=20))
    assert entry.is_overdue
    person = make_user("quality_engineer", department="QA")
    moved = feedback_assign(actor=service_user, entry=entry, department=None, person=person)
    assert moved.assigned_department == dept("QA") and moved.assigned_to == person
    assert not moved.is_overdue
    with pytest.raises(PermissionDenied):
        feedback_assign(actor=make_user("engineer", department="ENG"), entry=moved,
                        department=dept("ENG"))


def test_complaint_and_claim_are_handed_over(make_entry, service_user) -> None:
    complaint = make_entry(kind="complaint", handed_over_to="")
    assert complaint.status == FeedbackStatus.HANDED_OVER
    assert complaint.handed_over_at is not None and complaint.due_at is None
    ref = feedback_set_reference(actor=service_user, entry=complaint, reference="CP2025-0007")
    assert ref.handed_over_to == "CP2025-0007"
    claim = make_entry(kind="claim", handed_over_to="SP-3")
    assert claim.handed_over_to == "SP-3"
    answered = make_entry(answer="ok")
    with pytest.raises(ValidationError):
        feedback_set_reference(actor=service_user, entry=answered, reference="x")


def test_a_connected_handler_opens_the_case(make_entry) -> None:
    seen = []

    def open_case(entry, actor):
        seen.append((entry.pk, actor))
        return SimpleNamespace(number=f"CASE-{entry.number}", pk=1)

    case = links.Receiver(key="complaint.from_feedback", label="case",
                          accepts=("feedback.complaint",), action="feedback.add",
                          create=open_case, url=lambda record: "/case/")
    with links.override("complaint.from_feedback", case):
        entry = make_entry(kind="complaint")
    assert entry.handed_over_to == f"CASE-{entry.number}" and seen[0][0] == entry.pk
    assert make_entry(kind="complaint").handed_over_to == ""


def test_praise_is_recorded(make_entry) -> None:
    entry = make_entry(kind="praise", answer="感谢您的肯定")
    assert entry.status == FeedbackStatus.RECORDED and entry.answer == "感谢您的肯定"


def test_praise_notice_notifies_once(make_entry, service_user, make_user, dept,
                                     django_capture_on_commit_callbacks) -> None:
    manager = make_user("engineer", department="PROD", email="boss@example.cn")
    prod = dept("PROD")
    prod.manager = manager
    prod.save()
    worker = make_user("engineer", department="PROD", email="w@example.cn", language="en")
    entry = make_entry(kind="praise")
    with django_capture_on_commit_callbacks(execute=True):
        notice = praise_notice_issue(actor=service_user, data={
            "entry": entry, "aspect": "delivery", "department": prod,
            "text": "客户表扬生产部按期交付"})
        assert praise_notice_notify(notice) == 0
    assert notice.number.startswith("TB") and notice.issued_by == service_user
    recipients = set(Message.objects.filter(key__startswith=f"praise:{notice.pk}:")
                     .values_list("recipient", flat=True))
    assert recipients == {manager.pk, worker.pk}
    assert len(mail.outbox) == 2
    assert {m.language for m in Message.objects.all()} == {"zh-hans", "en"}


def test_praise_notice_needs_someone_to_praise(service_user) -> None:
    with pytest.raises(ValidationError) as exc:
        praise_notice_issue(actor=service_user, data={"aspect": "service", "text": "好"})
    assert "department" in exc.value.message_dict
    assert not PraiseNotice.objects.exists() and not Message.objects.exists()


def test_praise_notice_refused_without_permission(make_user, dept) -> None:
    with pytest.raises(PermissionDenied):
        praise_notice_issue(actor=make_user("engineer", department="ENG"),
                            data={"aspect": "service", "department": dept("ENG"), "text": "x"})


def test_overdue_sweep_notifies_the_assignee_once(make_entry, make_user, dept,
                                                  django_capture_on_commit_callbacks) -> None:
    person = make_user("engineer", department="ENG", email="eng@example.cn")
    late = make_entry(assigned_to=person, received_at=timezone.now() - dt.timedelta(days=15))
    make_entry(received_at=timezone.now())  # not yet due
    done = make_entry(received_at=timezone.now() - dt.timedelta(days=15))
    feedback_answer(actor=None, entry=done, answer="答复")
    with django_capture_on_commit_callbacks(execute=True):
        assert feedback_overdue_sweep() == 1
        assert feedback_overdue_sweep() == 0
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["eng@example.cn"]
    message = Message.objects.get()
    assert message.recipient == person and late.number in message.subject
    # A new assignment with a new due date that is missed again is notified again.
    late.refresh_from_db()
    later = timezone.now() + dt.timedelta(days=30)
    feedback_assign(actor=None, entry=late, department=dept("ENG"), person=person)
    assert feedback_overdue_sweep(now=later) == 1
    assert feedback_overdue_sweep(now=later) == 0


def test_overdue_without_person_goes_to_the_department_manager(make_entry, make_user,
                                                               dept) -> None:
    manager = make_user("quality_manager", department="QA")
    qa = dept("QA")
    qa.manager = manager
    qa.save()
    make_entry(assigned_department=qa, received_at=timezone.now() - dt.timedelta(days=15))
    assert feedback_overdue_sweep() == 1
    assert Message.objects.get().recipient == manager


def test_overdue_sweep_task_is_registered_and_runs(make_entry) -> None:
    from manyi.common.scheduling import REGISTRY
    from manyi.feedback.tasks import feedback_overdue_sweep_task

    assert "feedback.overdue_sweep" in REGISTRY
    manager_less = make_entry(received_at=timezone.now() - dt.timedelta(days=15))
    assert manager_less.is_overdue
    result = feedback_overdue_sweep_task.enqueue()
    assert result.return_value == 0  # ENG has no manager and no person: nobody to tell


def test_branch_clerk_records_only_own_customers(make_user, make_customer) -> None:
    clerk = make_user("sales_clerk", department="BO-SH")
    mine, theirs = make_customer(office="BO-SH"), make_customer(office="BO-GZ")
    data = {"channel": "sales_visit", "kind": "suggestion", "subject": "s", "text": "t",
            "answer": "已答复"}
    assert feedback_create(actor=clerk, data={**data, "customer": mine}).customer == mine
    with pytest.raises(ValidationError) as exc:
        feedback_create(actor=clerk, data={**data, "customer": theirs})
    assert "customer" in exc.value.message_dict
    walk_in = feedback_create(actor=clerk, data={**data, "contact_name": "散客"})
    assert walk_in.customer is None
    with pytest.raises(PermissionDenied):
        feedback_create(actor=make_user("viewer", department="BO-SH"),
                        data={**data, "customer": mine})


def test_contact_must_belong_to_the_customer(make_entry, make_customer) -> None:
    from manyi.customers.models import Contact

    a, b = make_customer(), make_customer()
    contact = Contact.objects.create(customer=b, name="李工", function="quality")
    with pytest.raises(ValidationError) as exc:
        make_entry(customer=a, contact=contact, answer="x")
    assert "contact" in exc.value.message_dict


def test_archive_needs_manage(make_entry, make_user, service_user) -> None:
    entry = make_entry(answer="x")
    with pytest.raises(PermissionDenied):
        feedback_archive(actor=make_user("engineer", department="ENG"), entry=entry)
    archived = feedback_archive(actor=service_user, entry=entry)
    assert archived.archived_at is not None
    assert FeedbackEntry.objects.filter(pk=entry.pk).exists()
