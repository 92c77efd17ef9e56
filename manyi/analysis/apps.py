from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "manyi.analysis"
    label = "analysis"
    verbose_name = _("Analysis")

    def ready(self) -> None:
        # Permissions, timeline sources and attachment owners register here.
        from importlib import import_module
        from importlib.util import find_spec

        for module in ("permissions", "timeline"):
            if find_spec(f"{self.name}.{module}") is not None:
                import_module(f"{self.name}.{module}")
