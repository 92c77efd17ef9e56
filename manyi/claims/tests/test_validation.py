"""A claim received in 2099 or with a 5 MB description is refused with a message on the field,
on the page and in the API; tomorrow (a record entered across a time-zone midnight) is fine."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from manyi.accounts.services import api_token_create
from manyi.claims.models import Claim
from manyi.common.validators import TEXT_MAX_CHARS

pytestmark = pytest.mark.django_db
J = "application/json"
FIVE_MB = "意" * (5 * 1024 * 1024 // 3)


def test_received_in_2099_and_a_huge_description_on_the_page(client, people, customer) -> None:
    client.force_login(people.sales)
    url = reverse("claims:create")
    bad = client.post(url, {"customer": customer.pk, "description": FIVE_MB,
                            "claimed_amount": "100", "received_on": "2099-01-05"})
    errors = bad.context["form"].errors
    assert "2099-01-05" in errors["received_on"][0]
    assert str(TEXT_MAX_CHARS) in errors["description"][0].replace(",", "")
    assert not Claim.objects.exists()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    ok = client.post(url, {"customer": customer.pk, "description": "外壳开裂",
                           "claimed_amount": "100", "received_on": tomorrow.isoformat()})
    assert ok.status_code == 302 and Claim.objects.get().received_on == tomorrow


def test_received_in_2099_and_a_huge_demand_in_the_api(client, people, customer) -> None:
    _token, key = api_token_create(user=people.sales)
    response = client.post("/api/v1/claims/", {
        "customer": customer.pk, "description": "输出电压偏低", "demand": FIVE_MB,
        "claimed_amount": "10", "received_on": "2099-02-03"},
        content_type=J, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 422, response.content[:300]
    assert {"received_on", "demand"} <= set(response.json()["errors"])
    assert not Claim.objects.exists()


def test_the_day_after_tomorrow_in_the_company_time_zone_is_refused(settings) -> None:
    from django.core.exceptions import ValidationError

    from manyi.common.validators import not_in_future

    settings.TIME_ZONE = "Asia/Shanghai"
    today = timezone.localdate()
    not_in_future(today + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as exc:
        not_in_future(today + dt.timedelta(days=2))
    assert exc.value.code == "future_date"
