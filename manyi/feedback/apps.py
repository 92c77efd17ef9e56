from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "manyi.feedback"
    label = "feedback"
    verbose_name = _("Feedback and inquiries")

    def ready(self) -> None:
        # Permissions, timeline sources and attachment owners register here.
        from importlib import import_module
        from importlib.util import find_spec

        for module in ("permissions", "timeline"):
            if find_spec(f"{self.name}.{module}") is not None:
                import_module(f"{self.name}.{module}")

        # What the app offers other modules (manyi.common.links).
        from manyi.common.links import register_timeline

        from . import timeline

        register_timeline(timeline.feedback_events)
