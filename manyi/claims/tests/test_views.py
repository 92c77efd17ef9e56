"""Pages: list with filters and pagination, scope (404 outside), the detail page with every
part, the steps through the page, attachments, and the quality-cost page with its .xlsx."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from manyi.claims.models import Claim, QualityCost
from manyi.common.models import Attachment

from .conftest import pdf

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


def test_login_required(client) -> None:
    for url in (reverse("claims:list"), reverse("claims:costs"), reverse("claims:create")):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_filters_and_paginates(client, new_claim, people) -> None:
    claims = [new_claim(received_on=dt.date(2025, 1, 1) + dt.timedelta(days=i))
              for i in range(27)]
    login(client, people.gm)
    url = reverse("claims:list")
    page1 = client.get(url)
    assert page1.status_code == 200
    assert page1.context["page"].paginator.count == 27
    assert len(page1.context["page"].object_list) == 25
    assert len(client.get(url, {"page": 2}).context["page"].object_list) == 2
    found = client.get(url, {"date_from": "2025-01-03", "date_to": "2025-01-04"})
    assert [c.pk for c in found.context["page"]] == [claims[3].pk, claims[2].pk]
    assert client.get(url, {"state": "closed"}).context["page"].paginator.count == 0
    fragment = client.get(url, {"q": claims[0].number}, HTTP_HX_REQUEST="true")
    html = fragment.content.decode()
    assert '<div id="results">' in html and "<html" not in html and claims[0].number in html


def test_overdue_step_is_shown_in_red(client, new_claim, people) -> None:
    claim = new_claim()
    Claim.objects.filter(pk=claim.pk).update(step_due_at=dt.datetime(2025, 1, 2, tzinfo=dt.UTC))
    login(client, people.sales)
    html = client.get(reverse("claims:list")).content.decode()
    assert 'class="late"' in html
    detail = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert 'class="late"' in detail


def test_branch_office_sees_only_its_customers_claims(client, new_claim, people,
                                                      make_customer, make_user) -> None:
    mine = new_claim()
    gz_manager = make_user("sales_manager", department="SALES")
    theirs = new_claim(customer=make_customer(office="BO-GZ"), actor=gz_manager,
                       handler=people.gz_sales)
    login(client, people.sales)
    assert list(client.get(reverse("claims:list")).context["page"]) == [mine]
    for name in ("claims:detail", "claims:edit"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("claims:step", args=[theirs.pk, "withdraw"]),
                       {"withdraw-note": "x"}).status_code == 404
    assert client.get(reverse("claims:detail", args=[mine.pk])).status_code == 200
    login(client, people.finance)  # finance sees every claim
    assert client.get(reverse("claims:list")).context["page"].paginator.count == 2
    login(client, people.viewer)  # North China only
    assert client.get(reverse("claims:list")).context["page"].paginator.count == 0
    assert client.get(reverse("claims:detail", args=[mine.pk])).status_code == 404


def test_user_without_the_permission_gets_403(client, make_user) -> None:
    login(client, make_user(department="QA"))
    assert client.get(reverse("claims:list")).status_code == 403
    assert client.get(reverse("claims:costs")).status_code == 403
    assert client.get(reverse("claims:create")).status_code == 403


def test_create_with_errors_then_success(client, people, customer, product) -> None:
    from manyi.customers.models import Order

    order = Order.objects.create(number="SO2025001", customer=customer, product=product,
                                 order_date=dt.date(2025, 9, 1), batch_number="B-77",
                                 quantity=100, promised_date=dt.date(2025, 9, 10))
    login(client, people.sales)
    url = reverse("claims:create")
    assert client.get(url, {"customer": customer.pk}).status_code == 200
    bad = client.post(url, {"customer": customer.pk, "claimed_amount": "abc",
                            "order_number": "SO-NOPE"})
    assert bad.status_code == 200
    assert {"description", "claimed_amount", "order_number"} <= set(bad.context["form"].errors)
    assert not Claim.objects.exists()
    ok = client.post(url, {"customer": customer.pk, "description": "外壳开裂",
                           "claimed_amount": "3000.50", "order_number": "SO2025001",
                           "received_on": "2026-01-05"})
    claim = Claim.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("claims:detail", args=[claim.pk])
    assert (claim.number, claim.order, claim.product, claim.batch_number, claim.handler) == (
        "SP-2026-0001", order, product, "B-77", people.sales)
    assert claim.claimed_amount == Decimal("3000.50")


def test_customer_change_redraws_the_contacts(client, people, customer) -> None:
    from manyi.customers.models import Contact

    Contact.objects.create(customer=customer, name="李经理", function="purchasing")
    login(client, people.sales)
    html = client.get(reverse("claims:create"), {"customer": customer.pk, "description": "保留"},
                      HTTP_HX_REQUEST="true").content.decode()
    assert "李经理" in html and "保留" in html and "<html" not in html


def test_detail_shows_every_part(client, new_claim, advance, people) -> None:
    claim = advance(new_claim(), "recourse", liability="supplier")
    login(client, people.gm)
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (claim.number, "更换 200 台并承担运费", "更换并赔偿 10 000 元", "责任界定会议结论",
                 "苏州某电容有限公司", "11,580.01", "receipt.pdf"):
        assert text in html, text
    assert response.context["history"] is not None  # the GM sees the audit trail
    assert [s.to_state for s in response.context["steps"]][-1] == "recourse"
    assert response.context["step_forms"] == []  # nothing for the GM to do here
    login(client, people.dgm)
    response = client.get(reverse("claims:detail", args=[claim.pk]))
    assert [tr.name for tr, _f in response.context["step_forms"]] == ["settle_recourse"]
    assert response.context["recourse_form"] is not None


def test_detail_page_in_english(client, new_claim, people) -> None:
    claim = new_claim()
    login(client, people.sales)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Collecting documents" in html and "Hand over to the deputy GM" in html


def test_steps_through_the_page(client, new_claim, people, dept) -> None:
    claim = new_claim()
    login(client, people.sales)
    step = reverse("claims:step", args=[claim.pk, "submit"])
    refused = client.post(step, {"submit-version": claim.version})
    assert refused.status_code == 422  # no documents yet: the guard's error is on the page
    submit_form = next(f for tr, f in refused.context["step_forms"] if tr.name == "submit")
    assert submit_form.non_field_errors()  # the missing documents, shown on the step's form
    assert Claim.objects.get(pk=claim.pk).state == "collecting"
    upload = client.post(reverse("claims:attach", args=[claim.pk]),
                         {"file": pdf("质检报告.pdf"), "note": "检验报告"})
    assert upload.status_code == 302
    ok = client.post(step, {"submit-version": claim.version})
    assert ok.status_code == 302
    claim.refresh_from_db()
    assert claim.state == "analysis"
    stale = client.post(reverse("claims:step", args=[claim.pk, "withdraw"]),
                        {"withdraw-version": claim.version - 1, "withdraw-note": "撤回"})
    assert stale.status_code == 409
    wrong_role = client.post(reverse("claims:step", args=[claim.pk, "propose"]),
                             {"propose-preliminary_analysis": "x", "propose-proposal": "y"})
    assert wrong_role.status_code == 403
    login(client, people.dgm)
    client.post(reverse("claims:step", args=[claim.pk, "propose"]), {
        "propose-version": claim.version, "propose-preliminary_analysis": "来料问题",
        "propose-proposal": "赔偿 5 000 元", "propose-proposed_amount": "5000"})
    login(client, people.gm)
    client.post(reverse("claims:step", args=[claim.pk, "approve"]), {"approve-note": "同意"})
    login(client, people.sales)
    r = client.post(reverse("claims:round", args=[claim.pk]), {
        "round-held_on": "2026-01-10", "round-offer": "赔偿 5 000 元",
        "round-offer_amount": "5000", "round-answer": "accepted"})
    assert r.status_code == 302
    client.post(reverse("claims:step", args=[claim.pk, "agree"]), {})
    login(client, people.gm)
    determine = {"determine-liability": "company", "determine-liability_decision": "我方责任",
                 "determine-panel_quality_department": dept("QA").pk,
                 "determine-panel_production_department": dept("PROD").pk,
                 "determine-panel_sales_user": people.sales.pk}
    assert client.post(reverse("claims:step", args=[claim.pk, "determine"]),
                       determine).status_code == 302
    claim.refresh_from_db()
    assert claim.state == "compensation" and claim.panel_members.count() == 3
    login(client, people.finance)
    lines = {"lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "version": claim.version,
             "lines-0-kind": "goods", "lines-0-quantity": "3", "lines-0-unit_price": "33.335",
             "lines-1-kind": "freight", "lines-1-amount": "120.00", "lines-2-kind": ""}
    assert client.post(reverse("claims:compensation", args=[claim.pk]),
                       lines).status_code == 302
    claim.refresh_from_db()
    assert claim.compensation_amount == Decimal("220.01")
    bad = client.post(reverse("claims:compensation", args=[claim.pk]),
                      {**lines, "lines-0-unit_price": "", "version": claim.version})
    assert bad.status_code == 422 and "unit_price" in bad.context["line_formset"].forms[0].errors
    client.post(reverse("claims:step", args=[claim.pk, "book"]),
                {"book-booked_on": "2026-01-20"})
    assert QualityCost.objects.get().amount == Decimal("220.01")
    login(client, people.dgm)
    closed = client.post(reverse("claims:step", args=[claim.pk, "close"]),
                         {"close-root_cause": "供方换料", "close-capa_required": "on",
                          "close-capa_reference": "CAPA-7"})
    assert closed.status_code == 302
    assert Claim.objects.get(pk=claim.pk).state == "closed"


def test_attachment_upload_and_permission_checked_download(client, new_claim, people,
                                                           make_user) -> None:
    claim = new_claim()
    login(client, people.sales)
    bad = client.post(reverse("claims:attach", args=[claim.pk]),
                      {"file": pdf("x.exe")})
    assert bad.status_code == 422 and "file" in bad.context["attachment_form"].errors
    client.post(reverse("claims:attach", args=[claim.pk]), {"file": pdf("发票.pdf")})
    attachment = Attachment.objects.get()
    url = reverse("attachment", args=[attachment.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    for outsider in (people.gz_sales, people.viewer, make_user(department="QA")):
        login(client, outsider)
        assert client.get(url).status_code == 404
    login(client, people.finance)
    assert client.get(url).status_code == 200  # finance sees every claim
    assert client.post(reverse("claims:attach", args=[claim.pk]),
                       {"file": pdf()}).status_code == 403  # but has no step to work on


def test_quality_cost_page_and_xlsx_export(client, people, customer, product) -> None:
    from openpyxl import load_workbook

    QualityCost.objects.create(date=dt.date(2026, 1, 5), customer=customer, product=product,
                               amount=Decimal("0.10"))
    QualityCost.objects.create(date=dt.date(2026, 1, 9), customer=customer, product=product,
                               amount=Decimal("0.20"))
    login(client, people.finance)
    params = {"date_from": "2025-12-01", "date_to": "2026-01-31"}
    page = client.get(reverse("claims:costs"), params)
    assert page.status_code == 200
    assert page.context["totals"].total == Decimal("0.30")
    response = client.get(reverse("claims:costs_export"), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('quality-cost-20251201-20260131.xlsx"')
    wb = load_workbook(io.BytesIO(response.content))
    assert len(wb.sheetnames) == 4
    months = list(wb.worksheets[0].iter_rows(values_only=True))
    assert months[1:] == [("2025-12", 0, 0), ("2026-01", 2, 0.3), (months[3][0], 2, 0.3)]
    customers = list(wb.worksheets[1].iter_rows(values_only=True))
    assert customers[1] == (customer.code, customer.name, 2, 0.3)
    login(client, people.sales)
    assert client.get(reverse("claims:costs_export")).status_code == 403


def test_compensation_page_shows_a_stale_save_and_a_refused_step_on_the_formset(
        client, new_claim, advance, people) -> None:
    claim = advance(new_claim(), "compensation")
    login(client, people.finance)
    url = reverse("claims:compensation", args=[claim.pk])
    lines = {"lines-TOTAL_FORMS": "1", "lines-INITIAL_FORMS": "0",
             "lines-0-kind": "freight", "lines-0-amount": "120.00"}
    stale = client.post(url, {**lines, "version": claim.version - 1})
    assert stale.status_code == 409
    assert stale.context["line_formset"].non_form_errors()  # who saved first, on top
    assert Claim.objects.get(pk=claim.pk).compensation_amount is None
    claim = advance(claim, "root_cause")
    refused = client.post(url, {**lines, "version": claim.version})  # the step is over
    assert refused.status_code == 422
    assert refused.context["line_formset"].non_form_errors()
