"""Pages: who sees which complaints (404 outside the scope), list filters with overdue in red,
the intake form, steps posted from the detail page, attachments, the dashboard and the
monthly summary with its export, the customer timeline — in Chinese and English."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from manyi.common.models import Attachment
from manyi.complaints import services
from manyi.complaints.models import Complaint, ComplaintState

from .conftest import GENERAL_ANALYSIS, at

pytestmark = pytest.mark.django_db
S = ComplaintState
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64


@pytest.fixture
def two_offices(people, new_complaint, make_customer, step):
    sh = new_complaint(description="上海的投诉")
    gz_customer = make_customer(office="BO-GZ", name="广州客户")
    gz = services.complaint_create(
        actor=people.clerk_gz,
        data={"customer": gz_customer, "channel": "email", "contact_name": "陈",
              "description": "广州的投诉", "content_category": "service_attitude"},
    )
    escalated = new_complaint(description="升级的投诉")
    escalated = step(escalated, "analyse", people.clerk, nature="effective", analysis="x",
                     escalate=True, assignee=people.qe)
    return {"sh": sh, "gz": gz, "esc": escalated}


def listed(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("complaints:list"), params)
    assert response.status_code == 200
    return {c.description for c in response.context["page"].object_list}


def test_login_required(client) -> None:
    response = client.get(reverse("complaints:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_branch_office_sees_its_own_customers_complaints(client, people, two_offices) -> None:
    assert listed(client, people.branch) == {"上海的投诉", "升级的投诉"}
    assert listed(client, people.clerk_gz) == {"广州的投诉"}
    assert listed(client, people.service) == {"上海的投诉", "广州的投诉", "升级的投诉"}
    assert listed(client, people.bu_head) == {"上海的投诉", "广州的投诉", "升级的投诉"}
    assert listed(client, people.viewer) == set()  # North China region only
    client.force_login(people.clerk_gz)
    assert client.get(reverse("complaints:detail", args=[two_offices["sh"].pk])).status_code == 404
    assert client.get(reverse("complaints:detail", args=[two_offices["gz"].pk])).status_code == 200


def test_quality_sees_what_is_escalated_to_it(client, people, two_offices) -> None:
    assert listed(client, people.qe) == {"升级的投诉"}
    client.force_login(people.qe)
    assert client.get(reverse("complaints:detail", args=[two_offices["sh"].pk])).status_code == 404
    page = client.get(reverse("complaints:detail", args=[two_offices["esc"].pk]))
    assert page.status_code == 200
    steps = [s["t"].name for s in page.context["steps"]]
    assert "propose" in steps and "analyse" not in steps
    assert listed(client, people.qm) == {"上海的投诉", "广州的投诉", "升级的投诉"}


def test_without_the_permission_the_pages_are_forbidden(client, people, two_offices) -> None:
    client.force_login(people.nobody)
    for name in ("complaints:list", "complaints:dashboard", "complaints:summary",
                 "complaints:summary_xlsx", "complaints:create"):
        assert client.get(reverse(name)).status_code == 403, name
    assert client.get(reverse("complaints:detail", args=[two_offices["sh"].pk])).status_code == 404
    client.force_login(people.viewer)
    assert client.get(reverse("complaints:create")).status_code == 403


def test_list_filters_and_overdue_in_red(client, people, new_complaint, step, dept) -> None:
    old = new_complaint(received_at=at(2025, 3, 3, 9), description="老投诉", severity="major")
    fresh = new_complaint(description="新投诉", channel="email")
    assert old.is_overdue and not fresh.is_overdue
    assert listed(client, people.service, overdue="1") == {"老投诉"}
    assert listed(client, people.service, overdue="0") == {"新投诉"}
    assert listed(client, people.service, severity="major") == {"老投诉"}
    assert listed(client, people.service, channel="email") == {"新投诉"}
    assert listed(client, people.service, period="2025-03") == {"老投诉"}
    assert listed(client, people.service, period="2025-Q2") == set()
    assert listed(client, people.service, q=fresh.number) == {"新投诉"}
    assert listed(client, people.service, office=dept("BO-GZ").pk) == set()
    assert listed(client, people.service, state="open") == {"老投诉", "新投诉"}
    assert listed(client, people.service, state="closed") == set()
    in_march = listed(client, people.service, date_from="2025-03-01", date_to="2025-03-03")
    assert in_march == {"老投诉"}
    html = client.get(reverse("complaints:list")).content.decode()
    row = html.split(old.number)[0].rsplit("<tr", 1)[1]
    assert 'class="late' in row
    fragment = client.get(reverse("complaints:list"), HTTP_HX_REQUEST="true").content.decode()
    assert '<div id="results">' in fragment and "<html" not in fragment


def test_pages_render_in_chinese_and_english(client, people, two_offices) -> None:
    client.force_login(people.qm)
    urls = [
        reverse("complaints:list"),
        reverse("complaints:detail", args=[two_offices["esc"].pk]),
        reverse("complaints:detail", args=[two_offices["sh"].pk]),
        reverse("complaints:dashboard"),
        reverse("complaints:summary"),
        reverse("complaints:summary") + "?year=2026&month=1",
        reverse("complaints:casebook") + "?year=2026",
        reverse("complaints:create"),
        reverse("complaints:accountability", args=[two_offices["sh"].pk]),
    ]
    for lang in ("zh-hans", "en"):
        client.cookies["django_language"] = lang
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert f'<html lang="{lang}">' in response.content.decode()
    assert "Next steps" in client.get(urls[1]).content.decode()


def test_intake_form_records_a_complaint(client, people, customer, contact, product) -> None:
    client.force_login(people.clerk)
    page = client.get(reverse("complaints:create") + f"?customer={customer.pk}")
    assert page.status_code == 200
    assert f'<option value="{customer.pk}" selected>' in page.content.decode()
    assert list(page.context["form"].fields["contact"].queryset) == [contact]
    data = {
        "customer": customer.pk, "contact": contact.pk, "channel": "phone",
        "received_at": "2026-01-05T10:30", "product": product.pk, "batch_number": "B1",
        "description": "", "content_category": "product_quality", "severity": "general",
        "contact_language": "zh-hans",
    }
    bad = client.post(reverse("complaints:create"), data)
    assert bad.status_code == 200 and "description" in bad.context["form"].errors
    assert not Complaint.objects.exists()
    ok = client.post(reverse("complaints:create"), {**data, "description": "外壳开裂"})
    complaint = Complaint.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse("complaints:detail",
                                                               args=[complaint.pk])
    assert complaint.number == "TS-2026-00001" and complaint.created_by == people.clerk
    assert complaint.received_at == at(2026, 1, 5, 10, 30)
    no_contact = client.post(reverse("complaints:create"),
                             {**data, "contact": "", "description": "x"})
    assert "contact_name" in no_contact.context["form"].errors


def test_intake_offers_only_customers_in_scope(client, people, customer, contact,
                                               make_customer) -> None:
    gz = make_customer(office="BO-GZ", name="广州某公司")
    client.force_login(people.clerk)
    options = client.get(reverse("complaints:customer_options"), {"customer_q": "公司"})
    html = options.content.decode()
    assert customer.name in html and gz.name not in html
    contacts = client.get(reverse("complaints:contact_options"), {"customer": customer.pk})
    assert contact.name in contacts.content.decode()
    other = client.get(reverse("complaints:contact_options"), {"customer": gz.pk})
    assert contact.name not in other.content.decode()
    response = client.post(reverse("complaints:create"), {
        "customer": gz.pk, "contact_name": "x", "channel": "phone",
        "received_at": "2026-01-05T10:30", "description": "x",
        "content_category": "service_quality", "severity": "general",
        "contact_language": "zh-hans",
    })
    assert "customer" in response.context["form"].errors


def test_steps_from_the_detail_page(client, people, new_complaint) -> None:
    c = new_complaint()
    url = reverse("complaints:transition", args=[c.pk, "analyse"])
    client.force_login(people.clerk)
    missing = client.post(url, {"analyse-nature": "effective", "version": c.version})
    assert missing.status_code == 200
    assert "analysis" in missing.context["steps"][0]["form"].errors
    ok = client.post(url, {"analyse-nature": "effective", "analyse-analysis": "焊接不良",
                           "analyse-content_category": "product_quality",
                           "analyse-severity": "general", "version": c.version})
    assert ok.status_code == 302
    c.refresh_from_db()
    assert c.state == S.SALES_HANDLING
    # A step that is not possible now: a clear message naming the state, nothing changed.
    refused = client.post(reverse("complaints:transition", args=[c.pk, "accept"]), follow=True)
    assert refused.status_code == 200
    assert any("TS-" in str(m) for m in refused.context["messages"])
    # Stale version: 409, nothing saved.
    stale = client.post(reverse("complaints:transition", args=[c.pk, "propose"]),
                        {"propose-kind": "repair", "propose-description": "x", "version": 1})
    assert stale.status_code == 409
    c.refresh_from_db()
    assert c.state == S.SALES_HANDLING
    client.force_login(people.service)
    forbidden = client.post(reverse("complaints:transition", args=[c.pk, "propose"]),
                            {"propose-kind": "repair", "propose-description": "x"})
    assert forbidden.status_code == 403
    assert client.post(reverse("complaints:transition", args=[c.pk, "nonsense"])).status_code == 404


def test_attachments_upload_and_download_follow_the_scope(client, people, new_complaint) -> None:
    c = new_complaint()
    client.force_login(people.clerk)
    upload = SimpleUploadedFile("缺陷照片.png", PNG, content_type="image/png")
    response = client.post(reverse("complaints:attach", args=[c.pk]),
                           {"att-file": upload, "att-note": "外壳裂纹"})
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.original_name == "缺陷照片.png"
    bad = client.post(reverse("complaints:attach", args=[c.pk]),
                      {"att-file": SimpleUploadedFile("x.exe", b"MZ", "application/octet-stream")})
    assert bad.status_code == 200 and Attachment.objects.count() == 1
    assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 200
    client.force_login(people.clerk_gz)
    assert client.get(reverse("attachment", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("complaints:attach", args=[c.pk]),
                       {"att-file": upload}).status_code == 404


def test_legal_and_accountability_from_the_pages(client, people, new_complaint, dept) -> None:
    c = new_complaint()
    client.force_login(people.clerk)
    client.post(reverse("complaints:flag_legal", args=[c.pk]))
    c.refresh_from_db()
    assert c.legal_flag
    client.force_login(people.legal)
    client.post(reverse("complaints:legal_opinion", args=[c.pk]), {"legal-opinion": "无诉讼风险"})
    c.refresh_from_db()
    assert c.legal_opinion == "无诉讼风险"
    assert client.get(reverse("complaints:accountability", args=[c.pk])).status_code == 403
    client.force_login(people.qm)
    response = client.post(reverse("complaints:accountability", args=[c.pk]), {
        "failure_type": "shirking", "responsible_department": dept("BO-SH").pk,
        "responsible_person": people.clerk.pk, "measure": "verbal",
        "rectification": "改进响应", "rectification_deadline": "2026-12-31",
    })
    assert response.status_code == 302
    record = c.accountabilities.get()
    response = client.post(reverse("complaints:rectified", args=[record.pk]),
                           {"rect-rectified_on": "2026-01-10"})
    record.refresh_from_db()
    assert str(record.rectified_on) == "2026-01-10"
    wrong_person = client.post(reverse("complaints:accountability", args=[c.pk]), {
        "failure_type": "shirking", "responsible_department": dept("BO-GZ").pk,
        "responsible_person": people.clerk.pk, "measure": "verbal",
        "rectification": "x", "rectification_deadline": "2026-12-31",
    })
    assert "responsible_person" in wrong_person.context["form"].errors


def test_dashboard_summary_and_export(client, people, new_complaint, step) -> None:
    c = new_complaint(received_at=at(2026, 1, 5, 9))
    new_complaint(received_at=at(2026, 1, 20, 9))
    client.force_login(people.sales_manager)
    dashboard = client.get(reverse("complaints:dashboard"), {"period": "2026"})
    assert dashboard.status_code == 200
    kpis = dashboard.context["kpis"]
    assert kpis.received == 2 and kpis.overdue == 2
    assert c in dashboard.context["overdue"]
    summary = client.get(reverse("complaints:summary"), {"year": "2026", "month": "1"})
    assert summary.context["s"].total == 2
    assert summary.context["s"].recurring == 1  # same customer and category twice
    export = client.get(reverse("complaints:summary_xlsx"), {"year": "2026"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "complaints-summary-2026.xlsx" in export["Content-Disposition"]
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(export.content))
    assert wb.active.cell(row=1, column=1).value == "编号" and wb.active.max_row == 3


def test_complaints_on_the_customer_timeline(client, people, new_complaint, customer) -> None:
    c = new_complaint()
    client.force_login(people.clerk)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert c.number in page and reverse("complaints:detail", args=[c.pk]) in page
    # A user who cannot see complaints does not get them on a timeline (no leak).
    from manyi.customers.selectors import customer_timeline

    assert not [e for e in customer_timeline(customer=customer, user=people.nobody)
                if e.kind == "complaint"]


def test_correcting_the_intake(client, people, new_complaint) -> None:
    c = new_complaint()
    client.force_login(people.clerk)
    page = client.get(reverse("complaints:edit", args=[c.pk]))
    assert page.status_code == 200 and "customer" not in page.context["form"].fields
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(description="更正后的描述", version=c.version, contact=c.contact_id,
                product=c.product_id)
    response = client.post(reverse("complaints:edit", args=[c.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    c.refresh_from_db()
    assert c.description == "更正后的描述" and c.version == 2
    stale = client.post(reverse("complaints:edit", args=[c.pk]), {**data, "version": 1})
    assert stale.status_code == 409
    client.force_login(people.viewer)
    assert client.get(reverse("complaints:edit", args=[c.pk])).status_code == 404


def test_only_the_steps_the_user_may_take_are_offered(client, people, new_complaint, step) -> None:
    c = new_complaint()
    c = step(c, "analyse", people.clerk, **GENERAL_ANALYSIS)
    c = step(c, "propose", people.clerk, kind="repair", description="x")
    client.force_login(people.clerk)
    page = client.get(reverse("complaints:detail", args=[c.pk]))
    names = [s["t"].name for s in page.context["steps"]]
    assert names == ["accept", "reject"]
    client.force_login(people.service)
    page = client.get(reverse("complaints:detail", args=[c.pk]))
    assert page.context["steps"] == []  # customer service waits for the customer's answer
    assert [t.name for t in page.context["next_all"]] == ["accept", "reject"]


def test_casebook_lists_the_year_s_closed_complaints(client, people, new_complaint, step) -> None:
    closed = new_complaint(description="已办结的投诉")
    new_complaint(description="仍在处理的投诉")
    for name, data in [
        ("analyse", GENERAL_ANALYSIS),
        ("propose", {"kind": "repair", "description": "维修方案甲"}),
        ("reject", {"note": "不同意"}),
        ("propose", {"kind": "technical", "description": "现场服务方案乙"}),
        ("accept", {}),
        ("carry_out", {"result": "已解决"}),
        ("record_root_cause", {"root_cause": "装配错误", "capa_required": False}),
        ("close", {}),
    ]:
        closed = step(closed, name, people.clerk, **data)
    client.force_login(people.service)
    year = closed.closed_at.astimezone(at(2026, 1, 1).tzinfo).year
    page = client.get(reverse("complaints:casebook"), {"year": year})
    assert [c.pk for c in page.context["cases"]] == [closed.pk]
    html = page.content.decode()
    assert "维修方案甲" in html and "现场服务方案乙" in html and "装配错误" in html
    assert not client.get(reverse("complaints:casebook"), {"year": year - 1}).context["cases"]


def test_hand_over_from_the_complaint_page(client, people, new_complaint) -> None:
    c = new_complaint()
    url = reverse("complaints:reassign", args=[c.pk])
    client.force_login(people.clerk)
    page = client.get(reverse("complaints:detail", args=[c.pk]))
    assert url in page.content.decode()
    bad = client.post(url, {"hand-owner": people.branch.pk, "hand-note": "",
                            "version": c.version})
    assert bad.status_code == 422
    c.refresh_from_db()
    assert c.owner == people.clerk
    stale = client.post(url, {"hand-owner": people.branch.pk, "hand-note": "出差",
                              "version": c.version - 1})
    assert stale.status_code == 409
    done = client.post(url, {"hand-owner": people.branch.pk, "hand-note": "出差",
                             "version": c.version})
    assert done.status_code == 302
    c.refresh_from_db()
    assert c.owner == people.branch
    client.force_login(people.service)  # may see the complaint, may not hand it over
    assert url not in client.get(reverse("complaints:detail", args=[c.pk])).content.decode()
    assert client.post(url, {"hand-owner": people.clerk.pk, "hand-note": "x"}).status_code == 403
    client.force_login(people.clerk_gz)  # another office: the complaint does not exist for him
    assert client.post(url, {"hand-owner": people.clerk.pk, "hand-note": "x"}).status_code == 404
