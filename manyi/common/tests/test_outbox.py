"""Notifications go through an outbox: a write never fails because the mail server is down;
the worker delivers the message later, once, with retries and back-off."""

from __future__ import annotations

import datetime as dt
import smtplib
import threading
import time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse
from django.utils import timezone

from manyi.accounts.services import api_token_create
from manyi.common.models import Message
from manyi.complaints.models import Complaint

DOWN = "manyi.common.tests.test_outbox.SmtpDownBackend"
SLOW = "manyi.common.tests.test_outbox.SlowBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class SmtpDownBackend(BaseEmailBackend):
    """The SMTP server refuses connections."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPConnectError(421, "mail server down")


class SlowBackend(BaseEmailBackend):
    """Counts what it sends and takes its time, so two senders overlap."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_messages(self, email_messages: Any) -> int:
        time.sleep(0.3)
        with self.lock:
            SlowBackend.sent.extend(m.subject for m in email_messages)
        return len(email_messages)


@pytest.fixture
def clerk(make_user: Any) -> Any:
    return make_user("sales_clerk", department="BO-SH", username="clerk_sh",
                     email="clerk@example.cn")


@pytest.fixture
def customer(make_customer: Any) -> Any:
    return make_customer(office="BO-SH", bu="BU-PWR", name="上海测试电气有限公司")


@pytest.fixture
def contact(customer: Any) -> Any:
    from manyi.customers.models import Contact

    return Contact.objects.create(customer=customer, name="王经理", function="quality",
                                  email="wang@customer.example.cn", language="zh-hans")


def api_payload(customer: Any, contact: Any) -> dict[str, Any]:
    return {"customer": customer.pk, "contact": contact.pk, "channel": "email",
            "description": "指示灯不亮", "content_category": "service_quality",
            "received_at": "2026-02-03T09:15:00+08:00"}


def later(minutes: int = 60 * 24) -> dt.datetime:
    return timezone.now() + dt.timedelta(minutes=minutes)


@pytest.mark.django_db(transaction=True)
def test_api_answers_201_when_the_mail_server_is_down_and_sends_later(
    client, settings, clerk, customer, contact
) -> None:
    settings.EMAIL_BACKEND = DOWN
    _token, key = api_token_create(user=clerk)
    response = client.post("/api/v1/complaints/", api_payload(customer, contact),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get()
    ack = Message.objects.get(key=f"complaint:{complaint.pk}:ack")
    assert ack.state == Message.State.QUEUED and ack.attempts == 1
    assert "mail server down" in ack.last_error and ack.sent_at is None
    assert ack.next_attempt_at is not None and ack.next_attempt_at > timezone.now()
    assert mail.outbox == []

    from manyi.common.tasks import deliver_due_messages

    assert deliver_due_messages.call() == 0  # not due yet: back-off
    settings.EMAIL_BACKEND = LOCMEM
    assert deliver_due_messages.call(now=later().isoformat()) >= 1
    assert deliver_due_messages.call(now=later().isoformat()) == 0
    to_contact = [m for m in mail.outbox if contact.email in m.to]
    assert len(to_contact) == 1 and complaint.number in to_contact[0].subject
    ack.refresh_from_db()
    assert ack.state == Message.State.SENT and ack.sent_at is not None and ack.attempts == 2


@pytest.mark.django_db(transaction=True)
def test_page_post_answers_when_the_mail_server_is_down(
    client, settings, clerk, customer, contact, product
) -> None:
    settings.EMAIL_BACKEND = DOWN
    client.force_login(clerk)
    data = {
        "customer": customer.pk, "contact": contact.pk, "channel": "phone",
        "received_at": "2026-01-05T10:30", "product": product.pk, "batch_number": "B1",
        "description": "外壳开裂", "content_category": "product_quality", "severity": "general",
        "contact_language": "zh-hans",
    }
    response = client.post(reverse("complaints:create"), data)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:detail", args=[complaint.pk])
    queued = Message.objects.filter(state=Message.State.QUEUED)
    assert queued.filter(key=f"complaint:{complaint.pk}:ack").exists()
    assert all(m.last_error for m in queued)


# --- retries, back-off, the limit, the administrator's retry ------------------------------


@pytest.mark.django_db
def test_retries_back_off_then_fail_permanently_and_the_admin_retries(
    settings, django_capture_on_commit_callbacks, client, make_user
) -> None:
    from manyi.common.notify import email_address, messages_deliver_due

    admin_client = client
    admin_client.force_login(make_user(username="root", is_staff=True, is_superuser=True))

    settings.EMAIL_BACKEND = DOWN
    settings.MANYI_OUTBOX_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        email_address(key="ack:9", to="buyer@x.example.cn", language="zh-hans",
                      template="generic", context={"title": "T"})
    message = Message.objects.get()
    first = message.next_attempt_at
    assert message.state == Message.State.QUEUED and message.attempts == 1 and first
    assert messages_deliver_due(now=first - dt.timedelta(seconds=1)) == 0  # not due yet
    messages_deliver_due(now=first)
    message.refresh_from_db()
    assert message.attempts == 2 and message.state == Message.State.QUEUED
    assert message.next_attempt_at is not None
    assert message.next_attempt_at - first == dt.timedelta(minutes=2)  # 1 min, then 2 min
    messages_deliver_due(now=message.next_attempt_at)
    message.refresh_from_db()
    assert message.state == Message.State.FAILED and message.attempts == 3
    assert message.next_attempt_at is None and "mail server down" in message.last_error
    assert messages_deliver_due(now=later(10**5)) == 0  # given up: never picked again

    page = admin_client.get("/admin/common/message/?unsent=failed")
    assert page.status_code == 200
    assert "buyer@x.example.cn" in page.content.decode() and "mail server down" in (
        page.content.decode())
    settings.EMAIL_BACKEND = LOCMEM
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/common/message/",
                                     {"action": "retry_now", "_selected_action": [message.pk]})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1
    assert [m.to for m in mail.outbox] == [["buyer@x.example.cn"]]


