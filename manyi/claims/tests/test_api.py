"""API: list/detail/create/transition with the same permissions and scope as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from manyi.accounts.services import api_token_create
from manyi.claims.models import Claim, QualityCost, SupplierRecourse

from .conftest import pdf

pytestmark = pytest.mark.django_db
J = "application/json"


def auth(user) -> dict[str, str]:
    _token, key = api_token_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def step(client, user, pk, name, version=None, **body):
    return client.post(f"/api/v1/claims/{pk}/transition",
                       {"name": name, "version": version, **body}, content_type=J,
                       **auth(user))


def test_anonymous_and_roleless_callers_are_refused(client, make_user, new_claim) -> None:
    claim = new_claim()
    assert client.get("/api/v1/claims/").status_code == 401
    nobody = auth(make_user(department="QA"))
    assert client.get("/api/v1/claims/", **nobody).status_code == 403
    assert client.get(f"/api/v1/claims/{claim.pk}", **nobody).status_code == 404
    assert client.get("/api/v1/claims/costs", **nobody).status_code == 403


def test_list_is_scoped_and_filtered(client, new_claim, advance, people, make_customer,
                                     make_user) -> None:
    mine = new_claim()
    advance(new_claim(), "acknowledgement", liability="customer")
    manager = make_user("sales_manager", department="SALES")
    new_claim(customer=make_customer(office="BO-GZ"), actor=manager, handler=manager)
    data = client.get("/api/v1/claims/", **auth(people.sales)).json()
    assert data["count"] == 2
    data = client.get("/api/v1/claims/", **auth(people.finance)).json()
    assert data["count"] == 3
    data = client.get("/api/v1/claims/?liability=customer", **auth(people.gm)).json()
    assert data["count"] == 1 and data["items"][0]["state"] == "acknowledgement"
    data = client.get("/api/v1/claims/?state=collecting&sort=number",
                      **auth(people.gm)).json()
    assert data["items"][0]["number"] == mine.number
    assert client.get(f"/api/v1/claims/?customer={mine.customer_id}",
                      **auth(people.sales)).json()["count"] == 2


def test_create_detail_and_scope(client, people, customer, make_customer) -> None:
    payload = {"customer": customer.pk, "description": "输出电压偏低", "demand": "退货",
               "claimed_amount": "8800.50", "received_on": "2026-02-03"}
    created = client.post("/api/v1/claims/", payload, content_type=J, **auth(people.sales))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["number"] == "SP-2026-0001" and body["state"] == "collecting"
    assert body["claimed_amount"] == "8800.50" and body["allowed_steps"] == ["submit",
                                                                            "withdraw"]
    assert Claim.objects.get().claimed_amount == Decimal("8800.50")
    bad = client.post("/api/v1/claims/", {**payload, "claimed_amount": "-1",
                                          "customer": make_customer(office="BO-GZ").pk},
                      content_type=J, **auth(people.sales))
    assert bad.status_code == 422
    assert {"customer", "claimed_amount"} <= set(bad.json()["errors"])
    assert client.get(f"/api/v1/claims/{body['id']}", **auth(people.gz_sales)).status_code == 404
    assert client.post("/api/v1/claims/", payload, content_type=J,
                       **auth(people.finance)).status_code == 403


def test_transitions_with_the_same_rules(client, new_claim, people, dept) -> None:
    claim = new_claim()
    refused = step(client, people.sales, claim.pk, "submit", claim.version)
    assert refused.status_code == 422 and "attachments" in refused.json()["errors"]
    upload = client.post(f"/api/v1/claims/{claim.pk}/attachments",
                         {"file": pdf("回单.pdf"), "note": "签收单"}, **auth(people.sales))
    assert upload.status_code == 201, upload.content
    assert upload.json()["original_name"] == "回单.pdf"
    ok = step(client, people.sales, claim.pk, "submit", claim.version)
    assert ok.status_code == 200 and ok.json()["state"] == "analysis"
    version = ok.json()["version"]
    assert step(client, people.sales, claim.pk, "submit", version).status_code == 422  # state
    assert step(client, people.gm, claim.pk, "propose", version).status_code == 403  # role
    assert step(client, people.dgm, claim.pk, "fly", version).status_code == 422
    data = {"preliminary_analysis": "电容失效", "proposal": "赔偿", "proposed_amount": "6000"}
    assert step(client, people.dgm, claim.pk, "propose", version - 1,
                data=data).status_code == 409  # stale
    r = step(client, people.dgm, claim.pk, "propose", version, data=data)
    assert r.status_code == 200 and r.json()["proposed_amount"] == "6000.00"
    r = step(client, people.gm, claim.pk, "approve", r.json()["version"])
    assert r.json()["state"] == "negotiation"
    rnd = client.post(f"/api/v1/claims/{claim.pk}/rounds",
                      {"held_on": "2026-01-12", "offer": "赔偿 6 000", "offer_amount": "6000",
                       "answer": "accepted"}, content_type=J, **auth(people.sales))
    assert rnd.status_code == 201 and rnd.json()["number"] == 1
    r = step(client, people.sales, claim.pk, "agree")
    assert r.json()["state"] == "liability" and r.json()["agreed_amount"] == "6000.00"
    dup = step(client, people.gm, claim.pk, "determine",
               data={"liability": "supplier", "liability_decision": "供方电容",
                     "supplier_name": "某电容厂"},
               panel=[{"function": "quality", "department": dept("QA").pk},
                      {"function": "quality", "user": people.qm.pk}])
    assert dup.status_code == 422
    r = step(client, people.gm, claim.pk, "determine",
             data={"liability": "supplier", "liability_decision": "供方电容",
                   "supplier_name": "某电容厂"},
             panel=[{"function": "quality", "department": dept("QA").pk},
                    {"function": "production_dgm", "user": people.dgm.pk}])
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "compensation"
    assert {(p["function"], p["user_id"]) for p in r.json()["panel"]} == {
        ("quality", None), ("production_dgm", people.dgm.pk)}
    bad = client.post(f"/api/v1/claims/{claim.pk}/compensation",
                      {"lines": [{"kind": "goods", "quantity": "2"}]}, content_type=J,
                      **auth(people.finance))
    assert bad.status_code == 422 and "lines[0].unit_price" in bad.json()["errors"]
    calc = client.post(f"/api/v1/claims/{claim.pk}/compensation",
                       {"lines": [{"kind": "goods", "quantity": "3", "unit_price": "33.335"},
                                  {"kind": "freight", "amount": "99.99"}]},
                       content_type=J, **auth(people.finance))
    assert calc.status_code == 200 and calc.json()["compensation_amount"] == "200.00"
    assert [x["total"] for x in calc.json()["compensation_lines"]] == ["100.01", "99.99"]
    r = step(client, people.finance, claim.pk, "book", data={"booked_on": "2026-01-31"})
    assert r.json()["state"] == "recourse" and r.json()["quality_cost"]["amount"] == "200.00"
    assert QualityCost.objects.count() == 1
    patch = client.patch(f"/api/v1/claims/{claim.pk}/recourse",
                         {"negotiation_notes": "同意全额"}, content_type=J, **auth(people.dgm))
    assert patch.status_code == 200 and patch.json()["amount_claimed"] == "200.00"
    r = step(client, people.dgm, claim.pk, "settle_recourse",
             data={"amount_recovered": "200.00"})
    assert r.json()["state"] == "root_cause"
    assert SupplierRecourse.objects.get().amount_recovered == Decimal("200.00")
    r = step(client, people.dgm, claim.pk, "close",
             data={"root_cause": "供方换料", "capa_required": True})
    assert r.status_code == 422 and "capa_reference" in r.json()["errors"]
    r = step(client, people.dgm, claim.pk, "close",
             data={"root_cause": "供方换料", "capa_required": True,
                   "capa_reference": "CAPA-2026-01"})
    assert r.json()["state"] == "closed"
    detail = client.get(f"/api/v1/claims/{claim.pk}", **auth(people.viewer))
    assert detail.status_code == 404
    detail = client.get(f"/api/v1/claims/{claim.pk}", **auth(people.sales)).json()
    assert [h["to_state"] for h in detail["history"]][-1] == "closed"
    assert detail["attachments"][0]["url"] == f"/attachments/{detail['attachments'][0]['id']}/"


def test_quality_cost_totals_endpoint(client, people, customer, product) -> None:
    import datetime as dt

    QualityCost.objects.create(date=dt.date(2026, 1, 5), customer=customer, product=product,
                               amount=Decimal("0.10"))
    QualityCost.objects.create(date=dt.date(2026, 2, 5), customer=customer, product=None,
                               amount=Decimal("0.20"))
    data = client.get("/api/v1/claims/costs?date_from=2026-01-01&date_to=2026-02-28",
                      **auth(people.finance)).json()
    assert data["total"] == "0.30" and data["count"] == 2
    assert [(m["key"], m["amount"]) for m in data["by_month"]] == [("2026-01", "0.10"),
                                                                   ("2026-02", "0.20")]
    assert [p["key"] for p in data["by_product"]] == ["", product.model]
