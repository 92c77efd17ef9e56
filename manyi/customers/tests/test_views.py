"""Pages: lists scoped by permission, search/filter/sort/paginate, forms with field errors,
the stale-save message, the timeline and the audit trail on the detail page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from manyi.customers.models import Customer, Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_client(client, make_user):
    user = make_user("customer_service", department="CS")
    client.force_login(user)
    client.user = user
    return client


def test_login_required(client) -> None:
    response = client.get(reverse("customers:list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_ui_is_chinese_by_default_and_english_on_request(service_client) -> None:
    response = service_client.get(reverse("home"))
    assert '<html lang="zh-hans">' in response.content.decode()
    service_client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = service_client.get(reverse("home"))
    assert '<html lang="en">' in response.content.decode()
    assert "Dashboard" in response.content.decode()


def test_navigation_has_no_dead_links(service_client) -> None:
    import re

    html = service_client.get(reverse("home")).content.decode()
    nav = html.split('<nav class="modules"')[1].split("</nav>")[0]
    links = re.findall(r'href="([^"]+)"', nav)
    assert len(links) >= 8
    for link in links:
        assert service_client.get(link).status_code == 200, link


def test_list_search_filter_sort_paginate(service_client, make_customer) -> None:
    for i in range(30):
        make_customer(name=f"测试{i:02d}公司", office="BO-SH" if i % 2 else "BO-GZ",
                      key_account=(i == 7))
    url = reverse("customers:list")
    page1 = service_client.get(url)
    assert page1.context["page"].paginator.count == 30
    assert len(page1.context["page"].object_list) == 25
    assert service_client.get(url, {"page": 2}).context["page"].object_list.__len__() == 5
    found = service_client.get(url, {"q": "测试07"}).context["page"].object_list
    assert [c.name for c in found] == ["测试07公司"]
    ka = service_client.get(url, {"key_account": "1"}).context["page"].object_list
    assert [c.name for c in ka] == ["测试07公司"]
    from manyi.accounts.models import Department

    sh = Department.objects.get(code="BO-SH").pk
    assert service_client.get(url, {"branch_office": sh}).context["page"].paginator.count == 15
    names = [c.name for c in service_client.get(url, {"sort": "-name"}).context["page"]]
    assert names[0] == "测试29公司"


def test_htmx_request_gets_only_the_results_fragment(service_client, make_customer) -> None:
    make_customer(name="片段公司")
    response = service_client.get(reverse("customers:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert '<div id="results">' in html and "片段公司" in html and "<html" not in html


def test_branch_office_sees_only_its_own_customers(client, make_user, make_customer) -> None:
    mine = make_customer(office="BO-SH", name="上海自己的客户")
    theirs = make_customer(office="BO-GZ", name="广州的客户")
    client.force_login(make_user("branch_manager", department="BO-SH"))
    listed = list(client.get(reverse("customers:list")).context["page"].object_list)
    assert listed == [mine]
    assert client.get(reverse("customers:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:edit", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("customers:detail", args=[mine.pk])).status_code == 200


def test_create_with_field_errors_then_success(service_client, dept) -> None:
    url = reverse("customers:create")
    bad = service_client.post(url, {"code": "", "name": "新客户", "annual_revenue": "abc"})
    assert bad.status_code == 200
    errors = bad.context["form"].errors
    assert {"code", "branch_office", "business_unit", "annual_revenue"} <= set(errors)
    assert not Customer.objects.exists()
    ok = service_client.post(url, {
        "code": "N001", "name": "新客户有限公司", "kind": "direct",
        "branch_office": dept("BO-SH").pk, "business_unit": dept("BU-PWR").pk,
        "level": "city", "customer_class": "A", "annual_revenue": "120000", "status": "active",
    })
    customer = Customer.objects.get(code="N001")
    assert ok.status_code == 302 and ok["Location"] == reverse("customers:detail",
                                                               args=[customer.pk])
    assert customer.created_by == service_client.user


def test_stale_edit_is_refused_with_a_clear_message(service_client, make_customer) -> None:
    customer = make_customer(name="原名")
    url = reverse("customers:edit", args=[customer.pk])
    form = service_client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["product_lines"] = []
    data.update({"name": "第一次修改", "version": 1, "branch_office": customer.branch_office_id,
                 "business_unit": customer.business_unit_id, "region": customer.region_id})
    data.pop("dealer", None)
    assert service_client.post(url, data).status_code == 302
    data["name"] = "第二个人的修改"
    response = service_client.post(url, data)  # still says version 1
    assert response.status_code == 409
    assert "version 2" in response.content.decode() or "版本 2" in response.content.decode()
    assert Customer.objects.get(pk=customer.pk).name == "第一次修改"


def test_detail_shows_timeline_and_audit_trail(service_client, make_customer, product) -> None:
    from manyi.customers import services

    customer = make_customer(name="时间线公司")
    Order.objects.create(number="SO-9", customer=customer, order_date=dt.date(2026, 5, 1),
                         product=product, quantity=10, promised_date=dt.date(2026, 5, 10),
                         delivered_date=dt.date(2026, 5, 12))
    services.customer_update(actor=service_client.user, customer=customer,
                             data={"phone": "021-5555"}, expected_version=1)
    response = service_client.get(reverse("customers:detail", args=[customer.pk]))
    html = response.content.decode()
    assert "SO-9" in html and "021-5555" in html
    assert [e.kind for e in response.context["timeline"]] == ["order"]
    assert response.context["timeline"][0].warning  # delivered late


def test_archive_and_restore_from_the_page(client, make_user, make_customer) -> None:
    client.force_login(make_user("sales_manager", department="SALES"))
    customer = make_customer()
    client.post(reverse("customers:archive", args=[customer.pk]))
    customer.refresh_from_db()
    assert customer.archived_at is not None
    listed = client.get(reverse("customers:list"), {"archived": "1"}).context["page"]
    assert customer in listed.object_list
    client.post(reverse("customers:archive", args=[customer.pk]))
    customer.refresh_from_db()
    assert customer.archived_at is None


def test_bulk_status_change_from_the_list(client, make_user, make_customer) -> None:
    client.force_login(make_user("sales_manager", department="SALES"))
    a, b = make_customer(), make_customer()
    client.post(reverse("customers:bulk"), {"ids": [a.pk, b.pk], "status": "lost"})
    assert set(Customer.objects.values_list("status", flat=True)) == {"lost"}


def test_viewer_cannot_open_the_create_page(client, make_user) -> None:
    client.force_login(make_user("viewer", department="BO-SH"))
    assert client.get(reverse("customers:create")).status_code == 403


def test_contact_and_order_forms(service_client, make_customer, product) -> None:
    customer = make_customer()
    r = service_client.post(reverse("customers:contact_create", args=[customer.pk]),
                            {"customer": customer.pk, "name": "李雷", "function": "purchasing",
                             "decision_class": "A", "email": "not-an-email",
                             "language": "zh-hans"})
    assert "email" in r.context["form"].errors
    r = service_client.post(reverse("customers:contact_create", args=[customer.pk]),
                            {"customer": customer.pk, "name": "李雷", "function": "purchasing",
                             "decision_class": "A", "email": "li@x.example.cn",
                             "language": "zh-hans"})
    assert r.status_code == 302 and customer.contacts.get().name == "李雷"


def test_stale_contact_edit_answers_409_like_the_customer_form(service_client,
                                                               make_customer) -> None:
    customer = make_customer()
    data = {"customer": customer.pk, "name": "李雷", "function": "purchasing",
            "decision_class": "A", "email": "li@x.example.cn", "language": "zh-hans"}
    service_client.post(reverse("customers:contact_create", args=[customer.pk]), data)
    url = reverse("customers:contact_edit", args=[customer.contacts.get().pk])
    assert service_client.post(url, {**data, "name": "韩梅梅", "version": 1}).status_code == 302
    response = service_client.post(url, {**data, "name": "王芳", "version": 1})
    assert response.status_code == 409
    assert response.context["form"].non_field_errors()
    assert customer.contacts.get().name == "韩梅梅"


def test_order_list_and_late_filter(service_client, make_customer, product) -> None:
    customer = make_customer()
    for n, late in (("SO-A", False), ("SO-B", True)):
        Order.objects.create(number=n, customer=customer, order_date=dt.date(2026, 1, 5),
                             product=product, quantity=5, promised_date=dt.date(2026, 1, 10),
                             delivered_date=dt.date(2026, 1, 12 if late else 9))
    all_orders = service_client.get(reverse("customers:orders")).context["page"]
    assert all_orders.paginator.count == 2
    late = service_client.get(reverse("customers:orders"), {"late": "1"}).context["page"]
    assert [o.number for o in late] == ["SO-B"]


def test_contact_list_search_filter_and_scope(client, make_user, make_customer) -> None:
    from manyi.customers.models import Contact

    sh = make_customer(office="BO-SH", name="上海甲")
    gz = make_customer(office="BO-GZ", name="广州乙")
    Contact.objects.create(customer=sh, name="赵一", function="gm", decision_class="A")
    Contact.objects.create(customer=sh, name="钱二", function="user", decision_class="C")
    Contact.objects.create(customer=gz, name="孙三", function="gm", decision_class="A")
    client.force_login(make_user("branch_manager", department="BO-SH"))
    page = client.get(reverse("customers:contacts")).context["page"]
    assert sorted(c.name for c in page) == ["赵一", "钱二"]
    page = client.get(reverse("customers:contacts"), {"function": "gm"}).context["page"]
    assert [c.name for c in page] == ["赵一"]
    page = client.get(reverse("customers:contacts"), {"q": "钱"}).context["page"]
    assert [c.name for c in page] == ["钱二"]


def test_browser_language_header_does_not_override_chinese(service_client) -> None:
    html = service_client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans">' in html.content.decode()


def test_profile_language_is_used_when_no_choice_was_made(client, make_user) -> None:
    client.force_login(make_user("customer_service", department="CS", language="en"))
    assert '<html lang="en">' in client.get(reverse("home")).content.decode()
