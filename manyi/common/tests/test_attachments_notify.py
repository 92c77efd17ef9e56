"""Attachments are validated and stored under random names; downloads check permission;
notifications are sent once per key in the recipient's language."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from manyi.accounts.permissions import can
from manyi.common.attachments import attachment_add, register_attachment_owner
from manyi.common.calendar import company_calendar, deadline_in_workdays
from manyi.common.models import Attachment, CompanyClosure, Message, RecordProtectedError
from manyi.common.notify import email_address, notify_users
from manyi.customers.models import Customer

pytestmark = pytest.mark.django_db


def pdf(name: str = "receipt.pdf", body: bytes = b"%PDF-1.4 test") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def test_upload_is_stored_under_a_random_name(make_user, make_customer) -> None:
    user = make_user("customer_service", department="CS")
    customer = make_customer()
    att = attachment_add(actor=user, obj=customer, upload=pdf("../../etc/passwd.pdf"))
    assert att.original_name == "passwd.pdf"
    stored = str(att.file.name)
    assert ".." not in stored and stored.startswith("attachments/")
    assert stored.endswith(".pdf") and "passwd" not in stored
    with pytest.raises(RecordProtectedError):
        att.delete()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("x.exe", b"MZ..."), "不允许上传 .exe"),
        (SimpleUploadedFile("x.pdf", b"<html>"), "与其类型 .pdf 不符"),
        (SimpleUploadedFile("x.pdf", b""), "文件为空"),
    ],
)
def test_bad_uploads_are_refused(make_customer, upload, message) -> None:
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=None, obj=make_customer(), upload=upload)
    assert message in str(exc.value.message_dict["file"])
    assert not Attachment.objects.exists()


def test_upload_size_limit(settings, make_customer) -> None:
    settings.MANYI_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(ValidationError) as exc:
        attachment_add(actor=None, obj=make_customer(), upload=pdf(body=b"%PDF" + b"x" * 20))
    assert "文件过大" in str(exc.value)  # Chinese is the default language


def test_download_checks_the_owner_record(client, make_user, make_customer) -> None:
    register_attachment_owner(Customer, lambda user, obj: can(user, "customer.view", obj))
    att = attachment_add(actor=None, obj=make_customer(office="BO-GZ"), upload=pdf())
    client.force_login(make_user("branch_manager", department="BO-SH"))
    assert client.get(f"/attachments/{att.pk}/").status_code == 404
    client.force_login(make_user("customer_service", department="CS"))
    response = client.get(f"/attachments/{att.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]


def test_notify_once_per_key_in_the_users_language(make_user, django_capture_on_commit_callbacks):
    zh = make_user(email="zh@example.cn", language="zh-hans")
    en = make_user(email="en@example.com", language="en")
    ctx = {"title": "T", "url": "/x/"}
    with django_capture_on_commit_callbacks(execute=True):
        first = notify_users(key="k1", users=[zh, en], template="generic", context=ctx)
        again = notify_users(key="k1", users=[zh, en], template="generic", context=ctx)
    assert len(first) == 2 and again == []
    assert Message.objects.count() == 2 and len(mail.outbox) == 2
    subjects = {m.language: m.subject for m in Message.objects.all()}
    assert subjects["zh-hans"] != subjects["en"]


def test_email_to_an_outside_address_once(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        email_address(key="ack:1", to="buyer@x.example.cn", language="zh-hans",
                      template="generic", context={"title": "T"})
        email_address(key="ack:1", to="buyer@x.example.cn", language="zh-hans",
                      template="generic", context={"title": "T"})
    assert len(mail.outbox) == 1


def test_company_closures_move_deadlines() -> None:
    start = dt.datetime(2025, 9, 30, 10, 0, tzinfo=dt.UTC)  # 18:00 in Shanghai
    assert deadline_in_workdays(start, 1).date() == dt.date(2025, 10, 9)
    CompanyClosure.objects.create(date=dt.date(2025, 10, 9), reason="盘点")
    assert deadline_in_workdays(start, 1).date() == dt.date(2025, 10, 10)
    assert not company_calendar().is_workday(dt.date(2025, 10, 9))
