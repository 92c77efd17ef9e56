"""Feedback API: same permissions and scope as the pages; unauthorised callers refused."""

from __future__ import annotations

import pytest

from manyi.accounts.services import api_token_create
from manyi.feedback.models import FeedbackEntry, PraiseNotice

pytestmark = pytest.mark.django_db

BASE = "/api/v1/feedback"


def auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_anonymous_and_unprivileged_callers_are_refused(client, make_user, make_entry) -> None:
    entry = make_entry()
    assert client.get(f"{BASE}/").status_code == 401
    assert client.post(f"{BASE}/", {}, content_type="application/json").status_code == 401
    headers = auth(make_user(department="QA"))
    assert client.get(f"{BASE}/", **headers).status_code == 403
    assert client.get(f"{BASE}/praise/", **headers).status_code == 403
    assert client.get(f"{BASE}/{entry.pk}", **headers).status_code == 404
    payload = {"channel": "phone", "kind": "consultation", "subject": "s", "text": "t",
               "contact_name": "x", "answer": "a"}
    assert client.post(f"{BASE}/", payload, content_type="application/json",
                       **headers).status_code == 403
    assert client.post(f"{BASE}/{entry.pk}/answer", {"answer": "x"},
                       content_type="application/json", **headers).status_code == 404


def test_create_answer_and_list(client, make_user, make_customer, dept) -> None:
    headers = auth(make_user("customer_service", department="CS"))
    customer = make_customer()
    payload = {"channel": "email", "kind": "consultation", "customer": customer.pk,
               "subject": "质保期", "text": "询问质保期", "assigned_department": dept("QA").pk}
    created = client.post(f"{BASE}/", payload, content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "open" and body["due_at"] and body["overdue"] is False
    bad = client.post(f"{BASE}/", {**payload, "assigned_department": None},
                      content_type="application/json", **headers)
    assert bad.status_code == 422 and "assigned_department" in bad.json()["errors"]
    bad = client.post(f"{BASE}/", {**payload, "channel": "pigeon"},
                      content_type="application/json", **headers)
    assert bad.status_code == 422 and "channel" in bad.json()["errors"]
    pk = body["id"]
    engineer = auth(make_user("quality_engineer", department="QA"))
    answered = client.post(f"{BASE}/{pk}/answer", {"answer": "两年", "version": 1},
                           content_type="application/json", **engineer)
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    stale = client.post(f"{BASE}/{pk}/answer", {"answer": "again"},
                        content_type="application/json", **engineer)
    assert stale.status_code == 422
    listed = client.get(f"{BASE}/?status=answered", **headers).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == body["number"]
    assert client.get(f"{BASE}/?status=open", **headers).json()["count"] == 0


def test_stale_assign_is_409(client, make_user, make_entry, dept) -> None:
    entry = make_entry()
    headers = auth(make_user("customer_service", department="CS"))
    ok = client.post(f"{BASE}/{entry.pk}/assign",
                     {"assigned_department": dept("PROD").pk, "version": 1},
                     content_type="application/json", **headers)
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.post(f"{BASE}/{entry.pk}/assign",
                        {"assigned_department": dept("ENG").pk, "version": 1},
                        content_type="application/json", **headers)
    assert stale.status_code == 409
    assert FeedbackEntry.objects.get().assigned_department == dept("PROD")


def test_branch_scope_in_the_api(client, make_user, make_customer, make_entry) -> None:
    make_entry(customer=make_customer(office="BO-SH"), answer="a")
    other = make_entry(customer=make_customer(office="BO-GZ"), answer="a")
    headers = auth(make_user("branch_manager", department="BO-SH"))
    assert client.get(f"{BASE}/", **headers).json()["count"] == 1
    assert client.get(f"{BASE}/{other.pk}", **headers).status_code == 404


def test_praise_notice_via_api(client, make_user, make_entry, dept) -> None:
    entry = make_entry(kind="praise")
    headers = auth(make_user("sales_manager", department="SALES"))
    created = client.post(f"{BASE}/praise/", {"entry": entry.pk, "aspect": "delivery",
                                               "department": dept("PROD").pk, "text": "按期"},
                          content_type="application/json", **headers)
    assert created.status_code == 201, created.content
    assert PraiseNotice.objects.get().entry == entry
    assert client.get(f"{BASE}/praise/", **headers).json()["count"] == 1
    pk = created.json()["id"]
    assert client.get(f"{BASE}/praise/{pk}", **headers).status_code == 200
    engineer = auth(make_user("engineer", department="ENG"))
    refused = client.post(f"{BASE}/praise/", {"aspect": "delivery",
                                              "department": dept("ENG").pk, "text": "x"},
                          content_type="application/json", **engineer)
    assert refused.status_code == 403
