"""Property API: unauthorised callers refused, same scope and rules as the pages."""

from __future__ import annotations

import pytest
from django.core import mail

from manyi.accounts.services import api_token_create
from manyi.property.models import CustomerProperty, LoanSlip

pytestmark = pytest.mark.django_db

BASE = "/api/v1/property"


def auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_anonymous_and_unprivileged_callers_are_refused(client, make_user, make_item) -> None:
    item = make_item()
    for path in ("/items/", "/loans/", "/documents/", "/damage/"):
        assert client.get(BASE + path).status_code == 401
    headers = auth(make_user(department="QA"))
    for path in ("/items/", "/loans/", "/documents/", "/damage/"):
        assert client.get(BASE + path, **headers).status_code == 403, path
    assert client.get(f"{BASE}/items/{item.pk}", **headers).status_code == 404
    assert client.post(f"{BASE}/items/", {"customer": item.customer_id, "kind": "sample",
                                           "name": "x"},
                       content_type="application/json", **headers).status_code == 403


def test_receive_lend_and_return(client, sales_user, make_customer, make_user, dept) -> None:
    headers = auth(sales_user)
    customer = make_customer()
    created = client.post(f"{BASE}/items/", {"customer": customer.pk, "kind": "drawing",
                                              "name": "外壳图纸", "received_on": "2025-09-01"},
                          content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    item = created.json()
    assert item["holding_department_id"] == dept("ENG").pk and item["status"] == "held"
    bad = client.post(f"{BASE}/items/", {"customer": customer.pk, "kind": "rock", "name": "x"},
                      content_type="application/json", **headers)
    assert bad.status_code == 422 and "kind" in bad.json()["errors"]
    moves = client.get(f"{BASE}/items/{item['id']}/movements", **headers).json()
    assert [m["kind"] for m in moves] == ["received"]
    borrower = make_user("engineer", department="ENG")
    loan = client.post(f"{BASE}/loans/", {"item": item["id"], "borrower": borrower.pk,
                                           "purpose": "装配参考", "due_workdays": 2},
                       content_type="application/json", **headers)
    assert loan.status_code == 201, loan.content
    body = loan.json()
    assert body["overdue"] is False and body["department_id"] == dept("ENG").pk
    twice = client.post(f"{BASE}/loans/", {"item": item["id"], "borrower": borrower.pk,
                                            "purpose": "again"},
                        content_type="application/json", **headers)
    assert twice.status_code == 422
    assert client.get(f"{BASE}/loans/?open=true", **headers).json()["count"] == 1
    back = client.post(f"{BASE}/loans/{body['id']}/return", {"return_condition": "intact"},
                       content_type="application/json", **auth(borrower))
    assert back.status_code == 200 and back.json()["returned_at"]
    assert client.get(f"{BASE}/loans/?open=false", **headers).json()["count"] == 1
    assert CustomerProperty.objects.get().status == "held"
    assert LoanSlip.objects.count() == 1


def test_scope_in_the_api(client, make_user, make_item, make_customer) -> None:
    mine = make_item(customer=make_customer(office="BO-SH"))
    other = make_item(customer=make_customer(office="BO-GZ"))
    headers = auth(make_user("branch_manager", department="BO-SH"))
    data = client.get(f"{BASE}/items/", **headers).json()
    assert [i["id"] for i in data["items"]] == [mine.pk]
    assert client.get(f"{BASE}/items/{other.pk}", **headers).status_code == 404
    assert client.post(f"{BASE}/items/{other.pk}/return", {"returned_on": "2025-09-02"},
                       content_type="application/json", **headers).status_code == 404


def test_damage_report_send_and_reply(client, sales_user, make_item, english_contact,
                                      django_capture_on_commit_callbacks) -> None:
    headers = auth(sales_user)
    item = make_item(customer=english_contact.customer, contact=english_contact)
    created = client.post(f"{BASE}/damage/", {"item": item.pk, "kind": "lost",
                                               "occurred_on": "2025-09-03",
                                               "description": "遗失"},
                          content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    early = client.post(f"{BASE}/damage/{pk}/reply", {"customer_reply": "ok"},
                        content_type="application/json", **headers)
    assert early.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"{BASE}/damage/{pk}/send", {"version": 1},
                           content_type="application/json", **headers)
        assert sent.status_code == 200 and sent.json()["sent_language"] == "en"
        again = client.post(f"{BASE}/damage/{pk}/send", {},
                            content_type="application/json", **headers)
        assert again.status_code == 422
    assert len(mail.outbox) == 1 and "loss" in mail.outbox[0].subject
    reply = client.post(f"{BASE}/damage/{pk}/reply", {"customer_reply": "Compensate please"},
                        content_type="application/json", **headers)
    assert reply.status_code == 200 and reply.json()["status"] == "replied"


def test_document_register_via_api(client, make_user, make_customer, dept) -> None:
    headers = auth(make_user("engineer", department="ENG"))
    customer = make_customer()
    payload = {"customer": customer.pk, "doc_number": "SPEC-1", "revision": "1.0",
               "title": "技术规格书", "received_on": "2025-04-01", "doc_type": "specification",
               "distributed_to": [dept("QA").pk]}
    created = client.post(f"{BASE}/documents/", payload, content_type="application/json",
                          **headers)
    assert created.status_code == 201, created.content
    assert created.json()["distributed_to"] == [dept("QA").pk]
    dup = client.post(f"{BASE}/documents/", payload, content_type="application/json",
                      **headers)
    assert dup.status_code == 422
    listed = client.get(f"{BASE}/documents/?current=true", **headers).json()
    assert listed["count"] == 1
