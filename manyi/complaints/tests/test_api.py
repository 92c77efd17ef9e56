"""The complaints API: the same scope, workflow and errors as the pages."""

from __future__ import annotations

import pytest

from manyi.accounts.services import api_token_create
from manyi.complaints.models import Complaint, ComplaintState

pytestmark = pytest.mark.django_db
S = ComplaintState
BASE = "/api/v1/complaints"


def auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def post(client, url, data, user):
    return client.post(url, data, content_type="application/json", **auth(user))


def test_anonymous_and_unauthorised_callers_are_refused(client, people, new_complaint) -> None:
    c = new_complaint()
    assert client.get(f"{BASE}/").status_code == 401
    assert client.get(f"{BASE}/", **auth(people.nobody)).status_code == 403
    assert client.get(f"{BASE}/{c.pk}", **auth(people.nobody)).status_code == 404
    assert client.get(f"{BASE}/{c.pk}", **auth(people.clerk_gz)).status_code == 404
    payload = {"customer": c.customer_id, "channel": "phone", "contact_name": "x",
               "description": "x", "content_category": "service_quality"}
    assert post(client, f"{BASE}/", payload, people.viewer).status_code == 403
    assert post(client, f"{BASE}/{c.pk}/transitions/analyse", {"data": {}},
                people.clerk_gz).status_code == 404


def test_create_list_detail(client, people, customer, contact, product) -> None:
    payload = {"customer": customer.pk, "contact": contact.pk, "channel": "email",
               "product": product.pk, "batch_number": "B9", "description": "指示灯不亮",
               "content_category": "product_quality", "received_at": "2026-02-03T09:15:00+08:00"}
    created = post(client, f"{BASE}/", payload, people.clerk)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "TS-2026-00001" and body["state"] == "received"
    assert body["customer_name"] == customer.name and body["overdue"] is True
    bad = post(client, f"{BASE}/", {**payload, "channel": "pigeon"}, people.clerk)
    assert bad.status_code == 422 and "channel" in bad.json()["errors"]
    gz = post(client, f"{BASE}/", payload, people.clerk_gz)
    assert gz.status_code == 422 and "customer" in gz.json()["errors"]

    listing = client.get(f"{BASE}/?overdue=true", **auth(people.branch)).json()
    assert listing["count"] == 1 and listing["items"][0]["id"] == body["id"]
    assert client.get(f"{BASE}/", **auth(people.clerk_gz)).json()["count"] == 0
    assert client.get(f"{BASE}/?state=closed", **auth(people.branch)).json()["count"] == 0
    one = client.get(f"{BASE}/{body['id']}", **auth(people.service))
    assert one.status_code == 200 and one.json()["batch_number"] == "B9"


def test_transitions_and_proposals(client, people, new_complaint) -> None:
    c = new_complaint()
    url = f"{BASE}/{c.pk}/transitions"
    steps = client.get(url, **auth(people.clerk)).json()
    assert [s["name"] for s in steps] == ["analyse"]
    assert client.get(url, **auth(people.service)).json() == []

    wrong = post(client, f"{url}/accept", {"data": {}}, people.clerk)
    assert wrong.status_code == 409
    assert wrong.json()["state"] == "received" and wrong.json()["allowed"] == ["analyse", "cancel"]
    invalid = post(client, f"{url}/analyse", {"data": {"nature": "effective"}}, people.clerk)
    assert invalid.status_code == 422 and "analysis" in invalid.json()["errors"]
    forbidden = post(client, f"{url}/analyse",
                     {"data": {"nature": "effective", "analysis": "x",
                               "content_category": "product_quality", "severity": "general"}},
                     people.service)
    assert forbidden.status_code == 403
    ok = post(client, f"{url}/analyse",
              {"version": 1, "data": {"nature": "effective", "analysis": "x",
                                      "content_category": "product_quality",
                                      "severity": "general", "escalate": False}},
              people.clerk)
    assert ok.status_code == 200 and ok.json()["state"] == "sales_handling"
    stale = post(client, f"{url}/propose",
                 {"version": 1, "data": {"kind": "repair", "description": "x"}}, people.clerk)
    assert stale.status_code == 409 and stale.json()["current_version"] == 2
    money = post(client, f"{url}/propose",
                 {"data": {"kind": "refund", "description": "退款", "amount": "1200.50"}},
                 people.clerk)
    assert money.json()["state"] == "awaiting_approval"
    approved = post(client, f"{url}/approve", {"data": {"note": "ok"}}, people.sales_manager)
    assert approved.json()["state"] == "remedy_proposed"
    post(client, f"{url}/reject", {"data": {"note": "太少"}}, people.clerk)
    post(client, f"{url}/propose", {"data": {"kind": "repair", "description": "维修"}},
         people.clerk)
    post(client, f"{url}/accept", {"data": {}}, people.clerk)
    post(client, f"{url}/carry_out", {"data": {"result": "修好"}}, people.clerk)
    root = post(client, f"{url}/record_root_cause",
                {"data": {"root_cause": "x", "capa_required": False}}, people.clerk)
    assert root.json()["capa_required"] is False
    proposals = client.get(f"{BASE}/{c.pk}/proposals", **auth(people.clerk)).json()
    assert [(p["number"], p["status"], p["amount"]) for p in proposals] == [
        (1, "rejected", "1200.50"), (2, "accepted", None)
    ]
    history = client.get(f"{BASE}/{c.pk}/history", **auth(people.clerk))
    assert history.status_code == 200 and len(history.json()) >= 8
    assert post(client, f"{url}/nonsense", {"data": {}}, people.clerk).status_code == 404


def test_kpis_endpoint(client, people, new_complaint) -> None:
    new_complaint()
    data = client.get(f"{BASE}/kpis", **auth(people.sales_manager)).json()
    assert data["received"] == 1 and data["closure_rate"] == "0.0"
    assert client.get(f"{BASE}/kpis?period=2020", **auth(people.sales_manager)).json()[
        "received"] == 0
    assert client.get(f"{BASE}/kpis", **auth(people.nobody)).status_code == 403


def test_escalated_complaint_is_reachable_for_quality(client, people, new_complaint,
                                                      step) -> None:
    c = new_complaint()
    assert client.get(f"{BASE}/{c.pk}", **auth(people.qe)).status_code == 404
    step(c, "analyse", people.clerk, nature="effective", analysis="x", escalate=True)
    assert client.get(f"{BASE}/{c.pk}", **auth(people.qe)).status_code == 200
    assert Complaint.objects.get(pk=c.pk).state == S.ESCALATED


def test_hand_over_through_the_api(client, people, new_complaint) -> None:
    c = new_complaint()
    url = f"{BASE}/{c.pk}/reassign"
    assert post(client, url, {"owner": people.branch.pk, "note": "x"},
                people.service).status_code == 403
    assert post(client, url, {"owner": people.branch.pk, "note": "x"},
                people.clerk_gz).status_code == 404
    wrong = post(client, url, {"owner": people.clerk_gz.pk, "note": "出差"}, people.clerk)
    assert wrong.status_code == 422 and "owner" in wrong.json()["errors"]
    stale = post(client, url, {"owner": people.branch.pk, "note": "出差", "version": 0},
                 people.clerk)
    assert stale.status_code == 409 and stale.json()["current_version"] == c.version
    ok = post(client, url, {"owner": people.branch.pk, "note": "出差", "version": c.version},
              people.clerk)
    assert ok.status_code == 200
    assert Complaint.objects.get(pk=c.pk).owner == people.branch
