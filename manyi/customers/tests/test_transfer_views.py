"""Import/export pages: download, upload → background job → progress and report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from manyi.customers.models import Customer, ImportJob, ImportJobStatus
from manyi.customers.tasks import import_job_run

pytestmark = pytest.mark.django_db

GOOD = "code,name,branch_office,business_unit\nC1,甲,BO-SH,BU-PWR\nC2,乙,BO-SH,BU-PWR\n"
BAD = "code,name,branch_office,business_unit\nC1,甲,BO-SH,BU-PWR\nC2,乙,BO-XX,BU-PWR\n"


@pytest.fixture(autouse=True)
def english() -> Any:
    from django.utils import translation

    with translation.override("en"):
        yield


def client_for(user: Any, lang: str = "en") -> Client:
    user.language = lang  # the page language follows the user's preference
    user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE=lang)
    client.force_login(user)
    return client


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def upload(client: Client, kind: str, name: str, data: str, skip: bool = False) -> Any:
    file = SimpleUploadedFile(name, data.encode("utf-8"), content_type="text/csv")
    payload: dict[str, Any] = {"file": file}
    if skip:
        payload["skip_bad_rows"] = "on"
    return client.post(reverse("customers:import", args=[kind]), payload)


def test_export_needs_the_export_permission(make_user: Any) -> None:
    engineer = make_user("quality_engineer")
    response = client_for(engineer).get(reverse("customers:export", args=["customers"]))
    assert response.status_code == 403


def test_export_of_an_unknown_kind_is_404(admin_user: Any) -> None:
    response = client_for(admin_user).get(reverse("customers:export", args=["products"]))
    assert response.status_code == 404


def test_branch_clerk_exports_only_their_office(make_user: Any, make_customer: Any) -> None:
    make_customer("BO-SH", code="SH1")
    make_customer("BO-GZ", "BU-CTL", code="GZ1")
    clerk = make_user("sales_clerk", department="BO-SH")
    response = client_for(clerk, "zh-hans").get(
        reverse("customers:export", args=["customers"]), {"format": "csv"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E9%A1%BE%E5%AE%A2-" in disposition  # 顾客-…
    text = body(response).decode("utf-8-sig")
    assert "SH1" in text and "GZ1" not in text


def test_export_applies_the_list_filters_and_builds_xlsx(
    admin_user: Any, make_customer: Any, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    make_customer(code="A1", status="lost")
    make_customer(code="A2")
    response = client_for(admin_user).get(
        reverse("customers:export", args=["customers"]), {"format": "xlsx", "status": "lost"}
    )
    assert response.status_code == 200
    path = tmp_path / "e.xlsx"
    path.write_bytes(body(response))
    rows = list(load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "客户编码" and [r[0] for r in rows[1:]] == ["A1"]


def test_order_export_filters(admin_user: Any, make_customer: Any, product: Any) -> None:
    import datetime as dt

    from manyi.customers.models import Order

    c = make_customer(code="C1")
    for n, day in (("SO-OLD", 1), ("SO-NEW", 20)):
        Order.objects.create(
            number=n, customer=c, order_date=dt.date(2024, 1, day), product=product,
            quantity=1, promised_date=dt.date(2024, 2, 1),
        )
    response = client_for(admin_user).get(
        reverse("customers:export", args=["orders"]),
        {"format": "csv", "date_from": "2024-01-10"},
    )
    text = body(response).decode("utf-8-sig")
    assert "SO-NEW" in text and "SO-OLD" not in text


def test_upload_runs_the_job_and_shows_the_counts(make_user: Any) -> None:
    user = make_user("customer_service")
    client = client_for(user)
    assert client.get(reverse("customers:import", args=["customers"])).status_code == 200

    response = upload(client, "customers", "客户 list.csv", GOOD)

    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:import_job", args=[job.pk])
    assert job.status == ImportJobStatus.DONE
    assert (job.created, job.updated, job.unchanged, job.total, job.processed) == (2, 0, 0, 2, 2)
    assert job.original_name == "客户 list.csv"
    stored = str(job.file.name)
    assert "客户" not in stored and stored.startswith("imports/")
    assert Customer.objects.count() == 2
    page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<html" in html
    assert 'class="progress"' in html and 'style="width:100%"' in html
    assert "hx-trigger" not in html  # finished: no more polling
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="import-job"' in partial


def test_rejected_job_lists_the_bad_rows(make_user: Any) -> None:
    client = client_for(make_user("customer_service"))
    response = upload(client, "customers", "bad.csv", BAD)
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.REJECTED and job.created == 0
    assert job.errors == [
        {"row": 3, "column": "办事处", "key": "branch_office",
         "reason": "unknown branch office code BO-XX"}
    ]
    html = client.get(response["Location"]).content.decode()
    assert "unknown branch office code BO-XX" in html and "error-box" in html
    assert not Customer.objects.exists()


def test_skip_bad_rows_from_the_ui(make_user: Any) -> None:
    client = client_for(make_user("customer_service"))
    upload(client, "customers", "bad.csv", BAD, skip=True)
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE and job.created == 1 and len(job.errors) == 1


def test_running_job_polls_itself(make_user: Any) -> None:
    user = make_user("customer_service")
    job = ImportJob.objects.create(
        kind="customers", file="imports/x.csv", original_name="x.csv", started_by=user,
        status=ImportJobStatus.RUNNING, total=4000, processed=1000,
    )
    url = reverse("customers:import_job", args=[job.pk])
    partial = client_for(user).get(url, HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-get="{url}"' in partial and 'hx-trigger="every 1s"' in partial
    assert 'style="width:25%"' in partial


def test_only_the_starter_or_an_admin_sees_a_job(make_user: Any, admin_user: Any) -> None:
    owner = make_user("customer_service")
    other = make_user("customer_service")
    job = ImportJob.objects.create(
        kind="orders", file="imports/x.csv", original_name="x.csv", started_by=owner
    )
    url = reverse("customers:import_job", args=[job.pk])
    assert client_for(other).get(url).status_code == 404
    assert client_for(admin_user).get(url).status_code == 200


def test_upload_checks_permission_extension_and_size(make_user: Any, settings: Any) -> None:
    clerk = make_user("sales_clerk", department="BO-SH")
    assert client_for(clerk).get(reverse("customers:import", args=["orders"])).status_code == 403
    client = client_for(make_user("customer_service"))
    assert client.get(reverse("customers:import", args=["widgets"])).status_code == 404
    response = upload(client, "customers", "list.txt", GOOD)
    assert response.status_code == 200
    assert "Choose a .xlsx or .csv file." in response.content.decode()
    settings.MANYI_IMPORT_MAX_BYTES = 10
    response = upload(client, "customers", "list.csv", GOOD)
    assert "too large" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_task_is_idempotent(make_user: Any) -> None:
    client = client_for(make_user("customer_service"))
    upload(client, "customers", "good.csv", GOOD)
    job = ImportJob.objects.get()
    finished = job.finished_at
    assert import_job_run.call(job.pk) == ImportJobStatus.DONE
    job.refresh_from_db()
    assert job.finished_at == finished and Customer.objects.count() == 2


def test_task_records_a_failure(make_user: Any) -> None:
    user = make_user("customer_service")
    job = ImportJob.objects.create(
        kind="customers", file="imports/missing.csv", original_name="missing.csv",
        started_by=user,
    )
    assert import_job_run.call(job.pk) == ImportJobStatus.FAILED
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED and job.message and job.finished_at
