"""Survey e-mails and QR codes link to the address the site is served on (`SITE_URL`)."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse

from manyi.surveys.models import Channel, Invitation

SITE = "https://survey.example.com:8443"


def test_invitation_email_links_to_site_url(
    settings: Any, running_campaign: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = SITE
    settings.MANYI_PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # SITE_URL is what is used
    with django_capture_on_commit_callbacks(execute=True):
        campaign = running_campaign(customers=1)
    direct = Invitation.objects.filter(campaign=campaign, channel=Channel.EMAIL)
    bodies = [m.body for m in mail.outbox if m.to[0] in {i.email for i in direct}]
    assert bodies and all(f"{SITE}/s/" in body for body in bodies)
    assert not any("127.0.0.1:8000" in body for body in bodies)


def test_qr_link_uses_site_url_not_the_request_host(
    settings: Any, running_campaign: Any, client: Any, cs_user: Any
) -> None:
    client.force_login(cs_user)
    settings.SITE_URL = SITE + "/"  # a trailing slash makes no double slash
    inv = Invitation.objects.filter(campaign=running_campaign(customers=1)).first()
    assert inv is not None
    html = client.post(reverse("surveys:invitation_link", args=[inv.pk])).content.decode()
    assert f"{SITE}/s/" in html and "testserver/s/" not in html