@pytest.mark.django_db
def test_a_failed_enqueue_neither_raises_nor_loses_the_message(
    monkeypatch, django_capture_on_commit_callbacks
) -> None:
    from manyi.common import tasks
    from manyi.common.notify import email_address

    def broken(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("task queue unreachable")

    monkeypatch.setattr(tasks, "deliver_message", SimpleNamespace(enqueue=broken))
    with django_capture_on_commit_callbacks(execute=True):
        assert email_address(key="ack:8", to="b@x.example.cn", language="en",
                             template="generic", context={"title": "T"})
    assert mail.outbox == [] and Message.objects.get().state == Message.State.QUEUED
    assert tasks.deliver_due_messages.call() == 1
    assert tasks.deliver_due_messages.call() == 0
    assert len(mail.outbox) == 1 and Message.objects.get().state == Message.State.SENT


@pytest.mark.django_db
def test_a_message_in_the_app_only_is_never_sent(make_user, django_capture_on_commit_callbacks):
    from manyi.common.notify import messages_deliver_due, notify_users

    user = make_user(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(key="k", users=[user], template="generic", context={"title": "T"})
    assert Message.objects.get().state == Message.State.IN_APP
    assert messages_deliver_due(now=later()) == 0 and mail.outbox == []


@pytest.mark.django_db
def test_another_channel_plugs_in(monkeypatch, django_capture_on_commit_callbacks) -> None:
    from manyi.common import notify

    texts: list[str] = []
    monkeypatch.setattr(notify, "CHANNELS", dict(notify.CHANNELS))
    notify.register_channel("sms")(lambda m: texts.append(m.subject))
    with django_capture_on_commit_callbacks(execute=True):
        notify._create("sms:1", deliver=True, channel="sms", to_email="", subject="短信",
                       body="b", language="zh-hans")
        notify._create("fax:1", deliver=True, channel="fax", to_email="", subject="传真",
                       body="b", language="zh-hans")
    assert texts == ["短信"] and mail.outbox == []
    assert Message.objects.get(key="sms:1").state == Message.State.SENT
    fax = Message.objects.get(key="fax:1")
    assert fax.state == Message.State.FAILED and "unknown channel" in fax.last_error


# --- at most once with two senders ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_send_once(settings) -> None:
    from django.db import connection

    from manyi.common.notify import _create, message_deliver

    settings.EMAIL_BACKEND = SLOW
    SlowBackend.sent = []
    message = _create("race:1", deliver=False, to_email="r@x.example.cn", subject="一次",
                      body="b", language="zh-hans")
    assert message is not None
    Message.objects.filter(pk=message.pk).update(state=Message.State.QUEUED,
                                                 next_attempt_at=timezone.now())
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sender() -> None:
        try:
            barrier.wait()
            outcomes.append(message_deliver(message.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert SlowBackend.sent == ["一次"]
    assert sorted(outcomes) == ["", "sent"]
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1
    # The periodic job finds nothing left to send.
    assert message_deliver(message.pk, now=later()) == ""
