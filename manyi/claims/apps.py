from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClaimsConfig(AppConfig):
    name = "manyi.claims"
    label = "claims"
    verbose_name = _("Claims")

    def ready(self) -> None:
        # Permissions, timeline sources and attachment owners register here.
        from importlib import import_module
        from importlib.util import find_spec

        for module in ("permissions", "timeline"):
            if find_spec(f"{self.name}.{module}") is not None:
                import_module(f"{self.name}.{module}")

        # What the app offers other modules (manyi.common.links).
        from manyi.common.links import register_timeline

        from . import integrations, timeline

        register_timeline(timeline.claim_events)
        integrations.offer_receivers()
