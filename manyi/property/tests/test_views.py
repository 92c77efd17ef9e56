"""Property pages: ledger list with filters and overdue loans in red, receive form with field
errors, detail with history and forms, lending, documents, damage reports; scope → 404."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from manyi.property.models import CustomerProperty, DamageReport, ExternalDocument, LoanSlip
from manyi.property.services import damage_report_create, loan_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales_client(client, sales_user):
    client.force_login(sales_user)
    return client


def test_login_and_permission_required(client, make_user) -> None:
    assert client.get(reverse("property:list")).status_code == 302
    client.force_login(make_user(department="QA"))
    for name in ("property:list", "property:loans", "property:documents", "property:damage",
                 "property:create"):
        assert client.get(reverse(name)).status_code == 403, name


def test_ledger_list_filters_and_red_overdue_loans(sales_client, make_item, make_user,
                                                   sales_user) -> None:
    lent = make_item(name="逾期借出的样品")
    make_item(kind="drawing", name="外壳图纸")
    loan_create(actor=sales_user, item=lent, data={
        "borrower": make_user("engineer", department="ENG"), "purpose": "测试",
        "lent_at": timezone.now() - dt.timedelta(days=30)})
    url = reverse("property:list")
    page = sales_client.get(url)
    assert page.context["page"].paginator.count == 2
    assert page.context["figures"]["overdue_loans"] == 1
    assert '<tr class="late">' in page.content.decode()

    def names(**params):
        return [i.name for i in sales_client.get(url, params).context["page"]]

    assert names(overdue="1") == ["逾期借出的样品"]
    assert names(kind="drawing") == ["外壳图纸"]
    assert names(status="lent") == ["逾期借出的样品"]
    assert names(q="图纸") == ["外壳图纸"]
    fragment = sales_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="results">' in fragment and "<html" not in fragment
    loans = sales_client.get(reverse("property:loans"), {"overdue": "1"})
    assert loans.context["page"].paginator.count == 1
    assert "late" in loans.content.decode()


def test_receive_form_errors_and_success(sales_client, make_customer, dept) -> None:
    customer = make_customer()
    url = reverse("property:create")
    assert sales_client.get(url).status_code == 200
    bad = sales_client.post(url, {"customer": customer.pk, "kind": "sample", "quantity": 0,
                                  "unit": "件", "received_on": "2025-09-01",
                                  "condition": "intact"})
    assert bad.status_code == 200
    assert {"name", "quantity"} <= set(bad.context["form"].errors)
    ok = sales_client.post(url, {"customer": customer.pk, "kind": "measuring",
                                 "name": "客户提供的检具", "quantity": 1, "unit": "套",
                                 "received_on": "2025-09-01", "condition": "intact"})
    item = CustomerProperty.objects.get()
    assert ok.status_code == 302 and item.holding_department == dept("QA")


def test_detail_issue_and_return_forms(sales_client, make_item, dept) -> None:
    item = make_item()
    detail = sales_client.get(reverse("property:detail", args=[item.pk]))
    assert detail.status_code == 200 and detail.context["issue_form"] is not None
    bad = sales_client.post(reverse("property:issue", args=[item.pk]), {"note": "x"})
    assert bad.status_code == 200 and "department" in bad.context["issue_form"].errors
    ok = sales_client.post(reverse("property:issue", args=[item.pk]),
                           {"department": dept("QA").pk, "version": item.version})
    assert ok.status_code == 302
    stale = sales_client.post(reverse("property:issue", args=[item.pk]),
                              {"department": dept("ENG").pk, "version": 1})
    assert stale.status_code == 409
    item.refresh_from_db()
    assert item.holding_department == dept("QA")
    bad = sales_client.post(reverse("property:return", args=[item.pk]), {"returned_on": ""})
    assert "returned_on" in bad.context["return_form"].errors
    ok = sales_client.post(reverse("property:return", args=[item.pk]),
                           {"returned_on": "2025-09-20"})
    assert ok.status_code == 302
    html = sales_client.get(reverse("property:detail", args=[item.pk])).content.decode()
    assert "2025-09-20" in html


def test_item_outside_scope_is_404(client, make_user, make_item, make_customer) -> None:
    item = make_item(customer=make_customer(office="BO-GZ"))
    client.force_login(make_user("branch_manager", department="BO-SH"))
    assert client.get(reverse("property:detail", args=[item.pk])).status_code == 404
    assert client.post(reverse("property:issue", args=[item.pk]), {}).status_code == 404
    assert client.get(reverse("property:lend", args=[item.pk])).status_code == 404


def test_lend_and_return_pages(sales_client, client, make_item, make_user) -> None:
    item = make_item()
    borrower = make_user("engineer", department="ENG")
    url = reverse("property:lend", args=[item.pk])
    assert sales_client.get(url).status_code == 200
    bad = sales_client.post(url, {"purpose": "测试"})
    assert bad.status_code == 200 and "borrower" in bad.context["form"].errors
    ok = sales_client.post(url, {"borrower": borrower.pk, "purpose": "EMC 测试",
                                 "due_workdays": 3})
    loan = LoanSlip.objects.get()
    assert ok.status_code == 302 and ok["Location"].endswith(f"/loans/{loan.pk}/")
    client.force_login(borrower)
    page = client.get(reverse("property:loan_detail", args=[loan.pk]))
    assert page.status_code == 200 and page.context["return_form"] is not None
    bad = client.post(reverse("property:loan_return", args=[loan.pk]),
                      {"return_condition": "broken"})
    assert "return_condition" in bad.context["return_form"].errors
    ok = client.post(reverse("property:loan_return", args=[loan.pk]),
                     {"return_condition": "intact", "note": "已归还"})
    assert ok.status_code == 302
    loan.refresh_from_db()
    assert loan.returned_at is not None


def test_damage_report_pages_and_sending(sales_client, make_item, english_contact,
                                         django_capture_on_commit_callbacks) -> None:
    item = make_item(customer=english_contact.customer, contact=english_contact)
    url = reverse("property:damage_create", args=[item.pk])
    assert sales_client.get(url).status_code == 200
    bad = sales_client.post(url, {"kind": "damaged", "occurred_on": "2025-09-10"})
    assert bad.status_code == 200 and "description" in bad.context["form"].errors
    ok = sales_client.post(url, {"kind": "damaged", "occurred_on": "2025-09-10",
                                 "description": "运输中受潮", "contact": english_contact.pk})
    report = DamageReport.objects.get()
    assert ok.status_code == 302
    photo = SimpleUploadedFile("damage.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    attached = sales_client.post(reverse("property:damage_attach", args=[report.pk]),
                                 {"file": photo, "note": "照片"})
    assert attached.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        sent = sales_client.post(reverse("property:damage_send", args=[report.pk]),
                                 {"version": report.version})
        assert sent.status_code == 302
        again = sales_client.post(reverse("property:damage_send", args=[report.pk]))
        assert again.status_code == 200 and again.context["send_errors"]
    assert len(mail.outbox) == 1
    page = sales_client.get(reverse("property:damage_detail", args=[report.pk]))
    assert "damage.jpg" in page.content.decode() and page.context["reply_form"] is not None
    bad = sales_client.post(reverse("property:damage_reply", args=[report.pk]),
                            {"customer_reply": ""})
    assert "customer_reply" in bad.context["reply_form"].errors
    ok = sales_client.post(reverse("property:damage_reply", args=[report.pk]),
                           {"customer_reply": "Please send it back.",
                            "reply_received_on": "2025-09-12"})
    assert ok.status_code == 302
    listing = sales_client.get(reverse("property:damage"), {"status": "replied"})
    assert [r.pk for r in listing.context["page"]] == [report.pk]


def test_document_pages(client, make_user, make_customer, dept) -> None:
    engineer = make_user("engineer", department="ENG")
    client.force_login(engineer)
    customer = make_customer()
    url = reverse("property:document_create")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"customer": customer.pk, "doc_type": "drawing",
                            "received_on": "2025-03-01", "copies": 1})
    assert bad.status_code == 200
    assert {"doc_number", "revision", "title"} <= set(bad.context["form"].errors)
    ok = client.post(url, {"customer": customer.pk, "doc_type": "drawing",
                           "doc_number": "DWG-9", "revision": "A", "title": "外壳图",
                           "received_on": "2025-03-01", "copies": 2,
                           "distributed_to": [dept("PROD").pk]})
    doc = ExternalDocument.objects.get()
    assert ok.status_code == 302
    assert client.get(reverse("property:document_detail", args=[doc.pk])).status_code == 200
    edit = client.post(reverse("property:document_edit", args=[doc.pk]), {
        "doc_type": "drawing", "doc_number": "DWG-9", "revision": "A", "title": "外壳图(改)",
        "received_on": "2025-03-01", "copies": 2, "distributed_to": [dept("PROD").pk,
                                                                   dept("QA").pk],
        "version": doc.version})
    assert edit.status_code == 302
    doc.refresh_from_db()
    assert doc.title == "外壳图(改)" and doc.distributed_to.count() == 2
    listed = client.get(reverse("property:documents"), {"department": dept("QA").pk})
    assert [d.pk for d in listed.context["page"]] == [doc.pk]


def test_timeline_source(make_item, make_user, sales_user) -> None:
    from manyi.common.links import TIMELINE_SOURCES
    from manyi.property.timeline import property_events

    assert property_events in TIMELINE_SOURCES
    item = make_item(name="时间线样品")
    damage_report_create(actor=sales_user, item=item, data={
        "kind": "damaged", "description": "x", "occurred_on": dt.date(2025, 9, 2)})
    events = property_events(item.customer, sales_user, 50)
    assert any("时间线样品" in e.title for e in events)
    assert any(e.kind == "property-damage" and e.warning for e in events)
    outsider = make_user("branch_manager", department="BO-GZ")
    assert property_events(item.customer, outsider, 50) == []


def test_pages_work_in_english(sales_client, make_item) -> None:
    item = make_item()
    sales_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with translation.override("en"):
        assert "Customer property ledger" in sales_client.get(
            reverse("property:list")).content.decode()
        assert "Movements" in sales_client.get(
            reverse("property:detail", args=[item.pk])).content.decode()


def test_a_stale_send_answers_409_and_a_refused_one_200(
    sales_client, make_item, english_contact, sales_user, django_capture_on_commit_callbacks
) -> None:
    item = make_item(customer=english_contact.customer, contact=english_contact)
    report = damage_report_create(actor=sales_user, item=item, data={
        "kind": "damaged", "occurred_on": dt.date(2025, 9, 10), "description": "运输中受潮",
        "contact": english_contact})
    url = reverse("property:damage_send", args=[report.pk])
    stale = sales_client.post(url, {"version": report.version - 1})
    assert stale.status_code == 409 and len(stale.context["send_errors"]) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert sales_client.post(url, {"version": report.version}).status_code == 302
    refused = sales_client.post(url)
    assert refused.status_code == 200 and refused.context["send_errors"]
    assert len(mail.outbox) == 1


def test_a_stale_return_answers_409(sales_client, make_item, make_user, sales_user) -> None:
    loan = loan_create(actor=sales_user, item=make_item(), data={
        "borrower": make_user("engineer", department="ENG"), "purpose": "测试"})
    url = reverse("property:loan_return", args=[loan.pk])
    stale = sales_client.post(url, {"return_condition": "intact", "version": loan.version - 1})
    assert stale.status_code == 409 and stale.context["return_form"].non_field_errors()
    loan.refresh_from_db()
    assert loan.returned_at is None
