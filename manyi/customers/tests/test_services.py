"""Services: audit trail on every change, stale saves refused, archive instead of delete."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from manyi.audit.models import AuditEntry, RetentionPolicy
from manyi.audit.services import history_for
from manyi.common.models import RecordProtectedError
from manyi.common.services import StaleRecordError, record_purge, retention_ends
from manyi.customers import services
from manyi.customers.models import Customer

pytestmark = pytest.mark.django_db


def customer_data(dept, **extra):
    data = {
        "code": "K001",
        "name": "杭州恒星电气有限公司",
        "branch_office": dept("BO-HZ"),
        "business_unit": dept("BU-PWR"),
        "region": dept("R-EAST"),
        "level": "provincial",
        "annual_revenue": Decimal("2500000.00"),
    }
    data.update(extra)
    return data


def test_create_writes_who_and_when_and_an_audit_entry(make_user, dept) -> None:
    clerk = make_user("customer_service", department="CS")
    customer = services.customer_create(actor=clerk, data=customer_data(dept))
    assert customer.created_by == clerk and customer.changed_by == clerk
    assert customer.version == 1
    entry = history_for(customer).get()
    assert entry.action == "create" and entry.actor == clerk
    assert entry.changes["name"] == [None, "杭州恒星电气有限公司"]
    assert entry.changes["branch_office"] == [None, "杭州办事处"]


def test_update_records_old_and_new_values(make_user, dept) -> None:
    clerk = make_user("customer_service", department="CS")
    customer = services.customer_create(actor=clerk, data=customer_data(dept))
    updated = services.customer_update(
        actor=clerk,
        customer=customer,
        data={"annual_revenue": Decimal("3000000"), "key_account": True},
        expected_version=1,
    )
    assert updated.version == 2
    entry = history_for(customer).filter(action="update").get()
    assert entry.changes == {
        "annual_revenue": ["2500000.00", "3000000.00"],
        "key_account": [False, True],
    }
    assert entry.actor == clerk


def test_saving_over_a_stale_copy_is_refused(make_user, dept) -> None:
    a = make_user("customer_service", department="CS")
    b = make_user("customer_service", department="CS")
    customer = services.customer_create(actor=a, data=customer_data(dept))
    services.customer_update(actor=a, customer=customer, data={"phone": "0571-1"},
                             expected_version=1)
    with pytest.raises(StaleRecordError) as exc:
        services.customer_update(actor=b, customer=customer, data={"phone": "0571-2"},
                                 expected_version=1)
    assert "已被他人修改" in str(exc.value)  # the message in the default language (zh-Hans)
    assert Customer.objects.get(pk=customer.pk).phone == "0571-1"
    assert history_for(customer).filter(action="update").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_the_same_version_one_wins(make_user, dept) -> None:
    a = make_user("customer_service", department="CS")
    customer = services.customer_create(actor=a, data=customer_data(dept))
    results: list[str] = []
    barrier = threading.Barrier(2)

    def save(phone: str) -> None:
        from django.db import connections

        try:
            barrier.wait()
            services.customer_update(actor=a, customer=customer, data={"phone": phone},
                                     expected_version=1)
            results.append("ok")
        except StaleRecordError:
            results.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(p,)) for p in ("1", "2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ok", "stale"]
    assert Customer.objects.get(pk=customer.pk).version == 2


def test_invalid_data_names_the_field_and_saves_nothing(make_user, dept) -> None:
    clerk = make_user("customer_service", department="CS")
    with pytest.raises(ValidationError) as exc:
        services.customer_create(
            actor=clerk, data=customer_data(dept, annual_revenue=Decimal("-5"), code="")
        )
    assert {"annual_revenue", "code"} <= set(exc.value.message_dict)
    assert not Customer.objects.exists()
    assert not AuditEntry.objects.exists()


def test_branch_clerk_cannot_create_customers_of_another_office(make_user, dept) -> None:
    clerk = make_user("sales_clerk", department="BO-SH")
    with pytest.raises(ValidationError) as exc:
        services.customer_create(actor=clerk, data=customer_data(dept))  # Hangzhou
    assert "branch_office" in exc.value.message_dict
    ok = services.customer_create(
        actor=clerk, data=customer_data(dept, branch_office=dept("BO-SH"))
    )
    assert ok.pk


def test_viewer_cannot_change(make_user, make_customer) -> None:
    viewer = make_user("viewer", department="BO-SH")
    with pytest.raises(PermissionDenied):
        services.customer_update(actor=viewer, customer=make_customer(), data={"phone": "1"},
                                 expected_version=1)


def test_records_are_archived_not_deleted(make_user, make_customer) -> None:
    boss = make_user("sales_manager", department="SALES")
    customer = make_customer()
    with pytest.raises(RecordProtectedError):
        customer.delete()
    with pytest.raises(RecordProtectedError):
        Customer.objects.filter(pk=customer.pk).delete()
    services.customer_archive(actor=boss, customer=customer, reason="合并到集团账户")
    customer.refresh_from_db()
    assert customer.archived_at is not None and customer.archived_by == boss
    assert Customer.objects.filter(pk=customer.pk).exists()
    assert history_for(customer).filter(action="archive", note="合并到集团账户").exists()
    with pytest.raises(ValidationError):
        record_purge(customer, actor=boss)  # retention (2 years) still running
    services.customer_restore(actor=boss, customer=customer)
    customer.refresh_from_db()
    assert customer.archived_at is None


def test_retention_period_is_configurable_per_record_type(make_user, make_customer) -> None:
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType

    boss = make_user("admin")
    customer = make_customer()
    services.customer_archive(actor=boss, customer=customer)
    customer.refresh_from_db()
    assert retention_ends(customer).year == customer.archived_at.year + 2
    RetentionPolicy.objects.create(content_type=ContentType.objects.get_for_model(Customer),
                                   years=5)
    assert retention_ends(customer).year == customer.archived_at.year + 5
    Customer.objects.filter(pk=customer.pk).update(
        archived_at=customer.archived_at - dt.timedelta(days=6 * 366)
    )
    customer.refresh_from_db()
    record_purge(customer, actor=boss)
    assert not Customer.objects.filter(pk=customer.pk).exists()
    assert AuditEntry.objects.filter(action="purge", object_id=str(customer.pk)).exists()


def test_bulk_change_writes_one_audit_entry_per_record(make_user, make_customer) -> None:
    boss = make_user("sales_manager", department="SALES")
    customers = [make_customer() for _ in range(3)]
    n = services.customers_bulk_update(actor=boss, customers=customers, data={"status": "lost"})
    assert n == 3
    entries = AuditEntry.objects.filter(action="bulk_update")
    assert entries.count() == 3
    assert len({e.batch for e in entries}) == 1
    assert all(e.changes == {"status": ["active", "lost"]} for e in entries)
    assert set(Customer.objects.values_list("version", flat=True)) == {2}


def test_bulk_change_refuses_customers_outside_scope(make_user, make_customer) -> None:
    clerk = make_user("sales_clerk", department="BO-SH")
    with pytest.raises(PermissionDenied):
        services.customers_bulk_update(
            actor=clerk, customers=[make_customer(office="BO-GZ")], data={"status": "lost"}
        )


def test_contact_and_order_changes_are_audited(make_user, make_customer, product) -> None:
    import datetime as dt

    clerk = make_user("sales_clerk", department="BO-SH")
    customer = make_customer()
    contact = services.contact_create(
        actor=clerk, data={"customer": customer, "name": "王芳", "function": "quality",
                           "decision_class": "A"}
    )
    services.contact_update(actor=clerk, contact=contact, data={"phone": "139"},
                            expected_version=1)
    order = services.order_create(
        actor=clerk,
        data={"number": "SO-1", "customer": customer, "order_date": dt.date(2026, 3, 2),
              "product": product, "quantity": 100, "promised_date": dt.date(2026, 3, 20)},
    )
    assert history_for(contact).filter(action="update").get().changes == {"phone": ["", "139"]}
    assert history_for(order).get().action == "create"
    other = make_customer(office="BO-GZ")
    with pytest.raises(PermissionDenied):
        services.contact_create(actor=clerk, data={"customer": other, "name": "x",
                                                   "function": "user"})
