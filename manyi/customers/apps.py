from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "manyi.customers"
    label = "customers"
    verbose_name = _("Customer archive")

    def ready(self) -> None:
        # What the app offers other modules (manyi.common.links): orders on the timeline.
        from manyi.common.links import register_timeline

        from . import timeline

        register_timeline(timeline.order_events)
