"""Pages of the register: scoped list with filters and red overdue rows, the entry form with
field errors, the detail page with the answer form, praise notices, attachments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from manyi.feedback.models import FeedbackEntry, FeedbackStatus, PraiseNotice

pytestmark = pytest.mark.django_db


@pytest.fixture
def cs_client(client, service_user):
    client.force_login(service_user)
    return client


def test_login_required(client) -> None:
    response = client.get(reverse("feedback:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_register_is_scoped_to_the_branch_and_the_assigned_department(
    client, make_user, make_customer, make_entry, dept
) -> None:
    sh = make_entry(customer=make_customer(office="BO-SH"), subject="上海的咨询", answer="a")
    gz = make_entry(customer=make_customer(office="BO-GZ"), subject="广州的咨询", answer="a")
    to_sh = make_entry(subject="分派给上海", assigned_department=dept("BO-SH"))
    client.force_login(make_user("branch_manager", department="BO-SH"))
    listed = {e.pk for e in client.get(reverse("feedback:list")).context["page"]}
    assert listed == {sh.pk, to_sh.pk}
    assert client.get(reverse("feedback:detail", args=[gz.pk])).status_code == 404
    assert client.get(reverse("feedback:detail", args=[to_sh.pk])).status_code == 200
    assert client.post(reverse("feedback:answer", args=[gz.pk]),
                       {"answer": "x"}).status_code == 404


def test_user_without_view_permission_is_refused(client, make_user) -> None:
    client.force_login(make_user(department="QA"))
    assert client.get(reverse("feedback:list")).status_code == 403
    assert client.get(reverse("feedback:create")).status_code == 403


def test_filters_search_and_overdue_in_red(cs_client, make_entry, dept) -> None:
    late = make_entry(subject="逾期的咨询", received_at=timezone.now() - dt.timedelta(days=20))
    make_entry(kind="suggestion", channel="email", subject="包装建议", answer="采纳")
    make_entry(kind="complaint", channel="fax", subject="外壳开裂")
    url = reverse("feedback:list")
    page = cs_client.get(url)
    assert page.context["page"].paginator.count == 3
    html = page.content.decode()
    assert '<tr class="late">' in html and "逾期的咨询" in html
    assert page.context["figures"]["overdue"] == 1

    def numbers(**params):
        return [e.subject for e in cs_client.get(url, params).context["page"]]

    assert numbers(overdue="1") == ["逾期的咨询"]
    assert numbers(kind="suggestion") == ["包装建议"]
    assert numbers(channel="fax") == ["外壳开裂"]
    assert numbers(status="handed_over") == ["外壳开裂"]
    assert numbers(q="包装") == ["包装建议"]
    assert numbers(department=dept("ENG").pk) == ["逾期的咨询"]
    today = timezone.localdate()
    assert set(numbers(date_from=today.isoformat())) == {"包装建议", "外壳开裂"}
    assert numbers(date_to=(today - dt.timedelta(days=10)).isoformat()) == ["逾期的咨询"]
    assert late.is_overdue


def test_pagination_and_htmx_fragment(cs_client, make_entry) -> None:
    for i in range(27):
        make_entry(subject=f"咨询{i:02d}", answer="a")
    url = reverse("feedback:list")
    assert len(cs_client.get(url).context["page"].object_list) == 25
    assert len(cs_client.get(url, {"page": 2}).context["page"].object_list) == 2
    fragment = cs_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="results">' in fragment and "<html" not in fragment


def test_create_page_shows_field_errors(cs_client) -> None:
    url = reverse("feedback:create")
    assert cs_client.get(url).status_code == 200
    response = cs_client.post(url, {"channel": "phone", "kind": "consultation",
                                    "contact_name": "王先生", "text": "问题"})
    assert response.status_code == 200
    assert "subject" in response.context["form"].errors
    response = cs_client.post(url, {"channel": "phone", "kind": "consultation",
                                    "contact_name": "王先生", "subject": "s", "text": "t"})
    assert response.status_code == 200
    assert "assigned_department" in response.context["form"].errors
    response = cs_client.post(url, {"channel": "pigeon", "kind": "consultation",
                                    "subject": "s", "text": "t", "answer": "a"})
    errors = response.context["form"].errors
    assert "channel" in errors
    assert not FeedbackEntry.objects.exists()


def test_create_assigned_inquiry_and_answer_it_on_the_detail_page(
    cs_client, client, make_customer, make_user, dept
) -> None:
    customer = make_customer()
    response = cs_client.post(reverse("feedback:create"), {
        "channel": "web_form", "kind": "consultation", "customer": customer.pk,
        "subject": "EMC 报告", "text": "索取 EMC 测试报告", "assigned_department": dept("QA").pk,
    })
    entry = FeedbackEntry.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{entry.pk}/")
    assert entry.status == FeedbackStatus.OPEN and entry.due_at is not None
    client.force_login(make_user("quality_engineer", department="QA"))
    detail = client.get(reverse("feedback:detail", args=[entry.pk]))
    assert detail.status_code == 200 and detail.context["answer_form"] is not None
    empty = client.post(reverse("feedback:answer", args=[entry.pk]), {"answer": ""})
    assert empty.status_code == 200 and "answer" in empty.context["answer_form"].errors
    ok = client.post(reverse("feedback:answer", args=[entry.pk]),
                     {"answer": "已邮件发送报告", "version": entry.version})
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.status == FeedbackStatus.ANSWERED and entry.answer == "已邮件发送报告"
    stale = client.post(reverse("feedback:answer", args=[entry.pk]), {"answer": "again"})
    assert stale.status_code == 200  # no longer open: refused with a message, nothing saved
    entry.refresh_from_db()
    assert entry.answer == "已邮件发送报告"


def test_assign_and_edit_on_the_detail_page(cs_client, make_entry, dept) -> None:
    entry = make_entry()
    response = cs_client.post(reverse("feedback:assign", args=[entry.pk]),
                              {"assigned_department": dept("PROD").pk, "version": 1})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.assigned_department == dept("PROD")
    stale = cs_client.post(reverse("feedback:edit", args=[entry.pk]), {
        "received_at": "2025-01-02T09:00", "channel": "phone", "contact_name": "王先生",
        "subject": "改", "text": "t", "version": 1})
    assert stale.status_code == 409
    ok = cs_client.post(reverse("feedback:edit", args=[entry.pk]), {
        "received_at": "2025-01-02T09:00", "channel": "phone", "contact_name": "王先生",
        "subject": "改过的主题", "text": "t", "version": entry.version})
    assert ok.status_code == 302
    entry.refresh_from_db()
    assert entry.subject == "改过的主题"


def test_complaint_detail_links_to_complaint_handling(cs_client, make_entry) -> None:
    entry = make_entry(kind="complaint")
    html = cs_client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    assert 'href="/complaints/"' in html
    claim = make_entry(kind="claim")
    html = cs_client.get(reverse("feedback:detail", args=[claim.pk])).content.decode()
    assert 'href="/claims/"' in html
    response = cs_client.post(reverse("feedback:reference", args=[claim.pk]),
                              {"handed_over_to": "SP2025-0002"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.handed_over_to == "SP2025-0002"


def test_praise_notice_pages(cs_client, make_entry, dept) -> None:
    entry = make_entry(kind="praise", subject="表扬技术支持")
    form = cs_client.get(reverse("feedback:praise_create"), {"entry": entry.pk})
    assert form.status_code == 200
    bad = cs_client.post(reverse("feedback:praise_create"),
                         {"entry": entry.pk, "aspect": "technical", "text": "好"})
    assert bad.status_code == 200 and "department" in bad.context["form"].errors
    ok = cs_client.post(reverse("feedback:praise_create"), {
        "entry": entry.pk, "aspect": "technical", "department": dept("ENG").pk,
        "text": "客户表扬技术部现场支持"})
    notice = PraiseNotice.objects.get()
    assert ok.status_code == 302 and notice.entry == entry
    listing = cs_client.get(reverse("feedback:praise_list")).content.decode()
    assert notice.number in listing
    assert cs_client.get(reverse("feedback:praise_detail", args=[notice.pk])).status_code == 200
    detail = cs_client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    assert notice.number in detail


def test_timeline_shows_entries_and_praise(make_user, make_entry, make_customer, dept,
                                           service_user) -> None:
    from manyi.common.links import TIMELINE_SOURCES
    from manyi.feedback.services import praise_notice_issue
    from manyi.feedback.timeline import feedback_events

    assert feedback_events in TIMELINE_SOURCES
    customer = make_customer(office="BO-SH")
    make_entry(customer=customer, subject="时间线上的咨询",
                       received_at=timezone.now() - dt.timedelta(days=20))
    notice = praise_notice_issue(actor=service_user, data={
        "customer": customer, "aspect": "service", "department": dept("CS"), "text": "好"})
    events = feedback_events(customer, service_user, 50)
    titles = " ".join(e.title for e in events)
    assert "时间线上的咨询" in titles and notice.number in titles
    assert [e.warning for e in events if e.kind == "feedback-consultation"] == [True]
    assert feedback_events(customer, make_user("branch_manager", department="BO-GZ"), 50) == []


def test_attachment_upload(cs_client, make_entry) -> None:
    entry = make_entry(channel="letter", answer="a")
    bad = cs_client.post(reverse("feedback:attach", args=[entry.pk]),
                         {"file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 200 and "file" in bad.context["attachment_form"].errors
    ok = cs_client.post(reverse("feedback:attach", args=[entry.pk]),
                        {"file": SimpleUploadedFile("letter.pdf", b"%PDF-1.4 x")})
    assert ok.status_code == 302
    detail = cs_client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
    assert "letter.pdf" in detail


def test_contact_options_only_for_visible_customers(client, make_user, make_customer) -> None:
    from manyi.customers.models import Contact

    gz = make_customer(office="BO-GZ")
    Contact.objects.create(customer=gz, name="广州联系人", function="quality")
    client.force_login(make_user("sales_clerk", department="BO-SH"))
    html = client.get(reverse("feedback:contact_options"), {"customer": gz.pk}).content.decode()
    assert "广州联系人" not in html
    client.force_login(make_user("customer_service", department="CS"))
    html = client.get(reverse("feedback:contact_options"), {"customer": gz.pk}).content.decode()
    assert "广州联系人" in html


def test_pages_work_in_english(cs_client, make_entry) -> None:
    entry = make_entry()
    cs_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    with translation.override("en"):
        html = cs_client.get(reverse("feedback:list")).content.decode()
        assert "Feedback register" in html
        html = cs_client.get(reverse("feedback:detail", args=[entry.pk])).content.decode()
        assert "Record the answer" in html
